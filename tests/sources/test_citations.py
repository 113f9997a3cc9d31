"""Chicago (17th ed.) notes and bibliography, checked character for character.

Section numbers are those of The Chicago Manual of Style, 17th edition. Expected strings
quoted from the Manual's own examples are marked "CMOS example". The whole module runs with
`CITATION_STYLE = "chicago-17"`, so it keeps the 17th edition tested now that the 18th is
the default; test_citations_18th.py holds the 18th edition and what changed.
"""

from __future__ import annotations

import datetime
from dataclasses import replace

import pytest
from django.utils.safestring import SafeString

from sources.citations import (
    NATURES,
    CitationSource,
    Name,
    bibliography,
    note,
    page_range,
    plain,
    short_note,
)
from sources.dates import PartialDate


@pytest.fixture(autouse=True)
def _seventeenth_edition(settings):
    settings.CITATION_STYLE = "chicago-17"


KHRUSHCHEV = Name("Khrushchev", "Nikita")
CIA = Name("Central Intelligence Agency", organisation=True)

ON_COEXISTENCE = CitationSource(
    "journal_article",
    title="On Peaceful Coexistence",
    authors=(Name("Khrushchev", "Nikita S."),),
    date=PartialDate(1959, 10),
    container_title="Foreign Affairs",
    volume="38",
    issue="1",
    pages="1-18",
)
SERVICE = CitationSource(
    "book",
    title="A History of Modern Russia: From Tsarism to the Twenty-First Century",
    authors=(Name("Service", "Robert"),),
    edition="3",
    place="Cambridge, MA",
    publisher="Harvard University Press",
    date=PartialDate(2009),
)
WALKING = CitationSource(
    "book_chapter",
    title="Walking",
    authors=(Name("Thoreau", "Henry David"),),
    editors=(Name("D'Agata", "John"),),
    container_title="The Making of the American Essay",
    place="Minneapolis",
    publisher="Graywolf Press",
    date=PartialDate(2016),
    pages="167-195",
)
SNAP = CitationSource(
    "newspaper_article",
    title="Snap Makes a Bet on the Cultural Supremacy of the Camera",
    authors=(Name("Manjoo", "Farhad"),),
    container_title="New York Times",
    date=PartialDate(2017, 3, 8),
    url="https://www.nytimes.com/2017/03/08/technology/snap.html",
)
SECRET_SPEECH = CitationSource(
    "speech",
    title="On the Cult of Personality and Its Consequences",
    authors=(KHRUSHCHEV,),
    occasion="Twentieth Congress of the Communist Party of the Soviet Union",
    place="Moscow",
    date=PartialDate(1956, 2, 25),
)
BRITAIN_SPEECH = CitationSource(
    "speech",
    title="Speech during a visit to Britain",
    untitled=True,
    authors=(KHRUSHCHEV,),
    place="London",
    date=PartialDate(1956, 4),
)
BRIEFING = CitationSource(
    "government_document",
    title="Khrushchev's Views on Coexistence",
    authors=(CIA,),
    classification="Top secret",
    description="briefing paper",
    date=PartialDate(1955, 9),
    identifier="CIA-RDP79R00890A000600010012-4",
    archive="CIA FOIA Electronic Reading Room",
)
PETROV = CitationSource(
    "letter",
    authors=(Name("Petrov", "Ivan"),),
    recipient=KHRUSHCHEV,
    date=PartialDate(1959, 9, 30),
    archive="Russian State Archive of Contemporary History",
    place="Moscow",
)
THAW = CitationSource(
    "cartoon",
    title="The Thaw",
    authors=(Name("Efimov", "Boris"),),
    container_title="Krokodil",
    date=PartialDate(1955),
)
NEWSREEL = CitationSource(
    "video",
    title="Khrushchev Threatens Hammarskjöld & UN",
    description="newsreel",
    duration="12:03",
    publisher="British Pathé",
    date=PartialDate(1960),
    url="https://www.britishpathe.com/asset/45441",
)
SERGEI = CitationSource(
    "interview",
    title="Soviet Perspective on the Cuban Missile Crisis from Nikita Khrushchev's Son",
    authors=(Name("Khrushchev", "Sergei"),),
    interviewer=Name("Ripley", "Mary"),
    container_title="U.S. Naval Institute",
    date=PartialDate(2012, 10, 24),
    description="video",
    url="https://www.usni.org/sergei-khrushchev",
)
CLARE = CitationSource(
    "website",
    title="Khrushchev and Peaceful Co-existence",
    authors=(Name("Clare", "John D."),),
    container_title="John D. Clare's History Site",
    accessed=datetime.date(2013, 4, 1),
    url="http://www.johndclare.net/cold_war11.htm",
)


# Page ranges, CMOS 9.61

PAGE_RANGES = [
    ("1-18", "1–18"),
    ("71-72", "71–72"),
    ("10-32", "10–32"),
    ("100-104", "100–104"),
    ("1100-1113", "1100–1113"),
    ("101-108", "101–8"),
    ("808-833", "808–33"),
    ("1103-1104", "1103–4"),
    ("321-328", "321–28"),
    ("498-532", "498–532"),
    ("1087-1089", "1087–89"),
    ("1496-1500", "1496–500"),
    ("11564-11615", "11564–615"),
    ("12991-13001", "12991–3001"),
    ("171-190", "171–90"),
    ("109-130", "109–30"),
    ("615-621", "615–21"),
    ("334-356", "334–56"),
]


