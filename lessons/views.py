from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coexist import access
from coexist.access import visible_lessons
from lessons import services
from lessons.forms import JoinCodeForm, RosterForm, StudentSignupForm
from lessons.models import (
    Assignment,
    Classroom,
    Enrolment,
    Lesson,
    LessonSource,
    SourceAnnotation,
    Submission,
)
from sources.models import Interpretation, Source


def _get_lesson_for_user(request: HttpRequest, slug: str) -> Lesson:
    """A lesson the user may see, with everything the preview shows, or 404."""
    lesson = (
        visible_lessons(request.user)
        .select_related("framework")
        .prefetch_related(
            "framework__prompts",
            "glossary",
            "facts",
            Prefetch(
                "lesson_sources",
                queryset=LessonSource.objects.order_by("order", "pk").prefetch_related(
                    Prefetch("source", queryset=Source.objects.with_citation_data())
                ),
            ),
            Prefetch(
                "interpretations",
                queryset=Interpretation.objects.select_related("historian", "work"),
            ),
        )
        .filter(slug=slug)
        .first()
    )
    if lesson is None:
        raise Http404("No such lesson")
    return lesson


@login_required
@require_GET
def lesson_preview(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = _get_lesson_for_user(request, slug)
    return render(request, "lessons/preview.html", {"lesson": lesson})


# --- Joining a class -------------------------------------------------------------------


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
        "lessons/join.html",
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
        "lessons/join.html",
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
        return render(request, "lessons/join.html", {"form": JoinCodeForm()})
    if throttled := _throttled(request):
        return throttled
    form = JoinCodeForm(request.POST)
    classroom, status = _find_class(request, form)
    if classroom is None:
        return render(request, "lessons/join.html", {"form": form}, status=status)
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
        return render(request, "lessons/join.html", {"form": code_form}, status=status)
    if request.user.is_authenticated:
        if request.method == "POST":
            return _joined(request, classroom)
        if classroom.enrolments.filter(student=request.user).exists():
            messages.info(request, f"You are already in {classroom.name}.")
            return redirect("home")
        return render(request, "lessons/join_confirm.html", {"classroom": classroom})
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
        "lessons/join_signup.html",
        {"classroom": classroom, "form": form},
        status=400 if form.is_bound else 200,
    )


# --- Teachers' class pages ---------------------------------------------------------------


def _get_class_for_teacher(request: HttpRequest, pk: int, *prefetch) -> Classroom:
    """A class the user teaches, or 404: another teacher's class does not exist for them."""
    return get_object_or_404(access.classes_taught(request.user).prefetch_related(*prefetch), pk=pk)


@login_required
@require_GET
def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = _get_class_for_teacher(
        request,
        pk,
        "teachers",
        Prefetch(
            "enrolments",
            queryset=Enrolment.objects.select_related("student").order_by(
                "student__last_name", "student__first_name", "student__username"
            ),
        ),
        Prefetch("assignments", queryset=assignments_with_counts()),
    )
    return render(
        request,
        "lessons/class_detail.html",
        {
            "classroom": classroom,
            "join_url": request.build_absolute_uri(
                reverse("lessons:join_class", args=[classroom.join_code])
            ),
        },
    )


@login_required
@require_POST
def class_joining(request: HttpRequest, pk: int) -> HttpResponse:
    """Open or close joining with the code."""
    classroom = _get_class_for_teacher(request, pk)
    wanted = request.POST.get("open")
    if wanted not in ("yes", "no"):
        return HttpResponseBadRequest("Say whether joining should be open: open=yes or open=no.")
    classroom.joining_open = wanted == "yes"
    classroom.save(update_fields=["joining_open"])
    if classroom.joining_open:
        messages.success(request, f"Students can join {classroom.name} with its code again.")
    else:
        messages.success(
            request, f"Joining is closed: the code for {classroom.name} no longer works."
        )
    return redirect(classroom)


