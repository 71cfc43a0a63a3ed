"""Loads the four national target groups and the national needs; used by
migration 0002 (with historical models) and by transactional tests."""

from typing import Any

from lnob.registry.taxonomy import NATIONAL_GROUPS, NATIONAL_NEEDS


def load(apps: Any = None) -> None:
    if apps is None:
        from django.apps import apps as current

        apps = current
    for model_name, rows in (("TargetGroup", NATIONAL_GROUPS), ("Need", NATIONAL_NEEDS)):
        model = apps.get_model("registry", model_name)
        for sort, (code, name_th, name_en) in enumerate(rows, start=1):
            model.objects.update_or_create(
                province_code="", code=code,
                defaults={"name_th": name_th, "name_en": name_en, "sort": sort})