@pytest.mark.parametrize(("pages", "expected"), PAGE_RANGES)
def test_a_page_range_is_abbreviated_as_cmos_9_61_prescribes(pages, expected):
    assert page_range(pages) == expected


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        ("1–18", "1–18"),
        ("171 – 190", "171–90"),
        ("172-73", "172–73"),
        ("1496-500", "1496–500"),
        ("171", "171"),
        ("3, 7-9", "3, 7–9"),
        ("xi-xiv", "xi–xiv"),
        ("A1", "A1"),
    ],
)
def test_page_range_accepts_en_dashes_short_forms_lists_and_non_numeric_pages(pages, expected):
    assert page_range(pages) == expected


def test_a_journal_article_bibliography_entry_abbreviates_the_page_range():
    assert bibliography(replace(ON_COEXISTENCE, pages="171-190")).endswith(
        "(October 1959): 171–90."
    )


def test_a_note_locator_gets_the_same_page_range_treatment():
    assert note(SERVICE, "350-356").endswith("2009), 350–56.")


# Journal articles


def test_a_journal_article_full_note_cites_the_page():
    assert note(ON_COEXISTENCE, "3") == (
        "Nikita S. Khrushchev, “On Peaceful Coexistence,” <i>Foreign Affairs</i> 38, no. 1 "
        "(October 1959): 3."
    )


def test_a_journal_article_short_note_has_surname_short_title_and_page():
    assert short_note(ON_COEXISTENCE, "3") == "Khrushchev, “On Peaceful Coexistence,” 3."


def test_a_journal_article_bibliography_entry_gives_the_whole_article():
    assert bibliography(ON_COEXISTENCE) == (
        "Khrushchev, Nikita S. “On Peaceful Coexistence.” <i>Foreign Affairs</i> 38, no. 1 "
        "(October 1959): 1–18."
    )


def test_a_journal_with_volume_only_has_no_issue_number():
    source = replace(ON_COEXISTENCE, issue="", date=PartialDate(1959))
    assert "<i>Foreign Affairs</i> 38 (1959): 1–18." in bibliography(source)


def test_a_journal_with_issue_only_puts_a_comma_after_the_journal_title():
    # Chicago: a comma follows the journal title when there is no volume number.
    source = replace(ON_COEXISTENCE, volume="", date=PartialDate(1959))
    assert "<i>Foreign Affairs</i>, no. 1 (1959): 1–18." in bibliography(source)


def test_a_journal_article_without_pages_or_locator_ends_at_the_date():
    source = replace(ON_COEXISTENCE, pages="")
    assert note(source).endswith("no. 1 (October 1959).")
    assert bibliography(source).endswith("no. 1 (October 1959).")


def test_a_doi_is_preferred_to_a_url_and_given_as_a_doi_org_link():
    source = replace(ON_COEXISTENCE, doi="doi:10.2307/20029386", url="https://www.jstor.org/x")
    assert bibliography(source).endswith("1–18. https://doi.org/10.2307/20029386.")
    assert note(source, "3").endswith("(October 1959): 3, https://doi.org/10.2307/20029386.")


def test_an_access_date_is_left_out_for_a_dated_published_work():
    # CMOS 14.12: access dates are not required for formally published, dated sources.
    source = replace(ON_COEXISTENCE, url="https://x.org/a", accessed=datetime.date(2024, 1, 5))
    assert "ccessed" not in bibliography(source)


def test_an_undated_online_source_gets_an_access_date_before_the_url():
    source = replace(
        ON_COEXISTENCE, date=None, url="https://x.org/a", accessed=datetime.date(2024, 1, 5)
    )
    assert bibliography(source).endswith(
        "38, no. 1 (n.d.): 1–18. Accessed January 5, 2024. https://x.org/a."
    )


def test_a_circa_date_is_written_ca():
    source = replace(ON_COEXISTENCE, date=PartialDate(1959, circa=True))
    assert "38, no. 1 (ca. 1959): 3." in note(source, "3")


# Typography: quotation marks, nested titles, terminal punctuation


def test_a_quoted_title_within_a_quoted_title_takes_single_curly_quotes():
    source = replace(
        ON_COEXISTENCE,
        title='"Be Careful in America, Premier Khrushchev!": Soviet Perceptions of Peaceful '
        "Coexistence with the United States in 1959",
    )
    assert (
        "Khrushchev, Nikita S. “‘Be Careful in America, Premier Khrushchev!’: Soviet "
        "Perceptions of Peaceful Coexistence with the United States in 1959.” <i>Foreign"
    ) in bibliography(source)


def test_input_that_already_has_curly_quotes_comes_out_the_same():
    straight = replace(ON_COEXISTENCE, title='"Be Careful!": Soviet Perceptions')
    curly = replace(ON_COEXISTENCE, title="“Be Careful!”: Soviet Perceptions")
    assert bibliography(curly) == bibliography(straight)


def test_single_quotes_inside_a_quoted_title_stay_single_and_doubles_go_inside_them():
    source = replace(ON_COEXISTENCE, title="\"Khrushchev's 'Thaw'\" Reconsidered")
    assert "“‘Khrushchev’s “Thaw”’ Reconsidered.”" in bibliography(source)


