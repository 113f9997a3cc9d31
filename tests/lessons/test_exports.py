"""The class's work as spreadsheets: marks and judgements, and every annotation."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lessons.models import Assignment, LessonSource, Prompt, SourceAnnotation, Submission
from sources.models import Source
from tests.factories import make_student
from tests.lessons.factories import make_assignment, make_class_assignment, make_lesson
from tests.sources.factories import make_author, make_gaddis_interpretation, make_interpretation

pytestmark = pytest.mark.django_db

MARKS_HEADER = [
    "Student",
    "Username",
    "Stage",
    "Sources done",
    "Judgement",
    "Most convincing interpretation",
    "Sources cited",
    "Mark",
    "Out of",
    "Submitted",
    "Returned",
]
ANNOTATIONS_HEADER = [
    "Student",
    "Username",
    "Source",
    "Title",
    "Status",
    "Rating",
    "Why",
    "Origin",
    "Purpose",
    "Value",
    "Limitation",
    "Highlights",
    "Links",
    "Teacher's comment",
    "Earlier answers",
]


def url(name: str, assignment: Assignment) -> str:
    return reverse(f"lessons:{name}", args=[assignment.pk])


def table(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def source(assignment: Assignment, label: str) -> LessonSource:
    return assignment.lesson.lesson_sources.get(label=label)


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, 30, tzinfo=UTC)


@pytest.fixture
def gaddis():
    return make_gaddis_interpretation()


@pytest.fixture
def assignment(classroom, gaddis) -> Assignment:
    lesson = make_lesson(
        sources=2, published=True, title="Peaceful coexistence", interpretations=[gaddis]
    )
    return make_assignment(classroom, lesson=lesson)


@pytest.fixture
def class_work(classroom, assignment, student, gaddis):
    """Sam has not started; Ada Archer has returned work with a mark; Ben Baker has a
    draft and one source done."""
    ada = make_student("ada", first_name="Ada", last_name="Archer")
    ben = make_student("ben", first_name="Ben", last_name="Baker")
    for person in (ada, ben):
        classroom.enrolments.create(student=person)
    a, b = source(assignment, "A"), source(assignment, "B")
    SourceAnnotation.objects.create(
        assignment=assignment, student=ada, lesson_source=a, rating=2, status="done"
    )
    SourceAnnotation.objects.create(
        assignment=assignment, student=ada, lesson_source=b, rating=5, status="done"
    )
    SourceAnnotation.objects.create(
        assignment=assignment, student=ben, lesson_source=b, rating=3, status="in_progress"
    )
    Submission.objects.create(
        assignment=assignment,
        student=ada,
        status=Submission.Status.RETURNED,
        judgement=4,
        preferred_interpretation=gaddis,
        cited={str(a.pk): "supports", str(b.pk): "challenges"},
        mark=8,
        mark_out_of=10,
        submitted_at=at(2, 9),
        returned_at=at(4, 16),
    )
    Submission.objects.create(assignment=assignment, student=ben, answer="Thinking…")
    return ada, ben


# --- The marks ------------------------------------------------------------------------------


def test_the_marks_are_a_csv_download_named_after_the_class_and_lesson(teacher_client, assignment):
    response = teacher_client.get(url("marks_csv", assignment))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="10h-history-peaceful-coexistence-marks.csv"'
    )


def test_the_marks_start_with_a_byte_order_mark_so_spreadsheets_read_utf_8(
    teacher_client, classroom, assignment
):
    classroom.enrolments.create(student=make_student("zoe", first_name="Zoë", last_name="Ñúñez"))
    content = teacher_client.get(url("marks_csv", assignment)).content
    assert content.startswith(b"\xef\xbb\xbf")
    assert "Zoë Ñúñez".encode() in content


def test_the_marks_header_names_every_column_and_a_rating_per_source(teacher_client, assignment):
    header = table(teacher_client.get(url("marks_csv", assignment)))[0]
    assert header == [*MARKS_HEADER, "Rating A", "Rating B"]


def test_the_marks_have_a_row_per_student_in_name_order_with_their_work(
    teacher_client, assignment, class_work, gaddis, settings
):
    settings.TIME_ZONE = "Europe/Paris"  # dates are written in local time
    rows = table(teacher_client.get(url("marks_csv", assignment)))[1:]
    assert rows == [
        ["Sam", "sam", "Not started", "0 of 2", "", "", "0", "", "", "", "", "", ""],
        [
            "Ada Archer",
            "ada",
            "Returned",
            "2 of 2",
            "To a large extent",
            f"{gaddis.historian.name}: A tactic, not a change of aims",
            "2",
            "8",
            "10",
            "2026-03-02 10:30",
            "2026-03-04 17:30",
            "2",
            "5",
        ],
        ["Ben Baker", "ben", "Working", "0 of 2", "", "", "0", "", "", "", "", "", "3"],
    ]


def test_a_student_in_another_class_is_not_in_the_marks(
    teacher_client, assignment, other_classroom, other_student
):
    names = [row[1] for row in table(teacher_client.get(url("marks_csv", assignment)))[1:]]
    assert names == ["sam"]


def test_a_drafts_judgement_stays_out_of_the_marks_as_on_the_dashboard(
    teacher_client, assignment, student, gaddis
):
    Submission.objects.create(
        assignment=assignment, student=student, judgement=1, preferred_interpretation=gaddis
    )
    row = table(teacher_client.get(url("marks_csv", assignment)))[1]
    assert row[4:6] == ["", ""]


@pytest.mark.parametrize(
    "first_name", ['=HYPERLINK("http://evil.example")', "+1+1", "-2+3", "@SUM(A1:A9)"]
)
def test_a_name_that_a_spreadsheet_would_run_as_a_formula_is_written_as_text(
    teacher_client, classroom, assignment, first_name
):
    classroom.enrolments.create(student=make_student("mallory", first_name=first_name))
    rows = table(teacher_client.get(url("marks_csv", assignment)))[1:]
    assert [row[0] for row in rows] == [f"'{first_name}", "Sam"]


def test_a_username_or_historian_that_looks_like_a_formula_is_written_as_text(
    teacher_client, classroom, assignment
):
    mallory = make_student("@mallory")
    classroom.enrolments.create(student=mallory)
    trick = make_interpretation(
        historian=make_author(given_names="", family_name="=cmd|'/c calc'!A1")
    )
    assignment.lesson.interpretations.add(trick)
    Submission.objects.create(
        assignment=assignment, student=mallory, status="submitted", preferred_interpretation=trick
    )
    row = table(teacher_client.get(url("marks_csv", assignment)))[1]
    assert row[:2] == ["'@mallory", "'@mallory"]
    assert row[5].startswith("'=cmd|")


# --- Every annotation --------------------------------------------------------------------------


@pytest.fixture
def annotated(classroom, assignment, student):
    ada = make_student("ada", first_name="Ada", last_name="Archer")
    classroom.enrolments.create(student=ada)
    a, b = source(assignment, "A"), source(assignment, "B")
    SourceAnnotation.objects.create(
        assignment=assignment,
        student=student,
        lesson_source=b,
        rating=4,
        rating_reason="An eyewitness.",
        status="done",
        responses={"origin": "A diary.", "purpose": "Private notes.", "value": "Candid."},
        highlights=[
            {
                "id": "h1",
                "quote": "we shall",
                "start": 0,
                "end": 8,
                "note": "A threat?",
                "tag": "bias",
            },
            {"id": "h2", "quote": "bury you", "start": 9, "end": 17, "note": "", "tag": "evidence"},
        ],
        links=[
            {"source": a.pk, "relation": "agrees", "note": "Same date."},
            {"source": 999999, "relation": "contradicts", "note": "Gone."},
        ],
        teacher_comment="Who was it written for?",
    )
    SourceAnnotation.objects.create(
        assignment=assignment, student=student, lesson_source=a, status="in_progress"
    )
    SourceAnnotation.objects.create(
        assignment=assignment,
        student=ada,
        lesson_source=a,
        rating=1,
        status="done",
        links=[{"source": b.pk, "relation": "qualifies", "note": ""}],
    )
    return ada


def test_the_annotations_are_a_csv_download_with_the_frameworks_prompts_as_columns(
    teacher_client, assignment
):
    response = teacher_client.get(url("annotations_csv", assignment))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="10h-history-peaceful-coexistence-annotations.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert table(response) == [ANNOTATIONS_HEADER]


def test_each_annotation_is_a_row_in_student_then_source_order(
    teacher_client, assignment, annotated
):
    rows = table(teacher_client.get(url("annotations_csv", assignment)))[1:]
    assert [(row[1], row[2]) for row in rows] == [("sam", "A"), ("sam", "B"), ("ada", "A")]


def test_an_annotation_row_has_its_answers_highlights_links_and_the_teachers_comment(
    teacher_client, assignment, annotated
):
    rows = table(teacher_client.get(url("annotations_csv", assignment)))[1:]
    b = source(assignment, "B")
    assert rows[1] == [
        "Sam",
        "sam",
        "B",
        b.source.title,
        "Done",
        "Mostly reliable",
        "An eyewitness.",
        "A diary.",
        "Private notes.",
        "Candid.",
        "",
        "[bias] “we shall” — A threat? | [evidence] “bury you”",
        "agrees Source A: Same date.",
        "Who was it written for?",
        "",
    ]


def test_an_unrated_annotation_and_a_link_without_a_note_stay_short(
    teacher_client, assignment, annotated
):
    rows = table(teacher_client.get(url("annotations_csv", assignment)))[1:]
    assert rows[0][4:7] == ["In progress", "", ""]
    assert rows[2][5] == "Very unreliable"
    assert rows[2][12] == "qualifies Source B"


def test_an_answer_that_looks_like_a_formula_is_written_as_text(
    teacher_client, assignment, student
):
    SourceAnnotation.objects.create(
        assignment=assignment,
        student=student,
        lesson_source=source(assignment, "A"),
        responses={"origin": "=1+2"},
        rating_reason="+44 reasons",
        teacher_comment="-not bad",
    )
    row = table(teacher_client.get(url("annotations_csv", assignment)))[1]
    assert (row[6], row[7], row[13]) == ("'+44 reasons", "'=1+2", "'-not bad")


def test_a_prompt_label_or_source_title_that_looks_like_a_formula_is_text_in_every_row(
    teacher_client, assignment, student
):
    """Frameworks and sources are shared between teachers, so the header row and the
    titles are guarded like the students' own words."""
    Prompt.objects.filter(framework=assignment.lesson.framework, key="origin").update(
        label='=HYPERLINK("http://evil.example","Origin")'
    )
    a = source(assignment, "A")
    Source.objects.filter(pk=a.source_id).update(title="+SUM(1,2)")
    SourceAnnotation.objects.create(assignment=assignment, student=student, lesson_source=a)
    header, row = table(teacher_client.get(url("annotations_csv", assignment)))
    assert header[7] == """'=HYPERLINK("http://evil.example","Origin")"""
    assert row[3] == "'+SUM(1,2)"
    cells = [
        cell for line in table(teacher_client.get(url("marks_csv", assignment))) for cell in line
    ]
    assert not any(cell[:1] in ("=", "+", "-", "@") for cell in cells)


