from django.contrib.auth import views as auth_views
from django.urls import path

from lnob.core import views
from lnob.core.access import public, signed_in

urlpatterns = [
    path("login/", public(views.LoginView.as_view()), name="login"),
    path("logout/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("password/", signed_in(views.PasswordChangeView.as_view()), name="password_change"),
    path("password/done/", signed_in(auth_views.PasswordChangeDoneView.as_view(
        template_name="web/password_change_done.html")),
         name="password_change_done"),
    path("tokens/", signed_in(views.tokens), name="api_tokens"),
    path("2fa/", signed_in(views.second_factor), name="second_factor"),
    path("2fa/verify/", signed_in(views.second_factor_verify), name="second_factor_verify"),
]