def test_apostrophes_become_curly_in_names_and_titles():
    assert "ed. John D’Agata" in note(WALKING, "177")
    book = replace(SERVICE, title="Moscow in the '50s", edition="")
    assert "<i>Moscow in the ’50s</i>" in bibliography(book)


def test_quotation_marks_in_an_italic_title_stay_double():
    book = replace(SERVICE, title='Khrushchev\'s "Secret Speech"', edition="")
    assert bibliography(book).startswith("Service, Robert. <i>Khrushchev’s “Secret Speech”</i>.")


def test_the_comma_in_a_note_goes_inside_both_closing_quotes():
    source = replace(ON_COEXISTENCE, title='"Be Careful in America, Premier Khrushchev!": Soviet')
    assert short_note(source, "4") == "Khrushchev, “‘Be Careful in America,’” 4."


def test_a_title_ending_in_a_question_mark_takes_no_period_or_comma():
    source = replace(ON_COEXISTENCE, title="Where Next?")
    assert note(source, "3").startswith("Nikita S. Khrushchev, “Where Next?” <i>Foreign Affairs")
    assert bibliography(source).startswith("Khrushchev, Nikita S. “Where Next?” <i>Foreign")
    assert short_note(source, "3") == "Khrushchev, “Where Next?” 3."


def test_an_italic_title_ending_in_an_exclamation_mark_takes_no_period():
    book = replace(SERVICE, title="Peace or War!", edition="")
    assert bibliography(book) == (
        "Service, Robert. <i>Peace or War!</i> Cambridge, MA: Harvard University Press, 2009."
    )
    assert short_note(book) == "Service, <i>Peace or War!</i>"


def test_a_title_ending_in_a_period_does_not_get_a_second_one():
    book = replace(SERVICE, title="Khrushchev Inc.", edition="")
    assert bibliography(book).startswith("Service, Robert. <i>Khrushchev Inc.</i> Cambridge")
    article = replace(ON_COEXISTENCE, title="Khrushchev Inc.")
    assert "“Khrushchev Inc.” <i>Foreign Affairs</i>" in bibliography(article)


def test_a_book_title_inside_an_article_title_is_set_in_italics():
    source = replace(ON_COEXISTENCE, title="Review of *Khrushchev Remembers*")
    assert "“Review of <i>Khrushchev Remembers</i>,” <i>Foreign" in note(source, "3")
    assert "“Review of <i>Khrushchev Remembers</i>.” <i>Foreign" in bibliography(source)


def test_a_title_inside_an_italic_book_title_is_set_in_quotation_marks():
    # CMOS 14.94.
    book = replace(SERVICE, title="A Commentary on *Khrushchev Remembers*", edition="")
    assert "<i>A Commentary on “Khrushchev Remembers”</i>." in bibliography(book)


def test_html_in_the_input_is_escaped():
    source = replace(ON_COEXISTENCE, title="<script>alert(1)</script>", container_title="A & B")
    assert bibliography(source) == (
        "Khrushchev, Nikita S. “&lt;script&gt;alert(1)&lt;/script&gt;.” <i>A &amp; B</i> 38, "
        "no. 1 (October 1959): 1–18."
    )


def test_citations_are_safe_strings_ready_for_templates():
    assert isinstance(bibliography(SERVICE), SafeString)
    assert isinstance(note(SERVICE), SafeString)
    assert isinstance(short_note(SERVICE), SafeString)


def test_plain_strips_the_italics_and_unescapes_entities():
    assert plain(note(NEWSREEL)) == (
        "“Khrushchev Threatens Hammarskjöld & UN,” newsreel, 12:03, posted by British Pathé, "
        "1960, https://www.britishpathe.com/asset/45441."
    )
    assert plain(bibliography(ON_COEXISTENCE)) == (
        "Khrushchev, Nikita S. “On Peaceful Coexistence.” Foreign Affairs 38, no. 1 "
        "(October 1959): 1–18."
    )


# Authors, CMOS 14.76


TAUBMAN = Name("Taubman", "William")
GLEASON = Name("Gleason", "Abbott")
ZUBOK = Name("Zubok", "Vladislav")
SERGEI_K = Name("Khrushchev", "Sergei")
NIKITA = replace(
    SERVICE,
    title="Nikita Khrushchev",
    edition="",
    publisher="Yale",
    place="",
    date=PartialDate(2000),
)


def test_two_authors_are_joined_by_and_with_only_the_first_inverted():
    source = replace(NIKITA, authors=(TAUBMAN, SERGEI_K))
    assert note(source, "5").startswith("William Taubman and Sergei Khrushchev, <i>Nikita")
    assert short_note(source, "5") == "Taubman and Khrushchev, <i>Nikita Khrushchev</i>, 5."
    assert bibliography(source).startswith("Taubman, William, and Sergei Khrushchev. <i>Nikita")


def test_three_authors_take_a_serial_comma():
    source = replace(NIKITA, authors=(TAUBMAN, SERGEI_K, GLEASON))
    assert note(source).startswith("William Taubman, Sergei Khrushchev, and Abbott Gleason, <i>")
    assert short_note(source) == "Taubman, Khrushchev, and Gleason, <i>Nikita Khrushchev</i>."
    assert bibliography(source).startswith(
        "Taubman, William, Sergei Khrushchev, and Abbott Gleason. <i>"
    )


