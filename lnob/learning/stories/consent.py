"""People of the registry in a story: who is named in its text, and whose
recorded consent allows publication. A person appears in a published story
only with a current consent (their latest) that is "given" and includes the
publication purpose."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from lnob.registry.models import Consent, ConsentPurpose, ConsentStatus, Person

# Surnames longer than this are not looked for (no real one is).
MAX_SURNAME = 60


def find_named(text: str, people: Iterable[tuple[int, str, str]]) -> set[int]:
    """Ids of the people (id, first name, surname) whose "first last" appears
    in ``text``. Thai runs words together, so the first name is matched at the
    end of the word before a space ("นางสมศรี") and the surname at the start
    of the word after it ("ใจดีช่วย…"). Only full names are looked for: a first
    name alone is far too common to mean anyone."""
    by_surname: dict[str, list[tuple[str, int]]] = {}
    for pid, first, last in people:
        first, last = first.strip().casefold(), last.strip().casefold()
        if first and last and " " not in last and len(last) <= MAX_SURNAME:
            by_surname.setdefault(last, []).append((first, pid))
    if not by_surname:
        return set()
    longest = max(len(k) for k in by_surname)
    words = text.casefold().split()
    found: set[int] = set()
    for before, after in zip(words, words[1:], strict=False):
        for length in range(1, min(len(after), longest) + 1):
            for first, pid in by_surname.get(after[:length], ()):
                if before.endswith(first):
                    found.add(pid)
    return found


def named_in(text: str, persons: Any) -> list[int]:
    """The people of ``persons`` (a queryset) named in ``text``, by id."""
    rows = persons.exclude(last_name="").values_list("id", "first_name", "last_name")
    return sorted(find_named(text, rows.iterator(chunk_size=5000)))


def publication_allowed(person_ids: Iterable[int]) -> dict[int, bool]:
    """{person id: whether their latest consent allows publication}."""
    ids = set(person_ids)
    allowed = dict.fromkeys(ids, False)
    seen: set[int] = set()
    for consent in Consent.objects.filter(person_id__in=ids).order_by(
            "person_id", "-recorded_at", "-id").only("person_id", "status", "purposes"):
        if consent.person_id in seen:
            continue
        seen.add(consent.person_id)
        allowed[consent.person_id] = (consent.status == ConsentStatus.GIVEN
                                      and ConsentPurpose.PUBLICATION in (consent.purposes or []))
    return allowed


@dataclass(frozen=True)
class ConsentProblem:
    person: Person
    linked: bool  # linked to the story (else only named in its text)

    @property
    def message(self) -> str:
        if self.linked:
            return _("%(name)s has no recorded consent for publication.") % {
                "name": self.person.full_name}
        return _("The text names %(name)s, a person of the registry without a recorded "
                 "consent for publication: remove the name, or record their consent.") % {
            "name": self.person.full_name}


def problems(linked_ids: Iterable[int], named_ids: Iterable[int]) -> list[ConsentProblem]:
    linked, named = set(linked_ids), set(named_ids)
    allowed = publication_allowed(linked | named)
    missing = [pid for pid, ok in allowed.items() if not ok]
    persons = Person.objects.in_bulk(missing)
    return [ConsentProblem(persons[pid], pid in linked)
            for pid in sorted(missing, key=lambda p: (p not in linked, p)) if pid in persons]


def withdrawn(stories: Iterable[Any]) -> set[int]:
    """Ids of the stories (with ``person_links`` prefetched or not) that name
    or link someone who no longer allows publication: hidden from the public
    at once, whatever their status says."""
    stories = list(stories)
    people: dict[int, set[int]] = {}
    from lnob.learning.models import StoryPerson

    for story_id, person_id in StoryPerson.objects.filter(
            story_id__in=[s.pk for s in stories]).values_list("story_id", "person_id"):
        people.setdefault(story_id, set()).add(person_id)
    for s in stories:
        people.setdefault(s.pk, set()).update(s.named_person_ids or [])
    allowed = publication_allowed(set().union(*people.values()) if people else set())
    return {sid for sid, ids in people.items() if any(not allowed.get(p, False) for p in ids)}
