"""The welfare pages: in-area officer, out-of-area officer, stranger and
volunteer for every page and form, and what the pages show."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from lnob.core.models import AuditEvent, User
from lnob.registry.models import Person
from lnob.welfare import services
from lnob.welfare.models import Benefit, Referral, Scheme, WelfareFacts

from .conftest import years_ago

pytestmark = pytest.mark.django_db


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def referral(officer: User, elder: Person, old_age: Scheme) -> Referral:
    return services.referral_create(actor=officer, person=elder, scheme=old_age)


@pytest.fixture
def benefit(officer: User, elder: Person, old_age: Scheme) -> Benefit:
    return services.benefit_record(actor=officer, person=elder, scheme=old_age,
                                   since=datetime.date(2024, 1, 1))


def test_person_page_trio(officer: User, other_officer: User, stranger: User,
                          volunteer: User, elder: Person) -> None:
    url = reverse("welfare_person", args=[elder.pk])
    response = client_for(officer).get(url)
    assert response.status_code == 200
    assert 'data-scheme="old_age_allowance" data-result="eligible"' in response.content.decode()
    assert AuditEvent.objects.filter(action="view", object_id=str(elder.pk),
                                     detail__page="welfare").exists()
    assert client_for(other_officer).get(url).status_code == 404
    assert client_for(stranger).get(url).status_code == 403
    assert client_for(volunteer).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302


def test_the_coordinator_of_the_area_edits_facts(coordinator: User, other_officer: User,
                                                 elder: Person) -> None:
    url = reverse("welfare_facts", args=[elder.pk])
    data = {"disability_registered": "yes", "income_band": "lt30k"}
    assert client_for(other_officer).post(url, data).status_code == 404
    assert not WelfareFacts.objects.filter(person=elder).exists()
    assert client_for(coordinator).post(url, data).status_code == 302
    assert WelfareFacts.objects.get(person=elder).disability_registered == "yes"


def test_benefit_form_takes_a_be_date_and_refuses_nonsense(officer: User, other_officer: User,
                                                           elder: Person, old_age: Scheme) -> None:
    url = reverse("welfare_benefit", args=[elder.pk])
    assert client_for(other_officer).post(url, {"scheme": old_age.pk}).status_code == 404
    bad = client_for(officer).post(url, {"scheme": old_age.pk, "since": "31/02/2567"})
    assert bad.status_code == 400 and not Benefit.objects.exists()
    ok = client_for(officer).post(url, {"scheme": old_age.pk, "since": "1/1/2567",
                                        "amount_baht": "700"})
    assert ok.status_code == 302
    assert Benefit.objects.get().since == datetime.date(2024, 1, 1)


def test_ending_a_benefit_trio(officer: User, other_officer: User, stranger: User,
                               benefit: Benefit) -> None:
    url = reverse("welfare_benefit_end", args=[benefit.pk])
    assert client_for(stranger).post(url, {"until": "1/1/2568"}).status_code == 403
    assert client_for(other_officer).post(url, {"until": "1/1/2568"}).status_code == 404
    assert client_for(officer).post(url, {"until": "1/1/2568"}).status_code == 302
    benefit.refresh_from_db()
    assert benefit.until == datetime.date(2025, 1, 1)


def test_referral_new_step_and_letter(officer: User, other_officer: User, stranger: User,
                                      elder: Person, old_age: Scheme) -> None:
    url = reverse("welfare_referral_new", args=[elder.pk])
    assert client_for(other_officer).post(url, {"scheme": old_age.pk}).status_code == 404
    response = client_for(officer).post(url, {"scheme": old_age.pk,
                                              "provider_name": "อบต.เกาะเต่า"})
    referral = Referral.objects.get()
    assert response["Location"] == reverse("welfare_referral_letter", args=[referral.pk])
    letter_url = response["Location"]
    letter = client_for(officer).get(letter_url).content.decode()
    assert "อบต.เกาะเต่า" in letter and "welfare/letter.css" in letter
    assert "บัตรประจำตัวประชาชน" in letter  # the documents the scheme needs
    assert client_for(other_officer).get(letter_url).status_code == 404
    assert client_for(stranger).get(letter_url).status_code == 403
    step_url = reverse("welfare_referral_step", args=[referral.pk])
    data = {"status": "refused", "reason": "", "version": referral.version}
    assert client_for(other_officer).post(step_url, data).status_code == 404
    assert client_for(officer).post(step_url, data).status_code == 400  # no reason
    data["reason"] = "ขาดเอกสาร"
    assert client_for(officer).post(step_url, data).status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.refused_reason) == ("refused", "ขาดเอกสาร")


def test_counts_page_scoped_to_the_users_areas(officer: User, other_officer: User,
                                               stranger: User, elder: Person) -> None:
    url = reverse("welfare_counts")
    page = client_for(officer).get(url + "?area=84").content.decode()
    assert 'data-scheme="old_age_allowance"><td>เบี้ยยังชีพผู้สูงอายุ</td><td>1</td>' in page
    assert client_for(other_officer).get(url + "?area=84").status_code == 404
    assert client_for(officer).get(url + "?area=8x").status_code == 404
    assert client_for(stranger).get(url).status_code == 403
    # The area is chosen by name, from the officer's own areas (issue 16).
    assert '<option value="84" selected>สุราษฎร์ธานี</option>' in page
    assert '<option value="8405">— เกาะพะงัน</option>' in page
    assert 'value="81"' not in page and "inputmode=\"numeric\"" not in page


def test_person_page_shows_the_welfare_summary_to_area_readers_only(
        officer: User, volunteer: User, make_person: Callable[..., Person]) -> None:
    reported = make_person(actor=volunteer, birth_date=years_ago(70))
    url = reverse("person_detail", args=[reported.pk])
    page = client_for(officer).get(url).content.decode()
    assert 'data-welfare="summary"' in page and "เบี้ยยังชีพผู้สูงอายุ" in page
    response = client_for(volunteer).get(url)
    assert response.status_code == 200
    assert 'data-welfare="summary"' not in response.content.decode()


def test_inbox_lists_referrals_to_make_and_overdue(officer: User, other_officer: User,
                                                   elder: Person, old_age: Scheme) -> None:
    home = client_for(officer).get("/").content.decode()
    assert 'data-inbox="welfare_to_refer"' in home and elder.full_name in home
    elsewhere = client_for(other_officer).get("/").content.decode()
    assert 'data-inbox="welfare_to_refer"' not in elsewhere
    referral = services.referral_create(actor=officer, person=elder, scheme=old_age)
    home = client_for(officer).get("/").content.decode()
    assert 'data-inbox="welfare_to_refer"' not in home  # referred: no longer to make
    Referral.objects.filter(pk=referral.pk).update(due_on=datetime.date(2020, 1, 1))
    assert 'data-inbox="welfare_overdue"' in client_for(officer).get("/").content.decode()


def test_schemes_page_for_any_signed_in_user(stranger: User) -> None:
    assert "บัตรสวัสดิการแห่งรัฐ" in client_for(stranger).get(
        reverse("welfare_schemes")).content.decode()
    assert client_for(None).get(reverse("welfare_schemes")).status_code == 302


def test_to_refer_list_trio(officer: User, other_officer: User, stranger: User,
                            elder: Person) -> None:
    url = reverse("welfare_to_refer")
    page = client_for(officer).get(url).content.decode()
    assert f'data-person="{elder.pk}"' in page
    assert AuditEvent.objects.filter(object_type="welfare.to_refer",
                                     detail__persons=[elder.pk]).exists()
    assert f'data-person="{elder.pk}"' not in client_for(other_officer).get(url).content.decode()
    assert client_for(stranger).get(url).status_code == 403


def test_missing_facts_are_named_on_the_page(officer: User,
                                            make_person: Callable[..., Person]) -> None:
    person = make_person()
    page = client_for(officer).get(reverse("welfare_person", args=[person.pk])).content.decode()
    assert "วันเกิด" in page and 'data-result="cannot_tell"' in page


@pytest.mark.parametrize("name", ["welfare_facts", "welfare_benefit", "welfare_referral_new"])
def test_a_stranger_and_a_volunteer_cannot_post_any_welfare_form(
        name: str, stranger: User, volunteer: User, elder: Person) -> None:
    url = reverse(name, args=[elder.pk])
    for user in (stranger, volunteer):
        assert client_for(user).post(url, {"scheme": 1}).status_code == 403
    assert client_for(None).post(url).status_code == 302
    assert not Referral.objects.exists() and not Benefit.objects.exists()


def _pdf_text(content: bytes) -> str:
    """The text a reader copies out of the PDF, without layout spaces (pypdf
    puts them between words and lines as it sees fit)."""
    import io
    import re

    from pypdf import PdfReader

    from lnob.exports.pdf import join_sara_am

    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", "", join_sara_am("".join(p.extract_text() for p in reader.pages)))


def test_the_referral_letter_downloads_as_a_pdf_in_thai(
        officer: User, other_officer: User, stranger: User, volunteer: User, elder: Person,
        old_age: Scheme) -> None:
    from lnob.core.thaidates import format_date

    referral = services.referral_create(
        actor=officer, person=elder, scheme=old_age, provider_name="องค์การบริหารส่วนตำบลเกาะเต่า",
        provider_address="หมู่ 1 ตำบลเกาะเต่า อำเภอเกาะพะงัน จังหวัดสุราษฎร์ธานี 84360")
    url = reverse("welfare_referral_letter_pdf", args=[referral.pk])
    response = client_for(officer).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert elder.first_name not in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    text = _pdf_text(response.content)
    assert elder.first_name + elder.last_name in text
    assert "เบี้ยยังชีพผู้สูงอายุ" in text
    be_date = format_date(referral.sent_on, "th")
    assert str(referral.sent_on.year + 543) in be_date and be_date.replace(" ", "") in text
    assert "องค์การบริหารส่วนตำบลเกาะเต่า" in text and "อำเภอเกาะพะงัน" in text
    assert "บัตรประจำตัวประชาชน" in text  # the documents the scheme needs
    assert elder.citizen_id == "" or elder.citizen_id not in text  # masked
    assert AuditEvent.objects.filter(action="export", object_id=str(elder.pk),
                                     detail__referral_letter=referral.pk).count() == 1
    # The page offers the download.
    page = client_for(officer).get(reverse("welfare_referral_letter", args=[referral.pk]))
    assert url in page.content.decode()
    # Another province's officer: not found; a volunteer or a user without a role: refused.
    assert client_for(other_officer).get(url).status_code == 404
    for user in (stranger, volunteer):
        assert client_for(user).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302  # to the sign-in page
    assert AuditEvent.objects.filter(action="export", object_id=str(elder.pk)).count() == 1