def test_four_authors_are_cut_to_et_al_in_notes_but_listed_in_the_bibliography():
    source = replace(NIKITA, authors=(TAUBMAN, SERGEI_K, GLEASON, ZUBOK))
    assert note(source, "5") == "William Taubman et al., <i>Nikita Khrushchev</i> (Yale, 2000), 5."
    assert short_note(source, "5") == "Taubman et al., <i>Nikita Khrushchev</i>, 5."
    assert bibliography(source).startswith(
        "Taubman, William, Sergei Khrushchev, Abbott Gleason, and Vladislav Zubok. <i>"
    )


def test_more_than_ten_authors_list_seven_then_et_al_in_the_bibliography():
    authors = tuple(Name(f"Author{n}", "A.") for n in range(1, 12))
    entry = bibliography(replace(NIKITA, authors=authors))
    assert entry.startswith(
        "Author1, A., A. Author2, A. Author3, A. Author4, A. Author5, A. Author6, A. Author7, "
        "et al. <i>Nikita Khrushchev</i>."
    )


def test_an_initial_before_a_comma_keeps_both_marks_as_cmos_prints_it():
    # CMOS 14.76 example: "Ward, Geoffrey C., and Ken Burns."
    source = replace(NIKITA, authors=(Name("Ward", "Geoffrey C."), Name("Burns", "Ken")))
    assert bibliography(source).startswith("Ward, Geoffrey C., and Ken Burns. <i>")


def test_an_organisation_as_author_is_never_inverted():
    state = Name("Department of State", organisation=True)
    source = replace(BRIEFING, authors=(CIA, state))
    assert bibliography(source).startswith(
        "Central Intelligence Agency and Department of State. “Khrushchev’s"
    )
    assert short_note(source).startswith("Central Intelligence Agency and Department of State, ")


def test_a_work_without_an_author_begins_with_its_title():
    source = replace(ON_COEXISTENCE, authors=())
    assert note(source, "3") == (
        "“On Peaceful Coexistence,” <i>Foreign Affairs</i> 38, no. 1 (October 1959): 3."
    )
    assert short_note(source, "3") == "“On Peaceful Coexistence,” 3."
    assert bibliography(source).startswith("“On Peaceful Coexistence.” <i>Foreign Affairs</i>")


# Short titles, CMOS 14.30


def test_a_short_title_drops_the_subtitle_and_a_leading_article_when_cut_to_four_words():
    assert short_note(SERVICE, "350") == "Service, <i>History of Modern Russia</i>, 350."


def test_a_short_title_drops_an_initial_article_however_short_the_title():
    # CMOS 14.30 (18th: 13.33); the Manual's own short form is "Coen and Coen, Big Lebowski."
    assert short_note(THAW) == "Efimov, <i>Thaw</i>."


def test_a_short_title_never_starts_or_ends_on_a_preposition_or_article():
    assert short_note(SECRET_SPEECH) == "Khrushchev, “Cult of Personality.”"
    assert short_note(SERGEI) == "Khrushchev, “Soviet Perspective.”"


def test_an_explicit_short_title_overrides_the_derived_one():
    source = replace(SECRET_SPEECH, short_title="Secret Speech")
    assert short_note(source, "4") == "Khrushchev, “Secret Speech,” 4."


# Books


def test_a_book_full_note_gives_edition_and_publication_facts_in_parentheses():
    assert note(SERVICE, "350") == (
        "Robert Service, <i>A History of Modern Russia: From Tsarism to the Twenty-First "
        "Century</i>, 3rd ed. (Cambridge, MA: Harvard University Press, 2009), 350."
    )


def test_a_book_bibliography_entry_puts_the_edition_after_the_title():
    assert bibliography(SERVICE) == (
        "Service, Robert. <i>A History of Modern Russia: From Tsarism to the Twenty-First "
        "Century</i>. 3rd ed. Cambridge, MA: Harvard University Press, 2009."
    )


def test_a_textbook_is_cited_as_a_book():
    textbook = replace(SERVICE, nature="textbook")
    assert bibliography(textbook) == bibliography(SERVICE)
    assert note(textbook, "3") == note(SERVICE, "3")
    assert short_note(textbook) == short_note(SERVICE)


@pytest.mark.parametrize(
    ("edition", "expected"),
    [
        ("3", "3rd ed."),
        ("3rd", "3rd ed."),
        ("Third", "3rd ed."),
        ("Third Edition", "3rd ed."),
        ("2nd ed.", "2nd ed."),
        ("21", "21st ed."),
        ("12th", "12th ed."),
        ("rev.", "rev. ed."),
        ("Revised edition", "rev. ed."),
        ("Second revised", "2nd rev. ed."),
    ],
)
def test_an_edition_is_written_as_an_abbreviated_ordinal(edition, expected):
    book = replace(NIKITA, authors=(TAUBMAN,), edition=edition)
    assert note(book) == f"William Taubman, <i>Nikita Khrushchev</i>, {expected} (Yale, 2000)."


def test_a_revised_edition_is_capitalised_at_the_start_of_a_bibliography_element():
    book = replace(NIKITA, authors=(TAUBMAN,), edition="rev.")
    assert bibliography(book) == "Taubman, William. <i>Nikita Khrushchev</i>. Rev. ed. Yale, 2000."


