"""Coexist in French: a student whose browser asks for French does the lesson in French, a
teacher switches with the footer's switcher and finds French again at the next login, and
axe finds nothing wrong with the French pages at 1280 and 375 px.

Every French text expected here comes from the catalogue (`fr()`), so the test follows the
translation rather than copying it, and fails if a text the flow relies on is untranslated.
"""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from playwright.sync_api import Browser, Page, expect

from coexist.models import User
from lessons.models import Submission
from tests.browser.helpers import annotation

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.engine_independent,
]

PASSWORD = "coexist-demo"


def fr(message: str, context: str | None = None, **values) -> str:
    """The French for `message`, as the pages show it; it must be a translation."""
    with translation.override("fr"):
        text = translation.pgettext(context, message) if context else translation.gettext(message)
    assert text != message or message in {"Source", "Nature", "Date"}, f"untranslated: {message}"
    return text % values if values else text


def js(message: str) -> str:
    """The French of a string from our scripts, from the JavaScript catalogue."""
    from django.views.i18n import JavaScriptCatalog

    with translation.override("fr"):
        catalogue = JavaScriptCatalog()
        catalogue.translation = translation.trans_real.DjangoTranslation("fr", domain="djangojs")
        return catalogue.get_catalog().get(message, message)


def log_in(page: Page, base: str, username: str, *, username_label: str, button: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label(username_label).fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name=button).click()


@pytest.fixture
def french(browser: Browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


def test_a_student_whose_browser_speaks_french_does_the_lesson_in_french(
    french: Page, live_server, revision, assert_accessible, screenshot_dir
):
    page, base = french, live_server.url
    page.goto(f"{base}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert_accessible(page)
    log_in(page, base, "student6", username_label=fr("Username"), button=fr("Log in"))
    expect(page.get_by_role("heading", name=fr("Hello, %(name)s", name="Finn"))).to_be_visible()

    page.get_by_role("link", name=revision.lesson.title).first.click()
    page.get_by_role("link", name=re.compile(r"^Source A")).first.click()
    expect(page).to_have_url(re.compile("/sources/A/$"))
    page.wait_for_load_state("load")  # the autosave script is listening before anyone types
    expect(page.get_by_role("heading", name=fr("Your analysis"))).to_be_visible()

    # A prompt's answer is saved, and the script says so in French.
    page.locator(".prompt textarea").first.fill("Les mots de Khrouchtchev, en public.")
    expect(page.locator("[data-save-status]")).to_contain_text(js("Saved at"), timeout=10_000)
    page.locator("label[for=rating-3]").click()
    expect(page.locator("label[for=rating-3]")).to_have_text(re.compile(fr("Partly reliable")))
    expect(page.locator("#rating-3")).to_be_checked()
    expect(page.locator("[data-save-status]")).to_contain_text(js("Saved at"), timeout=10_000)

    page.locator("#id_quote").fill("There is only one way out")
    page.get_by_role("button", name=fr("Add highlight")).click()
    expect(page.locator("mark.hl")).to_have_text("There is only one way out")
    page.locator("#id_other").select_option(index=1)
    page.get_by_role("button", name=fr("Add link")).click()
    expect(page.locator(".link-list")).to_contain_text("Source B")
    page.screenshot(path=screenshot_dir / "french-source-1280.png", full_page=True)
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=screenshot_dir / "french-source-375.png", full_page=True)
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    # On to the next source by its pager, then to the answer.
    page.locator("a[rel=next]").click()
    expect(page).to_have_url(re.compile("/sources/B/$"))
    expect(page.get_by_role("heading", name=fr("Your analysis"))).to_be_visible()
    page.goto(f"{base}/assignments/{revision.pk}/answer/")
    expect(page.get_by_role("heading", name=fr("Your answer"), level=1)).to_be_visible()
    page.locator(".extent-scale label", has_text=fr("To some extent")).click()
    expect(page.locator("#judgement-3")).to_be_checked()
    page.locator("#id_answer").fill(
        "Le ton a changé plus que les buts : la source A appelle au débat."
    )
    expect(page.locator("[data-save-status]")).to_contain_text(js("Saved at"), timeout=10_000)
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=screenshot_dir / "french-answer-375.png", full_page=True)
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_role("link", name=fr("Submit to your teacher…")).click()
    page.get_by_role("button", name=fr("Yes, submit it")).click()
    expect(
        page.get_by_text(fr("Submitted. Your teacher can now read and mark your work."))
    ).to_be_visible()

    submission = Submission.objects.get(assignment=revision, student__username="student6")
    assert submission.status == Submission.Status.SUBMITTED and submission.judgement == 3
    a = annotation(revision, "A")
    assert a.rating == 3 and [h["quote"] for h in a.highlights] == ["There is only one way out"]
    # The student's words are theirs, in whatever language they wrote them.
    assert "Khrouchtchev" in str(a.responses)


def test_a_teacher_switches_to_french_in_the_footer_and_finds_it_again_at_the_next_login(
    browser: Browser, live_server, revision, assert_accessible, screenshot_dir
):
    base = live_server.url
    english = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800})
    page = english.new_page()
    log_in(page, base, "teacher", username_label="Username", button="Log in")
    page.goto(f"{base}/teach/assignments/{revision.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    heading = page.get_by_role("heading", level=1).inner_text()

    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change language").click()
    expect(page).to_have_url(re.compile(f"/teach/assignments/{revision.pk}/$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_label(fr("Language"))).to_have_value("fr")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)  # the lesson's own title
    # Dates are French: the assignment's due date as the dashboard prints it, in French.
    if revision.due_at:
        with translation.override("fr"):
            month = date_format(localtime(revision.due_at), "F")
        expect(page.locator("main")).to_contain_text(re.compile(month, re.I))
    page.screenshot(path=screenshot_dir / "french-dashboard-1280.png", full_page=True)
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page)
    assert User.objects.get(username="teacher").language == "fr"
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name=fr("Log out")).click()
    english.close()

    # Another computer, an English browser: logging in brings French back.
    elsewhere = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800})
    page = elsewhere.new_page()
    log_in(page, base, "teacher", username_label="Username", button="Log in")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(
        page.get_by_role("link", name=fr("Curate in the admin", "site menu"), exact=True)
    ).to_be_visible()
    # And back to English, for good.
    page.get_by_label(fr("Language")).select_option("en-gb")
    page.get_by_role("button", name=fr("Change language")).click()
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    assert User.objects.get(username="teacher").language == "en-gb"
    elsewhere.close()
