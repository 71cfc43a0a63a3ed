from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from lnob.api.api import api
from lnob.core.access import public

urlpatterns = [
    path("", include("lnob.web.urls")),
    path("accounts/", include("lnob.core.urls")),
    path("persons/", include("lnob.web.persons.urls")),
    path("capacity/", include("lnob.networks.urls")),
    path("imports/", include("lnob.imports.urls")),
    path("", include("lnob.web.reports.urls")),
    path("", include("lnob.giving.urls")),  # /give/ (public) and /giving/
    path("cases/", include("lnob.cases.urls")),
    path("welfare/", include("lnob.welfare.urls")),
    path("forums/", include("lnob.cases.forums.urls")),
    path("transfers/", include("lnob.cases.transfers.urls")),
    path("coverage/", include("lnob.coverage.urls")),
    path("matching/", include("lnob.matching.urls")),
    path("learning/", include("lnob.learning.urls")),
    path("duplicates/", include("lnob.dedup.urls")),
    path("privacy/", include("lnob.privacy.urls")),
    path("stories/", include("lnob.learning.public_urls")),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
