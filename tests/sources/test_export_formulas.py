"""No cell of any export runs as a formula in a spreadsheet, headers included.

Sources are shared between teachers, so a title, a name or a publication detail typed by
one could otherwise run on the computer of another who exports the library. The admin's
export (CSV and TSV here; XLSX is not installed) and the class CSVs share one guard,
`coexist.csvsafe`, and a guarded file imports back exactly as it was.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from import_export import fields

from coexist import csvsafe
from sources.models import Source
from sources.resources import SourceResource
from tests.sources.factories import make_author, make_source
from tests.sources.test_import_export import (
    EXPORT_URL,
    FORMATS,
    IMPORT_URL,
    PROCESS_URL,
    delete_everything,
    export_post,
    snapshot,
)

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://x","y")'
# Title → what the exported cell holds.
TITLES = {
    HYPERLINK: "'" + HYPERLINK,
    "+SUM(1,1)": "'+SUM(1,1)",
    "-2+3": "'-2+3",
    "@cmd": "'@cmd",
    "\t=1+1": "'\t=1+1",
    "\r=1+1": "'\r=1+1",
    "＝1+1": "'＝1+1",  # the full-width sign some spreadsheet programs read as "="
    "'=1+1": "''=1+1",  # one more apostrophe, so the import takes exactly one off
    # Not formulas: a negative number, a number-like text, and text with a sign inside.
    "-1956": "-1956",
    "-12.5": "-12.5",
    "1955-09": "1955-09",
    "Peace = strength?": "Peace = strength?",
    "“=quoted”": "“=quoted”",
}


@pytest.fixture
def planted(db) -> dict[str, Source]:
    """One source per title, plus a formula in an author's name and a provenance field."""
    sources = {
        title: make_source(title=title, slug=f"planted-{number}", authors=[])
        for number, title in enumerate(TITLES)
    }
    make_source(
        title="Ordinary",
        slug="ordinary",
        authors=[make_author(family_name="@evil", given_names="Eve")],
        provenance={"date_year": 1960, "place": "=cmd|' /C calc'!A0", "pages": "-3"},
    )
    return sources


def exported(client, file_format: str) -> dict[str, dict]:
    response = client.post(EXPORT_URL, export_post(file_format) | {"sourceresource_place": "on"})
    assert response.status_code == 200, response.content[:500]
    delimiter = {"csv": ",", "tsv": "\t"}[file_format]
    text = response.content.decode()
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))
    return {row["slug"]: row for row in rows}


@pytest.mark.parametrize("file_format", ["csv", "tsv"])
def test_every_title_that_could_run_as_a_formula_is_written_as_text(
    teacher_client, planted, file_format
):
    rows = exported(teacher_client, file_format)
    written = {planted[title].slug: expected for title, expected in TITLES.items()}
    assert {slug: rows[slug]["title"] for slug in written} == written


@pytest.mark.parametrize("file_format", ["csv", "tsv"])
def test_names_and_provenance_are_guarded_and_plain_numbers_kept(
    teacher_client, planted, file_format
):
    row = exported(teacher_client, file_format)["ordinary"]
    assert row["authors"] == "'@evil, Eve"
    assert row["place"] == "'=cmd|' /C calc'!A0"
    assert row["pages"] == "-3"
    assert row["title"] == "Ordinary"


@pytest.mark.parametrize("file_format", ["csv", "tsv"])
def test_no_exported_cell_begins_with_a_formula_sign(teacher_client, planted, file_format):
    response = teacher_client.post(EXPORT_URL, export_post(file_format))
    delimiter = {"csv": ",", "tsv": "\t"}[file_format]
    table = list(
        csv.reader(io.StringIO(response.content.decode(), newline=""), delimiter=delimiter)
    )
    cells = [value for row in table for value in row]
    assert len(table) == len(TITLES) + 2  # the header row and every source
    starts_with_a_sign = [v for v in cells if v[:1] in csvsafe.FORMULA_STARTS]
    assert sorted(starts_with_a_sign) == ["-12.5", "-1956", "-3"]  # plain numbers only


def test_json_carries_the_same_guard_and_django_import_export_leaves_it_alone(
    teacher_client, planted
):
    response = teacher_client.post(EXPORT_URL, export_post("json"))
    rows = {row["slug"]: row for row in json.loads(response.content)}
    # import-export's own escaping would have dropped the "=" of an unguarded cell.
    assert rows[planted[HYPERLINK].slug]["title"] == "'" + HYPERLINK
    assert rows[planted["-1956"].slug]["title"] == "-1956"


def test_a_header_that_looks_like_a_formula_is_guarded_too(planted):
    class Planted(SourceResource):
        formula = fields.Field(column_name="=1+1", attribute="title")

        class Meta(SourceResource.Meta):
            fields = (*SourceResource.Meta.fields, "formula")

    dataset = Planted().export()
    assert "'=1+1" in dataset.headers
    assert "=1+1" not in dataset.headers


def test_a_guarded_export_imports_back_exactly_as_it_was(planted):
    before = snapshot()
    text = SourceResource().export().csv
    delete_everything()
    result = SourceResource().import_data(
        tablib.Dataset().load(text, format="csv"), dry_run=False, use_transactions=True
    )
    assert not result.has_validation_errors()
    assert snapshot() == before
    assert Source.objects.get(slug=planted[HYPERLINK].slug).title == HYPERLINK


def test_a_guarded_csv_goes_back_through_the_admin_import_unchanged(teacher_client, planted):
    """The admin reads an upload as text, which turns a carriage return into a line
    break; every other title comes back exactly as it was typed."""
    before = snapshot()
    text = teacher_client.post(EXPORT_URL, export_post("csv")).content
    delete_everything()
    upload = SimpleUploadedFile("sources.csv", text, "text/csv")
    response = teacher_client.post(
        IMPORT_URL, {"resource": "0", "format": FORMATS["csv"], "import_file": upload}
    )
    response = teacher_client.post(PROCESS_URL, response.context["confirm_form"].initial)
    assert response.status_code == 302
    after = snapshot()
    assert len(after) == len(before)
    changed = [(b["title"], a["title"]) for b, a in zip(before, after, strict=True) if a != b]
    assert changed == [("\r=1+1", "\n=1+1")]


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        (7, "7"),
        (-2, "-2"),
        ("-2", "-2"),
        ("-2,5", "-2,5"),
        ("-2+3", "'-2+3"),
        ("-", "'-"),
        ("+44 7700 900123", "'+44 7700 900123"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tx", "'\tx"),
        ("", ""),
        ("plain", "plain"),
    ],
)
def test_the_guard_writes_each_value_as_text_a_spreadsheet_will_not_run(value, cell):
    assert csvsafe.cell(value) == cell
    assert csvsafe.unguard(cell) == ("" if value is None else str(value))


def test_the_admin_offers_the_four_reviewed_formats_whatever_else_is_installed(teacher_client):
    """PyYAML is installed for the tests; YAML must not appear, nor shift the choices."""
    response = teacher_client.get(EXPORT_URL)
    choices = response.context["form"].fields["format"].choices
    assert [label for _, label in choices if _ != ""] == ["csv", "tsv", "json", "html"]
