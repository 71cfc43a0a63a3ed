"""``python -m benchmarks.hosts``: several hosts for real, on one machine —
a PostgreSQL 15 primary (fsync on) with a streaming hot standby
(``pg_basebackup -R``), and two app hosts (two ``lnob serve``, each with its
web server and task worker, on two loopback ports) over that one database,
``LNOB_REPLICA_URL`` pointing at the standby, the uploads in one shared media
folder (host B's ``media`` is host A's), ``SECRET_KEY`` from the environment.

It checks, and exits non-zero when one fails:

1. a session made by signing in on host A is valid on host B;
2. ``LNOB_BENCH_REPORTS`` (12) official reports queued from host A are
   each made exactly once by the two hosts' workers (one PDF, one
   "generated" audit row each), and every PDF opens on both hosts;
3. a person registered on host A is in host B's export (read from the
   standby, once replayed) and on host B's person page (the primary);
4. with the standby stopped, host B's export still answers 200 (it reads
   the primary) and says so in its log.

Not in the test suite: starting the clusters and two servers takes a minute
or more on the shared machine (``make bench``). Load average beside the figures.
"""

from __future__ import annotations

import csv
import http.cookiejar
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from benchmarks.faults import LNOB, Cluster, Server, until
from lnob.testing.postgres import Standby

REPORTS = int(os.environ.get("LNOB_BENCH_REPORTS", "12"))
PASSWORD = "two-hosts-2549"  # noqa: S105 — a throwaway benchmark account
failures: list[str] = []


def check(ok: bool, what: str) -> None:
    print(f"   {'ok  ' if ok else 'FAIL'} {what}")
    if not ok:
        failures.append(what)


def shell(env: dict[str, str], code: str) -> str:
    run = subprocess.run([LNOB, "shell", "-c", code], env=env, capture_output=True,  # noqa: S603
                         text=True, check=False, timeout=300)
    if run.returncode != 0:
        raise SystemExit(f"lnob shell failed: {run.stderr[-2000:]}")
    lines = run.stdout.strip().splitlines()
    return lines[-1] if lines else ""  # the code's own last line (Django may print a note)


