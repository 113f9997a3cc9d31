"""Teachers curate the library in the admin; students and visitors never reach it."""

from __future__ import annotations

import json

import pytest
from django.contrib.contenttypes.models import ContentType

from sources.models import (
    AuthorRole,
    InterpretationStance,
    Nature,
    Provenance,
    Source,
    Standpoint,
)
from tests.factories import make_user
from tests.sources.factories import (
    image_upload,
    make_author,
    make_coexistence_article,
    make_interpretation,
    make_khrushchev,
    make_library,
    make_source,
    make_theme,
    source_admin_post,
)

CHANGELIST = "/admin/sources/source/"
ADD_URL = "/admin/sources/source/add/"


def change_url(source: Source) -> str:
    return f"/admin/sources/source/{source.pk}/change/"


def listed(response) -> list[str]:
    """The titles on a changelist page, in order."""
    return [source.title for source in response.context["cl"].result_list]


@pytest.fixture
def warm_content_types(db):
    """The admin looks up content types once per process and caches them, as in production."""
    ContentType.objects.get_for_model(Source)


@pytest.fixture
def coexistence(db) -> Source:
    khrushchev = make_khrushchev(
        standpoint=Standpoint.SOVIET,
        description="First Secretary of the Communist Party of the Soviet Union",
    )
    return make_coexistence_article(
        khrushchev=khrushchev,
        text="The principle of peaceful coexistence is gaining increasingly wide recognition.",
        themes=[make_theme("Peaceful coexistence")],
    )


@pytest.fixture
def thompson(db) -> Source:
    historian = make_author(
        given_names="John M.", family_name="Thompson", standpoint=Standpoint.HISTORIAN
    )
    return make_source(
        title="Russia and the Soviet Union",
        slug="russia-and-the-soviet-union",
        nature=Nature.BOOK,
        is_primary=False,
        authors=[historian],
        provenance={"date_year": 2013, "date_month": None, "publisher": "Westview Press"},
        text="The First Secretary's reforms unsettled the party apparatus.",
        themes=[make_theme("Fall of Khrushchev")],
    )


# Opening the pages


def test_a_teacher_sees_every_source_in_the_changelist_with_its_columns(
    teacher_client, coexistence, thompson
):
    response = teacher_client.get(CHANGELIST)
    html = response.content.decode()
    assert listed(response) == ["On Peaceful Coexistence", "Russia and the Soviet Union"]
    for column in ("Title", "Nature", "Authors", "Date", "Primary or secondary"):
        assert f">{column}</a>" in html or f">{column}</span>" in html, column
    assert "Journal article" in html
    assert "Nikita S. Khrushchev" in html
    assert "October 1959" in html
    assert ">Primary</td>" in html
    assert ">Secondary</td>" in html


def test_a_teacher_opens_the_add_page_with_the_three_inlines(teacher_client):
    response = teacher_client.get(ADD_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="credits-TOTAL_FORMS"' in html
    assert 'name="provenance-0-date_year"' in html
    assert 'name="interpretations-TOTAL_FORMS"' in html
    assert "Save the source to see its citations." in html


def test_the_change_page_previews_the_three_citations(teacher_client, coexistence):
    response = teacher_client.get(change_url(coexistence))
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<dt>Bibliography</dt><dd translate="no">Khrushchev, Nikita S. “On Peaceful Coexistence.” '
        "<i>Foreign Affairs</i> 38, no. 1 (October 1959): 1–18.</dd>"
    ) in html
    assert (
        '<dt>First note</dt><dd translate="no">Nikita S. Khrushchev, “On Peaceful Coexistence,” '
        "<i>Foreign Affairs</i> 38, no. 1 (October 1959).</dd>"
    ) in html
    assert (
        '<dt>Short note</dt><dd translate="no">Khrushchev, “On Peaceful Coexistence.”</dd>' in html
    )


