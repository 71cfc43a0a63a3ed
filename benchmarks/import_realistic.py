"""Issue 14: does a realistic provincial file reach the registry whole?

A synthetic province file shaped like the lists provinces send (generated here, with
its own seed; nothing is tuned to a file not seen): people reported by several
networks (some twice or three times, the repeat with or without the citizen ID, with
another phone, other needs, sometimes a name spelt differently), ID typos (a digit
changed, a digit missing), village numbers not yet recorded (only some subdistricts
have their villages), and every kind of error (no name, no subdistrict, a date that
cannot exist, a birth date in the future, unknown codes).

Reports rows in / persons created / persons added to / kept for review / warnings /
errors, and against the truth the generator knows: persons lost (a real person with
at least one usable row who is not in the registry afterwards: goal 0), persons
split over several records, and rows attached to the wrong person. Then the same file
is imported again (goal: nothing changes), and the import's time is compared with a
plain load of the same checked rows into the same tables (decision 0006), with the
load average beside each timing.

    python -m benchmarks.import_realistic            # SQLite in a temporary folder
    scripts/with-postgres.sh .venv/bin/python -m benchmarks.import_realistic
    LNOB_BENCH_PEOPLE=20000 LNOB_BENCH_SEED=7 …      # scale and seed
"""

from __future__ import annotations

import csv
import os
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import django_for_benchmark
from benchmarks.imports import Clock, load_average, max_rss_mb, plain_load

PEOPLE = int(os.environ.get("LNOB_BENCH_PEOPLE", "5000"))
SEED = int(os.environ.get("LNOB_BENCH_SEED", "2569"))
PROVINCE = "50"  # Chiang Mai
HEADERS = ["เลขประจำตัวประชาชน", "คำนำหน้า", "ชื่อ", "นามสกุล", "วันเกิด", "รหัสตำบล",
           "หมู่ที่", "บ้านเลขที่", "กลุ่มเป้าหมาย", "ความต้องการ", "โทรศัพท์", "หมายเหตุ"]
NEEDS = ("health", "daily_care", "income", "housing", "education")
NETWORKS = ("อสม.", "อพม.", "ผู้ใหญ่บ้าน", "รพ.สต.", "อบต.", "วัด")


@dataclass
class Truth:
    """What the generator knows: which real person each data row is about."""

    person_of_row: dict[int, int] = field(default_factory=dict)  # spreadsheet row → person
    unusable_rows: set[int] = field(default_factory=set)  # rows made unusable on purpose
    typo_rows: set[int] = field(default_factory=set)


def _valid_id(rng: random.Random) -> str:
    from lnob.core.citizen_id import check_digit

    first12 = f"{rng.choice('12358')}{rng.randrange(10**11):011d}"
    return first12 + str(check_digit(first12))


def _typo(rng: random.Random, cid: str) -> str:
    if rng.random() < 0.3:  # a digit missing: 12 digits
        i = rng.randrange(13)
        return cid[:i] + cid[i + 1:]
    i = rng.randrange(13)
    digit = str((int(cid[i]) + rng.randint(1, 9)) % 10)
    return cid[:i] + digit + cid[i + 1:]


def _variant(rng: random.Random, name: str) -> str:
    """A spelling a second reporter may write: a tone mark added or dropped."""
    marks = "่้๊๋"
    for m in marks:
        if m in name:
            return name.replace(m, "", 1)
    i = rng.randrange(1, len(name)) if len(name) > 1 else 1
    return name[:i] + rng.choice(marks[:2]) + name[i:]


