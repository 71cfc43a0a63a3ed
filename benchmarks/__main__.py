"""``make bench``: figures and ratios against baselines measured in this run.

Runs on a fresh SQLite file in a temporary folder (the embedded default).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

AUDIT_ROWS = 200_000
AUDIT_OBJECTS = 20_000
# Synthetic Thailand: persons generated nationwide; LNOB_BENCH_PERSONS=100000 to try smaller.
SYNTHETIC_PERSONS = int(os.environ.get("LNOB_BENCH_PERSONS", "1000000"))


def timed(fn: Callable[[], Any], repeat: int = 5) -> float:
    """Median seconds of ``repeat`` runs."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def row(name: str, value: float, unit: str, baseline: float | None = None,
        baseline_name: str = "") -> None:
    ratio = f"  ×{value / baseline:,.2f} of {baseline_name} ({baseline:,.3f} {unit})" \
        if baseline else ""
    print(f"{name:<44} {value:>10,.3f} {unit}{ratio}")


def main() -> None:
    tmp = tempfile.mkdtemp(prefix="lnob-bench-")
    os.environ.update({"LNOB_VAR_DIR": tmp, "DJANGO_SETTINGS_MODULE": "lnob.settings",
                       "LOG_LEVEL": "WARNING"})
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - start
    print(f"LNOB benchmarks — SQLite in {tmp}, Python {sys.version.split()[0]}\n")
    bench_geography(migrate_s)
    # Before the others, so that its peak memory is its own.
    bench_synthetic_thailand()
    bench_audit()
    bench_thai_formats()


def bench_geography(migrate_s: float) -> None:
    import geothai

    from lnob.geo.loader import load_geography
    from lnob.geo.models import District, Province, Subdistrict
    from lnob.geo.selectors import search_areas

    row("migrate, incl. loading 8,441 areas", migrate_s, "s")
    reload_s = timed(lambda: load_geography(Province, District, Subdistrict), repeat=3)
    row("load_geography again (nothing changes)", reload_s, "s", migrate_s,
        "the first load")
    queries = ["พะงัน", "phangan", "เชียง", "mueang", "บางกะปิ", "ko tao", "หนอง", "san",
               "สุราษฎร์", "khlong"]
    ours = timed(lambda: [search_areas(q) for q in queries]) / len(queries)
    theirs = timed(lambda: [geothai.search(q, limit=20) for q in queries]) / len(queries)
    row("area search, per query (database)", ours * 1000, "ms", theirs * 1000,
        "geothai.search in memory")


def bench_audit() -> None:
    from django.db.models import Value
    from django.db.models.functions import Concat

    from lnob.core.models import AuditEvent, RoleGrant, User
    from lnob.core.selectors import audit_of_object

    officer = User.objects.create(username="bench-officer")
    RoleGrant.objects.create(user=officer, role="provincial_officer", area_code="84")
    rng = random.Random(2549)
    start = time.perf_counter()
    AuditEvent.objects.bulk_create(
        (AuditEvent(action="view", actor=officer, actor_label="bench-officer",
                    object_type="registry.person",
                    object_id=str(rng.randrange(AUDIT_OBJECTS)),
                    area_code=f"8405{rng.randrange(1, 4):02d}") for _ in range(AUDIT_ROWS)),
        batch_size=5000)
    row(f"write {AUDIT_ROWS:,} audit rows (bulk)", time.perf_counter() - start, "s")
    ids = [str(rng.randrange(AUDIT_OBJECTS)) for _ in range(50)]

    def indexed() -> None:
        for i in ids:
            list(audit_of_object(officer, "registry.person", i))

    def scan() -> None:  # the same question without the (object_type, object_id) index
        for i in ids:
            list(AuditEvent.objects.annotate(oid=Concat("object_id", Value("")))
                 .filter(object_type="registry.person", oid=i))

    ours = timed(indexed, repeat=3) / len(ids)
    base = timed(scan, repeat=1) / len(ids)
    row("who looked at this person? per query", ours * 1000, "ms", base * 1000, "table scan")