def test_the_change_page_shows_the_provenance_and_interpretations_inline(teacher_client, thompson):
    make_interpretation(work=thompson, position="Domestic failures caused his fall")
    response = teacher_client.get(change_url(thompson))
    html = response.content.decode()
    assert 'name="provenance-0-publisher" value="Westview Press"' in html
    assert 'value="Domestic failures caused his fall"' in html


def test_the_change_page_escapes_a_title_in_the_citation_preview(teacher_client):
    source = make_source(title="<script>alert(1)</script>")
    html = teacher_client.get(change_url(source)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# Search and filters


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("peaceful", ["On Peaceful Coexistence"]),
        ("thompson", ["Russia and the Soviet Union"]),
        ("khrushchev", ["On Peaceful Coexistence"]),
        ("apparatus", ["Russia and the Soviet Union"]),
        ("nothing-like-this", []),
    ],
    ids=["title", "author", "author-not-text", "text", "no-match"],
)
def test_the_changelist_searches_titles_authors_and_text(
    teacher_client, coexistence, thompson, term, expected
):
    response = teacher_client.get(CHANGELIST, {"q": term})
    assert listed(response) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"nature__exact": Nature.BOOK}, ["Russia and the Soviet Union"]),
        ({"standpoint": Standpoint.SOVIET}, ["On Peaceful Coexistence"]),
        ({"standpoint": Standpoint.HISTORIAN}, ["Russia and the Soviet Union"]),
        ({"is_primary__exact": "1"}, ["On Peaceful Coexistence"]),
        ({"is_primary__exact": "0"}, ["Russia and the Soviet Union"]),
        ({"decade": "1950"}, ["On Peaceful Coexistence"]),
        ({"decade": "2010"}, ["Russia and the Soviet Union"]),
        ({"decade": "1930"}, []),
    ],
    ids=lambda value: "-".join(map(str, value.items())) if isinstance(value, dict) else None,
)
def test_each_filter_narrows_the_changelist(
    teacher_client, coexistence, thompson, params, expected
):
    response = teacher_client.get(CHANGELIST, params)
    assert listed(response) == expected


def test_a_source_with_two_matching_authors_is_listed_once(teacher_client):
    nikita = make_author(given_names="Nikita", family_name="Khrushchev", standpoint="soviet")
    sergei = make_author(given_names="Sergei", family_name="Khrushchev", standpoint="soviet")
    make_source(title="Memoirs", authors=[nikita, sergei])
    assert listed(teacher_client.get(CHANGELIST, {"q": "khrushchev"})) == ["Memoirs"]
    assert listed(teacher_client.get(CHANGELIST, {"standpoint": "soviet"})) == ["Memoirs"]


def test_the_theme_filter_narrows_the_changelist(teacher_client, coexistence, thompson):
    theme = thompson.themes.get()
    response = teacher_client.get(CHANGELIST, {"themes__id__exact": theme.pk})
    assert listed(response) == ["Russia and the Soviet Union"]


def test_the_decade_filter_offers_only_decades_that_have_sources(
    teacher_client, coexistence, thompson
):
    html = teacher_client.get(CHANGELIST).content.decode()
    assert "?decade=1950" in html
    assert "?decade=2010" in html
    assert "?decade=1960" not in html


def test_a_bogus_decade_shows_nothing_rather_than_failing(teacher_client, coexistence):
    response = teacher_client.get(CHANGELIST, {"decade": "fifties"})
    assert listed(response) == []


def test_the_author_autocomplete_finds_an_author_for_a_teacher(teacher_client, coexistence):
    make_author(given_names="Dwight D.", family_name="Eisenhower")
    response = teacher_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "sources",
            "model_name": "sourceauthor",
            "field_name": "author",
            "term": "khr",
        },
    )
    author = coexistence.credited(AuthorRole.AUTHOR)[0]
    assert json.loads(response.content)["results"] == [
        {"id": str(author.pk), "text": "Nikita S. Khrushchev"}
    ]


# Adding a source


