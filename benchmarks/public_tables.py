"""The public dashboard's welfare and giving tables and the official reports'
giving and welfare sections (issues 17 and 18), at scale.

Builds N synthetic persons nationwide (``benchmarks.welfare.generate``),
evaluates welfare (``evaluate_all``: the stored eligibility the tables
read), referrals for 5 % of the eligible, and N/4 offers from N/5 givers;
then times each table uncached (the dashboard keeps them 60 s) against a
baseline measured in the same run: the bare grouped count the table starts
from (the time over it is the suppression with its linear-programme audit,
the areas' names and the rest).

SQLite in a temporary folder, or PostgreSQL when DATABASE_URL is set.
``LNOB_BENCH_PERSONS`` (default 200 000). The load average is printed beside
every timing (the machine is shared), and the peak memory of the process
tree at the end."""

from __future__ import annotations

import datetime
import os
import random
import statistics
import sys
import time
from typing import Any

from benchmarks import django_for_benchmark
from benchmarks.welfare import TODAY, generate, load, peak_mb, percentile

PERSONS = int(os.environ.get("LNOB_BENCH_PERSONS", "200000"))
SAMPLES = 7


def timings(fn: Any, clear: Any) -> list[float]:
    out = []
    for _ in range(SAMPLES):
        clear()
        start = time.perf_counter()
        fn()
        out.append(1000 * (time.perf_counter() - start))
    return out


def show(name: str, values: list[float], baseline: list[float] | None = None) -> None:
    p50, p95 = statistics.median(values), percentile(values, 95)
    ratio = ""
    if baseline:
        base = statistics.median(baseline)
        ratio = f"  ×{p50 / base:,.1f} the bare count ({base:,.1f} ms)"
    print(f"{name:<52} p50 {p50:8.1f} ms  p95 {p95:8.1f} ms{ratio}  ({load()})")


def offers(n: int, givers: int, rng: random.Random) -> None:
    from django.utils import timezone

    from lnob.geo.models import Subdistrict
    from lnob.giving.models import Offer, OfferKind, OfferStatus

    subdistricts = list(Subdistrict.objects.values_list("code", "district_id", "province_id"))
    now = timezone.now()
    rows = []
    for i in range(n):
        code, district, province = rng.choice(subdistricts)
        rows.append(Offer(
            kind=rng.choice(list(OfferKind)), status=rng.choice(list(OfferStatus)),
            giver_name="ผู้ให้", giver_phone=f"08{rng.randrange(givers):08d}", area_code=code,
            subdistrict_id=code, district_code=district, province_code=province,
            consent_at=now, created_at=now, reference=f"B{i:09d}"[:11]))
    Offer.objects.bulk_create(rows, batch_size=10_000)


def referrals(rng: random.Random) -> None:
    from lnob.welfare.models import Eligibility, Referral, ReferralStatus, Result

    rows = []
    for person_id, scheme_id, p, d, s in Eligibility.objects.filter(
            result=Result.ELIGIBLE).values_list("person_id", "scheme_id", "province_code",
                                                "district_code", "subdistrict_code"
                                                ).iterator(chunk_size=10_000):
        if rng.random() < 0.05:
            rows.append(Referral(person_id=person_id, scheme_id=scheme_id, province_code=p,
                                 district_code=d, subdistrict_code=s,
                                 status=rng.choice(list(ReferralStatus)),
                                 due_on=TODAY + datetime.timedelta(days=30)))
    Referral.objects.bulk_create(rows, batch_size=10_000)


def main() -> None:
    django_for_benchmark("lnob-bench-public-tables-")
    from django.core.cache import cache
    from django.db import connection, transaction
    from django.db.models import Count
    from django.utils import translation

    from lnob.coverage.public_tables import giving_table, welfare_table
    from lnob.giving.models import Offer
    from lnob.giving.selectors import totals
    from lnob.learning.reports.sections import giving_section, welfare_section
    from lnob.welfare.evaluate import evaluate_all
    from lnob.welfare.models import Eligibility

    translation.activate("th")
    rng = random.Random(2549)
    print(f"LNOB public tables benchmark — {connection.vendor}, Python "
          f"{sys.version.split()[0]}, {os.cpu_count()} cores shared with other work")
    start = time.perf_counter()
    with transaction.atomic():
        generate(PERSONS, rng)
    evaluate_all(on=TODAY)
    with transaction.atomic():
        referrals(rng)
        offers(PERSONS // 4, PERSONS // 5, rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"  {PERSONS:,} persons, {Eligibility.objects.count():,} eligibility rows, "
          f"{Offer.objects.count():,} offers, made in {time.perf_counter() - start:,.0f} s "
          f"({load()})\n")

    def bare_welfare(code: str) -> Any:
        field = "province_code" if not code else "district_code"
        qs = Eligibility.objects.filter(scheme__code="old_age_allowance")
        if code:
            qs = qs.filter(province_code=code)
        return list(qs.values(field).annotate(n=Count("pk")).order_by())

    def bare_giving(code: str) -> Any:
        field = "province_code" if not code else "district_code"
        qs = Offer.objects.filter(province_code=code) if code else Offer.objects.all()
        return list(qs.values(field).annotate(n=Count("pk")).order_by())

    for code, label in (("", "Thailand by province (77 rows)"),
                        ("30", "Nakhon Ratchasima by district")):
        base = timings(lambda code=code: bare_welfare(code), cache.clear)
        show(f"welfare table, {label}", timings(
            lambda code=code: welfare_table(code, "old_age_allowance"), cache.clear), base)
        base = timings(lambda code=code: bare_giving(code), cache.clear)
        show(f"giving table, {label}", timings(lambda code=code: giving_table(code),
                                               cache.clear), base)
        show("  the same, from the cache", timings(lambda code=code: giving_table(code),
                                                   lambda: None))
    base = timings(lambda: Offer.objects.values("kind", "status").annotate(
        n=Count("id")).count(), lambda: None)
    show("report: giving section, Thailand", timings(
        lambda: giving_section("", TODAY), lambda: None), base)
    show("report: welfare section, Thailand", timings(
        lambda: welfare_section("", "th"), lambda: None))
    show("  giving.selectors.totals alone", timings(lambda: totals(""), lambda: None))
    print(f"\npeak memory of the process tree: {peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()
