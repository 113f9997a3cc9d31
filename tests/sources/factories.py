"""Small factory functions for the source library.

Every factory validates with the model's own rules before saving, so a test can never
build a row the admin would have refused.
"""

from __future__ import annotations

import io
from itertools import count

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.text import slugify
from PIL import Image

from sources.models import (
    Author,
    AuthorRole,
    Interpretation,
    InterpretationStance,
    Nature,
    Provenance,
    Source,
    SourceAuthor,
    Theme,
)

_numbers = count(1)
DEFAULT_PROVENANCE = {"date_year": 1959, "date_month": 10}
FOREIGN_AFFAIRS_1959 = {
    "date_year": 1959,
    "date_month": 10,
    "container_title": "Foreign Affairs",
    "volume": "38",
    "issue": "1",
    "pages": "1-18",
}


def make_author(**fields) -> Author:
    number = next(_numbers)
    fields.setdefault("given_names", "Test")
    fields.setdefault("family_name", f"Author{number}")
    author = Author(**fields)
    if "slug" not in fields:
        author.slug = slugify(f"{author.name} {number}")
    # An empty slug is the model's to fill in on save.
    author.full_clean(exclude=[] if author.slug else ["slug"])
    author.save()
    return author


def make_theme(name: str | None = None) -> Theme:
    return Theme.objects.create(name=name or f"Theme {next(_numbers)}")


def make_source(
    *,
    authors: list[Author] | None = None,
    credits: list[tuple[Author, str]] = (),
    provenance: dict | None = None,
    with_provenance: bool = True,
    themes: list[Theme] = (),
    **fields,
) -> Source:
    """A source credited to `authors` (one new author by default) then any other `credits`.

    `provenance` holds Provenance fields; without it the source is dated October 1959.
    """
    number = next(_numbers)
    fields.setdefault("title", f"Source number {number}")
    fields.setdefault("nature", Nature.SPEECH)
    fields.setdefault("slug", f"source-{number}")
    source = Source(**fields)
    source.full_clean(exclude=[] if source.slug else ["slug"])
    source.save()
    if authors is None:
        authors = [make_author()]
    all_credits = [(author, AuthorRole.AUTHOR) for author in authors] + list(credits)
    for order, (author, role) in enumerate(all_credits):
        credit = SourceAuthor(source=source, author=author, role=role, order=order)
        credit.full_clean()
        credit.save()
    if with_provenance:
        values = {**DEFAULT_PROVENANCE, **(provenance or {})}
        row = Provenance(source=source, **values)
        row.full_clean()
        row.save()
    if themes:
        source.themes.set(themes)
    return Source.objects.with_citation_data().get(pk=source.pk)


def make_interpretation(
    *, work: Source | None = None, historian: Author | None = None, **fields
) -> Interpretation:
    number = next(_numbers)
    fields.setdefault("question", "Why did Khrushchev seek peaceful coexistence?")
    fields.setdefault("position", f"Argument number {number}")
    fields.setdefault("summary", "Coexistence was forced on the Soviet Union by nuclear weapons.")
    fields.setdefault("stance", InterpretationStance.MIXED)
    interpretation = Interpretation(
        work=work or make_source(is_primary=False, nature=Nature.BOOK),
        historian=historian or make_author(),
        **fields,
    )
    interpretation.full_clean()
    interpretation.save()
    return interpretation


def make_khrushchev(**fields) -> Author:
    """Nikita S. Khrushchev, with any other Author fields (standpoint, born…)."""
    return make_author(given_names="Nikita S.", family_name="Khrushchev", **fields)


def make_coexistence_article(
    *, khrushchev: Author | None = None, provenance: dict | None = None, **fields
) -> Source:
    """Khrushchev's "On Peaceful Coexistence", Foreign Affairs 38, no. 1 (October 1959):
    1–18, slug `on-peaceful-coexistence`.

    `khrushchev` is its author (a new one by default); `provenance` adds to or overrides
    the journal's details; any other fields (text, themes…) go to `make_source`.
    """
    fields.setdefault("title", "On Peaceful Coexistence")
    fields.setdefault("slug", "on-peaceful-coexistence")
    fields.setdefault("nature", Nature.JOURNAL_ARTICLE)
    return make_source(
        authors=[khrushchev or make_khrushchev()],
        provenance={**FOREIGN_AFFAIRS_1959, **(provenance or {})},
        **fields,
    )


