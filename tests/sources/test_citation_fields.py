"""The fields a Chicago citation needs beyond the basics (issue 19): names whose family name
comes first, translators and directors, a journal's season, a website's owner, undated web
pages and untitled interviews. Each is entered in the admin, validated with words a
teacher understands, carried by packs, and reaches `Source.citation_source()`."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from sources.models import Author, AuthorRole, Nature, Provenance, Season, Source
from sources.packs import export_library, import_library
from tests.sources.factories import make_author, make_source, source_admin_post

ADD_URL = "/admin/sources/source/add/"
CHANGELIST = "/admin/sources/source/"
AUTHOR_ADD_URL = "/admin/sources/author/add/"

UNDATED = {"date_year": None, "date_month": None, "accessed": datetime.date(2024, 3, 1)}


def change_url(source: Source) -> str:
    return f"/admin/sources/source/{source.pk}/change/"


def provenance_errors(response) -> dict:
    return response.context["inline_admin_formsets"][1].formset.forms[0].errors


def make_undated_page(**fields) -> Source:
    fields.setdefault("title", "The Cold War")
    return make_source(
        nature=Nature.WEBSITE,
        authors=[],
        provenance={**UNDATED, "container_title": "Bitesize", "site_owner": "BBC"},
        **fields,
    )


def make_untitled_interview(interviewee: Author | None = None) -> Source:
    return make_source(
        title="",
        slug="",
        nature=Nature.INTERVIEW,
        authors=[interviewee or make_author(given_names="Sergei", family_name="Khrushchev")],
        credits=[(make_author(given_names="Studs", family_name="Terkel"), AuthorRole.INTERVIEWER)],
        provenance={"date_year": 1970, "date_month": None, "medium": "transcript"},
    )


# Names whose family name comes first


def test_a_family_name_first_is_saved_from_the_admin_and_never_inverted(teacher_client):
    response = teacher_client.post(
        AUTHOR_ADD_URL,
        {
            "kind": "person",
            "given_names": "Zedong",
            "family_name": "Mao",
            "family_name_first": "on",
            "slug": "mao-zedong",
            "born": "1893",
            "died": "1976",
            "standpoint": "other",
            "description": "Chairman of the Chinese Communist Party",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    mao = Author.objects.get(slug="mao-zedong")
    assert mao.family_name_first is True
    assert (mao.name, mao.sort_name) == ("Mao Zedong", "Mao Zedong")
    assert mao.citation_name().family_first is True
    response = teacher_client.get(f"/admin/sources/author/{mao.pk}/change/")
    assert response.context["adminform"].form["family_name_first"].value() is True
    assert "never turned into" in response.content.decode()


def test_other_names_are_still_inverted_for_sorting(db):
    khrushchev = make_author(given_names="Nikita S.", family_name="Khrushchev")
    assert (khrushchev.name, khrushchev.sort_name) == (
        "Nikita S. Khrushchev",
        "Khrushchev, Nikita S.",
    )
    assert khrushchev.citation_name().family_first is False


# Translators and directors


def test_translators_and_directors_are_credited_in_the_admin_and_reach_the_citation(
    teacher_client,
):
    interviewee = make_author(given_names="Nikita S.", family_name="Khrushchev")
    translator = make_author(given_names="Strobe", family_name="Talbott")
    director = make_author(given_names="Leni", family_name="Example")
    data = source_admin_post(
        title="Khrushchev Remembers",
        nature=Nature.BOOK,
        **{
            "credits-TOTAL_FORMS": "3",
            "credits-0-author": str(interviewee.pk),
            "credits-0-role": AuthorRole.AUTHOR,
            "credits-0-order": "0",
            "credits-1-author": str(translator.pk),
            "credits-1-role": AuthorRole.TRANSLATOR,
            "credits-1-order": "1",
            "credits-2-author": str(director.pk),
            "credits-2-role": AuthorRole.DIRECTOR,
            "credits-2-order": "2",
            "provenance-0-date_year": "1970",
            "provenance-0-date_month": "",
            "provenance-0-publisher": "Little, Brown",
        },
    )
    response = teacher_client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["errors"]
    source = Source.objects.with_citation_data().get()
    cited = source.citation_source()
    assert [name.family for name in cited.authors] == ["Khrushchev"]
    assert [name.family for name in cited.translators] == ["Talbott"]
    assert [name.family for name in cited.directors] == ["Example"]
    page = teacher_client.get(change_url(source)).content.decode()
    assert "Translator" in page and "Director (of a film)" in page


# A journal issue's season


def test_a_season_is_entered_in_the_admin_and_printed_as_the_journal_prints_it(teacher_client):
    data = source_admin_post(
        title="The Thaw Reconsidered",
        nature=Nature.JOURNAL_ARTICLE,
        **{
            "provenance-0-date_year": "2017",
            "provenance-0-date_month": "",
            "provenance-0-date_season": Season.FALL,
            "provenance-0-container_title": "Kritika",
        },
    )
    response = teacher_client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["errors"]
    source = Source.objects.with_citation_data().get()
    assert source.provenance.date_season == "fall"
    assert source.citation_source().season == "Fall"
    assert 'value="fall" selected' in teacher_client.get(change_url(source)).content.decode()


def test_a_season_and_a_month_together_are_refused(teacher_client):
    data = source_admin_post(
        nature=Nature.JOURNAL_ARTICLE,
        **{"provenance-0-date_month": "3", "provenance-0-date_season": Season.SPRING},
    )
    response = teacher_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert provenance_errors(response)["date_season"] == [
        "A season takes the place of the month: leave the month (and day) empty, or choose "
        "no season."
    ]
    assert not Source.objects.exists()


# A website's owner


def test_a_site_owner_is_entered_in_the_admin_and_reaches_the_citation(teacher_client):
    data = source_admin_post(
        title="Khrushchev and the Thaw",
        nature=Nature.WEBSITE,
        **{
            "provenance-0-date_year": "2019",
            "provenance-0-date_month": "",
            "provenance-0-container_title": "Bitesize",
            "provenance-0-site_owner": "BBC",
            "provenance-0-url": "https://www.bbc.co.uk/bitesize/thaw",
            "provenance-0-accessed": "2024-03-01",
        },
    )
    response = teacher_client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["errors"]
    source = Source.objects.with_citation_data().get()
    assert source.provenance.site_owner == "BBC"
    assert source.citation_source().site_owner == "BBC"
    page = teacher_client.get(change_url(source)).content.decode()
    assert "who owns the website" in page.lower() and 'value="BBC"' in page


# Undated web pages


def test_a_web_page_may_be_saved_without_a_year_and_is_cited_undated(teacher_client):
    data = source_admin_post(
        title="The Cold War",
        nature=Nature.WEBSITE,
        **{
            "provenance-0-date_year": "",
            "provenance-0-date_month": "",
            "provenance-0-url": "https://www.bbc.co.uk/bitesize/cold-war",
            "provenance-0-accessed": "2024-03-01",
        },
    )
    response = teacher_client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["errors"]
    source = Source.objects.with_citation_data().get()
    assert source.provenance.date_year is None
    assert source.date is None and source.year_label == ""
    assert source.provenance.date_sort == 0
    assert source.citation_source().date is None
    assert source.listing_label == "The Cold War"
    assert "last modified" not in source.bibliography_entry()
    assert teacher_client.get(change_url(source)).status_code == 200


def test_a_year_missing_on_any_other_source_is_refused_with_a_reason(teacher_client):
    data = source_admin_post(
        nature=Nature.SPEECH, **{"provenance-0-date_year": "", "provenance-0-date_month": ""}
    )
    response = teacher_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert provenance_errors(response)["date_year"] == [
        "Enter the year it was made, or your best estimate with “approximate date” ticked. "
        "Only a web page may be left undated."
    ]
    assert "Only a web page may be left undated." in response.content.decode()
    assert not Source.objects.exists()


def test_an_undated_web_page_needs_the_date_it_was_accessed(teacher_client):
    data = source_admin_post(
        nature=Nature.WEBSITE, **{"provenance-0-date_year": "", "provenance-0-date_month": "5"}
    )
    response = teacher_client.post(ADD_URL, data)
    assert response.status_code == 200
    errors = provenance_errors(response)
    assert errors["date_month"] == ["Enter the year too, or leave this empty."]
    assert "enter the date you accessed it" in errors["accessed"][0]
    assert not Source.objects.exists()


def test_changing_an_undated_web_page_into_another_kind_asks_for_the_year(teacher_client):
    page = make_undated_page()
    data = source_admin_post(
        title=page.title,
        slug=page.slug,
        nature=Nature.NEWSPAPER_ARTICLE,
        **{
            "provenance-TOTAL_FORMS": "1",
            "provenance-INITIAL_FORMS": "1",
            "provenance-0-source": str(page.pk),
            "provenance-0-date_year": "",
            "provenance-0-date_month": "",
            "provenance-0-accessed": "2024-03-01",
        },
    )
    response = teacher_client.post(change_url(page), data)
    assert response.status_code == 200
    assert "Only a web page may be left undated." in provenance_errors(response)["date_year"][0]
    assert Source.objects.get().nature == Nature.WEBSITE


def test_an_undated_source_is_listed_in_the_library_and_the_admin(teacher_client):
    dated = make_source(title="A speech of 1959")
    undated = make_undated_page()
    response = teacher_client.get(reverse("sources:library"))
    assert response.status_code == 200
    assert [s.pk for s in response.context["sources"]] == [undated.pk, dated.pk]
    assert "The Cold War" in response.content.decode()

    response = teacher_client.get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The Cold War" in html and "?decade=undated" in html and "?decade=1950" in html
    assert teacher_client.get(CHANGELIST, {"o": "4"}).status_code == 200  # by date


def test_the_decade_filter_finds_the_undated_sources(teacher_client):
    make_source(title="A speech of 1959")
    make_undated_page()
    response = teacher_client.get(CHANGELIST, {"decade": "undated"})
    assert [source.pk for source in response.context["cl"].result_list] == [
        Source.objects.get(nature=Nature.WEBSITE).pk
    ]


def test_an_undated_web_page_has_its_own_page(teacher_client):
    page = make_undated_page()
    response = teacher_client.get(page.get_absolute_url())
    assert response.status_code == 200
    assert "The Cold War" in response.content.decode()


# Untitled interviews


def test_an_interview_may_be_saved_without_a_title_and_is_shown_by_its_interviewee(
    teacher_client,
):
    sergei = make_author(given_names="Sergei", family_name="Khrushchev")
    data = source_admin_post(
        title="",
        slug="",
        nature=Nature.INTERVIEW,
        **{
            "credits-TOTAL_FORMS": "1",
            "credits-0-author": str(sergei.pk),
            "credits-0-role": AuthorRole.AUTHOR,
            "credits-0-order": "0",
            "provenance-0-date_year": "1990",
            "provenance-0-date_month": "",
            "provenance-0-medium": "transcript",
        },
    )
    response = teacher_client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["errors"]
    source = Source.objects.with_citation_data().get()
    assert source.title == "" and source.slug == "interview"
    assert str(source) == source.shown_title == "Interview with Sergei Khrushchev"
    assert source.display_title == "Interview with Sergei Khrushchev"
    assert source.listing_label == "Interview with Sergei Khrushchev (1990)"
    cited = source.citation_source()
    assert (cited.untitled, cited.title, cited.description) == (True, "", "transcript")

    html = teacher_client.get(CHANGELIST).content.decode()
    assert "Interview with Sergei Khrushchev</a>" in html
    assert teacher_client.get(CHANGELIST, {"o": "1"}).status_code == 200  # by title
    library = teacher_client.get(reverse("sources:library")).content.decode()
    assert "Interview with Sergei Khrushchev</a>" in library
    detail = teacher_client.get(source.get_absolute_url()).content.decode()
    assert "Interview with Sergei Khrushchev</h1>" in detail


def test_an_untitled_interview_without_an_interviewee_is_still_named(db):
    source = make_source(
        title="",
        slug="",
        nature=Nature.INTERVIEW,
        authors=[],
        provenance={"medium": "audio recording"},
    )
    assert source.shown_title == "Interview"
    assert source.slug.startswith("interview")


def test_an_untitled_interview_needs_a_description(teacher_client):
    data = source_admin_post(title="", slug="interview", nature=Nature.INTERVIEW)
    response = teacher_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert provenance_errors(response)["medium"] == [
        "An interview without a title needs a description instead: say what it is here, "
        "e.g. “transcript”, “audio recording” or “Interview by Studs Terkel”."
    ]
    assert not Source.objects.exists()


@pytest.mark.parametrize("nature", [Nature.SPEECH, Nature.BOOK, Nature.WEBSITE])
def test_a_title_missing_on_anything_but_an_interview_is_refused(teacher_client, nature):
    data = source_admin_post(title="", slug="no-title", nature=nature)
    response = teacher_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title"] == [
        "Enter the title. Only an interview may be left without one; for another source "
        "with no title, describe it here and tick “title is a description”."
    ]
    assert not Source.objects.exists()


def test_a_titled_interview_keeps_its_title(db):
    source = make_source(title="Memories of My Father", nature=Nature.INTERVIEW)
    assert source.shown_title == "Memories of My Father"
    assert source.citation_source().untitled is False


# Packs


def test_the_new_fields_travel_in_a_pack(db):
    mao = make_author(given_names="Zedong", family_name="Mao", family_name_first=True)
    translator = make_author(given_names="Stuart", family_name="Schram")
    book = make_source(
        title="Quotations",
        nature=Nature.BOOK,
        authors=[mao],
        credits=[(translator, AuthorRole.TRANSLATOR)],
        provenance={"date_year": 1966, "date_month": None, "publisher": "Foreign Languages Press"},
    )
    journal = make_source(
        title="The Thaw Reconsidered",
        nature=Nature.JOURNAL_ARTICLE,
        provenance={"date_year": 2017, "date_month": None, "date_season": Season.AUTUMN},
    )
    page = make_undated_page()
    interview = make_untitled_interview()
    pack = export_library([book, journal, page, interview])
    records = {record["slug"]: record for record in pack["sources"]}
    assert records[page.slug]["provenance"]["date"] is None
    assert records[page.slug]["provenance"]["site_owner"] == "BBC"

    Source.objects.all().delete()
    Author.objects.all().delete()
    report = import_library(pack)

    assert report.created["sources"] == 4
    assert Author.objects.get(slug=mao.slug).family_name_first is True
    book = Source.objects.with_citation_data().get(slug=book.slug)
    assert [a.family_name for a in book.credited(AuthorRole.TRANSLATOR)] == ["Schram"]
    assert Provenance.objects.get(source__slug=journal.slug).date_season == "autumn"
    page = Source.objects.with_citation_data().get(slug=page.slug)
    assert (page.provenance.date_year, page.provenance.site_owner) == (None, "BBC")
    assert page.provenance.accessed == datetime.date(2024, 3, 1)
    interview = Source.objects.with_citation_data().get(slug=interview.slug)
    assert interview.title == "" and interview.provenance.medium == "transcript"
    assert import_library(pack).changed is False


def test_a_pack_from_before_these_fields_still_imports(db):
    old_pack = {
        "format": "coexist-pack",
        "version": 1,
        "authors": [
            {
                "slug": "george-f-kennan",
                "kind": "person",
                "given_names": "George F.",
                "family_name": "Kennan",
                "born": 1904,
                "died": 2005,
                "standpoint": "american",
                "description": "",
            }
        ],
        "themes": [],
        "sources": [
            {
                "slug": "kennan-western-view",
                "title": "Peaceful Coexistence: A Western View",
                "nature": "journal_article",
                "credits": [{"author": "george-f-kennan", "role": "author"}],
                "provenance": {"date": "1960-01", "container_title": "Foreign Affairs"},
            }
        ],
    }
    import_library(old_pack)
    source = Source.objects.with_citation_data().get()
    assert source.provenance.date_season == "" and source.provenance.site_owner == ""
    assert source.credited(AuthorRole.AUTHOR)[0].family_name_first is False


def test_a_pack_with_an_undated_speech_is_refused_with_the_reason(db):
    from sources.packs import PackError

    pack = {
        "format": "coexist-pack",
        "version": 1,
        "sources": [
            {
                "slug": "a-speech",
                "title": "A speech",
                "nature": "speech",
                "provenance": {"date": None},
            }
        ],
    }
    with pytest.raises(PackError, match="Only a web page may be left undated"):
        import_library(pack)
    assert not Source.objects.exists()


def test_the_lesson_pages_library_picker_copes_with_an_undated_page(teacher_client):
    make_source(title="A speech of 1959")
    undated = make_undated_page()
    assert teacher_client.get(reverse("admin:lessons_lesson_add")).status_code == 200
    found = teacher_client.get(reverse("admin:lessons_lesson_library_search"), {"q": "Cold"})
    assert [r["id"] for r in found.json()["results"]] == [undated.pk]
    assert (
        teacher_client.get(
            reverse("admin:lessons_lesson_library_search"), {"decade": "1950"}
        ).status_code
        == 200
    )
