"""What a student sees when a save cannot go through: the server's own words beside the
box, and every word they typed still in it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from lessons.services import work
from tests.browser.helpers import annotation, source_url, status

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "coexist-demo"


def test_an_autosave_too_big_for_the_server_says_so_and_keeps_the_text(
    page: Page, live_server, log_in, revision, settings, assert_accessible
):
    log_in(page, "student6", PASSWORD)
    page.goto(source_url(live_server, revision, "B"))
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    typed = {name: f"{name} " + "word " * 600 for name in ("Origin", "Purpose")}
    for label, text in typed.items():
        page.get_by_label(label, exact=True).fill(text)
    expect(status(page)).to_contain_text("more than the server takes in one go", timeout=8000)
    expect(status(page)).to_contain_text("Your text is still on this page")
    for label, text in typed.items():
        expect(page.get_by_label(label, exact=True)).to_have_value(text)
    assert annotation(revision, "B") is None
    assert_accessible(page)

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
    page.get_by_label("Purpose", exact=True).fill("Shorter now.")
    expect(status(page)).to_contain_text("Saved at", timeout=8000)
    assert annotation(revision, "B").responses["origin"] == typed["Origin"]


def test_removing_a_link_already_removed_elsewhere_says_so(
    page: Page, live_server, log_in, revision
):
    log_in(page, "student6", PASSWORD)
    student = revision.classroom.students.get(username="student6")
    a, b = (revision.lesson.lesson_sources.get(label=label) for label in "AB")
    work.set_link(
        assignment=revision,
        student=student,
        lesson_source_id=a.pk,
        other_id=b.pk,
        relation="agrees",
        note="",
    )
    page.goto(source_url(live_server, revision, "A"))
    remove = page.get_by_role("button", name="Remove link to source B")
    # Another tab removes it first.
    work.remove_link(assignment=revision, student=student, lesson_source_id=a.pk, other_id=b.pk)
    remove.click()
    expect(page.locator("#links [data-form-message]")).to_have_text(
        "That link was already removed or never existed."
    )