def write_file(path: Path, subdistricts: list[str], people: int, seed: int) -> Truth:
    from lnob.demo.names import name_pools

    names = name_pools()
    rng = random.Random(seed)
    truth = Truth()
    rows: list[tuple[int, list[str]]] = []
    for person in range(people):
        female = rng.random() < 0.55
        cid = _valid_id(rng) if rng.random() < 0.85 else ""
        first = rng.choice(names.female if female else names.male)
        last = rng.choice(names.family)
        birth = f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.randint(2470, 2560)}"
        sd = rng.choice(subdistricts)
        moo = str(rng.randint(1, 18))
        house = f"{rng.randint(1, 300)}/{rng.randint(1, 9)}" if rng.random() < 0.5 else \
            str(rng.randint(1, 300))
        reports = 1 + (rng.random() < 0.3) + (rng.random() < 0.1)
        for report in range(reports):
            shown_id = cid
            if report and rng.random() < 0.35:
                shown_id = ""  # the second network did not know the ID
            elif cid and rng.random() < 0.04:
                shown_id = _typo(rng, cid)
            needs = "; ".join(f"{n}:{rng.randint(1, 4)}"
                              for n in rng.sample(NEEDS, rng.randint(1, 3)))
            cells = [
                shown_id, "นาง" if female else "นาย",
                _variant(rng, first) if report and rng.random() < 0.1 else first, last,
                birth, sd, moo, house, rng.choice(["in_hardship", "disadvantaged", "affected"]),
                needs, f"08{rng.randrange(10**8):08d}" if rng.random() < 0.7 else "",
                rng.choice(NETWORKS)]
            rows.append((person, cells))
    rng.shuffle(rows)
    unusable = [
        ("first_name", 2, ""), ("subdistrict", 5, ""), ("birth", 4, "31/2/2549"),
        ("birth", 4, "1/1/2590"),  # in the future
        ("needs", 9, "health:9"), ("groups", 8, "aliens"),  # warnings, not errors
        ("moo", 6, "ป่า"), ("id", 0, "ไม่ทราบ"),  # kept, flagged
    ]
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS)
        for number, (person, cells) in enumerate(rows, start=2):
            if rng.random() < 0.03:
                kind, column, value = rng.choice(unusable)
                cells = list(cells)
                cells[column] = value
                if kind in ("first_name", "subdistrict", "birth"):
                    truth.unusable_rows.add(number)
            if cells[0] and len(cells[0]) in (12, 13) and cells[0].isdigit():
                from lnob.core.citizen_id import is_valid_citizen_id

                if not is_valid_citizen_id(cells[0]):
                    truth.typo_rows.add(number)
            writer.writerow(cells)
            truth.person_of_row[number] = person
    return truth


def record_some_villages(subdistricts: list[str], seed: int) -> int:
    """Villages are recorded for about a third of the subdistricts (the rest are created
    "to confirm" by the import): the state of a province before its official list."""
    from lnob.geo.models import Village

    rng = random.Random(seed + 1)
    villages = [Village(code=f"{sd}{n:02d}", subdistrict_id=sd, number=n,
                        name_th=f"บ้านทดสอบ {n}", search_key="x")
                for sd in subdistricts if rng.random() < 0.35 for n in range(1, 13)]
    Village.objects.bulk_create(villages)
    return len(villages)


def split_file(path: Path, truth: Truth, share: float) -> list[tuple[Path, dict[int, int]]]:
    """The file as two lists sent at different times (the first ``share`` of the rows,
    then the rest), each with its own row numbers → the real person of each row."""
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    cut = int(len(body) * share)
    parts = []
    for i, (start, end) in enumerate(((0, cut), (cut, len(body)))):
        part = path.with_name(f"{path.stem}-{i + 1}.csv")
        part.write_text(header + "".join(body[start:end]), encoding="utf-8-sig")
        parts.append((part, {n - start: truth.person_of_row[n]
                             for n in range(start + 2, end + 2)}))
    return parts


def outcome(imports: list[tuple[Any, dict[int, int]]]) -> dict[str, int]:
    """Against the truth: persons lost, split, and rows added to the wrong person."""
    from lnob.registry.models import Person

    valid_people: dict[int, set[int]] = {}
    owners: dict[int, set[int]] = {}
    for checked, person_of_row in imports:
        for row in checked.valid:
            pk = row.attach_to or row.existing_id
            valid_people.setdefault(person_of_row[row.row], set()).add(pk)
            owners.setdefault(pk, set()).add(person_of_row[row.row])
    existing = set(Person.objects.values_list("pk", flat=True))
    lost = sum(1 for ids in valid_people.values() if not ids & existing)
    split = sum(1 for ids in valid_people.values() if len(ids) > 1)
    wrong = sum(len(people) - 1 for people in owners.values() if len(people) > 1)
    return {"valid_people": len(valid_people), "lost": lost, "split": split,
            "wrongly_joined": wrong}


