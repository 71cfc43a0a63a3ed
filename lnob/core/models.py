from __future__ import annotations

import hashlib
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lnob.core.roles import Role

INTERRUPTED = _("The worker running this stopped (restarted or crashed) before it "
                "finished; nothing of it was kept. Start it again.")


class User(AbstractUser):
    """A person who signs in: officer, coordinator, volunteer, analyst…"""

    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class RoleGrant(models.Model):
    """A role held on an area: the whole country (empty code), a province
    (2 digits), a district (4) or a subdistrict (6). Area codes nest by prefix,
    so "8405" lies inside "84"; that is what every scope check relies on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    area_code = models.CharField(_("area code"), max_length=6, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "area_code"], name="uniq_role_grant"),
        ]
        indexes = [models.Index(fields=["area_code", "role"], name="grant_area_role")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} @ {self.area_code or 'TH'}"

    def covers(self, area_code: str) -> bool:
        return area_code.startswith(self.area_code)


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOGOUT = "logout", _("Signed out")
    PASSWORD_CHANGE = "password_change", _("Changed password")
    VIEW = "view", _("Viewed personal data")
    EXPORT = "export", _("Exported personal data")
    # The rows an export actually sent (its first row says what was asked for).
    EXPORT_SENT = "export_sent", _("Export sent")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    ROLE_GRANT = "role_grant", _("Granted a role")
    ROLE_REVOKE = "role_revoke", _("Revoked a role")
    TOKEN_CREATE = "token_create", _("Created an API token")
    TOKEN_REVOKE = "token_revoke", _("Revoked an API token")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit log is append-only.")

    def delete(self) -> Any:
        raise PermissionError("The audit log is append-only.")


class AuditEvent(models.Model):
    """One row per thing that must be answerable later: who did what to which
    object, when, from where. Written only by ``lnob.core.audit.record``."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("who"),
    )
    # Kept as text too: the log must still say who it was if an account is renamed.
    actor_label = models.CharField(_("who (as then)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    area_code = models.CharField(_("area code"), max_length=8, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects: ClassVar[models.Manager[AuditEvent]] = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            # "Who looked at this person?" is one index range scan.
            models.Index(fields=["object_type", "object_id", "at"], name="audit_object"),
            models.Index(fields=["actor", "at"], name="audit_actor"),
            models.Index(fields=["area_code", "at"], name="audit_area"),
        ]

    def __str__(self) -> str:
        return (f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} "
                f"{self.object_type}:{self.object_id}")

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("The audit log is append-only.")


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its hash is stored; the raw token
    is shown once when it is made."""

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("may"), max_length=5, choices=Scope.choices, default=Scope.READ)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_raw_key() -> str:
        return "lnob_" + secrets.token_urlsafe(32)

    @staticmethod
    def hash_key(raw: str) -> str:
        return _hash_token(raw)


class WorkerBeat(models.Model):
    """A background worker's heartbeat: which process on which host, when it
    last said it was alive, and the task it is running. The reaper reads it to
    tell a job whose worker died from one that is only slow
    (``lnob.core.jobs``)."""

    worker_id = models.CharField(max_length=80, primary_key=True)
    host = models.CharField(max_length=64)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(default=timezone.now, db_index=True)
    task_path = models.CharField(max_length=200, blank=True)
    task_started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.beat_at:%H:%M:%S})"


class AreaRun(models.Model):
    """A background run over a province or the whole country (matching, duplicate
    searches): who started it, how far it is, and its figures when done."""

    # "" = the whole country, else a 2-digit province code.
    scope_code = models.CharField(_("area"), max_length=2, blank=True, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0)  # 0–100, while running
    phase = models.CharField(max_length=40, blank=True)
    figures = models.JSONField(default=dict, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Who runs it (``lnob.core.jobs.current_runner``): a run whose runner died
    # is marked failed by the reaper instead of "running" for ever.
    runner = models.CharField(max_length=80, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @classmethod
    def interrupted_error(cls) -> Any:
        """What the ``error`` field of a run whose worker died holds."""
        from lnob.core.jobs import in_both

        return in_both(INTERRUPTED)

    @property
    def area_code(self) -> str:
        return self.scope_code


class RateCounter(models.Model):
    """How many times a key (a client address, a user) did one thing in one
    window of time: one row per key and window, incremented atomically by
    ``lnob.core.ratelimit`` — never a scan of the hour's events."""

    key = models.CharField(max_length=160)
    window_start = models.BigIntegerField()  # seconds since the epoch
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"],
                                               name="core_ratecounter_key_window")]
        indexes = [models.Index(fields=["window_start"], name="core_ratecounter_window")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start}: {self.count}"


class FollowUp(models.Model):
    """Work a request left for the worker (``lnob.core.followups``): a kind
    (``rollup``, ``dedup``) and a key (a subdistrict code, a person id),
    written in the request's transaction, taken and done in batches by the
    worker a second or two later."""

    kind = models.CharField(max_length=20)
    key = models.CharField(max_length=40)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["kind", "id"], name="core_followup_kind")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"