@login_required
@require_POST
def class_rotate_code(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = _get_class_for_teacher(request, pk)
    classroom.rotate_join_code()
    messages.success(
        request,
        f"{classroom.name} has a new code, {classroom.display_code}. The old code no longer works; "
        "students already in the class are not affected.",
    )
    return redirect(classroom)


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def class_roster(request: HttpRequest, pk: int) -> HttpResponse:
    """Add students from a list of names; their one-time passwords are shown once."""
    classroom = _get_class_for_teacher(request, pk)
    form = RosterForm(request.POST, request.FILES) if request.method == "POST" else RosterForm()
    if request.method == "POST" and form.is_valid():
        slips = services.add_roster(classroom=classroom, names=form.cleaned_data["roster"])
        return _slips(
            request, classroom, slips, heading=f"{len(slips)} accounts for {classroom.name}"
        )
    return render(
        request,
        "lessons/class_roster.html",
        {"classroom": classroom, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
@never_cache
def reset_student_password(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    classroom = _get_class_for_teacher(request, pk)
    student = get_object_or_404(
        access.students_taught(request.user).filter(enrolments__classroom=classroom), pk=student_pk
    )
    slip = services.reset_password(student=student, classroom=classroom)
    return _slips(request, classroom, [slip], heading=f"New password for {slip.name}")


def _slips(request, classroom, slips, *, heading: str) -> HttpResponse:
    return render(
        request,
        "lessons/slips.html",
        {
            "classroom": classroom,
            "slips": slips,
            "heading": heading,
            "login_url": request.build_absolute_uri(reverse("login")),
        },
    )


def assignments_with_counts():
    """Assignments with their lesson and the counts a teacher's overview shows."""
    submissions = Submission.objects.values("assignment")
    return (
        Assignment.objects.select_related("lesson")
        .annotate(
            started_total=_count(
                SourceAnnotation.objects.values("assignment"), "student", distinct=True
            ),
            to_review_total=_count(submissions.filter(status=Submission.Status.SUBMITTED), "pk"),
            returned_total=_count(submissions.filter(status=Submission.Status.RETURNED), "pk"),
        )
        .order_by("due_at", "opens_at", "pk")
    )


def _count(queryset, field: str, *, distinct: bool = False, **match: str):
    """A correlated COUNT as a subquery, so several counts never multiply joined rows.

    `match` pairs the counted rows' field with the outer row's field; by default
    the counted rows belong to the outer assignment.
    """
    match = match or {"assignment": "pk"}
    counted = (
        queryset.filter(**{inner: OuterRef(outer) for inner, outer in match.items()})
        .order_by()
        .annotate(total=Count(field, distinct=distinct))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# --- Home pages --------------------------------------------------------------------------


def teacher_classes(user) -> list[Classroom]:
    """The teacher's classes with codes, student counts and assignment counts, archived
    ones last (their work stays within reach, read-only)."""
    return list(
        access.classes_taught(user)
        .annotate(student_total=Count("enrolments"))
        .prefetch_related(Prefetch("assignments", queryset=assignments_with_counts()))
        .order_by("archived", "name", "pk")
    )


def student_classes(user) -> list[Classroom]:
    """The student's current classes, each assignment with this student's progress."""
    annotations = SourceAnnotation.objects.filter(student=user).values("assignment")
    assignments = (
        access.assignments_for_student(user)
        .select_related("lesson")
        .annotate(
            source_total=_count(LessonSource.objects.values("lesson"), "pk", lesson="lesson"),
            started_total=_count(annotations, "pk"),
            done_total=_count(annotations.filter(status=SourceAnnotation.Status.DONE), "pk"),
            answer_status=Subquery(
                Submission.objects.filter(assignment=OuterRef("pk"), student=user).values("status")[
                    :1
                ]
            ),
        )
        .order_by(F("due_at").asc(nulls_last=True), "opens_at", "pk")
    )
    return list(
        access.classes_joined(user)
        .current()
        .prefetch_related("teachers", Prefetch("assignments", queryset=assignments))
        .order_by("name", "pk")
    )
