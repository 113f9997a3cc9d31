"""Joining a class with its code: /join/ and /join/<code>/, signing up, and throttling."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from coexist.models import User
from lessons.models import Enrolment, FailedJoin
from lessons.services import classes as services
from lessons.views import joining as views
from tests.lessons.factories import make_classroom

UNUSED_CODE = "ZZZZ9999"  # the right shape; no class in these tests has it
NEW_PASSWORD = "peaceful-coexistence-1956"
SIGNUP = {
    "first_name": "Zoë",
    "last_name": "O’Neill-Ng",
    "username": "zoe.o",
    "password1": NEW_PASSWORD,
    "password2": NEW_PASSWORD,
}


@pytest.fixture
def cold_war(teacher):
    """An open class the `student` is not in yet."""
    return make_classroom(name="11C Cold War", teachers=[teacher])


def join_url(code: str) -> str:
    return reverse("lessons:join_class", args=[code])


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def try_code(client, how: str, code: str, **extra):
    """Type the code on /join/, or follow a link with it in."""
    if how == "typed":
        return client.post(reverse("lessons:join"), {"code": code}, **extra)
    return client.get(join_url(code), **extra)


def address_key(address: str = "127.0.0.1") -> str:
    return views._address_key(RequestFactory().get("/", REMOTE_ADDR=address))


def session_key(client) -> str:
    return views._keyed("session", client.session.session_key)


def fail_many(
    address: str = "127.0.0.1", *, session: str = "", times: int, ago=timedelta(0)
) -> None:
    """Wrong codes as the throttle records them, `ago` in the past."""
    when = timezone.now() - ago
    for _ in range(times):
        services.record_wrong_code(client=address_key(address), session=session, now=when)


def wrong_code(client, **extra):
    return client.post(reverse("lessons:join"), {"code": UNUSED_CODE}, **extra)


PER_ADDRESS = services.WRONG_CODES_PER_ADDRESS
PER_SESSION = services.WRONG_CODES_PER_SESSION


def test_the_shipped_limits_let_a_class_behind_one_address_mistype_twice_each():
    assert PER_ADDRESS >= 30 * 2
    assert PER_SESSION < PER_ADDRESS
    assert services.WRONG_CODE_WINDOW.total_seconds() == 10 * 60


def test_the_code_space_keeps_a_script_that_ignores_the_throttle_busy_for_years():
    """The throttle cannot stop a script (a right code always works, so a 429 means
    "wrong"); the number of codes must. 50 open classes, 100 requests a second."""
    from lessons.models import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH

    codes = len(JOIN_CODE_ALPHABET) ** JOIN_CODE_LENGTH
    assert codes == 852_891_037_441
    years_to_first_hit = codes / (50 * 100) / (365.25 * 24 * 3600)
    assert years_to_first_hit > 5


# --- The code form ---------------------------------------------------------------------


def test_a_visitor_sees_the_code_form_and_is_told_no_email_is_needed(client, db):
    html = client.get(reverse("lessons:join")).content.decode()
    assert 'name="code"' in html
    assert "no e-mail address needed" in html


def test_a_student_sees_the_code_form_without_the_account_promise(student_client):
    html = student_client.get(reverse("lessons:join")).content.decode()
    assert 'name="code"' in html
    assert "no e-mail address needed" not in html


def test_a_teacher_is_told_teachers_do_not_join_classes(teacher_client, classroom):
    response = teacher_client.get(reverse("lessons:join"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "teachers do not join" in html
    assert 'name="code"' not in html


def test_a_teacher_typing_a_good_code_is_refused_and_not_enrolled(
    teacher_client, teacher, cold_war
):
    response = teacher_client.post(reverse("lessons:join"), {"code": cold_war.join_code})
    assert response.status_code == 403
    assert not Enrolment.objects.filter(student=teacher).exists()


# --- A signed-in student types a code --------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: f"{code[:4]}-{code[4:]}",
        lambda code: f" {code[:4].lower()} {code[4:].lower()} ",
        lambda code: f"{code[:2].lower()}-{code[2:6].lower()} - {code[6:]}",
    ],
    ids=["display", "lowercase-with-spaces", "mixed-hyphens"],
)
def test_a_student_joins_with_the_code_however_it_is_typed(
    student_client, student, cold_war, typed
):
    response = student_client.post(reverse("lessons:join"), {"code": typed(cold_war.join_code)})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    enrolment = Enrolment.objects.get(classroom=cold_war, student=student)
    assert enrolment.route == Enrolment.Route.CODE
    assert messages_of(response) == [("success", "You have joined 11C Cold War.")]


def test_a_student_already_in_the_class_is_told_so_and_not_enrolled_twice(
    student_client, student, classroom
):
    response = student_client.post(reverse("lessons:join"), {"code": classroom.display_code})
    assert response["Location"] == reverse("home")
    assert Enrolment.objects.filter(classroom=classroom, student=student).count() == 1
    assert messages_of(response) == [("info", "You are already in 10H History.")]


# --- A visitor types a code and makes an account ---------------------------------------


def test_a_visitor_with_a_good_code_is_sent_on_to_make_an_account(client, cold_war):
    typed = f"{cold_war.join_code[:4].lower()} {cold_war.join_code[4:].lower()}"
    users = User.objects.count()
    response = client.post(reverse("lessons:join"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == join_url(cold_war.join_code)
    assert User.objects.count() == users
    assert not cold_war.enrolments.exists()


def test_the_signup_form_asks_for_names_username_and_password_and_nothing_else(client, cold_war):
    response = client.get(join_url(cold_war.join_code))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Join 11C Cold War" in html
    assert cold_war.display_code in html
    for field in ("first_name", "last_name", "username", "password1", "password2"):
        assert f'name="{field}"' in html
    assert 'name="email"' not in html
    assert "birth" not in html.lower()


def test_a_visitor_makes_an_account_joins_and_is_signed_in(client, cold_war):
    response = client.post(join_url(cold_war.join_code), SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    zoe = User.objects.get(username="zoe.o")
    assert (zoe.first_name, zoe.last_name) == ("Zoë", "O’Neill-Ng")
    assert zoe.check_password(NEW_PASSWORD)
    assert zoe.must_change_password is False
    assert zoe.is_staff is False
    assert zoe.email == ""
    assert Enrolment.objects.get(student=zoe).route == Enrolment.Route.CODE
    assert Enrolment.objects.get(student=zoe).classroom == cold_war
    assert client.session[SESSION_KEY] == str(zoe.pk)
    [(level, text)] = messages_of(response)
    assert level == "success"
    assert "joined 11C Cold War" in text
    assert "“zoe.o”" in text


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"username": "sam"}, "A user with that username already exists."),
        ({"username": "SAM"}, "A user with that username already exists."),
        ({"password2": "peaceful-coexistence-1957"}, "The two password fields didn’t match."),
        ({"password1": "k7q-x4", "password2": "k7q-x4"}, "This password is too short."),
        ({"password1": "password", "password2": "password"}, "This password is too common."),
        ({"first_name": "   "}, "This field is required."),
        ({"last_name": "Ng 2"}, "Use letters only"),
    ],
    ids=["taken", "taken-other-case", "mismatch", "short", "common", "no-first-name", "digits"],
)
def test_a_bad_signup_creates_nobody_and_keeps_what_was_typed(
    client, classroom, cold_war, changes, error
):
    users = User.objects.count()
    data = {**SIGNUP, **changes}
    response = client.post(join_url(cold_war.join_code), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert error in html
    assert User.objects.count() == users
    assert not cold_war.enrolments.exists()
    assert SESSION_KEY not in client.session
    assert re.search(rf'name="username"[^>]*value="{re.escape(data["username"])}"', html)
    if data["first_name"].strip():
        assert re.search(r'name="first_name"[^>]*value="Zoë"', html)


def test_html_typed_into_a_name_is_refused_and_shown_back_escaped(client, cold_war):
    response = client.post(
        join_url(cold_war.join_code), {**SIGNUP, "first_name": "<script>alert(1)</script>"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Use letters only" in html
    assert "<script>alert(1)" not in html
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert not User.objects.filter(username="zoe.o").exists()


def test_a_signup_for_a_class_closed_meanwhile_creates_nobody(client, cold_war):
    cold_war.joining_open = False
    cold_war.save()
    response = client.post(join_url(cold_war.join_code), SIGNUP)
    assert response.status_code == 403
    assert not User.objects.filter(username="zoe.o").exists()


# --- Codes that open nothing -----------------------------------------------------------


@pytest.mark.parametrize("how", ["typed", "link"])
def test_a_code_no_class_has_is_not_found(client, classroom, how):
    response = try_code(client, how, UNUSED_CODE)
    assert response.status_code == 404
    assert "No class has that code" in response.content.decode()
    assert FailedJoin.objects.count() == 1


@pytest.mark.parametrize(
    ("how", "code"), [("typed", "ABCD234"), ("link", "ABCD23456"), ("typed", "ABCD-23!5")]
)
def test_a_code_of_the_wrong_shape_is_a_bad_request_and_not_counted_as_a_guess(
    client, db, how, code
):
    response = try_code(client, how, code)
    assert response.status_code == 400
    assert "That is not a class code" in response.content.decode()
    assert FailedJoin.objects.count() == 0  # it could not have been right


@pytest.mark.parametrize(
    ("how", "code", "named"), [("typed", "ABCD-2O1L", "1, L, O"), ("link", "abcd 0i23", "0, I")]
)
def test_a_code_with_look_alike_characters_names_them(client, db, how, code, named):
    response = try_code(client, how, code)
    assert response.status_code == 400
    assert f"Class codes never contain {named}, so that no two characters look alike" in (
        response.content.decode()
    )


@pytest.mark.parametrize("how", ["typed", "link"])
def test_a_class_with_joining_closed_turns_students_away(student_client, student, how):
    closed = make_classroom(name="12P Politics", joining_open=False)
    response = try_code(student_client, how, closed.join_code)
    html = response.content.decode()
    assert response.status_code == 403
    assert "“12P Politics” is not taking new students" in html
    assert not closed.enrolments.exists()


def test_an_archived_class_turns_students_away(student_client):
    archived = make_classroom(name="Old 9X", archived=True)
    response = try_code(student_client, "link", archived.join_code)
    assert response.status_code == 403
    assert "not taking new students" in response.content.decode()
    assert not archived.enrolments.exists()


# --- Throttling wrong codes ------------------------------------------------------------


def test_the_right_code_works_after_sixty_wrong_ones_from_the_same_address(
    client, student, cold_war
):
    from django.test import Client

    guessers = [Client() for _ in range(PER_ADDRESS // PER_SESSION)]
    for guesser in guessers:
        statuses = {wrong_code(guesser).status_code for _ in range(PER_SESSION)}
        assert statuses == {404}
    assert FailedJoin.objects.count() == PER_ADDRESS == 60
    assert wrong_code(Client()).status_code == 429

    # A classmate in a new browser with the right code, and the guesser themselves.
    for pupil in (client, guessers[0]):
        response = pupil.post(reverse("lessons:join"), {"code": cold_war.display_code})
        assert response["Location"] == join_url(cold_war.join_code)
        assert pupil.get(join_url(cold_war.join_code)).status_code == 200
    response = client.post(join_url(cold_war.join_code), SIGNUP)
    assert response["Location"] == reverse("home")
    assert cold_war.enrolments.filter(student__username="zoe.o").exists()

    # A signed-in student joining another class from the same address.
    signed_in = Client()
    signed_in.force_login(student)
    response = signed_in.post(reverse("lessons:join"), {"code": cold_war.join_code})
    assert response["Location"] == reverse("home")
    assert cold_war.enrolments.filter(student=student).exists()
    assert FailedJoin.objects.count() == 60  # right codes are never counted


@pytest.mark.parametrize("how", ["typed", "link"])
def test_wrong_codes_over_the_session_limit_get_429_saying_when_to_try_again(client, db, how):
    for _ in range(PER_SESSION):
        assert try_code(client, how, UNUSED_CODE).status_code == 404
    response = try_code(client, how, UNUSED_CODE)
    html = response.content.decode()
    assert response.status_code == 429
    assert 590 <= int(response["Retry-After"]) <= 600
    assert "Too many wrong class codes have been tried in this browser" in html
    assert "Wait 10 minutes before trying another" in html
    assert "The right code works at any time" in html
    assert 'name="code"' in html  # the form is still there for the right code
    assert FailedJoin.objects.count() == PER_SESSION  # over the limit nothing more is stored


def test_a_signed_in_student_guessing_is_limited_by_their_session(student_client, cold_war):
    for _ in range(PER_SESSION):
        assert wrong_code(student_client).status_code == 404
    assert wrong_code(student_client).status_code == 429
    response = student_client.post(reverse("lessons:join"), {"code": cold_war.join_code})
    assert response["Location"] == reverse("home")


def test_one_browser_over_its_limit_leaves_the_rest_of_the_address_guessing(client, db):
    from django.test import Client

    for _ in range(PER_SESSION):
        wrong_code(client)
    assert wrong_code(client).status_code == 429
    assert wrong_code(Client()).status_code == 404


def test_a_new_session_does_not_reset_the_address_limit(client, db):
    fail_many(times=PER_ADDRESS)
    response = wrong_code(client)
    html = response.content.decode()
    assert response.status_code == 429
    assert "tried from this network in the last few minutes" in html
    assert FailedJoin.objects.count() == PER_ADDRESS


def test_another_address_is_not_limited(client, db):
    fail_many("10.0.0.1", times=PER_ADDRESS)
    assert wrong_code(client, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert wrong_code(client, REMOTE_ADDR="10.0.0.2").status_code == 404


def test_the_wait_is_until_the_oldest_wrong_code_leaves_the_window(client, db):
    fail_many(times=PER_ADDRESS, ago=timedelta(minutes=9))
    response = wrong_code(client)
    assert response.status_code == 429
    assert 50 <= int(response["Retry-After"]) <= 60
    assert "Wait 1 minute before" in response.content.decode()


def test_wrong_codes_from_more_than_ten_minutes_ago_are_forgotten(client, db):
    fail_many(times=PER_ADDRESS, ago=timedelta(minutes=11))
    assert wrong_code(client).status_code == 404
    assert FailedJoin.objects.count() == 1  # the old ones are cleared out


def test_wrong_codes_from_nine_minutes_ago_still_count(client, db):
    fail_many(times=PER_ADDRESS, ago=timedelta(minutes=9))
    assert wrong_code(client).status_code == 429


def test_right_codes_and_closed_classes_are_not_counted_as_wrong(student_client, cold_war):
    closed = make_classroom(name="12P Politics", joining_open=False)
    for _ in range(PER_SESSION + 5):
        student_client.post(reverse("lessons:join"), {"code": cold_war.join_code})
        student_client.post(reverse("lessons:join"), {"code": closed.join_code})
    assert FailedJoin.objects.count() == 0
    assert wrong_code(student_client).status_code == 404


def test_a_wrong_code_is_remembered_by_keyed_hashes_not_the_address_or_session(client, db):
    wrong_code(client, REMOTE_ADDR="10.0.0.7")
    wrong_code(client, REMOTE_ADDR="10.0.0.8")
    rows = list(FailedJoin.objects.values_list("client", "session"))
    assert len({address for address, _ in rows}) == 2
    assert {session for _, session in rows} == {session_key(client)}
    for address, session in rows:
        assert re.fullmatch(r"[0-9a-f]{64}", address)
        assert re.fullmatch(r"[0-9a-f]{64}", session)
        assert client.session.session_key not in session


def test_without_trusted_proxies_a_forged_forwarded_for_changes_nothing(client, cold_war, settings):
    settings.TRUSTED_PROXIES = 0
    fail_many("127.0.0.1", times=PER_ADDRESS)
    for forged in ("10.9.9.9", "10.9.9.9, 10.0.0.5", "not an address"):
        assert wrong_code(client, HTTP_X_FORWARDED_FOR=forged).status_code == 429
    assert FailedJoin.objects.count() == PER_ADDRESS
    response = client.post(
        reverse("lessons:join"), {"code": cold_war.join_code}, HTTP_X_FORWARDED_FOR="10.9.9.9"
    )
    assert response["Location"] == join_url(cold_war.join_code)


def test_behind_one_trusted_proxy_the_address_it_appended_is_limited(client, db, settings):
    from django.test import Client

    settings.TRUSTED_PROXIES = 1
    for forged in range(PER_ADDRESS):
        # A new browser each time, and a new forged left-hand entry: still one bucket.
        response = wrong_code(Client(), HTTP_X_FORWARDED_FOR=f"192.0.2.{forged}, 10.0.0.5")
        assert response.status_code == 404
    assert FailedJoin.objects.values("client").distinct().count() == 1
    forged_again = wrong_code(client, HTTP_X_FORWARDED_FOR="192.0.2.99, 10.0.0.5")
    assert forged_again.status_code == 429
    another_pupil = wrong_code(client, HTTP_X_FORWARDED_FOR="10.0.0.6")
    assert another_pupil.status_code == 404


# --- A signed-in student follows a class link ------------------------------------------


def test_a_student_following_a_class_link_is_asked_to_confirm(student_client, student, cold_war):
    response = student_client.get(join_url(cold_war.join_code))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Join 11C Cold War?" in html
    assert "Taught by Ms Okafor" in html
    assert "Join as Sam" in html
    assert not cold_war.enrolments.exists()


def test_a_student_confirms_and_joins(student_client, student, cold_war):
    response = student_client.post(join_url(cold_war.display_code.lower()))
    assert response["Location"] == reverse("home")
    assert cold_war.enrolments.get().student == student
    assert messages_of(response) == [("success", "You have joined 11C Cold War.")]


def test_a_student_following_a_link_to_their_own_class_goes_home(student_client, classroom):
    response = student_client.get(join_url(classroom.join_code))
    assert response["Location"] == reverse("home")
    assert messages_of(response) == [("info", "You are already in 10H History.")]


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_teacher_following_a_class_link_is_refused(teacher_client, teacher, cold_war, method):
    response = getattr(teacher_client, method)(join_url(cold_war.join_code))
    assert response.status_code == 403
    assert "teachers do not join" in response.content.decode()
    assert not cold_war.enrolments.exists()


# --- Methods and the service -----------------------------------------------------------


@pytest.mark.parametrize("method", ["put", "delete"])
@pytest.mark.parametrize("link", [False, True], ids=["join", "join_class"])
def test_other_methods_are_not_allowed(client, cold_war, method, link):
    url = join_url(cold_war.join_code) if link else reverse("lessons:join")
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert not cold_war.enrolments.exists()


def test_enrolling_twice_makes_one_row(student, cold_war):
    assert services.enrol(classroom=cold_war, student=student) is True
    assert services.enrol(classroom=cold_war, student=student) is False
    assert Enrolment.objects.filter(classroom=cold_war, student=student).count() == 1


def test_an_empty_signup_post_is_a_bad_request_with_the_fields_marked(client, cold_war):
    response = client.post(join_url(cold_war.join_code), {})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not User.objects.filter(is_staff=False).exclude(username="sam").exists()


def test_a_username_taken_at_the_same_moment_is_a_form_error_not_a_crash(
    client, cold_war, monkeypatch
):
    from lessons.forms import joining as forms

    # Both visitors passed the form's uniqueness check; the other one saved first.
    monkeypatch.setattr(forms.StudentSignupForm, "clean_username", lambda form: "taken")
    User.objects.create(username="taken")
    response = client.post(join_url(cold_war.join_code), {**SIGNUP, "username": "taken"})
    assert response.status_code == 400
    assert "A user with that username already exists" in response.content.decode()
    assert not cold_war.enrolments.exists()
