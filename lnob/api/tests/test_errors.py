"""A service's domain error becomes the API's one error body, translated."""

import pytest
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.testing import TestClient

from lnob.api import errors
from lnob.core.errors import Conflict, NotAllowed, Refused


def _client():
    api = NinjaAPI(urls_namespace="errors-test")
    errors.install(api)

    @api.get("/refused")
    def refused(request):
        raise Refused("stock_short", _("Only %(left)s left in stock."), left=2, field="quantity")

    @api.get("/conflict")
    def conflict(request):
        raise Conflict()

    @api.get("/forbidden")
    def forbidden(request):
        raise NotAllowed()

    return TestClient(api)


@pytest.mark.django_db
def test_domain_errors_have_the_one_error_body_with_status_code_and_field():
    client = _client()
    answer = client.get("/refused", headers={"Accept-Language": "en"})
    assert answer.status_code == 422
    assert answer.json() == {"errors": [{"field": "quantity", "code": "stock_short",
                                         "message": "Only 2 left in stock."}]}
    assert client.get("/conflict").status_code == 409
    assert client.get("/forbidden").json()["errors"][0]["code"] == "not_allowed"
