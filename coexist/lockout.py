"""Login lockouts: the page a locked account sees, who is locked, and unlocking.

django-axes counts the failures and refuses a locked account (settings: "Login
throttling"). This module is Coexist's side of it: the lockout page in the site's own
chrome (or the admin's), and the two questions a teacher's class page asks — which of
these students are locked out, and please unlock this one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.utils import reset
from django.contrib import admin
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _


def lockout_minutes() -> int:
    return max(1, round(_cool_off().total_seconds() / 60))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: a 429 that says what to do, for a student and for a teacher.

    It never says whether the username exists or whose it is: the same page for everyone.
    """
    context = {
        "locked_username": get_client_username(request, credentials) or "",
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": lockout_minutes(),
    }
    if request.path.startswith(reverse("admin:index")):
        template = "admin/locked_out.html"
        context |= {**admin.site.each_context(request), "title": _("Account locked")}
    else:
        template = "registration/locked_out.html"
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(int(_cool_off().total_seconds()))
    return response


def locked_out(usernames: QuerySet | Iterable[str]) -> set[str]:
    """Which of these usernames Axes refuses now: one query, however many there are.

    Axes locks a username *and* address pair once its failures within the cool-off reach
    the limit, so a username is locked if any one address has reached it. Pass a
    `values("username")` queryset to keep it one query for a whole class.
    """
    since = timezone.now() - _cool_off()
    return set(
        AccessAttempt.objects.filter(username__in=usernames, attempt_time__gte=since)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=get_failure_limit(None, None))
        .values_list("username", flat=True)
    )


def unlock(username: str) -> int:
    """Forget the failed logins of this username from every address; the count removed."""
    return reset(username=username)


def _cool_off() -> timedelta:
    return get_cool_off(None) or timedelta(0)
