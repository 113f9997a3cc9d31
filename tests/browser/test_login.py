from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, make_student, make_teacher
from tests.lessons.factories import make_classroom

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_a_teacher_logs_in_through_the_browser(
    page: Page, live_server, log_in, assert_accessible, screenshot_dir
):
    make_teacher("ms_okafor", display_name="Ms Okafor")
    external_requests: list[str] = []
    page.on(
        "request",
        lambda request: (
            external_requests.append(request.url)
            if not request.url.startswith(live_server.url)
            else None
        ),
    )

    page.goto(live_server.url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Judge the evidence")
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "home-anonymous.png", full_page=True)

    log_in(page, "ms_okafor", "wrong-password")
    expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "login-error.png", full_page=True)

    log_in(page, "ms_okafor", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Ms Okafor")
    expect(page.locator(".signed-in")).to_contain_text("Signed in as Ms Okafor")
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "home-teacher.png", full_page=True)

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()
    assert external_requests == []


def test_the_skip_link_moves_keyboard_focus_to_the_main_content(page: Page, live_server):
    page.goto(live_server.url)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_a_locked_out_student_is_unlocked_by_their_teacher_and_logs_in(
    page: Page, live_server, log_in, assert_accessible, screenshot_dir
):
    teacher = make_teacher("ms_okafor", display_name="Ms Okafor")
    sam = make_student("sam", first_name="Sam", last_name="Patel")
    classroom = make_classroom(name="10H History", teachers=[teacher], students=[sam])

    for _ in range(5):
        log_in(page, "sam", "wrong-password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many wrong passwords")
    log_in(page, "sam", PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("The account “sam” is locked for now")
    expect(page.get_by_text("Ask your teacher to unlock your account")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "login-locked-out.png", full_page=True)

    # Only Sam's account is locked: the teacher logs in on the same computer.
    log_in(page, "ms_okafor", PASSWORD)
    page.goto(f"{live_server.url}/classes/{classroom.pk}/")
    row = page.get_by_role("row").filter(has_text="Sam Patel")
    expect(row.get_by_text("Locked out")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "class-locked-student.png", full_page=True)
    row.get_by_role("button", name="Unlock Sam Patel").click()
    expect(page.get_by_text("Sam Patel can log in again.")).to_be_visible()
    expect(page.get_by_text("Locked out")).to_have_count(0)
    page.get_by_role("button", name="Log out").click()

    log_in(page, "sam", PASSWORD)
    expect(page.locator(".signed-in")).to_contain_text("Signed in as Sam")
