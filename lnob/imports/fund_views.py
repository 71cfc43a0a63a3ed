"""The page that brings a community welfare fund's member list in."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import cast

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from lnob.core import audit
from lnob.core.access import requires_roles
from lnob.core.models import AuditAction, User
from lnob.imports.fund_members import members_check, members_write
from lnob.imports.reading import FileRefused
from lnob.welfare.access import READERS
from lnob.welfare.funds.access import can_edit, fund_for


@requires_roles(*READERS)
def fund_members(request: HttpRequest, pk: int) -> HttpResponse:
    """Checks the file (nothing written); with "record", adds the members."""
    user = cast(User, request.user)
    fund = fund_for(user, pk)
    context: dict[str, object] = {"fund": fund, "can_edit": can_edit(user, fund)}
    if request.method != "POST":
        return render(request, "imports/fund_members.html", context)
    upload = request.FILES.get("file")
    if upload is None:
        context["error"] = _("Choose the file.")
        return render(request, "imports/fund_members.html", context, status=400)
    name = upload.name or "members.csv"
    suffix = ".xlsx" if name.lower().endswith(".xlsx") else ".csv"
    with tempfile.TemporaryDirectory(prefix="lnob-fund-members-") as folder:
        path = Path(folder) / f"members{suffix}"
        with path.open("wb") as f:
            for chunk in upload.chunks():
                f.write(chunk)
        try:
            check = members_check(path, user=user)
        except FileRefused as err:
            context["error"] = str(err)
            return render(request, "imports/fund_members.html", context, status=400)
    audit.record(AuditAction.VIEW, request=request, obj=fund, area_code=fund.area_code,
                 detail={"page": "fund_member_import", "file": name[:200],
                         "persons": sorted({r.person_id for r in check.rows if r.person_id})})
    context.update({"check": check, "file_name": name})
    if check.ok and request.POST.get("record"):
        try:
            context["written"] = members_write(check, actor=user, fund=fund, file_name=name,
                                               request=request)
        except ValidationError as err:
            context["write_errors"] = [f"{k}: {' '.join(v)}"
                                       for k, v in err.message_dict.items()]
            return render(request, "imports/fund_members.html", context, status=400)
    return render(request, "imports/fund_members.html", context,
                  status=400 if check.errors else 200)
