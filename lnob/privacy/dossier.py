"""Everything LNOB holds about one person, gathered for their access request
(PDPA s.30): the record, its history, needs, groups, consents, household,
cases with their steps, visits, forum decisions and transfers, stories that
link them, earlier requests, and who opened or exported their record."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lnob.core.models import AuditEvent
from lnob.registry.models import Person

# Internal columns that say nothing about the person.
_SKIP = {"name_key", "version"}


def _rows(qs: QuerySet[Any], *fields: str) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k not in _SKIP} for row in qs.values(*fields)]


def _one(obj: Model) -> dict[str, Any]:
    rows = _rows(type(obj)._default_manager.filter(pk=obj.pk))
    return rows[0] if rows else {}


def dossier(person: Person) -> dict[str, Any]:
    from lnob.cases.models import AgendaItem, Case, CaseEvent, Transfer, Visit
    from lnob.learning.models import StoryPerson
    from lnob.privacy.models import SubjectRequest
    from lnob.welfare.models import FundBenefit, FundMember

    cases = Case.objects.filter(person=person)
    return {
        "made_at": timezone.now().isoformat(),
        "person": _one(person),
        "target_groups": list(person.target_groups.values("code", "name_th", "name_en")),
        "needs": _rows(person.needs.all(), "need__code", "need__name_th", "severity"),
        "consents": _rows(person.consents.all()),
        "history": _rows(person.changes.all(), "at", "actor_label", "action", "changes"),
        "household": _rows(Person.objects.filter(household=person.household_id)
                           .exclude(pk=person.pk), "id", "first_name", "last_name")
        if person.household_id else [],
        "cases": _rows(cases),
        "case_steps": _rows(CaseEvent.objects.filter(case__in=cases).order_by("at")),
        "visits": _rows(Visit.objects.filter(case__in=cases)),
        "forum_decisions": _rows(AgendaItem.objects.filter(case__in=cases),
                                 "forum__held_on", "forum__subdistrict_id", "decision"),
        "transfers": _rows(Transfer.objects.filter(case__in=cases)),
        "stories": _rows(StoryPerson.objects.filter(person=person), "story__title",
                         "story__status", "added_at"),
        "fund_memberships": _rows(FundMember.objects.filter(person=person), "fund__name",
                                  "member_number", "joined_on", "left_on"),
        "fund_benefits": _rows(FundBenefit.objects.filter(person=person), "fund__name",
                               "kind__name_th", "date", "amount"),
        "requests": _rows(SubjectRequest.objects.filter(person=person), "kind", "received_on",
                          "status", "outcome"),
        "seen_by": _rows(AuditEvent.objects.filter(object_type="registry.person",
                                                   object_id=str(person.pk)).order_by("at"),
                         "at", "actor_label", "action", "ip"),
    }


def giver_dossier(actor: Any, giver_phone: str) -> tuple[dict[str, Any], list[Any]]:
    """What LNOB holds about a giver (the offers made with their phone) in
    the actor's areas: each offer with the contact details, what was offered,
    its status and dates; its steps (from the audit log); who viewed the
    contact details; earlier requests. Offers elsewhere are only counted."""
    from lnob.giving.access import CONTACT_AUDIT_TYPE, offers_visible_to
    from lnob.giving.models import Offer
    from lnob.giving.services import giver_offers
    from lnob.privacy.models import SubjectRequest

    every = giver_offers(giver_phone)
    offers = list(every.filter(pk__in=offers_visible_to(actor).values("pk")).order_by(
        "created_at", "id"))
    ids = {o.pk for o in offers}
    first = min((o.created_at for o in offers), default=timezone.now())
    steps = _rows(AuditEvent.objects.filter(object_type="giving.offer",
                                            object_id__in=[str(i) for i in ids]).order_by("at"),
                  "at", "object_id", "actor_label", "action", "detail")
    seen = [row for row in AuditEvent.objects.filter(
        object_type=CONTACT_AUDIT_TYPE, at__gte=first).order_by("at").values(
        "at", "actor_label", "action", "ip", "object_id", "detail")
        if row["object_id"] in {str(i) for i in ids}
        or ids & set((row["detail"] or {}).get("offers", []))]
    data = {
        "made_at": timezone.now().isoformat(),
        "offers": _rows(Offer.objects.filter(pk__in=ids).order_by("created_at", "id"),
                        "reference", "kind", "status", "giver_kind", "giver_name",
                        "organisation", "giver_phone", "giver_email", "consent_at",
                        "area_code", "skills", "when", "goods_item__name_th", "quantity",
                        "capacity", "fund__name", "amount", "description", "network__name",
                        "decline_reason", "created_at", "contacted_at", "decided_at",
                        "used_at"),
        "offer_steps": steps,
        "contact_seen_by": [{k: v for k, v in row.items() if k != "detail"} for row in seen],
        "requests": _rows(SubjectRequest.objects.filter(giver_phone=giver_phone.strip()),
                          "kind", "received_on", "status", "outcome"),
        "offers_elsewhere": every.exclude(pk__in=ids).count(),
    }
    return data, offers


SECTIONS = [
    ("person", _("The record")), ("target_groups", _("Target groups")),
    ("needs", _("Needs")), ("consents", _("Consents")), ("history", _("History of changes")),
    ("household", _("Household")), ("cases", _("Cases")), ("case_steps", _("Case steps")),
    ("visits", _("Visits")), ("forum_decisions", _("Community forum decisions")),
    ("transfers", _("Transfers")), ("stories", _("Stories")),
    ("fund_memberships", _("Community welfare fund memberships")),
    ("fund_benefits", _("Community welfare received")),
    ("requests", _("Requests about this data")),
    ("seen_by", _("Who opened or exported this record")),
]


GIVER_SECTIONS = [
    ("offers", _("Offers of help and the contact details given with them")),
    ("offer_steps", _("Steps of the offers")),
    ("contact_seen_by", _("Who viewed the contact details")),
    ("requests", _("Requests about this data")),
    ("offers_elsewhere", _("Offers made in other provinces (answered by their offices)")),
]


def dossier_pdf(data: dict[str, Any], *, giver: bool = False) -> bytes:
    from lnob.exports.pdf import html_to_pdf

    sections = []
    for key, title in GIVER_SECTIONS if giver else SECTIONS:
        value = data.get(key)
        rows = [value] if isinstance(value, dict) else [{"": value}] if isinstance(
            value, int) else (value or [])
        sections.append({"title": title, "rows": [
            [(k, "" if v is None else str(v)) for k, v in row.items()] for row in rows]})
    html = render_to_string("privacy/dossier.html", {"sections": sections,
                                                     "made_at": data["made_at"]})
    pdf, _pages = html_to_pdf(html, "@page { size: A4; margin: 18mm } body { font-size: 11pt }"
                                    " td, th { vertical-align: top; padding: 1mm 2mm }"
                                    " th { text-align: left; font-weight: normal; color: #444 }"
                                    " table { border-collapse: collapse; margin-bottom: 4mm }"
                                    " .row { border-top: 1px solid #ccc }")
    return pdf
