"""axe finds nothing wrong with the admin pages of lessons, classes and assignments, as
the demo teacher sees them, at a laptop's width and a phone's (the library's pages are in
test_admin_accessible.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from lessons.models import Classroom, Lesson
from tests.browser.helpers import REVISION
from tests.browser.test_admin_accessible import admin_pages, check_at_both_widths

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_the_lesson_class_and_assignment_pages_have_nothing_for_axe_to_find_at_either_width(
    page: Page, live_server, log_in, revision, assert_accessible, screenshot_dir
):
    log_in(page, "teacher", "coexist-demo")
    class_pages = admin_pages(live_server, "lessons.classroom", Classroom.objects.get())
    urls = [
        *admin_pages(live_server, "lessons.lesson", Lesson.objects.get(slug=REVISION)),
        *class_pages,
        *admin_pages(live_server, "lessons.assignment", revision),
    ]
    class_change = class_pages[2]
    for url in urls:
        page.goto(url)
        if url == class_change:
            # Each row's fields and delete box say which row they belong to.
            expect(page.get_by_role("group", name="Assignment 1: Due")).to_be_visible()
            expect(page.get_by_label(re.compile(r"^Delete enrolment 1: Amara"))).not_to_be_checked()
        check_at_both_widths(page, url, assert_accessible)
        if url == class_change:
            page.screenshot(path=screenshot_dir / "admin-a11y-class-375.png", full_page=True)