# --- Who may download them ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["marks_csv", "annotations_csv"])
def test_another_teacher_cannot_download_a_class_they_do_not_teach(
    client, assignment, other_teacher, other_classroom, name
):
    client.force_login(other_teacher)
    assert client.get(url(name, assignment)).status_code == 404


@pytest.mark.parametrize("name", ["marks_csv", "annotations_csv"])
def test_a_co_teacher_can_download_the_class(client, classroom, assignment, other_teacher, name):
    classroom.teachers.add(other_teacher)
    client.force_login(other_teacher)
    response = client.get(url(name, assignment))
    assert response.status_code == 200
    assert table(response)[0][0] == "Student"


@pytest.mark.parametrize("name", ["marks_csv", "annotations_csv"])
def test_a_student_cannot_download_the_class(student_client, assignment, name):
    assert student_client.get(url(name, assignment)).status_code == 404


@pytest.mark.parametrize("name", ["marks_csv", "annotations_csv"])
def test_an_anonymous_visitor_is_sent_to_log_in(client, assignment, name):
    response = client.get(url(name, assignment))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url(name, assignment)}"


@pytest.mark.parametrize("name", ["marks_csv", "annotations_csv"])
def test_the_exports_refuse_a_post(teacher_client, assignment, name):
    assert teacher_client.post(url(name, assignment)).status_code == 405


