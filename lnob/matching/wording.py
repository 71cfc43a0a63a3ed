"""Reasons shown with names (issue 16): the engine words a reason with the
codes it works with ("หมู่บ้าน 84050301 หรือตำบล 840503", the need
'daily_care'); the pages show the village, subdistrict and need by name."""

from __future__ import annotations

import re
from collections.abc import Sequence

from lnob.geo.models import Village
from lnob.geo.selectors import area_names
from lnob.registry.taxonomy import Need

AREA_CODE = re.compile(r"(?<!\d)(\d{8}|\d{6})(?!\d)")
NEED_CODE = re.compile(r"'([a-z][a-z0-9_]*)'")


def with_names(texts: Sequence[str]) -> list[str]:
    """``texts`` with every 6- or 8-digit area code replaced by the area's name
    and every quoted need code by the need's name (codes of nothing known stay)."""
    codes = {m for t in texts for m in AREA_CODE.findall(t)}
    needs = {m for t in texts for m in NEED_CODE.findall(t)}
    if not codes and not needs:
        return list(texts)
    names = area_names({c for c in codes if len(c) == 6})
    names.update({v.code: v.name for v in Village.objects.filter(
        code__in=[c for c in codes if len(c) == 8])})
    need_names: dict[str, str] = {}
    for need in Need.objects.filter(code__in=needs).order_by("-province_code"):
        need_names.setdefault(need.code, need.name)
    out = []
    for text in texts:
        text = AREA_CODE.sub(lambda m: names.get(m.group(1), m.group(1)), text)
        text = NEED_CODE.sub(lambda m: f"“{need_names[m.group(1)]}”"
                             if m.group(1) in need_names else m.group(0), text)
        out.append(text)
    return out
