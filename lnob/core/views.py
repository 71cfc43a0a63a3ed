from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lnob.core import audit, services
from lnob.core.models import ApiToken, AuditAction, User


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit.record(AuditAction.PASSWORD_CHANGE, request=self.request,
                     object_type="core.user", object_id=str(self.request.user.pk))
        return response


def tokens(request: HttpRequest) -> HttpResponse:
    """The user's API tokens; a new one is shown once, right after it is made."""
    user = cast(User, request.user)  # signed_in guarantees a real user
    raw_key = ""
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            _token, raw_key = services.api_token_create(actor=user,
                                                        name=request.POST.get("name", ""))
        except ValidationError as exc:
            errors = exc.message_dict
    return render(request, "core/tokens.html", {
        "tokens": ApiToken.objects.filter(user=user).order_by("-created_at"),
        "raw_key": raw_key,
        "errors": errors,
    })
