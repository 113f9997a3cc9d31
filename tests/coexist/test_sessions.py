"""Sessions and the signed-in user, read by prepared queries: the same rules as Django's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone

from coexist.sessions import BACKEND, SessionStore

pytestmark = pytest.mark.django_db


def _session(user, *, backend=BACKEND) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def _who(client, key) -> int:
    """The status of the student's home page for this session: 200 signed in, 302 not."""
    client.cookies["sessionid"] = key
    return client.get("/my-work/").status_code


def test_it_signs_in_a_session_and_its_user(client, student):
    assert _who(client, _session(student)) == 200


def test_a_session_from_before_the_upgrade_stays_signed_in(client, student):
    key = _session(student, backend="django.contrib.auth.backends.ModelBackend")
    assert _who(client, key) == 200


def test_an_expired_session_is_signed_out(client, student):
    key = _session(student)
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(1))
    assert _who(client, key) == 302
    assert SessionStore(key).load() == {}


@pytest.mark.parametrize("key", ["nosuchkey00000000000000000000000", "x", "a%_\\b" * 4])
def test_an_unknown_or_odd_key_is_signed_out(client, student, key):
    assert _who(client, key) == 302


def test_an_inactive_deleted_or_changed_user_is_signed_out(client, student):
    key = _session(student)
    student.is_active = False
    student.save()
    assert _who(client, key) == 302
    student.is_active = True
    student.save()
    assert _who(client, key) == 200
    student.set_password("a new password, changed elsewhere")
    student.save()
    assert _who(client, key) == 302
    key = _session(student)
    student.delete()
    assert _who(client, key) == 302


def test_logging_in_records_this_backend(client, student):
    student.set_password("correct horse battery")
    student.save()
    response = client.post(
        "/accounts/login/", {"username": "sam", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == BACKEND


def test_an_older_session_is_read_as_this_backends_by_async_code_too(monkeypatch):
    import asyncio

    from django.contrib.sessions.backends import db

    async def stored(self):
        return {BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend"}

    monkeypatch.setattr(db.SessionStore, "aload", stored)
    assert asyncio.run(SessionStore("k" * 32).aload()) == {BACKEND_SESSION_KEY: BACKEND}
