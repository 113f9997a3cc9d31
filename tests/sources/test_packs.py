"""JSON packs move the library between Coexist instances: idempotent, all or nothing."""

from __future__ import annotations

import copy
import datetime
import json

import pytest

from sources.models import (
    Author,
    AuthorKind,
    AuthorRole,
    Interpretation,
    InterpretationStance,
    Nature,
    Provenance,
    Source,
    SourceAuthor,
    Standpoint,
    Theme,
)
from sources.packs import PACK_FORMAT, PACK_VERSION, PackError, export_library, import_library
from tests.sources.factories import (
    make_author,
    make_coexistence_article,
    make_interpretation,
    make_khrushchev,
    make_source,
    make_theme,
)

pytestmark = pytest.mark.django_db

HISTORIES = (Author, Source, Provenance, Interpretation)


@pytest.fixture
def library() -> list[Source]:
    khrushchev = make_khrushchev(
        slug="nikita-khrushchev",
        born=1894,
        died=1971,
        standpoint=Standpoint.SOVIET,
        description="First Secretary of the Communist Party of the Soviet Union, 1953–1964",
    )
    cia = make_author(
        kind=AuthorKind.ORGANISATION,
        family_name="Central Intelligence Agency",
        given_names="",
        slug="cia",
        standpoint=Standpoint.AMERICAN,
    )
    taubman = make_author(
        given_names="William",
        family_name="Taubman",
        slug="william-taubman",
        standpoint=Standpoint.HISTORIAN,
        description="American historian, biographer of Khrushchev",
    )
    article = make_coexistence_article(
        khrushchev=khrushchev,
        provenance={
            "url": "https://www.foreignaffairs.com/articles/1959-10-01/peaceful-coexistence",
            "accessed": datetime.date(2024, 3, 1),
            "note": "Written by Khrushchev for an American journal.",
        },
        text="The principle of *peaceful coexistence*.",
        themes=[make_theme("Peaceful coexistence")],
    )
    estimate = make_source(
        title="Soviet Attitudes",
        slug="soviet-attitudes",
        nature=Nature.GOVERNMENT_DOCUMENT,
        authors=[cia],
        credits=[(khrushchev, AuthorRole.RECIPIENT)],
        provenance={"date_year": 1954, "date_month": None, "date_circa": True},
    )
    biography = make_source(
        title="Khrushchev: The Man and His Era",
        slug="khrushchev-the-man-and-his-era",
        nature=Nature.BOOK,
        is_primary=False,
        authors=[taubman],
        provenance={"date_year": 2003, "date_month": None, "publisher": "W. W. Norton"},
    )
    make_interpretation(
        work=biography,
        historian=taubman,
        position="Coexistence was peaceful competition",
        stance=InterpretationStance.FAVOURABLE,
        quotation="peaceful competition",
        quotation_locator="412",
    )
    return [article, estimate, biography]


def snapshot() -> dict:
    """Every field a pack carries, keyed by natural keys so two databases compare equal."""
    authors = {
        a.slug: (a.kind, a.given_names, a.family_name, a.born, a.died, a.standpoint, a.description)
        for a in Author.objects.all()
    }
    sources = {}
    for s in Source.objects.with_citation_data():
        provenance = s.provenance
        sources[s.slug] = {
            "fields": (s.title, s.nature, s.is_primary, s.text, s.summary, s.media_start),
            "credits": [(c.author.slug, c.role) for c in s.ordered_credits],
            "themes": sorted(t.slug for t in s.themes.all()),
            "provenance": {
                f.name: getattr(provenance, f.name)
                for f in Provenance._meta.concrete_fields
                if f.name != "source"
            },
            "citations": (s.bibliography_entry(), s.first_note(), s.short_note()),
        }
    interpretations = sorted(
        (i.historian.slug, i.work.slug, i.position, i.summary, i.quotation, i.stance)
        for i in Interpretation.objects.select_related("historian", "work")
    )
    return {"authors": authors, "sources": sources, "interpretations": interpretations}


