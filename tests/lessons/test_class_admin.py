"""Classes and assignments in the admin, scoped to the teacher's own classes; the models' rules."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from lessons.models import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    Assignment,
    Classroom,
    Enrolment,
    format_join_code,
    new_join_code,
    normalise_join_code,
)
from tests.factories import make_user
from tests.lessons.factories import make_assignment, make_classroom, make_lesson

pytestmark = pytest.mark.django_db

CLASS_LIST = reverse("admin:lessons_classroom_changelist")
CLASS_ADD = reverse("admin:lessons_classroom_add")
ASSIGNMENT_LIST = reverse("admin:lessons_assignment_changelist")
ASSIGNMENT_ADD = reverse("admin:lessons_assignment_add")
NO_INLINES = {
    "assignments-TOTAL_FORMS": "0",
    "assignments-INITIAL_FORMS": "0",
    "enrolments-TOTAL_FORMS": "0",
    "enrolments-INITIAL_FORMS": "0",
}


def listed(response) -> set:
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def form_field(response, name: str):
    return response.context["adminform"].form.fields[name]


@pytest.fixture
def superuser_client(client):
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    return client


# --- Classes in the admin --------------------------------------------------------------


def test_a_teacher_lists_only_their_own_classes(teacher_client, classroom, other_classroom):
    assert listed(teacher_client.get(CLASS_LIST)) == {classroom}


def test_a_co_teacher_lists_the_class_they_share(client, classroom, other_teacher):
    classroom.teachers.add(other_teacher)
    other_classroom = make_classroom(teachers=[other_teacher], name="11R History")
    client.force_login(other_teacher)
    assert listed(client.get(CLASS_LIST)) == {classroom, other_classroom}


def test_the_class_list_counts_students_once_however_many_teachers(
    teacher_client, classroom, other_teacher, other_student
):
    classroom.teachers.add(other_teacher)
    Enrolment.objects.create(classroom=classroom, student=other_student)
    (shown,) = listed(teacher_client.get(CLASS_LIST))
    assert shown.student_total == 2


def test_an_administrator_lists_every_class(superuser_client, classroom, other_classroom):
    assert listed(superuser_client.get(CLASS_LIST)) == {classroom, other_classroom}


@pytest.mark.parametrize("page", ["change", "history", "delete"])
def test_another_teachers_class_does_not_open_in_the_admin(teacher_client, other_classroom, page):
    url = reverse(f"admin:lessons_classroom_{page}", args=[other_classroom.pk])
    response = teacher_client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_another_teachers_class_cannot_be_changed_by_posting(teacher_client, other_classroom):
    url = reverse("admin:lessons_classroom_change", args=[other_classroom.pk])
    response = teacher_client.post(url, {"name": "Renamed", "joining_open": "", **NO_INLINES})
    assert response.status_code == 302
    other_classroom.refresh_from_db()
    assert other_classroom.name == "11R History"
    assert other_classroom.joining_open is True


def test_a_teachers_own_class_shows_its_code_students_and_class_page(
    teacher_client, classroom, student
):
    response = teacher_client.get(reverse("admin:lessons_classroom_change", args=[classroom.pk]))
    page = response.content.decode()
    assert classroom.display_code in page
    assert f'href="{classroom.get_absolute_url()}"' in page
    enrolments = response.context["inline_admin_formsets"][1].formset.queryset
    assert [enrolment.student for enrolment in enrolments] == [student]


def test_a_teacher_creating_a_class_becomes_one_of_its_teachers(
    teacher_client, teacher, other_teacher
):
    data = {"name": "12X History", "teachers": [other_teacher.pk], "joining_open": "on"}
    response = teacher_client.post(CLASS_ADD, {**data, **NO_INLINES})
    assert response.status_code == 302
    created = Classroom.objects.get(name="12X History")
    assert set(created.teachers.all()) == {teacher, other_teacher}
    assert len(created.join_code) == JOIN_CODE_LENGTH


def test_the_add_class_form_starts_with_the_teacher_ticked(teacher_client, teacher):
    response = teacher_client.get(CLASS_ADD)
    assert response.context["adminform"].form.initial["teachers"] == [teacher.pk]
    assert "Made when you save." in response.content.decode()


def test_only_teachers_can_be_chosen_to_teach_a_class(
    teacher_client, teacher, other_teacher, student
):
    response = teacher_client.get(CLASS_ADD)
    assert set(form_field(response, "teachers").queryset) == {teacher, other_teacher}


def test_an_administrator_creating_a_class_is_not_added_as_a_teacher(superuser_client, teacher):
    data = {"name": "12X History", "teachers": [teacher.pk], "joining_open": "on"}
    response = superuser_client.post(CLASS_ADD, {**data, **NO_INLINES})
    assert response.status_code == 302
    assert list(Classroom.objects.get(name="12X History").teachers.all()) == [teacher]


def test_the_rotate_codes_action_gives_the_selected_class_a_new_code(teacher_client, classroom):
    old_code = classroom.join_code
    response = teacher_client.post(
        CLASS_LIST, {"action": "rotate_codes", "_selected_action": [classroom.pk]}, follow=True
    )
    classroom.refresh_from_db()
    assert classroom.join_code != old_code
    assert len(classroom.join_code) == JOIN_CODE_LENGTH
    assert "New codes for 1 classes" in response.content.decode()


def test_the_rotate_codes_action_ignores_another_teachers_class(
    teacher_client, classroom, other_classroom
):
    old_code = other_classroom.join_code
    teacher_client.post(
        CLASS_LIST,
        {"action": "rotate_codes", "_selected_action": [classroom.pk, other_classroom.pk]},
    )
    other_classroom.refresh_from_db()
    assert other_classroom.join_code == old_code


@pytest.mark.parametrize(
    ("action", "open_after"), [("close_joining", False), ("open_joining", True)]
)
def test_the_joining_actions_open_and_close_the_selected_classes(
    teacher_client, teacher, action, open_after
):
    chosen = make_classroom(teachers=[teacher], joining_open=not open_after)
    untouched = make_classroom(teachers=[teacher], joining_open=not open_after)
    teacher_client.post(CLASS_LIST, {"action": action, "_selected_action": [chosen.pk]})
    chosen.refresh_from_db()
    untouched.refresh_from_db()
    assert chosen.joining_open is open_after
    assert untouched.joining_open is not open_after


# --- Assignments in the admin ----------------------------------------------------------


def test_a_teacher_lists_only_assignments_of_their_classes(
    teacher_client, classroom, other_classroom
):
    mine = make_assignment(classroom)
    make_assignment(other_classroom)
    assert listed(teacher_client.get(ASSIGNMENT_LIST)) == {mine}


def test_an_administrator_lists_every_assignment(superuser_client, classroom, other_classroom):
    both = {make_assignment(classroom), make_assignment(other_classroom)}
    assert listed(superuser_client.get(ASSIGNMENT_LIST)) == both


def test_another_teachers_assignment_does_not_open_in_the_admin(teacher_client, other_classroom):
    theirs = make_assignment(other_classroom)
    response = teacher_client.get(reverse("admin:lessons_assignment_change", args=[theirs.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_the_assignment_form_offers_current_own_classes_and_published_lessons(
    teacher_client, teacher, classroom, other_classroom
):
    make_classroom(teachers=[teacher], name="Last year's class", archived=True)
    published = make_lesson(published=True)
    make_lesson(published=False, title="Draft lesson")
    response = teacher_client.get(ASSIGNMENT_ADD)
    assert set(form_field(response, "classroom").queryset) == {classroom}
    assert set(form_field(response, "lesson").queryset) == {published}


def assignment_data(classroom, lesson, *, opens: str, due: str) -> dict:
    return {
        "classroom": classroom.pk,
        "lesson": lesson.pk,
        "opens_at_0": opens.split()[0],
        "opens_at_1": opens.split()[1],
        "due_at_0": due.split()[0],
        "due_at_1": due.split()[1],
        "late_work_accepted": "on",
    }


def test_a_teacher_sets_a_published_lesson_for_their_class(teacher_client, classroom):
    lesson = make_lesson(published=True)
    data = assignment_data(classroom, lesson, opens="2030-03-01 09:00", due="2030-03-08 09:00")
    response = teacher_client.post(ASSIGNMENT_ADD, data)
    assert response.status_code == 302
    assignment = Assignment.objects.get(classroom=classroom, lesson=lesson)
    assert timezone.localtime(assignment.due_at).day == 8


def test_an_unpublished_lesson_cannot_be_set(teacher_client, classroom):
    draft = make_lesson(published=False)
    data = assignment_data(classroom, draft, opens="2030-03-01 09:00", due="2030-03-08 09:00")
    response = teacher_client.post(ASSIGNMENT_ADD, data)
    assert response.status_code == 200
    assert "lesson" in response.context["adminform"].form.errors
    assert not Assignment.objects.exists()


def test_a_lesson_cannot_be_set_for_another_teachers_class(teacher_client, other_classroom):
    lesson = make_lesson(published=True)
    data = assignment_data(
        other_classroom, lesson, opens="2030-03-01 09:00", due="2030-03-08 09:00"
    )
    response = teacher_client.post(ASSIGNMENT_ADD, data)
    assert response.status_code == 200
    assert "classroom" in response.context["adminform"].form.errors
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    "due", ["2030-02-01 09:00", "2030-03-01 09:00"], ids=["before", "same time"]
)
def test_a_due_date_not_after_the_opening_is_refused(teacher_client, classroom, due):
    lesson = make_lesson(published=True)
    data = assignment_data(classroom, lesson, opens="2030-03-01 09:00", due=due)
    response = teacher_client.post(ASSIGNMENT_ADD, data)
    assert response.status_code == 200
    assert "The due date must come after the opening date." in response.content.decode()
    assert not Assignment.objects.exists()


# --- The models' rules -----------------------------------------------------------------


def test_a_new_class_gets_an_eight_character_code_without_lookalikes():
    codes = {new_join_code() for _ in range(200)} | {make_classroom().join_code}
    for code in codes:
        assert len(code) == 8
        assert set(code) <= set(JOIN_CODE_ALPHABET)
    assert not set(JOIN_CODE_ALPHABET) & set("0O1IL")
    assert len(codes) > 190


def test_rotating_a_code_saves_a_different_valid_code(classroom):
    old_code = classroom.join_code
    returned = classroom.rotate_join_code()
    classroom.refresh_from_db()
    assert classroom.join_code == returned != old_code
    assert set(returned) <= set(JOIN_CODE_ALPHABET)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("abcd-23 45", "ABCD2345"), ("  ABCD2345 ", "ABCD2345"), ("ab\tcd-\n2345", "ABCD2345")],
)
def test_a_typed_code_is_normalised_to_how_it_is_stored(typed, stored):
    assert normalise_join_code(typed) == stored


def test_a_code_is_shown_in_two_halves():
    assert format_join_code("ABCD2345") == "ABCD-2345"
    assert format_join_code("") == ""
    assert Classroom(join_code="WXYZ6789").display_code == "WXYZ-6789"


OPENS = datetime(2030, 3, 1, 9, 0, tzinfo=timezone.get_fixed_timezone(0))
DUE = OPENS + timedelta(days=7)


@pytest.mark.parametrize(
    ("now", "late_work_accepted", "state"),
    [
        (OPENS - timedelta(minutes=1), True, Assignment.State.NOT_OPEN),
        (OPENS, True, Assignment.State.OPEN),
        (DUE, True, Assignment.State.OPEN),
        (DUE + timedelta(minutes=1), True, Assignment.State.LATE),
        (DUE + timedelta(minutes=1), False, Assignment.State.CLOSED),
    ],
    ids=["not open", "just opened", "at the deadline", "late accepted", "closed"],
)
def test_an_assignment_state_follows_its_dates(now, late_work_accepted, state):
    assignment = Assignment(opens_at=OPENS, due_at=DUE, late_work_accepted=late_work_accepted)
    assert assignment.state(now=now) == state
    assert assignment.accepts_work(now=now) is (state in ("open", "late"))


def test_an_assignment_without_a_deadline_stays_open():
    assignment = Assignment(opens_at=OPENS, due_at=None, late_work_accepted=False)
    assert assignment.state(now=OPENS + timedelta(days=3650)) == Assignment.State.OPEN


def test_assigning_a_draft_lesson_fails_validation(classroom):
    assignment = Assignment(
        classroom=classroom, lesson=make_lesson(published=False), opens_at=OPENS, due_at=DUE
    )
    with pytest.raises(ValidationError, match="Publish this lesson before assigning it"):
        assignment.clean()


@pytest.mark.parametrize("due", [OPENS - timedelta(days=1), OPENS], ids=["before", "same time"])
def test_the_database_refuses_an_assignment_due_before_it_opens(classroom, due):
    lesson = make_lesson(published=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(classroom=classroom, lesson=lesson, opens_at=OPENS, due_at=due)
    assert not Assignment.objects.exists()


def test_the_database_refuses_a_second_enrolment_of_the_same_student(classroom, student):
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(classroom=classroom, student=student)
    assert classroom.enrolments.filter(student=student).count() == 1
