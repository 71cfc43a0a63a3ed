"""Runs in the background, by `lnob db_worker` (started by `lnob serve`)."""

from __future__ import annotations

from django_tasks import task


@task()
def evaluate_province(province_code: str) -> None:
    from lnob.welfare.evaluate import evaluate_all

    evaluate_all(province_code=province_code)


@task()
def evaluate_everything() -> None:
    from lnob.welfare.evaluate import evaluate_all

    evaluate_all()
