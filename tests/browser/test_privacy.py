"""A student takes a copy of their work; a teacher erases a student after reading what
goes; and a school computer keeps no one's drafts after they log out, nor offers them to
the next pupil."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from coexist.models import User
from lessons.models import SourceAnnotation
from tests.browser.helpers import annotation, source_url, status

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "coexist-demo"
DRAFTS = "Object.keys(localStorage).filter((key) => key.startsWith('coexist:'))"


def check_both_widths(page: Page, assert_accessible, screenshot_dir, name: str) -> None:
    """axe and a screenshot at a desktop and a phone width."""
    page.set_viewport_size({"width": 1280, "height": 800})
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / f"{name}.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / f"{name}-375.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_student_downloads_all_their_work_and_can_print_it(
    page: Page, live_server, revision, log_in, assert_accessible, screenshot_dir
):
    log_in(page, "student1", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Download my work").click()
    expect(page.get_by_role("heading", name="My work", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Khrushchev and peaceful co-existence")).to_be_visible()
    expect(page.get_by_text("His main point")).to_be_visible()  # a highlight's note
    check_both_widths(page, assert_accessible, screenshot_dir, "privacy-my-work")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download as JSON").click()
    download = info.value
    assert re.fullmatch(
        r"coexist-student1-work-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename
    )
    record = json.loads(download.path().read_text(encoding="utf-8"))
    assert (record["format"], record["format_version"]) == ("coexist-student-work", 1)
    assert record["student"]["username"] == "student1"
    [work] = [a for a in record["assignments"] if a["lesson"].startswith("Khrushchev")]
    assert len(work["sources"]) == 7
    assert work["answer"]["text"].startswith("Khrushchev's peaceful coexistence changed")

    # Printed: no navigation, the work itself.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("link", name="Download as JSON")).to_be_hidden()
    expect(page.locator(".record-answer").first).to_be_visible()
    page.screenshot(path=screenshot_dir / "privacy-my-work-print.png", full_page=True)


def test_a_teacher_reads_what_goes_then_erases_a_student(
    page: Page, live_server, revision, log_in, assert_accessible, screenshot_dir
):
    ella = User.objects.get(username="student5")
    analyses = SourceAnnotation.objects.filter(student=ella).count()
    assert analyses
    others = SourceAnnotation.objects.exclude(student=ella).count()
    log_in(page, "teacher", PASSWORD)
    page.get_by_role("link", name="10H History").first.click()
    page.get_by_role("link", name="Ella", exact=True).click()
    expect(page.get_by_role("heading", name="Ella: their work")).to_be_visible()
    page.get_by_role("link", name="Erase this student’s data…").click()

    expect(page.get_by_role("heading", name="Erase Ella’s data")).to_be_visible()
    expect(page.locator(".erase-counts")).to_contain_text(f"{analyses} source analyses")
    expect(page.get_by_text("Who may erase a student")).to_be_visible()
    check_both_widths(page, assert_accessible, screenshot_dir, "privacy-erase")

    # Not ticked: nothing happens but a clear message.
    page.get_by_role("button", name="Erase Ella permanently").click()
    expect(page.get_by_text("Tick the box to confirm")).to_be_visible()
    assert User.objects.filter(username="student5").exists()
    assert_accessible(page)

    page.get_by_label("I understand that this cannot be undone").check()
    page.get_by_role("button", name="Erase Ella permanently").click()
    expect(page.get_by_role("heading", name="10H History")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text(
        f"Ella’s account and data were erased: {analyses} source analyses"
    )
    expect(page.get_by_role("link", name="Ella", exact=True)).to_have_count(0)
    assert not User.objects.filter(username="student5").exists()
    assert SourceAnnotation.objects.count() == others


def test_logging_out_saves_what_was_typed_and_leaves_no_draft_in_the_browser(
    page: Page, live_server, revision, log_in
):
    log_in(page, "student6", PASSWORD)
    finn = User.objects.get(username="student6")
    page.goto(source_url(live_server, revision, "B"))
    failed: list[str] = []

    def lose_the_first_save(route) -> None:
        if route.request.method == "POST" and not failed:
            failed.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route(re.compile(r".*/sources/B/$"), lose_the_first_save)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.get_by_label(re.compile("^Origin")).fill("Typed just before logging out")
    expect(status(page)).to_contain_text("no connection", timeout=10_000)
    drafts = page.evaluate(DRAFTS)
    assert drafts and all(key.startswith(f"coexist:draft:{finn.pk}:") for key in drafts)

    # The text is saved before the logout goes ahead, so nothing asks to leave unsaved work.
    page.get_by_role("button", name="Log out").click()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")
    ).to_be_visible()
    assert page.evaluate(DRAFTS) == []
    assert annotation(revision, "B").responses["origin"] == "Typed just before logging out"
    assert dialogs == []


def test_the_next_pupil_is_never_offered_a_draft_left_by_someone_else(
    page: Page, context: BrowserContext, live_server, revision, log_in
):
    """Finn's session ends without a logout and his last words never reached the server;
    Ella then signs in at the same computer and opens the same source."""
    log_in(page, "student6", PASSWORD)
    page.goto(source_url(live_server, revision, "B"))
    context.clear_cookies()  # the session expires: the save is refused, the draft is kept
    page.get_by_label(re.compile("^Origin")).fill("Finn's unsaved words")
    expect(status(page)).to_contain_text("You have been signed out", timeout=10_000)
    page.on("dialog", lambda dialog: dialog.accept())  # "leave with unsaved changes?"

    log_in(page, "student5", PASSWORD)
    page.goto(source_url(live_server, revision, "B"))
    expect(page.get_by_label(re.compile("^Origin"))).to_be_visible()
    expect(page.get_by_role("button", name="Restore my unsaved text")).to_have_count(0)
    expect(page.get_by_label(re.compile("^Origin"))).not_to_have_value("Finn's unsaved words")
    finn = User.objects.get(username="student6")
    assert any(key.startswith(f"coexist:draft:{finn.pk}:") for key in page.evaluate(DRAFTS))

    # Whoever logs out at this computer clears every draft kept in it, Finn's too.
    page.get_by_role("button", name="Log out").click()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")
    ).to_be_visible()
    assert page.evaluate(DRAFTS) == []
