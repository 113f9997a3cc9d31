"""The demo teacher reads the class at a glance, marks one answer and returns it; the
student then reads the feedback."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from lessons.models import Submission

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_the_teacher_marks_a_submission_and_the_student_reads_the_feedback(
    page: Page, live_server, demo, log_in, assert_accessible, screenshot_dir
):
    log_in(page, "teacher", "coexist-demo")
    page.get_by_role("link", name="2 to review in Khrushchev and peaceful co-existence").click()

    # The class at a glance: who is where, and the most contested source first.
    expect(page.get_by_role("heading", name="Khrushchev and peaceful co-existence")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("To mark"))).to_have_attribute(
        "aria-current", "page"
    )
    rows = page.locator(".ratings-grid tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("To mark")
    page.get_by_role("link", name=re.compile("Everyone")).click()
    expect(page.locator(".ratings-grid tbody tr")).to_have_count(6)
    first_card = page.locator(".spread-card").first
    expect(first_card).to_contain_text("contested")
    expect(first_card.get_by_role("heading")).to_contain_text("Source D")
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "teacher-dashboard.png", full_page=True)

    # One student's whole work on one page.
    page.get_by_role("link", name="Amara").click()
    expect(page.get_by_role("heading", name="Amara", level=1)).to_be_visible()
    expect(page.locator(".work-source")).to_have_count(7)
    expect(page.locator(".work-answer")).to_contain_text("To some extent")
    page.get_by_label("Your comment on source E").fill("Good: you saw why a secret report matters.")
    page.get_by_label("Overall comment").fill("A balanced answer that weighs the CIA briefing. ")
    page.get_by_role("button", name=re.compile("^Weigh the evidence against")).click()
    # The revision lesson is marked on the GCSE 8-mark scheme: one criterion, four levels.
    page.get_by_role("spinbutton", name="Mark for U").fill("6")
    expect(page.locator("[data-criteria-total]")).to_have_text("6")
    reached = page.locator(".mark-band.is-reached")
    expect(reached).to_have_count(1)
    expect(reached).to_contain_text("Developed")
    expect(reached).to_contain_text("← this mark")
    page.get_by_label("Comment on U").fill("Use the provenance of both sources, not only B.")
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "teacher-review.png", full_page=True)
    page.get_by_role("button", name="Return to the student").click()
    expect(page.get_by_text("Returned to Amara with your feedback.")).to_be_visible()
    # Returning moves on to the next student: Ben, whose answer was returned earlier.
    expect(page.get_by_role("heading", name="Ben", level=1)).to_be_visible()
    page.get_by_role("link", name="← Amara").click()
    page.get_by_role("link", name="Printable report").click()
    expect(page.locator(".student-report")).to_contain_text("Mark: 6 out of 8")
    assert_accessible(page)
    page.emulate_media(media="print")
    page.screenshot(path=screenshot_dir / "teacher-report-print.png", full_page=True)
    page.emulate_media(media="screen")

    submission = Submission.objects.get(
        student__username="student1", assignment__lesson__slug="khrushchev-and-peaceful-coexistence"
    )
    assert submission.status == Submission.Status.RETURNED
    assert submission.mark == 6 and submission.mark_out_of == 8
    assert submission.criterion_marks["U"]["mark"] == 6
    assert submission.feedback.endswith(
        "Weigh the evidence against your judgement, not only the evidence for it."
    )
    assert submission.versions.count() == 1

    # The marks export.
    with page.expect_download() as download:
        page.goto(f"{live_server.url}/teach/assignments/{submission.assignment_id}/")
        page.get_by_role("link", name="Marks and judgements (CSV)").click()
    csv_text = download.value.path().read_text(encoding="utf-8-sig")
    assert "Amara,student1,Returned,7 of 7,To some extent" in csv_text

    page.get_by_role("button", name="Log out").click()
    log_in(page, "student1", "coexist-demo")
    page.get_by_role("link", name="Khrushchev and peaceful co-existence").click()
    page.get_by_role("link", name="Read your answer").click()
    feedback = page.locator(".feedback-card")
    expect(feedback).to_contain_text("Mark: 6 out of 8")
    expect(feedback).to_contain_text("6 out of 8")
    expect(feedback).to_contain_text("Use the provenance of both sources, not only B.")
    expect(feedback).to_contain_text("A balanced answer that weighs the CIA briefing.")
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "student-feedback.png", full_page=True)
    page.goto(f"{live_server.url}/assignments/{submission.assignment_id}/sources/E/")
    teacher_view = page.locator(".teacher-view")
    expect(teacher_view).to_contain_text("Your teacher’s judgement")
    expect(teacher_view).to_contain_text("Good: you saw why a secret report matters.")
