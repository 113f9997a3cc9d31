"""Claims traced to evidence: the teacher reads a sectioned answer with its numbered
notes, each note linked to the source it cites and showing the passage it rests on, and
beside it the highlights the student never used and the sources never cited."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from lessons.models import (
    AnswerFormat,
    Assignment,
    LessonSource,
    SourceAnnotation,
    Submission,
)
from tests.lessons.factories import make_assignment, make_class_assignment, make_lesson

pytestmark = pytest.mark.django_db

HIGHLIGHTS = [
    {"id": "h1", "quote": "we shall", "start": 0, "end": 8, "note": "A threat?", "tag": "bias"},
    {"id": "h2", "quote": "bury you", "start": 9, "end": 17, "note": "", "tag": "evidence"},
]
REGION = {"id": "r1", "x": 0.1, "y": 0.2, "w": 0.3, "h": 0.4, "note": "The bomb", "tag": "bias"}


@pytest.fixture
def ib_format():
    return AnswerFormat.objects.get(slug="ib-historical-investigation")


@pytest.fixture
def assignment(classroom, ib_format) -> Assignment:
    lesson = make_lesson(sources=3, published=True, answer_format=ib_format)
    return make_assignment(classroom, lesson=lesson)


def source(assignment: Assignment, label: str) -> LessonSource:
    return assignment.lesson.lesson_sources.get(label=label)


@pytest.fixture
def work(assignment, student) -> Submission:
    SourceAnnotation.objects.create(
        assignment=assignment,
        student=student,
        lesson_source=source(assignment, "A"),
        highlights=HIGHLIGHTS,
    )
    SourceAnnotation.objects.create(
        assignment=assignment,
        student=student,
        lesson_source=source(assignment, "B"),
        regions=[REGION],
    )
    return Submission.objects.create(
        assignment=assignment,
        student=student,
        status=Submission.Status.SUBMITTED,
        submitted_at=timezone.now(),
        sections={
            "sources": "Khrushchev spoke of peace [@A, p. 12 #h1]. <script>alert(1)</script>",
            "investigation": "The cartoon doubts it [@B #r1]. He said so again [@A].",
            "reflection": "Historians weigh sources.",
        },
    )


def review_url(assignment: Assignment, student) -> str:
    return reverse("lessons:review", args=[assignment.pk, student.pk])


def plain(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def notes_of(content: str) -> list[str]:
    notes = content.split('id="essay-notes-heading"')[1].split("</section>")[0]
    return re.findall(r'<li id="note-\d+"[^>]*>(.*?)</li>', notes, re.S)


def panel_of(content: str) -> str:
    return content.split('id="evidence-heading"')[1].split("</section>")[0]


def test_the_answer_reads_as_its_sections_with_words_counted_and_numbered_notes(
    teacher_client, assignment, student, work
):
    content = teacher_client.get(review_url(assignment, student)).content.decode()
    answer = content.split('id="answer-heading"')[1].split('class="essay-notes')[0]
    titles = re.findall(r'<h3 id="essay-part-\d+" class="h5 mb-1">(.*?)</h3>', answer)
    assert titles == ["Identification and evaluation of sources", "Investigation", "Reflection"]
    assert "5 words · 500 suggested" in plain(answer)  # the marker is not counted
    assert re.findall(r'<sup class="note-ref"><a href="#note-(\d+)"', answer) == ["1", "2", "3"]
    assert "Judgement:" not in plain(answer)


def test_each_note_links_to_its_source_and_shows_the_evidence_it_rests_on(
    teacher_client, assignment, student, work
):
    content = teacher_client.get(review_url(assignment, student)).content.decode()
    a, b = source(assignment, "A"), source(assignment, "B")
    first, second, third = notes_of(content)
    assert f'<a href="#work-{a.pk}">Source A</a>, 12:' in first
    assert 'passage <q class="evidence-quote">we shall</q>' in first
    assert "rests on the highlighted passage we shall (A threat?)" in plain(first)
    assert f'<a href="#work-{b.pk}">Source B</a>:' in second
    assert "rests on a marked region of the image (The bomb)" in plain(second)
    assert "not tied to a highlight or region" in plain(third)
    # The link's target is the source's card with the student's work on it.
    assert f'id="work-{a.pk}"' in content


def test_the_side_panel_lists_unused_highlights_uncited_sources_and_the_works_cited(
    teacher_client, assignment, student, work
):
    content = teacher_client.get(review_url(assignment, student)).content.decode()
    panel = panel_of(content)
    c = source(assignment, "C")
    unused = panel.split("Highlights not used in the text")[1].split("</ul>")[0]
    a = source(assignment, "A")
    assert re.findall(r"<li>(.*?)</li>", unused) == [
        f'<a href="#work-{a.pk}">Source A</a>: <q>bury you</q>'
    ]
    uncited = panel.split("Sources never cited")[1].split("</ul>")[0]
    assert f'<a href="#work-{c.pk}">Source C</a> — {c.source.display_title}' in uncited
    works = re.findall(r"<li translate=\"no\">(.*?)</li>", panel.split("Works cited")[1], re.S)
    assert len(works) == 2
    for label in "AB":
        assert source(assignment, label).source.title in plain("".join(works))


def test_the_students_text_in_the_essay_is_escaped(teacher_client, assignment, student, work):
    content = teacher_client.get(review_url(assignment, student)).content.decode()
    assert "<script>alert(1)" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_a_highlight_quote_with_html_is_shown_as_text(teacher_client, assignment, student, work):
    SourceAnnotation.objects.filter(lesson_source=source(assignment, "A")).update(
        highlights=[{**HIGHLIGHTS[0], "quote": "<img src=x onerror=alert(3)>"}, HIGHLIGHTS[1]]
    )
    content = teacher_client.get(review_url(assignment, student)).content.decode()
    assert "<img src=x" not in content
    assert '<q class="evidence-quote">&lt;img src=x onerror=alert(3)&gt;</q>' in content


def test_the_printable_report_shows_the_notes_and_the_evidence_panel(
    teacher_client, assignment, student, work
):
    response = teacher_client.get(reverse("lessons:report", args=[assignment.pk, student.pk]))
    content = response.content.decode()
    assert len(notes_of(content)) == 3
    assert "<q>bury you</q>" in panel_of(content)


def test_a_lesson_without_an_answer_format_shows_its_single_answer(
    teacher_client, classroom, student
):
    assignment = make_assignment(classroom)
    Submission.objects.create(
        assignment=assignment,
        student=student,
        status=Submission.Status.SUBMITTED,
        answer="One box [@A].",
    )
    content = teacher_client.get(review_url(assignment, student)).content.decode()
    assert "One box [@A]." in content
    assert "evidence-heading" not in content and "note-ref" not in content


@pytest.mark.parametrize("citations", [1, 30])
def test_the_marking_page_costs_the_same_queries_whatever_the_citations_and_highlights(
    client, teacher, ib_format, django_assert_num_queries, citations
):
    assignment, people = make_class_assignment(teacher, students=3, sources=4)
    assignment.lesson.answer_format = ib_format
    assignment.lesson.save()
    student = people[0]
    lesson_sources = list(assignment.lesson.lesson_sources.order_by("order"))
    highlights = [
        {"id": f"h{i}", "quote": f"passage {i}", "start": 0, "end": 5, "note": "", "tag": "bias"}
        for i in range(citations)
    ]
    for ls in lesson_sources:
        SourceAnnotation.objects.create(
            assignment=assignment, student=student, lesson_source=ls, highlights=highlights
        )
    markers = " ".join(
        f"Claim {i} [@{lesson_sources[i % 4].label}, {i} #h{i}]." for i in range(citations)
    )
    Submission.objects.create(
        assignment=assignment,
        student=student,
        status=Submission.Status.SUBMITTED,
        sections={"sources": markers, "investigation": markers, "reflection": "Done."},
    )
    client.force_login(teacher)
    # The 13 of a single answer (tests/lessons/test_review.py), with the lesson's sources
    # now brought with their citation data: 14 the sources with their provenance, 15 their
    # credits with their authors, 16 their themes; and 17 the answer format's sections.
    with django_assert_num_queries(17):
        response = client.get(review_url(assignment, student))
    content = response.content.decode()
    assert len(notes_of(content)) == 2 * citations
    assert content.count("rests on the highlighted passage") == 2 * citations
