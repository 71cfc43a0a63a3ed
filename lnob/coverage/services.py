"""Writes of the coverage app that are not the roll-ups' own: search rounds
(the roadmap's writes are in ``roadmap``). Each checks the actor's role and
area, collects every problem of a request at once and writes nothing if
there is one; the record, its audit row and the roll-up's refresh (after the
commit) go together."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from lnob.core import audit
from lnob.core.errors import NotFound
from lnob.core.models import AuditAction, User
from lnob.core.signals import areas_changed
from lnob.coverage.access import may_record_search
from lnob.coverage.models import SearchRound
from lnob.geo.models import Subdistrict

MAX_SEARCHED_BY = 200
MAX_NOTE = 2000
# A round dated further back than this is almost always a mistyped year.
MAX_YEARS_BACK = 5

Errors = dict[str, list[str]]


@dataclass
class SearchRoundData:
    """What a form or the API gives to record a search round."""

    subdistrict_code: str
    held_on: datetime.date | None
    searched_by: str = ""
    note: str = ""


def _add(errors: Errors, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _held_on(errors: Errors, held_on: datetime.date | None) -> None:
    today = timezone.localdate()
    if held_on is None:
        _add(errors, "held_on", _("Give the date the search round was held."))
    elif held_on > today:
        _add(errors, "held_on", _("The date is in the future: record a search round once it "
                                  "has been held (Buddhist Era, e.g. 2569)."))
    elif held_on < today - datetime.timedelta(days=366 * MAX_YEARS_BACK):
        _add(errors, "held_on", _("The date is more than %(years)d years ago: check the year "
                                  "(Buddhist Era, e.g. 2569).") % {"years": MAX_YEARS_BACK})


def _text(errors: Errors, key: str, value: str, limit: int, label: str,
          required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        _add(errors, key, _("%(label)s: this field is required.") % {"label": label})
    elif len(value) > limit:
        _add(errors, key, _("%(label)s: at most %(max)d characters.") % {
            "label": label, "max": limit})
    return value


@transaction.atomic
def search_round_record(*, actor: User, data: SearchRoundData,
                        request: HttpRequest | None = None) -> SearchRound:
    """Records a search round held in a subdistrict where the actor records
    them (``PermissionError`` elsewhere); the subdistrict then holds ก.1."""
    code = (data.subdistrict_code or "").strip()
    subdistrict = Subdistrict.objects.filter(code=code).first() if code else None
    if subdistrict is None:
        raise ValidationError({"subdistrict_code": [
            _("Unknown subdistrict code %(code)s.") % {"code": code}]})
    if not may_record_search(actor, subdistrict.code):
        raise NotFound
    errors: Errors = {}
    _held_on(errors, data.held_on)
    searched_by = _text(errors, "searched_by", data.searched_by, MAX_SEARCHED_BY,
                        _("Who searched"), required=True)
    note = _text(errors, "note", data.note, MAX_NOTE, _("Note"))
    if errors or data.held_on is None:
        raise ValidationError(errors)
    found = SearchRound(subdistrict=subdistrict, province_code=subdistrict.province_id,
                        district_code=subdistrict.district_id, held_on=data.held_on,
                        searched_by=searched_by, note=note, created_by=actor)
    found.full_clean()
    found.save()
    areas_changed.send(sender=SearchRound, codes={found.area_code})
    audit.record(AuditAction.CREATE, actor=actor, request=request, obj=found,
                 area_code=found.area_code, detail={"held_on": data.held_on.isoformat()})
    return found
