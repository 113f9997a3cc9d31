"""Marking on criteria: a mark and a comment per criterion of the lesson's scheme, each
checked against its maximum, the band it falls in shown, the total computed; the marks
CSV has a column per criterion, and the student reads them once the work is returned."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lessons.models import Assignment, Criterion, MarkingScheme, Submission, SubmissionVersion
from lessons.services.marking import criteria_feedback
from tests.lessons.factories import make_assignment, make_class_assignment, make_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def ib():
    return MarkingScheme.objects.get(slug="ib-historical-investigation")


@pytest.fixture
def criteria(ib) -> dict[str, Criterion]:
    return {c.key: c for c in ib.criteria.all()}


@pytest.fixture
def assignment(classroom, ib) -> Assignment:
    lesson = make_lesson(sources=2, published=True, marking_scheme=ib)
    return make_assignment(classroom, lesson=lesson)


@pytest.fixture
def submitted(assignment, student) -> Submission:
    return Submission.objects.create(
        assignment=assignment,
        student=student,
        status=Submission.Status.SUBMITTED,
        submitted_at=timezone.now(),
        answer="Coexistence changed the tone more than the aims.",
    )


def review_url(assignment: Assignment, student) -> str:
    return reverse("lessons:review", args=[assignment.pk, student.pk])


def plain(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def post_marks(client, assignment, student, criteria, *, action="save", version=None, **marks):
    """The marking form as the page sends it: `A="5", A_comment="…"` per criterion."""
    data = {
        "version": Submission.objects.get(student=student).version if version is None else version,
        "feedback": "",
        "action": action,
    }
    for key, criterion in criteria.items():
        data[f"criterion_{criterion.pk}"] = marks.get(key, "")
        data[f"criterion_{criterion.pk}_comment"] = marks.get(f"{key}_comment", "")
    return client.post(review_url(assignment, student), data)


def reached_band(content: str, criterion: Criterion) -> str:
    """The descriptor of the band marked as reached in this criterion's fieldset."""
    fieldset = content.split(f'id="id_criterion_{criterion.pk}_bands"')[1].split("</ul>")[0]
    reached = re.findall(r'<li class="mark-band is-reached"[^>]*>(.*?)</li>', fieldset, re.S)
    return plain(reached[0]) if reached else ""


# --- The form ------------------------------------------------------------------------------


def test_the_form_has_a_mark_and_comment_per_criterion_and_no_single_mark(
    teacher_client, assignment, student, submitted, criteria
):
    content = teacher_client.get(review_url(assignment, student)).content.decode()
    assert 'name="mark"' not in content and 'name="mark_out_of"' not in content
    for criterion in criteria.values():
        assert re.search(
            rf'name="criterion_{criterion.pk}"[^>]*max="{criterion.max_mark}"', content
        )
        assert f'name="criterion_{criterion.pk}_comment"' in content
    assert "A: Identification and evaluation of sources (out of 6)" in plain(content)
    assert "Total: – out of 25" in plain(content)


def test_the_saved_marks_band_descriptor_is_marked_in_words_and_the_total_shown(
    teacher_client, assignment, student, submitted, criteria
):
    Submission.objects.filter(pk=submitted.pk).update(
        criterion_marks={"A": {"mark": 4, "comment": "Weigh purpose."}, "B": {"mark": 11}},
        mark=15,
        mark_out_of=25,
    )
    content = teacher_client.get(review_url(assignment, student)).content.decode()
    assert reached_band(content, criteria["A"]).startswith("3–4 A suitable question")
    assert reached_band(content, criteria["A"]).endswith("← this mark")
    assert reached_band(content, criteria["C"]) == ""
    assert ">Weigh purpose.</textarea>" in content
    assert "Total: 15 out of 25" in plain(content)


def test_a_lesson_without_a_scheme_keeps_its_single_mark(teacher_client, classroom, student):
    assignment = make_assignment(classroom)
    Submission.objects.create(
        assignment=assignment, student=student, status=Submission.Status.SUBMITTED
    )
    content = teacher_client.get(review_url(assignment, student)).content.decode()
    assert 'name="mark" id="id_mark"' in content
    assert "criterion_" not in content and "data-criteria" not in content


# --- Saving --------------------------------------------------------------------------------


