"""A student marks parts of the demo cartoon: one region dragged with the mouse, one placed
with the keyboard; another browser, signed in afresh, finds both drawn and listed."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from lessons.models import SourceAnnotation
from tests.browser.helpers import source_url

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def regions(revision) -> list[dict]:
    annotation = SourceAnnotation.objects.filter(
        assignment=revision, student__username="student6", lesson_source__label="D"
    ).first()
    return annotation.regions if annotation else []


def test_a_region_by_mouse_and_one_by_keyboard_and_both_seen_elsewhere(
    page: Page, browser: Browser, live_server, log_in, revision, assert_accessible, screenshot_dir
):
    log_in(page, "student6", "coexist-demo")
    url = source_url(live_server, revision, "D")
    page.goto(url)
    image = page.locator(".region-frame img")
    image.scroll_into_view_if_needed()

    # By mouse: drag from 20 % across and 30 % down to 60 % and 70 %.
    page.set_viewport_size({"width": 1280, "height": 1600})  # the whole image in view
    page.get_by_role("button", name="Draw on the image").click()
    image.scroll_into_view_if_needed()
    box = image.bounding_box()  # after the click: focusing the drawing box may scroll
    page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.3)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.7, steps=10)
    page.mouse.up()
    expect(page.get_by_label("Your note", exact=True).last).to_be_focused()
    page.get_by_label("Your note", exact=True).last.fill("The snowman")
    page.get_by_role("button", name="Mark this part").click()
    expect(page.locator("#regions li")).to_have_count(1)
    (first,) = regions(revision)
    for name, value in (("x", 0.2), ("y", 0.3), ("w", 0.4), ("h", 0.4)):
        assert abs(first[name] - value) <= 0.02, (name, first)
    assert first["note"] == "The snowman"

    # By keyboard: the box starts at 25 %, 25 %, half the image; move and resize it.
    page.get_by_role("button", name="Draw on the image").click()
    drawn = page.get_by_role("application", name="Region to mark")
    expect(drawn).to_be_focused()
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=screenshot_dir / "regions-drawing.png", full_page=True)
    drawn.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")  # x 25 → 35
    for _ in range(10):
        page.keyboard.press("Shift+ArrowUp")  # height 50 → 30
    expect(page.get_by_label("From the left (%)")).to_have_value("35")
    expect(page.get_by_label("Height (%)")).to_have_value("30")
    page.keyboard.press("Enter")
    page.keyboard.type("His smile")
    page.get_by_role("button", name="Mark this part").click()
    expect(page.locator("#regions li")).to_have_count(2)
    second = next(r for r in regions(revision) if r["note"] == "His smile")
    assert (second["x"], second["y"], second["w"], second["h"]) == (0.35, 0.25, 0.5, 0.3)

    # Another browser, signed in afresh, sees both, drawn and in words.
    elsewhere = browser.new_context()
    try:
        other = elsewhere.new_page()
        log_in(other, "student6", "coexist-demo")
        other.goto(url)
        expect(other.locator(".region-overlay rect")).to_have_count(2)
        expect(other.locator("#regions")).to_contain_text("The snowman")
        expect(other.locator("#regions")).to_contain_text(
            "50% wide by 30% high, 35% from the left and 25% from the top: His smile"
        )
        for width in (1280, 375):
            other.set_viewport_size({"width": width, "height": 900})
            assert_accessible(other)
            other.screenshot(path=screenshot_dir / f"regions-{width}.png", full_page=True)
    finally:
        elsewhere.close()
