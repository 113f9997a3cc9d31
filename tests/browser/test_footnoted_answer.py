"""The investigation that footnotes itself, as a student meets it in the demo: citations
inserted by button and by keyboard become numbered Chicago notes, renumbered when one is
moved, and the answer prints with its notes and works cited."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from lessons.models import Assignment, Submission

INVESTIGATION = "investigation-soviet-perceptions-of-peaceful-coexistence"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_a_student_cites_by_button_and_keyboard_sees_notes_renumber_and_prints(
    page: Page, live_server, demo, log_in, assert_accessible, screenshot_dir
):
    assignment = Assignment.objects.get(lesson__slug=INVESTIGATION)
    log_in(page, "student2", "coexist-demo")
    page.goto(f"{live_server.url}/assignments/{assignment.pk}/answer/")
    expect(page.get_by_role("heading", name="Cite a source")).to_be_visible()
    box = page.get_by_label("2. Investigation")
    notes = page.locator("[data-essay-notes] .essay-notes-list li")

    # By button: type, choose the source and a page, insert where the cursor is.
    box.fill("Khrushchev told Americans that coexistence was the only way.")
    page.get_by_label("Source", exact=True).select_option("C")
    page.get_by_label("Page or time (optional)").fill("p. 4")
    page.get_by_role("button", name="Insert citation").click()
    expect(box).to_be_focused()
    assert box.input_value().endswith("only way.[@C, p. 4]")
    expect(page.get_by_text("Citation to Source C inserted")).to_be_visible()

    # By keyboard: Ctrl+Alt+F from the text goes to the tool; Enter on the button inserts.
    box.press("End")
    box.press_sequentially(" Yet its critics saw a tactic.")
    box.press("Control+Alt+f")
    expect(page.get_by_label("Source", exact=True)).to_be_focused()
    page.get_by_label("Source", exact=True).select_option("E")
    page.get_by_role("button", name="Insert citation").focus()
    page.keyboard.press("Enter")
    assert box.input_value().endswith("a tactic.[@E]")
    expect(notes).to_have_count(2)
    expect(notes.nth(0)).to_contain_text("Magnúsdóttir")
    expect(notes.nth(0)).to_contain_text("4")
    first_e = notes.nth(1).inner_text()
    expect(page.locator("[data-section-count]").nth(1)).to_contain_text("15 words")

    # Moving a citation renumbers the notes after the save.
    box.fill("Its critics saw a tactic.[@E] Khrushchev spoke of the only way.[@C, p. 4]")
    expect(notes.nth(0)).to_have_text(first_e)
    expect(notes.nth(1)).to_contain_text("Magnúsdóttir")
    submission = Submission.objects.get(assignment=assignment, student__username="student2")
    assert submission.sections["investigation"].startswith("Its critics saw a tactic.[@E]")
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        page.screenshot(path=screenshot_dir / f"footnoted-answer-{width}.png", full_page=True)

    # The print view: sections with their counts, the notes, the works cited.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Print with notes").click()
    expect(page.get_by_role("heading", name="2. Investigation")).to_be_visible()
    expect(page.locator(".essay-notes-list li")).to_have_count(2)
    expect(page.locator(".works-cited li")).to_have_count(2)
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    # The width of the text inside the page's margins (2.2 cm each side), at 96 px an inch.
    for paper, text_width in (("A4", 627), ("Letter", 650)):
        page.set_viewport_size({"width": text_width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= text_width, paper
        assert page.pdf(format=paper).startswith(b"%PDF")
    page.emulate_media(media="screen")
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
    page.screenshot(path=screenshot_dir / "footnoted-answer-print.png", full_page=True)


def test_the_teacher_traces_each_note_to_the_evidence_it_rests_on(
    page: Page, live_server, demo, log_in, assert_accessible, screenshot_dir
):
    assignment = Assignment.objects.get(lesson__slug=INVESTIGATION)
    student1 = Submission.objects.get(assignment=assignment, student__username="student1")
    log_in(page, "teacher", "coexist-demo")
    page.goto(
        f"{live_server.url}/teach/assignments/{assignment.pk}/students/{student1.student_id}/"
    )
    expect(page.get_by_role("heading", name="Investigation", exact=True)).to_be_visible()
    tied = page.locator(".essay-notes-list li", has_text="highlight")
    expect(tied.first).to_be_visible()
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=screenshot_dir / "teacher-review-investigation.png", full_page=True)
