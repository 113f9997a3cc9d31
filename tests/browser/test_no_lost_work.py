"""Nothing anyone does loses what they typed: a student ticking "finished" too early, a
teacher keeping a comment in the bank mid-marking (with and without JavaScript), or
anyone leaving a page while a save is pending or has failed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, expect

from lessons.models import CommentBankEntry, SourceAnnotation, Submission
from tests.browser.helpers import REVISION, SAVED, annotation, source_url, status

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "coexist-demo"
FEEDBACK = "A balanced answer. Weigh Source E against your judgement."
KEPT = "Check the date of each source against the events."


def review_url(live_server, assignment, username: str) -> str:
    student = Submission.objects.get(assignment=assignment, student__username=username).student
    return f"{live_server.url}/teach/assignments/{assignment.pk}/students/{student.pk}/"


def the_work(username: str) -> Submission:
    return Submission.objects.get(assignment__lesson__slug=REVISION, student__username=username)


def bank_of(username: str) -> list[str]:
    return list(
        CommentBankEntry.objects.filter(teacher__username=username).values_list("text", flat=True)
    )


def check_both_widths(page: Page, assert_accessible, screenshot_dir, name: str) -> None:
    """axe and a screenshot at a desktop and a phone width."""
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / f"{name}.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / f"{name}-375.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 720})


def wait_until(page: Page, check, *, timeout: float = 5000) -> None:
    """Wait for `check()` to hold, giving the page time to act."""
    waited = 0
    while not check():
        assert waited < timeout, "gave up waiting"
        page.wait_for_timeout(100)
        waited += 100


def no_dialogs(page: Page) -> list[Dialog]:
    """Every dialog the page opens, dismissed and kept to assert on."""
    seen: list[Dialog] = []

    def dismiss(dialog: Dialog) -> None:
        seen.append(dialog)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return seen


# --- (a) "Finished" too early ------------------------------------------------------------------


def test_finishing_early_saves_the_text_and_says_why_beside_the_box(
    page: Page, browser: Browser, live_server, log_in, revision, assert_accessible, screenshot_dir
):
    log_in(page, "student6", PASSWORD)
    page.goto(source_url(live_server, revision, "C"))
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)

    page.get_by_label(re.compile("^Nature")).fill("A speech to the Party, printed for all.")
    page.locator(".rating-options label", has_text="Partly reliable").click()
    expect(status(page)).to_have_text(SAVED, timeout=10_000)
    posts.clear()
    done = page.get_by_label("I have finished analysing this source")
    done.check()

    reason = page.locator("#done-reason")
    expect(reason).to_have_text(
        "Not marked finished yet: answer every required prompt first: "
        "Origin, Purpose, Content, Usefulness."
    )
    expect(done).not_to_be_checked()
    expect(done).to_have_attribute("aria-describedby", "done-reason")
    expect(reason).to_have_attribute("role", "status")
    expect(status(page)).to_have_text(
        re.compile(r"^Saved at \d\d:\d\d — not marked finished yet: answer every required")
    )
    # Unticked to match what is saved, so the page does not save again and again.
    page.wait_for_timeout(2500)
    assert len(posts) == 1
    expect(status(page)).to_contain_text("not marked finished yet")
    saved = annotation(revision, "C")
    assert saved.responses == {"nature": "A speech to the Party, printed for all."}
    assert (saved.rating, saved.status) == (3, SourceAnnotation.Status.IN_PROGRESS)
    check_both_widths(page, assert_accessible, screenshot_dir, "finished-too-early")

    # Another browser, signed in afresh, finds the words on the server.
    elsewhere = browser.new_context()
    try:
        other = elsewhere.new_page()
        log_in(other, "student6", PASSWORD)
        other.goto(source_url(live_server, revision, "C"))
        expect(other.get_by_label(re.compile("^Nature"))).to_have_value(
            "A speech to the Party, printed for all."
        )
        expect(other.get_by_label(re.compile(r"^3 Partly reliable$"))).to_be_checked()
        expect(other.get_by_label("I have finished analysing this source")).not_to_be_checked()
    finally:
        elsewhere.close()

    # With every prompt answered, ticking the box marks it finished and the reason goes.
    for prompt in ("Origin", "Purpose", "Content", "Usefulness"):
        page.get_by_label(re.compile(rf"^{prompt}")).fill(f"{prompt}: my own judgement.")
    expect(status(page)).to_have_text(SAVED, timeout=10_000)
    done.check()
    expect(reason).to_have_text("")
    expect(status(page)).to_have_text(re.compile(r"^Saved at \d\d:\d\d$"), timeout=10_000)
    expect(done).to_be_checked()
    assert annotation(revision, "C").status == SourceAnnotation.Status.DONE


# --- (b, c) The comment bank mid-marking ----------------------------------------------------


def type_feedback(page: Page) -> None:
    page.get_by_label("Your comment on source A").fill("Good on who made it.")
    page.get_by_label("Your comment on source E").fill("Why was it secret?")
    page.get_by_label("Overall comment").fill(FEEDBACK)
    page.get_by_role("spinbutton", name="Mark for U").fill("7")  # the GCSE 8-mark scheme


def expect_feedback_kept(page: Page) -> None:
    expect(page.get_by_label("Overall comment")).to_have_value(FEEDBACK)
    expect(page.get_by_role("spinbutton", name="Mark for U")).to_have_value("7")
    expect(page.get_by_label("Your comment on source A")).to_have_value("Good on who made it.")
    expect(page.get_by_label("Your comment on source E")).to_have_value("Why was it secret?")


def bank_buttons(page: Page):
    return page.locator("#comment-bank [data-bank-comment]")


def assert_nothing_marked() -> None:
    work = the_work("student1")
    assert (work.feedback, work.mark, work.status) == ("", None, Submission.Status.SUBMITTED)


def test_with_javascript_the_comment_bank_changes_without_losing_the_marking(
    page: Page, live_server, log_in, revision, assert_accessible, screenshot_dir
):
    dialogs = no_dialogs(page)
    log_in(page, "teacher", PASSWORD)
    page.goto(review_url(live_server, revision, "student1"))
    page.evaluate("window.stillTheSamePage = true")
    type_feedback(page)
    expect(bank_buttons(page)).to_have_count(4)

    page.get_by_label("New comment for your bank").fill(KEPT)
    page.get_by_role("button", name="Keep", exact=True).click()
    expect(page.locator("#bank-said")).to_have_text("Added to your comment bank.")
    expect(bank_buttons(page)).to_have_count(5)
    expect(page.get_by_role("button", name=re.compile("^Check the date of each"))).to_be_visible()
    expect(page.get_by_label("New comment for your bank")).to_have_value("")
    expect_feedback_kept(page)

    # Enter in the bank box keeps the comment too, and never sends the marking form.
    page.get_by_label("New comment for your bank").fill("Quote the words you rely on.")
    page.get_by_label("New comment for your bank").press("Enter")
    expect(bank_buttons(page)).to_have_count(6)
    expect_feedback_kept(page)

    page.get_by_role("button", name=re.compile("^Remove “A useful source can still")).click()
    expect(page.locator("#bank-said")).to_have_text("Removed from your comment bank.")
    expect(bank_buttons(page)).to_have_count(5)
    expect_feedback_kept(page)

    # A kept comment goes into the comment being written.
    page.get_by_label("Overall comment").click()
    page.get_by_role("button", name=re.compile("^Check the date of each")).click()
    expect(page.get_by_label("Overall comment")).to_have_value(f"{FEEDBACK} {KEPT}")

    # Too long for the bank: said in words beside the box, and the text stays.
    page.get_by_label("New comment for your bank").fill("z" * 500)
    page.evaluate("document.getElementById('bank-text').value += 'z'")
    page.get_by_role("button", name="Keep", exact=True).click()
    expect(page.locator("#bank-said")).to_have_text(
        "Keep this under 500 characters — it is 501 now."
    )
    expect(page.get_by_label("New comment for your bank")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("New comment for your bank")).to_have_value("z" * 501)
    page.get_by_label("New comment for your bank").fill("")
    expect(page.locator("#bank-said")).to_have_text("")
    expect(page.get_by_label("New comment for your bank")).not_to_have_attribute(
        "aria-invalid", "true"
    )

    assert page.evaluate("window.stillTheSamePage") is True
    assert bank_of("teacher") == sorted(
        [
            KEPT,
            "Name the sources you use: “Source E shows…”.",
            "Quote the words you rely on.",
            "Say who made the source, when and why before you judge how far to trust it.",
            "Weigh the evidence against your judgement, not only the evidence for it.",
        ]
    )
    assert_nothing_marked()
    check_both_widths(page, assert_accessible, screenshot_dir, "marking-comment-bank")

    # Enter in the mark box saves the feedback and returns nothing to the student.
    page.get_by_role("spinbutton", name="Mark for U").press("Enter")
    expect(page.get_by_text("Feedback for Amara saved; not returned yet.")).to_be_visible()
    work = the_work("student1")
    assert (work.feedback, work.mark, work.status) == (
        f"{FEEDBACK} {KEPT}",
        7,
        Submission.Status.SUBMITTED,
    )
    assert work.returned_at is None
    assert dialogs == []  # sending the form itself never asks "leave this page?"


# Without JavaScript each button sends the whole form and the page comes back from the
# server: with both test workers busy that has taken longer than Playwright's 5 s.
RELOAD = 15_000


def test_without_javascript_the_bank_buttons_bring_the_marking_back(
    page: Page, browser: Browser, live_server, log_in, revision, assert_accessible, screenshot_dir
):
    checker = page
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, "teacher", PASSWORD)
        page.goto(review_url(live_server, revision, "student1"))
        type_feedback(page)

        page.get_by_label("New comment for your bank").fill(KEPT)
        page.get_by_role("button", name="Keep", exact=True).click()
        expect(page.get_by_text("Added to your comment bank.")).to_be_visible(timeout=RELOAD)
        expect(bank_buttons(page)).to_have_count(5)
        expect_feedback_kept(page)
        expect(page.get_by_label("New comment for your bank")).to_have_value("")

        page.get_by_label("New comment for your bank").fill("Half a thought")
        page.get_by_role("button", name=re.compile("^Remove “A useful source can still")).click()
        expect(page.get_by_text("Removed from your comment bank.")).to_be_visible(timeout=RELOAD)
        expect(bank_buttons(page)).to_have_count(4)
        expect_feedback_kept(page)
        expect(page.get_by_label("New comment for your bank")).to_have_value("Half a thought")

        # Enter in the bank box keeps the comment, not the marking form's first action.
        page.get_by_label("New comment for your bank").press("Enter")
        expect(page.get_by_text("Added to your comment bank.")).to_be_visible(timeout=RELOAD)
        expect(bank_buttons(page)).to_have_count(5)
        expect_feedback_kept(page)
        assert_nothing_marked()
        # axe needs JavaScript to run: it reads this same page in a tab that has it.
        html = page.content()
        checker.route(
            f"{live_server.url}/no-js-page/",
            lambda route: route.fulfill(body=html, content_type="text/html"),
        )
        checker.goto(f"{live_server.url}/no-js-page/")
        page.screenshot(path=screenshot_dir / "marking-comment-bank-no-js.png", full_page=True)
        check_both_widths(
            checker, assert_accessible, screenshot_dir, "marking-comment-bank-no-js-axe"
        )

        # Enter in the mark box only saves: the work is not returned to the student.
        page.get_by_role("spinbutton", name="Mark for U").press("Enter")
        expect(page.get_by_text("Feedback for Amara saved; not returned yet.")).to_be_visible(
            timeout=RELOAD
        )
        work = the_work("student1")
        assert (work.feedback, work.mark, work.mark_out_of) == (FEEDBACK, 7, 8)
        assert (work.status, work.returned_at) == (Submission.Status.SUBMITTED, None)
        assert "Half a thought" in bank_of("teacher")
    finally:
        context.close()


# --- (d) Leaving with unsaved text --------------------------------------------------------------


def test_leaving_with_a_failed_save_asks_first_and_a_saved_page_does_not(
    page: Page, context: BrowserContext, live_server, log_in, revision
):
    log_in(page, "student6", PASSWORD)
    page.goto(source_url(live_server, revision, "C"))
    dialogs = no_dialogs(page)
    context.set_offline(True)
    origin = page.get_by_label(re.compile("^Origin"))
    origin.click()
    page.keyboard.type("Written with no signal")
    expect(status(page)).to_contain_text("no connection", timeout=10_000)

    page.get_by_role("link", name="all sources").click()
    wait_until(page, lambda: [d.type for d in dialogs] == ["beforeunload"])
    expect(origin).to_have_value("Written with no signal")  # stayed on the page

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(status(page)).to_have_text(SAVED, timeout=15_000)
    page.get_by_role("link", name="all sources").click()
    expect(page).to_have_url(re.compile(rf"/assignments/{revision.pk}/$"))
    assert len(dialogs) == 1
    assert annotation(revision, "C").responses["origin"] == "Written with no signal"


def test_leaving_while_a_save_is_pending_asks_first(page: Page, live_server, log_in, revision):
    log_in(page, "student6", PASSWORD)
    page.goto(f"{live_server.url}/assignments/{revision.pk}/answer/")
    dialogs = no_dialogs(page)
    page.get_by_label("Your answer", exact=True).click()
    page.keyboard.type("Half a sentence")
    page.get_by_role("link", name="Home").click()  # within the autosave's 1.2 s
    wait_until(page, lambda: [d.type for d in dialogs] == ["beforeunload"])
    expect(page.get_by_label("Your answer", exact=True)).to_have_value("Half a sentence")


def test_a_typed_note_or_feedback_asks_before_leaving_until_it_is_sent(
    page: Page, live_server, log_in, revision
):
    log_in(page, "student6", PASSWORD)
    page.goto(source_url(live_server, revision, "A"))
    dialogs = no_dialogs(page)
    page.get_by_label("How?").click()
    page.keyboard.type("Both say argue, do not fight.")
    page.get_by_role("link", name="all sources").click()
    wait_until(page, lambda: [d.type for d in dialogs] == ["beforeunload"])
    page.get_by_label("How?").fill("")
    page.get_by_role("link", name="all sources").click()
    expect(page).to_have_url(re.compile(rf"/assignments/{revision.pk}/$"))
    assert len(dialogs) == 1

    page.get_by_role("button", name="Log out").click()
    log_in(page, "teacher", PASSWORD)
    page.goto(review_url(live_server, revision, "student1"))
    page.get_by_label("Overall comment").click()
    page.keyboard.type("Good start.")
    page.get_by_role("link", name="Printable report").click()
    wait_until(page, lambda: len(dialogs) == 2)
    assert dialogs[1].type == "beforeunload"
    # Sending the form itself is not leaving it.
    page.get_by_role("button", name="Save without returning").click()
    expect(page.get_by_text("Feedback for Amara saved; not returned yet.")).to_be_visible()
    assert len(dialogs) == 2
    assert the_work("student1").feedback == "Good start."

    # A pasted class list, not yet sent.
    page.goto(f"{live_server.url}/classes/{revision.classroom_id}/roster/")
    page.get_by_label("Paste names, one student per line").click()
    page.keyboard.type("Ada Okafor")
    page.get_by_role("link", name="Cancel").click()
    wait_until(page, lambda: len(dialogs) == 3)
    expect(page.get_by_label("Paste names, one student per line")).to_have_value("Ada Okafor")
