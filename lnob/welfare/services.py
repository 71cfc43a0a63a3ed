"""Writes to welfare: scheme versions, a person's facts and benefits,
referrals. Each runs in one transaction, writes one audit row, and brings the
person's stored eligibility up to date before it returns."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from lnob.cases.access import roles_on
from lnob.cases.services import case_comment, open_case_of
from lnob.cases.workflow import MANAGERS
from lnob.core import audit
from lnob.core.errors import Conflict, NotAllowed, Refused
from lnob.core.models import AuditAction, User
from lnob.registry.models import Person
from lnob.welfare import rules
from lnob.welfare.access import can_edit_schemes, require_editor
from lnob.welfare.evaluate import evaluate_persons
from lnob.welfare.models import (
    OPEN_REFERRAL,
    REFERRAL_STEPS,
    Benefit,
    BenefitChange,
    BenefitSource,
    IncomeBand,
    Referral,
    ReferralStatus,
    Scheme,
    SchemeVersion,
    WelfareFacts,
    YesNoUnknown,
)


def rule_errors(rule: Any, amounts: Any) -> dict[str, str]:
    """Field → message for a rule and amounts that cannot be saved."""
    known = list(Scheme.objects.values_list("code", flat=True))
    errors: dict[str, str] = {}
    problems = rules.validate(rule, known)
    if problems:
        errors["rule"] = _("The rule is not valid: %(problems)s") % {
            "problems": "; ".join(problems)}
    problems = rules.validate_tiers(amounts, known)
    if problems:
        errors["amounts"] = _("The amounts are not valid: %(problems)s") % {
            "problems": "; ".join(problems)}
    return errors


@transaction.atomic
def scheme_version_add(*, actor: User, scheme: Scheme, fiscal_year: int,
                       effective_from: datetime.date, rule: Any, amounts: Any = (),
                       amount_baht: int | None = None, source: str = "",
                       request: Any = None) -> SchemeVersion:
    """A new version of the scheme from ``effective_from`` (today or later:
    what was in force before stays as it was, and so do past answers)."""
    if not can_edit_schemes(actor):
        raise NotAllowed
    amounts = list(amounts)
    errors = rule_errors(rule, amounts)
    if effective_from < timezone.localdate():
        errors["effective_from"] = _(
            "A new version starts today or later: the past stays as it was.")
    elif SchemeVersion.objects.filter(scheme=scheme, effective_from=effective_from).exists():
        errors["effective_from"] = _("This scheme already has a version from that day.")
    if not 2400 <= fiscal_year <= 2700:
        errors["fiscal_year"] = _("Give the fiscal year in Buddhist Era, e.g. 2569.")
    if amount_baht is not None and amount_baht < 0:
        errors["amount_baht"] = _("The amount cannot be negative.")
    if errors:
        raise ValidationError(errors)
    version = SchemeVersion.objects.create(
        scheme=scheme, fiscal_year=fiscal_year, effective_from=effective_from, rule=rule,
        amounts=amounts, amount_baht=amount_baht, source=source, created_by=actor)
    audit.record(AuditAction.CREATE, actor=actor, request=request, obj=version,
                 detail={"scheme": scheme.code, "effective_from": str(effective_from)})
    if effective_from == timezone.localdate():
        from lnob.welfare.tasks import evaluate_everything

        transaction.on_commit(lambda: evaluate_everything.enqueue())
    return version


@transaction.atomic
def facts_set(*, actor: User, person: Person, disability_registered: str, income_band: str,
              request: Any = None) -> WelfareFacts:
    require_editor(actor, person)
    errors = {}
    if disability_registered not in YesNoUnknown.values:
        errors["disability_registered"] = _("Choose yes, no or not known.")
    if income_band not in IncomeBand.values:
        errors["income_band"] = _("Choose an income band from the list.")
    if errors:
        raise ValidationError(errors)
    facts, _created = WelfareFacts.objects.select_for_update().get_or_create(person=person)
    changes = {name: [getattr(facts, name), new] for name, new in (
        ("disability_registered", disability_registered), ("income_band", income_band))
        if getattr(facts, name) != new}
    facts.disability_registered = disability_registered
    facts.income_band = income_band
    facts.updated_at = timezone.now()
    facts.updated_by = actor
    facts.save()
    # Which facts changed, not their values: a disability is sensitive (PDPA s.26).
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=person,
                 area_code=person.area_code, detail={"welfare_facts": sorted(changes)})
    evaluate_persons([person.pk])
    return facts


def _benefit_errors(since: datetime.date | None, amount_baht: int | None,
                    source: str) -> dict[str, str]:
    errors = {}
    if since is not None and since > timezone.localdate():
        errors["since"] = _("The start date is in the future. Was a Buddhist Era year "
                            "taken for CE?")
    if amount_baht is not None and amount_baht < 0:
        errors["amount_baht"] = _("The amount cannot be negative.")
    if source not in BenefitSource.values:
        errors["source"] = _("Choose where the record comes from.")
    return errors


def benefit_write(*, actor: User | None, person: Person, scheme: Scheme,
                  since: datetime.date | None, amount_baht: int | None, source: str,
                  source_note: str = "") -> tuple[Benefit, dict[str, list[Any]]]:
    """Creates the person's current benefit of this scheme, or updates it
    keeping the old values in its history. In the caller's transaction; no
    audit row, no evaluation (the callers do both, once)."""
    errors = _benefit_errors(since, amount_baht, source)
    if errors:
        raise ValidationError(errors)
    benefit = Benefit.objects.select_for_update().filter(
        person=person, scheme=scheme, until__isnull=True).first()
    new = {"since": since, "amount_baht": amount_baht, "source": source,
           "source_note": source_note[:255]}
    if benefit is None:
        benefit = Benefit.objects.create(person=person, scheme=scheme, recorded_by=actor,
                                         **new)
        changes = {k: [None, str(v) if v is not None else None] for k, v in new.items()}
        BenefitChange.objects.create(benefit=benefit, actor=actor, action="create",
                                     changes=changes)
        return benefit, changes
    changes = {k: [_str(getattr(benefit, k)), _str(v)] for k, v in new.items()
               if getattr(benefit, k) != v and not (k == "since" and v is None)}
    if changes:
        for k in changes:
            setattr(benefit, k, new[k])
        benefit.save()
        BenefitChange.objects.create(benefit=benefit, actor=actor, action="update",
                                     changes=changes)
    return benefit, changes


def _str(value: Any) -> Any:
    return str(value) if value is not None else None


@transaction.atomic
def benefit_record(*, actor: User, person: Person, scheme: Scheme,
                   since: datetime.date | None, amount_baht: int | None = None,
                   source: str = BenefitSource.OFFICER, source_note: str = "",
                   request: Any = None) -> Benefit:
    require_editor(actor, person)
    benefit, changes = benefit_write(actor=actor, person=person, scheme=scheme, since=since,
                                     amount_baht=amount_baht, source=source,
                                     source_note=source_note)
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=person,
                 area_code=person.area_code,
                 detail={"benefit": scheme.code, "changes": changes})
    evaluate_persons([person.pk])
    return benefit


@transaction.atomic
def benefit_end(*, actor: User, benefit: Benefit, until: datetime.date, note: str = "",
                request: Any = None) -> Benefit:
    person = benefit.person
    require_editor(actor, person)
    if benefit.until is not None:
        raise Conflict("benefit_ended", _("This benefit has already ended."))
    if benefit.since is not None and until < benefit.since:
        raise ValidationError({"until": _("The end date is before the start date.")})
    benefit.until = until
    benefit.save(update_fields=["until"])
    BenefitChange.objects.create(benefit=benefit, actor=actor, action="end",
                                 changes={"until": [None, str(until)]}, note=note[:255])
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=person,
                 area_code=person.area_code,
                 detail={"benefit": benefit.scheme.code, "ended": str(until)})
    evaluate_persons([person.pk])
    return benefit


def _case_step(actor: User, referral: Referral, note: str) -> None:
    """The referral's step in the person's open case, through the cases' service."""
    case = referral.case or open_case_of(referral.person_id)
    if case is None or not roles_on(actor, case) & MANAGERS:
        return
    case_comment(actor=actor, case=case, note=note, action="welfare_referral",
                 referral=referral.pk, scheme=referral.scheme.code, status=referral.status)
    if referral.case_id is None:
        referral.case = case
        Referral.objects.filter(pk=referral.pk).update(case=case)


