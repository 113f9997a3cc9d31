"""student1's demo draft of the IB investigation: sections, citations, real notes."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from lessons.demo import INVESTIGATION_SLUG
from lessons.models import SourceAnnotation, Submission
from lessons.services import citing, privacy
from sources.citations import plain

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(settings) -> Submission:
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    return Submission.objects.select_related("assignment__lesson__answer_format").get(
        assignment__lesson__slug=INVESTIGATION_SLUG
    )


def _essay(submission: Submission) -> citing.Essay:
    lesson = submission.assignment.lesson
    annotations = {
        a.lesson_source_id: a
        for a in SourceAnnotation.objects.filter(
            assignment=submission.assignment, student=submission.student
        )
    }
    return citing.essay(
        lesson.answer_format,
        submission.sections,
        lesson_sources=lesson.lesson_sources.select_related("source"),
        annotations=annotations,
    )


def test_student1_has_a_draft_with_citations_in_every_section(draft):
    assert (draft.student.username, draft.status) == ("student1", Submission.Status.DRAFT)
    assert sorted(draft.sections) == [
        "investigation",
        "reflection",
        "sources",
    ]  # jsonb reorders keys
    for text in draft.sections.values():
        assert citing.MARKER.search(text)
    lesson = draft.assignment.lesson
    assert draft.answer == citing.joined(citing.sections_of(lesson.answer_format, draft.sections))
    evaluated = lesson.lesson_sources.filter(pk__in=draft.evaluated)
    assert sorted(evaluated.values_list("label", flat=True)) == ["A", "C"]


def test_every_citation_becomes_a_note_and_works_cited_are_exactly_those_cited(draft):
    essay = _essay(draft)
    assert essay.problems == []
    cited = {note.lesson_source.label for note in essay.notes}
    assert 3 <= len(cited) <= 5
    assert sorted(ls.label for ls, _ in essay.works_cited) == sorted(cited)
    assert len(essay.notes) > len(cited)  # some sources cited again: short notes
    assert [n.first for n in essay.notes].count(True) == len(cited)
    assert any(note.locator == "109–110" for note in essay.notes)
    tied = [note for note in essay.notes if note.evidence is not None]
    assert tied and {note.evidence_kind for note in tied} == {"highlight"}
    first_a = next(note for note in essay.notes if note.lesson_source.label == "A")
    assert "Foreign Affairs" in plain(first_a.html)
    assert essay.text_words < draft.assignment.lesson.answer_format.word_limit


def test_loading_the_demo_again_changes_nothing(draft):
    before = (
        list(SourceAnnotation.objects.order_by("pk").values_list("pk", "version", "highlights")),
        list(Submission.objects.order_by("pk").values_list("pk", "version", "sections")),
    )
    call_command("load_demo", stdout=io.StringIO())
    after = (
        list(SourceAnnotation.objects.order_by("pk").values_list("pk", "version", "highlights")),
        list(Submission.objects.order_by("pk").values_list("pk", "version", "sections")),
    )
    assert after == before


def test_student1s_own_record_holds_the_draft_by_section(draft):
    record = privacy.student_record(student=draft.student)
    [work] = [a for a in record["assignments"] if a["answer"]["sections"]]
    assert [s["title"] for s in work["answer"]["sections"]] == [
        "Identification and evaluation of sources",
        "Investigation",
        "Reflection",
    ]
    assert [e["source"] for e in work["answer"]["evaluated"]] == ["A", "C"]
