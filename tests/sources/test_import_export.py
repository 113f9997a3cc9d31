"""Spreadsheet import and export of sources, with their authors and provenance.

A bad row is reported by its number and nothing is half-imported.
"""

from __future__ import annotations

import csv
import io
import json
import os

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from sources.models import (
    Author,
    AuthorKind,
    AuthorRole,
    Interpretation,
    Nature,
    Provenance,
    Source,
    SourceAuthor,
    Theme,
)
from sources.packs import PROVENANCE_FIELDS
from sources.resources import SourceResource
from tests.sources.factories import (
    make_author,
    make_coexistence_article,
    make_khrushchev,
    make_source,
    make_theme,
    make_walking_chapter,
)

pytestmark = pytest.mark.django_db

EXPORT_URL = "/admin/sources/source/export/"
IMPORT_URL = "/admin/sources/source/import/"
PROCESS_URL = "/admin/sources/source/process_import/"
FORMATS = {"csv": "0", "tsv": "1", "json": "2", "html": "3"}
EXPORT_COLUMNS = (
    "slug",
    "title",
    "untitled",
    "nature",
    "is_primary",
    "authors",
    "summary",
    "text",
    "image_alt",
    "media_url",
    "media_start",
    "editors",
    "interviewer",
    "recipient",
    "themes",
    "date",
)
HEADERS = ["slug", "title", "nature", "is_primary", "authors", "date", "container_title", "pages"]


@pytest.fixture
def library(db) -> list[Source]:
    khrushchev = make_khrushchev()
    cia = make_author(
        kind=AuthorKind.ORGANISATION, family_name="Central Intelligence Agency", given_names=""
    )
    return [
        make_coexistence_article(
            khrushchev=khrushchev,
            provenance={
                "context": "Written for American readers before his visit to the USA.",
                "audience": "American policymakers",
                "doi": "10.2307/20029338",
            },
            text="The principle of *peaceful coexistence*.\n\nA second paragraph.",
            themes=[make_theme("Peaceful coexistence"), make_theme("Diplomacy")],
        ),
        make_source(
            title="Soviet Attitudes",
            slug="soviet-attitudes",
            nature=Nature.GOVERNMENT_DOCUMENT,
            authors=[cia, khrushchev],
            provenance={
                "date_year": 1954,
                "date_month": None,
                "date_circa": True,
                "classification": "Secret",
                "archive": "CIA Reading Room",
                "identifier": "CIA-RDP80",
            },
        ),
        make_walking_chapter(is_primary=False),
    ]


def export_post(file_format: str) -> dict:
    data = {"resource": "0", "format": FORMATS[file_format]}
    data.update({f"sourceresource_{column}": "on" for column in EXPORT_COLUMNS})
    return data


def snapshot() -> list[dict]:
    """Everything the spreadsheet carries, in a form two databases can be compared by."""
    rows = []
    for source in Source.objects.with_citation_data().order_by("slug"):
        provenance = source.provenance
        rows.append(
            {
                "slug": source.slug,
                "title": source.title,
                "nature": source.nature,
                "is_primary": source.is_primary,
                "text": source.text,
                "credits": [
                    (credit.author.sort_name, credit.author.kind, credit.role)
                    for credit in source.ordered_credits
                ],
                "themes": sorted(theme.name for theme in source.themes.all()),
                "date": (
                    provenance.date_year,
                    provenance.date_month,
                    provenance.date_day,
                    provenance.date_circa,
                ),
                "provenance": {name: getattr(provenance, name) for name in PROVENANCE_FIELDS},
                "citations": (
                    source.bibliography_entry(),
                    source.first_note(),
                    source.short_note(),
                ),
            }
        )
    return rows


def delete_everything() -> None:
    Interpretation.objects.all().delete()
    Source.objects.all().delete()
    Author.objects.all().delete()
    Theme.objects.all().delete()
    assert not Provenance.objects.exists()