def test_a_teacher_adds_a_cartoon_with_an_image_credits_provenance_and_interpretation(
    teacher_client, teacher, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    cartoonist = make_author(given_names="Leslie", family_name="Illingworth")
    historian = make_author(given_names="William", family_name="Taubman")
    data = source_admin_post(
        title="Khrushchev and the snowman",
        image=image_upload("snowman.png"),
        image_alt="Khrushchev, smiling, pushes over a snowman labelled ‘Cold War’",
        media_start="",
        **{
            "credits-TOTAL_FORMS": "1",
            "credits-0-author": str(cartoonist.pk),
            "credits-0-role": AuthorRole.AUTHOR,
            "credits-0-order": "0",
            "provenance-0-date_day": "17",
            "provenance-0-place": "London",
            "provenance-0-container_title": "Daily Mail",
            "provenance-0-audience": "British newspaper readers",
            "interpretations-TOTAL_FORMS": "1",
            "interpretations-0-historian": str(historian.pk),
            "interpretations-0-question": "Did the thaw persuade the West?",
            "interpretations-0-position": "The West doubted the thaw",
            "interpretations-0-stance": InterpretationStance.CRITICAL,
            "interpretations-0-summary": "Cartoonists mocked the smiles.",
        },
    )
    response = teacher_client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["errors"]
    source = Source.objects.get()
    assert source.title == "Khrushchev and the snowman"
    assert source.nature == Nature.CARTOON
    # Stored under a random name, never the slug (see tests/sources/test_images.py).
    assert source.image.name.startswith("sources/") and source.image.name.endswith(".png")
    assert source.slug not in source.image.name
    assert (tmp_path / source.image.name).exists()
    assert source.author_names == "Leslie Illingworth"
    provenance = source.provenance
    assert (provenance.date_year, provenance.date_month, provenance.date_day) == (1959, 9, 17)
    assert provenance.place == "London"
    assert provenance.date_sort == 19590917
    assert source.interpretations.get().historian == historian
    assert source.history.get().history_user == teacher


def test_an_image_without_alt_text_is_refused_and_nothing_is_saved(
    teacher_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    data = source_admin_post(image=image_upload("snowman.png"), image_alt="")
    response = teacher_client.post(ADD_URL, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "alt text is required" in errors["image_alt"][0]
    assert "alt text is required" in response.content.decode()
    assert not Source.objects.exists()
    assert not Provenance.objects.exists()
    assert list(tmp_path.iterdir()) == []


def test_month_13_in_the_provenance_is_refused_and_nothing_is_saved(teacher_client):
    response = teacher_client.post(ADD_URL, source_admin_post(**{"provenance-0-date_month": "13"}))
    assert response.status_code == 200
    provenance_form = response.context["inline_admin_formsets"][1].formset.forms[0]
    assert provenance_form.errors == {"date_month": ["Month must be between 1 and 12."]}
    assert "Month must be between 1 and 12." in response.content.decode()
    assert not Source.objects.exists()


def test_a_source_cannot_be_added_without_provenance(teacher_client):
    data = source_admin_post(**{"provenance-0-date_year": "", "provenance-0-date_month": ""})
    response = teacher_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert not Source.objects.exists()


def test_a_start_time_is_typed_as_minutes_and_seconds(teacher_client):
    data = source_admin_post(
        title="Kitchen debate",
        nature=Nature.VIDEO,
        media_url="https://www.youtube.com/watch?v=abc123",
        media_start="4:45",
    )
    response = teacher_client.post(ADD_URL, data)
    assert response.status_code == 302
    assert Source.objects.get().media_start == 285


def test_a_bad_start_time_is_refused_with_a_message(teacher_client):
    data = source_admin_post(
        nature=Nature.VIDEO, media_url="https://example.org/film", media_start="4:75"
    )
    response = teacher_client.post(ADD_URL, data)
    assert response.context["adminform"].form.errors["media_start"] == [
        "“4:75” is not a time: minutes and seconds go up to 59."
    ]
    assert not Source.objects.exists()


# History


def form_data(form) -> dict:
    """What a browser would post back for an admin form as it was rendered."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is True:
            data[name] = "on"
        elif value in (None, False):
            continue
        elif isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        else:
            data[name] = str(value)
    return data


def test_the_history_page_lists_changes_and_a_revert_restores_the_old_title(
    teacher_client, coexistence
):
    coexistence.title = "On Peaceful Co-existence (misspelt)"
    coexistence.save()
    history_url = f"/admin/sources/source/{coexistence.pk}/history/"
    page = teacher_client.get(history_url).content.decode()
    versions = list(coexistence.history.values_list("history_id", flat=True))
    assert len(versions) == 3, "created, themes set, title changed"
    for history_id in versions:
        assert f'href="{history_url}{history_id}/"' in page
    assert "On Peaceful Co-existence (misspelt)" in page

    before_the_change = coexistence.history.latest().prev_record
    revert_url = f"{history_url}{before_the_change.history_id}/"
    form = teacher_client.get(revert_url).context["adminform"].form
    assert form["title"].value() == "On Peaceful Coexistence"
    response = teacher_client.post(revert_url, form_data(form))

    assert response.status_code == 302
    coexistence.refresh_from_db()
    assert coexistence.title == "On Peaceful Coexistence"
    assert coexistence.history.count() == 4
    assert coexistence.provenance.container_title == "Foreign Affairs"
    assert list(coexistence.themes.values_list("name", flat=True)) == ["Peaceful coexistence"]


# Query counts


@pytest.mark.parametrize("size", [1, 50])
def test_the_changelist_query_count_does_not_grow_with_the_library(
    teacher_client, warm_content_types, django_assert_num_queries, size
):
    make_library(size)
    # 1 session, 2 user, 3-4 the user's and their groups' permissions, 5 themes for the
    # theme filter, 6 distinct years for the decade filter, 7 filtered count, 8 total count,
    # 9 the page of sources with provenance, 10 their credits with authors.
    with django_assert_num_queries(10):
        response = teacher_client.get(CHANGELIST)
    assert len(listed(response)) == size


@pytest.mark.parametrize("size", [1, 50])
def test_the_change_page_query_count_does_not_grow_with_the_library(
    teacher_client, warm_content_types, django_assert_num_queries, size
):
    source = make_library(size)[0]
    # 1 session, 2 user, 3 the source with provenance, 4 its credits with authors,
    # 5-6 permissions, 7 the source's themes, 8 credit inline rows with authors,
    # 9 provenance inline row, 10 interpretation inline rows with historians, 11 all themes
    # for the picker, 12-13 the two credited authors and 14 the historian for the
    # autocomplete widgets.
    with django_assert_num_queries(14):
        response = teacher_client.get(change_url(source))
    assert "Library source 000" in response.content.decode()


# Who may curate


def test_a_student_is_sent_to_the_admin_login(student_client):
    for url in (CHANGELIST, ADD_URL, "/admin/"):
        response = student_client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_a_student_cannot_open_a_source_or_the_autocomplete(student_client, coexistence):
    response = student_client.get(change_url(coexistence))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    response = student_client.get(
        "/admin/autocomplete/",
        {"app_label": "sources", "model_name": "sourceauthor", "field_name": "author"},
    )
    assert response.status_code == 302
    assert b"Khrushchev" not in response.content


def test_a_student_cannot_add_a_source_by_posting(student_client):
    response = student_client.post(ADD_URL, source_admin_post())
    assert response.status_code == 302
    assert not Source.objects.exists()


def test_an_anonymous_visitor_is_sent_to_the_admin_login(client, coexistence):
    response = client.get(change_url(coexistence))
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={change_url(coexistence)}"


def test_staff_outside_the_teachers_group_cannot_see_sources(client, coexistence):
    client.force_login(make_user("caretaker", is_staff=True))
    assert client.get("/admin/").status_code == 200
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(change_url(coexistence)).status_code == 403
    assert client.post(ADD_URL, source_admin_post(title="Sneaked in")).status_code == 403
    assert Source.objects.count() == 1
