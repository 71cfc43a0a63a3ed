from django.urls import path

from lnob.cases import offline_views, views, visit_views

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/step/", views.case_step_view, name="case_step"),
    path("open/<int:person_pk>/", views.case_new, name="case_new"),
    path("<int:pk>/visits/new/", visit_views.visit_new, name="visit_new"),
    path("offline/", offline_views.offline_people, name="offline_people"),
]