def csv_upload(rows: list[list[str]], name: str = "sources.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(), "text/csv")


def dataset(rows: list[list[str]]) -> tablib.Dataset:
    return tablib.Dataset(*rows, headers=HEADERS)


GOOD_ROW = [
    "kitchen-debate",
    "The Kitchen Debate",
    "video",
    "1",
    "Nixon, Richard M.; Khrushchev, Nikita S.",
    "1959-07-24",
    "",
    "",
]
BAD_DATE_ROW = [
    "secret-speech",
    "On the Cult of Personality",
    "speech",
    "1",
    "Khrushchev, Nikita S.",
    "1959-13",
    "",
    "",
]
OTHER_GOOD_ROW = [
    "we-will-bury-you",
    "We Will Bury You",
    "speech",
    "1",
    "Khrushchev, Nikita S.",
    "1956-11-18",
    "",
    "",
]


# Export through the admin


def test_a_csv_export_carries_authors_dates_and_publication_details(teacher_client, library):
    response = teacher_client.post(EXPORT_URL, export_post("csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="Source-' in response["Content-Disposition"]
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(response.content.decode()))}
    assert list(rows) == ["on-peaceful-coexistence", "soviet-attitudes", "walking"]
    article = rows["on-peaceful-coexistence"]
    assert article["authors"] == "Khrushchev, Nikita S."
    assert article["date"] == "1959-10"
    assert article["container_title"] == "Foreign Affairs"
    assert article["pages"] == "1-18"
    assert article["nature"] == "journal_article"
    assert article["themes"] == "Diplomacy; Peaceful coexistence"
    assert rows["soviet-attitudes"]["authors"] == (
        "Central Intelligence Agency; Khrushchev, Nikita S."
    )
    assert rows["soviet-attitudes"]["date"] == "c. 1954"
    assert rows["soviet-attitudes"]["classification"] == "Secret"
    assert rows["walking"]["editors"] == "D'Agata, John"
    assert rows["walking"]["is_primary"] == "0"


def test_a_json_export_carries_the_same_details(teacher_client, library):
    response = teacher_client.post(EXPORT_URL, export_post("json"))
    assert response["Content-Type"].startswith("application/json")
    rows = {row["slug"]: row for row in json.loads(response.content)}
    article = rows["on-peaceful-coexistence"]
    assert article["authors"] == "Khrushchev, Nikita S."
    assert article["date"] == "1959-10"
    assert article["container_title"] == "Foreign Affairs"
    assert article["pages"] == "1-18"
    assert article["doi"] == "10.2307/20029338"


def test_an_export_respects_the_changelist_filter(teacher_client, library):
    response = teacher_client.post(f"{EXPORT_URL}?nature__exact=book_chapter", export_post("csv"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["slug"] for row in rows] == ["walking"]


def test_an_export_without_any_column_is_refused_with_a_message(teacher_client, library):
    response = teacher_client.post(EXPORT_URL, {"resource": "0", "format": FORMATS["csv"]})
    assert response.status_code == 200
    assert "Select at least 1 field" in response.content.decode()


# Round trip


def test_an_exported_library_imports_into_an_empty_database_unchanged(library):
    before = snapshot()
    exported = SourceResource().export()
    delete_everything()

    result = SourceResource().import_data(
        exported, dry_run=False, raise_errors=False, use_transactions=True
    )

    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert result.totals["new"] == 3
    assert snapshot() == before
    assert before[0]["citations"][0] == (
        "Khrushchev, Nikita S. “On Peaceful Coexistence.” <i>Foreign Affairs</i> 38, no. 1 "
        "(October 1959): 1–18. https://doi.org/10.2307/20029338."
    )


def test_reimporting_an_export_updates_in_place_without_duplicates(library):
    before = snapshot()
    exported = SourceResource().export()
    result = SourceResource().import_data(exported, dry_run=False, use_transactions=True)
    assert result.totals["update"] == 3
    assert Source.objects.count() == 3
    assert Author.objects.count() == 4
    assert SourceAuthor.objects.count() == 5
    assert snapshot() == before


def test_a_file_without_some_columns_leaves_those_details_alone(library):
    before = snapshot()
    data = tablib.Dataset(
        ["walking", "Walking (an essay)", "book_chapter", "2016"],
        headers=["slug", "title", "nature", "date"],
    )
    result = SourceResource().import_data(data, dry_run=False, use_transactions=True)
    assert not result.has_validation_errors()
    after = snapshot()
    walking = after[2]
    assert walking["title"] == "Walking (an essay)"
    assert walking["credits"] == before[2]["credits"]
    assert walking["provenance"] == before[2]["provenance"]
    assert after[:2] == before[:2]


def test_an_empty_column_does_clear_that_detail(library):
    data = tablib.Dataset(
        ["walking", "Walking", "book_chapter", "2016", "", "", ""],
        headers=["slug", "title", "nature", "date", "editors", "pages", "themes"],
    )
    SourceResource().import_data(data, dry_run=False, use_transactions=True)
    walking = Source.objects.with_citation_data().get(slug="walking")
    assert [(c.author.family_name, c.role) for c in walking.ordered_credits] == [
        ("Thoreau", AuthorRole.AUTHOR)
    ]
    assert walking.provenance.pages == ""
    assert walking.provenance.publisher == "Graywolf Press"


def test_a_csv_file_round_trips_through_text(library):
    before = snapshot()
    text = SourceResource().export().csv
    delete_everything()
    result = SourceResource().import_data(
        tablib.Dataset().load(text, format="csv"), dry_run=False, use_transactions=True
    )
    assert not result.has_validation_errors()
    assert snapshot() == before


# Import through the admin


def test_a_teacher_imports_a_csv_through_the_admin_after_confirming(teacher_client, teacher):
    upload = csv_upload([GOOD_ROW, OTHER_GOOD_ROW])
    response = teacher_client.post(
        IMPORT_URL, {"resource": "0", "format": FORMATS["csv"], "import_file": upload}
    )
    assert response.status_code == 200
    assert not Source.objects.exists(), "the first step is only a preview"
    confirm = response.context["confirm_form"]
    assert confirm is not None
    html = response.content.decode()
    assert "The Kitchen Debate" in html
    assert "We Will Bury You" in html

    response = teacher_client.post(PROCESS_URL, confirm.initial)

    assert response.status_code == 302
    assert response["Location"] == "/admin/sources/source/"
    debate = Source.objects.with_citation_data().get(slug="kitchen-debate")
    assert debate.author_names == "Richard M. Nixon, Nikita S. Khrushchev"
    assert str(debate.date) == "24 July 1959"
    assert debate.history.get().history_user == teacher
    khrushchev = Author.objects.get(family_name="Khrushchev")
    assert khrushchev.sources.count() == 2, "a name already imported is reused, not duplicated"


def test_a_bad_row_in_the_admin_is_reported_by_number_and_nothing_is_offered(teacher_client):
    upload = csv_upload([GOOD_ROW, BAD_DATE_ROW, OTHER_GOOD_ROW])
    response = teacher_client.post(
        IMPORT_URL, {"resource": "0", "format": FORMATS["csv"], "import_file": upload}
    )
    result = response.context["result"]
    assert [row.number for row in result.invalid_rows] == [2]
    assert result.invalid_rows[0].error_dict == {"date": ["Month must be between 1 and 12."]}
    assert "Month must be between 1 and 12." in response.content.decode()
    assert "confirm_form" not in response.context
    assert not Source.objects.exists()
    assert not Author.objects.exists()


def test_a_file_that_is_not_a_csv_gives_a_form_error_not_a_crash(teacher_client):
    garbage = SimpleUploadedFile(
        "sources.csv", b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x00" + os.urandom(512), "text/csv"
    )
    response = teacher_client.post(
        IMPORT_URL, {"resource": "0", "format": FORMATS["csv"], "import_file": garbage}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["import_file"]
    assert "Ensure you have chosen the correct format for the file." in errors[0]
    assert not Source.objects.exists()


def test_an_empty_file_is_refused_with_a_form_error(teacher_client):
    empty = SimpleUploadedFile("sources.csv", b"", "text/csv")
    response = teacher_client.post(
        IMPORT_URL, {"resource": "0", "format": FORMATS["csv"], "import_file": empty}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["import_file"]
    assert not Source.objects.exists()


def test_a_student_cannot_reach_import_or_export(student_client, library):
    for url in (IMPORT_URL, EXPORT_URL):
        response = student_client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    response = student_client.post(EXPORT_URL, export_post("csv"))
    assert b"Khrushchev" not in response.content


# Importing bad files with the resource


def test_a_bad_date_in_row_2_is_reported_and_rows_1_and_3_are_not_saved():
    result = SourceResource().import_data(
        dataset([GOOD_ROW, BAD_DATE_ROW, OTHER_GOOD_ROW]),
        dry_run=False,
        raise_errors=False,
        use_transactions=True,
    )
    assert result.has_validation_errors()
    assert [row.number for row in result.invalid_rows] == [2]
    assert result.invalid_rows[0].error_dict == {"date": ["Month must be between 1 and 12."]}
    assert not Source.objects.exists()
    assert not Author.objects.exists()
    assert not Provenance.objects.exists()


def test_an_unknown_nature_is_reported_on_its_row():
    row = [*OTHER_GOOD_ROW]
    row[2] = "pamphlet"
    result = SourceResource().import_data(
        dataset([GOOD_ROW, row]), dry_run=False, use_transactions=True
    )
    assert [invalid.number for invalid in result.invalid_rows] == [2]
    assert result.invalid_rows[0].error_dict == {
        "nature": ["Value 'pamphlet' is not a valid choice."]
    }
    assert not Source.objects.exists()


def test_a_missing_date_is_reported():
    row = [*GOOD_ROW]
    row[5] = ""
    result = SourceResource().import_data(dataset([row]), dry_run=False, use_transactions=True)
    assert result.invalid_rows[0].error_dict == {
        "date": ["Every source needs a date: at least the year, e.g. 1959."]
    }
    assert not Source.objects.exists()


def test_31_february_is_reported_as_a_date_problem():
    row = [*GOOD_ROW]
    row[5] = "1959-02-31"
    result = SourceResource().import_data(dataset([row]), dry_run=False, use_transactions=True)
    assert result.invalid_rows[0].error_dict == {"date": ["February 1959 has only 28 days."]}


def test_a_bad_start_time_is_reported_in_its_column():
    data = tablib.Dataset(
        ["debate", "Debate", "video", "1", "https://example.org/film", "4:75", "1959"],
        headers=["slug", "title", "nature", "is_primary", "media_url", "media_start", "date"],
    )
    result = SourceResource().import_data(data, dry_run=False, use_transactions=True)
    assert result.invalid_rows[0].error_dict == {
        "media_start": ["“4:75” is not a time: minutes and seconds go up to 59."]
    }
    assert not Source.objects.exists()


def test_a_start_time_given_as_a_number_of_seconds_is_accepted():
    data = tablib.Dataset(
        ["debate", "Debate", "video", "1", "https://example.org/film", 285, "1959"],
        headers=["slug", "title", "nature", "is_primary", "media_url", "media_start", "date"],
    )
    result = SourceResource().import_data(data, dry_run=False, use_transactions=True)
    assert not result.has_errors(), result.row_errors()
    assert Source.objects.get().media_start == 285


def test_a_name_without_a_comma_is_imported_as_an_organisation():
    row = [*GOOD_ROW]
    row[4] = "Central Intelligence Agency"
    SourceResource().import_data(dataset([row]), dry_run=False, use_transactions=True)
    author = Author.objects.get()
    assert author.kind == AuthorKind.ORGANISATION
    assert author.family_name == "Central Intelligence Agency"
    assert author.given_names == ""
