"""Every write to a good story goes through here: writing and changing it,
its photos, and its steps (submit → review → publish, return, unpublish).
Each service checks the actor's role and area and the story's status, writes
nothing if anything is wrong, and audits the change. Publishing is refused
while a person linked to the story or named in its text has no recorded
consent for publication."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lnob.core import audit
from lnob.core.errors import Conflict, NotAllowed
from lnob.core.models import AuditAction, User
from lnob.learning import common
from lnob.learning.access import may_review_story, may_write_story
from lnob.learning.common import Errors, add, raise_if
from lnob.learning.models import Story, StoryPerson, StoryPhoto
from lnob.learning.stories import consent, workflow
from lnob.learning.stories.photos import PhotoRefused, check_size, clean_photo
from lnob.networks.models import Network
from lnob.registry.access import persons_visible_to

MAX_TITLE = 200
MAX_SUMMARY = 300
MAX_BODY = 20_000
MAX_PHOTOS = 12
MAX_CAPTION = 200
MAX_NOTE = 500


class StoryChanged(Conflict):
    """The story changed after the actor read it: reload."""

    default_field = "version"
    default_message = gettext_lazy(
        "The story changed since you read it, so nothing was saved: fetch it again and retry.")


@dataclass
class StoryData:
    title: str = ""
    summary: str = ""
    body: str = ""
    area_code: str = ""
    network_ids: Iterable[int] = field(default_factory=list)
    tags: Any = None  # "a, b" or a list
    person_ids: Iterable[int] = field(default_factory=list)


@dataclass
class _Clean:
    fields: dict[str, Any]
    networks: list[Network]
    tags: list[str]
    person_ids: list[int]


def _validate(actor: User, data: StoryData) -> _Clean:
    errors: Errors = {}
    fields: dict[str, Any] = {
        "title": common.text(errors, "title", data.title, MAX_TITLE, _("Title"), required=True),
        "summary": common.text(errors, "summary", data.summary, MAX_SUMMARY, _("Summary")),
        "body": common.text(errors, "body", data.body, MAX_BODY, _("Story"), required=True),
    }
    found = common.area(errors, "area_code", data.area_code)
    if found is not None and not may_write_story(actor, found.code):
        add(errors, "area_code", _("%(name)s is outside the areas you work in.") % {
            "name": found.name})
        found = None
    province = found.code[:2] if found else ""
    if found is not None:
        fields.update(area_code=found.code, province_code=province)
    network_ids = sorted({int(i) for i in data.network_ids})
    networks = list(Network.objects.filter(pk__in=network_ids, province_code=province))
    if province and len(networks) != len(network_ids):
        add(errors, "network_ids", _("Choose networks of the story's province."))
    person_ids = sorted({int(i) for i in data.person_ids})
    if person_ids:
        visible = set(persons_visible_to(actor).filter(
            pk__in=person_ids, province_code=province).values_list("pk", flat=True))
        unknown = [str(i) for i in person_ids if i not in visible]
        if unknown:
            add(errors, "person_ids", _("Person %(ids)s is not one you can see in the story's "
                                        "province.") % {"ids": ", ".join(unknown)})
    tags = common.tag_names(errors, "tags", data.tags)
    raise_if(errors)
    return _Clean(fields, networks, tags, person_ids)


def _named(actor: User, story: Story) -> list[int]:
    """Registry people of the story's province that the actor may see, named
    in its title, summary or text."""
    persons = persons_visible_to(actor).filter(province_code=story.province_code)
    return consent.named_in(f"{story.title}\n{story.summary}\n{story.body}", persons)


def _links(actor: User, story: Story, clean: _Clean) -> None:
    story.networks.set(clean.networks)
    story.tags.set(common.tags_for(clean.tags))
    StoryPerson.objects.filter(story=story).exclude(person_id__in=clean.person_ids).delete()
    have = set(StoryPerson.objects.filter(story=story).values_list("person_id", flat=True))
    StoryPerson.objects.bulk_create([StoryPerson(story=story, person_id=pid, added_by=actor)
                                     for pid in clean.person_ids if pid not in have])


@transaction.atomic
def story_create(*, actor: User, data: StoryData, request: HttpRequest | None = None) -> Story:
    clean = _validate(actor, data)
    story = Story(**clean.fields, created_by=actor)
    story.named_person_ids = _named(actor, story)
    story.save()
    _links(actor, story, clean)
    audit.record(AuditAction.CREATE, actor=actor, request=request, obj=story,
                 area_code=story.area_code, detail={"persons": clean.person_ids,
                                                    "named": story.named_person_ids})
    return story


def _bump(story: Story, expected_version: int | None, **changes: Any) -> None:
    """A conditional UPDATE: refused when someone changed the story since the
    actor read it."""
    qs = Story.objects.filter(pk=story.pk)
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    changes.update(version=story.version + 1, updated_at=timezone.now())
    if not qs.filter(version=story.version).update(**changes):
        raise StoryChanged
    for name, value in changes.items():
        setattr(story, name, value)


@transaction.atomic
def story_update(*, actor: User, story: Story, data: StoryData,
                 expected_version: int | None = None,
                 request: HttpRequest | None = None) -> Story:
    if not may_write_story(actor, story.area_code):
        raise NotAllowed("not_story_writer", _("Your role cannot change this story."))
    if story.status not in workflow.EDITABLE:
        raise ValidationError({"status": _("Only a draft can be changed: return the story to "
                                           "draft first.")})
    clean = _validate(actor, data)
    draft = Story(**clean.fields)
    _bump(story, expected_version, **clean.fields, named_person_ids=_named(actor, draft))
    _links(actor, story, clean)
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=story,
                 area_code=story.area_code, detail={"persons": clean.person_ids,
                                                    "named": story.named_person_ids})
    return story


def consent_problems(story: Story) -> list[consent.ConsentProblem]:
    linked = StoryPerson.objects.filter(story=story).values_list("person_id", flat=True)
    return consent.problems(linked, story.named_person_ids or [])


@transaction.atomic
def story_step(*, actor: User, story: Story, action: str, note: str = "",
               expected_version: int | None = None,
               request: HttpRequest | None = None) -> Story:
    writer = may_write_story(actor, story.area_code)
    reviewer = may_review_story(actor, story)
    if not (writer or reviewer):
        raise NotAllowed("not_story_writer", _("Your role cannot take this step."))
    errors: Errors = {}
    target = workflow.target_of(action, story.status, writer=writer, reviewer=reviewer)
    if target is None:
        add(errors, "action", _("This step is not possible now: the story is %(status)s.") % {
            "status": story.get_status_display()})
    clean_note = common.text(errors, "note", note, MAX_NOTE, _("Note"),
                             required=action in workflow.NOTE_REQUIRED)
    if action in ("review", "publish") and target is not None:
        # Look again: the registry (and the reviewer's view of it) may have changed.
        named = _named(actor, story)
        if named != list(story.named_person_ids or []):
            Story.objects.filter(pk=story.pk).update(named_person_ids=named)
            story.named_person_ids = named
        if action == "publish":
            for problem in consent_problems(story):
                add(errors, "persons", problem.message)
    if errors or target is None:
        raise ValidationError(errors)
    now = timezone.now()
    changes: dict[str, Any] = {"status": target}
    if action == "review":
        changes.update(reviewed_by=actor, reviewed_at=now)
    elif action == "publish":
        changes.update(published_by=actor, published_at=now)
    if clean_note or action in workflow.NOTE_REQUIRED:
        changes["review_note"] = clean_note
    _bump(story, expected_version, **changes)
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=story,
                 area_code=story.area_code, detail={"step": action, "to": target})
    return story


@transaction.atomic
def photo_add(*, actor: User, story: Story, upload: Any, caption: str = "",
              request: HttpRequest | None = None) -> StoryPhoto:
    if not may_write_story(actor, story.area_code):
        raise NotAllowed("not_story_writer", _("Your role cannot change this story."))
    errors: Errors = {}
    if story.status not in workflow.EDITABLE:
        add(errors, "photo", _("Only a draft can be changed: return the story to draft first."))
    elif story.photos.count() >= MAX_PHOTOS:
        add(errors, "photo", _("At most %(max)d photos per story.") % {"max": MAX_PHOTOS})
    clean_caption = common.text(errors, "caption", caption, MAX_CAPTION, _("Caption"))
    raise_if(errors)
    try:
        check_size(getattr(upload, "size", None))
        photo = clean_photo(upload.read())
    except PhotoRefused as exc:
        raise ValidationError({"photo": [str(exc)]}) from exc
    row = StoryPhoto(story=story, width=photo.width, height=photo.height,
                     size=len(photo.content), caption=clean_caption, uploaded_by=actor)
    row.image.save(f"{secrets.token_hex(16)}.jpg", ContentFile(photo.content), save=False)
    try:  # if the row cannot be written, the stored file goes too
        row.save()
        audit.record(AuditAction.CREATE, actor=actor, request=request, obj=row,
                     area_code=story.area_code, detail={"story": story.pk, "bytes": row.size})
    except Exception:
        row.image.delete(save=False)
        raise
    return row


@transaction.atomic
def photo_remove(*, actor: User, photo: StoryPhoto, request: HttpRequest | None = None) -> None:
    story = photo.story
    if not may_write_story(actor, story.area_code):
        raise NotAllowed("not_story_writer", _("Your role cannot change this story."))
    if story.status not in workflow.EDITABLE:
        raise ValidationError({"photo": _("Only a draft can be changed: return the story to "
                                          "draft first.")})
    name = photo.image.name
    audit.record(AuditAction.DELETE, actor=actor, request=request, obj=photo,
                 area_code=story.area_code, detail={"story": story.pk})
    photo.delete()
    storage = photo.image.storage
    transaction.on_commit(lambda: storage.delete(name))



@transaction.atomic
def story_people_forget(*, person_id: int) -> int:
    """Erasure of a person (lnob.privacy): their links to stories go; a published
    story that named them is taken off the public site (back to draft) so that
    its writer can rewrite it. Returns how many stories were touched."""
    from lnob.learning.models import Story, StoryPerson

    linked = set(StoryPerson.objects.filter(person_id=person_id)
                 .values_list("story_id", flat=True))
    named = {s.pk for s in Story.objects.exclude(named_person_ids=[])
             if person_id in (s.named_person_ids or [])}
    StoryPerson.objects.filter(person_id=person_id).delete()
    touched = linked | named
    Story.objects.filter(pk__in=touched, status="published").update(status="draft",
                                                                     published_at=None)
    return len(touched)


def story_people_reassign(*, kept_id: int, merged_id: int) -> list[int]:
    """Two records of one person merged (``dedup.merge``): the stories that
    name the merged record name the kept one (a story naming both keeps its
    link to the kept record). Returns the links moved, for an undo."""
    shared = StoryPerson.objects.filter(person_id=kept_id).values("story_id")
    moved = list(StoryPerson.objects.filter(person_id=merged_id).exclude(
        story_id__in=shared).values_list("pk", flat=True))
    StoryPerson.objects.filter(pk__in=moved).update(person_id=kept_id)
    return moved


def story_people_restore(*, moved: list[int], merged_id: int) -> None:
    """Undoes :func:`story_people_reassign`."""
    StoryPerson.objects.filter(pk__in=moved).update(person_id=merged_id)
