"""``python -m benchmarks.mix_pages``: the signed-in mix of
``benchmarks/locustfile.py`` page by page, in one process (issue 21) — where a
mix request's CPU goes, without gunicorn or locust in the way.

Run it on PostgreSQL (``scripts/with-postgres.sh .venv/bin/python -m
benchmarks.mix_pages``; any ``DATABASE_URL`` will do, a province already
generated there is kept): the demo province of ``LNOB_BENCH_PERSONS``
(20,000) persons, the locustfile's demo users signed in through Django's test
client (the password form, as locust does; the demo needs no second factor
outside production), then each page of the mix requested
``LNOB_BENCH_REPEAT`` (30) times after two warm-up requests. Per page it
prints the web CPU (``time.process_time`` of this process), the PostgreSQL
backend's CPU (``/proc/<pid>/stat`` of ``pg_backend_pid()``), the wall time
and the number of queries a request, with the load average; then the
average over the mix, each page weighted as often as the locust users ask
for it (``WEIGHTS``), and the same for the baseline page (``GET /report/``,
the public form: Django's own cost for a page without database work).

``LNOB_BENCH_PROFILE=<page name>`` adds a cProfile (sorted by cumulative
CPU) of that page; ``LNOB_BENCH_SQL=<page name>`` prints its statements;
``LNOB_BENCH_ONLY=<name>,<name>`` measures only those pages.
"""

from __future__ import annotations

import cProfile
import datetime
import gzip
import io
import os
import pstats
import random
import re
import time
from collections.abc import Callable
from typing import Any

from benchmarks import load

PERSONS = int(os.environ.get("LNOB_BENCH_PERSONS", "20000"))
REPEAT = int(os.environ.get("LNOB_BENCH_REPEAT", "30"))
PROFILE = os.environ.get("LNOB_BENCH_PROFILE", "")
SQL = os.environ.get("LNOB_BENCH_SQL", "")
ONLY = [p for p in os.environ.get("LNOB_BENCH_ONLY", "").split(",") if p]
PASSWORD = "lnob-demo-2549"  # noqa: S105 — the demo's published password
SURNAMES = ["ใจดี", "รักถิ่น", "ทะเลงาม", "เอื้ออารี", "ศรีสุข", "บุญมา", "ทองคำ", "แก้วใส"]
ACCEPT_ENCODING = "gzip, deflate, br"
LINK = re.compile(r'href="/(persons|cases)/(\d+)/"')

# Requests a second that 10 locust users ask for each page (benchmarks/
# locustfile.py: officers 4, coordinators 3, volunteers 2, the analyst 1;
# each user runs about one task a second, a task's weight within its user).
WEIGHTS = {
    "/persons/?q=": 4 * 3 / 12 + 3 * 3 / 15,
    "/persons/[id]/": 4 * 3 / 12 + 3 * 3 / 15,
    "/cases/": 4 * 2 / 12 + 3 * 2 / 15,
    "/cases/[id]/": 4 * 3 / 12 + 3 * 3 / 15,
    "/ (officer)": 4 * 1 / 12,
    "/ (coordinator)": 3 * 4 / 15,
    "/cases/ (volunteer)": 2 * 2 / 3,
    "/cases/[id]/visits/new/": 2 * 1 / 3,
    "POST visit": 2 * 1 / 3,
    "/coverage/": 1.0,
    "/coverage/public/": 1.0,
}


