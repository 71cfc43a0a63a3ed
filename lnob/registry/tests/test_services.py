from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from lnob.core.models import AuditEvent, User
from lnob.geo.models import Subdistrict, Village
from lnob.registry.models import Person, PersonChange
from lnob.registry.services import (
    ConflictError,
    ConsentData,
    consent_record,
    household_start,
    person_create,
    person_update,
)
from lnob.registry.taxonomy import Need, TargetGroup
from lnob.registry.tests.conftest import VALID_ID, person_data
from lnob.testing import today

pytestmark = pytest.mark.django_db


def test_registering_a_person_keeps_history_audit_and_area_codes(
        officer: User, need_health: Need, group_elderly: TargetGroup) -> None:
    person = person_create(actor=officer, data=person_data(
        citizen_id="1-1017-00203-44-1", needs={need_health.pk: 3},
        target_group_ids=[group_elderly.pk]))
    assert person.citizen_id == VALID_ID
    assert (person.province_code, person.district_code, person.subdistrict_id) == (
        "84", "8405", "840503")
    assert person.severity == 3
    assert person.name_key == "สมชาย ใจดี"
    change = PersonChange.objects.get(person=person)
    assert change.action == "create"
    assert change.changes["citizen_id"] == ["", "x-xxxx-xxxxx-44-1"]  # masked in history
    assert AuditEvent.objects.filter(action="create", object_id=str(person.pk),
                                     area_code="840503").count() == 1


@pytest.mark.parametrize(("overrides", "field"), [
    ({"citizen_id": "1-1017-00203-44-2"}, "citizen_id"),
    ({"citizen_id": "", "no_citizen_id_reason": ""}, "no_citizen_id_reason"),
    ({"first_name": "  "}, "first_name"),
    ({"birth_date": datetime.timedelta(days=1)}, "birth_date"),  # tomorrow: see below
    ({"birth_date": datetime.date(2567, 1, 1)}, "birth_date"),  # a BE year stored as CE
    ({"subdistrict_code": "999999"}, "subdistrict"),
    ({"subdistrict_code": "810101"}, "subdistrict"),  # another province
    ({"village_number": 100}, "village"),
    ({"source": "gossip"}, "source"),
    ({"needs": {999999: 2}}, "needs"),
])
def test_bad_input_names_the_field_and_writes_nothing(officer: User, overrides: dict,
                                                      field: str) -> None:
    if isinstance(overrides.get("birth_date"), datetime.timedelta):
        # Days from today, read when the test runs (a run may cross midnight).
        overrides = {**overrides, "birth_date": today() + overrides["birth_date"]}
    with pytest.raises(ValidationError) as err:
        person_create(actor=officer, data=person_data(**overrides))
    assert field in err.value.message_dict
    assert not Person.objects.exists()
    assert not AuditEvent.objects.filter(action="create", object_type="registry.person").exists()


def test_an_id_starting_with_zero_or_no_id_with_a_reason_is_accepted(officer: User) -> None:
    assert person_create(actor=officer, data=person_data(citizen_id="0000000000001")).pk
    person = person_create(actor=officer, data=person_data(
        citizen_id="", no_citizen_id_reason="stateless"))
    assert person.no_citizen_id_reason == "stateless"


def test_a_village_must_be_one_of_the_subdistrict(officer: User) -> None:
    Village.objects.create(code="84050301", subdistrict=Subdistrict.objects.get(code="840503"),
                           number=1, name_th="บ้านแม่หาด", search_key="x")
    person = person_create(actor=officer, data=person_data(village_number=1))
    assert person.village_id == "84050301"


def test_a_change_is_kept_as_old_and_new(make_person: Callable[..., Person],
                                         officer: User) -> None:
    person = make_person()
    person_update(actor=officer, person=person,
                  data=person_data(phone="081-234-5678", last_name="ใจงาม"),
                  expected_version=person.version)
    change = PersonChange.objects.filter(person=person, action="update").get()
    assert change.changes["last_name"] == ["ใจดี", "ใจงาม"]
    assert change.changes["phone"] == ["", "081-234-5678"]
    person.refresh_from_db()
    assert person.version == 2 and person.name_key == "สมชาย ใจงาม"


def test_a_save_based_on_an_old_version_is_refused(make_person: Callable[..., Person],
                                                   officer: User) -> None:
    person = make_person()
    person_update(actor=officer, person=person, data=person_data(phone="1"),
                  expected_version=1)
    with pytest.raises(ConflictError):
        person_update(actor=officer, person=person, data=person_data(phone="2"),
                      expected_version=1)
    person.refresh_from_db()
    assert person.phone == "1"


def test_an_officer_of_another_province_cannot_change_the_person(
        make_person: Callable[..., Person], other_officer: User) -> None:
    person = make_person()
    with pytest.raises(PermissionError):
        person_update(actor=other_officer, person=person, data=person_data(phone="1"),
                      expected_version=1)


def test_without_consent_a_lawful_basis_other_than_consent_is_required(
        make_person: Callable[..., Person], officer: User) -> None:
    person = make_person()
    with pytest.raises(ValidationError) as err:
        consent_record(actor=officer, person=person,
                       data=ConsentData(status="unable", lawful_basis="consent"))
    assert "lawful_basis" in err.value.message_dict
    consent = consent_record(actor=officer, person=person,
                             data=ConsentData(status="unable", lawful_basis="vital_interest"))
    assert person.consents.first() == consent


def test_a_household_starts_with_its_head(make_person: Callable[..., Person],
                                          officer: User) -> None:
    head = make_person()
    household = household_start(actor=officer, head=head)
    head.refresh_from_db()
    assert head.household == household and household.head == head
    member = make_person(first_name="สมหญิง", household_id=household.pk)
    assert set(household.members.all()) == {head, member}
    with pytest.raises(ValidationError):
        make_person(first_name="ต่างถิ่น", household_id=household.pk,
                    subdistrict_code="840501")


def test_files_carry_everyone_but_the_restricted_and_those_who_refused(
        officer: User, make_person: Callable[..., Person]) -> None:
    """A person with no consent on record (an import, a public report) is not
    a refusal: they leave in files like anyone who said yes."""
    from lnob.registry.selectors import shareable

    given = make_person(first_name="ให้")
    unknown = person_create(actor=officer, data=person_data(first_name="ไม่ทราบ"))
    refused = make_person(first_name="ปฏิเสธ")
    consent_record(actor=officer, person=refused,
                   data=ConsentData(status="refused", lawful_basis="vital_interest"))
    restricted = make_person(first_name="จำกัด")
    Person.objects.filter(pk=restricted.pk).update(restricted=True)

    ids = set(shareable(Person.objects.all()).values_list("pk", flat=True))
    assert unknown.consents.count() == 0
    assert {given.pk, unknown.pk} <= ids
    assert not {refused.pk, restricted.pk} & ids
