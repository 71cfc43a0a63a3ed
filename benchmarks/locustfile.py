"""Locust users for ``python -m benchmarks.load`` (issue 21, "speed for a
country"). Four scenarios, chosen by ``LNOB_BENCH_SCENARIO``:

- ``public``: anonymous ``POST /report/``, each user from its own fake client
  address (``X-Forwarded-For``; the server trusts 127.0.0.1 as its proxy), so
  the per-client limit of public reports does not cap the run;
- ``baseline``: anonymous ``GET /report/`` (the form: no database work), the
  same run's baseline of CPU per request;
- ``give``: anonymous ``POST /give/`` (an offer of time in ต.เกาะเต่า), the
  same way (issue 17);
- ``mix``: the signed-in mix — officers searching and opening persons and
  cases, coordinators on the home inbox, volunteers logging visits, the
  analyst on the dashboards.

Every request goes to the ``--host`` given by the driver: loopback only.
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import random
import re
import time
from typing import Any
from urllib.parse import urlencode

import gevent  # type: ignore[import-not-found]
from locust import between, events, task  # type: ignore[import-not-found]
from locust.contrib.fasthttp import FastHttpUser  # type: ignore[import-not-found]

# locust runs this file with the repository as its working folder (benchmarks.load)
from benchmarks import SECONDS, SETTLE, tree_cpu_seconds

PASSWORD = "lnob-demo-2549"  # noqa: S105 — the demo's published password
SCENARIO = os.environ.get("LNOB_BENCH_SCENARIO", "mix")
_client_numbers = itertools.count(1)
SURNAMES = ["ใจดี", "รักถิ่น", "ทะเลงาม", "เอื้ออารี", "ศรีสุข", "บุญมา", "ทองคำ", "แก้วใส"]
LINK = re.compile(r'href="/(persons|cases)/(\d+)/"')


MAX_REQUESTS = int(os.environ.get("LNOB_BENCH_MAX_REQUESTS", "60000"))
_ready = {"users": 0, "requests": 0}
_measure: dict[str, Any] = {}


def snapshot() -> dict[str, float]:
    return {"t": time.monotonic(),
            "web": tree_cpu_seconds(int(os.environ.get("LNOB_BENCH_WEB_PID", "0") or 0)),
            "db": tree_cpu_seconds(int(os.environ.get("LNOB_BENCH_DB_PID", "0") or 0)),
            "worker": tree_cpu_seconds(int(os.environ.get("LNOB_BENCH_WORKER_PID", "0") or 0))}


def ready(user: FastHttpUser) -> None:
    """Signing in (slow password hashing) is not what is measured: the
    figures start once every user has started and, for the signed-in mix,
    ``SETTLE`` seconds more — the requests queued behind the sign-in storm
    (100 password hashes at once, some 30 s of CPU) drained, so that the
    figures are the mix's steady state, not the tail of the storm."""
    _ready["users"] += 1
    runner = user.environment.runner
    if runner is not None and _ready["users"] == runner.target_user_count:
        gevent.spawn_later(SETTLE if SCENARIO == "mix" else 0, _start, user.environment)


def _start(environment: Any) -> None:
    environment.stats.reset_all()
    _measure["start"] = snapshot()
    # Measured for LNOB_BENCH_SECONDS from here, however long signing in
    # took on a loaded machine (the driver's time limit allows for it).
    gevent.spawn_later(SECONDS, environment.runner.quit)


@events.request.add_listener
def _count(**kwargs: Any) -> None:
    _ready["requests"] += 1
    env = _measure.get("environment")
    if _ready["requests"] == MAX_REQUESTS and env is not None and env.runner is not None:
        env.runner.quit()  # bounded in requests as well as in time


@events.init.add_listener
def _init(environment: Any, **kwargs: Any) -> None:
    _measure["environment"] = environment


@events.quitting.add_listener
def _write(environment: Any, **kwargs: Any) -> None:
    out = os.environ.get("LNOB_BENCH_CPU_OUT")
    if out and "start" in _measure:
        end = snapshot()
        start = _measure["start"]
        with open(out, "w") as f:
            json.dump({k: end[k] - start[k] for k in end}, f)