def history_count() -> int:
    return sum(model.history.count() for model in HISTORIES)


def delete_everything() -> None:
    Interpretation.objects.all().delete()
    Source.objects.all().delete()
    Author.objects.all().delete()
    Theme.objects.all().delete()


def record(pack: dict, kind: str, slug: str) -> dict:
    return next(r for r in pack[kind] if r["slug"] == slug)


def test_a_pack_is_plain_json_naming_records_by_slug(library):
    pack = export_library(library)
    assert json.loads(json.dumps(pack)) == pack
    assert (pack["format"], pack["version"]) == (PACK_FORMAT, PACK_VERSION)
    assert [a["slug"] for a in pack["authors"]] == ["cia", "nikita-khrushchev", "william-taubman"]
    estimate = record(pack, "sources", "soviet-attitudes")
    assert estimate["credits"] == [
        {"author": "cia", "role": "author"},
        {"author": "nikita-khrushchev", "role": "recipient"},
    ]
    assert estimate["provenance"]["date"] == "1954"
    assert estimate["provenance"]["date_circa"] is True
    assert pack["interpretations"][0]["historian"] == "william-taubman"


def test_a_pack_round_trips_into_an_empty_database(library):
    before = snapshot()
    pack = json.loads(json.dumps(export_library(library)))
    delete_everything()

    report = import_library(pack)

    assert snapshot() == before
    assert report.created == {
        "authors": 3,
        "themes": 1,
        "sources": 3,
        "provenance": 3,
        "interpretations": 1,
    }
    assert report.updated == {}
    assert report.changed


def test_exporting_some_sources_brings_the_authors_they_need(library):
    article, _, biography = library
    pack = export_library([biography])
    assert [a["slug"] for a in pack["authors"]] == ["william-taubman"]
    assert [s["slug"] for s in pack["sources"]] == ["khrushchev-the-man-and-his-era"]
    assert len(pack["interpretations"]) == 1


def test_importing_the_same_pack_twice_changes_nothing_the_second_time(library):
    pack = export_library(library)
    delete_everything()
    import_library(pack)
    histories = history_count()
    before = snapshot()

    report = import_library(pack)

    assert report.created == {}
    assert report.updated == {}
    assert report.unchanged == {
        "authors": 3,
        "themes": 1,
        "sources": 3,
        "provenance": 3,
        "interpretations": 1,
    }
    assert not report.changed
    assert history_count() == histories
    assert snapshot() == before
    assert "unchanged: 3 authors" in report.summary()


def test_importing_a_pack_over_its_own_library_changes_nothing(library):
    histories = history_count()
    report = import_library(export_library(library))
    assert not report.changed
    assert history_count() == histories


def test_an_updated_field_updates_only_that_record(library):
    pack = export_library(library)
    record(pack, "sources", "soviet-attitudes")["title"] = "Soviet Attitudes Toward the West"
    source_history = Source.history.count()
    provenance_history = Provenance.history.count()

    report = import_library(pack)

    assert report.updated == {"sources": 1}
    assert report.created == {}
    assert Source.objects.get(slug="soviet-attitudes").title == "Soviet Attitudes Toward the West"
    assert Source.history.count() == source_history + 1
    assert Provenance.history.count() == provenance_history
    assert Source.objects.get(slug="on-peaceful-coexistence").title == "On Peaceful Coexistence"


def test_a_changed_provenance_field_is_counted_as_a_provenance_update(library):
    pack = export_library(library)
    record(pack, "sources", "on-peaceful-coexistence")["provenance"]["pages"] = "1-20"
    report = import_library(pack)
    assert report.updated == {"provenance": 1}
    assert Provenance.objects.get(source__slug="on-peaceful-coexistence").pages == "1-20"


