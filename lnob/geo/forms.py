"""The place box of a form: the subdistrict typed by name, with live
suggestions as you type (htmx, ``/areas/suggest/``) and, without JavaScript,
the same short list to choose from after submitting. Used by the report
forms and the person form (template ``web/_place_field.html``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _

from lnob.geo.models import Subdistrict
from lnob.geo.selectors import subdistrict_by_code, subdistrict_matches

CHOICE = "subdistrict_choice"  # the name of the suggestions' radio buttons


BOXES = ("place", "where")  # the names a place box may have (a form's "place" may be taken)


def suggest_attrs(within: Iterable[str] = (), box: str = "place") -> dict[str, str]:
    """The place box's attributes: suggestions as you type, only in ``within``
    (area codes; empty or "" for all of Thailand). ``box``: the box's field name."""
    attrs = {"autocomplete": "off", "hx-get": reverse("place_suggest"),
             "hx-trigger": "input changed delay:400ms", "hx-target": "#place-choices",
             "hx-swap": "innerHTML", "aria-controls": "place-choices",
             "aria-describedby": f"id_{box}-help"}  # the box's help (web/_place_field.html)
    values: dict[str, str] = {} if box == "place" else {"box": box}
    codes = sorted({c[:6] for c in within})
    if codes and "" not in codes:
        values["within"] = ",".join(codes)
    if values:
        attrs["hx-vals"] = json.dumps(values)
    return attrs


def place_label(subdistrict: Subdistrict | None) -> str:
    """What the place box shows for a chosen subdistrict, which finds it again
    ("เกาะเต่า เกาะพะงัน")."""
    return f"{subdistrict.name} {subdistrict.district.name}" if subdistrict else ""


def place_label_of(code: str | None) -> str:
    return place_label(subdistrict_by_code(code or ""))


def choose_subdistrict(form: forms.Form, cleaned: dict[str, Any], *,
                       within: Iterable[str] = (), text: str = "place",
                       code: str = "subdistrict", missing: Any = "") -> str | None:
    """The subdistrict a form's place box names: the suggestion chosen, else a
    code sent in the hidden ``code`` field, else the one subdistrict the text
    names. Adds an error to the box otherwise (several: ``form.places`` lists
    them to choose from). ``missing``: the error when the box is empty (None:
    none, the service will say). Returns the 6-digit code or None."""
    within = tuple(within)
    allowed = () if "" in within else tuple(c[:6] for c in within)
    chosen = (form.data.get(CHOICE) or "").strip()
    if chosen.isdigit() and len(chosen) == 6:
        found = subdistrict_by_code(chosen)
        if found is not None and hasattr(form.data, "copy"):
            # The box then names the choice, so it survives another error.
            kept: Any = form.data.copy()
            kept[form.add_prefix(text)] = place_label(found)
            form.data = kept
        return chosen
    sent = (cleaned.get(code) or "").strip()
    if sent.isdigit() and len(sent) == 6:
        return sent
    query = (cleaned.get(text) or "").strip()
    if not query:
        if missing is not None:
            form.add_error(text, missing or _("Say which subdistrict the person is in."))
        return None
    found_all = subdistrict_matches(query, within=allowed)
    if len(found_all) == 1:
        return found_all[0].code
    if not found_all:
        form.add_error(text, _("No subdistrict is called “%(name)s”. Check the "
                               "spelling, or write only the subdistrict's name.")
                       % {"name": query} if not allowed else
                       _("No subdistrict called “%(name)s” in the areas where you work. "
                         "Check the spelling, or write only the subdistrict's name.")
                       % {"name": query})
    else:
        form.places = found_all  # type: ignore[attr-defined]
        form.add_error(text, _("Several subdistricts have this name: choose one."))
    return None
