"""The dashboard's student rows, built by the `student_row` tag (`dashboard_tags`) rather
than the template: each student's name escaped exactly once (their username when they gave
no name), their stage, sources done and ratings, the judgement of handed-in work only, the
mark with its total when it has one, all in the page's language.

Most tests render the tag alone, on rows of unsaved students and answers; the page's own
tests below check the tag is what the dashboard uses.
"""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from coexist.models import User
from lessons.insight import StudentRow
from lessons.models import Enrolment, Submission
from tests.factories import make_student
from tests.lessons.factories import make_assignment

NASTY = """<script>alert("x")</script> & 'it'"""
NASTY_ONCE = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;it&#x27;"


@pytest.fixture(autouse=True)
def _in_english():
    """A page asked in French before leaves French active in the thread."""
    with translation.override("en-gb"):
        yield


def row(
    *,
    student: User | None = None,
    ratings: tuple = (None, None, None),
    statuses: tuple = ("", "", ""),
    submission: Submission | None = None,
    review_url: str = "/review/",
) -> StudentRow:
    return StudentRow(
        student=student or User(username="sam", first_name="Sam", last_name="Lee"),
        enrolment=None,
        ratings=list(ratings),
        statuses=list(statuses),
        submission=submission,
        review_url=review_url,
    )


def render(student_row: StudentRow) -> str:
    template = Template("{% load dashboard_tags %}{% student_row row lesson_sources %}")
    lesson_sources = [object()] * len(student_row.ratings)
    return template.render(Context({"row": student_row, "lesson_sources": lesson_sources}))


def cells(html: str) -> list[str]:
    """Each cell of a row, as written between its tags."""
    return re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", html)


def judgement_cell(html: str) -> str:
    return cells(html)[-2]


def mark_cell(html: str) -> str:
    return cells(html)[-1]


def test_a_students_name_and_link_are_escaped_exactly_once():
    student = User(username="sam", first_name=NASTY, last_name="O'Neil & <b>Co</b>")
    html = render(row(student=student, review_url="/review/?show=to_mark&x=<y>"))
    assert "<script>" not in html and "&amp;lt;" not in html and "<b>" not in html
    assert (
        '<a href="/review/?show=to_mark&amp;x=&lt;y&gt;">'
        f"{NASTY_ONCE} O&#x27;Neil &amp; &lt;b&gt;Co&lt;/b&gt;</a>"
    ) in html


def test_the_username_shows_when_a_student_gave_no_name():
    html = render(row(student=User(username="pupil<07>&")))
    assert '<a href="/review/">pupil&lt;07&gt;&amp;</a>' in html


def test_the_full_name_shows_rather_than_the_username():
    html = render(row(student=User(username="s.lee", first_name="Sam", last_name="Lee")))
    assert '<a href="/review/">Sam Lee</a>' in html
    assert "s.lee" not in html


def test_a_row_has_the_stage_the_sources_done_and_a_cell_for_each_rating():
    html = render(row(ratings=(4, None, 1), statuses=("done", "in_progress", "done")))
    assert '<td><span class="stage stage-working">Working</span></td>' in html
    assert "<td>2 of 3</td>" in html
    assert html.count('<td class="text-center">') == 3
    assert '<span class="rating-cell rating-4" title="Mostly reliable">4' in html
    assert '<span class="rating-cell rating-none" aria-label="not rated">·</span>' in html
    assert html.index("rating-4") < html.index("rating-none") < html.index("rating-1")


def test_a_student_who_has_not_started_has_no_judgement_and_no_mark():
    html = render(row())
    assert '<span class="stage stage-not_started">Not started</span>' in html
    assert "<td>0 of 3</td>" in html
    assert judgement_cell(html) == mark_cell(html) == "—"


def test_a_drafts_judgement_is_not_shown():
    html = render(row(submission=Submission(status=Submission.Status.DRAFT, judgement=4)))
    assert judgement_cell(html) == "—"
    assert "To a large extent" not in html


@pytest.mark.parametrize("status", [Submission.Status.SUBMITTED, Submission.Status.RETURNED])
def test_a_handed_in_judgement_is_shown_in_words(status):
    html = render(row(submission=Submission(status=status, judgement=4)))
    assert judgement_cell(html) == "To a large extent"