def test_a_first_edition_is_not_mentioned():
    book = replace(NIKITA, authors=(TAUBMAN,), edition="First")
    assert bibliography(book) == "Taubman, William. <i>Nikita Khrushchev</i>. Yale, 2000."


def test_an_undated_book_has_n_d_capitalised_only_where_it_starts_an_element():
    book = replace(SERVICE, date=None)
    assert note(book).endswith("(Cambridge, MA: Harvard University Press, n.d.).")
    assert bibliography(book).endswith("Cambridge, MA: Harvard University Press, n.d.")
    bare = replace(book, place="", publisher="", edition="")
    assert bibliography(bare).endswith("Twenty-First Century</i>. N.d.")


def test_an_edited_book_without_an_author_is_listed_under_its_editor():
    # CMOS 14.103.
    book = replace(WALKING, nature="book", title="Khrushchev's Cold War", authors=(), pages="")
    assert note(book, "12") == (
        "John D’Agata, ed., <i>Khrushchev’s Cold War</i> (Minneapolis: Graywolf Press, 2016), 12."
    )
    assert short_note(book, "12") == "D’Agata, <i>Khrushchev’s Cold War</i>, 12."
    assert bibliography(book) == (
        "D’Agata, John, ed. <i>Khrushchev’s Cold War</i>. Minneapolis: Graywolf Press, 2016."
    )


def test_a_book_with_two_editors_and_no_author_uses_eds():
    book = replace(NIKITA, authors=(), editors=(TAUBMAN, GLEASON))
    assert (
        note(book)
        == "William Taubman and Abbott Gleason, eds., <i>Nikita Khrushchev</i> (Yale, 2000)."
    )
    assert bibliography(book).startswith("Taubman, William, and Abbott Gleason, eds. <i>Nikita")


def test_a_book_with_author_and_editor_names_the_editor_after_the_title():
    book = replace(NIKITA, authors=(KHRUSHCHEV,), editors=(SERGEI_K,))
    assert (
        note(book)
        == "Nikita Khrushchev, <i>Nikita Khrushchev</i>, ed. Sergei Khrushchev (Yale, 2000)."
    )
    assert bibliography(book) == (
        "Khrushchev, Nikita. <i>Nikita Khrushchev</i>. Edited by Sergei Khrushchev. Yale, 2000."
    )


# Chapters in edited books


def test_a_chapter_full_note_matches_the_cmos_example():
    assert note(WALKING, "177-178") == (
        "Henry David Thoreau, “Walking,” in <i>The Making of the American Essay</i>, ed. John "
        "D’Agata (Minneapolis: Graywolf Press, 2016), 177–78."
    )


def test_a_chapter_short_note_has_only_the_chapter_title():
    assert short_note(WALKING, "177-78") == "Thoreau, “Walking,” 177–78."


def test_a_chapter_bibliography_entry_matches_the_cmos_example():
    assert bibliography(WALKING) == (
        "Thoreau, Henry David. “Walking.” In <i>The Making of the American Essay</i>, edited by "
        "John D’Agata, 167–95. Minneapolis: Graywolf Press, 2016."
    )


def test_a_chapter_with_two_editors_uses_eds_in_notes_and_edited_by_in_the_bibliography():
    chapter = replace(WALKING, editors=(Name("D'Agata", "John"), Name("Smith", "Ann")))
    assert ", ed. John D’Agata and Ann Smith (Minneapolis" not in note(chapter)
    assert "Essay</i>, eds. John D’Agata and Ann Smith (Minneapolis" in note(chapter)
    assert "Essay</i>, edited by John D’Agata and Ann Smith, 167–95." in bibliography(chapter)


def test_a_chapter_title_ending_in_a_question_mark_runs_into_in():
    chapter = replace(WALKING, title="Where Next?", editors=(), pages="")
    assert note(chapter).startswith("Henry David Thoreau, “Where Next?” in <i>The Making")
    assert bibliography(chapter) == (
        "Thoreau, Henry David. “Where Next?” In <i>The Making of the American Essay</i>. "
        "Minneapolis: Graywolf Press, 2016."
    )


# Newspapers


def test_a_newspaper_article_full_note_matches_the_cmos_example():
    assert note(SNAP) == (
        "Farhad Manjoo, “Snap Makes a Bet on the Cultural Supremacy of the Camera,” <i>New York "
        "Times</i>, March 8, 2017, https://www.nytimes.com/2017/03/08/technology/snap.html."
    )


def test_a_newspaper_article_short_note_cuts_the_title_to_four_words():
    assert short_note(SNAP) == "Manjoo, “Snap Makes a Bet.”"


def test_a_newspaper_article_bibliography_entry_matches_the_cmos_example():
    assert bibliography(SNAP) == (
        "Manjoo, Farhad. “Snap Makes a Bet on the Cultural Supremacy of the Camera.” <i>New York "
        "Times</i>, March 8, 2017. https://www.nytimes.com/2017/03/08/technology/snap.html."
    )


def test_an_unsigned_newspaper_article_is_listed_under_the_newspaper():
    # Chicago: the paper stands in place of the author in the bibliography.
    unsigned = replace(SNAP, authors=(), url="", title="Peaceful Coexistence")
    assert note(unsigned) == "“Peaceful Coexistence,” <i>New York Times</i>, March 8, 2017."
    assert short_note(unsigned) == "“Peaceful Coexistence.”"
    assert bibliography(unsigned) == (
        "<i>New York Times</i>. “Peaceful Coexistence.” March 8, 2017."
    )


