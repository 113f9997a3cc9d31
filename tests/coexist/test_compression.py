"""Pages, JSON and CSV go out gzipped to a browser that accepts it; images and anything
else already compressed go out as they are."""

from __future__ import annotations

import gzip

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from coexist.middleware import CompressTextMiddleware

pytestmark = pytest.mark.django_db

BODY = ("<p>Peaceful coexistence</p>" * 40).encode()


def test_a_page_is_gzipped_for_a_browser_that_accepts_it(client):
    plain = client.get(reverse("login"))
    packed = client.get(reverse("login"), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert len(packed.content) < len(plain.content) / 2
    # The same page, but for the CSRF token and nonce that differ on every response.
    assert gzip.decompress(packed.content).decode().count("<form") == plain.content.decode().count(
        "<form"
    )


def test_a_short_answer_is_left_as_it_is(client):
    response = client.get(reverse("alive"), HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in response.headers


@pytest.mark.parametrize(
    ("content_type", "compressed"),
    [
        ("text/html; charset=utf-8", True),
        ("application/json", True),
        ("text/csv; charset=utf-8", True),
        ("image/png", False),
        ("image/jpeg", False),
        ("application/gzip", False),
        ("application/octet-stream", False),
    ],
)
def test_only_text_is_compressed(content_type, compressed):
    middleware = CompressTextMiddleware(
        lambda request: HttpResponse(BODY, content_type=content_type)
    )
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip")
    response = middleware(request)
    assert (response.get("Content-Encoding") == "gzip") is compressed
    if compressed:
        assert gzip.decompress(response.content) == BODY
    else:
        assert response.content == BODY


def _compress(body: bytes, accept: str = "gzip", **headers):
    def view(request):
        response = HttpResponse(body, content_type="text/html; charset=utf-8")
        for name, value in headers.items():
            response.headers[name] = value
        return response

    middleware = CompressTextMiddleware(view)
    return middleware(RequestFactory().get("/", HTTP_ACCEPT_ENCODING=accept))


def test_each_response_carries_a_name_of_random_length_against_breach():
    sizes = set()
    for _ in range(30):
        response = _compress(BODY)
        assert gzip.decompress(response.content) == BODY
        assert response.headers["Content-Length"] == str(len(response.content))
        assert response.content[3] & 0x08  # FNAME: the random-length name is there
        sizes.add(len(response.content))
    assert len(sizes) > 5


def test_a_strong_etag_becomes_weak_and_an_encoded_answer_is_left_alone():
    response = _compress(BODY, ETag='"abc"')
    assert response.headers["ETag"] == 'W/"abc"'
    already = _compress(BODY, **{"Content-Encoding": "br"})
    assert already.content == BODY
    refused = _compress(BODY, accept="identity")
    assert refused.content == BODY
    assert "Accept-Encoding" in refused.headers["Vary"]