def form_body(fields: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """A form, encoded, with its content type (FastHttpUser sends bytes)."""
    return urlencode(fields, doseq=True), {"Content-Type": "application/x-www-form-urlencoded"}


def csrf_cookie(user: FastHttpUser) -> str:
    return next((c.value or "" for c in user.client.cookiejar if c.name == "csrftoken"), "")


def fake_address() -> str:
    n = next(_client_numbers)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


# Every user, signed in or not, is a FastHttpUser: the load generator shares
# the 2 cores with the server, and geventhttpclient costs it several times
# less CPU a request than requests (HttpUser), which would otherwise be taken
# from the server being measured.
class Signed(FastHttpUser):
    abstract = True
    username = ""
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.address = fake_address()
        self.client.get("/accounts/login/", name="login form", headers=self.headers())
        body, headers = form_body({"username": self.username, "password": PASSWORD,
                                   "csrfmiddlewaretoken": csrf_cookie(self)})
        self.client.post("/accounts/login/", data=body, name="sign in",
                         headers=self.headers(headers | {
                             "Referer": self.host + "/accounts/login/"}))
        self.persons: list[str] = []
        self.cases: list[str] = []
        ready(self)

    def headers(self, more: dict[str, str] | None = None) -> dict[str, str]:
        """This user's client address (one per user, as behind the proxy)."""
        return {"X-Forwarded-For": self.address, **(more or {})}

    def page(self, path: str, name: str, **params: str) -> Any:
        if params:
            path += "?" + urlencode(params)
        return self.client.get(path, name=name, headers=self.headers())

    def remember(self, html: str | None) -> None:
        for kind, pk in LINK.findall(html or ""):
            (self.persons if kind == "persons" else self.cases).append(pk)
        self.persons, self.cases = self.persons[-50:], self.cases[-50:]


class Officer(Signed):
    weight = 4
    username = "officer.surat"

    @task(3)
    def search(self) -> None:
        r = self.page("/persons/", "/persons/?q=", q=random.choice(SURNAMES))
        self.remember(r.text)

    @task(3)
    def person(self) -> None:
        if self.persons:
            self.page(f"/persons/{random.choice(self.persons)}/", "/persons/[id]/")

    @task(2)
    def cases(self) -> None:
        r = self.page("/cases/", "/cases/")
        self.remember(r.text)

    @task(3)
    def case(self) -> None:
        if self.cases:
            self.page(f"/cases/{random.choice(self.cases)}/", "/cases/[id]/")

    @task(1)
    def home(self) -> None:
        self.remember(self.page("/", "/ (officer)").text)


class Coordinator(Officer):
    weight = 3
    username = "coordinator.phangan"

    @task(4)
    def home(self) -> None:
        self.remember(self.page("/", "/ (coordinator)").text)


class Volunteer(Signed):
    weight = 2
    username = "volunteer.kotao"

    @task(2)
    def home(self) -> None:
        self.remember(self.page("/cases/", "/cases/ (volunteer)").text)

    @task(1)
    def visit(self) -> None:
        if not self.cases:
            return
        pk = random.choice(self.cases)
        form = self.page(f"/cases/{pk}/visits/new/", "/cases/[id]/visits/new/")
        version = re.search(r'name="version" value="(\d+)"', form.text or "")
        if form.status_code != 200 or version is None:
            return  # not in care (any more): nothing to log
        today = datetime.datetime.now(datetime.UTC).date()
        body, headers = form_body({
            "csrfmiddlewaretoken": csrf_cookie(self), "version": version.group(1),
            "visited_on": f"{today.day}/{today.month}/{today.year + 543}",
            "done": "เยี่ยมบ้าน ให้กำลังใจ"})
        with self.client.post(f"/cases/{pk}/visits/new/", data=body, name="POST visit",
                              headers=self.headers(headers | {
                                  "Referer": f"{self.host}/cases/{pk}/visits/new/"}),
                              catch_response=True, allow_redirects=False) as r:
            if r.status_code in (302, 409):  # logged, or someone logged first
                r.success()


class Analyst(Signed):
    weight = 1
    username = "analyst"

    @task
    def dashboards(self) -> None:
        self.page("/coverage/", "/coverage/")
        self.page("/coverage/public/", "/coverage/public/")


class PublicReporter(FastHttpUser):
    wait_time = between(0, 0)

    def on_start(self) -> None:
        self.client.get("/report/", name="GET /report/")
        self.token = csrf_cookie(self)
        ready(self)

    @task
    def report(self) -> None:
        body, headers = form_body({
            "csrfmiddlewaretoken": self.token,
            "first_name": "ยายแดง", "last_name": random.choice(SURNAMES),
            "place": "เกาะเต่า เกาะพะงัน", "summary": "อยู่คนเดียว ติดเตียง",
            "urgent_reasons": "alone_bedridden"})
        with self.client.post("/report/", data=body,
                              headers={**headers, "X-Forwarded-For": fake_address(),
                                       "Referer": self.host + "/report/"},
                              allow_redirects=False,
                              catch_response=True, name="POST /report/") as r:
            if r.status_code != 302:
                r.failure(f"status {r.status_code}")


class FormReader(FastHttpUser):
    """The baseline measured in the same run: the public report form (a page
    with no database work), so that a report's CPU can be read as a ratio
    less sensitive to what else the machine runs."""

    wait_time = between(0, 0)

    def on_start(self) -> None:
        ready(self)

    @task
    def form(self) -> None:
        self.client.get("/report/", name="GET /report/ (baseline)")


class PublicGiver(FastHttpUser):
    wait_time = between(0, 0)

    def on_start(self) -> None:
        self.client.get("/give/", name="GET /give/")
        self.token = csrf_cookie(self)
        ready(self)

    @task
    def give(self) -> None:
        body, headers = form_body({
            "csrfmiddlewaretoken": self.token, "kind": "time",
            "place": "เกาะเต่า เกาะพะงัน", "skills": ["visiting", "cooking"],
            "when": "เสาร์-อาทิตย์", "giver_kind": "person",
            "giver_name": "สมใจ " + random.choice(SURNAMES),
            "giver_phone": "0812345678", "consent": "on"})
        with self.client.post("/give/", data=body,
                              headers={**headers, "X-Forwarded-For": fake_address(),
                                       "Referer": self.host + "/give/"},
                              allow_redirects=False,
                              catch_response=True, name="POST /give/") as r:
            if r.status_code != 302:
                r.failure(f"status {r.status_code}")


PUBLIC_SCENARIOS = {"public": PublicReporter, "give": PublicGiver, "baseline": FormReader}
if SCENARIO in PUBLIC_SCENARIOS:
    Officer.weight = Coordinator.weight = Volunteer.weight = Analyst.weight = 0
    del Officer, Coordinator, Volunteer, Analyst
    for _name, _user in PUBLIC_SCENARIOS.items():
        if _name != SCENARIO:
            del globals()[_user.__name__]
    del _name, _user  # locust takes every User class it finds in the module
else:
    del PublicReporter, PublicGiver, FormReader
