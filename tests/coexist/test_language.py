"""Which language a page is in, and the footer's switcher that changes it."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY as USER_SESSION_KEY
from django.test import Client
from django.urls import reverse

from coexist.i18n import SESSION_KEY
from tests.factories import make_student, make_teacher

pytestmark = pytest.mark.django_db

SWITCH = "/language/"


def _language(response) -> str:
    return response.headers["Content-Language"]


def test_a_page_follows_the_browser_and_says_so():
    client = Client()
    english = client.get("/accounts/login/")
    french = client.get("/accounts/login/", headers={"accept-language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert _language(english) == "en-gb" and b'<html lang="en-GB">' in english.content
    assert _language(french) == "fr" and b'<html lang="fr">' in french.content
    # A language Coexist does not speak falls back to English, not to an error.
    assert _language(client.get("/accounts/login/", headers={"accept-language": "de"})) == "en-gb"
    assert "Accept-Language" in french["Vary"]


def test_the_switcher_is_in_every_pages_footer_with_the_current_language_chosen():
    response = Client().get("/accounts/login/", headers={"accept-language": "fr"})
    html = response.content.decode()
    assert f'action="{SWITCH}"' in html
    assert '<option value="fr" lang="fr" selected>Français</option>' in html
    assert '<option value="en-gb" lang="en-gb">English</option>' in html
    assert '<input type="hidden" name="next" value="/accounts/login/">' in html


def test_choosing_a_language_as_a_visitor_sets_a_cookie_and_goes_back():
    client = Client()
    response = client.post(SWITCH, {"language": "fr", "next": "/accounts/login/?next=/x/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/x/"
    cookie = response.cookies["coexist_language"]
    assert cookie.value == "fr" and cookie["samesite"] == "Lax"
    assert _language(client.get("/accounts/login/")) == "fr"
    # The cookie wins over the browser's own language.
    assert _language(client.get("/accounts/login/", headers={"accept-language": "en"})) == "fr"
    client.post(SWITCH, {"language": "en-gb", "next": "/"})
    assert _language(client.get("/accounts/login/", headers={"accept-language": "fr"})) == "en-gb"


def test_a_signed_in_persons_choice_is_kept_on_their_account_and_follows_them():
    student = make_student("anna")
    client = Client()
    client.force_login(student)
    client.post(SWITCH, {"language": "fr", "next": "/"})
    student.refresh_from_db()
    assert student.language == "fr"
    assert client.session[SESSION_KEY] == "fr"

    # Another computer, a browser set to English, no cookie: logging in brings French back.
    elsewhere = Client(headers={"accept-language": "en-GB"})
    assert _language(elsewhere.get("/accounts/login/")) == "en-gb"
    student.set_password("a-long-password-1")
    student.save()
    response = elsewhere.post(
        "/accounts/login/", {"username": "anna", "password": "a-long-password-1"}
    )
    assert response.status_code == 302 and USER_SESSION_KEY in elsewhere.session
    assert _language(elsewhere.get("/")) == "fr"

    # Logging out forgets the session's choice; this browser has no cookie of its own.
    elsewhere.post("/accounts/logout/")
    assert _language(elsewhere.get("/accounts/login/")) == "en-gb"


def test_an_unchosen_language_leaves_the_browsers():
    teacher = make_teacher("ms_okafor")
    assert teacher.language == ""
    client = Client(headers={"accept-language": "fr"})
    client.force_login(teacher)
    assert _language(client.get("/")) == "fr"


@pytest.mark.parametrize("language", ["", "de", "xx-fake", "fr\n", "EN-GB"])
def test_a_language_not_offered_is_refused_with_the_list(language):
    student = make_student()
    client = Client()
    client.force_login(student)
    response = client.post(SWITCH, {"language": language, "next": "/"})
    assert response.status_code == 400
    assert "en-gb, fr" in response.content.decode()
    student.refresh_from_db()
    assert student.language == ""
    assert "coexist_language" not in response.cookies


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""]
)
def test_the_switcher_never_sends_anyone_off_the_site(next_url):
    response = Client().post(SWITCH, {"language": "fr", "next": next_url})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_the_switcher_answers_post_only():
    assert Client().get(SWITCH).status_code == 405


def test_the_javascript_catalogue_is_the_pages_language_and_kept_a_day():
    client = Client()
    page = client.get("/accounts/login/", headers={"accept-language": "fr"}).content.decode()
    marker = 'src="/jsi18n/?l=fr&amp;v='
    assert marker in page
    response = client.get("/jsi18n/?l=fr", headers={"accept-language": "fr"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "public, max-age=86400"
    body = response.content.decode()
    assert "django.gettext" in body or "gettext" in body
    # Each language has its own URL, so a kept English catalogue is never used for French.
    english = client.get("/accounts/login/", headers={"accept-language": "en"}).content.decode()
    assert 'src="/jsi18n/?l=en-gb&amp;v=' in english


def test_a_choices_label_is_shown_in_the_language_of_the_moment():
    """`get_<field>_display` (coexist.i18n.ChoiceLabels): the same label Django gives, in
    the active language, and the stored value itself when it is not one of the choices."""
    from django.db.models.base import Model
    from django.utils import translation

    from sources.models import Source

    field = Source._meta.get_field("nature")
    speech = Source(nature="speech")
    assert speech.get_nature_display() == "Speech"
    assert speech.get_nature_display() == Model._get_FIELD_display(speech, field)
    with translation.override("fr"):
        assert speech.get_nature_display() == "Discours"
        assert speech.get_nature_display() == Model._get_FIELD_display(speech, field)
    assert Source(nature="no-such-kind").get_nature_display() == "no-such-kind"


def test_a_translation_looked_up_once_is_the_one_django_would_give():
    """coexist.i18n keeps each language's lookups: the same answers, French stays French."""
    from django.utils.translation import trans_real

    from coexist.i18n import _looked_up, _remembered_gettext

    assert trans_real.DjangoTranslation.gettext is _remembered_gettext
    for language in ("fr", "en-gb"):
        catalogue = trans_real.translation(language)
        for message in ("Log in", "Your analysis", "Saved at", "A string nobody marked"):
            first, again = catalogue.gettext(message), catalogue.gettext(message)
            assert first == again == _looked_up(catalogue, message)
    assert trans_real.translation("fr").gettext("Log in") == "Se connecter"
    assert trans_real.translation("en-gb").gettext("Log in") == "Log in"
