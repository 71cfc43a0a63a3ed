from django.urls import path

from lnob.coverage import views

urlpatterns = [
    path("", views.national, name="coverage_national"),
    path("export/", views.national_export, name="coverage_national_export"),
    path("public/", views.public_dashboard, name="coverage_public"),
    path("public/export/", views.public_export, name="coverage_public_export"),
    path("public/<str:code>/", views.public_province, name="coverage_public_province"),
    path("<str:code>/", views.area, name="coverage_area"),
    path("<str:code>/export/", views.area_export, name="coverage_area_export"),
    path("<str:code>/search-rounds/", views.search_round_add, name="coverage_search_round_add"),
    path("<str:code>/roadmap/", views.roadmap, name="coverage_roadmap"),
    path("<str:code>/roadmap/approve/", views.roadmap_approve, name="coverage_roadmap_approve"),
]
