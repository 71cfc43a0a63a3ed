"""Person list and person page at province scale (issue 3's speed target:
list with a Thai name search p95 < 200 ms, person page < 100 ms at 200 k
persons in a province).

Runs on SQLite in a temporary folder, or on PostgreSQL when DATABASE_URL is
set (``make bench`` runs it both ways). Each figure is compared with the same
request on a province of 2,000 persons, measured in the same run.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from typing import Any

from benchmarks import percentile

BIG_PROVINCE, BIG = "30", int(os.environ.get("LNOB_BENCH_PROVINCE_PERSONS", "200000"))
SMALL_PROVINCE, SMALL = "81", 2_000
SAMPLES = 60


def measure(client: Any, urls: list[str]) -> list[float]:
    times = []
    for url in urls:
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def report(name: str, big: list[float], small: list[float]) -> None:
    print(f"{name:<40} p50 {statistics.median(big):7.1f} ms  p95 {percentile(big, 95):7.1f} ms"
          f"   ×{percentile(big, 95) / percentile(small, 95):.2f} of p95 at {SMALL:,} persons "
          f"({percentile(small, 95):.1f} ms)")


def main() -> None:
    os.environ.update({"DJANGO_SETTINGS_MODULE": "lnob.settings", "LOG_LEVEL": "WARNING",
                       "ALLOWED_HOSTS": "testserver", "LNOB_PLAIN_STATIC": "1"})
    if not os.environ.get("DATABASE_URL"):
        os.environ["LNOB_VAR_DIR"] = tempfile.mkdtemp(prefix="lnob-bench-registry-")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from lnob.core.models import User
    from lnob.core.roles import Role
    from lnob.core.services import role_grant
    from lnob.demo.writer import generate_province
    from lnob.registry.models import Person

    call_command("migrate", verbosity=0)
    print(f"LNOB registry benchmark — {connection.vendor}, Python {sys.version.split()[0]}")
    today = date(2026, 11, 6)
    for code, n in ((SMALL_PROVINCE, SMALL), (BIG_PROVINCE, BIG)):
        start = time.perf_counter()
        generate_province(code, n, seed=2549, today=today)
        print(f"  generated {n:,} persons in province {code} "
              f"in {time.perf_counter() - start:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    rng = random.Random(13)
    clients = {}
    for code in (SMALL_PROVINCE, BIG_PROVINCE):
        user, _ = User.objects.get_or_create(username=f"bench-{code}")
        role_grant(actor=None, user=user, role=Role.PROVINCIAL_OFFICER, area_code=code)
        client = Client()
        client.force_login(user)
        clients[code] = client

    def samples(code: str) -> dict[str, list[str]]:
        people = list(Person.objects.filter(province_code=code)
                      .values_list("pk", "first_name", "last_name", "subdistrict_id")[:5000])
        picks = [rng.choice(people) for _ in range(SAMPLES)]
        return {
            "list, first page": ["/persons/"] * SAMPLES,
            "list, search part of a Thai name": [
                f"/persons/?q={(first if i % 2 else last)[1:4]}"
                for i, (_pk, first, last, _sd) in enumerate(picks)],
            "list, search a full name": [f"/persons/?q={first} {last}"
                                         for _pk, first, last, _sd in picks],
            "list, subdistrict + severity ≥ 3": [f"/persons/?area={sd}&severity=3"
                                                 for *_x, sd in picks],
            "list, page 40": ["/persons/?page=40"] * SAMPLES,
            "person page": [f"/persons/{pk}/" for pk, *_x in picks],
        }

    small_urls, big_urls = samples(SMALL_PROVINCE), samples(BIG_PROVINCE)
    measure(clients[BIG_PROVINCE], big_urls["list, first page"][:5])  # warm up
    print(f"\n{BIG:,} persons in province {BIG_PROVINCE}; {SAMPLES} requests each "
          f"(in-process, full page rendering)")
    for name in big_urls:
        report(name, measure(clients[BIG_PROVINCE], big_urls[name]),
               measure(clients[SMALL_PROVINCE], small_urls[name]))


if __name__ == "__main__":
    main()