def bench_thai_formats() -> None:
    from lnob.core.citizen_id import check_digit, is_valid_citizen_id
    from lnob.core.thaidates import parse_date

    rng = random.Random(13)
    ids = []
    for _ in range(100_000):
        first = "".join(rng.choice("0123456789") for _ in range(12))
        ids.append(first + str(check_digit(first)))
    dashed = [f"{i[0]}-{i[1:5]}-{i[5:10]}-{i[10:12]}-{i[12]}" for i in ids]
    ours = timed(lambda: [is_valid_citizen_id(i) for i in dashed], repeat=3)
    base = timed(lambda: [i.replace("-", "").isdigit() for i in dashed], repeat=3)
    row("validate 100,000 dashed citizen IDs", ours * 1000, "ms", base * 1000,
        "strip dashes + isdigit")
    texts = ["6/11/2549", "2549-11-06", "6 พ.ย. 49", "๖ พฤศจิกายน ๒๕๔๙", "2006-11-06"] * 4000
    ours = timed(lambda: [parse_date(t) for t in texts], repeat=3)
    from datetime import date

    base = timed(lambda: [date.fromisoformat("2006-11-06") for _ in texts], repeat=3)
    row("parse 20,000 Thai dates (5 forms)", ours * 1000, "ms", base * 1000,
        "date.fromisoformat")


def max_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def bench_synthetic_thailand() -> None:
    from datetime import date

    from django.db import transaction

    from lnob.cases.models import (
        AgendaItem,
        Case,
        CaseEvent,
        Forum,
        ForumAttendance,
        Visit,
        VisitNeed,
    )
    from lnob.demo.casework import plan_casework
    from lnob.demo.generator import BATCH, national_split, plan_province
    from lnob.demo.writer import generate_country, load_geo, subdistricts_per_province
    from lnob.geo.models import Subdistrict
    from lnob.registry.models import Consent, Household, Person, PersonNeed

    persons, seed, today = SYNTHETIC_PERSONS, 2549, date(2026, 11, 6)
    print(f"synthetic Thailand: {persons:,} persons over all 77 provinces "
          f"(LNOB_BENCH_PERSONS)")
    codes = sorted(national_split(persons, subdistricts_per_province()).items())

    # Baseline 1: the same rows (persons and their cases) planned in memory, nothing written.
    start = time.perf_counter()
    planned = 0
    for code, n in codes:
        plan = plan_province(load_geo(code), n, seed=seed, today=today)
        planned += sum(len(w.cases) for w in plan_casework(plan, seed=seed, today=today))
    plan_s = time.perf_counter() - start
    assert planned == persons

    # Baseline 2: bulk_create of as many bare Person rows (then rolled back).
    subdistricts = list(Subdistrict.objects.order_by("code").values_list("code", flat=True))
    start = time.perf_counter()
    with transaction.atomic():
        for first in range(0, persons, BATCH):
            Person.objects.bulk_create(
                [Person(first_name="ก", subdistrict_id=sd, province_code=sd[:2],
                        district_code=sd[:4], source="import", name_key="ก")
                 for i in range(first, min(persons, first + BATCH))
                 for sd in (subdistricts[i % len(subdistricts)],)], batch_size=BATCH)
        transaction.set_rollback(True)
    bare_s = time.perf_counter() - start

    rss_before = max_rss_mb()
    start = time.perf_counter()
    reports = generate_country(persons, seed=seed, today=today)
    generate_s = time.perf_counter() - start
    rss_after = max_rss_mb()
    assert sum(r.persons for r in reports) == persons
    rows = (persons + Household.objects.count() + PersonNeed.objects.count()
            + Person.target_groups.through.objects.count() + Consent.objects.count())
    case_rows = sum(model.objects.count() for model in (
        Case, Case.routed_networks.through, CaseEvent, Visit, VisitNeed, Forum,
        ForumAttendance, AgendaItem))
    row(f"generate {persons:,} persons and their cases (--all-provinces)", generate_s, "s",
        bare_s, "bulk_create of bare Person rows")
    row("  persons (with their case) per second", persons / generate_s, "/s",
        persons / plan_s, "planned in memory, not written")
    row(f"  rows per second ({rows:,} registry + {case_rows:,} case rows)",
        (rows + case_rows) / generate_s, "/s")
    row("  peak memory (max RSS of the process)", rss_after, "MB", rss_before,
        "before generating")
    print()


if __name__ == "__main__":
    main()
