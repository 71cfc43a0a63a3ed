"""Transfer forms: they read what was typed; the services decide what is
valid and their messages land on the field they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lnob.core.forms import ServiceErrorsMixin


class TransferRequestForm(ServiceErrorsMixin, forms.Form):
    to_subdistrict = forms.CharField(label=_("Subdistrict the case goes to"), max_length=6,
                                     required=False, widget=forms.HiddenInput)
    to_network = forms.TypedChoiceField(label=_("Network asked to take the case"),
                                        coerce=int, empty_value=None, required=False)
    note = forms.CharField(label=_("Why"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, networks: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["to_network"]
        field.choices = [("", _("— none: the receiving side chooses —")), *networks]


class AnswerForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
