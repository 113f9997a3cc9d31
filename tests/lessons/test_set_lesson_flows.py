"""From lesson to class and back: "Set a lesson" on a class page and "Set for a class" on a
lesson open the admin's assignment page and a plain save goes back where the teacher began."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlencode

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from lessons.models import Assignment, Classroom, Lesson
from tests.lessons.factories import make_classroom, make_lesson

pytestmark = pytest.mark.django_db

ASSIGNMENT_ADD = reverse("admin:lessons_assignment_add")
ASSIGNMENT_LIST = reverse("admin:lessons_assignment_changelist")


def class_url(classroom: Classroom) -> str:
    return reverse("lessons:class", args=[classroom.pk])


def lesson_url(lesson: Lesson) -> str:
    return reverse("admin:lessons_lesson_change", args=[lesson.pk])


def add_url(**params) -> str:
    return f"{ASSIGNMENT_ADD}?{urlencode(params)}"


def set_lesson_link(page: str) -> str:
    """The "Set a lesson" link of a class page, as a browser would follow it."""
    return unescape(re.search(r'href="([^"]+)">Set a lesson<', page).group(1))


def dates(classroom: Classroom, lesson: Lesson, **buttons) -> dict:
    """1 Dec to 8 Dec, 09:00, as the admin's split date and time fields post them."""
    return {
        "classroom": classroom.pk,
        "lesson": lesson.pk,
        "opens_at_0": "2030-12-01",
        "opens_at_1": "09:00",
        "due_at_0": "2030-12-08",
        "due_at_1": "09:00",
        "late_work_accepted": "on",
        **buttons,
    }


def test_set_a_lesson_goes_back_to_the_class_page_showing_the_new_assignment(
    teacher_client, classroom, django_assert_num_queries
):
    lesson = make_lesson(published=True, title="The thaw")
    # The link costs no query: the class page's eight (tests/lessons/test_classes.py).
    with django_assert_num_queries(8):
        page = teacher_client.get(class_url(classroom)).content.decode()
    link = set_lesson_link(page)

    form = teacher_client.get(link)
    assert form.context["adminform"].form.initial["classroom"] == str(classroom.pk)
    content = form.content.decode()
    assert f'<a href="{class_url(classroom)}">Back to 10H History</a>' in content
    assert f'<input type="hidden" name="next" value="{class_url(classroom)}">' in content
    assert "Setting a lesson for 10H History" in content

    response = teacher_client.post(link, {**dates(classroom, lesson)}, follow=True)
    assert response.redirect_chain == [(class_url(classroom), 302)]
    back = response.content.decode()
    assert "Set for 10H History, open 1 Dec, due 8 Dec: “The thaw”." in back
    assert f'href="{reverse("lessons:dashboard", args=[Assignment.objects.get().pk])}"' in back


def test_set_for_a_class_goes_back_to_the_lesson_with_a_message(teacher_client, classroom):
    lesson = make_lesson(published=True, title="The thaw")
    link = add_url(lesson=lesson.pk, next=lesson_url(lesson))
    content = teacher_client.get(link).content.decode()
    assert "Back to the lesson “The thaw”" in content
    assert "Setting “The thaw” for a class" in content

    response = teacher_client.post(link, dates(classroom, lesson))
    assert response.status_code == 302
    assert response["Location"] == lesson_url(lesson)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Set for 10H History, open 1 Dec, due 8 Dec: “The thaw”."
    ]
    assert Assignment.objects.filter(classroom=classroom, lesson=lesson).exists()


@pytest.mark.parametrize(
    ("button", "goes_to"),
    [("_continue", "change"), ("_addanother", "add")],
    ids=["save and continue editing", "save and add another"],
)
def test_the_admins_other_save_buttons_keep_their_own_ways(
    teacher_client, classroom, button, goes_to
):
    lesson = make_lesson(published=True)
    link = add_url(classroom=classroom.pk, next=class_url(classroom))
    response = teacher_client.post(link, dates(classroom, lesson, **{button: "1"}))
    assignment = Assignment.objects.get()
    expected = {
        "change": reverse("admin:lessons_assignment_change", args=[assignment.pk]),
        "add": ASSIGNMENT_ADD,
    }[goes_to]
    assert response["Location"].split("?")[0] == expected


@pytest.mark.parametrize(
    "elsewhere", ["https://evil.example/", "//evil.example/classes/1/", "javascript:alert(1)"]
)
def test_a_next_off_this_site_is_ignored(teacher_client, classroom, elsewhere):
    lesson = make_lesson(published=True)
    link = add_url(classroom=classroom.pk, next=elsewhere)
    content = teacher_client.get(link).content.decode()
    assert "evil.example" not in content
    assert "javascript:alert" not in content
    assert 'name="next"' not in content

    response = teacher_client.post(link, {**dates(classroom, lesson), "next": elsewhere})
    assert response["Location"] == ASSIGNMENT_LIST


def test_another_teachers_class_is_neither_named_nor_accepted(
    teacher_client, classroom, other_classroom
):
    lesson = make_lesson(published=True)
    link = add_url(classroom=other_classroom.pk, next=class_url(other_classroom))
    form = teacher_client.get(link)
    assert "11R History" not in form.content.decode()
    assert "Back to the page you came from" in form.content.decode()

    response = teacher_client.post(link, dates(other_classroom, lesson))
    assert response.status_code == 200
    assert "classroom" in response.context["adminform"].form.errors
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    "params",
    [
        {"classroom": "10H"},
        {"classroom": "²"},
        {"lesson": "9" * 30},
        {"lesson": "-1"},
        {"next": ""},
    ],
)
def test_a_malformed_origin_is_ignored_not_a_500(teacher_client, params):
    response = teacher_client.get(add_url(**params))
    assert response.status_code == 200
    assert "Back to" not in response.content.decode()


def test_names_in_the_way_back_and_the_message_are_escaped(teacher, teacher_client):
    classroom = make_classroom(name="<b>10H</b>", teachers=[teacher])
    lesson = make_lesson(published=True, title="<i>Thaw</i>")
    link = add_url(classroom=classroom.pk, next=class_url(classroom))
    content = teacher_client.get(link).content.decode()
    assert "<b>10H</b>" not in content
    assert "Back to &lt;b&gt;10H&lt;/b&gt;" in content

    back = teacher_client.post(link, dates(classroom, lesson), follow=True).content.decode()
    assert "<i>Thaw</i>" not in back
    assert "Set for &lt;b&gt;10H&lt;/b&gt;" in back


def test_a_student_is_sent_to_the_admin_login(client, student, classroom):
    client.force_login(student)
    link = add_url(classroom=classroom.pk, next=class_url(classroom))
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
