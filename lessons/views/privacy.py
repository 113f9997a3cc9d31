"""A student's data, whole: their own copy to print or download, a teacher's copy of a
student they teach, and erasure (rules and counting in `lessons.services.privacy`)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from coexist.models import User
from lessons import access
from lessons.forms.privacy import EraseForm
from lessons.models import Classroom
from lessons.services import privacy


def _get_student_for_teacher(
    request: HttpRequest, pk: int, student_pk: int
) -> tuple[Classroom, User]:
    """A class the user teaches and a student in it, or 404: a student of another
    teacher's class does not exist for them."""
    classroom = get_object_or_404(access.classes_taught(request.user), pk=pk)
    student = get_object_or_404(access.students_in_class(request.user, classroom), pk=student_pk)
    return classroom, student


def _json_download(record: dict, student: User) -> HttpResponse:
    day = timezone.localdate().isoformat()
    name = f"coexist-{slugify(student.username) or student.pk}-work-{day}.json"
    response = HttpResponse(
        json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
@never_cache
def my_work(request: HttpRequest) -> HttpResponse:
    """Everything of the student's, on one page that prints."""
    record = privacy.student_record(student=request.user)
    return render(
        request, "lessons/privacy/record.html", {"record": record, "student": request.user}
    )


@login_required
@require_GET
@never_cache
def my_work_json(request: HttpRequest) -> HttpResponse:
    return _json_download(privacy.student_record(student=request.user), request.user)


@login_required
@require_GET
@never_cache
def student_record(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    """What this teacher's classes hold of one student, for a request from home."""
    classroom, student = _get_student_for_teacher(request, pk, student_pk)
    record = privacy.student_record(student=student, teacher=request.user)
    return render(
        request,
        "lessons/privacy/record.html",
        {"record": record, "student": student, "classroom": classroom},
    )


@login_required
@require_GET
@never_cache
def student_record_json(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    _classroom, student = _get_student_for_teacher(request, pk, student_pk)
    return _json_download(privacy.student_record(student=student, teacher=request.user), student)


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def erase_student(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    """Count first, then erase on a confirmed POST (the rule: `may_erase_whole_account`)."""
    classroom, student = _get_student_for_teacher(request, pk, student_pk)
    name = student.get_full_name() or student.username
    try:
        plan = privacy.plan_erasure(student=student, by=request.user)
    except privacy.ErasureRefused as refusal:
        raise Http404(str(refusal)) from refusal
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            done = privacy.erase_student(student=student, by=request.user)
        except privacy.ErasureRefused as refusal:
            messages.error(request, str(refusal))
            return redirect(classroom)
        if done.whole_account:
            messages.success(
                request,
                _("%(name)s’s account and data were erased: %(counts)s.")
                % {"name": name, "counts": done.counts.sentence()},
            )
        else:
            messages.success(
                request,
                _(
                    "%(name)s was removed from %(classes)s and their work there erased: "
                    "%(counts)s. Their account stays for their other class."
                )
                % {
                    "name": name,
                    "classes": ", ".join(done.classes),
                    "counts": done.counts.sentence(),
                },
            )
        return redirect(classroom)
    return render(
        request,
        "lessons/privacy/erase.html",
        {"classroom": classroom, "student": student, "name": name, "plan": plan, "form": form},
        status=400 if form.is_bound else 200,
    )


def admin_erase(modeladmin, request: HttpRequest, queryset) -> HttpResponse | None:
    """The admin's "erase" action on users: counts each student's data, then on the
    confirmation's POST erases them (None sends the admin back to the list)."""
    chosen = list(queryset.order_by("username"))
    staff = [user.username for user in chosen if user.is_staff or user.is_superuser]
    students = [user for user in chosen if not (user.is_staff or user.is_superuser)]
    if staff:
        modeladmin.message_user(
            request,
            _("Staff accounts are not erased by this action: %(usernames)s.")
            % {"usernames": ", ".join(staff)},
            messages.WARNING,
        )
    if not students:
        return None
    if request.POST.get("post") == "yes":
        done = []
        for student in students:
            name = student.get_full_name() or student.username
            try:
                plan = privacy.erase_student(student=student, by=request.user)
            except privacy.ErasureRefused as refusal:
                modeladmin.message_user(
                    request,
                    # Translators: a student's name, then why they could not be erased
                    _("%(name)s: %(reason)s") % {"name": name, "reason": refusal},
                    messages.ERROR,
                )
                continue
            done.append(f"{name} ({plan.counts.sentence()})")
        if done:
            modeladmin.message_user(
                request,
                _("Erased: %(students)s.") % {"students": "; ".join(done)},
                messages.SUCCESS,
            )
        return None
    return TemplateResponse(
        request,
        "lessons/privacy/admin_erase.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": _("Erase students and all their data?"),
            "opts": modeladmin.model._meta,
            "plans": [privacy.plan_erasure(student=s, by=request.user) for s in students],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
    )
