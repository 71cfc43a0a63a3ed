"""The forms of the giving side: the public offer form (phone first: short,
one kind of help at a time) and the handlers' step and allocation forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lnob.core.i18n import thai_active
from lnob.geo.selectors import search_areas, subdistrict_matches
from lnob.giving import services as giving
from lnob.giving.models import DeclineReason, GiverKind, OfferKind, Skill
from lnob.networks.models import Fund


def set_choices(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    field: Any = form.fields[name]
    field.choices = choices


class OfferForm(forms.Form):
    kind = forms.ChoiceField(label=_("What do you offer?"), choices=OfferKind.choices,
                             widget=forms.RadioSelect, initial=OfferKind.TIME)
    place = forms.CharField(label=_("Where can you help? (subdistrict or district)"),
                            max_length=120, required=False,
                            help_text=_("For example: เกาะเต่า, or the district: เกาะพะงัน"))
    area_code = forms.CharField(required=False, widget=forms.HiddenInput)
    skills = forms.MultipleChoiceField(label=_("What can you do?"), choices=Skill.choices,
                                       required=False, widget=forms.CheckboxSelectMultiple)
    when = forms.CharField(label=_("When are you free?"), max_length=giving.MAX_WHEN,
                           required=False, help_text=_("For example: weekends, evenings"))
    goods_item = forms.TypedChoiceField(label=_("Goods"), coerce=int, required=False,
                                        empty_value=None)
    quantity = forms.IntegerField(label=_("How many?"), required=False, min_value=1,
                                  max_value=giving.MAX_QUANTITY)
    description = forms.CharField(label=_("Describe what you offer"),
                                  max_length=giving.MAX_TEXT, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    capacity = forms.IntegerField(label=_("How many people can it serve?"), required=False,
                                  min_value=1, max_value=giving.MAX_CAPACITY)
    fund = forms.TypedChoiceField(label=_("Fund of the area"), coerce=int, required=False,
                                  empty_value=None)
    amount = forms.DecimalField(label=_("Amount (baht)"), required=False, min_value=1,
                                max_digits=12, decimal_places=2)
    giver_kind = forms.ChoiceField(label=_("You are"), choices=GiverKind.choices,
                                   widget=forms.RadioSelect, initial=GiverKind.PERSON)
    giver_name = forms.CharField(label=_("Your name"), max_length=giving.MAX_NAME)
    organisation = forms.CharField(label=_("Organisation, if any"), max_length=200,
                                   required=False)
    giver_phone = forms.CharField(label=_("Your phone"), max_length=20)
    giver_email = forms.EmailField(label=_("E-mail, if you like"), required=False)
    consent = forms.BooleanField(label=_("The network of the area may call me about this "
                                         "offer and keep my name and phone for it."),
                                 required=False)
    # A honeypot: hidden from people by CSS; bots fill every field they see.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.places: list[dict[str, Any]] = []  # areas to choose from when the name is ambiguous
        self.fields["giver_phone"].widget.attrs.update(inputmode="tel", autocomplete="tel")
        self.fields["giver_name"].widget.attrs.update(autocomplete="name")
        self.fields["place"].widget.attrs.update(autocomplete="off")
        self.fields["quantity"].widget.attrs.update(inputmode="numeric")
        self.fields["capacity"].widget.attrs.update(inputmode="numeric")
        code = str(self.data.get("area_code") or self.data.get("area_choice") or "")
        province = code[:2] if code.isdigit() else ""
        set_choices(self, "goods_item", [("", "—")] + [
            (i.pk, f"{i.name} ({i.unit})") for i in giving.catalogue_for(province)])
        funds = Fund.objects.filter(province_code=province).order_by("name") if province \
            else Fund.objects.none()
        set_choices(self, "fund", [("", "—")] + [(f.pk, f.name) for f in funds])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = str(self.data.get("area_choice") or data.get("area_code") or "").strip()
        if chosen.isdigit() and len(chosen) in (4, 6):
            if hasattr(self.data, "copy") and self.data.get("area_code") != chosen:
                kept: Any = self.data.copy()
                kept["area_code"] = chosen  # kept when the form is shown again
                self.data = kept
            return data | {"area_code": chosen}
        query = (data.get("place") or "").strip()
        if not query:
            self.add_error("place", _("Say where you can help: a subdistrict or a district."))
            return data
        found = [{"code": sd.code, "name": sd.name, "where": f"{sd.district.name} › "
                  f"{sd.province.name}", "district": False}
                 for sd in subdistrict_matches(query)]
        found += [{"code": h.code, "name": h.name_th if thai_active() or not h.name_en
                   else h.name_en, "where": h.parents_th if thai_active() else h.parents_en,
                   "district": True}
                  for h in search_areas(query, limit=12) if h.level == "district"]
        if len(found) == 1:
            return data | {"area_code": found[0]["code"]}
        if not found:
            self.add_error("place", _("No subdistrict or district is called “%(name)s”. Check "
                                      "the spelling, or write only its name.") % {"name": query})
        else:
            self.places = found
            self.add_error("place", _("Several places have this name: choose one."))
        return data

    def offer(self) -> giving.OfferData:
        d = self.cleaned_data
        return giving.OfferData(
            kind=d.get("kind") or "", giver_name=d.get("giver_name") or "",
            giver_phone=d.get("giver_phone") or "", area_code=d.get("area_code") or "",
            consent=bool(d.get("consent")), giver_kind=d.get("giver_kind") or "person",
            organisation=d.get("organisation") or "", giver_email=d.get("giver_email") or "",
            skills=list(d.get("skills") or []), when=d.get("when") or "",
            goods_item=d.get("goods_item"), quantity=d.get("quantity"),
            capacity=d.get("capacity"), fund=d.get("fund"), amount=d.get("amount"),
            description=d.get("description") or "")


class StatusForm(forms.Form):
    reference = forms.CharField(label=_("Reference number"), max_length=20)


class StepForm(forms.Form):
    action = forms.ChoiceField(choices=[(k, k) for k in giving.STEPS], widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(label=_("Why declined"), choices=[("", "—"),
                                                                 *DeclineReason.choices],
                               required=False)
    note = forms.CharField(label=_("Note"), max_length=giving.MAX_TEXT, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    checks_done = forms.BooleanField(
        label=_("I met the giver, checked their identity and explained how volunteers work "
                "with people's records (they agreed)."), required=False)
    network = forms.TypedChoiceField(label=_("Network that takes the offer"), coerce=int,
                                     required=False, empty_value=None)


class AllocateForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    stock = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1)
    note = forms.CharField(label=_("Note"), max_length=giving.MAX_TEXT, required=False)


class StockForm(forms.Form):
    network = forms.TypedChoiceField(label=_("Network"), coerce=int)
    item = forms.TypedChoiceField(label=_("Goods"), coerce=int)
    quantity = forms.IntegerField(label=_("Quantity received"), min_value=1,
                                  max_value=giving.MAX_QUANTITY)


class GoodsItemForm(forms.Form):
    province = forms.ChoiceField(label=_("Province"))
    name_th = forms.CharField(label=_("Thai name"), max_length=150)
    name_en = forms.CharField(label=_("English name"), max_length=150, required=False)
    unit_th = forms.CharField(label=_("unit (Thai)"), max_length=40, required=False)
    unit_en = forms.CharField(label=_("unit (English)"), max_length=40, required=False)
    need = forms.TypedChoiceField(label=_("need it answers"), coerce=int, required=False,
                                  empty_value=None)
