"""Good stories (เรื่องเล่าดีๆ): a shared account of good practice, with photos,
written in an area, reviewed by a provincial officer and then published on
the public site. People of the registry named in a story are linked to it,
so that their consent for publication can be checked."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lnob.learning.models.aar import Tag


class StoryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for review")
    REVIEWED = "reviewed", _("Reviewed, ready to publish")
    PUBLISHED = "published", _("Published")


class Story(models.Model):
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    # Plain text: shown with its paragraphs, never as HTML.
    body = models.TextField(_("story"))
    area_code = models.CharField(_("area"), max_length=6, db_index=True)
    province_code = models.CharField(max_length=2, editable=False, db_index=True)
    networks = models.ManyToManyField("networks.Network", blank=True, related_name="+",
                                      verbose_name=_("networks involved"))
    tags = models.ManyToManyField(Tag, blank=True, related_name="stories",
                                  verbose_name=_("tags"))
    persons: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "registry.Person", blank=True, through="StoryPerson", related_name="+",
        verbose_name=_("people in the story"))
    # Registry people whose full name the text mentions (found when it is
    # saved): their consent is checked as for the linked ones.
    named_person_ids = models.JSONField(default=list, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=StoryStatus.choices,
                              default=StoryStatus.DRAFT)
    review_note = models.CharField(_("reviewer's note"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Bumped on every change: a step based on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("good story")
        verbose_name_plural = _("good stories")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["status", "province_code", "-published_at"],
                                name="story_public")]

    def __str__(self) -> str:
        return self.title


class StoryPerson(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="person_links")
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["story", "person"],
                                               name="uniq_story_person")]

    def __str__(self) -> str:
        return f"{self.story_id}/{self.person_id}"


class StoryPhoto(models.Model):
    """A checked photo, re-encoded (so no EXIF, no location) and kept through
    Django's storage API. Served only by a view that checks who may see it."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="stories/%Y/%m/", max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.image.name
