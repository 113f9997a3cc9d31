"""A student's data, whole: their own copy (a page that prints and a JSON file), a
teacher's copy of a student they teach, and erasure that leaves nothing of the student
and nothing less of anyone else."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse

from coexist.models import User
from lessons.models import (
    AnswerFormat,
    Assignment,
    Classroom,
    Enrolment,
    MarkingScheme,
    SourceAnnotation,
    Submission,
    SubmissionVersion,
)
from lessons.services import privacy
from lessons.views.marking import class_data
from sources.models import Interpretation, Source
from tests.factories import make_student, make_user
from tests.lessons.factories import make_assignment, make_classroom, make_lesson
from tests.sources.factories import make_interpretation

pytestmark = pytest.mark.django_db

ZOE_NAME = "Zoë Quillfeather"
ZOE_USERNAME = "zoe.quill"


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, 30, tzinfo=UTC)


# --- The people and their work ---------------------------------------------------------------


@pytest.fixture
def interpretation() -> Interpretation:
    return make_interpretation(position="Coexistence was a tactic, not a change of heart")


@pytest.fixture
def lesson(interpretation):
    return make_lesson(
        sources=3, published=True, title="Peaceful coexistence", interpretations=[interpretation]
    )


@pytest.fixture
def zoe() -> User:
    return make_student(ZOE_USERNAME, first_name="Zoë", last_name="Quillfeather")


@pytest.fixture
def ben() -> User:
    """Zoë's classmate in 10H, with work on the same lesson."""
    return make_student("ben.marsh", first_name="Ben", last_name="Marsh")


@pytest.fixture
def ivy() -> User:
    """A student in Mr Rossi's class, with work on the same lesson."""
    return make_student("ivy.hart", first_name="Ivy", last_name="Hart")


@pytest.fixture
def tenh(teacher, zoe, ben) -> Classroom:
    return make_classroom(name="10H History", teachers=[teacher], students=[zoe, ben])


@pytest.fixture
def elevenr(other_teacher, ivy) -> Classroom:
    return make_classroom(name="11R History", teachers=[other_teacher], students=[ivy])


@pytest.fixture
def assignment(tenh, lesson) -> Assignment:
    return make_assignment(tenh, lesson=lesson)


@pytest.fixture
def other_assignment(elevenr, lesson) -> Assignment:
    return make_assignment(elevenr, lesson=lesson)


def give_work(
    assignment: Assignment,
    student: User,
    tag: str,
    *,
    highlights: int = 2,
    status: str = Submission.Status.RETURNED,
) -> None:
    """Analyses of sources A and B (B linked from A), an answer, feedback and one earlier
    returned version; every text starts with `tag`, so a page shows whose it is."""
    a, b, _c = assignment.lesson.lesson_sources.order_by("order")
    for lesson_source, rating in ((a, 4), (b, 2)):
        SourceAnnotation.objects.create(
            assignment=assignment,
            student=student,
            lesson_source=lesson_source,
            status=SourceAnnotation.Status.DONE,
            rating=rating,
            rating_reason=f"{tag} reason {lesson_source.label}",
            responses={
                "origin": f"{tag} origin {lesson_source.label}",
                "purpose": f"{tag} purpose {lesson_source.label}",
                "old_prompt": f"{tag} earlier answer {lesson_source.label}",
            },
            highlights=[
                {
                    "id": f"h{i}",
                    "quote": f"{tag} quote {lesson_source.label}{i}",
                    "start": i,
                    "end": i + 5,
                    "note": f"{tag} note {lesson_source.label}{i}",
                    "tag": "bias",
                }
                for i in range(highlights)
            ],
            links=(
                [{"source": b.pk, "relation": "contradicts", "note": f"{tag} link note"}]
                if lesson_source == a
                else []
            ),
            teacher_comment=f"{tag} comment on {lesson_source.label}",
        )
    submission = Submission.objects.create(
        assignment=assignment,
        student=student,
        judgement=4,
        answer=f"{tag} answer text",
        cited={str(b.pk): "challenges", str(a.pk): "supports"},
        preferred_interpretation=assignment.lesson.interpretations.first(),
        interpretation_reason=f"{tag} why this historian",
        status=status,
        submitted_at=at(2),
        feedback=f"{tag} feedback",
        mark=7,
        mark_out_of=10,
        returned_at=at(4) if status == Submission.Status.RETURNED else None,
        revision_allowed=False,
    )
    SubmissionVersion.objects.create(
        submission=submission,
        number=1,
        judgement=3,
        answer=f"{tag} first version",
        submitted_at=at(1),
        feedback=f"{tag} first feedback",
        mark=5,
        mark_out_of=10,
        returned_at=at(1, 15),
    )


