from django.urls import path

from lnob.web import pwa, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("areas/", views.thailand, name="thailand"),
    path("areas/search/", views.area_search, name="area_search"),
    path("areas/suggest/", views.place_suggest, name="place_suggest"),
    path("areas/<str:code>/", views.area_detail, name="area_detail"),
    path("areas/<str:code>/villages/new/", views.village_new, name="village_new"),
    path("areas/<str:code>/villages/<str:village_code>/confirm/", views.village_confirm_view,
         name="village_confirm"),
    path("workspace/<str:code>/", views.workspace, name="workspace"),
    path("audit/", views.audit_log, name="audit_log"),
    # The progressive web app (docs/offline.md).
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.manifest, name="pwa_manifest"),
    path("icons/<int:size>.png", pwa.icon, name="pwa_icon"),
]
