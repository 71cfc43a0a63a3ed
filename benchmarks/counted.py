"""What the roll-up contributors (offers and givers, residents: decision
0028) cost the roll-ups: the full rebuild and the incremental refresh
after a capacity change and after a case change, with the contributors
registered and with the registry emptied (the roll-up as it was before),
in the same run on the same database, in alternating rounds.

``LNOB_BENCH_PERSONS`` persons nationwide (default 30,000; the demo writer
also gives every subdistrict a synthetic population), ``LNOB_BENCH_OFFERS``
offers (default 20,000) spread over the subdistricts. SQLite in a temporary
folder, or PostgreSQL when ``DATABASE_URL`` is set.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from typing import Any

from benchmarks import national_database, percentile

PERSONS = int(os.environ.get("LNOB_BENCH_PERSONS", "30000"))
OFFERS = int(os.environ.get("LNOB_BENCH_OFFERS", "20000"))
SAMPLES, ROUNDS = 20, 3


def _ms(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _offers(n: int) -> None:
    from lnob.geo.models import Subdistrict
    from lnob.giving.models import Offer

    codes = list(Subdistrict.objects.values_list("code", "district_id", "province_id"))
    rng = random.Random(17)
    kinds = ["time", "goods", "service", "pledge"]
    statuses = ["received", "contacted", "accepted", "declined", "used"]
    rows = []
    for i in range(n):
        code, district, province = rng.choice(codes)
        kind = rng.choice(kinds)
        rows.append(Offer(kind=kind, status=rng.choice(statuses), giver_name="ผู้ให้",
                          giver_phone=f"08{rng.randrange(10**8):08d}", area_code=code,
                          subdistrict_id=code, district_code=district, province_code=province,
                          quantity=rng.randint(1, 20) if kind == "goods" else None,
                          capacity=rng.randint(1, 10) if kind == "service" else None,
                          reference=f"B{i:09d}"))
    Offer.objects.bulk_create(rows, batch_size=2000)


def main() -> None:
    made, generated, seconds = national_database("lnob-bench-counted-", PERSONS)
    from django.db import connection

    from lnob.coverage import contributors
    from lnob.coverage.models import SubdistrictSummary
    from lnob.coverage.rollup import rollup_full, rollup_refresh, rollup_verify
    from lnob.giving.models import Offer

    print(f"LNOB roll-up contributors benchmark — {connection.vendor}, "
          f"Python {sys.version.split()[0]}")
    print(f"  {made:,} persons nationwide ({generated:,} generated in {seconds:,.0f} s)")
    if Offer.objects.count() < OFFERS:
        _offers(OFFERS - Offer.objects.count())
    print(f"  {Offer.objects.count():,} offers")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    registered = dict(contributors._REGISTRY)

    def use(on: bool) -> None:
        contributors._REGISTRY.clear()
        if on:
            contributors._REGISTRY.update(registered)

    rollup_full()
    rng = random.Random(7)
    codes = list(SubdistrictSummary.objects.filter(found__gt=0).values_list("code", flat=True)) \
        or list(SubdistrictSummary.objects.values_list("code", flat=True))
    results: dict[tuple[str, bool], list[float]] = {}
    for _round in range(ROUNDS):
        for on in (False, True):
            use(on)
            results.setdefault(("full", on), []).append(_ms(rollup_full) / 1000)
            picks = [rng.choice(codes) for _ in range(SAMPLES)]
            results.setdefault(("capacity", on), []).extend(
                _ms(lambda c=c: rollup_refresh([c])) for c in picks)
            results.setdefault(("people", on), []).extend(
                _ms(lambda c=c: rollup_refresh([c], capacity=False)) for c in picks)
    use(True)
    rollup_full()
    assert rollup_verify() == [], "the roll-up does not match its sources"
    names = {"full": ("full rebuild", "s"), "capacity": ("refresh after a capacity change", "ms"),
             "people": ("refresh after a case change", "ms")}
    print(f"\n{'':<34}{'before (no contributors)':>28}{'after (offers, residents)':>30}"
          f"{'ratio p50':>11}")
    for key, (name, unit) in names.items():
        before, after = results[(key, False)], results[(key, True)]
        b50, a50 = statistics.median(before), statistics.median(after)
        print(f"{name:<34}{b50:>10.1f} / {percentile(before, 95):7.1f} {unit:<3}"
              f"{a50:>14.1f} / {percentile(after, 95):7.1f} {unit:<3}{a50 / b50:>9.2f}×")
    print("(p50 / p95; full rebuild: median / max of "
          f"{ROUNDS} rounds; refreshes: {SAMPLES * ROUNDS} each)")
    print(f"{'load average (1, 5, 15 min)':<34} "
          f"{' / '.join(f'{x:.2f}' for x in os.getloadavg())}  (the machine is shared)")


if __name__ == "__main__":
    main()
