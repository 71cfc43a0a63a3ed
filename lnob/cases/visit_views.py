"""Logging a visit on a phone: date, what was done, how each need changed,
when to come back. One screen, a few taps."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lnob.cases.access import READERS, case_for
from lnob.cases.care import visit_log
from lnob.cases.models import Case, NeedChange
from lnob.cases.services import CaseChanged
from lnob.core import audit
from lnob.core.access import requires_roles
from lnob.core.forms import ThaiDateField, add_service_errors
from lnob.core.models import AuditAction, User


class VisitForm(forms.Form):
    visited_on = ThaiDateField(label=gettext_lazy("Date of the visit"))
    done = forms.CharField(label=gettext_lazy("What was done"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    next_visit_on = ThaiDateField(label=gettext_lazy("Next visit"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person_needs = list(case.person.needs.select_related("need"))
        for pn in self.person_needs:
            self.fields[f"need_{pn.need_id}"] = forms.ChoiceField(
                label=pn.need.name, choices=NeedChange.choices, required=False,
                widget=forms.RadioSelect)

    def changes(self) -> dict[int, str]:
        return {pn.need_id: self.cleaned_data[f"need_{pn.need_id}"] for pn in self.person_needs
                if self.cleaned_data.get(f"need_{pn.need_id}")}

    def need_fields(self) -> list[Any]:
        return [self[f"need_{pn.need_id}"] for pn in self.person_needs]


@requires_roles(*READERS)
def visit_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    case = case_for(user, pk)
    status = 200
    if request.method == "POST":
        form = VisitForm(request.POST, case=case)
        if form.is_valid():
            d = form.cleaned_data
            try:
                visit_log(actor=user, case=case, visited_on=d["visited_on"], done=d["done"],
                          changes=form.changes(), next_visit_on=d["next_visit_on"],
                          expected_version=d["version"], request=request)
                return redirect("case_detail", pk=case.pk)
            except ValidationError as err:
                add_service_errors(form, err)
            except CaseChanged:
                form.add_error(None, _("This case changed after you opened it. Check the "
                                       "case, then log the visit again."))
                status = 409
        status = status if status != 200 else 400
    else:
        # The form shows the person's name and needs: a view of personal data.
        audit.record(AuditAction.VIEW, request=request, obj=case.person,
                     area_code=case.person.area_code, detail={"form": "visit", "case": case.pk})
        form = VisitForm(case=case, initial={"visited_on": timezone.localdate(),
                                             "version": case.version})
    return render(request, "cases/visit_form.html", {"case": case, "form": form},
                  status=status)
