"""Repeated reports for the demo province: some people are reported a second time
by another door (the hotline, another network, the provincial office), spelt with
one of the mistakes of the engine's error model, so that the review queue has work
in it. Then the province is searched once."""

from __future__ import annotations

import random

from django.db import transaction

from lnob.dedup.engine.synthetic import misspell
from lnob.dedup.models import DedupRun
from lnob.dedup.runs import run_execute, run_start
from lnob.registry.models import NoCitizenIdReason, Person, Source
from lnob.registry.services import PersonData, person_create


def demo_dedup(province: str, *, seed: int = 2549) -> int | None:
    """Repeated reports and one search, once per province (None when done before)."""
    if DedupRun.objects.filter(scope_code=province).exists():
        return None
    repeated = demo_duplicates(province, seed=seed)
    run_execute(run_start(actor=None, scope_code=province))
    return repeated


@transaction.atomic
def demo_duplicates(province: str, *, share: float = 0.03, seed: int = 2549) -> int:
    rng = random.Random(f"{seed}-{province}-duplicates")  # noqa: S311  (made-up data)
    people = list(Person.objects.filter(province_code=province).order_by("pk").values(
        "title", "first_name", "last_name", "sex", "birth_date", "birth_year_only",
        "citizen_id", "phone", "subdistrict_id", "house_number"))
    chosen = rng.sample(people, k=min(len(people), round(len(people) * share)))
    for p in chosen:
        keep_id = rng.random() < 0.5 and p["citizen_id"]
        born = p["birth_date"]
        year_only = bool(born) and rng.random() < 0.3
        person_create(actor=None, intake=True, data=PersonData(
            first_name=misspell(rng, p["first_name"]), last_name=p["last_name"],
            title=p["title"], sex=p["sex"], birth_date=born,
            birth_year_only=year_only or p["birth_year_only"],
            citizen_id=p["citizen_id"] if keep_id else "",
            no_citizen_id_reason="" if keep_id else NoCitizenIdReason.UNKNOWN,
            phone=p["phone"] if rng.random() < 0.5 else "",
            subdistrict_code=p["subdistrict_id"], house_number=p["house_number"],
            source=rng.choice([Source.HOTLINE, Source.PUBLIC, Source.FORUM])))
    return len(chosen)
