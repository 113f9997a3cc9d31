"""A save never drops answers: those to prompts the page did not show are kept."""

from __future__ import annotations

import pytest

from lessons.models import SourceAnnotation
from lessons.services import work
from tests.lessons.factories import make_assignment

OPVL = ["origin", "purpose", "value", "limitation"]


@pytest.fixture
def assignment(classroom):
    return make_assignment(classroom)


def save(assignment, student, version, responses, keys=OPVL, done=False):
    return work.save_analysis(
        assignment=assignment,
        student=student,
        lesson_source_id=assignment.lesson.lesson_sources.first().pk,
        version=version,
        responses=responses,
        prompt_keys=keys,
        rating=3,
        rating_reason="",
        done=done,
    )


def saved(assignment, student) -> dict:
    return SourceAnnotation.objects.get(assignment=assignment, student=student).responses


def test_answers_to_prompts_the_page_did_not_show_are_kept(assignment, student):
    save(assignment, student, 0, {"nature": "A speech.", "origin": "Khrushchev."}, keys=[])
    save(assignment, student, 1, {"origin": "Khrushchev, 1956.", "purpose": "To reassure."})
    assert saved(assignment, student) == {
        "nature": "A speech.",
        "origin": "Khrushchev, 1956.",
        "purpose": "To reassure.",
    }


def test_emptying_a_shown_prompt_removes_only_that_answer(assignment, student):
    save(assignment, student, 0, {"nature": "A speech.", "origin": "Khrushchev."}, keys=[])
    save(assignment, student, 1, {"purpose": "To reassure."})
    assert saved(assignment, student) == {"nature": "A speech.", "purpose": "To reassure."}


def test_text_with_quotes_and_non_latin_letters_survives_the_merge(assignment, student):
    text = 'He said "мирное сосуществование" — {not JSON}\nİstanbul'
    save(assignment, student, 0, {"nature": "kept"}, keys=[])
    save(assignment, student, 1, {"origin": text})
    assert saved(assignment, student) == {"nature": "kept", "origin": text}


def test_a_stale_version_is_still_a_conflict_and_writes_nothing(assignment, student):
    save(assignment, student, 0, {"origin": "First."})
    with pytest.raises(work.Conflict):
        save(assignment, student, 0, {"origin": "Second."})
    with pytest.raises(work.Conflict):
        save(assignment, student, 5, {"origin": "Third."})
    assert saved(assignment, student) == {"origin": "First."}


def test_a_highlight_first_then_the_first_save_fills_the_row_in(assignment, student):
    ls = assignment.lesson.lesson_sources.first()
    work.add_highlight(
        assignment=assignment,
        student=student,
        lesson_source_id=ls.pk,
        start=0,
        end=3,
        quote="abc",
        note="",
        tag="evidence",
    )
    save(assignment, student, 0, {"origin": "After the highlight."})
    annotation = SourceAnnotation.objects.get(assignment=assignment, student=student)
    assert annotation.responses == {"origin": "After the highlight."}
    assert len(annotation.highlights) == 1


def test_earlier_answers_are_named_from_their_keys(assignment, student):
    save(assignment, student, 0, {"nature": "A speech.", "content-value": "Much."}, keys=[])
    annotation = SourceAnnotation.objects.get(assignment=assignment, student=student)
    prompts = list(assignment.lesson.framework.prompts.all())
    assert annotation.earlier_answers(prompts) == [
        ("Nature", "A speech."),
        ("Content value", "Much."),
    ]