def test_the_marks_are_saved_per_criterion_with_their_total_out_of_25(
    teacher_client, assignment, student, submitted, criteria
):
    response = post_marks(
        teacher_client,
        assignment,
        student,
        criteria,
        A="5",
        A_comment="Both sources weighed.",
        B="10",
        C="3",
    )
    assert response.status_code == 302
    work = Submission.objects.get(pk=submitted.pk)
    assert work.criterion_marks == {
        "A": {"mark": 5, "comment": "Both sources weighed."},
        "B": {"mark": 10, "comment": ""},
        "C": {"mark": 3, "comment": ""},
    }
    assert (work.mark, work.mark_out_of, work.status) == (18, 25, Submission.Status.SUBMITTED)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("7", "Criterion A is out of 6: the mark cannot be more than 6."),
        ("-1", "Criterion A: the mark cannot be below 0."),
        ("lots", "Criterion A: give the mark as a whole number from 0 to 6."),
        ("2.5", "Criterion A: give the mark as a whole number from 0 to 6."),
    ],
)
def test_a_mark_outside_its_criterions_range_is_refused_naming_it(
    teacher_client, assignment, student, submitted, criteria, typed, message
):
    response = post_marks(teacher_client, assignment, student, criteria, A=typed, B="15", C="4")
    assert response.status_code == 400
    content = response.content.decode()
    assert message in unescape(content)
    assert re.search(rf'name="criterion_{criteria["A"].pk}"[^>]*is-invalid', content)
    work = Submission.objects.get(pk=submitted.pk)
    assert (work.criterion_marks, work.mark, work.version) == ({}, None, 1)


def test_the_criterion_b_maximum_is_its_own(
    teacher_client, assignment, student, submitted, criteria
):
    response = post_marks(teacher_client, assignment, student, criteria, A="6", B="16", C="4")
    assert "Criterion B is out of 15" in unescape(response.content.decode())
    ok = post_marks(teacher_client, assignment, student, criteria, A="6", B="15", C="4")
    assert ok.status_code == 302
    assert Submission.objects.get(pk=submitted.pk).mark == 25


def test_returning_with_only_some_criteria_marked_is_refused(
    teacher_client, assignment, student, submitted, criteria
):
    response = post_marks(teacher_client, assignment, student, criteria, action="return", A="5")
    assert response.status_code == 400
    assert "Give a mark on criteria B and C too before returning" in unescape(
        response.content.decode()
    )
    assert Submission.objects.get(pk=submitted.pk).status == Submission.Status.SUBMITTED


def test_returning_keeps_the_criterion_marks_in_the_version_shown_later(
    teacher_client, assignment, student, submitted, criteria
):
    post_marks(
        teacher_client,
        assignment,
        student,
        criteria,
        action="revise",
        A="2",
        A_comment="Say why <b>B</b> matters.",
        B="7",
        C="1",
    )
    version = SubmissionVersion.objects.get(submission=submitted)
    assert version.criterion_marks["A"] == {"mark": 2, "comment": "Say why <b>B</b> matters."}
    assert (version.mark, version.mark_out_of) == (10, 25)
    content = teacher_client.get(review_url(assignment, student)).content.decode()
    earlier = content.split('id="versions-heading"')[1]
    assert "A</span> 2/6 — Say why &lt;b&gt;B&lt;/b&gt; matters.</li>" in earlier
    assert "B 7/15" in plain(earlier) and "C 1/4" in plain(earlier)


def test_a_colleagues_criteria_marks_are_a_conflict_and_are_not_overwritten(
    teacher_client, assignment, student, submitted, criteria, other_teacher
):
    assignment.classroom.teachers.add(other_teacher)
    colleague = Client()
    colleague.force_login(other_teacher)
    post_marks(colleague, assignment, student, criteria, version=1, A="6", B="14", C="4")

    response = post_marks(teacher_client, assignment, student, criteria, version=1, A="1")

    assert response.status_code == 409
    content = plain(response.content.decode())
    assert "mark 24/25 (A 6/6, B 14/15, C 4/4)" in content
    assert Submission.objects.get(pk=submitted.pk).criterion_marks["A"]["mark"] == 6
    assert re.search(
        rf'name="criterion_{criteria["A"].pk}"[^>]*value="1"', response.content.decode()
    )


def test_another_teacher_cannot_mark_on_criteria(
    assignment, student, submitted, criteria, other_teacher
):
    stranger = Client()
    stranger.force_login(other_teacher)
    assert stranger.get(review_url(assignment, student)).status_code == 404
    response = post_marks(stranger, assignment, student, criteria, A="6", B="15", C="4")
    assert response.status_code == 404
    assert Submission.objects.get(pk=submitted.pk).criterion_marks == {}


# --- The marks CSV --------------------------------------------------------------------------


