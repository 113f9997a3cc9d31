"""Predict, then reveal, as a student meets it in the demo: Source D, the snowman cartoon,
asks for their own reading before its interpretation is shown."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from lessons.models import SourceAnnotation
from tests.browser.helpers import source_url

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

READING = "Khrushchev is shown as the sun melting the Cold War: the thaw is his doing."


def test_a_student_reads_the_cartoon_then_sees_the_interpretation_beside_their_words(
    page: Page, live_server, log_in, revision, assert_accessible, screenshot_dir
):
    log_in(page, "student6", "coexist-demo")
    page.goto(source_url(live_server, revision, "D"))

    cartoon = page.get_by_role("img", name="cartoon", exact=False)
    expect(cartoon).to_be_visible()
    assert page.evaluate("document.querySelector('.source-figure img').naturalWidth") > 0
    expect(page.get_by_role("heading", name="Interpret first")).to_be_visible()
    expect(page.get_by_text("An interpretation written for the Coexist demo")).to_have_count(0)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=screenshot_dir / "predict-interpret-first.png", full_page=True)

    # Nothing written: refused, with the reason beside the box and the focus on it.
    page.get_by_role("button", name="Keep my reading and reveal the interpretation").click()
    expect(page.get_by_text("Write your prediction first, in your own words.")).to_be_visible()
    expect(page.get_by_text("An interpretation written for the Coexist demo")).to_have_count(0)

    page.get_by_label("Your reading of source D").fill(READING)
    page.get_by_role("button", name="Keep my reading and reveal the interpretation").click()

    expect(page.get_by_role("heading", name="Your reading and the interpretation")).to_be_visible()
    expect(page.locator("#prediction")).to_contain_text(READING)
    expect(page.locator("#prediction")).to_contain_text(
        "An interpretation written for the Coexist demo"
    )
    expect(page.get_by_label("Your reading of source D")).to_have_count(0)
    annotation = SourceAnnotation.objects.get(
        student__username="student6", lesson_source__label="D", assignment=revision
    )
    assert annotation.prediction == READING and annotation.revealed_at is not None
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        page.screenshot(path=screenshot_dir / f"predict-revealed-{width}.png", full_page=True)


def test_a_prediction_sent_while_offline_is_back_in_the_box_on_the_next_visit(
    page: Page, live_server, log_in, revision
):
    log_in(page, "student6", "coexist-demo")
    url = source_url(live_server, revision, "D")
    page.goto(url)
    box = page.get_by_label("Your reading of source D")
    box.fill(READING)
    page.context.set_offline(True)
    try:
        page.get_by_role("button", name="Keep my reading and reveal the interpretation").click()
        page.wait_for_timeout(500)  # the browser's own "no connection" page
    finally:
        page.context.set_offline(False)
    assert not SourceAnnotation.objects.filter(student__username="student6").exists()

    page.goto(url)
    expect(page.get_by_label("Your reading of source D")).to_have_value(READING)
    expect(page.get_by_text("were kept in this browser and are back in the box")).to_be_visible()
    page.get_by_role("button", name="Keep my reading and reveal the interpretation").click()
    expect(page.locator("#prediction")).to_contain_text(READING)
    kept = page.evaluate("Object.keys(localStorage).filter(key => key.includes('prediction:'))")
    assert kept == []
