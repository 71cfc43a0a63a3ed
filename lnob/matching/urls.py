from django.urls import path

from lnob.matching import views

urlpatterns = [
    path("", views.run_list, name="matching_runs"),
    path("<int:pk>/", views.run_detail, name="matching_run"),
    path("<int:pk>/decide/", views.run_decide, name="matching_decide"),
    path("<int:pk>/<str:what>.<str:fmt>", views.run_export, name="matching_export"),
]
