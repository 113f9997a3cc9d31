"""Small factories for lessons, built on the source library's factories."""

from __future__ import annotations

from itertools import count

from lessons.models import Fact, Framework, GlossaryTerm, Lesson, LessonSource
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
