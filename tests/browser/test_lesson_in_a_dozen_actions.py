"""A teacher builds a three-source lesson from the library, with a glossary term, and sets
it for their class: counted, every click and every field filled, on two pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from lessons.models import Assignment, Lesson

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

MOST_ACTIONS = 12


def test_a_lesson_from_the_library_is_built_and_set_in_at_most_a_dozen_actions(
    page: Page, live_server, demo, log_in, assert_accessible, screenshot_dir
):
    log_in(page, "teacher", "coexist-demo")
    page.goto(f"{live_server.url}/admin/")
    actions: list[str] = []
    pages: list[str] = []

    def act(what: str) -> None:
        actions.append(what)

    page.on("load", lambda: pages.append(page.url.split("?")[0]))

    page.locator('a[href$="/admin/lessons/lesson/add/"]').first.click()
    act("Lessons: Add")
    page.get_by_label("Title:").fill("Coexistence at home")
    act("title")
    page.get_by_label("Research question:").fill(
        "How far did ordinary Soviet people believe in peaceful coexistence?"
    )
    act("research question")
    # The framework is the teacher's usual one: nothing to choose.
    expect(page.get_by_label("Framework:")).not_to_have_value("")

    picker = page.locator("[data-source-picker]")
    picker.get_by_label("Search titles, authors and text").fill("Khrushchev")
    act("search the library")
    results = picker.locator("[data-picker-results] input[type=checkbox]")
    expect(results.first).to_be_visible()
    titles = []
    for index in range(3):
        box = results.nth(index)
        titles.append(page.locator(f"label[for='{box.get_attribute('id')}']").inner_text())
        box.check()
        act(f"tick source {index + 1}")
    expect(picker.locator("[data-picker-chosen] li")).to_have_count(3)

    page.locator("input[name='glossary-0-term']").fill("Thaw")
    act("glossary term")
    page.locator(
        "textarea[name='glossary-0-definition'], input[name='glossary-0-definition']"
    ).fill("The easing of censorship and fear after Stalin's death.")
    act("definition")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "admin-lesson-built.png", full_page=True)
    page.get_by_role("button", name="Publish and set for a class").click()
    act("Publish and set for a class")

    # The assignment page: the lesson chosen, the teacher's one class chosen, opens now.
    expect(page.get_by_text("is saved and published")).to_be_visible()
    page.get_by_role("button", name="Save", exact=True).click()
    act("Save")

    expect(page.get_by_text("Set for 10H History")).to_be_visible()
    lesson = Lesson.objects.get(title="Coexistence at home")
    assert page.url.endswith(f"/admin/lessons/lesson/{lesson.pk}/change/")
    assert lesson.published
    assert list(lesson.lesson_sources.values_list("label", flat=True)) == ["A", "B", "C"]
    assert lesson.glossary.get().term == "Thaw"
    assert Assignment.objects.filter(lesson=lesson, classroom__name="10H History").exists()
    page.screenshot(path=screenshot_dir / "admin-lesson-set.png", full_page=True)

    worked_on = {url for url in pages if "/add/" in url}
    print(f"\n{len(actions)} actions on {len(worked_on)} pages: {', '.join(actions)}")
    assert len(actions) <= MOST_ACTIONS
    assert len(worked_on) <= 2
