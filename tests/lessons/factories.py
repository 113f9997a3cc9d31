"""Small factories for lessons, built on the source library's factories."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from itertools import count

from django.utils import timezone

from coexist.models import User
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
from sources.models import Interpretation
from tests.factories import make_pupils
from tests.sources.factories import make_source

_numbers = count(1)


def make_lesson(
    *,
    sources: int = 0,
    interpretations: Sequence[Interpretation] = (),
    framework: str = "opvl",
    **fields,
) -> Lesson:
    """A lesson with `sources` new sources, labelled A, B, …, and these interpretations."""
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
    lesson.interpretations.add(*interpretations)
    return lesson


def make_text_lesson(*texts: str, **fields) -> Lesson:
    """A published lesson whose sources A, B, … hold these texts."""
    lesson = make_lesson(published=True, **fields)
    for order, text in enumerate(texts):
        LessonSource.objects.create(lesson=lesson, source=make_source(text=text), order=order)
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


def make_class_assignment(
    teacher, *, students: int, sources: int, interpretations: Sequence[Interpretation] = ()
) -> tuple[Assignment, list[User]]:
    """A published lesson of `sources` sources and these interpretations, set for a
    class of `teacher`'s with `students` pupils (`make_pupils`): what a query count is
    measured on, small and large. Returns the assignment and the pupils in list order."""
    pupils = make_pupils(students)
    classroom = make_classroom(teachers=[teacher], students=pupils)
    lesson = make_lesson(sources=sources, published=True, interpretations=interpretations)
    return make_assignment(classroom, lesson=lesson), pupils
