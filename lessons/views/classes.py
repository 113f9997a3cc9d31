"""Teachers' class pages: join code, roster, printable slips and new passwords."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coexist import lockout
from coexist.models import User
from lessons import access
from lessons.forms.classes import RosterForm
from lessons.models import (
    Classroom,
    Enrolment,
)
from lessons.services import classes as services
from lessons.views.home import assignments_with_counts


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
        "lessons/classes/class_detail.html",
        {
            "classroom": classroom,
            "join_url": request.build_absolute_uri(
                reverse("lessons:join_class", args=[classroom.join_code])
            ),
            "locked_out": lockout.locked_out(
                User.objects.filter(enrolments__classroom=classroom).values("username")
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
        return HttpResponseBadRequest(_("Say whether joining should be open: open=yes or open=no."))
    classroom.joining_open = wanted == "yes"
    classroom.save(update_fields=["joining_open"])
    if classroom.joining_open:
        messages.success(
            request,
            _("Students can join %(class)s with its code again.") % {"class": classroom.name},
        )
    else:
        messages.success(
            request,
            _("Joining is closed: the code for %(class)s no longer works.")
            % {"class": classroom.name},
        )
    return redirect(classroom)


@login_required
@require_POST
def class_rotate_code(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = _get_class_for_teacher(request, pk)
    classroom.rotate_join_code()
    messages.success(
        request,
        _(
            "%(class)s has a new code, %(code)s. The old code no longer works; "
            "students already in the class are not affected."
        )
        % {"class": classroom.name, "code": classroom.display_code},
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
        heading = ngettext(
            "%(count)s account for %(class)s", "%(count)s accounts for %(class)s", len(slips)
        ) % {"count": len(slips), "class": classroom.name}
        return _slips(request, classroom, slips, heading=heading)
    return render(
        request,
        "lessons/classes/class_roster.html",
        {"classroom": classroom, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
@never_cache
def reset_student_password(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    classroom = _get_class_for_teacher(request, pk)
    student = get_object_or_404(access.students_in_class(request.user, classroom), pk=student_pk)
    slip = services.reset_password(student=student, classroom=classroom)
    return _slips(
        request, classroom, [slip], heading=_("New password for %(name)s") % {"name": slip.name}
    )


@login_required
@require_POST
def unlock_student(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    """Lift a login lockout at once, instead of the student waiting it out."""
    classroom = _get_class_for_teacher(request, pk)
    student = get_object_or_404(access.students_in_class(request.user, classroom), pk=student_pk)
    lockout.unlock(student.username)
    messages.success(
        request,
        _("%(name)s can log in again.") % {"name": student.get_full_name() or student.username},
    )
    return redirect(classroom)


def _slips(request, classroom, slips, *, heading: str) -> HttpResponse:
    return render(
        request,
        "lessons/classes/slips.html",
        {
            "classroom": classroom,
            "slips": slips,
            "heading": heading,
            "login_url": request.build_absolute_uri(reverse("login")),
        },
    )
