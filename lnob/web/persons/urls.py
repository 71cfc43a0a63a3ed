from django.urls import path

from lnob.web.persons import views

urlpatterns = [
    path("", views.person_list_view, name="person_list"),
    path("export.csv", views.person_export, {"fmt": "csv"}, name="person_export_csv"),
    path("export.xlsx", views.person_export, {"fmt": "xlsx"}, name="person_export_xlsx"),
    path("new/", views.person_new, name="person_new"),
    path("taxonomy/", views.taxonomy, name="taxonomy"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("<int:pk>/citizen-id/", views.person_citizen_id, name="person_citizen_id"),
    path("<int:pk>/consent/", views.person_consent, name="person_consent"),
    path("<int:pk>/household/", views.household_start, name="household_start"),
]
