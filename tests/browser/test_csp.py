"""Every page works under the Content-Security-Policy: the browser blocks nothing that
Coexist, Django's admin or the admin's add-ons ship, on pages and after clicking around.

Each page records the `securitypolicyviolation` events the browser fires into
`window.cspViolations`, from before its first script runs; a test fails on any of them.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from lessons.models import Assignment, Classroom, Lesson
from sources.models import Source
from tests.browser.helpers import REVISION, SAVED, source_url, status

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    sample: event.sample,
    where: `${event.sourceFile}:${event.lineNumber}`,
  });
});
"""


@pytest.fixture
def watched(page: Page) -> Page:
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def violations(page: Page) -> list[dict]:
    """What the browser blocked on the page shown now, once its pending events are out."""
    page.wait_for_load_state("load")
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done)))")
    return page.evaluate("window.cspViolations")


def assert_nothing_blocked(page: Page) -> None:
    assert violations(page) == [], f"blocked on {page.url}"


def add_another(page: Page, name: str) -> None:
    """Click an inline's "Add another …" and see the row appear (Django's inlines.js)."""
    link = page.get_by_role("button", name=re.compile(rf"^Add another {name}", re.IGNORECASE))
    rows = page.locator(".inline-group", has=link).locator("[class*='dynamic-']")
    before = rows.count()
    link.click()
    expect(rows).to_have_count(before + 1)


def test_the_recorder_sees_what_the_policy_blocks(watched: Page, live_server, demo):
    """Without this the other tests could pass because nothing was listening."""
    watched.goto(f"{live_server.url}/accounts/login/")
    assert_nothing_blocked(watched)
    watched.evaluate(
        """() => {
            const holder = document.createElement("div");
            holder.innerHTML = '<p style="color: red">injected</p><img src=x onerror="alert(1)">';
            document.body.append(holder);
            const script = document.createElement("script");
            script.textContent = "window.ran = true";
            document.body.append(script);
        }"""
    )
    blocked = {v["directive"] for v in violations(watched)}
    assert {"style-src-attr", "script-src-attr", "script-src-elem"} <= blocked
    assert watched.evaluate("window.ran") is None