@pytest.fixture
def work(assignment, other_assignment, zoe, ben, ivy):
    """Zoë, Ben (same class) and Ivy (Mr Rossi's class) have all done the same lesson."""
    give_work(assignment, zoe, "ZOE")
    give_work(assignment, ben, "BEN")
    give_work(other_assignment, ivy, "IVY")


@pytest.fixture
def shared(work, zoe, elevenr, other_assignment):
    """Zoë has joined Mr Rossi's class too, and done the lesson there as well."""
    Enrolment.objects.create(classroom=elevenr, student=zoe)
    give_work(other_assignment, zoe, "ZOE-IN-11R")


def my_work_url() -> str:
    return reverse("lessons:my_work")


def my_json_url() -> str:
    return reverse("lessons:my_work_json")


def record_url(classroom: Classroom, student: User) -> str:
    return reverse("lessons:student_record", args=[classroom.pk, student.pk])


def record_json_url(classroom: Classroom, student: User) -> str:
    return reverse("lessons:student_record_json", args=[classroom.pk, student.pk])


def erase_url(classroom: Classroom, student: User) -> str:
    return reverse("lessons:erase_student", args=[classroom.pk, student.pk])


def download(response) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="coexist-')
    return json.loads(response.content)


# --- The student's own copy ---------------------------------------------------------------


def test_my_work_shows_everything_of_the_student_and_nothing_of_anyone_else(client, zoe, work):
    client.force_login(zoe)
    response = client.get(my_work_url())
    page = response.content.decode()
    assert response.status_code == 200
    for text in [
        "<code>zoe.quill</code>",
        "10H History",
        "Peaceful coexistence",
        "ZOE origin A",
        "ZOE purpose B",
        "ZOE earlier answer A",
        "ZOE reason A",
        "ZOE quote A1",
        "ZOE note B0",
        "ZOE link note",
        "ZOE comment on A",
        "ZOE answer text",
        "ZOE why this historian",
        "ZOE feedback",
        "ZOE first version",
        "ZOE first feedback",
        "Coexistence was a tactic, not a change of heart",
    ]:
        assert text in page, text
    assert "BEN" not in page
    assert "IVY" not in page
    assert "11R History" not in page
    assert "no-store" in response["Cache-Control"]


def test_my_work_json_is_a_download_in_the_documented_format(client, zoe, work):
    client.force_login(zoe)
    record = download(client.get(my_json_url()))
    assert record["format"] == "coexist-student-work"
    assert record["format_version"] == 1
    assert record["scope"] == "all"
    assert set(record) == {
        "format",
        "format_version",
        "exported_at",
        "scope",
        "student",
        "classes",
        "assignments",
    }
    assert set(record["student"]) == {
        "username",
        "first_name",
        "last_name",
        "display_name",
        "email",
        "date_joined",
        "last_login",
    }
    assert record["classes"] == [
        {
            "name": "10H History",
            "teachers": ["Ms Okafor"],
            "joined_at": record["classes"][0]["joined_at"],
            "joined_by": "code",
            "archived": False,
        }
    ]
    [assignment] = record["assignments"]
    assert set(assignment) == {
        "class",
        "lesson",
        "research_question",
        "framework",
        "opens_at",
        "due_at",
        "sources",
        "answer",
    }
    first, second = assignment["sources"]
    assert set(first) == {
        "label",
        "title",
        "status",
        "status_label",
        "rating",
        "rating_label",
        "rating_reason",
        "responses",
        "highlights",
        "links",
        "regions",
        "prediction",
        "prediction_kept_at",
        "teacher_comment",
        "started_at",
        "updated_at",
    }
    assert set(assignment["answer"]) == {
        "status",
        "status_label",
        "judgement",
        "judgement_label",
        "text",
        "sections",
        "evaluated",
        "cited",
        "preferred_interpretation",
        "interpretation_reason",
        "started_at",
        "submitted_at",
        "feedback",
        "returned_versions",
    }
    assert datetime.fromisoformat(record["exported_at"]).tzinfo is not None


def test_a_students_copy_holds_their_predictions_and_marked_regions(
    client, zoe, work, teacher, tenh
):
    annotation = SourceAnnotation.objects.get(student=zoe, lesson_source__label="A")
    annotation.prediction = "ZOE predicted a Soviet cartoonist"
    annotation.revealed_at = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    annotation.regions = [
        {"id": "r1", "x": 0.1, "y": 0.2, "w": 0.3, "h": 0.4, "tag": "bias", "note": "ZOE smile"}
    ]
    annotation.save()
    client.force_login(zoe)
    a = download(client.get(my_json_url()))["assignments"][0]["sources"][0]
    assert a["prediction"] == "ZOE predicted a Soviet cartoonist"
    assert a["prediction_kept_at"].startswith("2026-03-02T")
    assert a["regions"] == [
        {
            "tag": "bias",
            "tag_label": "Bias",
            "note": "ZOE smile",
            "x": 10.0,
            "y": 20.0,
            "w": 30.0,
            "h": 40.0,
        }
    ]
    page = client.get(my_work_url()).content.decode()
    assert "ZOE predicted a Soviet cartoonist" in page
    assert "30% wide by 40% high, 10% from the left and 20% from the top: ZOE smile" in page
    client.force_login(teacher)
    record = download(client.get(record_json_url(tenh, zoe)))
    assert record["assignments"][0]["sources"][0]["regions"][0]["note"] == "ZOE smile"