def test_handed_in_work_without_a_judgement_shows_none():
    html = render(row(submission=Submission(status=Submission.Status.SUBMITTED)))
    assert judgement_cell(html) == "—"


@pytest.mark.parametrize(
    ("mark", "out_of", "shown"),
    [(7, 10, "7/10"), (12, None, "12"), (0, None, "0"), (0, 0, "0"), (None, 10, "—")],
)
def test_a_mark_shows_out_of_its_total_only_when_it_has_one(mark, out_of, shown):
    submission = Submission(status=Submission.Status.RETURNED, mark=mark, mark_out_of=out_of)
    assert mark_cell(render(row(submission=submission))) == shown


def test_the_row_is_one_table_row_laid_out_as_the_template_wrote_it():
    submission = Submission(status=Submission.Status.RETURNED, judgement=5, mark=9, mark_out_of=10)
    html = render(row(ratings=(None,), statuses=("done",), submission=submission))
    assert html == (
        "<tr>\n"
        '        <th scope="row" class="fw-normal"><a href="/review/">Sam Lee</a></th>\n'
        '        <td><span class="stage stage-returned">Returned</span></td>\n'
        "        <td>1 of 1</td>\n"
        '        <td class="text-center"><span class="rating-cell rating-none" '
        'aria-label="not rated">·</span></td>\n'
        "        <td>Completely</td>\n"
        "        <td>9/10</td>\n"
        "      </tr>"
    )


def test_a_french_row_is_in_french():
    submission = Submission(status=Submission.Status.SUBMITTED, judgement=4)
    with translation.override("fr"):
        html = render(row(ratings=(5, None), statuses=("done", ""), submission=submission))
    assert '<span class="stage stage-to_mark">À corriger</span>' in html
    assert "<td>1 sur 2</td>" in html
    assert 'title="Très fiable"' in html and 'aria-label="non évaluée"' in html
    assert judgement_cell(html) == "Dans une large mesure"
    assert not re.search(r"To mark| of |Very reliable|not rated|To a large extent", html)


# --- The page ------------------------------------------------------------------------------------


@pytest.fixture
def class_page(classroom, student):
    """The teacher's class, with `student` renamed NASTY and handed in, and a pupil who
    gave no name, still drafting."""
    student.first_name, student.last_name = NASTY, ""
    student.save()
    drafting = make_student("no_name")
    Enrolment.objects.create(classroom=classroom, student=drafting)
    assignment = make_assignment(classroom)
    Submission.objects.create(
        assignment=assignment,
        student=student,
        status=Submission.Status.RETURNED,
        judgement=2,
        mark=6,
        mark_out_of=8,
    )
    Submission.objects.create(
        assignment=assignment, student=drafting, status=Submission.Status.DRAFT, judgement=3
    )
    return assignment


def read(client, assignment, **headers) -> str:
    response = client.get(reverse("lessons:dashboard", args=[assignment.pk]), **headers)
    assert response.status_code == 200
    return response.content.decode()


def page_rows(html: str) -> list[str]:
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r"<tr>.*?</tr>", body, re.S)


@pytest.mark.django_db
def test_the_dashboard_writes_each_students_row_with_the_tag(teacher_client, class_page, student):
    found = page_rows(read(teacher_client, class_page))
    review = reverse("lessons:review", args=[class_page.pk, student.pk])
    assert len(found) == 2
    handed_in = next(each for each in found if NASTY_ONCE in each)
    assert f'<a href="{review}">{NASTY_ONCE}</a>' in handed_in
    assert cells(handed_in)[1:3] == [
        '<span class="stage stage-returned">Returned</span>',
        "0 of 2",
    ]
    assert cells(handed_in)[-2:] == ["To a small extent", "6/8"]
    drafting = next(each for each in found if ">no_name</a>" in each)
    assert cells(drafting)[-2:] == ["—", "—"]


@pytest.mark.django_db
def test_the_french_dashboard_writes_its_rows_in_french(teacher_client, class_page):
    found = page_rows(read(teacher_client, class_page, HTTP_ACCEPT_LANGUAGE="fr"))
    handed_in = next(each for each in found if NASTY_ONCE in each)
    assert cells(handed_in)[1:3] == ['<span class="stage stage-returned">Corrigé</span>', "0 sur 2"]
    assert cells(handed_in)[-2] == "Dans une faible mesure"
    assert 'aria-label="non évaluée"' in handed_in
