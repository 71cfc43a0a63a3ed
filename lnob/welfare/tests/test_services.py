"""Writes: facts, benefits kept with their history, scheme versions, and the
referral steps recorded in the person's case."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lnob.cases.models import CaseEvent
from lnob.cases.services import case_open
from lnob.core.errors import Conflict, NotAllowed, NotFound, Refused
from lnob.core.models import AuditEvent, User
from lnob.registry.models import Person
from lnob.welfare import services
from lnob.welfare.models import Benefit, BenefitChange, Eligibility, Scheme, SchemeVersion

pytestmark = pytest.mark.django_db


def test_out_of_area_officer_and_stranger_cannot_write(other_officer: User, stranger: User,
                                                       volunteer: User, elder: Person) -> None:
    for user in (other_officer, stranger, volunteer):
        with pytest.raises(NotFound):
            services.facts_set(actor=user, person=elder, disability_registered="yes",
                               income_band="")


def test_facts_refuse_unknown_values(officer: User, elder: Person) -> None:
    with pytest.raises(ValidationError) as err:
        services.facts_set(actor=officer, person=elder, disability_registered="maybe",
                           income_band="rich")
    assert set(err.value.message_dict) == {"disability_registered", "income_band"}


def test_a_benefit_change_keeps_the_old_values(officer: User, elder: Person,
                                              old_age: Scheme) -> None:
    services.benefit_record(actor=officer, person=elder, scheme=old_age,
                            since=datetime.date(2024, 1, 1), amount_baht=600)
    services.benefit_record(actor=officer, person=elder, scheme=old_age,
                            since=datetime.date(2024, 1, 1), amount_baht=700)
    benefit = Benefit.objects.get(person=elder, scheme=old_age)
    assert benefit.amount_baht == 700
    history = list(BenefitChange.objects.filter(benefit=benefit).order_by("id").values_list(
        "action", "changes"))
    assert history[1] == ("update", {"amount_baht": ["600", "700"]})


def test_an_ended_benefit_is_kept_and_no_longer_counts(officer: User, elder: Person,
                                                       old_age: Scheme) -> None:
    benefit = services.benefit_record(actor=officer, person=elder, scheme=old_age,
                                      since=datetime.date(2024, 1, 1))
    services.benefit_end(actor=officer, benefit=benefit, until=datetime.date(2025, 1, 1))
    assert Benefit.objects.filter(person=elder).count() == 1
    assert Eligibility.objects.get(person=elder, scheme=old_age).receiving is False
    with pytest.raises(Conflict):
        services.benefit_end(actor=officer, benefit=benefit, until=datetime.date(2025, 2, 1))


def test_a_benefit_starting_in_the_future_is_refused_with_the_field(
        officer: User, elder: Person, old_age: Scheme) -> None:
    with pytest.raises(ValidationError) as err:
        services.benefit_record(actor=officer, person=elder, scheme=old_age,
                                since=timezone.localdate() + datetime.timedelta(days=400))
    assert "since" in err.value.message_dict


def test_scheme_versions_only_by_admins_and_never_in_the_past(
        admin: User, officer: User, old_age: Scheme) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(NotAllowed):
        services.scheme_version_add(actor=officer, scheme=old_age, fiscal_year=2570,
                                    effective_from=tomorrow, rule={"age": {"from": 60}})
    with pytest.raises(ValidationError) as err:
        services.scheme_version_add(actor=admin, scheme=old_age, fiscal_year=2570,
                                    effective_from=datetime.date(2020, 1, 1),
                                    rule={"age": {"from": 60, "below": 50}},
                                    amounts=[{"when": {"sex": "F"}, "baht": 1}])
    assert set(err.value.message_dict) == {"effective_from", "rule", "amounts"}
    assert "rule.age" in err.value.message_dict["rule"][0]
    assert SchemeVersion.objects.filter(scheme=old_age).count() == 1


def test_referral_steps_are_recorded_in_the_open_case(officer: User, elder: Person,
                                                      old_age: Scheme) -> None:
    case = case_open(actor=officer, person=elder)
    referral = services.referral_create(actor=officer, person=elder, scheme=old_age,
                                        provider_name="อบต.เกาะเต่า")
    assert referral.case_id == case.pk and referral.status == "sent"
    with pytest.raises(Conflict):
        services.referral_create(actor=officer, person=elder, scheme=old_age)
    referral = services.referral_step(actor=officer, referral=referral, status="received",
                                      expected_version=referral.version)
    with pytest.raises(Conflict):  # someone else's older copy
        services.referral_step(actor=officer, referral=referral, status="approved",
                               expected_version=referral.version - 1)
    referral = services.referral_step(actor=officer, referral=referral, status="approved",
                                      expected_version=referral.version)
    events = list(CaseEvent.objects.filter(case=case, action="welfare_referral")
                  .order_by("id").values_list("detail__status", flat=True))
    assert events == ["sent", "received", "approved"]
    # Approval records the benefit: the person now receives it.
    assert Eligibility.objects.get(person=elder, scheme=old_age).receiving is True
    assert AuditEvent.objects.filter(object_type="welfare.referral").count() == 3


def test_a_refusal_needs_its_reason_and_ends_the_referral(officer: User, elder: Person,
                                                         old_age: Scheme) -> None:
    referral = services.referral_create(actor=officer, person=elder, scheme=old_age)
    with pytest.raises(ValidationError) as err:
        services.referral_step(actor=officer, referral=referral, status="refused",
                               expected_version=referral.version)
    assert "reason" in err.value.message_dict
    referral = services.referral_step(actor=officer, referral=referral, status="refused",
                                      reason="รับบำนาญอยู่แล้ว",
                                      expected_version=referral.version)
    assert referral.refused_reason == "รับบำนาญอยู่แล้ว" and referral.decided_on
    with pytest.raises(Refused):
        services.referral_step(actor=officer, referral=referral, status="approved",
                               expected_version=referral.version)


def test_a_referral_without_an_open_case_is_still_recorded(officer: User, elder: Person,
                                                          old_age: Scheme) -> None:
    elder.cases.all().delete()
    referral = services.referral_create(actor=officer, person=elder, scheme=old_age)
    assert referral.case_id is None and referral.due_on > referral.sent_on


def test_the_audit_row_names_the_facts_changed_not_their_values(officer: User,
                                                                elder: Person) -> None:
    services.facts_set(actor=officer, person=elder, disability_registered="yes",
                       income_band="lt30k")
    event = AuditEvent.objects.filter(object_id=str(elder.pk), detail__has_key="welfare_facts")
    assert event.get().detail["welfare_facts"] == ["disability_registered", "income_band"]
