"""The dashboard's heat is remembered between loads only while nothing it shows has
changed: a student's new or removed highlight, a removed analysis or an edited source text
shows on the very next load."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lessons import insight
from lessons.models import Enrolment, SourceAnnotation
from sources.models import Source
from tests.factories import make_student

pytestmark = pytest.mark.django_db

TEXT = "Peaceful coexistence is the only alternative to war. We shall bury you economically."


def _highlight(quote: str, text: str = TEXT) -> dict:
    start = text.index(quote)
    return {"id": quote[:8], "quote": quote, "start": start, "end": start + len(quote)}


def _marks(client, assignment) -> list[tuple[str, str]]:
    """Each marked run of source A's text on the dashboard, with its count."""
    html = client.get(reverse("lessons:dashboard", args=[assignment.pk])).content.decode()
    return re.findall(r'<mark class="heat heat-\d" title="highlighted by (\d+)">(.*?)<span', html)


@pytest.fixture
def class_of_two(classroom, assignment):
    ada, ben = make_student("ada.h"), make_student("ben.h")
    for student in (ada, ben):
        Enrolment.objects.create(classroom=classroom, student=student)
    lesson_source = assignment.lesson.lesson_sources.get(label="A")
    Source.objects.filter(pk=lesson_source.source_id).update(text=TEXT)
    make = SourceAnnotation.objects.create
    first = make(assignment=assignment, student=ada, lesson_source=lesson_source)
    first.highlights = [_highlight("the only alternative to war")]
    first.save()
    second = make(assignment=assignment, student=ben, lesson_source=lesson_source)
    second.highlights = [_highlight("the only alternative to war")]
    second.save()
    return first, second


@pytest.fixture
def assignment(classroom):
    from tests.lessons.factories import make_assignment, make_lesson

    return make_assignment(classroom, make_lesson(sources=2, published=True))


def test_a_change_a_student_makes_shows_on_the_next_load(teacher_client, assignment, class_of_two):
    first, second = class_of_two
    assert _marks(teacher_client, assignment) == [("2", "the only alternative to war")]
    assert _marks(teacher_client, assignment) == [("2", "the only alternative to war")]

    second.highlights = [_highlight("We shall bury you")]
    second.save()
    assert _marks(teacher_client, assignment) == [
        ("1", "the only alternative to war"),
        ("1", "We shall bury you"),
    ]
    # The same words saved again by a queryset update, which no signal or timestamp sees.
    SourceAnnotation.objects.filter(pk=first.pk).update(highlights=[])
    assert _marks(teacher_client, assignment) == [("1", "We shall bury you")]
    second.delete()
    assert _marks(teacher_client, assignment) == []


def test_an_edited_source_text_shows_on_the_next_load(teacher_client, assignment, class_of_two):
    assert _marks(teacher_client, assignment) == [("2", "the only alternative to war")]
    source_id = assignment.lesson.lesson_sources.get(label="A").source_id
    Source.objects.filter(pk=source_id).update(text="War: the only alternative to war, they said.")
    assert _marks(teacher_client, assignment) == [("2", "the only alternative to war")]
    html = teacher_client.get(reverse("lessons:dashboard", args=[assignment.pk])).content.decode()
    assert "War: " in html and "they said." in html


def test_a_load_with_nothing_changed_decodes_no_highlights(
    teacher_client, assignment, class_of_two, monkeypatch
):
    _marks(teacher_client, assignment)
    computed = []
    real = insight.heat_and_passages
    monkeypatch.setattr(
        insight, "heat_and_passages", lambda *args: computed.append(1) or real(*args)
    )
    assert _marks(teacher_client, assignment) == [("2", "the only alternative to war")]
    assert computed == []


def test_the_cache_keeps_a_bounded_number_of_sources():
    cache = insight.HeatCache(size=3)
    for key in range(5):
        cache.put(key, "check", insight.NO_HEAT)
    assert [cache.get(key, "check") for key in range(5)] == [None, None] + [insight.NO_HEAT] * 3
    assert cache.get(4, "another check") is None
    cache.clear()
    assert cache.get(4, "check") is None
