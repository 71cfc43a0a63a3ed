"""Transfer pages: both sides' inboxes, asking to transfer a case, and a
transfer with its answer (accept or decline for the receiving side, cancel
for the sending side)."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lnob.cases.access import case_for, cases_visible_to
from lnob.cases.models import Case, Transfer, TransferStatus
from lnob.cases.services import CaseChanged
from lnob.cases.transfers.access import (
    HANDLERS,
    is_receiving_side,
    is_sending_side,
    transfer_for,
)
from lnob.cases.transfers.forms import AnswerForm, TransferRequestForm
from lnob.cases.transfers.selectors import (
    case_summary,
    transfers_answered,
    transfers_outgoing,
    transfers_to_accept,
)
from lnob.cases.transfers.services import (
    transfer_accept,
    transfer_cancel,
    transfer_decline,
    transfer_request,
)
from lnob.core import audit
from lnob.core.access import covers, requires_roles
from lnob.core.models import AuditAction, User
from lnob.geo.models import Subdistrict
from lnob.geo.selectors import subdistrict_matches


@requires_roles(*HANDLERS)
def transfer_list(request: HttpRequest) -> HttpResponse:
    incoming = list(transfers_to_accept(request.user))
    outgoing = list(transfers_outgoing(request.user))
    answered = transfers_answered(request.user)
    # The inboxes name the people concerned.
    audit.record(AuditAction.VIEW, request=request, object_type="cases.transfer_list",
                 detail={"transfers": [t.pk for t in (*incoming, *outgoing)]})
    return render(request, "transfers/transfer_list.html", {
        "incoming": incoming, "outgoing": outgoing, "answered": answered})


def _case_to_send(user: User, case_pk: int) -> Case:
    case = case_for(user, case_pk)
    if not covers(user, case.area_code, HANDLERS):  # e.g. the case's volunteer
        raise Http404
    return case


@requires_roles(*HANDLERS)
def transfer_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    from lnob.networks.models import Network

    user = cast(User, request.user)
    case = _case_to_send(user, case_pk)
    pending = case.transfers.filter(status=TransferStatus.PENDING).first()
    if pending is not None and request.method != "POST":
        messages.info(request, _("This case already has a transfer waiting for an answer."))
        return redirect("transfer_detail", pk=pending.pk)
    data = request.POST if request.method == "POST" else request.GET
    code = data.get("to_subdistrict", "").strip()[:6]
    destination = Subdistrict.objects.select_related("district", "province").filter(
        code=code).first() if code.isdigit() else None
    networks = [(n.pk, n.name) for n in Network.objects.filter(
        province_code=destination.province_id, active=True)] if destination else []
    status = 200
    if request.method == "POST":
        form = TransferRequestForm(request.POST, networks=networks)
        if form.is_valid():
            try:
                transfer = transfer_request(
                    actor=user, case=case, to_subdistrict=form.cleaned_data["to_subdistrict"],
                    to_network=form.cleaned_data["to_network"], note=form.cleaned_data["note"],
                    expected_version=form.cleaned_data["version"])
            except ValidationError as err:
                form.add_service_errors(err)
            except CaseChanged:
                case.refresh_from_db()
                fresh = request.POST.copy()
                fresh["version"] = str(case.version)  # sending again asks for the case as it is
                form = TransferRequestForm(fresh, networks=networks)
                form.is_valid()
                form.add_error(None, _("This case changed after you opened it. Check it, "
                                       "then ask for the transfer again."))
                status = 409
            else:
                messages.success(request, _("The transfer is asked for. The case stays with "
                                            "you until the receiving side accepts it."))
                return redirect("transfer_detail", pk=transfer.pk)
        status = max(status, 400)
    else:
        form = TransferRequestForm(initial={"to_subdistrict": code, "version": case.version},
                                   networks=networks)
    query = request.GET.get("q", "").strip()[:100]
    return render(request, "transfers/transfer_form.html", {
        "case": case, "form": form, "destination": destination, "query": query,
        "hits": subdistrict_matches(query, limit=20) if query else [],
    }, status=status)


def _detail(request: HttpRequest, transfer: Transfer, *, form: AnswerForm | None = None,
            action: str = "", status: int = 200) -> HttpResponse:
    user = request.user
    pending = transfer.status == TransferStatus.PENDING
    summary = None
    if pending:
        summary = case_summary(transfer)
        # The receiving side reads about someone outside its areas: say so.
        audit.record(AuditAction.VIEW, request=request, obj=transfer.case.person,
                     area_code=transfer.case.area_code,
                     detail={"via": "transfer", "transfer": transfer.pk,
                             "case": transfer.case_id})
    return render(request, "transfers/transfer_detail.html", {
        "transfer": transfer, "summary": summary,
        "case_visible": cases_visible_to(user).filter(pk=transfer.case_id).exists(),
        "can_answer": pending and is_receiving_side(user, transfer),
        "can_cancel": pending and is_sending_side(user, transfer),
        "form": form, "action": action,
    }, status=status)


@requires_roles(*HANDLERS)
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, transfer_for(request.user, pk))


def _answer(request: HttpRequest, pk: int, action: str,
            service: Callable[..., Transfer]) -> HttpResponse | Transfer:
    user = cast(User, request.user)
    transfer = transfer_for(user, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _detail(request, transfer, form=form, action=action, status=400)
    try:
        return service(actor=user, transfer=transfer, note=form.cleaned_data["note"])
    except ValidationError as err:
        form.add_service_errors(err)
        return _detail(request, transfer, form=form, action=action, status=400)
    except PermissionError:
        form.add_error(None, _("Only the receiving side can answer this transfer, and only "
                               "the sending side can cancel it."))
        return _detail(request, transfer, form=form, action=action, status=403)


@requires_roles(*HANDLERS)
@require_POST
def transfer_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    done = _answer(request, pk, "accept", transfer_accept)
    if isinstance(done, HttpResponse):
        return done
    messages.success(request, _("The case is now yours: assign a carer."))
    return redirect("case_detail", pk=done.case_id)


@requires_roles(*HANDLERS)
@require_POST
def transfer_decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    done = _answer(request, pk, "decline", transfer_decline)
    if isinstance(done, HttpResponse):
        return done
    messages.success(request, _("The transfer is declined; the case stays with the sending "
                                "side."))
    return redirect("transfer_list")


@requires_roles(*HANDLERS)
@require_POST
def transfer_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    done = _answer(request, pk, "cancel", transfer_cancel)
    if isinstance(done, HttpResponse):
        return done
    messages.success(request, _("The transfer is cancelled."))
    return redirect("case_detail", pk=done.case_id)
