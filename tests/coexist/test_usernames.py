"""Usernames are ASCII, and a new one never looks like one in use.

A pupil who signs up as “ѕtudent1” (a Cyrillic “ѕ”), “Student1” or “student1.” beside
“student1” could pass for a classmate in every list of work; “teacher.” for the teacher.
Names stay in any script: only the username, which people type and read off slips, is
ASCII.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coexist.models import User
from coexist.usernames import (
    ASCII_MESSAGE,
    skeleton,
    validate_ascii_username,
    validate_new_username,
)
from lessons.management.commands.load_demo import DEMO_STUDENTS, DEMO_TEACHER
from lessons.models import Enrolment
from tests.factories import make_student, make_teacher, make_user
from tests.lessons.factories import make_classroom

pytestmark = pytest.mark.django_db

PASSWORD = "peaceful-coexistence-1956"
LOOKALIKE = "looks too much like a username someone already has"


# --- The skeleton ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lookalike",
    [
        "student1",
        "Student1",
        "STUDENT1",
        "student1.",
        "_student1",
        "-student1-",
        "studentl",
        "studentI",
        "ѕtudent1",  # Cyrillic dze
        "ѕtudеnt1",  # and a Cyrillic ie
        "ЅTUDENT1",  # Cyrillic capital dze
        "ｓｔｕｄｅｎｔ１",  # full width
        "𝐬𝐭𝐮𝐝𝐞𝐧𝐭𝟏",  # mathematical bold
        "student|",
    ],
)
def test_look_alikes_of_a_username_share_its_skeleton(lookalike):
    assert skeleton(lookalike) == skeleton("student1")


@pytest.mark.parametrize(
    ("first", "second"),
    [("teacher.", "teacher"), ("0lga", "olga"), ("b1ll", "bill"), ("Ιan", "lan")],
    ids=["trailing-dot", "zero-for-o", "one-for-l", "greek-iota"],
)
def test_more_pairs_a_reader_could_confuse(first, second):
    assert skeleton(first) == skeleton(second)


@pytest.mark.parametrize(
    "different", ["student2", "students1", "student", "stud.ent1", "zoe", "student1a"]
)
def test_usernames_that_look_different_keep_different_skeletons(different):
    assert skeleton(different) != skeleton("student1")


# --- Typed usernames --------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["zoe.o", "ada_okafor-2", "Sam", "x", "2024.li"])
def test_ascii_letters_digits_and_dots_hyphens_underscores_are_fine(username):
    validate_ascii_username(username)


@pytest.mark.parametrize(
    "username",
    ["ѕtudent1", "zoë", "王芳", "sam o", "sam@school", "sam+1", "...", "_", "", "tab\t"],
)
def test_anything_else_is_refused_with_a_clear_message(username):
    with pytest.raises(ValidationError) as refused:
        validate_ascii_username(username)
    assert refused.value.messages == [ASCII_MESSAGE]


def test_a_look_alike_is_found_with_one_query(django_assert_num_queries):
    make_student("student1")
    make_teacher("teacher")
    # One query: every username, to compare skeletons.
    with django_assert_num_queries(1), pytest.raises(ValidationError) as refused:
        validate_new_username("Teacher.")
    assert refused.value.messages == [
        "“Teacher.” looks too much like a username someone already has. Choose one that "
        "looks different, for example by adding your last name or a number."
    ]


def test_an_account_is_not_its_own_look_alike():
    sam = make_student("sam")
    validate_new_username("Sam", exclude_pk=sam.pk)
    with pytest.raises(ValidationError):
        validate_new_username("Sam")


# --- Signing up at /join/ ----------------------------------------------------------------


@pytest.fixture
def join_page(teacher) -> str:
    classroom = make_classroom(name="11C Cold War", teachers=[teacher])
    make_student("student1")
    return reverse("lessons:join_class", args=[classroom.join_code])


def sign_up(client, page: str, username: str, **names):
    data = {
        "first_name": "Zoë",
        "last_name": "",
        "username": username,
        "password1": PASSWORD,
        "password2": PASSWORD,
        **names,
    }
    return client.post(page, data)


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("ѕtudent1", "Use only the letters a–z, digits"),
        ("Zoë", "Use only the letters a–z, digits"),
        ("Student1", "A user with that username already exists."),
        ("student1.", LOOKALIKE),
        ("studentl", LOOKALIKE),
        # Django's username field makes this “student1” (NFKC) before any check.
        ("ｓｔｕｄｅｎｔ１", "A user with that username already exists."),
        ("ms_okafor.", LOOKALIKE),
        ("teacher.", LOOKALIKE),
    ],
)
def test_a_signup_with_a_lookalike_or_non_ascii_username_creates_nobody(
    client, join_page, username, message
):
    make_teacher("teacher")
    users = User.objects.count()
    response = sign_up(client, join_page, username)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.count() == users


def test_a_name_in_any_script_with_an_ascii_username_signs_up(client, join_page):
    response = sign_up(client, join_page, "zoya.ivanova", first_name="Зоя", last_name="Иванова")
    assert response.status_code == 302
    zoya = User.objects.get(username="zoya.ivanova")
    assert (zoya.first_name, zoya.last_name) == ("Зоя", "Иванова")


def test_the_signup_form_says_what_a_username_may_contain(client, join_page):
    page = client.get(join_page).content.decode()
    assert "the letters a–z, digits and . _ - only" in page


# --- Usernames made from a roster ----------------------------------------------------------


def paste(client, classroom, names: str):
    return client.post(reverse("lessons:class_roster", args=[classroom.pk]), {"names": names})


def roster_usernames(classroom) -> list[str]:
    return list(
        classroom.enrolments.filter(route=Enrolment.Route.ROSTER)
        .order_by("student__pk")
        .values_list("student__username", flat=True)
    )


def test_a_roster_spells_any_script_in_ascii_and_keeps_the_names(teacher_client, classroom):
    paste(teacher_client, classroom, "Иван Петров\nΝίκος Παππάς\n王 芳\nZoë Brontë")
    assert roster_usernames(classroom) == [
        "ivan.petrov",
        "nikos.pappas",
        "wang.fang",
        "zoe.bronte",
    ]
    assert User.objects.get(username="ivan.petrov").get_full_name() == "Иван Петров"


def test_a_roster_never_makes_a_lookalike_of_a_username_in_use(teacher_client, classroom):
    make_user("anna.l")  # “Anna I” folds to anna.i, which reads as anna.l
    make_user("ivan.petrov.")  # an older account, made before dots at the end were refused
    paste(teacher_client, classroom, "Anna I\nIvan Petrov\nИван Петров")
    assert roster_usernames(classroom) == ["anna.i2", "ivan.petrov2", "ivan.petrov3"]


# --- The admin's account forms --------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    return client


def test_the_admin_refuses_a_new_account_that_looks_like_one_in_use(admin_client):
    make_teacher("teacher")
    data = {"username": "teacher.", "password1": PASSWORD, "password2": PASSWORD}
    data["usable_password"] = "true"
    response = admin_client.post(reverse("admin:coexist_user_add"), data)
    assert response.status_code == 200
    assert LOOKALIKE in response.content.decode()
    assert not User.objects.filter(username="teacher.").exists()


def test_the_admin_refuses_renaming_an_account_to_a_lookalike_but_keeps_old_names(admin_client):
    make_teacher("teacher")
    legacy = make_student("Zoë")  # from before usernames were ASCII
    url = reverse("admin:coexist_user_change", args=[legacy.pk])
    data = {
        "username": "Zoë",
        "first_name": "Zoë",
        "last_name": "",
        "email": "",
        "display_name": "",
        "is_active": "on",
        "date_joined_0": "2025-01-01",
        "date_joined_1": "09:00:00",
    }
    assert admin_client.post(url, data).status_code == 302, "an unchanged name is kept"
    response = admin_client.post(url, {**data, "username": "Teacher"})
    assert response.status_code == 200
    assert LOOKALIKE in response.content.decode()
    assert User.objects.get(pk=legacy.pk).username == "Zoë"


def test_the_demo_accounts_are_ascii_and_look_nothing_alike():
    usernames = [DEMO_TEACHER, *DEMO_STUDENTS]
    for username in usernames:
        validate_ascii_username(username)
    assert len({skeleton(username) for username in usernames}) == len(usernames)
