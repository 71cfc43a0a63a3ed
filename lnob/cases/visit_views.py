"""Logging a visit on a phone: date, what was done, how each need changed,
when to come back. One screen, a few taps."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
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
from lnob.cases.visit_rules import default_next_visit
from lnob.core import audit
from lnob.core.access import requires_roles
from lnob.core.forms import ThaiDateField, add_service_errors
from lnob.core.models import AuditAction, User
from lnob.core.templatetags.thai import bedate


class VisitForm(forms.Form):
    visited_on = ThaiDateField(label=gettext_lazy("Date of the visit"))
    done = forms.CharField(label=gettext_lazy("What was done"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    next_visit_on = ThaiDateField(
        label=gettext_lazy("Next visit"), required=False,
        help_text=gettext_lazy("Proposed by the province's rule; left empty, the rule's date "
                               "is kept."))
    no_next_visit = forms.BooleanField(label=gettext_lazy("No next visit"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.person_needs = list(case.person.needs.select_related("need"))
        for pn in self.person_needs:
            self.fields[f"need_{pn.need_id}"] = forms.ChoiceField(
                label=pn.need.name, choices=NeedChange.choices, required=False,
                widget=forms.RadioSelect)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("no_next_visit"):
            # Only this box clears the next visit: the case then leaves the overdue list.
            data["next_visit_on"] = None
        elif data.get("next_visit_on") is None and data.get("visited_on") \
                and "next_visit_on" not in self.errors:
            data["next_visit_on"] = default_next_visit(self.case, data["visited_on"])
        return data

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
                messages.success(request, visit_saved_message(d["next_visit_on"]))
                if case.volunteer is not None and case.volunteer.user_id == user.pk:
                    return redirect("home")  # the carer's "my people", what is due next
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
        today = timezone.localdate()
        form = VisitForm(case=case, initial={
            "visited_on": today, "next_visit_on": default_next_visit(case, today),
            "version": case.version})
    return render(request, "cases/visit_form.html", {"case": case, "form": form},
                  status=status)


def visit_saved_message(next_visit: Any) -> str:
    if next_visit is None:
        return _("Visit saved. No next visit is set.")
    return _("Visit saved. Next visit: %(date)s.") % {"date": bedate(next_visit)}
