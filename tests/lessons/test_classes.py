"""A teacher's class page: its code, joining, new codes and new passwords, theirs alone."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from coexist.models import User
from lessons.models import Classroom, Enrolment, SourceAnnotation, Submission
from tests.factories import make_student, make_teacher, make_user
from tests.lessons.factories import make_assignment, make_classroom, make_lesson

pytestmark = pytest.mark.django_db

ONE_TIME_PASSWORD = re.compile(r"[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}")


def class_url(classroom: Classroom) -> str:
    return reverse("lessons:class", args=[classroom.pk])


def joining_url(classroom: Classroom) -> str:
    return reverse("lessons:class_joining", args=[classroom.pk])


def rotate_url(classroom: Classroom) -> str:
    return reverse("lessons:class_rotate_code", args=[classroom.pk])


def roster_url(classroom: Classroom) -> str:
    return reverse("lessons:class_roster", args=[classroom.pk])


def reset_url(classroom: Classroom, student: User) -> str:
    return reverse("lessons:reset_password", args=[classroom.pk, student.pk])


def shown_password(response) -> str:
    match = ONE_TIME_PASSWORD.search(response.content.decode())
    assert match, "no one-time password on the slip"
    return match.group()


# --- Who may use each class view -------------------------------------------------------


@dataclass(frozen=True)
class ClassView:
    """One class view: how to call it, and what its success looks like."""

    call: Callable
    succeeded: Callable


def _page_shows_the_class(response, classroom, student) -> None:
    assert response.status_code == 200
    assert "10H History" in response.content.decode()
    assert classroom.display_code in response.content.decode()


def _joining_closed(response, classroom, student) -> None:
    assert response.status_code == 302
    assert response["Location"] == class_url(classroom)
    classroom.refresh_from_db()
    assert classroom.joining_open is False


def _code_changed(response, classroom, student) -> None:
    assert response.status_code == 302
    assert response["Location"] == class_url(classroom)
    old_code = classroom.join_code  # the view changed its own copy of the class
    classroom.refresh_from_db()
    assert classroom.join_code != old_code


def _roster_form_shown(response, classroom, student) -> None:
    assert response.status_code == 200
    assert "Add students to 10H History" in response.content.decode()


def _roster_added(response, classroom, student) -> None:
    assert response.status_code == 200
    assert classroom.enrolments.filter(student__username="grace.hopper").exists()


def _password_reset(response, classroom, student) -> None:
    assert response.status_code == 200
    student.refresh_from_db()
    assert student.check_password(shown_password(response))


CLASS_VIEWS = {
    "class page": ClassView(
        call=lambda client, classroom, student: client.get(class_url(classroom)),
        succeeded=_page_shows_the_class,
    ),
    "close joining": ClassView(
        call=lambda client, classroom, student: client.post(joining_url(classroom), {"open": "no"}),
        succeeded=_joining_closed,
    ),
    "new code": ClassView(
        call=lambda client, classroom, student: client.post(rotate_url(classroom)),
        succeeded=_code_changed,
    ),
    "roster form": ClassView(
        call=lambda client, classroom, student: client.get(roster_url(classroom)),
        succeeded=_roster_form_shown,
    ),
    "add roster": ClassView(
        call=lambda client, classroom, student: client.post(
            roster_url(classroom), {"names": "Grace Hopper"}
        ),
        succeeded=_roster_added,
    ),
    "new password": ClassView(
        call=lambda client, classroom, student: client.post(reset_url(classroom, student)),
        succeeded=_password_reset,
    ),
}


def snapshot(classroom: Classroom, student: User) -> tuple:
    """Everything a class view could change."""
    classroom.refresh_from_db()
    student.refresh_from_db()
    return (
        classroom.join_code,
        classroom.joining_open,
        student.password,
        student.must_change_password,
        User.objects.count(),
    )


@pytest.fixture
def co_teacher(classroom):
    co_teacher = make_teacher("mx_ng", display_name="Mx Ng")
    classroom.teachers.add(co_teacher)
    return co_teacher


@pytest.mark.parametrize("view", CLASS_VIEWS.values(), ids=CLASS_VIEWS.keys())
@pytest.mark.parametrize("who", ["teacher", "co_teacher"])
def test_the_class_views_work_for_each_teacher_of_the_class(
    request, client, classroom, student, view, who
):
    client.force_login(request.getfixturevalue(who))
    response = view.call(client, classroom, student)
    view.succeeded(response, classroom, student)


@pytest.mark.parametrize("view", CLASS_VIEWS.values(), ids=CLASS_VIEWS.keys())
@pytest.mark.parametrize("who", ["other_teacher", "student", "other_student"])
def test_the_class_views_do_not_exist_for_anyone_else_signed_in(
    request, client, classroom, other_classroom, student, view, who
):
    client.force_login(request.getfixturevalue(who))
    before = snapshot(classroom, student)
    response = view.call(client, classroom, student)
    assert response.status_code == 404
    assert snapshot(classroom, student) == before


@pytest.mark.parametrize("view", CLASS_VIEWS.values(), ids=CLASS_VIEWS.keys())
def test_the_class_views_send_an_anonymous_visitor_to_log_in(client, classroom, student, view):
    before = snapshot(classroom, student)
    response = view.call(client, classroom, student)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert snapshot(classroom, student) == before


def test_a_class_that_does_not_exist_is_a_404(teacher_client, classroom):
    response = teacher_client.get(reverse("lessons:class", args=[classroom.pk + 1000]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "url",
    [joining_url, rotate_url, lambda classroom: reset_url(classroom, classroom.students.get())],
    ids=["joining", "new code", "new password"],
)
def test_the_post_only_class_views_refuse_get(teacher_client, classroom, url):
    before = snapshot(classroom, classroom.students.get())
    assert teacher_client.get(url(classroom)).status_code == 405
    assert snapshot(classroom, classroom.students.get()) == before


@pytest.mark.parametrize("url", [class_url, roster_url], ids=["class page", "roster"])
def test_the_class_page_and_roster_refuse_put(teacher_client, classroom, url):
    assert teacher_client.put(url(classroom)).status_code == 405


# --- The class page --------------------------------------------------------------------


def test_the_class_page_shows_the_code_and_join_link(teacher_client, classroom):
    page = teacher_client.get(class_url(classroom)).content.decode()
    assert classroom.display_code in page
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", classroom.display_code)
    join_url = f"http://testserver/join/{classroom.join_code}/"
    assert f'href="{join_url}"' in page
    assert "<strong>testserver/join/</strong>" in page


def test_the_class_page_lists_students_with_names_and_usernames(teacher_client, classroom):
    make_student("ada.okafor", first_name="Ada", last_name="Okafor", must_change_password=True)
    Enrolment.objects.create(
        classroom=classroom,
        student=User.objects.get(username="ada.okafor"),
        route=Enrolment.Route.ROSTER,
    )
    response = teacher_client.get(class_url(classroom))
    page = response.content.decode()
    assert "Ada Okafor" in page
    assert "<code>ada.okafor</code>" in page
    assert "has not logged in yet" in page
    assert "<code>sam</code>" in page
    assert "2 students" in page
    assert page.count("New password<span") == 2


def test_the_class_page_offers_no_new_password_for_a_staff_account_enrolled_by_mistake(
    teacher_client, classroom, other_teacher
):
    Enrolment.objects.create(classroom=classroom, student=other_teacher)
    page = teacher_client.get(class_url(classroom)).content.decode()
    assert "mr_rossi" in page
    assert reset_url(classroom, other_teacher) not in page
    assert reset_url(classroom, classroom.students.get(username="sam")) in page


def test_the_class_page_lists_assignments_with_their_counts(teacher_client, classroom, student):
    lesson = make_lesson(sources=1, title="The Geneva summit")
    assignment = make_assignment(classroom, lesson=lesson)
    SourceAnnotation.objects.create(
        assignment=assignment, student=student, lesson_source=lesson.lesson_sources.get()
    )
    Submission.objects.create(
        assignment=assignment, student=student, status=Submission.Status.SUBMITTED
    )
    page = teacher_client.get(class_url(classroom)).content.decode()
    assert "The Geneva summit" in page
    assert "<td>1 of 1</td>" in page
    assert "<strong>1</strong>" in page


def test_a_class_without_assignments_or_students_says_so(teacher_client, teacher):
    empty = make_classroom(teachers=[teacher], name="Empty class")
    page = teacher_client.get(class_url(empty)).content.decode()
    assert "No lessons set yet" in page
    assert "Nobody has joined yet" in page


def test_html_in_a_class_or_student_name_is_escaped(teacher_client, teacher):
    attacker = make_student("mallory", first_name="<b>Mallory</b>", last_name="<i>X</i>")
    classroom = make_classroom(
        teachers=[teacher], students=[attacker], name="<script>alert(1)</script>"
    )
    page = teacher_client.get(class_url(classroom)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>Mallory</b>" not in page
    assert "&lt;b&gt;Mallory&lt;/b&gt; &lt;i&gt;X&lt;/i&gt;" in page


def enrol_students(classroom: Classroom, total: int) -> None:
    for _ in range(total - classroom.enrolments.count()):
        Enrolment.objects.create(classroom=classroom, student=make_student())


@pytest.mark.parametrize(("students", "assignments"), [(1, 1), (30, 1), (1, 5), (30, 5)])
def test_the_class_page_query_count_does_not_grow_with_students_or_assignments(
    teacher_client, classroom, django_assert_num_queries, students, assignments
):
    enrol_students(classroom, students)
    for _ in range(assignments):
        make_assignment(classroom, lesson=make_lesson())
    # 1 session, 2 the teacher, 3 the teacher's groups (is the user a teacher?),
    # 4 the class among the classes they teach, 5 its teachers, 6 its enrolments with
    # students, 7 its assignments with lessons and their started/to-review/returned
    # counts, 8 which of its students are locked out of logging in (django-axes'
    # access attempts for the class's usernames).
    with django_assert_num_queries(8):
        response = teacher_client.get(class_url(classroom))
    assert len(response.context["classroom"].enrolments.all()) == students
    assert len(response.context["classroom"].assignments.all()) == assignments


# --- Opening and closing joining -------------------------------------------------------


def test_closing_joining_stops_the_code_and_the_page_says_closed(teacher_client, classroom):
    response = teacher_client.post(joining_url(classroom), {"open": "no"}, follow=True)
    classroom.refresh_from_db()
    assert classroom.joining_open is False
    page = response.content.decode()
    assert "Closed</span> The code" in page
    assert "no longer works" in page
    assert 'name="open" value="yes"' in page


def test_opening_joining_lets_students_join_again(teacher_client, teacher):
    closed = make_classroom(teachers=[teacher], joining_open=False)
    response = teacher_client.post(joining_url(closed), {"open": "yes"})
    assert response.status_code == 302
    closed.refresh_from_db()
    assert closed.joining_open is True
    page = teacher_client.get(class_url(closed)).content.decode()
    assert "Closed</span>" not in page
    assert 'name="open" value="no"' in page


@pytest.mark.parametrize("data", [{}, {"open": ""}, {"open": "maybe"}, {"open": "YES"}])
def test_joining_without_a_clear_yes_or_no_is_a_400_and_changes_nothing(
    teacher_client, classroom, data
):
    response = teacher_client.post(joining_url(classroom), data)
    assert response.status_code == 400
    assert b"open=yes or open=no" in response.content
    classroom.refresh_from_db()
    assert classroom.joining_open is True


# --- New codes -------------------------------------------------------------------------


def test_a_new_code_replaces_the_old_one_at_join(teacher_client, client, classroom):
    old_code = classroom.join_code
    response = teacher_client.post(rotate_url(classroom), follow=True)
    classroom.refresh_from_db()
    assert classroom.join_code != old_code
    assert f"has a new code, {classroom.display_code}" in response.content.decode()
    client.logout()

    old = client.post(reverse("lessons:join"), {"code": old_code})
    assert old.status_code == 404
    assert "No class has that code" in old.content.decode()
    new = client.post(reverse("lessons:join"), {"code": classroom.join_code})
    assert new.status_code == 302
    assert new["Location"] == reverse("lessons:join_class", args=[classroom.join_code])


def test_a_new_code_keeps_the_students_already_in_the_class(teacher_client, classroom, student):
    teacher_client.post(rotate_url(classroom))
    assert list(classroom.students.all()) == [student]


# --- New passwords ---------------------------------------------------------------------


def test_a_new_password_is_shown_once_and_works(teacher_client, classroom, student):
    response = teacher_client.post(reset_url(classroom, student))
    assert response.status_code == 200
    page = response.content.decode()
    password = shown_password(response)
    assert "<code>sam</code>" in page
    assert f"<code>{password}</code>" in page
    assert "New password for Sam" in page
    student.refresh_from_db()
    assert student.must_change_password is True
    assert student.check_password(password)
    assert not student.check_password("correct-horse-battery")


def test_a_new_password_page_is_never_cached(teacher_client, classroom, student):
    response = teacher_client.post(reset_url(classroom, student))
    cache_control = response["Cache-Control"]
    assert "no-cache" in cache_control
    assert "no-store" in cache_control


def test_each_reset_gives_a_different_password(teacher_client, classroom, student):
    first = shown_password(teacher_client.post(reset_url(classroom, student)))
    second = shown_password(teacher_client.post(reset_url(classroom, student)))
    assert first != second
    student.refresh_from_db()
    assert student.check_password(second)
    assert not student.check_password(first)


def test_another_teachers_student_cannot_be_reset_through_my_class(
    teacher_client, classroom, other_classroom, other_student
):
    before = other_student.password
    response = teacher_client.post(reset_url(classroom, other_student))
    assert response.status_code == 404
    other_student.refresh_from_db()
    assert other_student.password == before
    assert other_student.must_change_password is False


def test_another_teachers_student_cannot_be_reset_through_their_class(
    teacher_client, other_classroom, other_student
):
    response = teacher_client.post(reset_url(other_classroom, other_student))
    assert response.status_code == 404
    other_student.refresh_from_db()
    assert other_student.check_password("correct-horse-battery")


@pytest.mark.parametrize(
    "fields",
    [{"is_staff": True}, {"is_staff": True, "is_superuser": True}, {"is_superuser": True}],
    ids=["staff", "administrator", "superuser without staff"],
)
def test_a_staff_account_enrolled_by_mistake_is_never_resettable(teacher_client, classroom, fields):
    colleague = make_user("colleague", **fields)
    Enrolment.objects.create(classroom=classroom, student=colleague)
    response = teacher_client.post(reset_url(classroom, colleague))
    assert response.status_code == 404
    colleague.refresh_from_db()
    assert colleague.check_password("correct-horse-battery")
    assert colleague.must_change_password is False


def test_a_student_from_another_of_my_classes_cannot_be_reset_through_this_one(
    teacher_client, teacher, classroom
):
    elsewhere = make_student("kit", first_name="Kit")
    make_classroom(teachers=[teacher], students=[elsewhere], name="9B History")
    response = teacher_client.post(reset_url(classroom, elsewhere))
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.check_password("correct-horse-battery")
