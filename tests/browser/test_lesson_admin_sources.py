"""Ms Morgan works on her lesson's sources in the admin: she reads every row without
scrolling sideways, reorders by keyboard and by drag, and adds a source from the library
by searching for it, told apart from another source with the same title."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from lessons.models import Lesson
from tests.browser.helpers import REVISION

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def labels_in_order(lesson: Lesson) -> list[str]:
    return list(lesson.lesson_sources.order_by("order", "pk").values_list("label", flat=True))


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_teacher_reorders_by_keyboard_and_drag_and_adds_a_source_from_the_library(
    page: Page, live_server, log_in, demo, assert_accessible, screenshot_dir
):
    lesson = Lesson.objects.get(slug=REVISION)
    before = labels_in_order(lesson)
    change = f"{live_server.url}/admin/lessons/lesson/{lesson.pk}/change/"
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "teacher", "coexist-demo")
    page.goto(change)

    # Every row readable at 1280 px: label, source, section and caption on screen.
    assert no_sideways_scroll(page)
    first = page.locator("#lesson_sources-group .lesson-source").first
    first.scroll_into_view_if_needed()
    for name in ("Label", "Bibliography section", "Caption"):
        expect(first.get_by_role("textbox", name=re.compile(rf"^{name}:?$"))).to_be_in_viewport()
    expect(first.get_by_role("combobox", name=re.compile("^Source"))).to_be_in_viewport()
    expect(page.get_by_text("More settings for Source C")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "admin-lesson-sources-1280.png", full_page=True)

    # By keyboard: Source A down one place; focus stays on the button, and it is said.
    down = page.get_by_role("button", name="Move down: Source A")
    down.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".lesson-sources [role=status]")).to_have_text(
        "Source A moved to position 2."
    )
    expect(down).to_be_focused()
    # By drag: the last source, by its handle, above the one before it.
    handle = page.locator(f"#lesson_sources-{len(before) - 1} .ls-handle")
    handle.scroll_into_view_if_needed()
    grip = handle.bounding_box()
    page.mouse.move(grip["x"] + 4, grip["y"] + 4)
    page.mouse.down()
    target = page.locator(f"#lesson_sources-{len(before) - 2}").bounding_box()
    page.mouse.move(target["x"] + 20, target["y"] + 4, steps=12)
    page.mouse.up()
    last, one_before = before[-1], before[-2]
    expect(page.locator(".lesson-sources [role=status]")).to_have_text(
        f"Source {last} moved to position {len(before) - 1}."
    )
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert labels_in_order(lesson) == [before[1], before[0], *before[2:-2], last, one_before]

    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "admin-lesson-sources-375.png", full_page=True)

    # From the library: the lesson already holds both extracts of one textbook, told
    # apart by their summaries; Kennan's article is added.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Add sources from the library…").click()
    search = page.get_by_label("Search titles, authors and text")
    search.fill("Mastering Modern World History")
    page.get_by_role("button", name="Search").click()
    found = page.locator("#picker-list tbody tr")
    expect(found).to_have_count(2)
    expect(found.first).to_contain_text("Norman Lowe, 1982")
    expect(found.first).to_contain_text("already in this lesson as Source")
    assert (
        found.first.locator(".picker-gist").inner_text()
        != found.last.locator(".picker-gist").inner_text()
    )
    page.get_by_label("Search titles, authors and text").fill("Kennan")
    page.get_by_role("button", name="Search").click()
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "admin-lesson-add-sources.png", full_page=True)
    page.get_by_role("checkbox", name="Peaceful Coexistence: A Western View").check()
    page.get_by_role("button", name="Add the chosen sources").click()
    expect(page.locator(".messagelist")).to_contain_text(
        f"Added to the lesson: Source {chr(ord('A') + len(before))}, “Peaceful Coexistence"
    )
    assert len(labels_in_order(lesson)) == len(before) + 1
