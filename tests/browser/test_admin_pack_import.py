"""A teacher imports a lesson pack in the admin: upload, preview, confirm."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from lessons.packs import export_lessons
from tests.factories import PASSWORD, make_teacher
from tests.lessons.factories import make_lesson

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _accessible_at_both_widths(page: Page, assert_accessible, screenshot_dir, name: str) -> None:
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways
        page.screenshot(path=screenshot_dir / f"{name}-{width}.png", full_page=True)


def test_a_teacher_previews_and_imports_a_lesson_pack(
    page: Page, live_server, log_in, tmp_path, assert_accessible, screenshot_dir
):
    teacher = make_teacher("morgan", display_name="Ms Morgan")
    lesson = make_lesson(sources=2, slug="the-thaw", title="The thaw, 1956")
    pack = export_lessons([lesson])
    sources = [ls.source for ls in lesson.lesson_sources.all()]
    lesson.delete()
    for source in sources:
        source.delete()
    good = tmp_path / "thaw-pack.json"
    good.write_text(json.dumps(pack, default=str), encoding="utf-8")
    pack["lessons"][0]["framework"] = "no-such-framework"
    bad = tmp_path / "bad-pack.json"
    bad.write_text(json.dumps(pack, default=str), encoding="utf-8")

    log_in(page, teacher.username, PASSWORD)
    page.goto(f"{live_server.url}/admin/lessons/lesson/")
    page.get_by_role("link", name="Import a lesson pack…").click()

    page.get_by_label("Lesson pack").set_input_files(bad)
    page.get_by_role("button", name="Preview the import").click()
    expect(page.locator(".errorlist")).to_contain_text(
        "Lesson “the-thaw”: no framework “no-such-framework”"
    )
    _accessible_at_both_widths(page, assert_accessible, screenshot_dir, "admin-pack-import-error")

    page.get_by_label("Lesson pack").set_input_files(good)
    page.get_by_role("button", name="Preview the import").click()
    counts = page.get_by_role("table", name="Records in the pack")
    expect(counts.get_by_role("row", name="Lessons")).to_have_text("Lessons1000")
    expect(counts.get_by_role("row", name="Frameworks")).to_have_text("Frameworks0001")
    expect(page.locator("#pack-lessons")).to_contain_text("“The thaw, 1956” (the-thaw): new")
    _accessible_at_both_widths(page, assert_accessible, screenshot_dir, "admin-pack-preview")

    page.get_by_role("button", name="Import").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "New lessons, yours to change: “The thaw, 1956”."
    )
    expect(page.locator("#result_list")).to_contain_text("The thaw, 1956")
    expect(page.locator("#result_list")).to_contain_text("Ms Morgan")
    page.screenshot(path=screenshot_dir / "admin-pack-imported.png", full_page=True)
