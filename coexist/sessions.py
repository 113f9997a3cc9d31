"""Who is signed in, in two prepared queries (`coexist.prepared`).

Every signed-in request reads its session row and its user. Django builds both queries'
SQL afresh each time, which cost more than running them; these are the same lookups,
with the same rules, built once per process.
"""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth import backends as auth_backends
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from coexist.prepared import Prepared

BACKEND = "coexist.sessions.ModelBackend"
# Sessions begun before this backend existed name Django's; they are read as this one's
# (the same accounts, the same checks), so nobody is signed out by an upgrade.
_DJANGOS_BACKEND = "django.contrib.auth.backends.ModelBackend"

_SESSION = Prepared(lambda key: Session.objects.filter(session_key=key)[:1], key=str)
_USER = Prepared(lambda pk: get_user_model()._default_manager.filter(pk=pk)[:1], pk=int)


class SessionStore(db.SessionStore):
    """Django's database sessions; the row is read by a prepared query and its expiry
    checked here, as Django's `expire_date__gt=now` does."""

    def _get_session_from_db(self):
        session = _SESSION.first(key=self.session_key)
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None
            return None
        return session

    def load(self):
        return _upgraded(super().load())

    async def aload(self):
        return _upgraded(await super().aload())


def _upgraded(data: dict) -> dict:
    if data.get(BACKEND_SESSION_KEY) == _DJANGOS_BACKEND:
        data[BACKEND_SESSION_KEY] = BACKEND
    return data


class ModelBackend(auth_backends.ModelBackend):
    """Django's username-and-password backend; the signed-in user is read by a prepared
    query."""

    def get_user(self, user_id):
        try:
            user = _USER.first(pk=user_id)
        except (TypeError, ValueError):
            return None
        return user if user is not None and self.user_can_authenticate(user) else None
