from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_a_teacher_previews_the_demo_lesson_as_a_student_would_see_it(
    page: Page, live_server, log_in, assert_accessible, screenshot_dir
):
    call_command("load_demo", "--force", stdout=io.StringIO())
    log_in(page, "teacher", "coexist-demo")
    page.goto(f"{live_server.url}/admin/lessons/lesson/")
    link = page.get_by_role("row", name="Khrushchev and peaceful co-existence").get_by_role(
        "link", name="Preview as a student"
    )
    # The admin opens the preview in a new tab; follow its address in this one.
    href = link.get_attribute("href")
    assert href == "/lessons/khrushchev-and-peaceful-coexistence/preview/"
    page.goto(f"{live_server.url}{href}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Khrushchev and peaceful co-existence"
    )
    expect(page.locator(".source-label")).to_have_text(list("ABCDEFG"))
    expect(page.get_by_role("heading", name="New words")).to_be_visible()
    expect(page.locator(".did-you-know")).to_have_count(3)
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "lesson-preview.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=screenshot_dir / "lesson-preview-375.png", full_page=True)
