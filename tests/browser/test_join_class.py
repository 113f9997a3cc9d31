"""A new student joins the demo class with its code; a teacher adds a roster and prints slips."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from coexist.models import User
from lessons.models import Classroom

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def demo_class(demo) -> Classroom:
    return Classroom.objects.get(name="10H History")


def test_a_new_visitor_joins_the_demo_class_with_its_code_and_sees_both_lessons(
    page: Page, live_server, demo_class, assert_accessible, screenshot_dir
):
    page.goto(live_server.url)
    page.get_by_role("link", name="Join your class").click()
    expect(page.get_by_role("heading", name="Join a class")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "join-code.png", full_page=True)

    # Typed as a student might: lower case, with the dash and a stray space.
    page.get_by_label("Class code").fill(f" {demo_class.display_code.lower()}")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Join 10H History")).to_be_visible()
    expect(page.get_by_label(re.compile("e-?mail", re.I))).to_have_count(0)
    assert_accessible(page)

    page.get_by_label("First name").fill("Nadia")
    page.get_by_label("Last name").fill("Petrova")
    page.get_by_label("Username").fill("nadia.p")
    page.get_by_label("Password*", exact=True).fill("thaw-in-1956")
    page.get_by_label("Password confirmation").fill("thaw-in-1956")
    page.screenshot(path=screenshot_dir / "join-signup.png", full_page=True)
    page.get_by_role("button", name="Create my account and join").click()

    expect(page.get_by_text("you have joined 10H History")).to_be_visible()
    expect(page.get_by_role("heading", name="10H History")).to_be_visible()
    cards = page.locator(".assignment-card")
    expect(cards).to_have_count(2)
    expect(cards.get_by_role("heading")).to_have_text(
        [
            "Khrushchev and peaceful co-existence",
            "Investigation: Soviet perceptions of peaceful coexistence",
        ]
    )
    expect(cards.first).to_contain_text("Not started · 7 sources to analyse")
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "student-home.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=screenshot_dir / "student-home-375.png", full_page=True)
    nadia = User.objects.get(username="nadia.p")
    assert nadia.email == ""
    assert demo_class.enrolments.filter(student=nadia).exists()


def test_a_wrong_code_gets_a_clear_message_and_keeps_what_was_typed(
    page: Page, live_server, demo_class, assert_accessible
):
    page.goto(f"{live_server.url}/join/")
    page.get_by_label("Class code").fill("ABCD-2345")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("No class has that code")).to_be_visible()
    expect(page.get_by_label("Class code")).to_have_value("ABCD-2345")
    assert_accessible(page)


def test_a_teacher_adds_a_roster_and_gets_printable_slips_the_students_can_log_in_with(
    page: Page, live_server, demo_class, log_in, assert_accessible, screenshot_dir
):
    log_in(page, "teacher", "coexist-demo")
    expect(page.get_by_text(demo_class.display_code)).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "teacher-home.png", full_page=True)
    page.get_by_role("link", name="10H History").click()
    expect(page.locator(".join-code")).to_have_text(demo_class.display_code)
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "class-page.png", full_page=True)

    page.get_by_role("link", name="Add students from a list").click()
    page.get_by_label("Paste names, one student per line").fill("Ada Okafor\nLinde, Tomas\n")
    page.get_by_role("button", name="Create accounts and print slips").click()
    slips = page.locator(".slip")
    expect(slips).to_have_count(2)
    expect(slips.first).to_contain_text("ada.okafor")
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "roster-slips.png", full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=screenshot_dir / "roster-slips-print.png", full_page=True)
    page.emulate_media(media="screen")
    password = slips.first.locator("dd code").nth(1).inner_text()

    # Ada logs in with her slip and must choose her own password first.
    page.get_by_role("button", name="Log out").click()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("ada.okafor")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Choose your own password")).to_be_visible()
    page.get_by_label("Old password").fill(password)
    page.get_by_label("New password*", exact=True).fill("sputnik-1957-ada")
    page.get_by_label("New password confirmation").fill("sputnik-1957-ada")
    page.get_by_role("button", name="Change password").click()
    page.goto(live_server.url)
    expect(page.locator(".assignment-card")).to_have_count(2)


def test_a_signed_in_student_confirms_joining_and_meets_a_lesson_not_open_yet(
    page: Page, live_server, demo_class, log_in, assert_accessible
):
    from datetime import timedelta

    from django.utils import timezone

    from lessons.models import Assignment, Lesson
    from tests.lessons.factories import make_classroom

    later = make_classroom(name="11C Cold War", teachers=list(demo_class.teachers.all()))
    Assignment.objects.create(
        classroom=later,
        lesson=Lesson.objects.get(slug="khrushchev-and-peaceful-coexistence"),
        opens_at=timezone.now() + timedelta(days=3),
        due_at=timezone.now() + timedelta(days=10),
    )
    log_in(page, "student6", "coexist-demo")
    page.goto(f"{live_server.url}/join/{later.join_code}/")
    expect(page.get_by_role("heading", name="Join 11C Cold War?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Join as Finn").click()
    expect(page.get_by_text("You have joined 11C Cold War.")).to_be_visible()
    card = page.get_by_role("article", name="Khrushchev and peaceful co-existence").filter(
        has_text="Opens"
    )
    expect(card).to_contain_text("Not started")
    card.get_by_role("link").click()
    expect(page.get_by_text("This lesson opens on")).to_be_visible()
    assert_accessible(page)


def test_a_new_code_is_only_made_after_the_teacher_confirms(
    page: Page, live_server, demo_class, log_in
):
    old = demo_class.join_code
    log_in(page, "teacher", "coexist-demo")
    page.goto(f"{live_server.url}{demo_class.get_absolute_url()}")
    questions = []

    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="New code").click()
    expect(page.locator(".join-code")).to_have_text(demo_class.display_code)
    demo_class.refresh_from_db()
    assert demo_class.join_code == old
    assert "will stop working" in questions[0]

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="New code").click()
    expect(page.get_by_text("has a new code")).to_be_visible()
    demo_class.refresh_from_db()
    assert demo_class.join_code != old
    expect(page.locator(".join-code")).to_have_text(demo_class.display_code)
