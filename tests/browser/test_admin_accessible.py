"""axe finds nothing wrong with the admin pages a teacher curates the library with, as the
demo teacher sees them, at a laptop's width and a phone's.

Each page is loaded once and checked at both widths. The pages of lessons, classes and
assignments are in test_admin_accessible_lessons.py, so the two run side by side.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from lessons.models import Framework
from sources.models import Author, Interpretation, Source

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

WIDTHS = (1280, 375)


def admin_pages(live_server, model, obj) -> list[str]:
    """The list, add and change pages of `model` ("sources.source"), `obj` the one changed."""
    base = f"{live_server.url}/admin/{model.replace('.', '/')}"
    return [f"{base}/", f"{base}/add/", f"{base}/{obj.pk}/change/"]


def check_at_both_widths(page: Page, url: str, assert_accessible) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        try:
            assert_accessible(page)
        except AssertionError as failure:
            raise AssertionError(f"{url} at {width} px:\n{failure}") from None


def test_the_library_pages_have_nothing_for_axe_to_find_at_either_width(
    page: Page, live_server, log_in, demo, assert_accessible, screenshot_dir
):
    log_in(page, "teacher", "coexist-demo")
    source = Source.objects.get(title="On Peaceful Coexistence")
    source_pages = admin_pages(live_server, "sources.source", source)
    urls = [
        *source_pages,
        *admin_pages(live_server, "sources.author", Author.objects.first()),
        *admin_pages(live_server, "sources.interpretation", Interpretation.objects.first()),
        *admin_pages(live_server, "lessons.framework", Framework.objects.get(slug="opvl")),
    ]
    _, source_add, source_change = source_pages
    for url in urls:
        page.goto(url)
        if url == source_add:
            # Rows "Add another" makes are named by their own numbers, like those before.
            add_another = page.get_by_role("button", name=re.compile("^Add another author", re.I))
            add_another.click()
            add_another.click()
            expect(page.get_by_label("Author or other credit 3: Role")).to_be_visible()
        if url == source_change:
            # An autocomplete box and the links beside it say which row they are in.
            row = re.compile(r"^Author or other credit 1: Author")
            expect(page.get_by_role("combobox", name=row)).to_contain_text("Khrushchev")
            expect(
                page.get_by_role(
                    "link", name=re.compile(r"^Change selected author \(Author or other credit 1")
                )
            ).to_be_visible()
        check_at_both_widths(page, url, assert_accessible)
        if url == source_add:
            page.screenshot(path=screenshot_dir / "admin-a11y-source-add-375.png", full_page=True)
    expect(page.locator("#user-tools strong")).to_have_text("Ms Morgan")
