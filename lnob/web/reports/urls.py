from django.urls import path

from lnob.web.reports import views

# Mounted at the site's root: /report/ is the address printed on posters.
urlpatterns = [
    path("report/", views.public_report, name="public_report"),
    path("report/thanks/", views.public_report_thanks, name="public_report_thanks"),
    path("report/status/", views.public_status, name="public_status"),
    path("cases/report/", views.report_new, name="report_new"),
    path("cases/report/<str:reference>/", views.report_filed, name="report_filed"),
]