def backend_cpu(connection: Any) -> float:
    """CPU seconds of this connection's PostgreSQL backend so far."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def setup() -> None:
    os.environ.update({"DJANGO_SETTINGS_MODULE": "lnob.settings", "LOG_LEVEL": "WARNING",
                       "LNOB_PLAIN_STATIC": "1", "DEBUG": "0",
                       "ALLOWED_HOSTS": "testserver,127.0.0.1"})
    os.environ.setdefault("LNOB_TRUSTED_PROXIES", "127.0.0.1")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("benchmarks.mix_pages measures PostgreSQL: run it under "
                         "scripts/with-postgres.sh (or set DATABASE_URL)")
    import django

    django.setup()
    from django.core.management import call_command

    from lnob.registry.models import Person

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    if Person.objects.count() < PERSONS // 2:
        call_command("demo", persons=PERSONS, verbosity=0, stdout=io.StringIO())
        print(f"demo province of {PERSONS} persons in {time.perf_counter() - start:.0f} s "
              f"({load()})", flush=True)
    else:
        print(f"{Person.objects.count()} persons already there", flush=True)


def signed_in(username: str) -> Any:
    from django.test import Client

    # Compressed answers, as browsers and locust's FastHttpUser ask for them.
    client = Client(HTTP_X_FORWARDED_FOR=f"10.9.{random.randrange(250)}.{random.randrange(250)}",
                    HTTP_ACCEPT_ENCODING=ACCEPT_ENCODING)
    client.get("/accounts/login/")
    r = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert r.status_code == 302, (username, r.status_code)
    return client


def body(response: Any) -> bytes:
    """The answer's bytes, uncompressed."""
    if response.get("Content-Encoding") == "gzip":
        return gzip.decompress(response.content)
    return response.content


class Ids:
    def __init__(self) -> None:
        self.persons: list[str] = []
        self.cases: list[str] = []

    def remember(self, html: str) -> None:
        for kind, pk in LINK.findall(html):
            (self.persons if kind == "persons" else self.cases).append(pk)
        self.persons, self.cases = self.persons[-50:], self.cases[-50:]


def pages() -> dict[str, Callable[[], Any]]:
    """Each page of the mix as a request made by its locust user."""
    officer, coordinator = signed_in("officer.surat"), signed_in("coordinator.phangan")
    volunteer, analyst = signed_in("volunteer.kotao"), signed_in("analyst")
    seen = {"o": Ids(), "c": Ids(), "v": Ids()}
    for client, ids in ((officer, seen["o"]), (coordinator, seen["c"]), (volunteer, seen["v"])):
        for url in ("/", "/cases/", "/persons/?q=ใจดี"):
            ids.remember(body(client.get(url)).decode())
    found = {k: (len(v.persons), len(v.cases)) for k, v in seen.items()}
    # The search finds few of the demo's surnames: a coordinator may have no
    # person to open (its locust user then skips the task), the officer has.
    assert found["o"][0] and all(n for _p, n in found.values()), found

    def either() -> tuple[Any, Ids]:
        """An officer or a coordinator, as often as each asks these pages (4:3 users,
        the same task weights out of 12 and 15)."""
        if random.random() < (4 / 12) / (4 / 12 + 3 / 15):
            return officer, seen["o"]
        return coordinator, seen["c"]

    def person() -> Any:
        client, ids = either()
        if not ids.persons:
            client, ids = officer, seen["o"]
        return get(client, url=f"/persons/{random.choice(ids.persons)}/")

    def case() -> Any:
        client, ids = either()
        return get(client, url=f"/cases/{random.choice(ids.cases)}/")
    visit_form: dict[str, str] = {}

    def get(client: Any, ids: Ids | None = None, url: str = "") -> Any:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
        if ids is not None:
            ids.remember(body(r).decode())
        return r

    def form() -> Any:
        pk = random.choice(seen["v"].cases)
        r = volunteer.get(f"/cases/{pk}/visits/new/")
        version = re.search(rb'name="version" value="(\d+)"', body(r))
        if r.status_code == 200 and version is not None:
            visit_form.update(pk=pk, version=version.group(1).decode())
        return r

    def post() -> Any:
        if not visit_form:
            form()
        today = datetime.datetime.now(datetime.UTC).date()
        pk = visit_form.pop("pk", random.choice(seen["v"].cases))
        r = volunteer.post(f"/cases/{pk}/visits/new/", {
            "version": visit_form.pop("version", "0"),
            "visited_on": f"{today.day}/{today.month}/{today.year + 543}",
            "done": "เยี่ยมบ้าน ให้กำลังใจ"})
        assert r.status_code in (302, 409), (r.status_code, pk)
        return r

    return {
        "/persons/?q=": lambda: get(*either(), url=f"/persons/?q={random.choice(SURNAMES)}"),
        "/persons/[id]/": person,
        "/cases/": lambda: get(*either(), url="/cases/"),
        "/cases/[id]/": case,
        "/ (officer)": lambda: get(officer, seen["o"], "/"),
        "/ (coordinator)": lambda: get(coordinator, seen["c"], "/"),
        "/cases/ (volunteer)": lambda: get(volunteer, seen["v"], "/cases/"),
        "/cases/[id]/visits/new/": form,
        "POST visit": post,
        "/coverage/": lambda: get(analyst, url="/coverage/"),
        "/coverage/public/": lambda: get(analyst, url="/coverage/public/"),
        "GET /report/ (baseline)": lambda: get(signed_in_anonymous(), url="/report/"),
    }


