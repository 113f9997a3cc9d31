"""Lessons as teachers see them before setting them: the preview, as a student would see it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lessons.access import visible_lessons
from lessons.models import (
    Lesson,
    LessonSource,
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
    return render(request, "lessons/curriculum/preview.html", {"lesson": lesson})
