"""A one-time password from a teacher's slip must be replaced before anything else."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.urls import reverse

from lessons.models import Enrolment
from tests.factories import PASSWORD, make_student
from tests.lessons.factories import make_classroom

CHOOSE_MESSAGE = "Choose your own password to finish signing in."
OWN_PASSWORD = "peaceful-coexistence-1956"


@pytest.fixture
def slip_student(db):
    """A student added from a roster, who has only the password printed on a slip."""
    return make_student("ada.okafor", first_name="Ada", must_change_password=True)


@pytest.fixture
def slip_client(client, slip_student):
    client.force_login(slip_student)
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_logging_in_with_a_one_time_password_leads_to_choosing_a_new_one(client, slip_student):
    response = client.post(
        reverse("login"), {"username": "ada.okafor", "password": PASSWORD}, follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain == [(reverse("home"), 302), (reverse("password_change"), 302)]
    assert client.session[SESSION_KEY] == str(slip_student.pk)
    assert CHOOSE_MESSAGE in html
    assert 'name="old_password"' in html


@pytest.mark.parametrize("page", ["home", "lessons:join", "sources:library"])
def test_every_other_page_sends_them_to_choose_a_password(slip_client, page):
    response = slip_client.get(reverse(page))
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change")
    assert any(CHOOSE_MESSAGE in message for message in messages_of(response))


def test_a_form_posted_before_choosing_a_password_does_nothing(slip_client, slip_student, teacher):
    classroom = make_classroom(name="11C Cold War", teachers=[teacher])
    response = slip_client.post(reverse("lessons:join"), {"code": classroom.join_code})
    assert response["Location"] == reverse("password_change")
    assert not Enrolment.objects.filter(student=slip_student).exists()


def test_the_password_change_page_stays_reachable(slip_client):
    response = slip_client.get(reverse("password_change"))
    assert response.status_code == 200
    assert 'name="new_password1"' in response.content.decode()


def test_logging_out_stays_possible(slip_client):
    response = slip_client.post(reverse("logout"))
    assert response["Location"] == reverse("home")
    assert SESSION_KEY not in slip_client.session


def test_the_health_check_stays_reachable(slip_client):
    response = slip_client.get(reverse("alive"))
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_choosing_a_new_password_retires_the_one_time_password(slip_client, slip_student):
    response = slip_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": OWN_PASSWORD, "new_password2": OWN_PASSWORD},
    )
    assert response["Location"] == reverse("password_change_done")
    slip_student.refresh_from_db()
    assert slip_student.must_change_password is False
    assert slip_student.check_password(OWN_PASSWORD)
    home = slip_client.get(reverse("home"))
    assert home.status_code == 200
    assert "Hello, Ada" in home.content.decode()


def test_a_wrong_old_password_keeps_the_one_time_password_in_force(slip_client, slip_student):
    response = slip_client.post(
        reverse("password_change"),
        {"old_password": "not-it", "new_password1": OWN_PASSWORD, "new_password2": OWN_PASSWORD},
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    slip_student.refresh_from_db()
    assert slip_student.must_change_password is True
    assert slip_client.get(reverse("home"))["Location"] == reverse("password_change")


@pytest.mark.parametrize("who", ["anonymous", "student"])
def test_visitors_and_students_with_their_own_password_are_not_redirected(client, student, who):
    if who == "student":
        client.force_login(student)
    response = client.get(reverse("lessons:join"))
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()
    assert not any(CHOOSE_MESSAGE in message for message in messages_of(response))
