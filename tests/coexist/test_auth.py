from __future__ import annotations

import re

from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.factories import PASSWORD


def test_the_login_page_has_a_labelled_form(client, db):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<label\s+for="id_username"[^>]*>\s*Username', html)
    assert re.search(r'<label\s+for="id_password"[^>]*>\s*Password', html)
    assert "Log in to Coexist" in html


def test_a_teacher_logs_in_and_is_greeted_as_a_teacher(client, teacher):
    response = client.post(
        reverse("login"), {"username": "ms_okafor", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert client.session[SESSION_KEY] == str(teacher.pk)
    assert "Hello, Ms Okafor" in response.content.decode()
    assert "Your classes" in response.content.decode()
    assert "Open a class" in response.content.decode()


def test_a_wrong_password_is_refused_with_a_message_and_the_username_kept(client, student):
    response = client.post(reverse("login"), {"username": "sam", "password": "not-it"})
    html = response.content.decode()
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert "Please enter a correct username and password" in html
    assert 'value="sam"' in html


def test_login_keeps_the_next_page(client, student):
    response = client.post(
        reverse("login"),
        {"username": "sam", "password": PASSWORD, "next": reverse("password_change")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change")


def test_login_ignores_a_next_page_on_another_site(client, student):
    response = client.post(
        reverse("login"),
        {"username": "sam", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("home")


def test_logout_needs_a_post(student_client):
    assert student_client.get(reverse("logout")).status_code == 405
    assert SESSION_KEY in student_client.session


def test_logout_ends_the_session(student_client):
    response = student_client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert SESSION_KEY not in student_client.session


def test_password_change_needs_login(client, db):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_student_changes_their_password(student_client, student):
    response = student_client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "peaceful-coexistence-1956",
            "new_password2": "peaceful-coexistence-1956",
        },
    )
    assert response["Location"] == reverse("password_change_done")
    student.refresh_from_db()
    assert student.check_password("peaceful-coexistence-1956")


def test_a_mismatched_new_password_is_explained_and_nothing_changes(student_client, student):
    response = student_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "abc-def-ghi-1", "new_password2": "other"},
    )
    assert response.status_code == 200
    assert "The two password fields didn’t match." in response.content.decode()
    student.refresh_from_db()
    assert student.check_password(PASSWORD)


def test_a_stale_form_gets_a_friendly_expired_page(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "That page had expired" in response.content.decode()


def test_an_unknown_page_is_a_friendly_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