_anonymous: list[Any] = []


def signed_in_anonymous() -> Any:
    from django.test import Client

    if not _anonymous:
        _anonymous.append(Client(HTTP_ACCEPT_ENCODING=ACCEPT_ENCODING))
    return _anonymous[0]


def measure(name: str, request: Callable[[], Any]) -> dict[str, float]:
    from django.db import connection

    queries = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries[0] += 1
        if name == SQL:
            print(f"    {sql[:300]}")
        return execute(sql, params, many, context)

    for _ in range(2):
        request()  # warm: caches, the connection, compiled templates
    profile = cProfile.Profile(time.process_time) if name == PROFILE else None
    db0, cpu0, wall0 = backend_cpu(connection), time.process_time(), time.perf_counter()
    with connection.execute_wrapper(count):
        if profile:
            profile.enable()
        for _ in range(REPEAT):
            request()
        if profile:
            profile.disable()
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    db = backend_cpu(connection) - db0
    if profile:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(60)
        print(out.getvalue())
    return {"web": 1000 * cpu / REPEAT, "db": 1000 * db / REPEAT,
            "wall": 1000 * wall / REPEAT, "queries": queries[0] / REPEAT}


def main() -> None:
    setup()
    print(f"benchmarks.mix_pages: {REPEAT} requests a page, {load()}", flush=True)
    every = pages()
    results: dict[str, dict[str, float]] = {}
    print(f"{'page':<26} {'weight':>6} {'web CPU':>9} {'DB CPU':>8} {'wall':>8} "
          f"{'queries':>8}  load")
    for name, request in every.items():
        if ONLY and name not in ONLY:
            continue
        r = results[name] = measure(name, request)
        print(f"{name:<26} {WEIGHTS.get(name, 0):6.2f} {r['web']:7.1f}ms {r['db']:6.1f}ms "
              f"{r['wall']:6.1f}ms {r['queries']:8.1f}  {load()}", flush=True)
    if ONLY:
        return
    total = sum(WEIGHTS.values())
    mean = {k: sum(WEIGHTS[n] * results[n][k] for n in WEIGHTS) / total
            for k in ("web", "db", "wall", "queries")}
    base = results["GET /report/ (baseline)"]
    print(f"{'the mix (weighted)':<26} {total:6.2f} {mean['web']:7.1f}ms {mean['db']:6.1f}ms "
          f"{mean['wall']:6.1f}ms {mean['queries']:8.1f}  {load()}")
    cpu = mean["web"] + mean["db"]
    print(f"a mix request: {cpu:.1f} ms of CPU (web + db), {cpu / base['web']:.1f}× the "
          f"baseline form page's {base['web']:.1f} ms; ≈ {1000 / cpu:.0f} requests a second "
          f"per core; 10 locust users ask ≈ {total:.1f} a second ({load()})")


if __name__ == "__main__":
    main()