# Speeches, CMOS 14.217


def test_a_titled_speech_note_gives_occasion_place_and_date_in_parentheses():
    assert note(SECRET_SPEECH) == (
        "Nikita Khrushchev, “On the Cult of Personality and Its Consequences” (speech, Twentieth "
        "Congress of the Communist Party of the Soviet Union, Moscow, February 25, 1956)."
    )


def test_a_titled_speech_bibliography_entry_describes_it_after_the_title():
    assert bibliography(SECRET_SPEECH) == (
        "Khrushchev, Nikita. “On the Cult of Personality and Its Consequences.” Speech, Twentieth "
        "Congress of the Communist Party of the Soviet Union, Moscow, February 25, 1956."
    )


def test_an_untitled_speech_is_described_in_roman_and_lower_cased_in_the_note():
    # CMOS 14.91 (descriptive titles) with 14.217; "speech" is not repeated in parentheses.
    assert note(BRITAIN_SPEECH) == (
        "Nikita Khrushchev, speech during a visit to Britain (London, April 1956)."
    )
    assert short_note(BRITAIN_SPEECH) == "Khrushchev, speech during a visit."
    assert bibliography(BRITAIN_SPEECH) == (
        "Khrushchev, Nikita. Speech during a visit to Britain. London, April 1956."
    )


def test_an_untitled_speech_not_starting_with_speech_keeps_the_description():
    source = replace(BRITAIN_SPEECH, title="Remarks at London airport", description="")
    assert (
        note(source) == "Nikita Khrushchev, remarks at London airport (speech, London, April 1956)."
    )
    assert bibliography(source) == (
        "Khrushchev, Nikita. Remarks at London airport. Speech, London, April 1956."
    )


def test_a_descriptive_title_opening_with_a_proper_noun_keeps_its_capital():
    source = replace(BRITAIN_SPEECH, title="Khrushchev at the Labour Party dinner")
    assert note(source).startswith("Nikita Khrushchev, Khrushchev at the Labour Party dinner (")


def test_an_untitled_speech_without_a_speaker_starts_with_a_capital():
    source = replace(BRITAIN_SPEECH, authors=())
    assert note(source) == "Speech during a visit to Britain (London, April 1956)."
    assert short_note(source) == "Speech during a visit."


def test_a_speech_can_be_described_as_a_lecture():
    source = replace(SECRET_SPEECH, description="Lecture", occasion="", place="")
    assert note(source).endswith("Consequences” (lecture, February 25, 1956).")
    assert bibliography(source).endswith("Consequences.” Lecture, February 25, 1956.")


# Government documents, CMOS 14.232 (unpublished) and 14.248 (archival)


def test_an_unpublished_government_document_note_lower_cases_the_classification():
    assert note(BRIEFING, "2") == (
        "Central Intelligence Agency, “Khrushchev’s Views on Coexistence” (top secret briefing "
        "paper, September 1955), 2, CIA-RDP79R00890A000600010012-4, CIA FOIA Electronic Reading "
        "Room."
    )


def test_an_unpublished_government_document_short_note_keeps_the_organisation_whole():
    assert short_note(BRIEFING, "2") == (
        "Central Intelligence Agency, “Khrushchev’s Views on Coexistence,” 2."
    )


def test_an_unpublished_government_document_bibliography_capitalises_the_classification():
    assert bibliography(BRIEFING) == (
        "Central Intelligence Agency. “Khrushchev’s Views on Coexistence.” Top secret briefing "
        "paper, September 1955. CIA-RDP79R00890A000600010012-4. CIA FOIA Electronic Reading Room."
    )


def test_a_government_document_without_classification_or_description_keeps_the_date():
    source = replace(BRIEFING, classification="", description="", identifier="")
    assert note(source) == (
        "Central Intelligence Agency, “Khrushchev’s Views on Coexistence” (September 1955), CIA "
        "FOIA Electronic Reading Room."
    )


def test_an_upper_case_classification_is_left_as_it_is():
    source = replace(BRIEFING, classification="SECRET NOFORN")
    assert "(SECRET NOFORN briefing paper, September 1955)" in note(source)


def test_a_published_government_report_is_cited_like_a_book():
    report = replace(
        BRIEFING,
        title="Soviet Foreign Policy",
        classification="",
        description="",
        identifier="",
        archive="",
        place="Washington, DC",
        publisher="Government Printing Office",
        date=PartialDate(1960),
    )
    assert note(report, "4") == (
        "Central Intelligence Agency, <i>Soviet Foreign Policy</i> (Washington, DC: Government "
        "Printing Office, 1960), 4."
    )
    assert bibliography(report) == (
        "Central Intelligence Agency. <i>Soviet Foreign Policy</i>. Washington, DC: Government "
        "Printing Office, 1960."
    )


# Letters, CMOS 14.111, 14.114 and 14.232


def test_a_letter_note_names_writer_and_recipient():
    assert note(PETROV) == (
        "Ivan Petrov to Nikita Khrushchev, September 30, 1959, Russian State Archive of "
        "Contemporary History, Moscow."
    )


def test_a_letter_short_note_uses_surnames_and_the_date():
    assert short_note(PETROV) == "Petrov to Khrushchev, September 30, 1959."