@transaction.atomic
def referral_create(*, actor: User, person: Person, scheme: Scheme, provider_name: str = "",
                    note: str = "", provider_address: str = "",
                    request: Any = None) -> Referral:
    require_editor(actor, person)
    if Referral.objects.filter(person=person, scheme=scheme,
                               status__in=OPEN_REFERRAL).exists():
        raise Conflict("referral_open", _("This person already has an open referral for "
                                          "this scheme."))
    today = timezone.localdate()
    referral = Referral.objects.create(
        person=person, scheme=scheme, provider_name=provider_name[:200],
        provider_address=provider_address[:300], note=note[:255],
        province_code=person.province_code, district_code=person.district_code,
        subdistrict_code=person.area_code, sent_on=today,
        due_on=today + datetime.timedelta(days=scheme.decision_days), created_by=actor)
    _case_step(actor, referral, _("Referred to %(scheme)s") % {"scheme": scheme.name_th})
    audit.record(AuditAction.CREATE, actor=actor, request=request, obj=referral,
                 area_code=person.area_code, detail={"scheme": scheme.code})
    return referral


@transaction.atomic
def referral_step(*, actor: User, referral: Referral, status: str, expected_version: int,
                  reason: str = "", request: Any = None) -> Referral:
    """sent → received → approved / refused (with the reason). Approval
    records the benefit (source: the referral)."""
    person = referral.person
    require_editor(actor, person)
    if status not in REFERRAL_STEPS.get(referral.status, ()):
        raise Refused("referral_step", _("A referral that is %(status)s cannot become "
                                         "%(target)s."),
                      status=referral.get_status_display(),
                      target=dict(ReferralStatus.choices).get(status, status), field="status")
    reason = " ".join(reason.split())
    if status == ReferralStatus.REFUSED and not reason:
        raise ValidationError({"reason": _("Say why the provider refused.")})
    today = timezone.localdate()
    decided = today if status in (ReferralStatus.APPROVED, ReferralStatus.REFUSED) else None
    if Referral.objects.filter(pk=referral.pk, version=expected_version).update(
            status=status, refused_reason=reason[:255], decided_on=decided,
            version=F("version") + 1) != 1:
        raise Conflict
    before = referral.status
    referral.refresh_from_db()
    if status == ReferralStatus.APPROVED:
        benefit_write(actor=actor, person=person, scheme=referral.scheme, since=today,
                      amount_baht=None, source=BenefitSource.OFFICER,
                      source_note=_("Approved referral #%(id)s") % {"id": referral.pk})
    note = _("Referral to %(scheme)s: %(status)s") % {
        "scheme": referral.scheme.name_th, "status": referral.get_status_display()}
    _case_step(actor, referral, f"{note} {reason}".strip())
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=referral,
                 area_code=person.area_code,
                 detail={"from": before, "to": status, "reason": reason})
    evaluate_persons([person.pk])
    return referral