def test_my_work_json_holds_each_analysis_highlight_link_answer_and_feedback(
    client, zoe, work, interpretation
):
    client.force_login(zoe)
    record = download(client.get(my_json_url()))
    assert record["student"]["username"] == ZOE_USERNAME
    assert record["student"]["first_name"] == "Zoë"
    [assignment] = record["assignments"]
    assert assignment["class"] == "10H History"
    assert assignment["lesson"] == "Peaceful coexistence"
    assert assignment["framework"].startswith("OPVL") or "OPVL" in assignment["framework"]
    a, b = assignment["sources"]
    assert (a["label"], a["rating"], a["rating_label"]) == ("A", 4, "Mostly reliable")
    assert a["status"] == "done"
    assert a["responses"] == [
        {"prompt": "Origin", "text": "ZOE origin A", "earlier": False},
        {"prompt": "Purpose", "text": "ZOE purpose A", "earlier": False},
        {"prompt": "Value", "text": "", "earlier": False},
        {"prompt": "Limitation", "text": "", "earlier": False},
        {"prompt": "Old prompt", "text": "ZOE earlier answer A", "earlier": True},
    ]
    assert a["highlights"] == [
        {
            "quote": f"ZOE quote A{i}",
            "tag": "bias",
            "tag_label": "Bias",
            "note": f"ZOE note A{i}",
            "start": i,
            "end": i + 5,
        }
        for i in range(2)
    ]
    assert a["links"] == [
        {
            "source": "B",
            "title": a["links"][0]["title"],
            "relation": "contradicts",
            "relation_label": "Contradicts",
            "note": "ZOE link note",
        }
    ]
    assert a["links"][0]["title"] == b["title"] != ""
    assert b["links"] == []
    assert a["teacher_comment"] == "ZOE comment on A"
    answer = assignment["answer"]
    assert answer["text"] == "ZOE answer text"
    assert (answer["sections"], answer["evaluated"]) == ([], [])
    assert (answer["judgement"], answer["judgement_label"]) == (4, "To a large extent")
    assert [(c["source"], c["role"]) for c in answer["cited"]] == [
        ("A", "supports"),
        ("B", "challenges"),
    ]
    assert answer["preferred_interpretation"] == {
        "historian": interpretation.historian.name,
        "position": "Coexistence was a tactic, not a change of heart",
    }
    assert answer["feedback"] == {
        "comment": "ZOE feedback",
        "mark": 7,
        "mark_out_of": 10,
        "criterion_marks": [],
        "returned": True,
        "returned_at": "2026-03-04T09:30:00Z",
        "revision_asked": False,
    }
    [version] = answer["returned_versions"]
    assert (version["number"], version["text"], version["feedback"], version["mark"]) == (
        1,
        "ZOE first version",
        "ZOE first feedback",
        5,
    )
    text = json.dumps(record)
    assert "BEN" not in text and "IVY" not in text


def test_an_answer_in_sections_shows_each_section_the_sources_evaluated_and_criterion_marks(
    client, zoe, work, assignment
):
    lesson = assignment.lesson
    lesson.answer_format = AnswerFormat.objects.get(slug="ib-historical-investigation")
    lesson.marking_scheme = MarkingScheme.objects.get(slug="ib-historical-investigation")
    lesson.save()
    a, b, _c = lesson.lesson_sources.order_by("order")
    sections = {
        "sources": "ZOE weighs A.[@A, 12 #h0]",
        "investigation": "ZOE argues.[@B]",
        "gone": "ZOE text under an old section",
    }
    marks = {"A": {"mark": 5, "comment": "ZOE sharp evaluation"}, "C": {"mark": 3}}
    submission = Submission.objects.get(assignment=assignment, student=zoe)
    submission.sections, submission.evaluated = sections, [b.pk, a.pk]
    submission.criterion_marks = marks
    submission.save()
    submission.versions.update(
        sections={"sources": "ZOE earlier sources"},
        evaluated=[a.pk],
        criterion_marks={"B": {"mark": 9, "comment": "ZOE earlier comment"}},
    )
    client.force_login(zoe)

    answer = download(client.get(my_json_url()))["assignments"][0]["answer"]

    assert answer["sections"] == [
        {
            "key": "sources",
            "title": "Identification and evaluation of sources",
            "text": "ZOE weighs A.[@A, 12 #h0]",
        },
        {"key": "investigation", "title": "Investigation", "text": "ZOE argues.[@B]"},
        {"key": "reflection", "title": "Reflection", "text": ""},
        {"key": "gone", "title": "Earlier section", "text": "ZOE text under an old section"},
    ]
    assert [e["source"] for e in answer["evaluated"]] == ["B", "A"]
    assert answer["feedback"]["criterion_marks"] == [
        {
            "criterion": "A",
            "title": "Identification and evaluation of sources",
            "mark": 5,
            "max_mark": 6,
            "comment": "ZOE sharp evaluation",
        },
        {"criterion": "C", "title": "Reflection", "mark": 3, "max_mark": 4, "comment": ""},
    ]
    [version] = answer["returned_versions"]
    assert version["sections"][0]["text"] == "ZOE earlier sources"
    assert [e["source"] for e in version["evaluated"]] == ["A"]
    assert [(m["criterion"], m["mark"]) for m in version["criterion_marks"]] == [("B", 9)]
    page = client.get(my_work_url()).content.decode()
    for text in [
        "Identification and evaluation of sources</h4>",
        "ZOE weighs A.[@A, 12 #h0]",
        "ZOE text under an old section",
        "Sources evaluated:",
        "Criterion A: Identification and evaluation of sources</span> — 5 out of 6",
        "ZOE sharp evaluation",
        "ZOE earlier sources",
        "ZOE earlier comment",
    ]:
        assert text in page, text