# --- What they cost -------------------------------------------------------------------------------


def full_class(teacher, students: int) -> Assignment:
    """`students` students, each with an annotation on every one of 4 sources and a
    submitted answer choosing a historian."""
    interpretation = make_interpretation()
    assignment, people = make_class_assignment(
        teacher, students=students, sources=4, interpretations=[interpretation]
    )
    lesson_sources = list(assignment.lesson.lesson_sources.all())
    SourceAnnotation.objects.bulk_create(
        SourceAnnotation(
            assignment=assignment,
            student=person,
            lesson_source=ls,
            rating=3,
            status="done",
            responses={"origin": "A speech."},
            highlights=[
                {"id": "h", "quote": "war", "start": 0, "end": 3, "note": "", "tag": "bias"}
            ],
            links=[{"source": lesson_sources[0].pk, "relation": "agrees", "note": ""}],
        )
        for person in people
        for ls in lesson_sources
    )
    Submission.objects.bulk_create(
        Submission(
            assignment=assignment,
            student=person,
            status="submitted",
            judgement=3,
            preferred_interpretation=interpretation,
            submitted_at=timezone.now(),
        )
        for person in people
    )
    return assignment


@pytest.mark.parametrize("students", [1, 35])
def test_the_marks_cost_the_same_queries_for_one_student_or_a_full_class(
    client, teacher, django_assert_num_queries, students
):
    assignment = full_class(teacher, students)
    client.force_login(teacher)
    # 1 the session, 2 the teacher, 3 the teacher's groups (is this a teacher?), 4 the
    # assignment with its lesson, framework and class, among the classes they teach,
    # 5 the lesson's sources, 6 the enrolments with their students, 7 every annotation,
    # 8 every submission, 9 the lesson's interpretations with their historians.
    with django_assert_num_queries(9):
        response = client.get(url("marks_csv", assignment))
    rows = table(response)[1:]
    assert len(rows) == students
    assert {row[3] for row in rows} == {"4 of 4"}


@pytest.mark.parametrize("students", [1, 35])
def test_the_annotations_cost_the_same_queries_for_one_student_or_a_full_class(
    client, teacher, django_assert_num_queries, students
):
    assignment = full_class(teacher, students)
    client.force_login(teacher)
    # 1 the session, 2 the teacher, 3 the teacher's groups (is this a teacher?), 4 the
    # assignment with its lesson, framework and class, among the classes they teach,
    # 5 the lesson's sources, 6 the framework's prompts, 7 every annotation with its
    # student.
    with django_assert_num_queries(7):
        response = client.get(url("annotations_csv", assignment))
    rows = table(response)[1:]
    assert len(rows) == students * 4
    assert {row[12] for row in rows} == {"agrees Source A"}
