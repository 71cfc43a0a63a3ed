"""The synthetic province: what is planned (pure) and what is written."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.db.models import Count, F, Max, Q

from lnob.core.citizen_id import is_valid_citizen_id
from lnob.core.models import User
from lnob.core.thainames import name_pools
from lnob.demo.generator import (
    TZ,
    HouseholdRow,
    ProvinceGeo,
    ProvincePlan,
    age_on,
    allocate,
    national_split,
    plan_province,
    plan_villages,
    title_for,
)
from lnob.demo.tests.conftest import PERSONS, PROVINCE, SEED, TODAY
from lnob.demo.writer import ProvinceReport, generate_province, load_geo
from lnob.demo.writer import subdistricts_per_province as counts_per_province
from lnob.geo.models import Subdistrict, Village
from lnob.networks.models import Committee, CommitteeMember, Fund, Network, Volunteer
from lnob.registry.models import Consent, Household, Person, PersonNeed
from lnob.registry.services import name_key as service_name_key

pytestmark = pytest.mark.django_db

BIG = 5000  # planned in memory only, for proportions


def plan(persons: int = BIG, seed: int = SEED, province: str = PROVINCE) -> ProvincePlan:
    return plan_province(load_geo(province), persons, seed=seed, today=TODAY)


def households(p: ProvincePlan) -> list[HouseholdRow]:
    return list(p.households)


def identity(p: ProvincePlan) -> list[tuple[Any, ...]]:
    return [(m.title, m.first_name, m.last_name, m.citizen_id, m.birth_date, m.subdistrict,
             m.village, m.house_number, tuple(m.needs), tuple(m.groups), m.created_at)
            for h in households(p) for m in h.members]


# --- determinism -------------------------------------------------------------------------


def test_the_same_seed_plans_the_same_names_and_ids() -> None:
    first, again, other = identity(plan(800)), identity(plan(800)), identity(plan(800, seed=7))
    assert first == again
    assert [r[:4] for r in first] != [r[:4] for r in other]


def test_what_is_written_is_exactly_what_the_seed_plans(surat: ProvinceReport) -> None:
    written = list(Person.objects.filter(province_code=PROVINCE).order_by("external_ref")
                   .values_list("first_name", "last_name", "citizen_id", "birth_date",
                                "subdistrict_id", "village_id"))
    # Planned again: the villages now come from the database, in the same order.
    assert [r[1:7] for r in identity(plan(PERSONS))] == written


def test_persons_are_spread_over_the_provinces_in_proportion_to_their_subdistricts() -> None:
    counts = counts_per_province()
    assert len(counts) == 77 and sum(counts.values()) == 7436
    split = national_split(1_000_000, counts)
    assert sum(split.values()) == 1_000_000
    # Nakhon Ratchasima (289 subdistricts) > Surat Thani (131) > Samut Songkhram (36)
    assert split["30"] > split["84"] > split["75"]
    assert abs(split["84"] - 1_000_000 * 131 / 7436) <= 1
    assert allocate(10, [1, 1, 1]) == [4, 3, 3]


# --- identity ----------------------------------------------------------------------------


def test_names_come_from_the_pythainlp_corpora_by_sex() -> None:
    pools = name_pools()
    assert len(pools.male) > 5000 and len(pools.female) > 4000 and len(pools.family) > 9000
    male, female, family = set(pools.male), set(pools.female), set(pools.family)
    for h in households(plan(1000)):
        for m in h.members:
            assert m.first_name in (male if m.sex == "M" else female)
            assert m.last_name in family


def test_titles_match_age_and_sex(surat: ProvinceReport) -> None:
    seen: Counter[str] = Counter()
    for person in Person.objects.filter(province_code=PROVINCE):
        age = person.age(on=TODAY)
        assert age is not None
        seen[person.title] += 1
        if person.title == "พระ":
            assert person.sex == "M" and age >= 20
        elif age < 15:
            assert person.title == ("เด็กชาย" if person.sex == "M" else "เด็กหญิง")
        elif person.sex == "M":
            assert person.title == "นาย"
        else:
            assert person.title in ("นาง", "นางสาว")
    assert {"เด็กชาย", "เด็กหญิง", "นาย", "นาง", "นางสาว"} <= set(seen)
    assert title_for("F", 14) == "เด็กหญิง" and title_for("M", 15) == "นาย"


def test_a_few_monks_are_planned() -> None:
    monks = [m for h in households(plan()) for m in h.members if m.title == "พระ"]
    assert 0.003 * BIG < len(monks) < 0.03 * BIG


def test_every_citizen_id_is_valid_and_unique(surat: ProvinceReport) -> None:
    ids = list(Person.objects.exclude(citizen_id="").values_list("citizen_id", flat=True))
    assert ids and all(is_valid_citizen_id(i) for i in ids)
    assert len(ids) == len(set(ids))
    assert not Person.objects.filter(citizen_id="", no_citizen_id_reason="").exists()
    assert not Person.objects.exclude(citizen_id="").exclude(no_citizen_id_reason="").exists()


def test_about_three_percent_have_no_citizen_id_and_some_ids_start_with_zero() -> None:
    people = [m for h in households(plan()) for m in h.members]
    without = [m for m in people if not m.citizen_id]
    assert 0.02 * BIG < len(without) < 0.04 * BIG
    assert all(m.no_citizen_id_reason for m in without)
    zeros = [m for m in people if m.citizen_id.startswith("0")]
    assert 0.005 * BIG < len(zeros) < 0.02 * BIG
    assert all(is_valid_citizen_id(m.citizen_id) for m in zeros)
    # Registered before 1984 → type 3 mostly; born since → type 1 mostly.
    old = [m for m in people if m.citizen_id and m.birth_date and m.birth_date.year < 1984]
    assert sum(m.citizen_id[0] == "3" for m in old) > 0.8 * len(old)


def test_some_birth_dates_give_only_the_year() -> None:
    people = [m for h in households(plan()) for m in h.members]
    year_only = [m for m in people if m.birth_year_only]
    assert 0.02 * BIG < len(year_only) < 0.15 * BIG
    assert all(m.birth_date and (m.birth_date.month, m.birth_date.day) == (1, 1)
               for m in year_only)


# --- who is in need ----------------------------------------------------------------------


def test_the_mix_has_many_elderly_living_alone_children_and_people_with_disabilities() -> None:
    homes = households(plan())
    people = [m for h in homes for m in h.members]

    def age(m: Any) -> int:
        return age_on(m.birth_date, m.birth_year_only, TODAY)

    elderly = [m for m in people if age(m) >= 60]
    alone = [h for h in homes if len(h.members) == 1 and age(h.members[0]) >= 60]
    children = [m for m in people if age(m) < 18 and "in_hardship" in m.groups]
    disabled = [m for m in people if any(n == "disability_aids" for n, _s in m.needs)]
    assert 0.3 * BIG < len(elderly) < 0.6 * BIG
    assert len(alone) > 0.3 * len(homes)
    assert len(children) > 0.1 * BIG
    assert len(disabled) > 0.05 * BIG
    assert {g for m in people for g in m.groups} == {"disadvantaged", "in_hardship",
                                                     "abandoned", "affected"}


def test_severity_is_the_highest_need_severity(surat: ProvinceReport) -> None:
    persons = Person.objects.annotate(top=Max("needs__severity"), n=Count("needs"))
    assert persons.count() == PERSONS
    assert not persons.filter(n=0).exists()
    assert not persons.exclude(severity=F("top")).exists()
    assert set(PersonNeed.objects.values_list("severity", flat=True)) == {1, 2, 3, 4}
    assert not Person.objects.annotate(g=Count("target_groups")).filter(g=0).exists()
    assert not PersonNeed.objects.exclude(need__province_code="").exists()


def test_statuses_are_mostly_reported_verified_or_in_care_from_every_source() -> None:
    people = [m for h in households(plan()) for m in h.members]
    statuses = Counter(m.status for m in people)
    assert statuses["reported"] + statuses["verified"] + statuses["in_care"] > 0.75 * BIG
    assert {m.source for m in people} == {"network", "hotline", "public", "forum", "import",
                                          "officer"}
    consents = [m.consent for m in people if m.consent is not None]
    assert 0.8 * BIG < len(consents) < 0.95 * BIG
    assert {c.status for c in consents} == {"given", "unable", "refused"}
    assert all(c.lawful_basis != "consent" for c in consents if c.status != "given")
    assert all(c.purposes == sorted(c.purposes) and c.purposes
               for c in consents if c.status == "given")


def test_denormalised_fields_are_set_as_the_services_set_them(surat: ProvinceReport) -> None:
    start = datetime.combine(TODAY, time.min, tzinfo=TZ)
    for p in Person.objects.filter(province_code=PROVINCE).select_related("village"):
        assert p.province_code == p.subdistrict_id[:2]
        assert p.district_code == p.subdistrict_id[:4]
        assert p.name_key == service_name_key(p.first_name, p.last_name)
        assert p.version == 1
        assert p.created_at.tzinfo is not None
        assert start - timedelta(days=367) < p.created_at <= p.updated_at <= start
        assert p.village is None or p.village.subdistrict_id == p.subdistrict_id
        if p.source_network_id:
            assert p.source == "network"
    assert Consent.objects.filter(person__province_code=PROVINCE).exists()


def test_households_have_a_head_who_lives_in_them(surat: ProvinceReport) -> None:
    homes = Household.objects.filter(subdistrict__province_id=PROVINCE).annotate(
        size=Count("members"))
    assert homes.count() == surat.households > 0
    assert not homes.filter(head__isnull=True).exists()
    assert not homes.exclude(head__household=F("pk")).exists()
    assert homes.filter(size__gte=3).exists()
    shared = 0
    families = homes.filter(size__gte=2).select_related("head")
    for home in families:
        members = list(home.members.all())
        assert {m.house_number for m in members} == {home.house_number}
        assert {m.subdistrict_id for m in members} == {home.subdistrict_id}
        assert {m.village_id for m in members} == {home.village_id}
        shared += len({m.last_name for m in members}) == 1
    # Grandchildren sometimes carry their parents' surname, not the grandparent's.
    assert shared > 0.8 * len(families)


# --- places and care capacity ------------------------------------------------------------


def test_villages_are_added_only_to_subdistricts_that_had_none(db: None) -> None:
    Village.objects.create(code="84050301", subdistrict_id="840503", number=1,
                           name_th="บ้านแม่หาด", search_key="แม่หาด")
    report = generate_province(PROVINCE, 50, seed=SEED, today=TODAY)
    assert list(Village.objects.filter(subdistrict_id="840503").values_list("code", flat=True)
                ) == ["84050301"]
    added = Village.objects.filter(subdistrict__province_id=PROVINCE).exclude(
        subdistrict_id="840503")
    assert added.count() == report.villages
    assert not Subdistrict.objects.filter(province_id=PROVINCE, villages__isnull=True).exists()
    for v in added[:200]:
        assert v.code == f"{v.subdistrict_id}{v.number:02d}" and v.name_th.startswith("บ้าน")
    numbers = added.values("subdistrict").annotate(n=Count("code"), top=Max("number"))
    assert all(row["n"] == row["top"] for row in numbers)  # หมู่ที่ 1..N


def test_bangkok_gets_no_villages(db: None) -> None:
    geo: ProvinceGeo = load_geo("10")
    assert plan_villages(random.Random(1), geo) == []
    assert all(m.village is None for h in households(plan(200, province="10"))
               for m in h.members)


def test_about_a_tenth_of_subdistricts_have_no_network_and_no_volunteer(
        surat: ProvinceReport) -> None:
    subdistricts = Subdistrict.objects.filter(province_id=PROVINCE)
    holes = subdistricts.filter(networks__isnull=True, volunteers__isnull=True)
    assert holes.count() == surat.holes == round(0.1 * subdistricts.count())
    assert not subdistricts.filter(networks__isnull=True).exclude(pk__in=holes).exists()
    # Each district with a covered subdistrict has one lead network; members point at it.
    leads = Network.objects.filter(province_code=PROVINCE, is_lead=True)
    assert leads.count() == subdistricts.exclude(pk__in=holes).values(
        "district").distinct().count()
    members = Network.objects.filter(province_code=PROVINCE, is_lead=False)
    assert not members.filter(lead_network__isnull=True).exists()
    assert not members.exclude(lead_network__is_lead=True).exists()
    assert len(set(members.values_list("partner_type", flat=True))) >= 6


def test_volunteers_are_about_one_per_thirty_persons_mostly_caring_for_five(
        surat: ProvinceReport) -> None:
    volunteers = Volunteer.objects.filter(province_code=PROVINCE)
    assert volunteers.count() == round(PERSONS / 30)
    capacities = Counter(volunteers.values_list("capacity", flat=True))
    assert capacities[5] > volunteers.count() / 2
    assert not volunteers.filter(subdistricts__isnull=True).exists()
    assert not volunteers.exclude(network__province_code=PROVINCE).exists()


def test_funds_balance_is_the_sum_of_their_transactions(surat: ProvinceReport) -> None:
    funds = Fund.objects.filter(province_code=PROVINCE)
    assert funds.count() == surat.funds > 0
    for fund in funds.prefetch_related("transactions"):
        total = sum((t.amount if t.kind == "contribution" else -t.amount
                     for t in fund.transactions.all()), start=0)
        assert fund.transactions.count() >= 2
        assert fund.balance == total and fund.balance >= 0


def test_each_committee_has_one_chair_from_civil_society(surat: ProvinceReport) -> None:
    committees = Committee.objects.filter(province_code=PROVINCE)
    assert committees.filter(level="province", area_code=PROVINCE).count() == 1
    chairs = CommitteeMember.objects.filter(committee__in=committees, role="chair")
    assert chairs.count() == committees.count()
    assert set(chairs.values_list("partner_type", flat=True)) == {"civil_society"}
    assert not committees.annotate(n=Count("members", filter=Q(members__role="secretary"))
                                   ).exclude(n=1).exists()


# --- idempotence -------------------------------------------------------------------------


def test_a_province_that_was_generated_is_skipped_not_duplicated(surat: ProvinceReport) -> None:
    before = (Person.objects.count(), Household.objects.count(), Network.objects.count(),
              Village.objects.count())
    again = generate_province(PROVINCE, PERSONS, seed=SEED + 1, today=TODAY)
    assert again.skipped and again.persons == 0
    assert (Person.objects.count(), Household.objects.count(), Network.objects.count(),
            Village.objects.count()) == before


def test_persons_are_entered_by_the_most_local_user_or_by_no_one(db: None) -> None:
    officer, volunteer = User.objects.create(username="o"), User.objects.create(username="v")
    generate_province(PROVINCE, 1000, seed=SEED, today=TODAY,
                      enterers={"84": [officer.pk], "840503": [volunteer.pk]})
    persons = Person.objects.filter(province_code=PROVINCE)
    assert persons.filter(entered_by=officer).count() > 250
    assert persons.filter(entered_by=volunteer).exists()
    assert not persons.filter(entered_by=volunteer).exclude(subdistrict_id="840503").exists()
    assert not persons.filter(entered_by=officer, subdistrict_id="840503").exists()
    assert not persons.filter(source="public", entered_by__isnull=False).exists()
    assert not Consent.objects.exclude(recorded_by=F("person__entered_by")).filter(
        recorded_by__isnull=False).exists()
