"""An interpretation's work is chosen and listed with its authors and year, so two
sources with one title are told apart in the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sources.models import Nature
from tests.sources.factories import make_author, make_interpretation, make_source

pytestmark = pytest.mark.django_db

TITLE = "Mastering Modern World History"


@pytest.fixture
def two_books(db):
    return [
        make_source(
            title=TITLE,
            nature=Nature.TEXTBOOK,
            is_primary=False,
            authors=[make_author(given_names=given, family_name=family)],
            provenance={"date_year": year, "date_month": None},
        )
        for given, family, year in (("Norman", "Lowe", 1982), ("Ben", "Walsh", 1996))
    ]


def test_the_work_search_tells_two_books_with_one_title_apart(teacher_client, two_books):
    url = reverse("admin:sources_interpretation_work_autocomplete")
    query = {"app_label": "sources", "model_name": "interpretation", "field_name": "work"}
    texts = {
        r["text"] for r in teacher_client.get(url, {**query, "term": "Mastering"}).json()["results"]
    }
    assert texts == {f"{TITLE} (Norman Lowe, 1982)", f"{TITLE} (Ben Walsh, 1996)"}
    # Only the interpretation's work: another field is refused.
    other = {**query, "field_name": "historian"}
    assert teacher_client.get(url, other).status_code == 403


@pytest.mark.parametrize("interpretations", [1, 10])
def test_the_changelist_lists_each_work_with_its_author_and_year_in_fixed_queries(
    teacher_client, two_books, django_assert_num_queries, interpretations
):
    for n in range(interpretations):
        make_interpretation(work=two_books[n % 2])
    url = reverse("admin:sources_interpretation_changelist")
    teacher_client.get(url)
    with django_assert_num_queries(8):
        page = teacher_client.get(url).content.decode()
    assert f"{TITLE} (Norman Lowe, 1982)" in page


def test_the_change_page_shows_the_chosen_work_with_its_author(teacher_client, two_books):
    interpretation = make_interpretation(work=two_books[1])
    page = teacher_client.get(
        reverse("admin:sources_interpretation_change", args=[interpretation.pk])
    ).content.decode()
    assert f"{TITLE} (Ben Walsh, 1996)" in page