def make_walking_chapter(**fields) -> Source:
    """Thoreau's "Walking", edited by John D'Agata in The Making of the American Essay
    (Minneapolis: Graywolf Press, 2016), 167–195, slug `walking`."""
    fields.setdefault("title", "Walking")
    fields.setdefault("slug", "walking")
    fields.setdefault("nature", Nature.BOOK_CHAPTER)
    return make_source(
        authors=[make_author(given_names="Henry David", family_name="Thoreau")],
        credits=[(make_author(given_names="John", family_name="D'Agata"), AuthorRole.EDITOR)],
        provenance={
            "date_year": 2016,
            "date_month": None,
            "container_title": "The Making of the American Essay",
            "publication_place": "Minneapolis",
            "publisher": "Graywolf Press",
            "pages": "167-195",
        },
        **fields,
    )


def make_gaddis_interpretation() -> Interpretation:
    """John Lewis Gaddis: coexistence was "A tactic, not a change of aims"."""
    return make_interpretation(
        historian=make_author(given_names="John Lewis", family_name="Gaddis"),
        position="A tactic, not a change of aims",
    )


def make_library(n: int) -> list[Source]:
    """`n` sources, each with two authors, provenance, a theme and an interpretation.

    Everything is distinct per source, so a page that queries once per row shows it.
    """
    sources = []
    for i in range(n):
        source = make_source(
            title=f"Library source {i:03d}",
            nature=Nature.JOURNAL_ARTICLE,
            authors=[make_author(), make_author()],
            provenance={
                "date_year": 1950 + i % 15,
                "date_month": i % 12 + 1,
                "place": "Moscow",
                "container_title": "Foreign Affairs",
                "volume": "38",
                "issue": "1",
                "pages": "1-18",
            },
            themes=[make_theme()],
            text=f"Text of library source {i}.",
        )
        make_interpretation(work=source, historian=make_author())
        sources.append(source)
    return sources


# Uploaded images, made by Pillow in memory


def image_bytes(image_format: str = "PNG", size: tuple[int, int] = (40, 30), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color=0).save(buffer, format=image_format)
    return buffer.getvalue()


def image_upload(
    name: str = "cartoon.png", image_format: str = "PNG", size: tuple[int, int] = (40, 30)
) -> SimpleUploadedFile:
    content_types = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
    return SimpleUploadedFile(
        name,
        image_bytes(image_format, size),
        content_type=content_types.get(image_format, "application/octet-stream"),
    )


def huge_png(size: tuple[int, int] = (8000, 6000)) -> bytes:
    """A 1-bit PNG: a few kilobytes on disk, tens of megapixels when decoded."""
    return image_bytes("PNG", size, mode="1")


# The admin's Source form, as a browser would post it


def source_admin_post(**fields) -> dict:
    """Everything the Source add form posts, with the three inlines' management forms.

    Keys are the form's names: `title`, `provenance-0-date_year`, `credits-0-author`…
    Credits and interpretations are empty unless their TOTAL_FORMS is raised.
    """
    data = {
        "title": "Khrushchev and the snowman",
        "slug": "",
        "nature": Nature.CARTOON,
        "is_primary": "on",
        "summary": "",
        "text": "",
        "image_alt": "",
        "media_url": "",
        "media_start": "",
        "credits-TOTAL_FORMS": "0",
        "credits-INITIAL_FORMS": "0",
        "credits-MIN_NUM_FORMS": "0",
        "credits-MAX_NUM_FORMS": "1000",
        "provenance-TOTAL_FORMS": "1",
        "provenance-INITIAL_FORMS": "0",
        "provenance-MIN_NUM_FORMS": "1",
        "provenance-MAX_NUM_FORMS": "1",
        "provenance-0-date_year": "1959",
        "provenance-0-date_month": "9",
        "provenance-0-date_day": "",
        "interpretations-TOTAL_FORMS": "0",
        "interpretations-INITIAL_FORMS": "0",
        "interpretations-MIN_NUM_FORMS": "0",
        "interpretations-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    data.update(fields)
    if not data.get("slug"):
        data["slug"] = slugify(data["title"])
    return data