def test_feedback_not_yet_returned_stays_out_of_the_students_copy_but_not_the_teachers(
    client, zoe, tenh, teacher, assignment
):
    give_work(assignment, zoe, "ZOE", status=Submission.Status.SUBMITTED)
    client.force_login(zoe)
    mine = download(client.get(my_json_url()))["assignments"][0]
    assert mine["answer"]["feedback"] is None
    assert {s["teacher_comment"] for s in mine["sources"]} == {""}
    assert "feedback appears here once your work is returned" in (
        client.get(my_work_url()).content.decode()
    )
    client.force_login(teacher)
    theirs = download(client.get(record_json_url(tenh, zoe)))["assignments"][0]
    assert theirs["answer"]["feedback"]["comment"] == "ZOE feedback"
    assert theirs["answer"]["feedback"]["returned"] is False
    assert theirs["sources"][0]["teacher_comment"] == "ZOE comment on A"


def test_a_student_in_two_teachers_classes_gets_both_in_their_own_copy(client, zoe, shared):
    client.force_login(zoe)
    record = download(client.get(my_json_url()))
    assert [c["name"] for c in record["classes"]] == ["10H History", "11R History"]
    assert [a["class"] for a in record["assignments"]] == ["10H History", "11R History"]
    assert record["assignments"][1]["answer"]["text"] == "ZOE-IN-11R answer text"


def test_a_student_with_no_work_gets_an_account_and_an_empty_list(client, zoe, tenh):
    client.force_login(zoe)
    record = download(client.get(my_json_url()))
    assert record["assignments"] == []
    assert "No work yet" in client.get(my_work_url()).content.decode()


def test_typed_html_is_escaped_on_the_printable_page(client, zoe, assignment):
    give_work(assignment, zoe, '<script>alert("x")</script>')
    client.force_login(zoe)
    page = client.get(my_work_url()).content.decode()
    assert '<script>alert("x")' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; answer text" in page


def test_students_are_offered_their_copy_from_home_and_the_account_menu(client, zoe, tenh):
    client.force_login(zoe)
    page = client.get(reverse("home")).content.decode()
    assert page.count(f'href="{my_work_url()}"') == 2


def test_teachers_are_not_offered_a_copy_of_their_own(teacher_client, tenh):
    page = teacher_client.get(reverse("home")).content.decode()
    assert my_work_url() not in page


# --- A teacher's copy ---------------------------------------------------------------------


def test_the_class_page_links_each_student_to_their_record(teacher_client, tenh, zoe, ben):
    page = teacher_client.get(reverse("lessons:class", args=[tenh.pk])).content.decode()
    assert f'<a href="{record_url(tenh, zoe)}">{ZOE_NAME}</a>' in page
    assert f'<a href="{record_url(tenh, ben)}">Ben Marsh</a>' in page


def test_a_teachers_copy_holds_only_work_in_the_classes_they_teach(
    client, teacher, other_teacher, tenh, elevenr, zoe, shared
):
    client.force_login(teacher)
    record = download(client.get(record_json_url(tenh, zoe)))
    assert record["scope"] == "classes taught by Ms Okafor"
    assert [c["name"] for c in record["classes"]] == ["10H History"]
    assert [a["class"] for a in record["assignments"]] == ["10H History"]
    text = json.dumps(record)
    assert "ZOE-IN-11R" not in text and "11R History" not in text
    assert "BEN" not in text and "IVY" not in text
    page = client.get(record_url(tenh, zoe)).content.decode()
    assert "ZOE answer text" in page and "ZOE-IN-11R" not in page
    assert f'href="{record_json_url(tenh, zoe)}"' in page
    assert f'href="{erase_url(tenh, zoe)}"' in page

    client.force_login(other_teacher)
    record = download(client.get(record_json_url(elevenr, zoe)))
    assert [a["answer"]["text"] for a in record["assignments"]] == ["ZOE-IN-11R answer text"]


