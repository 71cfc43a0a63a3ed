"""A URL conf with one view that forgot to declare its access rule."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def forgot_to_declare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("personal data")


urlpatterns = [path("leaky/", forgot_to_declare)]
