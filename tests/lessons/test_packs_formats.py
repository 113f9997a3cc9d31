"""Lesson packs carry the lesson's answer format and marking scheme."""

from __future__ import annotations

import json

import pytest

from lessons.models import AnswerFormat, Lesson, MarkingScheme, Submission
from lessons.packs import export_lessons, import_lessons
from sources.packs import PackError
from tests.lessons.factories import make_assignment, make_classroom, make_lesson

pytestmark = pytest.mark.django_db

IB = "ib-historical-investigation"


def _outline(answer_format: AnswerFormat, scheme: MarkingScheme) -> dict:
    return {
        "format": (answer_format.name, answer_format.word_limit),
        "sections": list(answer_format.sections.values_list("key", "title", "suggested_words")),
        "criteria": list(scheme.criteria.values_list("key", "title", "max_mark")),
        "bands": sorted(
            scheme.criteria.values_list("key", "bands__low", "bands__high", "bands__descriptor")
        ),
    }


def _pack(lesson: Lesson) -> dict:
    return json.loads(json.dumps(export_lessons([lesson]), default=str))


@pytest.fixture
def lesson() -> Lesson:
    return make_lesson(
        sources=2,
        published=True,
        answer_format=AnswerFormat.objects.get(slug=IB),
        marking_scheme=MarkingScheme.objects.get(slug=IB),
    )


def test_a_format_and_scheme_travel_with_the_lesson_into_an_instance_without_them(lesson):
    before = _outline(lesson.answer_format, lesson.marking_scheme)
    pack = _pack(lesson)
    assert pack["lessons"][0]["answer_format"] == IB
    assert [f["slug"] for f in pack["answer_formats"]] == [IB]
    assert [s["slug"] for s in pack["marking_schemes"]] == [IB]
    lesson.delete()
    AnswerFormat.objects.filter(slug=IB).delete()
    MarkingScheme.objects.filter(slug=IB).delete()

    report = import_lessons(pack)

    assert report.created["answer formats"] == report.created["marking schemes"] == 1
    imported = Lesson.objects.get(slug=lesson.slug)
    assert _outline(imported.answer_format, imported.marking_scheme) == before
    assert not import_lessons(pack).changed


def test_a_format_or_scheme_already_here_is_never_overwritten(lesson):
    pack = _pack(lesson)
    pack["answer_formats"][0]["name"] = "Renamed by another school"
    pack["answer_formats"][0]["sections"].pop()
    pack["marking_schemes"][0]["criteria"][0]["max_mark"] = 99
    report = import_lessons(pack)
    assert report.unchanged["answer formats"] == report.unchanged["marking schemes"] == 1
    assert AnswerFormat.objects.get(slug=IB).name == "IB Historical Investigation"
    assert AnswerFormat.objects.get(slug=IB).sections.count() == 3
    assert MarkingScheme.objects.get(slug=IB).criteria.get(key="A").max_mark == 6


def test_a_lesson_naming_a_format_the_pack_lacks_is_refused_by_name(lesson):
    pack = _pack(lesson)
    pack["answer_formats"] = []
    pack["lessons"][0]["answer_format"] = "no-such-format"
    with pytest.raises(
        PackError, match=f"lesson “{lesson.slug}”: no answer format “no-such-format”"
    ):
        import_lessons(pack)
    assert Lesson.objects.get(pk=lesson.pk).answer_format.slug == IB


def test_a_bad_band_rolls_back_the_pack_and_names_its_criterion(lesson):
    pack = _pack(lesson)
    MarkingScheme.objects.filter(slug=IB).update(slug="kept-here")
    pack["marking_schemes"][0]["criteria"][0]["bands"][0]["high"] = 40
    with pytest.raises(PackError, match=f"marking scheme “{IB}”, criterion A, band 1: high"):
        import_lessons(pack)
    assert not MarkingScheme.objects.filter(slug=IB).exists()


def test_a_pack_from_before_formats_imports_with_the_single_answer(lesson):
    pack = _pack(lesson)
    del pack["answer_formats"], pack["marking_schemes"]
    for key in ("answer_format", "marking_scheme"):
        del pack["lessons"][0][key]
    pack["lessons"][0]["slug"] = "an-older-lesson"
    import_lessons(pack)
    older = Lesson.objects.get(slug="an-older-lesson")
    assert (older.answer_format, older.marking_scheme) == (None, None)
    # …and a lesson already here keeps the format it has.
    pack["lessons"][0]["slug"] = lesson.slug
    import_lessons(pack)
    assert Lesson.objects.get(pk=lesson.pk).answer_format.slug == IB


def test_a_started_lesson_keeps_its_format(lesson, student):
    pack = _pack(lesson)
    assignment = make_assignment(make_classroom(students=[student]), lesson=lesson)
    Submission.objects.create(assignment=assignment, student=student, answer="Begun.")
    pack["lessons"][0]["answer_format"] = None
    with pytest.raises(PackError, match="answer_format: Students have started this lesson"):
        import_lessons(pack)
    assert not import_lessons(pack, keep_started=True).changed
    assert Lesson.objects.get(pk=lesson.pk).answer_format.slug == IB
