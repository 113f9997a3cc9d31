"""Home pages: a teacher's classes and what needs review; a student's lessons and progress."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lessons.models import Enrolment, SourceAnnotation, Submission
from tests.factories import make_student
from tests.lessons.factories import make_assignment, make_classroom, make_lesson


def _annotate(assignment, student, *, done: int = 0, started: int = 0) -> None:
    lesson_sources = list(assignment.lesson.lesson_sources.all())
    for index, lesson_source in enumerate(lesson_sources[: done + started]):
        SourceAnnotation.objects.create(
            assignment=assignment,
            student=student,
            lesson_source=lesson_source,
            status="done" if index < done else "in_progress",
        )


def _submit(assignment, student, status=Submission.Status.SUBMITTED) -> Submission:
    return Submission.objects.create(assignment=assignment, student=student, status=status)


# --- Students --------------------------------------------------------------------------


def test_a_student_sees_their_class_its_teacher_and_each_assignment_with_its_due_date(
    student_client, student, classroom
):
    lesson = make_lesson(title="Khrushchev and the thaw", sources=3, published=True)
    due = timezone.now() + timedelta(days=3)
    make_assignment(classroom, lesson, due_at=due)
    html = student_client.get(reverse("home")).content.decode()
    assert "10H History" in html
    assert "Taught by Ms Okafor" in html
    assert "Khrushchev and the thaw" in html
    assert lesson.research_question.replace("'", "&#x27;") in html
    assert f'datetime="{timezone.localtime(due).isoformat()}"' in html
    assert "Not started · 3 sources to analyse" in html
    assert "answer not started" in html


def test_a_student_sees_their_own_progress_and_not_anyone_elses(
    student_client, student, other_student, classroom
):
    assignment = make_assignment(classroom, make_lesson(sources=4, published=True))
    Enrolment.objects.create(classroom=classroom, student=other_student)
    _annotate(assignment, student, done=2, started=1)
    _annotate(assignment, other_student, done=4)
    _submit(assignment, other_student)
    Submission.objects.create(assignment=assignment, student=student)
    html = student_client.get(reverse("home")).content.decode()
    assert "2 of 4 sources done" in html
    assert 'max="4" value="2"' in html
    assert "answer in draft" in html
    assert "answer submitted" not in html


@pytest.mark.parametrize(
    ("status", "words"),
    [("submitted", "answer submitted"), ("returned", "answer returned with feedback")],
)
def test_a_student_sees_the_state_of_their_answer(
    student_client, student, classroom, status, words
):
    assignment = make_assignment(classroom)
    _submit(assignment, student, status)
    assert words in student_client.get(reverse("home")).content.decode()


def test_assignment_states_are_spelled_out_in_words(student_client, classroom):
    now = timezone.now()
    make_assignment(
        classroom,
        make_lesson(title="Later", published=True),
        opens_at=now + timedelta(days=2),
        due_at=now + timedelta(days=9),
    )
    make_assignment(
        classroom,
        make_lesson(title="Overdue", published=True),
        opens_at=now - timedelta(days=9),
        due_at=now - timedelta(days=1),
    )
    make_assignment(
        classroom,
        make_lesson(title="Shut", published=True),
        opens_at=now - timedelta(days=9),
        due_at=now - timedelta(days=1),
        late_work_accepted=False,
    )
    html = student_client.get(reverse("home")).content.decode()
    assert "Opens " in html
    assert "Past due · late work accepted" in html
    assert ">Closed<" in html


def test_a_student_never_sees_classes_they_are_not_in_or_archived_ones(
    student_client, student, other_classroom
):
    make_assignment(other_classroom, make_lesson(title="Not for Sam", published=True))
    archived = make_classroom(name="Last year's class", students=[student], archived=True)
    make_assignment(archived, make_lesson(title="Old lesson", published=True))
    html = student_client.get(reverse("home")).content.decode()
    assert "11R History" not in html and "Not for Sam" not in html
    assert "Last year's class" not in html and "Old lesson" not in html
    assert "You are not in a class yet" in html


def test_student_home_names_are_escaped(student_client, student):
    classroom = make_classroom(name="<b>bold</b>", students=[student])
    make_assignment(classroom, make_lesson(title="<i>t</i>", published=True))
    html = student_client.get(reverse("home")).content.decode()
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<i>t</i>" not in html


def _student_with(classes: int, assignments_each: int):
    student = make_student()
    for _ in range(classes):
        classroom = make_classroom(students=[student])
        for _ in range(assignments_each):
            assignment = make_assignment(classroom, make_lesson(sources=2, published=True))
            _annotate(assignment, student, done=1, started=1)
            _submit(assignment, student)
    return student


@pytest.mark.parametrize(("classes", "assignments_each"), [(1, 1), (3, 10)])
def test_the_student_home_page_makes_the_same_few_queries_at_any_size(
    db, client, django_assert_num_queries, classes, assignments_each
):
    client.force_login(_student_with(classes, assignments_each))
    # session, user, the classes, their teachers, their assignments with progress counts
    with django_assert_num_queries(5):
        response = client.get(reverse("home"))
    assert response.content.decode().count("1 of 2 sources done") == classes * assignments_each


# --- Teachers --------------------------------------------------------------------------


def test_a_teacher_sees_each_class_with_its_join_code_and_student_count(
    teacher_client, classroom, other_classroom
):
    html = teacher_client.get(reverse("home")).content.decode()
    assert "10H History" in html
    assert classroom.display_code in html
    assert "1 student ·" in html
    assert "11R History" not in html
    assert other_classroom.display_code not in html


def test_a_teacher_sees_when_joining_is_closed_instead_of_the_code(teacher_client, classroom):
    classroom.joining_open = False
    classroom.save()
    html = teacher_client.get(reverse("home")).content.decode()
    assert classroom.display_code not in html
    assert "joining closed" in html


def test_a_teacher_sees_how_many_started_and_how_many_answers_wait_for_review(
    teacher_client, classroom, student
):
    others = [make_student() for _ in range(3)]
    for other in others:
        Enrolment.objects.create(classroom=classroom, student=other)
    assignment = make_assignment(classroom, make_lesson(title="Thaw", sources=3, published=True))
    _annotate(assignment, student, done=3)
    _annotate(assignment, others[0], started=2)
    _submit(assignment, student)
    _submit(assignment, others[1], Submission.Status.RETURNED)
    _submit(assignment, others[2], Submission.Status.DRAFT)
    response = teacher_client.get(reverse("home"))
    row = next(
        a for c in response.context["classes"] for a in c.assignments.all() if a.pk == assignment.pk
    )
    assert (row.started_total, row.to_review_total, row.returned_total) == (2, 1, 1)
    html = response.content.decode()
    assert "2 of 4" in html
    assert "<strong>1</strong>" in html


def test_an_archived_class_stays_within_reach_of_its_teacher_below_the_current_ones(
    teacher_client, classroom, teacher
):
    archived = make_classroom(name="Last year's <b>9X</b>", teachers=[teacher], archived=True)
    old = make_assignment(archived, make_lesson(title="Old lesson", published=True))
    response = teacher_client.get(reverse("home"))
    assert [c.name for c in response.context["classes"]] == ["10H History"]
    assert [c.name for c in response.context["archived_classes"]] == [archived.name]
    html = response.content.decode()
    assert html.index("10H History") < html.index("Archived classes")
    assert "Last year&#x27;s &lt;b&gt;9X&lt;/b&gt;" in html
    assert reverse("lessons:dashboard", args=[old.pk]) in html
    assert archived.display_code not in html


def test_a_teacher_without_classes_is_shown_how_to_open_one(teacher_client):
    html = teacher_client.get(reverse("home")).content.decode()
    assert "You have no classes yet" in html
    assert reverse("admin:lessons_classroom_add") in html


def _teacher_with(teacher, classes: int, assignments_each: int, students_each: int) -> None:
    for _ in range(classes):
        students = [make_student() for _ in range(students_each)]
        classroom = make_classroom(teachers=[teacher], students=students)
        for _ in range(assignments_each):
            assignment = make_assignment(classroom, make_lesson(sources=2, published=True))
            for student in students:
                _annotate(assignment, student, done=1)
                _submit(assignment, student)


@pytest.mark.parametrize(("classes", "assignments_each", "students_each"), [(1, 1, 1), (3, 10, 10)])
def test_the_teacher_home_page_makes_the_same_few_queries_at_any_size(
    teacher_client, teacher, django_assert_num_queries, classes, assignments_each, students_each
):
    _teacher_with(teacher, classes, assignments_each, students_each)
    make_classroom(teachers=[teacher], archived=True)
    # session, user, the user's groups (Teachers role), the classes (archived ones too)
    # with student counts, their assignments with started / to-review / returned counts
    with django_assert_num_queries(5):
        response = teacher_client.get(reverse("home"))
    assert len(response.context["classes"]) == classes
