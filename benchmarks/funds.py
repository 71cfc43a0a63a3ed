"""Community welfare funds at the size of a large fund (issue 18).

A fund of ``LNOB_BENCH_FUND_MEMBERS`` members (default 3,000: large
community welfare funds have a few thousand), then:

- the member list in (``members_import``, one transaction);
- a month's contributions of every member as one entry (one fund
  transaction) against the baseline measured in the same run: the same
  month entered member by member (a transaction each), over a sample,
  extrapolated;
- a benefit payment, p50/p95, on a fresh fund and after
  ``LNOB_BENCH_FUND_PAYMENTS`` (default 1,000) earlier payments: the
  networks service reads the fund's whole balance history to guard
  back-dated disbursements, so this is where a fund's age shows;
- the fund page's reads (``selectors.fund_page``).

SQLite in a temporary folder, or PostgreSQL when DATABASE_URL is set
(``scripts/with-postgres.sh``). The load average is printed beside every
timing (the machine is shared), and the peak memory of the process tree.
"""

from __future__ import annotations

import datetime
import os
import statistics
import time
from typing import Any

from benchmarks import django_for_benchmark, load, peak_mb, percentile

MEMBERS = int(os.environ.get("LNOB_BENCH_FUND_MEMBERS", "3000"))
PAYMENTS = int(os.environ.get("LNOB_BENCH_FUND_PAYMENTS", "1000"))
SAMPLE = 100


def payments(pay: Any, n: int) -> list[float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        pay()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    django_for_benchmark("lnob-bench-funds-")
    from django.db import connection

    from lnob.core.models import User
    from lnob.core.roles import Role
    from lnob.core.services import role_grant
    from lnob.networks.services.funds import FundData, fund_create
    from lnob.welfare.funds import selectors, services
    from lnob.welfare.funds.models import FundBenefitKind, FundMember

    db = connection.vendor
    admin = User.objects.create(username="bench-admin")
    role_grant(actor=None, user=admin, role=Role.SYSTEM_ADMIN, area_code="")
    from django.utils import timezone

    today = timezone.localdate()
    joined = today - datetime.timedelta(days=400)

    def new_fund(name: str) -> Any:
        return fund_create(actor=admin, data=FundData(name=name, kind="community_welfare",
                                                      area_code="840503"))

    fund = new_fund("กองทุนใหญ่")
    rows = [services.MemberRow(row=i + 2, first_name=f"สมาชิก{i}", last_name="ทดสอบ",
                               member_number=f"{i:05d}", joined_on=joined)
            for i in range(MEMBERS)]
    started = time.perf_counter()
    services.members_import(actor=admin, fund=fund, rows=rows, file_name="bench.xlsx")
    seconds = time.perf_counter() - started
    print(f"[{db}] member list in, {MEMBERS:,} members: {seconds:.2f} s ({load()})")

    members = list(FundMember.objects.filter(fund=fund).values_list("pk", flat=True))
    started = time.perf_counter()
    services.contributions_record(actor=admin, fund=fund, period="2026-01", date=today,
                                  amounts=dict.fromkeys(members, "100"))
    bulk = time.perf_counter() - started
    started = time.perf_counter()
    for pk in members[:SAMPLE]:
        services.contributions_record(actor=admin, fund=fund, period="2026-02", date=today,
                                      amounts={pk: "100"})
    one_by_one = (time.perf_counter() - started) / SAMPLE * len(members)
    print(f"[{db}] a month's contributions of {MEMBERS:,} members as one entry: {bulk:.2f} s; "
          f"baseline member by member (sample of {SAMPLE}, extrapolated): {one_by_one:.1f} s "
          f"(×{one_by_one / bulk:.0f}) ({load()})")

    sickness = FundBenefitKind.objects.get(code="sickness")
    member = FundMember.objects.filter(fund=fund).first()

    def pay_on(target: Any, who: Any) -> Any:
        return lambda: services.benefit_pay(actor=admin, fund=target, member=who,
                                            kind=sickness, date=today, amount="1")

    fresh = new_fund("กองทุนใหม่")
    fresh_member = services.member_add(actor=admin, fund=fresh, first_name="ก", joined_on=joined)
    services.contributions_record(actor=admin, fund=fresh, period="2026-01", date=today,
                                  amounts={fresh_member.pk: "100000"})
    young = payments(pay_on(fresh, fresh_member), 50)
    payments(pay_on(fund, member), PAYMENTS)
    old = payments(pay_on(fund, member), 50)
    print(f"[{db}] one benefit paid, p50/p95: fresh fund {statistics.median(young):.1f} / "
          f"{percentile(young, 95):.1f} ms; after {PAYMENTS:,} payments "
          f"{statistics.median(old):.1f} / {percentile(old, 95):.1f} ms ({load()})")

    started = time.perf_counter()
    page = selectors.fund_page(fund)
    print(f"[{db}] fund page reads ({len(page.members):,} members, {len(page.months)} months, "
          f"{len(page.benefits)} benefits shown): {(time.perf_counter() - started) * 1000:.0f} ms "
          f"({load()})")
    print(f"[{db}] peak memory of the process tree: {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
