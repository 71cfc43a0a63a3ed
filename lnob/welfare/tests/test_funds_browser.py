"""A fund's month on a phone, in Debian's Chromium: the officer records the
members' contributions in one form, a benefit larger than the balance is
refused under the amount in Thai with the fund's balance, a smaller one is
paid and the balance follows."""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from lnob.conftest import sign_in
from lnob.core.models import User
from lnob.core.roles import Role
from lnob.networks.services.funds import FundData, fund_create
from lnob.testing import reload_migration_data
from lnob.welfare.funds import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_funds_month_on_a_phone(live_server: Any, browser: Any,
                                  make_user: Callable[..., User]) -> None:
    reload_migration_data()
    importlib.import_module("lnob.welfare.migrations.0004_seed_fund_benefit_kinds").seed(
        apps, None)
    officer = make_user("officer84", Role.PROVINCIAL_OFFICER, "84")
    fund = fund_create(actor=officer, data=FundData(name="กองทุนสวัสดิการชุมชนเกาะเต่า",
                                                    kind="community_welfare",
                                                    area_code="840503"))
    joined = timezone.localdate() - datetime.timedelta(days=60)
    for i, name in enumerate(("มาลี", "สุดา", "บุญมี")):
        services.member_add(actor=officer, fund=fund, first_name=name, last_name="ทดสอบ",
                            member_number=f"00{i + 1}", joined_on=joined)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH")
    page = context.new_page()
    page.set_default_timeout(15_000)
    fund_url = f"/welfare/funds/{fund.pk}/"
    sign_in(page, live_server.url, "officer84", fund_url)
    page.get_by_role("link", name="บันทึกเงินสมทบประจำเดือน").click()
    for field in page.locator("input[name^=member_]").all():
        field.fill("100")
    page.get_by_role("button", name="บันทึก").click()
    page.wait_for_url(live_server.url + fund_url)
    assert page.locator("[data-balance]").get_attribute("data-balance") == "300.00"
    month = page.locator("[data-fund=contributions] tbody tr").first.inner_text()
    assert str(timezone.localdate().year + 543) in month and "300" in month  # BE month

    page.locator("[data-fund=benefits] summary").click()
    form = page.locator("[data-fund=benefits] form")
    form.get_by_label("สมาชิกกองทุน").select_option(label="001 มาลี ทดสอบ")
    form.get_by_label("ประเภทสวัสดิการ").select_option(label="เจ็บป่วย / นอนโรงพยาบาล")
    form.get_by_label("จำนวนเงิน (บาท; เว้นว่าง: ตามอัตราของกองทุน)").fill("500")
    form.get_by_role("button", name="จ่าย").click()
    error = page.locator("[data-fund=benefits] .errorlist")
    assert "กองทุนสวัสดิการชุมชนเกาะเต่า มีเงินคงเหลือ 300.00 บาท" in error.inner_text()
    form.get_by_label("จำนวนเงิน (บาท; เว้นว่าง: ตามอัตราของกองทุน)").fill("200")
    form.get_by_role("button", name="จ่าย").click()
    page.wait_for_url(live_server.url + fund_url)
    assert page.locator("[data-balance]").get_attribute("data-balance") == "100.00"
    assert "มาลี" in page.locator("[data-fund=benefits]").inner_text()
    box = page.locator("main").bounding_box()
    assert box is not None and box["width"] <= 390
    context.close()
