"""Small factories for lessons, built on the source library's factories."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

from django.utils import timezone

from lessons.models import (
    Assignment,
    Classroom,
    Enrolment,
    Fact,
    Framework,
    GlossaryTerm,
    Lesson,
    LessonSource,
)
from tests.sources.factories import make_source

_numbers = count(1)


def make_lesson(*, sources: int = 0, framework: str = "opvl", **fields) -> Lesson:
    number = next(_numbers)
    fields.setdefault("title", f"Lesson {number}")
    fields.setdefault("slug", f"lesson-{number}")
    fields.setdefault("research_question", "To what extent did coexistence change minds?")
    lesson = Lesson(framework=Framework.objects.get(slug=framework), **fields)
    lesson.full_clean()
    lesson.save()
    for order in range(sources):
        LessonSource.objects.create(lesson=lesson, source=make_source(), order=order)
    lesson.assign_labels()
    return lesson


def add_glossary(lesson: Lesson, term: str, definition: str) -> GlossaryTerm:
    return GlossaryTerm.objects.create(lesson=lesson, term=term, definition=definition)


def add_fact(lesson: Lesson, text: str) -> Fact:
    return Fact.objects.create(lesson=lesson, text=text)


def make_classroom(*, teachers=(), students=(), name: str | None = None, **fields) -> Classroom:
    classroom = Classroom.objects.create(name=name or f"Class {next(_numbers)}", **fields)
    classroom.teachers.add(*teachers)
    for student in students:
        Enrolment.objects.create(classroom=classroom, student=student)
    return classroom


def make_assignment(classroom: Classroom, lesson: Lesson | None = None, **fields) -> Assignment:
    """An assignment open since yesterday and due in a week, unless told otherwise."""
    now = timezone.now()
    fields.setdefault("opens_at", now - timedelta(days=1))
    fields.setdefault("due_at", now + timedelta(days=7))
    lesson = lesson or make_lesson(sources=2, published=True)
    return Assignment.objects.create(classroom=classroom, lesson=lesson, **fields)