def test_the_marks_csv_has_a_column_per_criterion(
    teacher_client, assignment, student, submitted, criteria
):
    post_marks(teacher_client, assignment, student, criteria, A="5", C="2")
    response = teacher_client.get(reverse("lessons:marks_csv", args=[assignment.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    start = header.index("Out of") + 1
    assert header[start : start + 3] == [
        "A: Identification and evaluation of sources (/6)",
        "B: Investigation (/15)",
        "C: Reflection (/4)",
    ]
    assert header[start + 3] == "Submitted"
    assert rows[1][header.index("Mark") : start + 3] == ["7", "25", "5", "", "2"]


def test_a_criterion_that_looks_like_a_formula_is_plain_text_in_the_csv(
    teacher_client, assignment, student, submitted, criteria
):
    Criterion.objects.filter(pk=criteria["C"].pk).update(key="=1+1")
    response = teacher_client.get(reverse("lessons:marks_csv", args=[assignment.pk]))
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert "'=1+1: Reflection (/4)" in header


@pytest.mark.parametrize("students", [1, 20])
def test_the_marks_csv_costs_one_more_query_for_a_scheme_whatever_the_class_size(
    client, teacher, ib, django_assert_num_queries, students
):
    assignment, people = make_class_assignment(teacher, students=students, sources=2)
    assignment.lesson.marking_scheme = ib
    assignment.lesson.save()
    Submission.objects.bulk_create(
        Submission(
            assignment=assignment,
            student=person,
            status=Submission.Status.RETURNED,
            mark=9,
            mark_out_of=25,
            criterion_marks={"A": {"mark": 4, "comment": ""}, "B": {"mark": 5, "comment": ""}},
        )
        for person in people
    )
    client.force_login(teacher)
    # The 9 of a lesson with a single mark (tests/lessons/test_exports.py), and 10 the
    # scheme's criteria.
    with django_assert_num_queries(10):
        response = client.get(reverse("lessons:marks_csv", args=[assignment.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
    assert {tuple(row[7:12]) for row in rows} == {("9", "25", "4", "5", "")}


# --- What the student reads -----------------------------------------------------------------


def test_the_student_sees_the_criteria_only_once_the_work_is_returned(
    teacher_client, assignment, student, submitted, criteria, django_assert_num_queries
):
    post_marks(teacher_client, assignment, student, criteria, A="5", A_comment="Clear.", B="9")
    work = Submission.objects.get(pk=submitted.pk)
    with django_assert_num_queries(0):
        assert criteria_feedback(assignment.lesson, work) == []
    assert not render_to_string("lessons/student/_criteria_feedback.html", {"criteria": []}).strip()

    post_marks(
        teacher_client,
        assignment,
        student,
        criteria,
        action="return",
        A="5",
        A_comment="Clear <script>x</script>",
        B="9",
        C="0",
    )
    work = Submission.objects.get(pk=submitted.pk)
    # 1 the criteria, 2 their bands.
    with django_assert_num_queries(2):
        rows = criteria_feedback(assignment.lesson, work)
    assert [(r["key"], r["mark"], r["max_mark"]) for r in rows] == [
        ("A", 5, 6),
        ("B", 9, 15),
        ("C", 0, 4),
    ]
    html = render_to_string("lessons/student/_criteria_feedback.html", {"criteria": rows})
    text = plain(html)
    assert "A: Identification and evaluation of sources — 5 out of 6" in text
    assert "5–6 marks band: A clear, well-chosen question" in text
    assert "Comment: Clear <script>x</script>" in text
    assert "<script>" not in html
    assert "C: Reflection — 0 out of 4 0 marks band: Nothing here reaches" in text


def test_a_lesson_without_a_scheme_gives_the_student_no_criteria(
    classroom, student, django_assert_num_queries
):
    assignment = make_assignment(classroom)
    work = Submission.objects.create(
        assignment=assignment, student=student, status=Submission.Status.RETURNED, mark=7
    )
    with django_assert_num_queries(0):
        assert criteria_feedback(assignment.lesson, work) == []


def test_the_printable_report_shows_the_returned_criterion_marks(
    teacher_client, assignment, student, submitted, criteria
):
    post_marks(teacher_client, assignment, student, criteria, action="return", A="6", B="12", C="3")
    response = teacher_client.get(reverse("lessons:report", args=[assignment.pk, student.pk]))
    text = plain(response.content.decode())
    assert "Mark: 21 out of 25" in text
    assert "B: Investigation — 12 out of 15" in text


# --- Cost ------------------------------------------------------------------------------------


@pytest.mark.parametrize("students", [1, 20])
def test_the_marking_page_with_a_scheme_costs_two_more_queries_whatever_the_class(
    client, teacher, ib, django_assert_num_queries, students
):
    assignment, people = make_class_assignment(teacher, students=students, sources=3)
    assignment.lesson.marking_scheme = ib
    assignment.lesson.save()
    work = Submission.objects.create(
        assignment=assignment,
        student=people[0],
        status=Submission.Status.SUBMITTED,
        criterion_marks={"A": {"mark": 3, "comment": ""}},
    )
    for number in (1, 2):
        SubmissionVersion.objects.create(
            submission=work, number=number, criterion_marks={"B": {"mark": 9, "comment": ""}}
        )
    client.force_login(teacher)
    # The 13 of a lesson with a single mark (tests/lessons/test_review.py), and 14 the
    # scheme's criteria, 15 their bands.
    with django_assert_num_queries(15):
        response = client.get(review_url(assignment, people[0]))
    assert response.content.decode().count("data-criterion-mark") == 3
    assert plain(response.content.decode()).count("B 9/15") == 2
