"""`CITATION_STYLE` chooses the Chicago edition for the whole instance (issue 19): the 18th by
default, the 17th on request, anything else refused at start-up. Nothing stores or caches a
citation, so every page follows the setting as it is now."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from sources import citations
from sources.models import Source
from sources.packs import import_library
from tests.coexist.test_env import _start
from tests.sources.factories import make_author, make_source

DEMO_SOURCES = Path(__file__).resolve().parents[2] / "fixtures" / "khrushchev-sources.json"

SERVICE = "service-history-of-modern-russia"
KHRUSHCHEV = "khrushchev-on-peaceful-coexistence-1959"


# The setting


def test_the_18th_edition_is_the_default():
    assert settings.CITATION_STYLE == "chicago-18"
    assert citations.edition() == 18


def test_the_17th_edition_can_be_chosen_at_start_up():
    result = _start(
        {"DEBUG": "true", "CITATION_STYLE": "chicago-17"},
        "from sources.citations import edition; print('edition', edition())",
    )
    assert result.returncode == 0, result.stderr
    assert "edition 17" in result.stdout


def test_an_unknown_style_stops_start_up_naming_the_variable_and_the_choices():
    result = _start({"DEBUG": "true", "CITATION_STYLE": "chicago-16"})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    # The choices offered are exactly the styles the formatter knows.
    choices = ", ".join(citations.STYLES)
    assert f"CITATION_STYLE must be one of {choices}; got 'chicago-16'." in result.stderr


# Every page follows it, with nothing cached


@pytest.fixture
def book(db) -> Source:
    """A book with a place of publication, which only the 17th edition prints."""
    return make_source(
        title="Khrushchev: The Man and His Era",
        slug="taubman-khrushchev",
        nature="book",
        authors=[make_author(given_names="William", family_name="Taubman")],
        provenance={
            "date_year": 2003,
            "date_month": None,
            "publisher": "W. W. Norton",
            "publication_place": "New York",
        },
    )


def test_the_source_page_follows_the_setting_from_one_request_to_the_next(teacher_client, book):
    with override_settings(CITATION_STYLE="chicago-17"):
        page_17 = teacher_client.get(book.get_absolute_url()).content.decode()
    with override_settings(CITATION_STYLE="chicago-18"):
        page_18 = teacher_client.get(book.get_absolute_url()).content.decode()
    with override_settings(CITATION_STYLE="chicago-17"):
        page_17_again = teacher_client.get(book.get_absolute_url()).content.decode()
    assert "(New York: W. W. Norton, 2003)" in page_17
    assert "(W. W. Norton, 2003)" in page_18 and "New York: W. W. Norton" not in page_18
    assert "(New York: W. W. Norton, 2003)" in page_17_again


def test_the_admin_preview_follows_the_setting(teacher_client, book):
    url = f"/admin/sources/source/{book.pk}/change/"
    with override_settings(CITATION_STYLE="chicago-17"):
        assert "New York: W. W. Norton, 2003." in teacher_client.get(url).content.decode()
    with override_settings(CITATION_STYLE="chicago-18"):
        html = teacher_client.get(url).content.decode()
    assert "<i>Khrushchev: The Man and His Era</i>. W. W. Norton, 2003." in html
    assert "New York:" not in html


def test_one_source_object_cites_by_the_setting_in_force_at_each_call(book):
    with override_settings(CITATION_STYLE="chicago-17"):
        entry_17 = book.bibliography_entry()
    with override_settings(CITATION_STYLE="chicago-18"):
        entry_18 = book.bibliography_entry()
    assert entry_17.endswith("New York: W. W. Norton, 2003.")
    assert entry_18.endswith("</i>. W. W. Norton, 2003.")


# The demo library, in both editions


@pytest.fixture
def demo(db) -> dict[str, Source]:
    """Two sources of the demo library, imported as `load_demo` imports it (a pack)."""
    pack = json.loads(DEMO_SOURCES.read_text(encoding="utf-8"))
    pack["sources"] = [s for s in pack["sources"] if s["slug"] in {SERVICE, KHRUSHCHEV}]
    pack["interpretations"] = [i for i in pack["interpretations"] if i["work"] in {SERVICE}]
    import_library(pack)
    return {s.slug: s for s in Source.objects.with_citation_data()}


def test_the_demo_book_drops_its_place_of_publication_in_the_18th_edition(demo):
    # CMOS 17 14.100 and 14.127: place, colon, publisher. CMOS 18 (13.95 as cited in
    # sources/citations.py): the place of publication is no longer given for books.
    service = demo[SERVICE]
    title = "<i>A History of Modern Russia: From Tsarism to the Twenty-First Century</i>"
    with override_settings(CITATION_STYLE="chicago-17"):
        assert service.bibliography_entry() == (
            f"Service, Robert. {title}. 3rd ed. Cambridge, MA: Harvard University Press, 2009."
        )
    with override_settings(CITATION_STYLE="chicago-18"):
        assert service.bibliography_entry() == (
            f"Service, Robert. {title}. 3rd ed. Harvard University Press, 2009."
        )


def test_the_demo_journal_article_is_the_same_in_both_editions(demo):
    # CMOS 17 14.171 and its 18th-edition counterpart: a journal article's entry did not change.
    expected = (
        "Khrushchev, Nikita S. “On Peaceful Coexistence.” <i>Foreign Affairs</i> 38, no. 1 "
        "(October 1959): 1–18."
    )
    for style in ("chicago-17", "chicago-18"):
        with override_settings(CITATION_STYLE=style):
            assert demo[KHRUSHCHEV].bibliography_entry() == expected