class Browser:
    """One person's cookies (a cookie is for 127.0.0.1 whatever the port:
    the same session goes to both hosts, as behind one load balancer)."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, port: int, path: str) -> tuple[int, str, bytes]:
        try:
            with self.opener.open(f"http://127.0.0.1:{port}{path}", timeout=60) as r:
                return r.status, r.geturl(), r.read()
        except urllib.error.HTTPError as err:
            return err.code, err.geturl(), err.read()

    def sign_in(self, port: int, username: str) -> int:
        self.get(port, "/accounts/login/")
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        data = urllib.parse.urlencode({"username": username, "password": PASSWORD,
                                       "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/accounts/login/", data=data,
                                         headers={"Referer": f"http://127.0.0.1:{port}/"})
        with self.opener.open(request, timeout=60) as r:
            return r.status


def main() -> None:
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="lnob-hosts-") as tmp:
        folder = Path(tmp)
        os.chmod(folder, 0o755)  # noqa: S103 — the postgres user reaches its cluster
        cluster = Cluster(folder / "pg")
        standby = None
        servers: list[Server] = []
        try:
            start = time.monotonic()
            standby = Standby(cluster.url)
            print(f"primary on :{cluster.port}, standby on :{standby.port} "
                  f"(copied and started in {standby.seconds:.1f} s)")
            base = {k: v for k, v in os.environ.items()
                    if not k.startswith(("LNOB_", "DATABASE_URL", "SECRET_KEY"))}
            base.update(DATABASE_URL=cluster.url, LNOB_REPLICA_URL=standby.url("lnob"),
                        LNOB_PLAIN_STATIC="1", LNOB_WORKER_STALE_SECONDS="15",
                        LNOB_REPLICA_RETRY_SECONDS="5",
                        SECRET_KEY="two-hosts-" + "k3y-" * 12)  # the same on every host
            var_a, var_b = folder / "host-a", folder / "host-b"
            (var_a / "media").mkdir(parents=True)
            var_b.mkdir()
            (var_b / "media").symlink_to(var_a / "media")  # the shared volume
            env_a = {**base, "LNOB_VAR_DIR": str(var_a)}
            env_b = {**base, "LNOB_VAR_DIR": str(var_b)}
            subprocess.run([LNOB, "migrate", "-v0"], env=env_a, check=True)  # noqa: S603
            shell(env_a, "from django.contrib.auth.hashers import make_password; "
                  "from lnob.core.models import User; from lnob.core.roles import Role; "
                  "from lnob.core.services import role_grant; "
                  f"u = User.objects.create(username='officer84', "
                  f"password=make_password('{PASSWORD}')); "
                  "role_grant(actor=None, user=u, role=Role.PROVINCIAL_OFFICER, area_code='84')")
            print(f"database migrated in {time.monotonic() - start:.1f} s")
            start = time.monotonic()
            servers = [Server(env_a, folder / "serve-a.log"), Server(env_b, folder / "serve-b.log")]
            a, b = servers[0].port, servers[1].port
            print(f"two lnob serve up on :{a} and :{b} in {time.monotonic() - start:.1f} s")

            print("1. sessions across hosts (SECRET_KEY from the environment, sessions in "
                  "the database)")
            browser = Browser()
            browser.sign_in(a, "officer84")
            status, url, _ = browser.get(b, "/persons/")
            check(status == 200 and "/accounts/login/" not in url,
                  f"signed in on A, host B serves the person list ({status}, {url})")

            print(f"2. {REPORTS} official reports queued on A, made by both hosts' workers")
            ids = shell(env_a, "import datetime; from lnob.core.models import User; "
                        "from lnob.learning.reports.services import ReportData, report_request; "
                        "from lnob.learning.tasks import generate_report; "
                        "u = User.objects.get(username='officer84'); ids = []\n"
                        f"for i in range({REPORTS}):\n"
                        "    r = report_request(actor=u, data=ReportData(kind='province', "
                        "area_code='84', period_start=datetime.date(2026, 1, 1) + "
                        "datetime.timedelta(days=i), period_end=datetime.date(2026, 3, 31)))\n"
                        "    generate_report.enqueue(r.pk); ids.append(r.pk)\n"
                        "print(' '.join(map(str, ids)))").split()
            start = time.monotonic()
            done_code = ("from lnob.learning.models import Report; "
                         "print(Report.objects.filter(status='done').count(), "
                         "Report.objects.filter(status='failed').count())")
            until(lambda: sum(map(int, shell(env_b, done_code).split())) == REPORTS, 600)
            made = time.monotonic() - start
            counts = shell(env_b, "import collections, json; from lnob.core.models import "
                           "AuditEvent; from django_tasks_db.models import DBTaskResult; "
                           "g = collections.Counter(e.object_id for e in AuditEvent.objects"
                           ".filter(object_type__endswith='report', detail__generated=True)); "
                           "w = collections.Counter(r.worker_ids[-1] if r.worker_ids else '?' "
                           "for r in DBTaskResult.objects.all()); "
                           "print(json.dumps([sorted(g.values()), len(g), dict(w)]))")
            generated, distinct, by_worker = json.loads(counts)
            failed = int(shell(env_b, done_code).split()[1])
            check(failed == 0 and distinct == REPORTS and set(generated) == {1},
                  f"each report made exactly once ({distinct} reports, 'generated' audit rows "
                  f"per report {sorted(set(generated))}, {failed} failed) in {made:.1f} s")
            print(f"   tasks per worker: {by_worker}")
            opened = [browser.get(port, f"/learning/reports/{pk}/pdf/")
                      for pk in ids for port in (a, b)]
            check(all(s == 200 and body.startswith(b"%PDF") for s, _, body in opened),
                  f"all {len(ids)} PDFs open on both hosts (shared media folder)")

            print("3. a person registered on A: on B's export (standby) and page (primary)")
            pk = shell(env_a, "from lnob.core.models import User; "
                       "from lnob.registry.services import ConsentData, PersonData, "
                       "person_create; u = User.objects.get(username='officer84'); "
                       "p = person_create(actor=u, data=PersonData(first_name='สองโฮสต์', "
                       "last_name='ทดสอบ', title='นาย', sex='M', subdistrict_code='840503', "
                       "source='network', citizen_id='1101700203441'), consent=ConsentData("
                       "status='given', lawful_basis='consent', purposes=['care'])); print(p.pk)")
            status, _, page = browser.get(b, f"/persons/{pk}/")
            check(status == 200 and "สองโฮสต์" in page.decode(), "host B's person page shows "
                  "the person at once (the primary)")
            start = time.monotonic()

            def exported() -> bool:
                status, _, body = browser.get(b, "/persons/export.csv")
                rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
                return status == 200 and any("สองโฮสต์" in row for row in rows)

            lag = until(exported, 30)
            check(True, f"host B's export (the standby) has the person {lag:.2f} s after it "
                  "was saved")
            sent = standby.sql("SELECT count(*) FROM pg_stat_activity WHERE datname = 'lnob' "
                               "AND backend_type = 'client backend'", "lnob")
            print(f"   client connections on the standby: {sent}")

            print("4. the standby stopped")
            standby.stop()
            start = time.monotonic()
            status, _, body = browser.get(b, "/persons/export.csv")
            seconds = time.monotonic() - start
            check(status == 200 and "สองโฮสต์" in body.decode("utf-8-sig"),
                  f"host B's export answers {status} from the primary ({seconds:.2f} s)")
            time.sleep(0.5)
            said = len(re.findall("Replica database unreachable",
                                  (folder / "serve-b.log").read_text()))
            check(said >= 1, f"host B's log says it reads the primary ({said} warning(s))")
            status, _, _ = browser.get(a, "/coverage/84/")
            check(status == 200, f"host A's area page answers {status} too")
        finally:
            for server in servers:
                server.stop()
            if standby is not None:
                standby.remove()
            cluster.stop()
    print(f"load average before the run {load}; after "
          f"{' / '.join(f'{x:.2f}' for x in os.getloadavg())} (2 shared cores)")
    if failures:
        print(f"{len(failures)} check(s) failed")
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