def test_a_letter_bibliography_entry_describes_it_as_a_letter():
    assert bibliography(PETROV) == (
        "Petrov, Ivan. Letter to Nikita Khrushchev, September 30, 1959. Russian State Archive of "
        "Contemporary History, Moscow."
    )


def test_a_letter_published_in_a_collection_is_cited_in_it():
    letter = replace(
        PETROV,
        archive="",
        container_title="Letters to Khrushchev",
        editors=(Name("Fitzpatrick", "Sheila"),),
        place="Cambridge",
        publisher="Cambridge University Press",
        pages="45-46",
    )
    assert note(letter, "45") == (
        "Ivan Petrov to Nikita Khrushchev, September 30, 1959, in <i>Letters to Khrushchev</i>, "
        "ed. Sheila Fitzpatrick (Cambridge: Cambridge University Press), 45."
    )
    assert bibliography(letter) == (
        "Petrov, Ivan. Letter to Nikita Khrushchev, September 30, 1959. In <i>Letters to "
        "Khrushchev</i>, edited by Sheila Fitzpatrick, 45–46. Cambridge: Cambridge University "
        "Press."
    )


def test_a_letter_without_a_known_writer_starts_with_letter():
    letter = replace(PETROV, authors=())
    assert note(letter).startswith("Letter to Nikita Khrushchev, September 30, 1959, Russian")
    assert short_note(letter) == "Letter to Khrushchev, September 30, 1959."


def test_an_undated_letter_without_a_recipient_says_n_d():
    letter = replace(PETROV, recipient=None, date=None, archive="", place="")
    assert note(letter) == "Ivan Petrov, letter, n.d."
    assert bibliography(letter) == "Petrov, Ivan. Letter, n.d."


# Cartoons and photographs, CMOS 14.235 and 3.22


def test_a_cartoon_note_gives_title_medium_periodical_and_date():
    assert note(THAW) == "Boris Efimov, <i>The Thaw</i>, cartoon, <i>Krokodil</i>, 1955."


def test_a_cartoon_bibliography_entry_matches_the_pattern():
    assert bibliography(THAW) == "Efimov, Boris. <i>The Thaw</i>. Cartoon. <i>Krokodil</i>, 1955."


def test_an_untitled_cartoon_is_described_in_roman_without_repeating_cartoon():
    cartoon = replace(THAW, title="Cartoon of Khrushchev melting a snowman", untitled=True)
    assert note(cartoon) == (
        "Boris Efimov, cartoon of Khrushchev melting a snowman, <i>Krokodil</i>, 1955."
    )
    assert short_note(cartoon) == "Efimov, cartoon of Khrushchev melting."
    assert bibliography(cartoon) == (
        "Efimov, Boris. Cartoon of Khrushchev melting a snowman. <i>Krokodil</i>, 1955."
    )


def test_a_photograph_held_in_an_archive_runs_the_date_on_from_the_medium():
    photo = CitationSource(
        "photograph",
        title="Khrushchev and Nixon in the Kitchen",
        authors=(Name("Safire", "William"),),
        date=PartialDate(1959, 7, 24),
        archive="Associated Press",
        url="https://example.org/kitchen",
    )
    assert note(photo) == (
        "William Safire, <i>Khrushchev and Nixon in the Kitchen</i>, photograph, July 24, 1959, "
        "Associated Press, https://example.org/kitchen."
    )
    assert short_note(photo) == "Safire, <i>Khrushchev and Nixon</i>."
    assert bibliography(photo) == (
        "Safire, William. <i>Khrushchev and Nixon in the Kitchen</i>. Photograph, July 24, 1959. "
        "Associated Press. https://example.org/kitchen."
    )


# Video and audio, CMOS 14.265-14.267


def test_a_video_note_gives_medium_duration_poster_date_and_url():
    assert note(NEWSREEL) == (
        "“Khrushchev Threatens Hammarskjöld &amp; UN,” newsreel, 12:03, posted by British Pathé, "
        "1960, https://www.britishpathe.com/asset/45441."
    )


def test_a_video_locator_is_a_time_stamp():
    assert note(NEWSREEL, "4:45").endswith(
        "posted by British Pathé, 1960, at 4:45, https://www.britishpathe.com/asset/45441."
    )
    assert short_note(NEWSREEL, "4:45") == "“Khrushchev Threatens Hammarskjöld,” at 4:45."


def test_a_video_bibliography_entry_puts_the_date_with_the_poster():
    assert bibliography(NEWSREEL) == (
        "“Khrushchev Threatens Hammarskjöld &amp; UN.” Newsreel, 12:03. Posted by British Pathé, "
        "1960. https://www.britishpathe.com/asset/45441."
    )


def test_a_video_without_a_poster_runs_the_date_on_from_the_medium():
    video = replace(NEWSREEL, publisher="", description="", duration="4:45")
    assert note(video) == (
        "“Khrushchev Threatens Hammarskjöld &amp; UN,” video, 4:45, 1960, "
        "https://www.britishpathe.com/asset/45441."
    )
    assert bibliography(video) == (
        "“Khrushchev Threatens Hammarskjöld &amp; UN.” Video, 4:45, 1960. "
        "https://www.britishpathe.com/asset/45441."
    )


