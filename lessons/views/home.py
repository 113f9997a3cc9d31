"""Everyone's home page: a teacher's classes with what waits for review, a student's classes
and lessons with their progress, or a welcome."""

from __future__ import annotations

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lessons import access
from lessons.models import (
    Assignment,
    Classroom,
    LessonSource,
    SourceAnnotation,
    Submission,
)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The visitor's welcome, a teacher's classes, or a student's classes and lessons."""
    context = {}
    if access.is_teacher(request.user):
        classes = teacher_classes(request.user)
        context["classes"] = [c for c in classes if not c.archived]
        context["archived_classes"] = [c for c in classes if c.archived]
    elif access.can_join_classes(request.user):
        context["classes"] = student_classes(request.user)
    return render(request, "home.html", context)


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
