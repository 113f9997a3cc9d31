"""Joining a class with its code: the form, the sign-up, the throttle on wrong codes."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from coexist import sessions
from coexist.clients import client_address
from lessons import access
from lessons.forms.joining import JoinCodeForm, StudentSignupForm
from lessons.models import (
    Classroom,
)
from lessons.services import classes as services

log = logging.getLogger(__name__)


def _keyed(kind: str, value: str) -> str:
    """A keyed hash, so the throttle's table holds no address and no session key."""
    return salted_hmac(f"lessons.joining.{kind}", value, algorithm="sha256").hexdigest()


def _address_key(request: HttpRequest) -> str:
    return _keyed("address", client_address(request))


def _session_key(request: HttpRequest, *, create: bool = False) -> str:
    if create and request.session.session_key is None:
        request.session.save()  # a first wrong code starts the visitor's session
    key = request.session.session_key
    return _keyed("session", key) if key else ""


def _wrong_code(request: HttpRequest, form: JoinCodeForm) -> HttpResponse:
    """A well-formed code that opens no class: 404, or 429 once over a limit."""
    client = _address_key(request)
    limit = services.wrong_codes_over_limit(client=client, session=_session_key(request))
    if limit is None:
        services.record_wrong_code(client=client, session=_session_key(request, create=True))
        form.add_error("code", _("No class has that code. Check each character with your teacher."))
        return render(request, "lessons/joining/join.html", {"form": form}, status=404)
    log.warning(
        "Wrong class codes: the %s limit is reached (key %s…).",
        "address" if limit.network else "session",
        client[:12],
    )
    if limit.network:
        message = ngettext(
            "Too many wrong class codes have been tried from this network in the last few "
            "minutes. Wait %(minutes)s minute before trying another. The right code works at "
            "any time, so check each character with your teacher.",
            "Too many wrong class codes have been tried from this network in the last few "
            "minutes. Wait %(minutes)s minutes before trying another. The right code works at "
            "any time, so check each character with your teacher.",
            limit.minutes,
        )
    else:
        message = ngettext(
            "Too many wrong class codes have been tried in this browser in the last few "
            "minutes. Wait %(minutes)s minute before trying another. The right code works at "
            "any time, so check each character with your teacher.",
            "Too many wrong class codes have been tried in this browser in the last few "
            "minutes. Wait %(minutes)s minutes before trying another. The right code works at "
            "any time, so check each character with your teacher.",
            limit.minutes,
        )
    form.add_error("code", message % {"minutes": limit.minutes})
    response = render(request, "lessons/joining/join.html", {"form": form}, status=429)
    response["Retry-After"] = str(limit.seconds)
    return response


def _find_class(request: HttpRequest, form: JoinCodeForm) -> Classroom | HttpResponse:
    """The class a code opens, or the code form again saying what is wrong.

    Only a code that could have been right counts against the throttle, and a right one
    is never refused by it.
    """
    if not form.is_valid():
        return render(request, "lessons/joining/join.html", {"form": form}, status=400)
    classroom = Classroom.objects.filter(join_code=form.cleaned_data["code"]).first()
    if classroom is None:
        return _wrong_code(request, form)
    if not classroom.accepts_joiners:
        form.add_error(
            "code",
            _(
                "“%(class)s” is not taking new students at the moment. "
                "Ask your teacher to open joining."
            )
            % {"class": classroom.name},
        )
        return render(request, "lessons/joining/join.html", {"form": form}, status=403)
    return classroom


def _teacher_cannot_join(request: HttpRequest, form: JoinCodeForm | None = None) -> HttpResponse:
    return render(
        request,
        "lessons/joining/join.html",
        {
            "form": form or JoinCodeForm(),
            "teacher_notice": True,
        },
        status=403,
    )


def _joined(request: HttpRequest, classroom: Classroom) -> HttpResponse:
    if services.enrol(classroom=classroom, student=request.user):
        messages.success(request, _("You have joined %(class)s.") % {"class": classroom.name})
    else:
        messages.info(request, _("You are already in %(class)s.") % {"class": classroom.name})
    return redirect("home")


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """Step one: the class code. A signed-in student joins at once."""
    if request.user.is_authenticated and not access.can_join_classes(request.user):
        return _teacher_cannot_join(request)
    if request.method == "GET":
        return render(request, "lessons/joining/join.html", {"form": JoinCodeForm()})
    classroom = _find_class(request, JoinCodeForm(request.POST))
    if isinstance(classroom, HttpResponse):
        return classroom
    if request.user.is_authenticated:
        return _joined(request, classroom)
    return redirect("lessons:join_class", code=classroom.join_code)


@require_http_methods(["GET", "POST"])
def join_class(request: HttpRequest, code: str) -> HttpResponse:
    """Step two: a visitor makes an account; a signed-in student confirms."""
    if request.user.is_authenticated and not access.can_join_classes(request.user):
        return _teacher_cannot_join(request)
    classroom = _find_class(request, JoinCodeForm({"code": code}))
    if isinstance(classroom, HttpResponse):
        return classroom
    if request.user.is_authenticated:
        if request.method == "POST":
            return _joined(request, classroom)
        if classroom.enrolments.filter(student=request.user).exists():
            messages.info(request, _("You are already in %(class)s.") % {"class": classroom.name})
            return redirect("home")
        return render(request, "lessons/joining/join_confirm.html", {"classroom": classroom})
    form = StudentSignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            student = services.create_student(
                classroom=classroom,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except ValidationError as error:
            form.add_error(None, error)
    if request.method == "POST" and form.is_valid():
        login(request, student, backend=sessions.BACKEND)
        messages.success(
            request,
            _(
                "Welcome, %(name)s. Your account is ready and you have joined %(class)s. "
                "Log in next time as “%(username)s”."
            )
            % {"name": student.first_name, "class": classroom.name, "username": student.username},
        )
        return redirect("home")
    return render(
        request,
        "lessons/joining/join_signup.html",
        {"classroom": classroom, "form": form},
        status=400 if form.is_bound else 200,
    )
