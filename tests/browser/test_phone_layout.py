"""On a phone a source page puts the student's work within two screens: the source, then
"Your analysis", then the highlights, the provenance and citations, and the glossary
(folded). On a wide screen the work stays in a column beside the source."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import source_url

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # Where things sit on a page does not depend on the database engine.
    pytest.mark.engine_independent,
]

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 800}
TWO_SCREENS = 1400  # px from the top of the page to the top of "Your analysis"
IN_ORDER = ["#the-source", "#analysis-heading", "#highlights", ".provenance-card", "#words-heading"]

TOPS = """(selectors) => selectors.map((s) => {
  const e = document.querySelector(s);
  return e ? Math.round(e.getBoundingClientRect().top + window.scrollY) : null;
})"""


def test_your_analysis_starts_within_two_screens_on_every_demo_source_on_a_phone(
    page: Page, live_server, log_in, revision, assert_accessible, screenshot_dir
):
    log_in(page, "student6", "coexist-demo")
    page.set_viewport_size(PHONE)
    labels = revision.lesson.lesson_sources.order_by("order").values_list("label", flat=True)
    offsets = {}
    for label in labels:
        page.goto(source_url(live_server, revision, label))
        expect(page.locator("#analysis-heading")).to_be_visible()
        tops = page.evaluate(TOPS, IN_ORDER)
        offsets[label] = tops[1]
        shown = [top for top in tops if top is not None]  # D hides its provenance at first
        order = dict(zip(IN_ORDER, tops, strict=True))
        assert shown == sorted(shown), f"Source {label} out of order: {order}"
        expect(page.locator("details.glossary-fold[open]")).to_have_count(0)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        if label in "AD":
            assert_accessible(page)
            page.screenshot(path=screenshot_dir / f"source-{label}-375.png", full_page=True)
    print("Top of 'Your analysis' at 375 px:", offsets)
    assert all(top <= TWO_SCREENS for top in offsets.values()), offsets

    page.set_viewport_size(DESKTOP)
    page.goto(source_url(live_server, revision, "A"))
    source = page.locator("#the-source").bounding_box()
    work = page.locator("#analysis-form").bounding_box()
    assert work["x"] > source["x"] + source["width"], "the work is no longer beside the source"
    assert work["y"] < source["y"] + source["height"]
    expect(page.locator("details.glossary-fold[open]")).to_have_count(1)
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "source-A-1280.png", full_page=True)
