"""Login throttling: a locked account, never a locked classroom; the lockout page; a
teacher's unlock; and the client address both throttles count by."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axes.exceptions import AxesBackendRequestParameterRequired
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from coexist import lockout
from coexist.clients import client_address
from lessons.models import Enrolment
from tests.factories import PASSWORD, make_pupils, make_student, make_user

pytestmark = pytest.mark.django_db

WRONG = "not-the-password-1956"
LIMIT = 5

# Each login page, with an account it lets in (the admin's only lets staff in).
PAGES = [("login", "student"), ("admin:login", "teacher")]


def attempt(client, page: str, username: str, password: str, **extra):
    return client.post(reverse(page), {"username": username, "password": password}, **extra)


def fail(client, page: str, username: str, times: int = LIMIT, **extra) -> list[int]:
    return [attempt(client, page, username, WRONG, **extra).status_code for _ in range(times)]


def unlock_url(classroom, student) -> str:
    return reverse("lessons:unlock_student", args=[classroom.pk, student.pk])


def class_url(classroom) -> str:
    return reverse("lessons:class", args=[classroom.pk])


def lock(username: str, address: str = "127.0.0.1") -> None:
    """Five wrong passwords for `username`, from a client of its own."""
    assert fail(Client(REMOTE_ADDR=address), "login", username)[-1] == 429


# --- Five wrong passwords lock that account --------------------------------------------


@pytest.mark.parametrize(("page", "who"), PAGES)
def test_five_wrong_passwords_lock_the_account_and_then_even_the_right_one_is_refused(
    client, request, page, who
):
    user = request.getfixturevalue(who)
    assert fail(client, page, user.username) == [200, 200, 200, 200, 429]
    response = attempt(client, page, user.username, PASSWORD)
    assert response.status_code == 429
    assert "is locked" in response.content.decode()
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize(("page", "who"), PAGES)
def test_four_wrong_passwords_do_not_lock_the_account(client, request, page, who):
    user = request.getfixturevalue(who)
    assert fail(client, page, user.username, times=LIMIT - 1) == [200] * 4
    response = attempt(client, page, user.username, PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_a_locked_account_does_not_lock_out_the_next_pupil_on_the_same_address(db):
    pupils = make_pupils(30)
    lock("pupil00")
    for pupil in pupils[1:]:
        classmate = Client()  # same address, 127.0.0.1
        response = attempt(classmate, "login", pupil.username, PASSWORD)
        assert response.status_code == 302, pupil.username
        assert classmate.session[SESSION_KEY] == str(pupil.pk)


def test_a_lock_is_on_the_account_from_that_address_only(client, student):
    """Axes locks the username and address together: never a whole school's address, at
    the price that the same account elsewhere gets its own five tries."""
    lock("sam", address="10.0.0.1")
    assert attempt(client, "login", "sam", PASSWORD, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert attempt(client, "login", "sam", PASSWORD, REMOTE_ADDR="10.0.0.2").status_code == 302


def test_both_login_pages_count_towards_the_same_lock(client, teacher):
    fail(client, "login", "ms_okafor", times=3)
    assert fail(client, "admin:login", "ms_okafor", times=2) == [200, 429]
    assert attempt(client, "login", "ms_okafor", PASSWORD).status_code == 429


def test_a_successful_login_resets_the_count(client, student):
    fail(client, "login", "sam", times=LIMIT - 1)
    assert attempt(client, "login", "sam", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="sam").exists()
    client.post(reverse("logout"))
    assert fail(client, "login", "sam", times=LIMIT - 1) == [200] * 4
    assert attempt(client, "login", "sam", PASSWORD).status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, student):
    lock("sam")
    attempts = AccessAttempt.objects.filter(username="sam")
    attempts.update(attempt_time=timezone.now() - timedelta(minutes=4))
    assert attempt(client, "login", "sam", PASSWORD).status_code == 429
    attempts.update(attempt_time=timezone.now() - timedelta(minutes=5, seconds=1))
    assert attempt(client, "login", "sam", PASSWORD).status_code == 302


def test_tries_while_locked_do_not_lengthen_the_lock(client, student):
    lock("sam")
    four_minutes_ago = timezone.now() - timedelta(minutes=4)
    AccessAttempt.objects.update(attempt_time=four_minutes_ago)
    assert fail(client, "login", "sam", times=3) == [429] * 3
    row = AccessAttempt.objects.get(username="sam")
    assert (row.failures_since_start, row.attempt_time) == (LIMIT, four_minutes_ago)


# --- What is recorded ------------------------------------------------------------------


def test_failed_logins_are_recorded_without_the_password(client, student):
    secret = "Sekrit-Guess-4471"
    token = "csrf-token-value-0123456789"
    for _ in range(LIMIT):
        client.post(
            reverse("login"),
            {"username": "sam", "password": secret, "csrfmiddlewaretoken": token},
            HTTP_USER_AGENT="Chromebook",
        )
    failures = list(AccessFailureLog.objects.values())
    attempts = list(AccessAttempt.objects.values())
    assert [(row["username"], row["ip_address"]) for row in failures] == [("sam", "127.0.0.1")] * 5
    assert [row["locked_out"] for row in failures] == [False] * 4 + [True]
    assert [(row["username"], row["failures_since_start"]) for row in attempts] == [("sam", 5)]
    assert "password=********************" in attempts[0]["post_data"]
    stored = repr(failures) + repr(attempts)
    assert secret not in stored
    assert token not in stored


def test_successful_logins_are_not_kept(client, student):
    from axes.models import AccessLog

    attempt(client, "login", "sam", PASSWORD)
    assert SESSION_KEY in client.session
    assert not AccessLog.objects.exists()


# --- The lockout page ------------------------------------------------------------------


def test_the_lockout_page_is_in_the_site_chrome_and_tells_each_person_what_to_do(client, student):
    fail(client, "login", "sam")
    response = attempt(client, "login", "sam", PASSWORD)
    html = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"] == "300"
    assert "Skip to main content" in html  # base.html
    assert "<title>Account locked · Coexist</title>" in html
    assert "The account “sam”" in html
    assert "the password was wrong 5 times in a row" in html
    assert "Ask your teacher to unlock your account" in html
    assert "Wait 5 minutes and try again, or ask the school’s" in html
    assert "anyone else can still log in on this computer" in html


def test_the_admin_lockout_page_is_in_the_admins_chrome(client, teacher):
    fail(client, "admin:login", "ms_okafor")
    response = attempt(client, "admin:login", "ms_okafor", PASSWORD)
    html = response.content.decode()
    assert response.status_code == 429
    assert "Coexist administration" in html
    assert "<h1>Account locked</h1>" in html
    assert "The account “ms_okafor”" in html
    assert "Wait 5 minutes and try again" in html
    assert reverse("admin:login") in html


def test_a_username_typed_as_html_is_shown_escaped_on_the_lockout_page(client, db):
    typed = "<script>alert(1)</script>"
    fail(client, "login", typed)
    html = attempt(client, "login", typed, PASSWORD).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert typed not in html


def test_the_lockout_page_is_the_same_for_a_username_nobody_has(client, student):
    """No hint whether an account exists: the same page for a real one and a made-up one."""
    fail(client, "login", "nobody.here")
    fail(client, "login", "sam")
    made_up = attempt(client, "login", "nobody.here", PASSWORD)
    real = attempt(client, "login", "sam", PASSWORD)
    assert made_up.status_code == real.status_code == 429

    def page(response) -> str:
        # Nonces and the language switcher's CSRF token are new in each response.
        html = re.sub(r' nonce="[^"]*"', "", response.content.decode())
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)

    assert page(made_up).replace("nobody.here", "sam") == page(real)


# --- Logging in from tests -------------------------------------------------------------


def test_force_login_is_not_affected(client, student):
    client.force_login(student)
    assert client.get(reverse("home")).context["user"] == student


def test_the_test_clients_login_needs_a_request_to_be_throttled(client, student):
    """Axes refuses to judge a login it cannot place; tests pass a request, or force_login."""
    assert client.login(request=HttpRequest(), username="sam", password=PASSWORD) is True
    with pytest.raises(AxesBackendRequestParameterRequired):
        client.login(username="sam", password=PASSWORD)


# --- A teacher unlocks a student -------------------------------------------------------


def test_the_class_page_marks_a_locked_student_and_offers_unlock(
    teacher_client, classroom, student
):
    riley = make_student("riley.k", first_name="Riley")
    Enrolment.objects.create(classroom=classroom, student=riley)
    lock("sam")
    fail(Client(), "login", "riley.k", times=2)
    html = teacher_client.get(class_url(classroom)).content.decode()
    assert html.count("Locked out</span>") == 1
    assert html.count(f'action="{unlock_url(classroom, student)}"') == 1
    assert unlock_url(classroom, riley) not in html
    assert 'Unlock<span class="visually-hidden"> Sam</span>' in html


def test_the_class_page_finds_locked_students_in_one_query_however_many(
    teacher_client, classroom, django_assert_num_queries
):
    pupils = make_pupils(30)
    for pupil in pupils:
        Enrolment.objects.create(classroom=classroom, student=pupil)
    for pupil in pupils[:3]:
        lock(pupil.username)
    # 1 session, 2 the teacher, 3 the teacher's groups, 4 the class, 5 its teachers,
    # 6 its enrolments with students, 7 its assignments with their counts, 8 which of its
    # students are locked out (access attempts over the limit for the class's usernames).
    with django_assert_num_queries(8):
        response = teacher_client.get(class_url(classroom))
    assert response.context["locked_out"] == {"pupil00", "pupil01", "pupil02"}
    assert response.content.decode().count("Locked out</span>") == 3


def test_a_lock_that_has_expired_is_not_shown(teacher_client, classroom, student):
    lock("sam")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=6))
    assert "Locked out</span>" not in teacher_client.get(class_url(classroom)).content.decode()


def test_a_teacher_unlocks_a_student_who_can_then_log_in(teacher_client, classroom, student):
    lock("sam", address="10.0.0.1")
    lock("sam", address="10.0.0.2")
    lock("riley")  # someone else's lock stays
    response = teacher_client.post(unlock_url(classroom, student))
    assert response.status_code == 302
    assert response["Location"] == class_url(classroom)
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Sam can log in again."]
    assert not AccessAttempt.objects.filter(username="sam").exists()
    assert AccessAttempt.objects.filter(username="riley").exists()
    assert AccessFailureLog.objects.filter(username="sam").count() == 10  # the record stays
    pupil = Client(REMOTE_ADDR="10.0.0.1")
    assert attempt(pupil, "login", "sam", PASSWORD).status_code == 302


def test_unlocking_someone_not_locked_out_is_harmless(teacher_client, classroom, student):
    response = teacher_client.post(unlock_url(classroom, student))
    assert response["Location"] == class_url(classroom)
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Sam can log in again."]


def test_another_teacher_cannot_unlock_my_student(client, other_teacher, classroom, student):
    lock("sam")
    client.force_login(other_teacher)
    assert client.post(unlock_url(classroom, student)).status_code == 404
    assert lockout.locked_out(["sam"]) == {"sam"}


def test_a_student_of_another_class_cannot_be_unlocked_through_mine(
    teacher_client, classroom, other_classroom, other_student
):
    lock("riley")
    assert teacher_client.post(unlock_url(classroom, other_student)).status_code == 404
    assert teacher_client.post(unlock_url(other_classroom, other_student)).status_code == 404
    assert lockout.locked_out(["riley"]) == {"riley"}


def test_a_staff_account_enrolled_by_mistake_is_not_unlocked_by_a_teacher(
    teacher_client, classroom
):
    colleague = make_user("colleague", is_staff=True)
    Enrolment.objects.create(classroom=classroom, student=colleague)
    lock("colleague")
    assert teacher_client.post(unlock_url(classroom, colleague)).status_code == 404
    assert lockout.locked_out(["colleague"]) == {"colleague"}


def test_a_student_cannot_unlock_anyone_not_even_themselves(client, classroom, student):
    lock("sam")
    client.force_login(student)
    assert client.post(unlock_url(classroom, student)).status_code == 404
    assert lockout.locked_out(["sam"]) == {"sam"}


def test_unlocking_needs_a_login(client, classroom, student):
    lock("sam")
    response = client.post(unlock_url(classroom, student))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert lockout.locked_out(["sam"]) == {"sam"}


def test_unlocking_needs_a_post(teacher_client, classroom, student):
    lock("sam")
    assert teacher_client.get(unlock_url(classroom, student)).status_code == 405
    assert lockout.locked_out(["sam"]) == {"sam"}


# --- The client's address --------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "192.0.2.10", None, "192.0.2.10"),
        (0, "192.0.2.10", "203.0.113.5", "192.0.2.10"),
        (1, "10.0.0.1", "203.0.113.5", "203.0.113.5"),
        (1, "10.0.0.1", "198.51.100.1, 203.0.113.5", "203.0.113.5"),
        (2, "10.0.0.1", "198.51.100.1, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        (1, "10.0.0.1", "203.0.113.5:51234", "203.0.113.5"),
        (1, "10.0.0.1", "[2001:DB8::1]:443", "2001:db8::1"),
        (1, "10.0.0.1", "2001:db8::1", "2001:db8::1"),
        (2, "10.0.0.1", "203.0.113.5", "10.0.0.1"),  # fewer entries than proxies
        (1, "10.0.0.1", "", "10.0.0.1"),
        (1, "10.0.0.1", "unknown", "10.0.0.1"),
        (1, "10.0.0.1", "<script>", "10.0.0.1"),
        (0, "", None, ""),
        (0, "not-an-address", None, ""),
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(
    settings, proxies, remote, forwarded, expected
):
    settings.TRUSTED_PROXIES = proxies
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_address(RequestFactory().get("/", **meta)) == expected


def test_without_trusted_proxies_a_forged_forwarded_for_does_not_escape_the_lock(
    client, student, settings
):
    settings.TRUSTED_PROXIES = 0
    statuses = [
        attempt(client, "login", "sam", WRONG, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(LIMIT)
    ]
    assert statuses == [200] * 4 + [429]
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_behind_one_proxy_a_forged_left_entry_does_not_make_a_new_bucket(client, student, settings):
    settings.TRUSTED_PROXIES = 1
    statuses = [
        attempt(
            client, "login", "sam", WRONG, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.5"
        ).status_code
        for n in range(LIMIT)
    ]
    assert statuses == [200] * 4 + [429]
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    elsewhere = attempt(client, "login", "sam", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert elsewhere.status_code == 302