@pytest.mark.parametrize("name", ["student_record", "student_record_json", "erase_student"])
def test_another_teacher_gets_404_for_a_student_they_do_not_teach(
    client, other_teacher, tenh, elevenr, zoe, work, name
):
    client.force_login(other_teacher)
    # Through the other teacher's own class, or through Zoë's class: neither exists for them.
    assert client.get(reverse(f"lessons:{name}", args=[elevenr.pk, zoe.pk])).status_code == 404
    assert client.get(reverse(f"lessons:{name}", args=[tenh.pk, zoe.pk])).status_code == 404


@pytest.mark.parametrize("name", ["student_record", "student_record_json", "erase_student"])
def test_a_student_gets_404_for_a_classmates_record(client, tenh, zoe, ben, work, name):
    client.force_login(ben)
    assert client.get(reverse(f"lessons:{name}", args=[tenh.pk, zoe.pk])).status_code == 404


@pytest.mark.parametrize("name", ["student_record", "student_record_json", "erase_student"])
def test_a_student_or_class_that_does_not_exist_is_a_404(teacher_client, tenh, zoe, name):
    assert teacher_client.get(reverse(f"lessons:{name}", args=[tenh.pk, 999999])).status_code == (
        404
    )
    assert teacher_client.get(reverse(f"lessons:{name}", args=[999999, zoe.pk])).status_code == (
        404
    )


@pytest.mark.parametrize("name", ["student_record", "student_record_json", "erase_student"])
def test_staff_enrolled_by_mistake_have_no_record_here(teacher_client, tenh, other_teacher, name):
    Enrolment.objects.create(classroom=tenh, student=other_teacher)
    url = reverse(f"lessons:{name}", args=[tenh.pk, other_teacher.pk])
    assert teacher_client.get(url).status_code == 404


def test_an_administrator_sees_every_class_of_the_student(client, tenh, zoe, shared):
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    record = download(client.get(record_json_url(tenh, zoe)))
    assert [a["class"] for a in record["assignments"]] == ["10H History", "11R History"]
    assert record["scope"].startswith("all classes")


# --- Every view: methods and anonymous visitors ------------------------------------------------


def all_urls(tenh, zoe) -> list[str]:
    return [
        my_work_url(),
        my_json_url(),
        record_url(tenh, zoe),
        record_json_url(tenh, zoe),
        erase_url(tenh, zoe),
    ]


def test_every_privacy_view_sends_an_anonymous_visitor_to_log_in(client, tenh, zoe, work):
    for url in all_urls(tenh, zoe):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    response = client.post(erase_url(tenh, zoe), {"confirm": "on"})
    assert response.status_code == 302
    assert User.objects.filter(pk=zoe.pk).exists()


def test_the_copies_are_read_only(client, teacher, tenh, zoe, work):
    client.force_login(zoe)
    assert client.post(my_work_url()).status_code == 405
    assert client.post(my_json_url()).status_code == 405
    client.force_login(teacher)
    assert client.post(record_url(tenh, zoe)).status_code == 405
    assert client.post(record_json_url(tenh, zoe)).status_code == 405
    assert client.put(erase_url(tenh, zoe)).status_code == 405
    assert client.delete(erase_url(tenh, zoe)).status_code == 405
    assert User.objects.filter(pk=zoe.pk).exists()


# --- Queries: the same however much work there is -----------------------------------------------


def lots_of_work(teacher, zoe, assignments: int, highlights: int) -> Classroom:
    """Zoë in `assignments` classes of the teacher, each with the lesson done."""
    first = None
    for number in range(assignments):
        classroom = make_classroom(name=f"Class {number:02d}", teachers=[teacher], students=[zoe])
        first = first or classroom
        lesson = make_lesson(sources=3, published=True, interpretations=[make_interpretation()])
        give_work(
            make_assignment(classroom, lesson=lesson), zoe, f"W{number}", highlights=highlights
        )
    return first


@pytest.mark.parametrize(("assignments", "highlights"), [(1, 1), (20, 20)])
def test_the_students_copy_costs_the_same_queries_however_much_work(
    client, teacher, zoe, django_assert_num_queries, assignments, highlights
):
    lots_of_work(teacher, zoe, assignments, highlights)
    client.force_login(zoe)
    # 1 the session, 2 the user, 3 their analyses with the assignment, lesson, framework
    # and class, 4 their answers with the historian they chose, 5 the answers' returned
    # versions, 6 the lessons' sources, 7 the frameworks' prompts, 8 their classes,
    # 9 each class's teachers.
    with django_assert_num_queries(9):
        response = client.get(my_work_url())
    assert response.content.decode().count("answer text") == assignments
    with django_assert_num_queries(9):
        record = download(client.get(my_json_url()))
    assert len(record["assignments"]) == assignments
    assert sum(len(s["highlights"]) for a in record["assignments"] for s in a["sources"]) == (
        assignments * 2 * highlights
    )


