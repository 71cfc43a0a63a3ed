"""Reads of good stories: the user's areas (every status) and the public site
(published only, and never one whose people withdrew their consent)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from lnob.learning.access import published_stories, stories_visible_to
from lnob.learning.models import Story, StoryPerson
from lnob.learning.redact import name_patterns, redact
from lnob.learning.stories import consent
from lnob.registry.models import Person


def _search(qs: QuerySet[Story], q: str) -> QuerySet[Story]:
    for word in q.split()[:5]:
        qs = qs.filter(Q(title__icontains=word) | Q(summary__icontains=word)
                       | Q(body__icontains=word) | Q(tags__name__icontains=word))
    return qs.distinct()


def story_list(user: Any, *, status: str = "", q: str = "") -> QuerySet[Story]:
    qs = stories_visible_to(user)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = _search(qs, q)
    return qs.order_by("-updated_at", "-id")


@dataclass
class PublicFilters:
    q: str = ""
    province: str = ""
    tag: str = ""


def public_list(filters: PublicFilters) -> QuerySet[Story]:
    qs = published_stories()
    if filters.province:
        qs = qs.filter(province_code=filters.province)
    if filters.tag:
        qs = qs.filter(tags__key=filters.tag.casefold())
    if filters.q:
        qs = _search(qs, filters.q)
    return qs.prefetch_related("tags", "photos").order_by("-published_at", "-id")


def shown_publicly(stories: list[Story]) -> list[Story]:
    """The stories that may be shown now: a person who withdrew their consent
    takes the story off the public site at once. What is shown has IDs, phone
    numbers and the names of the story's people taken out (the instances are
    changed in memory, never saved)."""
    hidden = consent.withdrawn(stories)
    shown = [s for s in stories if s.pk not in hidden]
    for story in shown:
        people = [*story.persons.values_list("pk", flat=True), *(story.named_person_ids or [])]
        patterns = name_patterns(people)
        story.title = redact(story.title, patterns)
        story.summary = redact(story.summary, patterns)
        story.body = redact(story.body, patterns)
    return shown


def public_story(pk: int) -> Story | None:
    story = published_stories().filter(pk=pk).prefetch_related("tags", "photos",
                                                               "networks").first()
    if story is None or not shown_publicly([story]):
        return None
    return story


def linked_persons(story: Story) -> list[Person]:
    ids = StoryPerson.objects.filter(story=story).values_list("person_id", flat=True)
    return list(Person.objects.filter(pk__in=ids).select_related("subdistrict"))


def named_not_linked(story: Story) -> list[Person]:
    linked = set(StoryPerson.objects.filter(story=story).values_list("person_id", flat=True))
    ids = [pid for pid in story.named_person_ids or [] if pid not in linked]
    return list(Person.objects.filter(pk__in=ids))
