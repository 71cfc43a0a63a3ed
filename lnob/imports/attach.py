"""A person seen again: the rows of a file that are persons already registered (or
an earlier row of the same file) add to that person instead of being refused.

What a row adds: fields the person lacks are filled; values that differ from the
person's (another phone, another address, another reporting network) are kept in
the person's history as "reported again", never overwriting; new needs and target
groups join (a need both have keeps the higher severity). The person's open case
gets a "reported again" event, or a new case opens when none is open. A row that
adds nothing the person's record and history do not already hold changes nothing,
so importing the same file twice changes nothing the second time. An addition
that proves wrong is undone like a merge: see docs/import.md."""

from __future__ import annotations

from typing import Any, cast

from django.db import connection
from django.db.models import Field
from django.utils.translation import gettext as _

from lnob.core.bulk import TableWriter
from lnob.core.models import User
from lnob.imports.persons import FIELD_INDEX, PersonRow
from lnob.registry.models import Person, PersonChange, PersonNeed, Sex
from lnob.registry.services import shown_in_history

# Fields filled when the person has none…
FILLED = ("title", "last_name", "sex", "birth_date", "citizen_id", "phone", "village_id",
          "house_number", "address_text")
# … and values that differ from the person's, kept in the history only.
ALSO_REPORTED = ("last_name", "birth_date", "citizen_id", "phone", "subdistrict_id",
                 "village_id", "house_number", "address_text", "source_note")
ACTION = "report_again"
BATCH = 2000


def _empty(name: str, value: Any) -> bool:
    if name == "sex":
        return value in ("", None, Sex.OTHER)
    return value in ("", None)


def attach_rows(rows: list[PersonRow], by_row: dict[int, PersonRow], *, actor: User,
                now: Any, open_cases: bool = True) -> dict[str, Any]:
    """Adds each row to its person (``row.attach_to``, or the person of the earlier
    row ``row.attach_row`` — written already). Inside the import's transaction."""
    from lnob.cases import workflow as wf
    from lnob.cases.models import Case
    from lnob.cases.services import cases_open_bulk, cases_report_again_bulk

    result: dict[str, Any] = {"added": 0, "unchanged": 0, "events": 0, "cases_opened": 0,
                              "persons": []}
    if not rows:
        return result
    for row in rows:  # in file order: an earlier row's person is known
        if row.attach_to is None and row.attach_row is not None:
            earlier = by_row[row.attach_row]
            row.attach_to = earlier.attach_to or earlier.existing_id
    targets = sorted({r.attach_to for r in rows if r.attach_to is not None})
    persons: dict[int, Person] = {}
    for start in range(0, len(targets), 900):
        persons.update(Person.objects.in_bulk(targets[start:start + 900]))
    needs: dict[tuple[int, int], PersonNeed] = {}
    groups: set[tuple[int, int]] = set()
    recorded: set[tuple[int, str, str]] = set()
    through = Person.target_groups.through
    for start in range(0, len(targets), 900):
        chunk = targets[start:start + 900]
        for pn in PersonNeed.objects.filter(person_id__in=chunk):
            needs[(pn.person_id, pn.need_id)] = pn
        groups.update(through.objects.filter(person_id__in=chunk).values_list(
            "person_id", "targetgroup_id"))
        for person_id, changes in PersonChange.objects.filter(
                person_id__in=chunk, action=ACTION).values_list("person_id", "changes"):
            for name, values in (changes or {}).items():
                if isinstance(values, list) and len(values) == 2:
                    recorded.add((person_id, name, str(values[1])))
    changed: dict[int, set[str]] = {}
    history: list[PersonChange] = []
    new_needs: list[PersonNeed] = []
    raised: list[PersonNeed] = []
    new_groups: list[tuple[int, int]] = []
    notes: dict[int, list[str]] = {}
    for row in rows:
        person = persons.get(row.attach_to or 0)
        if person is None:
            continue
        diff = _add_row(row, person, recorded, changed)
        for need, severity in row.needs:
            had = needs.get((person.pk, need))
            if had is None:
                pn = PersonNeed(person_id=person.pk, need_id=need, severity=severity, note="")
                needs[(person.pk, need)] = pn
                new_needs.append(pn)
                diff[f"need_{need}"] = ["", str(severity)]
            else:
                pn = had
            if had is not None and severity > pn.severity:
                diff[f"need_{need}"] = [str(pn.severity), str(severity)]
                pn.severity = severity
                if pn.pk is not None:
                    raised.append(pn)
            if pn.severity > person.severity:
                person.severity = pn.severity
                changed.setdefault(person.pk, set()).add("severity")
        for group in row.target_group_ids:
            if (person.pk, group) not in groups:
                groups.add((person.pk, group))
                new_groups.append((person.pk, group))
                diff[f"target_group_{group}"] = ["", str(group)]
        if not diff:
            result["unchanged"] += 1
            continue
        result["added"] += 1
        source = row.values[FIELD_INDEX["source"]]
        diff["via"] = ["", source]
        history.append(PersonChange(person=person, at=now, actor=actor,
                                    actor_label=actor.get_username(), action=ACTION,
                                    changes=diff))
        changed.setdefault(person.pk, set())
        notes.setdefault(person.pk, []).append(_("Reported again via %(source)s (row %(row)d): "
                                                 "%(what)s") % {
            "source": source, "row": row.row,
            "what": ", ".join(sorted(k for k in diff if k != "via"))})
    for person_id, fields in changed.items():
        person = persons[person_id]
        person.version += 1
        person.updated_at = now
        fields.update({"version", "updated_at"})
    _update_persons([persons[pk] for pk in sorted(changed)],
                    sorted({f for fields in changed.values() for f in fields}))
    PersonChange.objects.bulk_create(history, batch_size=BATCH)
    PersonNeed.objects.bulk_create(new_needs, batch_size=BATCH)
    PersonNeed.objects.bulk_update(raised, ["severity"], batch_size=BATCH)
    TableWriter(through, ["person", "targetgroup"]).write(new_groups)
    # The workflow: a "reported again" event on the open case, or a new case.
    open_case: dict[int, int] = {}
    ids = sorted(notes)
    for start in range(0, len(ids), 900):
        open_case.update({p: c for c, p in Case.objects.filter(
            person_id__in=ids[start:start + 900], status__in=wf.OPEN_STATES).values_list(
            "pk", "person_id")})
    events = [(open_case[p], "\n".join(notes[p]), {"rows": len(notes[p])})
              for p in ids if p in open_case]
    result["events"] = cases_report_again_bulk(actor=actor, events=events, source="import")
    if open_cases:
        without = [persons[p] for p in ids if p not in open_case]
        opened = cases_open_bulk(actor=actor, openings=[(p, wf.REPORTED) for p in without],
                                 source="import", note=_("Reported again by an import."))
        if opened:
            Person.objects.filter(pk__in=[p.pk for p in without]).update(status=wf.REPORTED)
        result["cases_opened"] = len(opened)
    result["persons"] = ids
    return result