def test_a_student_works_on_a_source_and_an_answer_with_nothing_blocked(
    watched: Page, live_server, log_in, revision
):
    page = watched
    log_in(page, "student6", "coexist-demo")
    assert_nothing_blocked(page)
    page.goto(source_url(live_server, revision, "A"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_nothing_blocked(page)
    allowed = page.evaluate("document.featurePolicy.allowedFeatures()")
    assert not {"camera", "microphone", "geolocation"} & set(allowed)

    page.locator(".rating-options label", has_text="Partly reliable").click()
    page.get_by_label("Why that rating?").fill("A speech for a Soviet audience.")
    expect(status(page)).to_have_text(SAVED, timeout=10_000)
    page.get_by_label("Words to highlight").fill("There is only one way out")
    page.get_by_role("button", name="Add highlight").click()
    expect(page.locator("mark.hl")).to_have_text("There is only one way out")
    assert_nothing_blocked(page)

    page.goto(f"{live_server.url}/assignments/{revision.pk}/answer/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_label("Your answer").fill("To some extent, because the speeches say so.")
    expect(status(page)).to_have_text(SAVED, timeout=10_000)
    assert_nothing_blocked(page)


def test_the_teachers_pages_show_their_bars_and_marking_tools_with_nothing_blocked(
    watched: Page, live_server, log_in, revision, assert_accessible, screenshot_dir
):
    page = watched
    log_in(page, "teacher", "coexist-demo")
    page.goto(f"{live_server.url}/teach/assignments/{revision.pk}/")
    expect(page.locator(".bar-table meter").first).to_be_visible()
    for table in page.locator(".bar-table").all():
        counts = [int(n) for n in table.locator(".bar-count").all_inner_texts()]
        values = [
            float(v) for v in table.locator("meter").evaluate_all("ms => ms.map(m => m.value)")
        ]
        largest = max(counts) or 1
        assert values == [round(100 * n / largest) for n in counts]
    assert_nothing_blocked(page)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        assert_accessible(page)
        page.screenshot(path=screenshot_dir / f"dashboard-bars-{width}.png", full_page=True)
    # The menu button (static/js/nav.js) opens and closes the menu and says which it is.
    menu = page.get_by_role("button", name="Show navigation")
    expect(page.get_by_role("button", name="Log out")).to_be_hidden()
    menu.click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "true")
    assert_nothing_blocked(page)
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Log out")).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    menu.click()
    menu.click()
    expect(page.get_by_role("button", name="Log out")).to_be_hidden()
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_role("link", name="Amara").click()
    expect(page.get_by_role("heading", name="Amara", level=1)).to_be_visible()
    page.get_by_label("Overall comment").fill("Well argued. ")
    page.locator("#bank-text").fill("Quote the source to prove your point.")
    page.get_by_role("button", name="Keep").click()
    expect(page.locator("#comment-bank")).to_contain_text("Quote the source to prove your point.")
    assert_nothing_blocked(page)

    classroom = Classroom.objects.get(assignments=revision)
    page.goto(f"{live_server.url}{classroom.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(classroom.name)
    assert_nothing_blocked(page)


def test_the_admin_adds_and_changes_sources_and_lessons_with_nothing_blocked(
    watched: Page, live_server, log_in, demo
):
    page = watched
    log_in(page, "teacher", "coexist-demo")
    admin = f"{live_server.url}/admin"

    # The filter sidebar and the list.
    page.goto(f"{admin}/sources/source/")
    page.get_by_role("link", name="Speech").first.click()
    expect(page).to_have_url(re.compile(r"nature__exact=speech"))
    assert_nothing_blocked(page)

    # A new source: the slug typed from the title, another author row, the themes chooser.
    page.goto(f"{admin}/sources/source/add/")
    page.locator("#id_title").press_sequentially("A new speech")
    expect(page.locator("#id_slug")).to_have_value("a-new-speech")
    add_another(page, "author or other credit")
    page.locator("#id_themes_from option").first.dblclick()
    expect(page.locator("#id_themes_to option")).to_have_count(1)
    assert_nothing_blocked(page)

    source = Source.objects.get(title="On Peaceful Coexistence")
    page.goto(f"{admin}/sources/source/{source.pk}/change/")
    expect(page.locator("#id_title")).to_have_value(source.title)
    add_another(page, "interpretation argued in this work")
    assert_nothing_blocked(page)
    page.goto(f"{admin}/sources/source/{source.pk}/history/")
    assert_nothing_blocked(page)

    # Import and export.
    page.goto(f"{admin}/sources/source/import/")
    assert_nothing_blocked(page)
    page.goto(f"{admin}/sources/source/export/")
    page.locator("input[name=select-all-toggle]").uncheck()
    expect(
        page.locator(".selectable-field-export-row input[type=checkbox]").first
    ).not_to_be_checked()
    assert_nothing_blocked(page)

    # A lesson: the slug, another source row, the co-editors chooser.
    page.goto(f"{admin}/lessons/lesson/add/")
    page.locator("#id_title").press_sequentially("Détente")
    expect(page.locator("#id_slug")).to_have_value("detente")
    add_another(page, "source in this lesson")
    assert_nothing_blocked(page)

    lesson = Lesson.objects.get(slug=REVISION)
    page.goto(f"{admin}/lessons/lesson/{lesson.pk}/change/")
    expect(page.locator("#id_title")).to_have_value(lesson.title)
    add_another(page, "glossary")
    assert_nothing_blocked(page)

    # The date and time pickers on an assignment.
    assignment = Assignment.objects.get(lesson=lesson)
    page.goto(f"{admin}/lessons/assignment/{assignment.pk}/change/")
    page.locator("#calendarlink0").click()
    calendar = page.locator("#calendarbox0")
    expect(calendar).to_be_visible()
    calendar.get_by_role("button", name=re.compile("^Tomorrow")).click()
    expect(calendar).to_be_hidden()
    page.locator("#clocklink0").click()
    page.locator("#clockbox0").get_by_role("button", name="Noon").click()
    expect(page.locator("input.vTimeField").first).to_have_value(re.compile("^12:00"))
    assert_nothing_blocked(page)

    # Deleting it first counts the work that would go (templates/admin/delete_with_work.html).
    page.goto(f"{admin}/lessons/assignment/{assignment.pk}/delete/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_nothing_blocked(page)
