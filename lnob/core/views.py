from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from lnob.core import audit, ratelimit, services, twofactor
from lnob.core.audit import client_ip
from lnob.core.clientip import rate_key
from lnob.core.forms import int_or_none
from lnob.core.models import ApiToken, AuditAction, User

# Failed sign-ins from one client address, whatever the user names: a village
# office behind one address signs in often, a password sprayer fails often.
FAILED_SIGN_INS = ratelimit.Limit("signin_failed", 30, 900)


class LoginView(auth_views.LoginView):
    """Password first (django-axes locks a user name after 5 failures, from
    any address); then, for users with a second factor, the code
    (lnob.core.twofactor, asked for by SecondFactorMiddleware)."""

    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if ratelimit.remaining(FAILED_SIGN_INS, rate_key(client_ip(request))) <= 0:
            return render(request, "registration/locked_out.html", {"by_address": True},
                          status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        ratelimit.hit(FAILED_SIGN_INS, rate_key(client_ip(self.request)))
        return super().form_invalid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    # Our own name: "registration/…" is the admin's template too, and the admin
    # app comes first in INSTALLED_APPS.
    template_name = "web/password_change_form.html"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = cast(User, self.request.user)
        audit.record(AuditAction.PASSWORD_CHANGE, request=self.request,
                     object_type="core.user", object_id=str(user.pk))
        # A new password ends every token made under the old one.
        services.api_tokens_revoke_all(actor=user, user=user, request=self.request)
        return response


def tokens(request: HttpRequest) -> HttpResponse:
    """The user's API tokens; a new one is shown once, right after it is made.
    A token can be read-only, lasts at most a year, and is revoked here."""
    user = cast(User, request.user)  # signed_in guarantees a real user
    raw_key = ""
    errors: dict[str, list[str]] = {}
    if request.method == "POST" and request.POST.get("revoke"):
        services.api_token_revoke(actor=user, token_id=int_or_none(request.POST["revoke"]),
                                  request=request)
        messages.success(request, _("The token is revoked: it no longer opens the API."))
        return redirect("api_tokens")
    if request.method == "POST":
        try:
            _token, raw_key = services.api_token_create(
                actor=user, name=request.POST.get("name", ""),
                scope=request.POST.get("scope", ""),
                days=int_or_none(request.POST.get("days")) or services.TOKEN_DAYS_DEFAULT)
        except ValidationError as exc:
            errors = exc.message_dict
    return render(request, "core/tokens.html", {
        "tokens": ApiToken.objects.filter(user=user, revoked_at=None).order_by("-created_at"),
        "raw_key": raw_key, "errors": errors, "scopes": ApiToken.Scope.choices,
        "max_days": services.TOKEN_DAYS_MAX, "default_days": services.TOKEN_DAYS_DEFAULT,
    }, status=400 if errors else 200)


def second_factor(request: HttpRequest) -> HttpResponse:
    """Turn on the phone-app code (a QR code to scan, then a code to confirm),
    see that it is on, or turn it off (not for roles that must use it)."""
    user = cast(User, request.user)
    codes: list[str] | None = None
    error = ""
    if request.method == "POST" and request.POST.get("action") == "disable":
        if twofactor.required_for(user):
            raise PermissionDenied
        twofactor.disable(actor=user, user=user, request=request)
        return redirect("second_factor")
    if request.method == "POST":
        codes = twofactor.enrol(actor=user, code=request.POST.get("code", ""), request=request)
        if codes is None:
            error = _("This code is not the one the app shows now. Type the 6 digits "
                      "the app shows for LNOB, before they change.")
    enrolled = twofactor.enrolled(user)
    device = None if enrolled and codes is None else twofactor.pending_device(user)
    return render(request, "core/second_factor.html", {
        "enrolled": enrolled, "codes": codes, "error": error,
        "required": twofactor.required_for(user),
        "qr": twofactor.qr_svg(device) if device is not None and not codes else "",
        "secret": twofactor.manual_key(device) if device is not None and not codes else "",
    }, status=400 if error else 200)


def second_factor_verify(request: HttpRequest) -> HttpResponse:
    """The code after the password, for users who have a second factor."""
    user = cast(User, request.user)
    error = ""
    if request.method == "POST":
        if twofactor.verify(actor=user, code=request.POST.get("code", ""), request=request):
            target = request.POST.get("next", "")
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                target = ""
            return redirect(target or "home")
        error = _("This code was not accepted. Type the 6 digits the app shows now, "
                  "or one of your recovery codes.")
    return render(request, "core/second_factor_verify.html", {
        "error": error, "next": request.GET.get("next") or request.POST.get("next", "")},
        status=400 if error else 200)
