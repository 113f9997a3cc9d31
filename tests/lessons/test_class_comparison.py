"""See the class only after committing: a student who has finished a source may compare
their rating with the class's, anonymously, when the teacher allows it; before, nothing."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lessons.models import SourceAnnotation
from lessons.services import work
from tests.factories import make_student
from tests.lessons.factories import make_assignment, make_classroom, make_text_lesson

pytestmark = pytest.mark.django_db

TEXT = "We shall argue with you, but not with weapons."


@pytest.fixture
def world(teacher):
    students = [make_student(f"pupil{n}", last_name=f"Classmate{n}") for n in range(6)]
    lesson = make_text_lesson(TEXT)
    classroom = make_classroom(teachers=[teacher], students=students)
    assignment = make_assignment(classroom, lesson=lesson, class_comparison=True)
    return assignment, lesson.lesson_sources.get(), students


def finish(assignment, lesson_source, student, rating, *, done=True):
    work.save_analysis(
        assignment=assignment,
        student=student,
        lesson_source_id=lesson_source.pk,
        version=0,
        responses={
            "origin": "Khrushchev, 1959.",
            "purpose": "To persuade.",
            "value": "His words.",
            "limitation": "Public.",
        },
        prompt_keys=["origin", "purpose", "value", "limitation"],
        rating=rating,
        rating_reason="Because.",
        done=done,
    )
    return SourceAnnotation.objects.get(student=student, lesson_source=lesson_source)


def source_page(client, assignment) -> str:
    response = client.get(reverse("lessons:source_work", args=[assignment.pk, "A"]))
    assert response.status_code == 200
    return response.content.decode()


def test_nothing_about_classmates_shows_before_the_student_finishes(client, world):
    assignment, lesson_source, students = world
    for student, rating in zip(students[1:], (2, 3, 4, 4), strict=False):
        finish(assignment, lesson_source, student, rating)
    finish(assignment, lesson_source, students[0], 5, done=False)
    client.force_login(students[0])
    body = source_page(client, assignment)
    assert "How your class rated" not in body
    assert "bar-count" not in body


def test_after_finishing_the_student_sees_the_counts_without_names(client, world):
    assignment, lesson_source, students = world
    for student, rating in zip(students[1:], (2, 4, 4), strict=False):
        finish(assignment, lesson_source, student, rating)
    finish(assignment, lesson_source, students[5], 1, done=False)  # unfinished: not counted
    me = students[0]
    assert finish(assignment, lesson_source, me, 4).status == "done"
    client.force_login(me)
    body = source_page(client, assignment)
    card = body[body.index('id="class-ratings"') :]
    card = card[: card.index("</section>")]
    counts = [int(n) for n in re.findall(r'class="bar-count">(\d+)<', card)]
    assert counts == [0, 1, 0, 3, 0]  # ratings 1 to 5; the unfinished 1 is left out
    assert "your judgement" in card  # their own rating, marked
    assert "Classmate" not in card


def test_it_waits_until_three_have_finished(client, world):
    assignment, lesson_source, students = world
    finish(assignment, lesson_source, students[1], 3)
    finish(assignment, lesson_source, students[0], 4)
    client.force_login(students[0])
    body = source_page(client, assignment)
    assert "appear here once 3 students have finished this source; 2 have so far" in body
    assert "bar-count" not in body


def test_without_the_teachers_permission_there_is_no_comparison(client, world):
    assignment, lesson_source, students = world
    assignment.class_comparison = False
    assignment.save()
    for student, rating in zip(students, (2, 3, 4), strict=False):
        finish(assignment, lesson_source, student, rating)
    client.force_login(students[0])
    assert "How your class rated" not in source_page(client, assignment)


def test_the_comparison_costs_one_query_whatever_the_class_size(client, world):
    assignment, lesson_source, students = world
    me = students[0]
    finish(assignment, lesson_source, me, 4)
    client.force_login(me)
    url = reverse("lessons:source_work", args=[assignment.pk, "A"])
    client.get(url)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    assignment.class_comparison = False
    assignment.save()
    without = queries()
    assignment.class_comparison = True
    assignment.save()
    alone = queries()
    for student, rating in zip(students[1:], (1, 2, 3, 5, 5), strict=False):
        finish(assignment, lesson_source, student, rating)
    assert alone == without + 1
    assert queries() == alone
