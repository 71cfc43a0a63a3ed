"""Transfer pages, under /transfers/."""

from django.urls import path

from lnob.cases.transfers import views

urlpatterns = [
    path("", views.transfer_list, name="transfer_list"),
    path("new/<int:case_pk>/", views.transfer_new, name="transfer_new"),
    path("<int:pk>/", views.transfer_detail, name="transfer_detail"),
    path("<int:pk>/accept/", views.transfer_accept_view, name="transfer_accept"),
    path("<int:pk>/decline/", views.transfer_decline_view, name="transfer_decline"),
    path("<int:pk>/cancel/", views.transfer_cancel_view, name="transfer_cancel"),
]
