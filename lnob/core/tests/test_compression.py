"""Pages travel gzip-compressed, except answers that show a secret once
(decision 0020, BREACH)."""

from __future__ import annotations

import gzip
from typing import cast

import pytest
from django.test import Client

from lnob.core.models import ApiToken, User

pytestmark = pytest.mark.django_db

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_a_page_is_sent_compressed_and_reads_the_same(client: Client) -> None:
    response = client.get("/accounts/login/", headers=GZIP)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    assert "csrfmiddlewaretoken" in html
    plain = Client().get("/accounts/login/")
    assert not plain.has_header("Content-Encoding")  # a client that cannot unzip gets text
    assert len(response.content) < len(plain.content) / 2


def test_the_csrf_token_differs_in_every_compressed_answer(client: Client) -> None:
    def token() -> str:
        html = gzip.decompress(client.get("/accounts/login/", headers=GZIP).content).decode()
        return html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]

    assert token() != token()


def test_a_new_api_token_is_shown_in_an_uncompressed_answer(client: Client,
                                                            officer: User) -> None:
    client.force_login(officer)
    response = client.post("/accounts/tokens/", {"name": "phone", "scope": "read",
                                                 "days": "30"}, headers=GZIP)
    assert response.status_code == 200
    token = ApiToken.objects.get(user=officer)
    assert not response.has_header("Content-Encoding")
    assert token.prefix.encode() in response.content  # the raw key, shown once, in plain
    # Other signed-in pages are compressed.
    assert client.get("/", headers=GZIP)["Content-Encoding"] == "gzip"


def test_a_spreadsheet_or_a_pdf_is_not_compressed_again() -> None:
    from django.http import HttpResponse
    from django.test import RequestFactory

    from lnob.core.compression import CompressionMiddleware

    request = RequestFactory().get("/x/", HTTP_ACCEPT_ENCODING="gzip")
    for kind, compressed in (("application/pdf", False), ("application/vnd.openxmlformats-"
                             "officedocument.spreadsheetml.sheet", False),
                             ("text/csv; charset=utf-8", True),
                             ("application/json", True)):
        answer = cast(HttpResponse, CompressionMiddleware(
            lambda r, k=kind: HttpResponse(b"a" * 5000, content_type=k))(request))
        assert answer.has_header("Content-Encoding") is compressed, kind
