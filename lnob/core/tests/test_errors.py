"""The domain errors: one page per refusal, the message in the reader's language."""

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from lnob.core.errors import Conflict, NotAllowed, NotFound, Refused
from lnob.core.middleware import DomainErrorMiddleware


def _nothing(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


def _page(error: Any, language: str = "th", path: str = "/cases/1/") -> Any:
    request: Any = RequestFactory().post(path)
    request.user = None
    with translation.override(language):
        return DomainErrorMiddleware(_nothing).process_exception(request, error)


@pytest.mark.django_db
@pytest.mark.parametrize(("error", "status"), [
    (NotAllowed(), 403), (NotFound(), 404), (Conflict(), 409), (Refused("full"), 422)])
def test_each_error_answers_with_its_status(error, status):
    assert _page(error).status_code == status


@pytest.mark.django_db
def test_the_message_is_rendered_in_the_readers_language_with_its_parameters():
    error = Refused("stock_short", _("Only %(left)s left in stock."), left=3)
    assert "Only 3 left in stock." in _page(error, "en").content.decode()
    assert "Nothing was changed." in _page(error, "en").content.decode()
    assert "ไม่ได้เปลี่ยนแปลงอะไร" in _page(NotAllowed(), "th").content.decode()


def test_not_allowed_is_still_a_permission_error_and_other_exceptions_pass():
    assert isinstance(NotAllowed(), PermissionError)
    request = RequestFactory().get("/")
    assert DomainErrorMiddleware(_nothing).process_exception(request, ValueError()) is None


def test_api_paths_are_left_to_the_api_handlers():
    request = RequestFactory().get("/api/v1/persons/1")
    assert DomainErrorMiddleware(_nothing).process_exception(request, NotFound()) is None
