"""``python -m benchmarks.offline``: what the phone's key costs the server, and
what the phone downloads to work offline (docs/offline.md).

Over the API with a token, on one volunteer's LNOB_BENCH_OFFLINE_CASES cases
(default 200, the most ``/cases/mine`` answers):
- a visit sent with its key (``client_key``), against the same visit without
  one (the baseline, measured in the same run);
- the same key sent again (the replay a phone makes after a lost answer);
- ``GET /api/v1/cases/mine``: time and size, and the seconds it takes on
  Chrome's "Slow 3G" (400 kbit/s, 2 s latency) as arithmetic, not a browser.
SQLite in a temporary folder; PostgreSQL under ``scripts/with-postgres.sh``.
The end-to-end figure (a visit logged offline on the server after the network
returns) is measured in Chromium by lnob/cases/tests/test_offline_browser.py."""

from __future__ import annotations

import json
import os
import statistics
import time
import uuid

from benchmarks import django_for_benchmark

CASES = int(os.environ.get("LNOB_BENCH_OFFLINE_CASES", "200"))


def _load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    os.environ.update({"ALLOWED_HOSTS": "testserver", "LNOB_PLAIN_STATIC": "1"})
    tmp = django_for_benchmark("lnob-bench-offline-")
    (tmp / "static").mkdir(exist_ok=True)  # whitenoise looks for it at the first request
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from lnob.cases.models import Case, Visit
    from lnob.cases.services import case_open, case_step
    from lnob.core.models import User
    from lnob.core.roles import Role
    from lnob.core.services import api_token_create, role_grant
    from lnob.geo.models import Subdistrict
    from lnob.networks.models import Network, PartnerType, Volunteer
    from lnob.registry.models import Need
    from lnob.registry.services import PersonData, person_create

    officer = User.objects.create(username="bench.officer")
    role_grant(actor=None, user=officer, role=Role.PROVINCIAL_OFFICER, area_code="84")
    carer = User.objects.create(username="bench.volunteer")
    role_grant(actor=None, user=carer, role=Role.VOLUNTEER, area_code="840503")
    kotao = Subdistrict.objects.get(code="840503")
    network = Network.objects.create(name="bench", partner_type=PartnerType.COMMUNITY,
                                     province_code="84", capacity=CASES * 2)
    network.subdistricts.add(kotao)
    volunteer = Volunteer.objects.create(first_name="bench", province_code="84",
                                         network=network, user=carer, capacity=CASES * 2)
    volunteer.subdistricts.add(kotao)
    need = Need.objects.get(code="health", province_code="")
    start = time.perf_counter()
    for i in range(CASES):
        person = person_create(actor=officer, data=PersonData(
            first_name=f"คนที่{i}", last_name="ทดสอบ", subdistrict_code="840503",
            source="network", no_citizen_id_reason="unknown", needs={need.pk: 2}))
        case = case_open(actor=officer, person=person)
        case = case_step(actor=officer, case=case, action="verify",
                         expected_version=case.version)
        case_step(actor=officer, case=case, action="assign", expected_version=case.version,
                  volunteer_id=volunteer.pk)
    made = time.perf_counter() - start
    _token, raw = api_token_create(actor=carer, name="bench", scope="write")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    today = timezone.localdate().isoformat()
    cases = list(Case.objects.order_by("pk"))
    half = len(cases) // 2

    def send(case: Case, key: str | None) -> float:
        body = {"visited_on": today, "done": "เยี่ยม", "version": case.version,
                "needs": {str(need.pk): "better"}}
        if key:
            body["client_key"] = key
        t = time.perf_counter()
        answer = client.post(f"/api/v1/cases/{case.pk}/visits", json.dumps(body),
                             content_type="application/json")
        took = time.perf_counter() - t
        assert answer.status_code in (200, 201), answer.content
        return took

    print(f"LNOB offline benchmark — {connection.vendor}; load {_load()} "
          f"(2 cores shared with other work: figures are noisy)")
    print(f"  {CASES} assigned cases made in {made:.1f} s")
    client.get("/api/v1/me")  # warm up: the first request loads the URLconf and the API
    keys = [str(uuid.uuid4()) for _ in cases[half:]]
    plain, keyed = [], []
    for i in range(half):  # interleaved, so the machine's load drifts on both alike
        plain.append(send(cases[i], None))
        keyed.append(send(cases[half + i], keys[i]))
    replay = [send(c, k) for c, k in zip(cases[half:], keys, strict=True)]
    assert Visit.objects.count() == len(cases)  # the replays recorded nothing
    base = statistics.median(plain)
    for label, values in (("visit without a key (baseline)", plain),
                          ("visit with its key", keyed), ("the same key again (replay)", replay)):
        med = statistics.median(values)
        print(f"  {label:32s} median {med * 1000:6.1f} ms  ×{med / base:4.2f}  "
              f"(n={len(values)}, load {_load()})")
    Visit.objects.all().delete()
    times, size = [], 0
    for _ in range(10):
        t = time.perf_counter()
        mine = client.get("/api/v1/cases/mine")
        times.append(time.perf_counter() - t)
        size = len(mine.content)
    people = len(mine.json()["people"])
    slow3g = 2.0 + size * 8 / 400_000
    print(f"  GET /cases/mine: {people} people, {size / 1024:.1f} KB uncompressed, "
          f"median {statistics.median(times) * 1000:.1f} ms on the server ×"
          f"{statistics.median(times) / base:.2f} of a visit; on Slow 3G about {slow3g:.1f} s "
          f"(load {_load()})")


if __name__ == "__main__":
    main()
