"""The read-only source page and the library list, outside the admin."""

from __future__ import annotations

import re

import pytest

from sources.models import AuthorRole, InterpretationStance, Nature, Standpoint
from tests.factories import make_user
from tests.sources.factories import (
    make_author,
    make_coexistence_article,
    make_interpretation,
    make_khrushchev,
    make_library,
    make_source,
)

LIBRARY = "/sources/"


def detail_url(source) -> str:
    return f"/sources/{source.slug}/"


def has(html: str, *pieces: str) -> bool:
    """Whether the pieces appear in order, with any attributes or whitespace between tags."""
    pattern = r"(?:\s|<[^>]*>)*".join(re.escape(piece) for piece in pieces)
    return re.search(pattern, html) is not None


def titles_in_order(html: str) -> list[str]:
    return re.findall(r'<td><a href="/sources/[^"]+/">([^<]+)</a></td>', html)


@pytest.fixture
def coexistence(db):
    khrushchev = make_khrushchev(
        born=1894,
        died=1971,
        standpoint=Standpoint.SOVIET,
        description="First Secretary of the Communist Party of the Soviet Union",
    )
    source = make_coexistence_article(
        khrushchev=khrushchev,
        provenance={
            "place": "Moscow",
            "audience": "American readers of a foreign-policy journal",
            "context": "Written weeks after his visit to the United States.",
            "note": "Written by Khrushchev for the American journal Foreign Affairs.",
        },
        text="The principle of *peaceful coexistence* is gaining recognition.",
    )
    make_interpretation(
        work=source,
        historian=make_author(given_names="William", family_name="Taubman"),
        question="Was coexistence sincere?",
        position="Coexistence was peaceful competition",
        summary="Khrushchev meant to win the Cold War without fighting it.",
        quotation="a contest of systems",
        stance=InterpretationStance.FAVOURABLE,
    )
    return source


# The source page


def test_a_teacher_sees_the_source_its_provenance_and_its_interpretations(
    teacher_client, coexistence
):
    response = teacher_client.get(detail_url(coexistence))
    html = response.content.decode()
    assert response.context["source"] == coexistence
    assert re.search(r"<h1[^>]*>On Peaceful Coexistence</h1>", html)
    assert "<p>The principle of <em>peaceful coexistence</em> is gaining recognition.</p>" in html
    assert "<strong>Nikita S. Khrushchev</strong>" in html
    assert "(1894–1971)" in html
    assert "— First Secretary of the Communist Party of the Soviet Union" in html
    assert '<time datetime="1959-10">October 1959</time>' in html
    assert has(html, "Where", "Moscow")
    assert has(html, "For whom", "American readers of a foreign-policy journal")
    assert "Written weeks after his visit to the United States." in html
    assert "Written by Khrushchev for the American journal Foreign Affairs." in html
    assert "Coexistence was peaceful competition" in html
    assert "Khrushchev meant to win the Cold War without fighting it." in html
    assert "“a contest of systems”" in html
    assert "— William Taubman" in html


def test_a_teacher_sees_the_three_citations(teacher_client, coexistence):
    html = teacher_client.get(detail_url(coexistence)).content.decode()
    assert has(
        html,
        "Bibliography",
        "Khrushchev, Nikita S. “On Peaceful Coexistence.” <i>Foreign Affairs</i> 38, no. 1 "
        "(October 1959): 1–18.",
    )
    assert has(
        html,
        "First footnote",
        "Nikita S. Khrushchev, “On Peaceful Coexistence,” <i>Foreign Affairs</i> 38, no. 1 "
        "(October 1959).",
    )
    assert has(html, "Later footnotes", "Khrushchev, “On Peaceful Coexistence.”")


def test_a_recipient_is_shown_with_their_role(teacher_client):
    source = make_source(
        nature=Nature.LETTER,
        credits=[(make_author(given_names="John F.", family_name="Kennedy"), AuthorRole.RECIPIENT)],
    )
    html = teacher_client.get(detail_url(source)).content.decode()
    assert has(html, "John F. Kennedy", "(recipient")


def test_a_video_links_to_its_start_time(teacher_client):
    source = make_source(
        nature=Nature.VIDEO, media_url="https://www.youtube.com/watch?v=abc123", media_start=285
    )
    html = teacher_client.get(detail_url(source)).content.decode()
    assert 'href="https://www.youtube.com/watch?v=abc123&amp;t=285s"' in html
    assert "Watch from 4:45" in html