@pytest.mark.parametrize(("assignments", "highlights"), [(1, 1), (20, 20)])
def test_a_teachers_copy_costs_the_same_queries_however_much_work(
    client, teacher, zoe, django_assert_num_queries, assignments, highlights
):
    first = lots_of_work(teacher, zoe, assignments, highlights)
    client.force_login(teacher)
    # 1 the session, 2 the user, 3 the teacher's groups, 4 the class, 5 the student in
    # it, then as in the student's own copy (limited to the teacher's classes):
    # 6 analyses, 7 answers, 8 versions, 9 lesson sources, 10 prompts, 11 classes,
    # 12 teachers.
    with django_assert_num_queries(12):
        response = client.get(record_url(first, zoe))
    assert response.content.decode().count("answer text") == assignments
    with django_assert_num_queries(12):
        record = download(client.get(record_json_url(first, zoe)))
    assert len(record["assignments"]) == assignments


@pytest.mark.parametrize(("assignments", "highlights"), [(1, 1), (20, 20)])
def test_the_erasure_page_costs_the_same_queries_however_much_work(
    client, teacher, zoe, django_assert_num_queries, assignments, highlights
):
    first = lots_of_work(teacher, zoe, assignments, highlights)
    client.force_login(teacher)
    history = len(privacy.historical_models())
    # 1 the session, 2 the user, 3 the teacher's groups, 4 the class, 5 the student in
    # it; the plan: 6 the student among those taught, 7-9 a class, analysis or answer
    # elsewhere, 10 analyses, 11 answers, 12 returned versions, 13 class places; then
    # one query per history model (Author, Source, Provenance, Interpretation: 14-17),
    # 18 admin log entries, 19-21 failed logins (axes' three tables).
    with django_assert_num_queries(13 + history + 1 + 3):
        response = client.get(erase_url(first, zoe))
    page = response.content.decode()
    assert f"{assignments * 2} source analyses" in page
    assert f"{assignments * 2 * highlights} highlights" in page


# --- Erasure ---------------------------------------------------------------------------


def plant_traces(zoe: User, teacher: User, tenh: Classroom) -> None:
    """The places outside their work where a student's name can end up: a history record
    they made and one whose change reason and old text name them, admin log entries about
    their account and about a class change that named them, and failed logins."""
    source = Source.objects.first()
    source._history_user = zoe
    source.save()
    source.summary = f"Ask {ZOE_NAME} about this one."
    source._history_user = teacher
    source._change_reason = f"Typo reported by {ZOE_USERNAME}"
    source.save()
    source.summary = "A speech."
    source.save()
    user_type = ContentType.objects.get_for_model(User)
    LogEntry.objects.create(
        user=teacher,
        content_type=user_type,
        object_id=str(zoe.pk),
        object_repr=ZOE_NAME,
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["First name"]}}]',
    )
    LogEntry.objects.create(
        user=teacher,
        content_type=ContentType.objects.get_for_model(Classroom),
        object_id=str(tenh.pk),
        object_repr="10H History",
        action_flag=CHANGE,
        change_message=json.dumps(
            [{"deleted": {"name": "enrolment", "object": f"{ZOE_NAME} in 10H History"}}]
        ),
    )
    common = {"user_agent": "Chromebook", "http_accept": "*/*", "path_info": "/accounts/login/"}
    AccessAttempt.objects.create(
        username="Zoe.Quill",
        ip_address="10.0.0.7",
        get_data="",
        post_data="username=Zoe.Quill",
        failures_since_start=3,
        **common,
    )
    AccessFailureLog.objects.create(username=ZOE_USERNAME, ip_address="10.0.0.7", **common)
    AccessLog.objects.create(username=ZOE_USERNAME, ip_address="10.0.0.7", **common)


def holders_of(*needles: str) -> list[str]:
    """Every table, field and row (across all installed models) whose text holds one of
    the needles, in any case: what an erasure must leave empty."""
    found = []
    lowered = [needle.casefold() for needle in needles]
    for model in apps.get_models():
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model._default_manager.values("pk", *[f.attname for f in fields]):
            for f in fields:
                value = row[f.attname]
                text = (
                    json.dumps(value, ensure_ascii=False)
                    if f.get_internal_type() == ("JSONField")
                    else str(value or "")
                )
                if any(needle in text.casefold() for needle in lowered):
                    found.append(f"{model._meta.label}.{f.name} #{row['pk']}: {text[:80]}")
    return found


