"""AccessLogMiddleware: what it hands gunicorn's access log (gunicorn.conf.py).

gunicorn reads `coexist.user` and `coexist.path` from the WSGI environ, which is the
request's META; tests/coexist/test_serve.py reads the lines a real server writes.
"""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.utils.functional import SimpleLazyObject

from coexist.middleware import AccessLogMiddleware


def logged(response) -> tuple[str, str]:
    meta = response.wsgi_request.META
    return meta[AccessLogMiddleware.PATH], meta[AccessLogMiddleware.USER]


def test_a_signed_in_request_is_logged_with_the_users_id(teacher_client, teacher):
    response = teacher_client.get("/")

    assert response.status_code == 200
    assert logged(response) == ("/", str(teacher.pk))


def test_an_anonymous_request_is_logged_with_a_dash(client):
    assert logged(client.get("/accounts/login/")) == ("/accounts/login/", "-")


def test_the_query_string_is_never_logged(student_client):
    response = student_client.get("/my-work/?search=what+I+typed")

    assert logged(response)[0] == "/my-work/"


def test_a_class_join_code_is_logged_as_the_url_pattern(client, classroom):
    response = client.get(f"/join/{classroom.join_code}/")

    assert response.status_code == 200
    assert logged(response) == ("/join/<str:code>/", "-")


def test_a_line_break_in_the_url_cannot_forge_a_log_line(client):
    response = client.get("/nowhere%0A[30/Nov/2026]%20GET%20/admin/%20200%201ms%20user=1/")

    assert response.status_code == 404
    path = logged(response)[0]
    assert "\n" not in path and " " not in path
    assert path.startswith("/nowhere%0A")


def test_a_user_nothing_looked_up_is_not_looked_up_for_the_log(rf, db, django_assert_num_queries):
    """Reading it would cost a query, or raise again if the lookup itself failed."""
    request = rf.get("/-/alive/")
    request.user = SimpleLazyObject(lambda: pytest.fail("the log looked the user up"))
    middleware = AccessLogMiddleware(lambda request: HttpResponse("ok"))

    with django_assert_num_queries(0):  # no session, no user
        middleware(request)

    assert request.META[AccessLogMiddleware.USER] == "-"
