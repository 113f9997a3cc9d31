"""Joining a class with its code: the form, the sign-up, the throttle on wrong codes."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from lessons import access
from lessons.forms.joining import JoinCodeForm, StudentSignupForm
from lessons.models import (
    Classroom,
)
from lessons.services import classes as services


def _client_key(request: HttpRequest) -> str:
    """A hash of the visitor's address, for throttling; the address itself is not kept."""
    address = request.META.get("REMOTE_ADDR", "")
    if settings.SECURE_PROXY_SSL_HEADER:
        # Behind the school's proxy, the last hop it appended is the real client.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        address = forwarded.split(",")[-1].strip() or address
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()


def _throttled(request: HttpRequest) -> HttpResponse | None:
    if services.join_attempts_left(_client_key(request)) > 0:
        return None
    minutes = int(services.JOIN_ATTEMPT_WINDOW.total_seconds() // 60)
    response = render(
        request,
        "lessons/joining/join.html",
        {
            "form": JoinCodeForm(),
            "throttled": f"Too many wrong class codes have been tried from here. Wait {minutes} "
            "minutes, then try again — or ask your teacher to check the code.",
        },
        status=429,
    )
    response["Retry-After"] = str(minutes * 60)
    return response


def _find_class(request: HttpRequest, form: JoinCodeForm) -> tuple[Classroom | None, int]:
    """The class a valid form's code opens, or an error on the form and its status."""
    if not form.is_valid():
        services.record_failed_join(_client_key(request))
        return None, 400
    classroom = Classroom.objects.filter(join_code=form.cleaned_data["code"]).first()
    if classroom is None:
        services.record_failed_join(_client_key(request))
        form.add_error("code", "No class has that code. Check each character with your teacher.")
        return None, 404
    if not classroom.accepts_joiners:
        form.add_error(
            "code",
            f"“{classroom.name}” is not taking new students at the moment. "
            "Ask your teacher to open joining.",
        )
        return None, 403
    return classroom, 200


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
        messages.success(request, f"You have joined {classroom.name}.")
    else:
        messages.info(request, f"You are already in {classroom.name}.")
    return redirect("home")


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """Step one: the class code. A signed-in student joins at once."""
    if request.user.is_authenticated and not access.can_join_classes(request.user):
        return _teacher_cannot_join(request)
    if request.method == "GET":
        return render(request, "lessons/joining/join.html", {"form": JoinCodeForm()})
    if throttled := _throttled(request):
        return throttled
    form = JoinCodeForm(request.POST)
    classroom, status = _find_class(request, form)
    if classroom is None:
        return render(request, "lessons/joining/join.html", {"form": form}, status=status)
    if request.user.is_authenticated:
        return _joined(request, classroom)
    return redirect("lessons:join_class", code=classroom.join_code)


@require_http_methods(["GET", "POST"])
def join_class(request: HttpRequest, code: str) -> HttpResponse:
    """Step two: a visitor makes an account; a signed-in student confirms."""
    if request.user.is_authenticated and not access.can_join_classes(request.user):
        return _teacher_cannot_join(request)
    if throttled := _throttled(request):
        return throttled
    code_form = JoinCodeForm({"code": code})
    classroom, status = _find_class(request, code_form)
    if classroom is None:
        return render(request, "lessons/joining/join.html", {"form": code_form}, status=status)
    if request.user.is_authenticated:
        if request.method == "POST":
            return _joined(request, classroom)
        if classroom.enrolments.filter(student=request.user).exists():
            messages.info(request, f"You are already in {classroom.name}.")
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
        login(request, student, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            f"Welcome, {student.first_name}. Your account is ready and you have joined "
            f"{classroom.name}. Log in next time as “{student.username}”.",
        )
        return redirect("home")
    return render(
        request,
        "lessons/joining/join_signup.html",
        {"classroom": classroom, "form": form},
        status=400 if form.is_bound else 200,
    )
