"""The volunteer's "my people" page that works with no signal (docs/offline.md).

The page itself holds no personal data — the service worker may keep it: the
people come from ``GET /api/v1/cases/mine`` (scoped and audited there) into
IndexedDB, and visits and reports wait in an outbox there until they are sent
to the API, each with its own key so a retry never records twice."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from lnob.cases.access import READERS
from lnob.cases.models import NeedChange, UrgentReason
from lnob.core.access import requires_roles


def _texts() -> dict[str, str]:
    """What the page's script says, in the reader's language."""
    return {
        "online": _("Online."),
        "offline": _("No signal: what you save waits on this phone."),
        "refreshed": _("People loaded at %(time)s."),
        "never": _("This phone has not loaded your people yet: open this page once "
                   "while online."),
        "waiting": _("Waiting to send"),
        "sending": _("Sending…"),
        "sent": _("Sent"),
        "flagged": _("Sent and kept, but flagged: the case was closed before it "
                     "arrived. The coordinator will see it in the case's history."),
        "refused": _("Not accepted"),
        "sign_in": _("Sign in again to send what is waiting; it stays on this phone."),
        "other_user": _("Saved by %(user)s: waits until they sign in on this phone."),
        "count_waiting": _("%(count)s waiting to send."),
        "edit": _("Edit and send again"),
        "discard": _("Delete from this phone"),
        "copy": _("Copy what I wrote"),
        "copied": _("Copied: paste it in a message to the new carer."),
        "discard_confirm": _("Delete this from the phone? It has not reached the server."),
        "dismiss": _("Done"),
        "log_visit": _("Log a visit"),
        "next_due": _("Next visit: %(date)s"),
        "overdue": _("Overdue since %(date)s"),
        "no_date": _("No next visit set"),
        "visit_of": _("Visit: %(name)s, %(date)s"),
        "report_of": _("Report: %(name)s"),
        "saved_here": _("Saved on this phone."),
        "bad_date": _("Write the date as day/month/year, e.g. 6/11/2569."),
        "required": _("This field is required."),
        "village_number": _("A village number is from 1 to 99."),
        "no_area": _("No subdistrict kept on this phone: open this page online once."),
        "server_error": _("The server could not take it now; it will try again."),
    }


@requires_roles(*READERS)
def offline_people(request: HttpRequest) -> HttpResponse:
    config = {"texts": _texts(), "language": request.LANGUAGE_CODE,
              "changes": [[str(v), str(label)] for v, label in NeedChange.choices],
              "api": {"me": "/api/v1/me", "mine": "/api/v1/cases/mine",
                      "visits": "/api/v1/cases/{case}/visits", "reports": "/api/v1/reports"}}
    return render(request, "cases/offline.html", {
        "offline_config": config, "urgent_reasons": UrgentReason.choices})