def test_html_in_a_source_is_shown_as_text_never_run(teacher_client):
    source = make_source(
        title="<script>alert('title')</script>",
        summary="<img src=x onerror=alert('summary')>",
        provenance={"date_year": 1959, "note": "<b>bold note</b>"},
    )
    with_text = make_source(text="<script>alert('text')</script>")
    html = teacher_client.get(detail_url(source)).content.decode()
    html += teacher_client.get(detail_url(with_text)).content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<b>bold note</b>" not in html
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(&#x27;summary&#x27;)&gt;" in html
    assert "&lt;script&gt;alert(&#x27;text&#x27;)&lt;/script&gt;" in html


def test_an_unknown_source_is_not_found(teacher_client, coexistence):
    assert teacher_client.get("/sources/no-such-source/").status_code == 404


def test_a_student_cannot_see_a_library_source(student_client, coexistence):
    response = student_client.get(detail_url(coexistence))
    assert response.status_code == 404
    assert b"On Peaceful Coexistence" not in response.content


def test_staff_outside_the_teachers_group_cannot_see_a_source(client, coexistence):
    client.force_login(make_user("caretaker", is_staff=True))
    assert client.get(detail_url(coexistence)).status_code == 404
    assert client.get(LIBRARY).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client, coexistence):
    response = client.get(detail_url(coexistence))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={detail_url(coexistence)}"


def test_the_source_page_refuses_a_post(teacher_client, coexistence):
    response = teacher_client.post(detail_url(coexistence), {"title": "Changed"})
    assert response.status_code == 405
    coexistence.refresh_from_db()
    assert coexistence.title == "On Peaceful Coexistence"


# The library list


@pytest.fixture
def three_sources(db):
    return [
        make_source(
            title="Kitchen debate",
            nature=Nature.VIDEO,
            provenance={"date_year": 1959, "date_month": 7},
        ),
        make_source(
            title="Secret speech",
            nature=Nature.SPEECH,
            provenance={"date_year": 1956, "date_month": 2},
        ),
        make_source(
            title="Taubman biography",
            nature=Nature.BOOK,
            provenance={"date_year": 2003, "date_month": None},
        ),
    ]


def test_the_library_lists_sources_oldest_first(teacher_client, three_sources):
    html = teacher_client.get(LIBRARY).content.decode()
    assert titles_in_order(html) == ["Secret speech", "Kitchen debate", "Taubman biography"]
    assert "3 sources, oldest first" in html
    assert '<time datetime="1956-02">February 1956</time>' in html


def test_the_library_filters_by_nature(teacher_client, three_sources):
    html = teacher_client.get(LIBRARY, {"nature": Nature.SPEECH}).content.decode()
    assert titles_in_order(html) == ["Secret speech"]
    assert '<option value="speech" selected>' in html


def test_the_library_ignores_a_bogus_nature(teacher_client, three_sources):
    html = teacher_client.get(LIBRARY, {"nature": "'; DROP TABLE"}).content.decode()
    assert titles_in_order(html) == ["Secret speech", "Kitchen debate", "Taubman biography"]


def test_an_empty_library_invites_the_teacher_to_add_a_source(teacher_client):
    html = teacher_client.get(LIBRARY).content.decode()
    assert "No sources yet." in html
    assert 'href="/admin/sources/source/add/"' in html


def test_a_student_is_refused_the_library(student_client, three_sources):
    response = student_client.get(LIBRARY)
    assert response.status_code == 403
    assert b"Secret speech" not in response.content


def test_an_anonymous_visitor_is_sent_to_log_in_from_the_library(client, db):
    response = client.get(LIBRARY)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/sources/"


def test_the_library_refuses_a_post(teacher_client):
    assert teacher_client.post(LIBRARY).status_code == 405


# Query counts


@pytest.mark.parametrize("size", [1, 50])
def test_the_library_query_count_does_not_grow_with_the_library(
    teacher_client, django_assert_num_queries, size
):
    make_library(size)
    # 1 session, 2 user, 3 the user's groups (is the user a teacher?), 4-5 the user's and
    # their groups' permissions, 6 the sources with provenance, 7 their credits with
    # authors, 8 their themes.
    with django_assert_num_queries(8):
        html = teacher_client.get(LIBRARY).content.decode()
    assert len(titles_in_order(html)) == size


@pytest.mark.parametrize("size", [1, 50])
def test_the_source_page_query_count_does_not_grow_with_the_library(
    teacher_client, django_assert_num_queries, size
):
    source = make_library(size)[-1]
    # 1 session, 2 user, 3 groups, 4-5 permissions, 6 the source with provenance,
    # 7 its credits with authors, 8 its themes, 9 its interpretations with historians.
    with django_assert_num_queries(9):
        html = teacher_client.get(detail_url(source)).content.decode()
    assert source.title in html
