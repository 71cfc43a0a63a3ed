"""Everyone registered is in the workflow: a person with no case at all (registered
on the form or imported before cases were opened for them) gets one at their
status's step, routed like a report. The number is printed; the reverse removes
exactly the cases this migration opened."""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

from lnob.cases.models.case import new_reference

OPEN = ("reported", "verified", "assigned", "in_care")
MARK = "opened_by_migration"


def open_cases(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    Network = apps.get_model("networks", "Network")
    routes: dict[str, tuple[list[int], bool]] = {}
    now = timezone.now()
    opened = 0
    persons = Person.objects.filter(status__in=OPEN).exclude(
        pk__in=Case.objects.values("person_id")).order_by("pk")
    for person in persons.iterator(chunk_size=2000):
        code = person.subdistrict_id
        if code not in routes:
            covering = list(Network.objects.filter(
                Q(subdistricts=code) | Q(villages__subdistrict=code), active=True)
                .distinct().order_by("-is_lead", "name").values_list("pk", "is_lead"))
            leads = [pk for pk, lead in covering if lead]
            routes[code] = (leads or [pk for pk, _lead in covering], not covering)
        networks, hole = routes[code]
        source = person.source if person.source in (
            "network", "hotline", "public", "forum", "import", "officer") else "officer"
        case = Case.objects.create(
            person_id=person.pk, subdistrict_id=code, province_code=person.province_code,
            district_code=person.district_code, status=person.status, source=source,
            reference=new_reference(), coverage_hole=hole, opened_at=now,
            network_id=None)
        case.routed_networks.set(networks)
        CaseEvent.objects.create(case=case, at=now, actor_label="migration", action="open",
                                 from_status="", to_status=person.status,
                                 detail={"routed_to": networks, "coverage_hole": hole,
                                         MARK: True})
        opened += 1
    if opened:
        print(f"\n  Cases opened for {opened} registered persons who had none.")


def remove_opened(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    ids = list(CaseEvent.objects.filter(action="open", **{f"detail__{MARK}": True})
               .values_list("case_id", flat=True))
    Case.objects.filter(pk__in=ids).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_one_open_case_per_person")]
    operations = [migrations.RunPython(open_cases, remove_opened)]
