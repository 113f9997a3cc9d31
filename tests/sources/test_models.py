"""The library's own rules: dates, images, media links, text, slugs and model citations.

The citation formatter itself is tested in test_citations.py; here the citations are
built from real rows, to prove the models hand the formatter the right parts.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sources.models import (
    AuthorKind,
    AuthorRole,
    Nature,
    Provenance,
    Source,
    parse_timestamp,
)
from sources.text import mark_first_uses, render_text
from tests.sources.factories import (
    image_upload,
    make_author,
    make_coexistence_article,
    make_source,
    make_walking_chapter,
)

pytestmark = pytest.mark.django_db


def provenance_errors(**date) -> dict[str, list[str]]:
    source = make_source(with_provenance=False)
    provenance = Provenance(source=source, **date)
    with pytest.raises(ValidationError) as caught:
        provenance.full_clean()
    return caught.value.message_dict


# Provenance dates


def test_month_13_is_refused_on_the_month_field():
    errors = provenance_errors(date_year=1959, date_month=13)
    assert errors == {"date_month": ["Month must be between 1 and 12."]}


def test_a_day_without_a_month_is_refused_on_the_day_field():
    errors = provenance_errors(date_year=1959, date_day=3)
    assert errors == {
        "date_day": ["A day needs a month: enter the month too, or leave the day empty."]
    }


def test_31_february_is_refused_on_the_day_field_naming_the_month():
    errors = provenance_errors(date_year=1959, date_month=2, date_day=31)
    assert errors == {"date_day": ["February 1959 has only 28 days."]}


def test_29_february_in_a_leap_year_is_accepted():
    source = make_source(with_provenance=False)
    Provenance(source=source, date_year=1960, date_month=2, date_day=29).full_clean()


def test_year_0_is_refused_on_the_year_field():
    errors = provenance_errors(date_year=0)
    assert list(errors) == ["date_year"]
    assert "Enter a year between 1 and 9999." in errors["date_year"]


def test_a_saved_provenance_sorts_by_its_date():
    year = make_source(provenance={"date_year": 1959, "date_month": None})
    month = make_source(provenance={"date_year": 1959, "date_month": 3})
    day = make_source(provenance={"date_year": 1959, "date_month": 3, "date_day": 2})
    ordered = Source.objects.order_by("provenance__date_sort").values_list("pk", flat=True)
    assert list(ordered) == [year.pk, month.pk, day.pk]
    assert str(day.date) == "2 March 1959"


# Images and media


def test_an_image_without_alt_text_is_refused_on_the_alt_text_field():
    source = make_source(nature=Nature.CARTOON)
    source.image = image_upload("cartoon.png")
    with pytest.raises(ValidationError) as caught:
        source.full_clean()
    assert caught.value.message_dict == {
        "image_alt": [
            "Describe the image for students who cannot see it: alt text is required "
            "whenever there is an image."
        ]
    }


def test_an_image_with_only_spaces_as_alt_text_is_refused():
    source = make_source(nature=Nature.CARTOON, image_alt="   ")
    source.image = image_upload("cartoon.png")
    with pytest.raises(ValidationError, match="alt text is required"):
        source.full_clean()


def test_an_image_with_alt_text_is_accepted():
    source = make_source(nature=Nature.CARTOON, image_alt="A snowman labelled ‘Cold War’")
    source.image = image_upload("cartoon.png")
    source.full_clean()


def test_a_start_time_without_a_media_link_is_refused():
    source = make_source(nature=Nature.VIDEO)
    source.media_start = 285
    with pytest.raises(ValidationError) as caught:
        source.full_clean()
    assert caught.value.message_dict == {
        "media_start": ["A start time needs a video or audio link."]
    }


def test_a_youtube_link_opens_at_the_start_time_with_t_seconds():
    source = make_source(
        nature=Nature.VIDEO,
        media_url="https://www.youtube.com/watch?v=abc123&t=10s",
        media_start=285,
    )
    assert source.media_link == "https://www.youtube.com/watch?v=abc123&t=285s"
    assert source.media_start_label == "4:45"


def test_a_youtu_be_link_gets_the_start_time_as_a_query():
    source = make_source(nature=Nature.VIDEO, media_url="https://youtu.be/abc123", media_start=285)
    assert source.media_link == "https://youtu.be/abc123?t=285s"


def test_another_media_link_opens_at_the_start_time_with_a_media_fragment():
    source = make_source(
        nature=Nature.AUDIO, media_url="https://archive.org/details/speech.mp3", media_start=285
    )
    assert source.media_link == "https://archive.org/details/speech.mp3#t=285"


def test_a_media_link_without_a_start_time_is_unchanged():
    source = make_source(nature=Nature.VIDEO, media_url="https://example.org/film")
    assert source.media_link == "https://example.org/film"
    assert source.media_start_label == ""


@pytest.mark.parametrize(
    ("text", "seconds"), [("4:45", 285), ("1:02:03", 3723), ("285", 285), (" 0:05 ", 5)]
)
def test_a_timestamp_is_read_as_seconds(text, seconds):
    assert parse_timestamp(text) == seconds


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("4:75", "minutes and seconds go up to 59"),
        ("abc", "is not a time: write minutes:seconds"),
        ("", "is not a time: write minutes:seconds"),
        ("4:45:00:00", "is not a time"),
        ("-5", "is not a time"),
    ],
)
def test_a_bad_timestamp_is_refused_with_a_message(text, message):
    with pytest.raises(ValueError, match=message):
        parse_timestamp(text)


# Source text


def test_text_is_split_into_paragraphs_on_blank_lines():
    html = render_text("First paragraph.\r\n\r\nSecond\nline.")
    assert html == "<p>First paragraph.</p>\n<p>Second<br>\nline.</p>"


def test_asterisks_make_emphasis_and_double_asterisks_strong():
    assert render_text("We will *bury* you, **comrades**.") == (
        "<p>We will <em>bury</em> you, <strong>comrades</strong>.</p>"
    )


def test_a_line_starting_with_a_chevron_is_a_blockquote():
    assert render_text("> Peaceful coexistence\n> is the only way.") == (
        "<blockquote><p>Peaceful coexistence<br>\nis the only way.</p></blockquote>"
    )


def test_html_in_source_text_is_escaped_not_run():
    html = render_text('<script>alert(1)</script> <b onclick="x">bold</b>')
    assert "<script>" not in html
    assert "<b " not in html
    assert html == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;b onclick=&quot;x&quot;&gt;bold&lt;/b&gt;</p>"
    )


# Marking glossary words in source text


def bracket(index: int, words: str) -> str:
    return f"[{index}:{words}]"


@pytest.mark.parametrize(
    ("term", "text", "marked"),
    [
        ("quot", 'He said "quot" twice.', "<p>He said &quot;[0:quot]&quot; twice.</p>"),
        ("amp", "Tom & Jerry amp it up.", "<p>Tom &amp; Jerry [0:amp] it up.</p>"),
        ("lt", "a < b, the lt sign", "<p>a &lt; b, the [0:lt] sign</p>"),
        ("gt", "b > a, the gt sign", "<p>b &gt; a, the [0:gt] sign</p>"),
        ("Lt", "LT < Lt Col", "<p>[0:LT] &lt; Lt Col</p>"),
        ("x27", "Kennedy's x27", "<p>Kennedy&#x27;s [0:x27]</p>"),
        ("quot", 'Only "quotes" here.', "<p>Only &quot;quotes&quot; here.</p>"),
        ("lt", "<<>>", "<p>&lt;&lt;&gt;&gt;</p>"),
    ],
    ids=["quot", "amp", "lt", "gt", "Lt-any-case", "apostrophe-entity", "no-word", "only-entities"],
)
def test_a_glossary_term_named_like_an_entity_is_never_marked_inside_one(term, text, marked):
    assert mark_first_uses(render_text(text), [term], bracket) == marked


def test_a_term_with_markup_characters_is_matched_as_the_reader_sees_it():
    html = render_text("The *US & USSR* met. US & USSR again; a <b> tag.")
    assert mark_first_uses(html, ["US & USSR", "<b>"], bracket) == (
        "<p>The <em>[0:US &amp; USSR]</em> met. US &amp; USSR again; a [1:&lt;b&gt;] tag.</p>"
    )


def test_each_term_is_marked_once_the_longest_first_and_the_text_is_unchanged():
    html = render_text("Peaceful coexistence is peaceful.\n\n> Coexistence, again.")
    marked = mark_first_uses(html, ["peaceful", "peaceful coexistence", "coexistence"], bracket)
    assert marked == (
        "<p>[1:Peaceful coexistence] is [0:peaceful].</p>\n"
        "<blockquote><p>[2:Coexistence], again.</p></blockquote>"
    )


def test_no_terms_leave_the_html_as_it_was():
    html = render_text("a & b")
    assert mark_first_uses(html, [], bracket) == html
    assert mark_first_uses(html, ["  "], bracket) == html


def test_a_source_renders_its_own_text():
    source = make_source(text="*Pravda* said so.")
    assert source.rendered_text() == "<p><em>Pravda</em> said so.</p>"


# Slugs and authors


def test_a_slug_is_made_from_the_title_and_kept_unique():
    first = make_source(title="On Peaceful Coexistence", slug="")
    second = make_source(title="On Peaceful Coexistence", slug="")
    third = make_source(title="On Peaceful Coexistence", slug="")
    assert [first.slug, second.slug, third.slug] == [
        "on-peaceful-coexistence",
        "on-peaceful-coexistence-2",
        "on-peaceful-coexistence-3",
    ]


def test_a_slug_survives_a_later_title_change():
    source = make_source(title="On Peaceful Coexistence", slug="")
    source.title = "A New Title"
    source.save()
    source.refresh_from_db()
    assert source.slug == "on-peaceful-coexistence"


def test_an_author_slug_is_made_from_the_name():
    author = make_author(given_names="Nikita S.", family_name="Khrushchev", slug="")
    assert author.slug == "nikita-s-khrushchev"


def test_an_organisation_with_given_names_is_refused():
    author = make_author(kind=AuthorKind.ORGANISATION, family_name="CIA", given_names="")
    author.given_names = "Central"
    with pytest.raises(ValidationError) as caught:
        author.full_clean()
    assert list(caught.value.message_dict) == ["given_names"]
    assert "An organisation has no given names" in caught.value.message_dict["given_names"][0]


def test_an_author_cannot_die_before_being_born():
    author = make_author(born=1894)
    author.died = 1890
    with pytest.raises(ValidationError, match="cannot be before the year of birth"):
        author.full_clean()


def test_an_organisation_is_named_and_sorted_uninverted():
    cia = make_author(
        kind=AuthorKind.ORGANISATION, family_name="Central Intelligence Agency", given_names=""
    )
    assert cia.name == cia.sort_name == "Central Intelligence Agency"


# Citations built from rows


def test_a_journal_article_is_cited_from_its_rows():
    source = make_coexistence_article(provenance={"place": "Moscow"})
    assert source.bibliography_entry() == (
        "Khrushchev, Nikita S. “On Peaceful Coexistence.” <i>Foreign Affairs</i> 38, no. 1 "
        "(October 1959): 1–18."
    )
    assert source.first_note("5") == (
        "Nikita S. Khrushchev, “On Peaceful Coexistence,” <i>Foreign Affairs</i> 38, no. 1 "
        "(October 1959): 5."
    )
    assert source.short_note("5") == "Khrushchev, “On Peaceful Coexistence,” 5."


def test_a_chapter_citation_names_the_editor_credit():
    source = make_walking_chapter()
    assert source.author_names == "Henry David Thoreau"
    assert source.bibliography_entry() == (
        "Thoreau, Henry David. “Walking.” In <i>The Making of the American Essay</i>, edited by "
        "John D’Agata, 167–95. Graywolf Press, 2016."
    )
    assert source.first_note("177-178") == (
        "Henry David Thoreau, “Walking,” in <i>The Making of the American Essay</i>, ed. John "
        "D’Agata (Graywolf Press, 2016), 177–78."
    )
    assert source.short_note("177-78") == "Thoreau, “Walking,” 177–78."


def test_an_interview_citation_names_the_interviewer_credit():
    sergei = make_author(given_names="Sergei", family_name="Khrushchev")
    ripley = make_author(given_names="Mary", family_name="Ripley")
    source = make_source(
        title="Soviet Perspective on the Cuban Missile Crisis from Nikita Khrushchev's Son",
        nature=Nature.INTERVIEW,
        authors=[sergei],
        credits=[(ripley, AuthorRole.INTERVIEWER)],
        provenance={
            "date_year": 2012,
            "date_month": 10,
            "date_day": 24,
            "container_title": "U.S. Naval Institute",
            "medium": "video",
            "url": "https://www.usni.org/sergei-khrushchev",
        },
    )
    assert source.author_names == "Sergei Khrushchev"
    assert source.bibliography_entry() == (
        "Khrushchev, Sergei. “Soviet Perspective on the Cuban Missile Crisis from Nikita "
        "Khrushchev’s Son.” Interview by Mary Ripley. <i>U.S. Naval Institute</i>, October 24, "
        "2012. Video. https://www.usni.org/sergei-khrushchev."
    )
    assert source.first_note() == (
        "Sergei Khrushchev, “Soviet Perspective on the Cuban Missile Crisis from Nikita "
        "Khrushchev’s Son,” interview by Mary Ripley, <i>U.S. Naval Institute</i>, October 24, "
        "2012, video, https://www.usni.org/sergei-khrushchev."
    )
    assert source.short_note("1:02:15") == "Khrushchev, “Soviet Perspective,” at 1:02:15."


def test_credits_are_cited_in_their_order_not_by_name():
    second = make_author(given_names="Alan", family_name="Aardvark")
    first = make_author(given_names="Zoe", family_name="Zebra")
    source = make_source(
        title="Coexistence", nature=Nature.BOOK, authors=[first, second], with_provenance=True
    )
    assert source.author_names == "Zoe Zebra, Alan Aardvark"
    assert source.bibliography_entry().startswith("Zebra, Zoe, and Alan Aardvark.")


def test_a_source_without_provenance_is_still_cited_without_a_date():
    source = make_source(title="Undated Speech", with_provenance=False)
    assert source.date is None
    assert "Undated Speech" in source.bibliography_entry()
