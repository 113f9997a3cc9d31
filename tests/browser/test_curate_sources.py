"""A teacher curates the demo library in the admin and checks what students will see."""

from __future__ import annotations

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from sources.models import Source

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _cartoon_png(path):
    image = Image.new("RGB", (480, 320), "white")
    for x in range(120, 360):
        for y in range(100, 220):
            image.putpixel((x, y), (30, 60, 120))
    image.save(path)
    return path


def test_a_teacher_adds_a_cartoon_and_sees_its_citations(
    page: Page, live_server, log_in, demo, tmp_path, assert_accessible, screenshot_dir
):
    log_in(page, "teacher", "coexist-demo")
    page.goto(f"{live_server.url}/admin/sources/source/")
    expect(page.locator("#changelist-form .paginator")).to_contain_text("18 sources")
    page.screenshot(path=screenshot_dir / "admin-source-list.png", full_page=True)

    page.get_by_role("link", name="Add source").click()
    page.locator("#id_title").fill("Soviet cartoon of Khrushchev and the Western powers")
    page.locator("#id_untitled").check()
    page.locator("#id_nature").select_option("cartoon")
    page.locator("#id_image").set_input_files(_cartoon_png(tmp_path / "cartoon.png"))
    page.locator("#id_image_alt").fill(
        "Khrushchev, smiling, offers his hand across a table to Western leaders"
    )
    page.locator("#id_provenance-0-date_year").fill("1959")
    page.locator("#id_provenance-0-date_month").fill("9")
    page.locator("#id_provenance-0-container_title").fill("Krokodil")
    page.locator("#id_provenance-0-audience").fill("Soviet magazine readers")
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    preview = page.locator(".citation-preview")
    expect(preview).to_contain_text(
        "Soviet cartoon of Khrushchev and the Western powers. Cartoon. Krokodil, September 1959."
    )
    page.screenshot(path=screenshot_dir / "admin-source-change.png", full_page=True)

    source = Source.objects.get(title__startswith="Soviet cartoon of Khrushchev and the West")
    assert source.image.name.endswith(".png")
    assert source.provenance.date_year == 1959

    page.goto(f"{live_server.url}{source.get_absolute_url()}")
    image = page.get_by_role("img", name="Khrushchev, smiling, offers his hand")
    expect(image).to_be_visible()
    assert page.evaluate("document.querySelector('.source-figure img').naturalWidth") == 480
    expect(page.locator(".provenance-card")).to_contain_text("Soviet magazine readers")
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "source-cartoon.png", full_page=True)


def test_a_teacher_reads_a_demo_source_with_its_provenance_and_citations(
    page: Page, live_server, log_in, demo, assert_accessible, screenshot_dir
):
    log_in(page, "teacher", "coexist-demo")
    page.goto(f"{live_server.url}/sources/")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(18)
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "source-library.png", full_page=True)

    page.get_by_role("link", name="On Peaceful Coexistence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("On Peaceful Coexistence")
    expect(page.locator(".citations")).to_contain_text(
        "Khrushchev, Nikita S. “On Peaceful Coexistence.” Foreign Affairs 38, no. 1 "
        "(October 1959): 1–18."
    )
    expect(page.locator(".citations i").first).to_have_text("Foreign Affairs")
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "source-journal-article.png", full_page=True)
