"""Background work for large files, run by `lnob db_worker` (started by `lnob serve`)."""

from __future__ import annotations

import contextlib

from django_tasks import task

from lnob.core.models import User
from lnob.imports.models import ImportJob


@task()
def check_import(job_id: int) -> None:
    from lnob.imports.services import run_check

    run_check(ImportJob.objects.get(pk=job_id))


@task()
def commit_import(job_id: int, user_id: int, skip_invalid: bool,
                  open_cases: bool = True) -> None:
    from lnob.imports.services import ImportJob as Job
    from lnob.imports.services import ImportRefused, import_commit

    job = Job.objects.get(pk=job_id)
    # On refusal the job keeps the reason in `problem`; the page shows it. The
    # rows written so far reach the page while the transaction is open
    # (services.LiveProgress).
    with contextlib.suppress(ImportRefused):
        import_commit(actor=User.objects.get(pk=user_id), job=job, skip_invalid=skip_invalid,
                      open_cases=open_cases)