def main() -> None:
    tmp = django_for_benchmark("lnob-bench-realistic-")
    from django.db import connection, transaction

    from lnob.cases.models import Case
    from lnob.core.models import User
    from lnob.dedup.models import CandidatePair
    from lnob.geo.models import Subdistrict, Village
    from lnob.geo.services import villages_create_to_confirm
    from lnob.imports.services import after_person_import, check_file, write_persons
    from lnob.registry.models import Person, PersonChange, PersonNeed

    actor, _ = User.objects.get_or_create(username="bench-importer")
    subdistricts = list(Subdistrict.objects.filter(province_id=PROVINCE)
                        .values_list("code", flat=True))
    recorded = record_some_villages(subdistricts, SEED)
    path = tmp / "province.csv"
    truth = write_file(path, subdistricts, PEOPLE, SEED)
    rows_in = len(truth.person_of_row)
    print(f"LNOB realistic import — {connection.vendor}, province {PROVINCE}, {PEOPLE:,} "
          f"people in {rows_in:,} rows (seed {SEED}), {recorded:,} villages recorded before")

    # The plain load of the first list's checked rows (the baseline of decision 0006).
    parts = split_file(path, truth, 0.6)
    checked = check_file(parts[0][0], PROVINCE)
    bare_rows = [r for r in checked.valid if r.outcome in ("new", "review")]
    villages = checked.villages
    bare = plain_load(bare_rows, actor, prepare=lambda: villages_create_to_confirm(
        actor=actor, villages=villages))
    del checked

    def state() -> tuple[int, ...]:
        return (Person.objects.count(), PersonChange.objects.count(),
                PersonNeed.objects.count(), Case.objects.count(), Village.objects.count(),
                CandidatePair.objects.count())

    results, timings, loads = [], [], []
    for part, person_of_row in parts:  # the first list, then the second, a month later
        clock = Clock().start()
        with transaction.atomic():
            checked = check_file(part, PROVINCE)
            write_persons(checked, actor=actor)
        timings.append(clock.lap())
        loads.append(load_average())
        after_person_import(PROVINCE, checked.written_ids)
        results.append((checked, person_of_row))
    total: dict[str, int] = {}
    for checked, _rows in results:
        for key, value in checked.written.items():
            total[key] = total.get(key, 0) + value
    attach_rows = sum(c.outcomes()["attach"] for c, _r in results)
    errors = sum(c.error_rows for c, _r in results)
    warning_rows = sum(len({w.row for w in c.row_warnings}) for c, _r in results)
    truthful = outcome(results)
    created = total["created"]
    print(f"  two lists: {parts[0][0].name} then {parts[1][0].name} (60 % / 40 % of the rows)")
    print(f"  rows in                         {rows_in:8,}")
    print(f"  errors (rows refused)           {errors:8,}   "
          f"(made unusable on purpose: {len(truth.unusable_rows):,})")
    print(f"  warnings (rows kept, flagged)   {warning_rows:8,}   "
          f"(ID typos in the file: {len(truth.typo_rows):,})")
    print(f"  persons created                 {created:8,}")
    print(f"  persons added to                {total['added_to']:8,}   (rows adding to a "
          f"person: {attach_rows:,}; with nothing new: {total['seen_again_unchanged']:,})")
    print(f"  kept for review (pairs queued)  {total['review']:8,}")
    print(f"  villages created to confirm     {total['villages_to_confirm']:8,}")
    print(f"  cases opened                    {total['cases_opened']:8,}")
    print(f"  real people with a usable row   {truthful['valid_people']:8,}")
    print(f"  persons lost (goal 0)           {truthful['lost']:8,}")
    print(f"  people split over 2+ records    {truthful['split']:8,}   (pairs in the review "
          f"queue, or for the duplicate search)")
    print(f"  rows added to the wrong person  {truthful['wrongly_joined']:8,}")
    assert truthful["lost"] == 0, "a valid person was lost"
    path = parts[1][0]

    before = state()
    clock.start()
    with transaction.atomic():
        again = check_file(path, PROVINCE)
        write_persons(again, actor=actor)
    repeat = clock.lap()
    after = state()
    print(f"  the same file again: {'nothing changed' if after == before else 'CHANGED'} "
          f"({repeat[0]:.1f} s) [{load_average()}]")
    if after != before:
        names = ("persons", "history", "needs", "cases", "villages", "pairs")
        print("    " + ", ".join(f"{n} {a - b:+,}" for n, a, b in zip(names, after, before,
                                                                    strict=True) if a != b)
              + f"; outcomes {again.outcomes()}, written {again.written}")

    first, second = results[0][0], results[1][0]
    for name, (wall, cpu), load, c in (("first list", timings[0], loads[0], first),
                                       ("second list", timings[1], loads[1], second)):
        print(f"  import of the {name:<12} {wall:6.1f} s  CPU {cpu:5.1f} s  "
              f"{len(c.valid) / wall:8,.0f} rows/s  [{load}]")
    print(f"  plain load of the first list's new persons {bare[0]:6.1f} s  CPU {bare[1]:5.1f} s"
          f"  {len(bare_rows) / bare[0]:8,.0f} rows/s")
    print(f"    first import's speed ÷ plain load speed: "
          f"{(len(first.valid) / timings[0][0]) / (len(bare_rows) / bare[0]):.2f} (CPU "
          f"{(len(first.valid) / timings[0][1]) / (len(bare_rows) / bare[1]):.2f}; decision "
          f"0006 asks ≥ 0.9 of a plain load: this import also matches and attaches)")
    print(f"  peak memory (max RSS)           {max_rss_mb():6.0f} MB")


if __name__ == "__main__":
    main()