def test_the_confirmation_counts_what_goes_and_the_erasure_removes_exactly_that(
    client, teacher, tenh, zoe, ben, work
):
    plant_traces(zoe, teacher, tenh)
    client.force_login(teacher)
    page = client.get(erase_url(tenh, zoe)).content.decode()
    expected = [
        "2 source analyses",
        "4 highlights",
        "1 answer (with 1 returned version)",
        "3 feedback items",
        "1 class membership",
        "3 history records",
        "2 admin log entries",
        "3 failed-login records",
    ]
    for line in expected:
        assert f"<li>{line}</li>" in page, line
    assert "deletes <strong>Zoë Quillfeather</strong>’s account" in page
    assert "Who may erase a student" in page

    response = client.post(erase_url(tenh, zoe), {"confirm": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("lessons:class", args=[tenh.pk])
    message = str(list(response.context["messages"])[0])
    counted = f"{', '.join(expected[:-1])} and {expected[-1]}"
    assert message == f"{ZOE_NAME}’s account and data were erased: {counted}."
    assert not User.objects.filter(username=ZOE_USERNAME).exists()
    assert not SourceAnnotation.objects.filter(student_id=zoe.pk).exists()
    assert not Submission.objects.filter(student_id=zoe.pk).exists()
    assert not SubmissionVersion.objects.filter(submission__student_id=zoe.pk).exists()
    assert not Enrolment.objects.filter(student_id=zoe.pk).exists()
    audit = LogEntry.objects.get(action_flag=DELETION)
    assert (audit.user, audit.object_repr) == (teacher, f"Erased student #{zoe.pk}")


def test_after_erasure_no_table_holds_their_name_or_username(client, teacher, tenh, zoe, work):
    plant_traces(zoe, teacher, tenh)
    assert holders_of(ZOE_USERNAME, ZOE_NAME, "Quillfeather"), "the test planted nothing"
    [her_edit] = Source.history.filter(history_user=zoe).values_list("history_id", flat=True)
    client.force_login(teacher)
    client.post(erase_url(tenh, zoe), {"confirm": "on"})
    assert holders_of(ZOE_USERNAME, ZOE_NAME, "Quillfeather") == []
    # The records that only named her keep what happened, without her.
    source = Source.objects.first()
    reasons = list(source.history.values_list("history_change_reason", flat=True))
    assert "Typo reported by [erased]" in reasons
    assert "Ask [erased] about this one." in source.history.values_list("summary", flat=True)
    # Her own edit stays in the source's history, no longer linked to anyone.
    assert Source.history.get(history_id=her_edit).history_user_id is None
    class_change = LogEntry.objects.get(object_repr="10H History")
    assert "[erased] in 10H History" in class_change.change_message


def test_erasure_leaves_other_students_work_and_the_class_statistics_without_only_them(
    client, teacher, tenh, zoe, ben, ivy, work, assignment, other_assignment
):
    def snapshot():
        return (
            sorted(
                SourceAnnotation.objects.exclude(student=zoe).values_list(
                    "pk", "responses", "highlights", "links", "teacher_comment"
                )
            ),
            sorted(Submission.objects.exclude(student=zoe).values_list("pk", "answer", "feedback")),
            sorted(SubmissionVersion.objects.exclude(submission__student=zoe).values_list("pk")),
        )

    before = snapshot()
    _ls, rows_before, *_ = class_data(assignment)
    client.force_login(teacher)
    client.post(erase_url(tenh, zoe), {"confirm": "on"})
    assert snapshot() == before
    _ls, rows_after, annotations, submissions, _ = class_data(assignment)
    assert [r.student.username for r in rows_before] == ["ben.marsh", ZOE_USERNAME]
    assert [(r.student.username, r.stage, r.done) for r in rows_after] == [
        (r.student.username, r.stage, r.done) for r in rows_before if r.student != zoe
    ]
    assert {a.student_id for a in annotations} == {ben.pk}
    assert len(class_data(other_assignment)[2]) == 2  # Ivy's two analyses


def test_erasure_is_not_blocked_by_what_protects_curriculum(client, teacher, tenh, zoe, work):
    """Her analyses refer to lesson sources (PROTECTed) and retired sources she started;
    erasing her removes the work, never the curriculum."""
    SourceAnnotation.objects.filter(student=zoe).update(status="in_progress")
    lesson_source = SourceAnnotation.objects.filter(student=zoe).first().lesson_source
    lesson_source.retired = True
    lesson_source.save()
    client.force_login(teacher)
    response = client.post(erase_url(tenh, zoe), {"confirm": "on"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=zoe.pk).exists()
    lesson_source.refresh_from_db()
    assert lesson_source.retired


def test_erasing_without_ticking_the_box_erases_nothing(client, teacher, tenh, zoe, work):
    client.force_login(teacher)
    response = client.post(erase_url(tenh, zoe), {"confirm": ""})
    assert response.status_code == 400
    assert "Tick the box to confirm" in response.content.decode()
    assert SourceAnnotation.objects.filter(student=zoe).count() == 2
    assert User.objects.filter(pk=zoe.pk).exists()


def test_a_teacher_only_removes_a_shared_student_from_their_own_classes(
    client, teacher, other_teacher, tenh, elevenr, zoe, shared, other_assignment
):
    client.force_login(teacher)
    page = client.get(erase_url(tenh, zoe)).content.decode()
    assert "also belongs to a class you do not teach, so their account stays" in page
    assert "11R History" not in page  # a colleague's class is never named
    assert "<li>2 source analyses</li>" in page
    assert "<li>0 failed-login records</li>" in page

    response = client.post(erase_url(tenh, zoe), {"confirm": "on"}, follow=True)
    message = str(list(response.context["messages"])[0])
    assert message.startswith(f"{ZOE_NAME} was removed from 10H History and their work there")
    zoe.refresh_from_db()
    assert list(zoe.enrolments.values_list("classroom__name", flat=True)) == ["11R History"]
    assert set(
        SourceAnnotation.objects.filter(student=zoe).values_list("assignment", flat=True)
    ) == {other_assignment.pk}
    assert Submission.objects.get(student=zoe).answer == "ZOE-IN-11R answer text"

    # Now only Mr Rossi teaches her, so he may erase the whole account.
    client.force_login(other_teacher)
    page = client.get(erase_url(elevenr, zoe)).content.decode()
    assert "deletes <strong>Zoë Quillfeather</strong>’s account" in page
    client.post(erase_url(elevenr, zoe), {"confirm": "on"})
    assert not User.objects.filter(pk=zoe.pk).exists()


def test_work_left_in_a_colleagues_class_also_keeps_the_account(
    client, teacher, tenh, zoe, assignment, other_assignment
):
    """Zoë left Mr Rossi's class, but her work there stays his: not Ms Okafor's to erase."""
    give_work(other_assignment, zoe, "ZOE-IN-11R")
    client.force_login(teacher)
    client.post(erase_url(tenh, zoe), {"confirm": "on"})
    assert User.objects.filter(pk=zoe.pk).exists()
    assert Submission.objects.get(student=zoe).assignment == other_assignment


def test_a_superuser_erases_a_shared_student_whole_from_the_class_page(client, tenh, zoe, shared):
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    client.post(erase_url(tenh, zoe), {"confirm": "on"})
    assert not User.objects.filter(pk=zoe.pk).exists()
    assert not SourceAnnotation.objects.filter(student_id=zoe.pk).exists()
    assert SourceAnnotation.objects.filter(student__username="ivy.hart").count() == 2


def test_the_service_refuses_staff_and_students_the_person_does_not_teach(
    other_teacher, teacher, zoe, tenh
):
    with pytest.raises(privacy.ErasureRefused):
        privacy.plan_erasure(student=zoe, by=other_teacher)
    with pytest.raises(privacy.ErasureRefused):
        privacy.erase_student(student=other_teacher, by=make_user("root", is_superuser=True))
    assert User.objects.filter(pk=zoe.pk).exists()


# --- The admin's erase action --------------------------------------------------------------


def test_a_superuser_erases_students_from_the_admin_after_a_confirmation(
    client, teacher, tenh, zoe, ben, work
):
    plant_traces(zoe, teacher, tenh)
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    changelist = reverse("admin:coexist_user_changelist")
    chosen = {"action": "erase_students", ACTION_CHECKBOX_NAME: [zoe.pk, teacher.pk]}
    response = client.post(changelist, chosen)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Zoë Quillfeather (zoe.quill)" in page
    assert "<li>2 source analyses</li>" in page
    assert "Ms Okafor" not in page.split("<h2>")[-1]  # staff are left out, and said so
    assert User.objects.filter(pk=zoe.pk).exists()

    response = client.post(changelist, {**chosen, "post": "yes"}, follow=True)
    said = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("Erased: Zoë Quillfeather (2 source analyses") for m in said)
    assert any("Staff accounts are not erased by this action: ms_okafor" in m for m in said)
    assert not User.objects.filter(pk=zoe.pk).exists()
    assert User.objects.filter(pk=teacher.pk).exists()
    assert holders_of(ZOE_USERNAME, ZOE_NAME, "Quillfeather") == []
    assert SourceAnnotation.objects.filter(student=ben).count() == 2


def test_the_admin_erase_action_is_for_superusers_only(client, teacher, zoe, tenh):
    client.force_login(teacher)
    changelist = reverse("admin:coexist_user_changelist")
    response = client.get(changelist)
    assert "erase_students" not in response.content.decode()
    response = client.post(
        changelist, {"action": "erase_students", ACTION_CHECKBOX_NAME: [zoe.pk], "post": "yes"}
    )
    assert User.objects.filter(pk=zoe.pk).exists()
