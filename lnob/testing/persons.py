"""A person to register, as the registry's services take it."""

from __future__ import annotations

from typing import Any

from lnob.registry.services import PersonData

VALID_ID = "1101700203441"  # check digit 1


def person_data(**overrides: Any) -> PersonData:
    values: dict[str, Any] = {
        "first_name": "สมชาย", "last_name": "ใจดี", "title": "นาย", "sex": "M",
        "subdistrict_code": "840503", "source": "network", "citizen_id": VALID_ID,
    }
    values.update(overrides)
    return PersonData(**values)