def test_reordered_credits_are_applied(library):
    pack = export_library(library)
    estimate = record(pack, "sources", "soviet-attitudes")
    estimate["credits"] = [{"author": "nikita-khrushchev", "role": "author"}]
    report = import_library(pack)
    assert report.updated == {"sources": 1}
    credits = SourceAuthor.objects.filter(source__slug="soviet-attitudes")
    assert [(c.author.slug, c.role) for c in credits] == [("nikita-khrushchev", "author")]


# Bad packs: the error names the record, and nothing from the pack is saved


def bad_pack(library, change) -> dict:
    pack = copy.deepcopy(export_library(library))
    change(pack)
    delete_everything()
    return pack


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda pack: record(pack, "sources", "soviet-attitudes")["provenance"].update(
                date="1959-13"
            ),
            "source “soviet-attitudes”, provenance: Month must be between 1 and 12.",
        ),
        (
            lambda pack: record(pack, "sources", "soviet-attitudes")["credits"].append(
                {"author": "lavrentiy-beria", "role": "author"}
            ),
            "source “soviet-attitudes”: no author “lavrentiy-beria” in the pack or in this "
            "Coexist.",
        ),
        (
            lambda pack: record(pack, "sources", "soviet-attitudes").update(nature="pamphlet"),
            "source “soviet-attitudes”: nature: Value 'pamphlet' is not a valid choice.",
        ),
        (
            lambda pack: record(pack, "sources", "soviet-attitudes")["credits"].append(
                {"author": "cia", "role": "ghostwriter"}
            ),
            "source “soviet-attitudes”, credit 3: role: Value 'ghostwriter' is not a valid choice.",
        ),
        (
            lambda pack: record(pack, "authors", "cia").update(given_names="The"),
            "author “cia”: given_names: An organisation has no given names",
        ),
        (
            lambda pack: pack["interpretations"][0].update(work="no-such-book"),
            "interpretation number 1: no source “no-such-book” in the pack or in this Coexist.",
        ),
    ],
    ids=[
        "bad-date",
        "unknown-author",
        "unknown-nature",
        "unknown-role",
        "organisation-with-given-names",
        "unknown-work",
    ],
)
def test_a_bad_record_is_named_and_nothing_from_the_pack_is_saved(library, change, message):
    pack = bad_pack(library, change)
    histories = history_count()
    with pytest.raises(PackError) as caught:
        import_library(pack)
    assert str(caught.value).startswith(message)
    for model in (Author, Theme, Source, Provenance, SourceAuthor, Interpretation):
        assert not model.objects.exists(), model.__name__
    assert history_count() == histories


def test_a_bad_record_leaves_an_existing_library_untouched(library):
    pack = export_library(library)
    record(pack, "sources", "on-peaceful-coexistence")["title"] = "Changed before the error"
    record(pack, "sources", "soviet-attitudes")["provenance"]["date"] = "1954-02-30"
    before = snapshot()
    histories = history_count()

    with pytest.raises(PackError, match="February 1954 has only 28 days"):
        import_library(pack)

    assert snapshot() == before
    assert history_count() == histories


@pytest.mark.parametrize(
    ("pack", "message"),
    [
        ([], "This is not a Coexist pack"),
        ({"format": "lesson", "version": 1}, "This is not a Coexist pack"),
        ({"format": PACK_FORMAT, "version": 2}, "This pack is version 2; this Coexist reads "),
        ({"format": PACK_FORMAT}, "This pack is version None"),
        ({"format": PACK_FORMAT, "version": 1, "sources": {"slug": "x"}}, "“sources” must be"),
        ({"format": PACK_FORMAT, "version": 1, "authors": [{"family_name": "X"}]}, "author "),
    ],
    ids=["not-a-dict", "wrong-format", "newer-version", "no-version", "not-a-list", "no-slug"],
)
def test_a_pack_of_the_wrong_format_or_version_is_rejected(pack, message):
    with pytest.raises(PackError, match=message):
        import_library(pack)
    assert not Author.objects.exists()
