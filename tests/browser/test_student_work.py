"""A student works through the demo lesson in a browser, and nothing they type is lost:
not on a reload, in a stale tab, after being signed out, or while offline."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from coexist.models import User
from lessons.models import SourceAnnotation, Submission
from tests.browser.helpers import SAVED, annotation, source_url, status

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def student6(page: Page, live_server, log_in, revision) -> Page:
    log_in(page, "student6", "coexist-demo")
    expect(page.get_by_role("heading", name="Hello, Finn")).to_be_visible()
    return page


def select_words(page: Page, words: str) -> None:
    """Drag the mouse across `words` in the source text, as a person would."""
    page.locator("#source-text").scroll_into_view_if_needed()
    text_box = page.evaluate(
        """([words]) => {
            const root = document.getElementById("source-text");
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const at = node.nodeValue.indexOf(words);
                if (at === -1) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + words.length);
                const rects = range.getClientRects();
                const first = rects[0], last = rects[rects.length - 1];
                return {x1: first.left + 1, y1: first.top + first.height / 2,
                        x2: last.right - 1, y2: last.top + last.height / 2};
            }
            return null;
        }""",
        [words],
    )
    assert text_box, f"{words!r} is not in the source text"
    page.mouse.move(text_box["x1"], text_box["y1"])
    page.mouse.down()
    page.mouse.move(text_box["x2"], text_box["y2"], steps=8)
    page.mouse.up()
    assert page.evaluate("window.getSelection().toString()") == words


def analyse(page: Page, label: str, *, rating: str) -> None:
    """Answer every GCSE prompt the page asks (the demo's one-line quotations A and B ask
    the short version), rate the source, say why and mark it done."""
    asked = ("Origin", "Purpose", "Usefulness") if label in "AB" else None
    for prompt in asked or ("Nature", "Origin", "Purpose", "Content", "Usefulness"):
        page.get_by_label(re.compile(rf"^{prompt}")).fill(
            f"{prompt} of source {label}: my own judgement, with evidence."
        )
    if asked:
        expect(page.get_by_text("Short version")).to_be_visible()
        expect(page.get_by_label(re.compile("^Nature"))).to_have_count(0)
    page.locator(".rating-options label", has_text=rating).click()
    expect(page.get_by_label(re.compile(rf"^\d {rating}$"))).to_be_checked()
    page.get_by_label("Why that rating?").fill(f"Source {label} is {rating.lower()} because…")
    page.get_by_label("I have finished analysing this source").check()
    expect(status(page)).to_have_text(SAVED, timeout=10_000)


def test_a_student_judges_every_source_answers_submits_and_prints_a_bibliography(
    student6: Page, live_server, revision, assert_accessible, screenshot_dir
):
    page = student6
    page.get_by_role("link", name="Khrushchev and peaceful co-existence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Khrushchev and peaceful co-existence"
    )
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "student-assignment.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=screenshot_dir / "student-assignment-375.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.get_by_role("link", name=re.compile("^Source A:")).click()

    ratings = {
        "A": "Partly reliable",
        "B": "Partly reliable",
        "C": "Mostly reliable",
        "D": "Mostly unreliable",
        "E": "Mostly reliable",
        "F": "Mostly unreliable",
        "G": "Very reliable",
    }
    for label, rating in ratings.items():
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert page.url.endswith(f"/sources/{label}/")
        analyse(page, label, rating=rating)
        if label == "A":
            # A highlight made with the mouse.
            select_words(page, "There is only one way out")
            page.get_by_role("button", name="Highlight selection").click()
            expect(page.get_by_label("Words to highlight")).to_have_value(
                "There is only one way out"
            )
            page.get_by_label("Tag").select_option("bias")
            page.get_by_label("Your note").fill("He is blunt about the rivalry.")
            page.get_by_role("button", name="Add highlight").click()
            expect(page.locator("mark.hl.tag-bias")).to_have_text("There is only one way out")
            # A corroboration.
            page.get_by_label("Source A…").select_option("agrees")
            b_title = revision.lesson.lesson_sources.get(label="B").source.title
            page.get_by_label("Source", exact=True).select_option(label=f"Source B: {b_title}")
            page.get_by_label("How?").fill("Both say argue, do not fight.")
            page.get_by_role("button", name="Add link").click()
            expect(page.locator(".link-list")).to_contain_text("Source B")
            assert_accessible(page)
            page.screenshot(path=screenshot_dir / "student-source.png", full_page=True)
            page.set_viewport_size({"width": 375, "height": 800})
            page.reload()  # as a phone opens it: the guiding questions start folded
            expect(page.locator("details.guiding[open]")).to_have_count(0)
            assert_accessible(page)
            page.screenshot(path=screenshot_dir / "student-source-375.png", full_page=True)
            page.set_viewport_size({"width": 1280, "height": 720})
        if label == "C":
            # A highlight made with the keyboard only: type the words, Tab, Enter.
            quote = page.get_by_label("Words to highlight")
            quote.focus()
            page.keyboard.type("the starting point of the 'thaw'")
            page.keyboard.press("Tab")
            page.keyboard.press("Tab")
            page.keyboard.type("Dates the thaw from Stalin's death.")
            page.keyboard.press("Tab")
            page.keyboard.press("Enter")
            expect(page.locator("mark.hl")).to_have_text("the starting point of the 'thaw'")
        if label == "G":
            page.get_by_role("link", name="Write your answer →").click()
        else:
            page.get_by_role("link", name=re.compile(r"^Source [B-G] →$")).click()

    expect(page.get_by_role("heading", name="Your answer", level=1)).to_be_visible()
    page.locator(".extent-scale label", has_text="To some extent").click()
    answer = (
        "Khrushchev's coexistence changed the tone more than the substance. Source A shows "
        "him calling for competition without war, and Source C dates a thaw from 1953, "
        "but Source E warns that the Soviet aim of victory stayed the same."
    )
    page.get_by_label("Your answer", exact=True).fill(answer)
    expect(page.locator("[data-word-count]")).to_contain_text(f"{len(answer.split())} words")
    page.get_by_role("row", name=re.compile("^Source A:")).get_by_label(
        re.compile("Supports")
    ).check()
    page.get_by_role("row", name=re.compile("^Source E:")).get_by_label(
        re.compile("Challenges")
    ).check()
    expect(status(page)).to_have_text(SAVED, timeout=10_000)
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "student-answer.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=screenshot_dir / "student-answer-375.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 720})

    page.get_by_role("link", name="Submit to your teacher…").click()
    expect(page.get_by_role("heading", name="Submit your answer?")).to_be_visible()
    expect(page.get_by_text("7 of 7 sources marked done")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, submit it").click()
    expect(page.get_by_text("Submitted. Your teacher can now read")).to_be_visible()

    submission = Submission.objects.get(assignment=revision, student__username="student6")
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.judgement == 3
    assert len(submission.cited) == 2
    a = annotation(revision, "A")
    assert a.status == "done" and a.rating == 3
    assert [h["quote"] for h in a.highlights] == ["There is only one way out"]
    assert a.links[0]["relation"] == "agrees"
    assert annotation(revision, "C").highlights[0]["note"] == "Dates the thaw from Stalin's death."
    assert (
        SourceAnnotation.objects.filter(
            assignment=revision, student__username="student6", status="done"
        ).count()
        == 7
    )

    page.get_by_role("link", name="Your annotated bibliography").click()
    expect(page.locator(".bibliography-entry")).to_have_count(7)
    expect(page.locator(".bibliography-entry").first).to_contain_text("Reliability:")
    assert_accessible(page)
    page.emulate_media(media="print")
    page.screenshot(path=screenshot_dir / "student-bibliography-print.png", full_page=True)


def test_a_reload_mid_typing_offers_the_unsaved_text_back(student6: Page, live_server, revision):
    page = student6
    page.goto(source_url(live_server, revision, "B"))
    page.get_by_label(re.compile("^Origin")).fill("Typed just before the reload")
    page.reload()  # within the autosave delay: nothing reached the server
    expect(page.get_by_role("button", name="Restore my unsaved text")).to_be_visible()
    page.get_by_role("button", name="Restore my unsaved text").click()
    expect(page.get_by_label(re.compile("^Origin"))).to_have_value("Typed just before the reload")
    expect(status(page)).to_have_text(SAVED, timeout=10_000)
    assert annotation(revision, "B").responses["origin"] == "Typed just before the reload"


def test_a_stale_tab_shows_both_versions_and_the_student_chooses(
    student6: Page, context: BrowserContext, live_server, revision, assert_accessible
):
    first = student6
    first.goto(source_url(live_server, revision, "C"))
    second = context.new_page()
    second.goto(source_url(live_server, revision, "C"))

    first.get_by_label(re.compile("^Purpose")).fill("Written in the first tab")
    expect(status(first)).to_have_text(SAVED, timeout=10_000)
    second.get_by_label(re.compile("^Purpose")).fill("Written in the second tab")
    conflict = second.locator(".conflict")
    expect(conflict).to_contain_text("Saved elsewhere: Written in the first tab")
    expect(conflict).to_contain_text("On this page: Written in the second tab")
    assert annotation(revision, "C").responses["purpose"] == "Written in the first tab"
    assert_accessible(second)

    second.get_by_role("button", name="Keep this page’s version").click()
    expect(status(second)).to_have_text(SAVED, timeout=10_000)
    assert annotation(revision, "C").responses["purpose"] == "Written in the second tab"

    # The first tab is now the stale one; it takes the saved version instead.
    first.get_by_label(re.compile("^Content")).fill("More from the first tab")
    expect(first.locator(".conflict")).to_be_visible()
    first.get_by_role("button", name="Use the saved version").click()
    expect(first.get_by_label(re.compile("^Purpose"))).to_have_value("Written in the second tab")


def test_an_expired_session_keeps_the_text_and_saves_it_after_logging_in_again(
    student6: Page, context: BrowserContext, live_server, revision, log_in
):
    page = student6
    page.goto(source_url(live_server, revision, "E"))
    page.get_by_label(re.compile("^Nature")).fill("A secret briefing")
    expect(status(page)).to_have_text(SAVED, timeout=10_000)

    context.clear_cookies()  # the session expires
    page.get_by_label(re.compile("^Nature")).fill("A secret briefing for the Prime Minister")
    expect(status(page)).to_contain_text("You have been signed out", timeout=10_000)
    expect(status(page).get_by_role("link", name=re.compile("Log in again"))).to_be_visible()
    assert annotation(revision, "E").responses["nature"] == "A secret briefing"

    other = context.new_page()
    log_in(other, "student6", "coexist-demo")  # a new session and a new CSRF token
    expect(other.get_by_role("heading", name="Hello, Finn")).to_be_visible()
    other.close()
    page.bring_to_front()
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(status(page)).to_have_text(SAVED, timeout=10_000)
    assert (
        annotation(revision, "E").responses["nature"] == "A secret briefing for the Prime Minister"
    )


def test_typing_offline_is_saved_when_the_connection_returns(
    student6: Page, context: BrowserContext, live_server, revision
):
    page = student6
    page.goto(f"{live_server.url}/assignments/{revision.pk}/answer/")
    context.set_offline(True)
    page.get_by_label("Your answer", exact=True).fill("Drafted on the bus with no signal.")
    expect(status(page)).to_contain_text("no connection", timeout=10_000)
    assert not Submission.objects.filter(student__username="student6").exists()
    context.set_offline(False)
    expect(status(page)).to_have_text(SAVED, timeout=15_000)
    submission = Submission.objects.get(assignment=revision, student__username="student6")
    assert submission.answer == "Drafted on the bus with no signal."
    assert User.objects.get(username="student6").submissions.count() == 1
