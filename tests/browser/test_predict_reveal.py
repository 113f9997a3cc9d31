"""Predict, then reveal, as a student meets it in the demo: Source D, the snowman cartoon,
asks for their own reading before its interpretation is shown."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from coexist.models import User
from lessons.models import Assignment, SourceAnnotation
from tests.browser.helpers import source_url

INVESTIGATION = "investigation-soviet-perceptions-of-peaceful-coexistence"

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


def test_every_new_state_passes_axe_for_the_student_and_the_teacher(
    page: Page, browser: Browser, live_server, log_in, revision, assert_accessible, screenshot_dir
):
    """Predict first (the investigation's "On Peaceful Coexistence"), the short version
    (Source A), the class's ratings after finishing, and for the teacher the dashboard's
    predictions and regions and the review page's: no axe violation at either width."""
    investigation = Assignment.objects.get(lesson__slug=INVESTIGATION)
    revision.class_comparison = True
    revision.save()
    d = revision.lesson.lesson_sources.get(label="D")
    for number, (rating, region) in enumerate(((2, 0.1), (3, 0.2), (4, 0.3)), start=1):
        student = User.objects.get(username=f"student{number}")
        SourceAnnotation.objects.update_or_create(
            assignment=revision,
            student=student,
            lesson_source=d,
            defaults={
                "rating": rating,
                "status": SourceAnnotation.Status.DONE,
                "prediction": "The sun is Khrushchev.",
                "revealed_at": timezone.now(),
                "regions": [
                    {
                        "id": f"r{number}",
                        "x": region,
                        "y": region,
                        "w": 0.3,
                        "h": 0.3,
                        "tag": "bias",
                        "note": "The smile",
                    }
                ],
            },
        )

    def check(where: Page, name: str) -> None:
        for width in (1280, 375):
            where.set_viewport_size({"width": width, "height": 900})
            assert_accessible(where)
            where.screenshot(path=screenshot_dir / f"{name}-{width}.png", full_page=True)
        where.set_viewport_size({"width": 1280, "height": 900})

    log_in(page, "student6", "coexist-demo")
    page.goto(source_url(live_server, investigation, "A"))
    expect(page.get_by_role("heading", name="Predict first")).to_be_visible()
    expect(page.locator(".provenance-card")).to_have_count(0)
    check(page, "predict-first")
    page.goto(source_url(live_server, revision, "A"))
    expect(page.get_by_text("Short version")).to_be_visible()
    check(page, "short-version")

    log_in(page, "student1", "coexist-demo")
    page.goto(source_url(live_server, revision, "D"))
    expect(page.get_by_role("heading", name="How your class rated source D")).to_be_visible()
    check(page, "class-ratings")

    log_in(page, "teacher", "coexist-demo")
    page.goto(f"{live_server.url}/teach/assignments/{revision.pk}/")
    expect(page.get_by_role("heading", name="Predictions before the reveal")).to_be_visible()
    expect(page.get_by_text("3 regions marked by 3 students")).to_be_visible()
    check(page, "dashboard-predictions")
    student3 = User.objects.get(username="student3")
    page.goto(f"{live_server.url}/teach/assignments/{revision.pk}/students/{student3.pk}/")
    expect(page.get_by_text("Marked parts of the image")).to_be_visible()
    check(page, "review-regions")