def test_a_podcast_episode_names_its_programme_in_italics():
    episode = CitationSource(
        "audio",
        title="The Kitchen Debate",
        authors=(Name("Green", "Ian"),),
        container_title="Cold War Conversations",
        description="Podcast",
        duration="52:10",
        date=PartialDate(2020, 5, 1),
        url="https://coldwarconversations.com/episode1",
    )
    assert note(episode, "12:30") == (
        "Ian Green, “The Kitchen Debate,” <i>Cold War Conversations</i>, podcast, 52:10, May 1, "
        "2020, at 12:30, https://coldwarconversations.com/episode1."
    )
    assert short_note(episode, "12:30") == "Green, “Kitchen Debate,” at 12:30."
    assert bibliography(episode) == (
        "Green, Ian. “The Kitchen Debate.” <i>Cold War Conversations</i>. Podcast, 52:10, May 1, "
        "2020. https://coldwarconversations.com/episode1."
    )


# Interviews, CMOS 14.213-14.214


def test_an_interview_note_names_the_interviewer_after_the_title():
    assert note(SERGEI) == (
        "Sergei Khrushchev, “Soviet Perspective on the Cuban Missile Crisis from Nikita "
        "Khrushchev’s Son,” interview by Mary Ripley, <i>U.S. Naval Institute</i>, October 24, "
        "2012, video, https://www.usni.org/sergei-khrushchev."
    )


def test_an_interview_bibliography_entry_matches_the_pattern():
    assert bibliography(SERGEI) == (
        "Khrushchev, Sergei. “Soviet Perspective on the Cuban Missile Crisis from Nikita "
        "Khrushchev’s Son.” Interview by Mary Ripley. <i>U.S. Naval Institute</i>, October 24, "
        "2012. Video. https://www.usni.org/sergei-khrushchev."
    )


def test_an_interview_short_note_can_cite_a_time_stamp():
    assert short_note(SERGEI, "1:02:15") == "Khrushchev, “Soviet Perspective,” at 1:02:15."


def test_an_untitled_interview_with_no_interviewer_is_simply_an_interview():
    # CMOS 14.214: short form "Macmillan, interview."
    interview = replace(SERGEI, title="", interviewer=None, container_title="", url="")
    assert note(interview) == "Sergei Khrushchev, interview, October 24, 2012, video."
    assert short_note(interview) == "Khrushchev, interview."
    assert bibliography(interview) == "Khrushchev, Sergei. Interview. October 24, 2012. Video."


# Websites, CMOS 14.206-14.207


def test_a_website_note_sets_the_site_name_in_roman_and_gives_the_access_date():
    assert note(CLARE) == (
        "John D. Clare, “Khrushchev and Peaceful Co-existence,” John D. Clare’s History Site, "
        "accessed April 1, 2013, http://www.johndclare.net/cold_war11.htm."
    )


def test_a_website_short_note_is_author_and_page_title():
    assert short_note(CLARE) == "Clare, “Khrushchev and Peaceful Co-existence.”"


def test_a_website_bibliography_entry_capitalises_accessed():
    assert bibliography(CLARE) == (
        "Clare, John D. “Khrushchev and Peaceful Co-existence.” John D. Clare’s History Site. "
        "Accessed April 1, 2013. http://www.johndclare.net/cold_war11.htm."
    )


def test_a_dated_web_page_says_last_modified():
    page = replace(CLARE, authors=(), date=PartialDate(2012, 3, 3), accessed=None)
    assert note(page) == (
        "“Khrushchev and Peaceful Co-existence,” John D. Clare’s History Site, last modified "
        "March 3, 2012, http://www.johndclare.net/cold_war11.htm."
    )
    assert bibliography(page) == (
        "“Khrushchev and Peaceful Co-existence.” John D. Clare’s History Site. Last modified "
        "March 3, 2012. http://www.johndclare.net/cold_war11.htm."
    )


# Input checks


def test_every_nature_produces_all_three_forms():
    for nature in NATURES:
        source = CitationSource(nature, title="Coexistence", authors=(KHRUSHCHEV,))
        assert bibliography(source).startswith("Khrushchev, Nikita.")
        assert note(source).startswith("Nikita Khrushchev")
        assert short_note(source).startswith("Khrushchev, ")


def test_an_unknown_nature_is_refused():
    with pytest.raises(ValueError, match="Unknown kind of source 'pamphlet'"):
        CitationSource("pamphlet", title="Coexistence")


def test_authors_given_as_a_list_are_stored_as_a_tuple():
    source = CitationSource("book", authors=[KHRUSHCHEV])
    assert source.authors == (KHRUSHCHEV,)


def test_a_website_with_only_an_approximate_date_is_cited_by_its_access_date():
    src = CitationSource(
        nature="website",
        title="Khrushchev and Peaceful Co-existence",
        authors=(Name("Clare", "John D."),),
        container_title="John D. Clare's History Site",
        date=PartialDate(2013, circa=True),
        accessed=datetime.date(2013, 4, 1),
    )
    assert bibliography(src) == (
        "Clare, John D. “Khrushchev and Peaceful Co-existence.” John D. Clare’s History Site. "
        "Accessed April 1, 2013."
    )
    assert "last modified" not in note(src)


def test_a_title_on_a_page_gets_typographic_quotes_and_italic_nested_titles():
    from sources.citations import title_html

    assert title_html('"Be Careful": Soviet Letters on *Pravda*\'s Line <b>') == (
        "“Be Careful”: Soviet Letters on <i>Pravda</i>’s Line &lt;b&gt;"
    )
