"""Per-user quotas on heavy work, so that one account (or a stolen session)
cannot fill the task queue: one waiting or running run per kind and area, and
a number of runs and uploads per hour per user."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from lnob.core import ratelimit

RUNS = ratelimit.Limit("runs", 20, 3600)
UPLOADS = ratelimit.Limit("uploads", 30, 3600)
ACTIVE = ("queued", "running")


def check_run_start(*, actor: Any, model: type[Model], scope_code: str) -> None:
    """Refuses (ValidationError on ``scope_code``) a run of an area that already
    has one waiting or running, and a user past :data:`RUNS` an hour."""
    if model._default_manager.filter(scope_code=scope_code, status__in=ACTIVE).exists():
        raise ValidationError({"scope_code": _(
            "A run for this area is already waiting or running. Open it and wait for it "
            "to finish before starting another.")})
    if actor is not None and not ratelimit.hit(RUNS, f"user:{actor.pk}"):
        raise ValidationError({"scope_code": _(
            "You started many runs in the last hour. Wait a while before starting another.")})


def check_upload(*, actor: Any) -> None:
    """Refuses a user past :data:`UPLOADS` files an hour (ValidationError on ``file``)."""
    if actor is not None and not ratelimit.hit(UPLOADS, f"user:{actor.pk}"):
        raise ValidationError({"file": _(
            "You uploaded many files in the last hour. Wait a while before uploading "
            "another.")})
