"""How many web workers ``lnob serve`` starts (and ``benchmarks.load``
measures): no Django here, so the benchmark's driver can ask too."""

from __future__ import annotations

import os


def default_web_workers() -> int:
    """``WEB_CONCURRENCY``, else one synchronous worker a core and one more
    for the time a worker waits on PostgreSQL — at most 9, so a laptop keeps
    its memory. On a host that also runs PostgreSQL (the one-command case)
    more workers only take turns on the cores: 2 × cores + 1 cost 10–25 %
    more CPU a signed-in request than cores + 1 on 2 cores, the public
    reports being as fast (issue 21, decision 0041)."""
    return int(os.environ.get("WEB_CONCURRENCY", str(min((os.cpu_count() or 1) + 1, 9))))