def _update_persons(persons: list[Person], fields: list[str]) -> None:
    """One UPDATE per person, all by one executemany (Django's bulk_update builds a
    CASE per field, far slower for thousands of rows)."""
    if not persons:
        return
    meta = Person._meta
    columns = [cast(Field[Any, Any], meta.get_field(f)) for f in fields]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(c.column)} = %s" for c in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {sets} WHERE id = %s"  # noqa: S608 — our names
    params = [[c.get_db_prep_save(getattr(p, c.attname), connection) for c in columns] + [p.pk]
              for p in persons]
    with connection.cursor() as cursor:
        for start in range(0, len(params), BATCH):
            cursor.executemany(sql, params[start:start + BATCH])


def _add_row(row: PersonRow, person: Person, recorded: set[tuple[int, str, str]],
             changed: dict[int, set[str]]) -> dict[str, list[str]]:
    """Fills what the person lacks and notes what differs; returns the history."""
    diff: dict[str, list[str]] = {}
    values = row.fields
    same_place = values["subdistrict_id"] == person.subdistrict_id
    for name in FILLED:
        new = values[name]
        if name == "village_id" and not same_place:
            continue
        if name == "citizen_id" and values["citizen_id_problem"] and person.citizen_id:
            continue
        if _empty(name, getattr(person, name)) and not _empty(name, new):
            setattr(person, name, new)
            fields = changed.setdefault(person.pk, set())
            fields.add(name)
            if name == "birth_date":
                person.birth_year_only = values["birth_year_only"]
                fields.add("birth_year_only")
            if name == "citizen_id":
                person.no_citizen_id_reason = ""
                person.citizen_id_problem = values["citizen_id_problem"]
                fields.update({"no_citizen_id_reason", "citizen_id_problem"})
            diff[name] = ["", shown_in_history(name, new)]
    for name in ALSO_REPORTED:
        new, mine = values[name], getattr(person, name)
        if _empty(name, new) or new == mine or name in diff:
            continue
        shown = shown_in_history(name, new)
        key = f"reported_{name.removesuffix('_id')}"
        if (person.pk, key, shown) in recorded:
            continue
        recorded.add((person.pk, key, shown))
        diff[key] = ["", shown]
    return diff
