"""The assignment page's list of sources, written by the `source_list` tag: each source
under its section's heading, escaped once, with its link, date, prediction badge and
this student's status, in the page's language."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import override

from lessons.models import Hidden, Reveal, SourceAnnotation
from lessons.templatetags.source_list_tags import source_list, work_status
from tests.lessons.factories import make_assignment, make_lesson
from tests.sources.factories import make_source

pytestmark = pytest.mark.django_db

TITLE = '<script>alert("x")</script> & Tom\'s'
SECTION = 'Print & <b>"media"</b>'


@pytest.fixture
def assignment(classroom, student):
    """Sources A and B in SECTION, C and D in none: A finished, B under way, B still to
    predict, C to interpret first, D undated."""
    lesson = make_lesson(published=True)
    for order, (section, reveal, fields) in enumerate(
        [
            (SECTION, Reveal.AT_ONCE, {"title": TITLE}),
            (SECTION, Reveal.PREDICT, {}),
            ("", Reveal.INTERPRET, {}),
            ("", Reveal.AT_ONCE, {"with_provenance": False}),
        ]
    ):
        lesson.lesson_sources.create(
            source=make_source(**fields),
            order=order,
            section=section,
            reveal=reveal,
            interpretation="A thaw" if reveal == Reveal.INTERPRET else "",
        )
    lesson.assign_labels()
    assignment = make_assignment(classroom, lesson)
    for label, status in (("A", "done"), ("B", "in_progress")):
        SourceAnnotation.objects.create(
            assignment=assignment,
            student=student,
            lesson_source=lesson.lesson_sources.get(label=label),
            status=status,
        )
    return assignment


def read(client, assignment, **headers) -> str:
    response = client.get(reverse("lessons:assignment", args=[assignment.pk]), **headers)
    assert response.status_code == 200
    return response.content.decode()


def rows(html: str) -> dict[str, str]:
    """Each source's list item, by its label."""
    items = re.findall(r'<li class="card card-paper mb-2">(.*?)</li>', html, re.S)
    return {re.search(r'aria-hidden="true">(\w+)</span>', item)[1]: item for item in items}


def test_a_title_with_markup_quotes_and_ampersands_is_escaped_exactly_once(
    student_client, assignment
):
    html = read(student_client, assignment)
    source = assignment.lesson.lesson_sources.get(label="A").source
    assert str(source.display_title) in rows(html)["A"]
    assert "&lt;script&gt;alert(" in rows(html)["A"]
    assert "<script>alert(" not in html
    assert "&amp;lt;" not in html and "&amp;amp;" not in html


def test_a_section_heads_its_sources_once_escaped_and_unsectioned_ones_have_none(
    student_client, assignment
):
    html = read(student_client, assignment)
    heading = f'<h3 class="h6 text-uppercase text-muted-strong mt-3">{escape(SECTION)}</h3>'
    assert html.count(heading) == 1
    assert html.count("<h3 ") == 1
    assert html.index(heading) < html.index(rows(html)["A"]) < html.index(rows(html)["C"])
    assert html.count('<ol class="list-unstyled source-list">') == 2


def test_each_source_shows_this_students_status_in_words(student_client, assignment):
    found = rows(read(student_client, assignment))
    assert "work-done" in found["A"] and "Done" in found["A"]
    assert "work-progress" in found["B"] and "In progress" in found["B"]
    for label in "CD":
        assert "work-none" in found[label] and "Not started" in found[label]


def test_a_source_still_to_predict_has_its_badge_and_no_date(student_client, assignment):
    found = rows(read(student_client, assignment))
    assert '<span class="badge prediction-badge">Predict first</span>' in found["B"]
    assert "<time" not in found["B"] and "1959" not in found["B"]


def test_a_source_to_interpret_first_has_its_badge_and_keeps_its_date(student_client, assignment):
    found = rows(read(student_client, assignment))
    assert '<span class="badge prediction-badge">Interpret first</span>' in found["C"]
    assert '<time datetime="1959-10">October 1959</time>' in found["C"]


def test_a_source_shown_at_once_has_no_badge_and_an_undated_one_no_date(student_client, assignment):
    found = rows(read(student_client, assignment))
    assert '<time datetime="1959-10">October 1959</time>' in found["A"]
    for label in "AD":
        assert "prediction-badge" not in found[label]
    assert "<time" not in found["D"]


def test_each_link_opens_its_own_source(student_client, assignment):
    found = rows(read(student_client, assignment))
    assert list(found) == ["A", "B", "C", "D"]
    for label, row in found.items():
        url = reverse("lessons:source_work", args=[assignment.pk, label])
        assert f'<a class="stretched-link fw-semibold" href="{url}">' in row
        assert f'<span class="visually-hidden">Source {label}: </span>' in row


def test_the_french_page_shows_the_french_words(student_client, assignment):
    found = rows(read(student_client, assignment, HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Source A\u00a0: </span>" in found["A"]  # a no-break space before the colon
    assert "Terminé" in found["A"] and "En cours" in found["B"] and "Pas commencé" in found["D"]
    assert "Prédire d’abord" in found["B"] and "Interpréter d’abord" in found["C"]
    assert "octobre 1959" in found["C"]
    assert not re.search(r"Done|In progress|Not started|Predict first|Interpret first", str(found))


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("status", ["done", "in_progress", ""])
def test_each_status_is_the_one_the_teachers_review_shows(assignment, status, language):
    lesson_source = assignment.lesson.lesson_sources.get(label="D")
    lesson_source.my_status, lesson_source.hidden = status, Hidden()
    with override(language):
        written = source_list([lesson_source], assignment)
        shown = work_status(status)
    assert f'<span class="flex-shrink-0">{shown}</span>' in written


def test_the_status_names_its_stage_in_words_and_hides_its_mark_from_screen_readers():
    with override("en"):
        shown = work_status("in_progress")
    assert shown == (
        '<span class="work-status work-progress"><span aria-hidden="true">◐</span> '
        "In progress</span>\n"
    )
