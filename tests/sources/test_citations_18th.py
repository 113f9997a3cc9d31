"""Chicago (18th ed.), the default, and the fixes that hold in both editions.

Paragraph numbers are the 18th edition's chapter 13 first, then the 17th's chapter 14 where
the rule is shared. Expected strings from the Manual's own examples (or its quick guide)
are marked "CMOS example". test_citations.py holds the 17th edition in full.
"""

from __future__ import annotations

import datetime
from dataclasses import replace

import pytest
from django.core.exceptions import ImproperlyConfigured

from sources.citations import (
    NATURES,
    CitationSource,
    Name,
    bibliography,
    edition,
    note,
    short_note,
)
from sources.dates import PartialDate

CURIOUS_MIND = CitationSource(
    "book",
    title="A Curious Mind: The Secret to a Bigger Life",
    authors=(Name("Grazer", "Brian"), Name("Fishman", "Charles")),
    place="New York",
    publisher="Simon & Schuster",
    date=PartialDate(2015),
)
IN_OTHER_WORDS = CitationSource(
    "book",
    title="In Other Words",
    authors=(Name("Lahiri", "Jhumpa"),),
    translators=(Name("Goldstein", "Ann"),),
    place="New York",
    publisher="Alfred A. Knopf",
    date=PartialDate(2016),
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
LIVY = CitationSource(
    "journal_article",
    title="Livy and the *Pax Deum*",
    authors=(Name("Satterfield", "Susan"),),
    container_title="Classical Philology",
    volume="111",
    issue="2",
    season="Spring",
    date=PartialDate(2016),
    pages="165-176",
)
PRIVACY = CitationSource(
    "website",
    title="Privacy Policy",
    container_title="Privacy & Terms",
    site_owner="Google",
    date=PartialDate(2017, 4, 17),
    url="https://www.google.com/policies/privacy/",
)
HAPPY_MEAL = CitationSource(
    "website",
    title="McDonald's Happy Meal Toy Safety Facts",
    site_owner="McDonald's Corporation",
    accessed=datetime.date(2008, 7, 19),
    url="http://www.mcdonalds.com/corp/about/factsheets.html",
)
BLACK_HOLE = CitationSource(
    "video",
    title="How to Take a Picture of a Black Hole",
    authors=(Name("Bouman", "Katie"),),
    occasion="TEDxBeaconStreet",
    place="Brookline, MA",
    date=PartialDate(2016, 11),
    duration="12:51",
    url="https://www.ted.com/talks/katie_bouman_what_does_a_black_hole_look_like",
)
CROSSFIRE = CitationSource(
    "video",
    title="Crossfire",
    directors=(Name("Dmytryk", "Edward"),),
    place="Burbank, CA",
    publisher="RKO Radio Pictures",
    date=PartialDate(1947),
    description="Feature film",
)
SPOCK = CitationSource(
    "interview",
    title="Interview",
    untitled=True,
    authors=(Name("Spock", "Benjamin"),),
    interviewer=Name("Senn", "Milton J. E."),
    date=PartialDate(1974, 11, 20),
    description="transcript",
    archive="",
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
CIA = Name("Central Intelligence Agency", organisation=True)
REPORT = CitationSource(
    "government_document",
    title="Soviet Foreign Policy",
    authors=(CIA,),
    place="Washington, DC",
    publisher="Government Printing Office",
    date=PartialDate(1960),
)


def authors(n: int) -> tuple[Name, ...]:
    return tuple(Name(f"Author{i}", "A.") for i in range(1, n + 1))


# The edition switch


def test_the_18th_edition_is_the_default_before_the_setting_exists(settings):
    del settings.CITATION_STYLE
    assert edition() == 18


@pytest.mark.parametrize(("style", "number"), [("chicago-18", 18), ("chicago-17", 17)])
def test_the_setting_chooses_the_edition(settings, style, number):
    settings.CITATION_STYLE = style
    assert edition() == number


def test_an_unknown_style_names_the_setting(settings):
    settings.CITATION_STYLE = "chicago-16"
    with pytest.raises(ImproperlyConfigured, match="CITATION_STYLE"):
        note(CURIOUS_MIND)


def test_every_public_function_follows_the_setting(settings):
    settings.CITATION_STYLE = "chicago-17"
    assert "New York: Simon" in note(CURIOUS_MIND)
    assert "New York: Simon" in bibliography(CURIOUS_MIND)
    settings.CITATION_STYLE = "chicago-18"
    assert "(Simon &amp; Schuster, 2015)" in note(CURIOUS_MIND)


def test_an_explicit_edition_overrides_the_setting(settings):
    settings.CITATION_STYLE = "chicago-17"
    assert note(CURIOUS_MIND, "12", edition=18) == (
        "Brian Grazer and Charles Fishman, <i>A Curious Mind: The Secret to a Bigger Life</i> "
        "(Simon &amp; Schuster, 2015), 12."
    )
    settings.CITATION_STYLE = "chicago-18"
    assert bibliography(CURIOUS_MIND, edition=17).endswith("New York: Simon &amp; Schuster, 2015.")
    three = replace(CURIOUS_MIND, authors=authors(3))
    assert short_note(three, edition=17) == "Author1, Author2, and Author3, <i>Curious Mind</i>."


def test_an_edition_other_than_17_or_18_is_refused():
    with pytest.raises(ValueError, match="17 or 18"):
        note(CURIOUS_MIND, edition=16)


def test_the_edition_in_force_is_put_back_after_each_citation():
    four = replace(CURIOUS_MIND, authors=authors(3))
    note(four, edition=17)
    assert note(four).startswith("A. Author1 et al.,")


# Books: no place of publication, CMOS 18 13.95 (17th: 14.127)


def test_a_book_note_gives_publisher_and_year_only():
    # CMOS example (18th ed. quick guide).
    assert note(CURIOUS_MIND, "12") == (
        "Brian Grazer and Charles Fishman, <i>A Curious Mind: The Secret to a Bigger Life</i> "
        "(Simon &amp; Schuster, 2015), 12."
    )


def test_a_book_short_note_drops_the_initial_article():
    # CMOS example: "Grazer and Fishman, Curious Mind, 37." (18 13.33; 17 14.30).
    assert short_note(CURIOUS_MIND, "37") == "Grazer and Fishman, <i>Curious Mind</i>, 37."


def test_a_book_bibliography_entry_gives_publisher_and_year_only():
    # CMOS example (18 13.78 for the comma before "and").
    assert bibliography(CURIOUS_MIND) == (
        "Grazer, Brian, and Charles Fishman. <i>A Curious Mind: The Secret to a Bigger "
        "Life</i>. Simon &amp; Schuster, 2015."
    )


def test_a_book_with_a_place_but_no_publisher_keeps_the_place():
    # CMOS 18 13.95: books before 1900 are often cited by place alone.
    old = replace(CURIOUS_MIND, publisher="", date=PartialDate(1790))
    assert note(old).endswith("(New York, 1790).")


def test_an_edition_and_editor_keep_their_places_without_the_city():
    book = replace(CURIOUS_MIND, edition="2", editors=(Name("Smith", "Ann"),))
    assert note(book) == (
        "Brian Grazer and Charles Fishman, <i>A Curious Mind: The Secret to a Bigger Life</i>, "
        "ed. Ann Smith, 2nd ed. (Simon &amp; Schuster, 2015)."
    )


def test_a_chapter_note_and_bibliography_entry_drop_the_city():
    # CMOS example (chapter in an edited book), 17 14.103; the 18th drops "Minneapolis:".
    assert note(WALKING, "177-178") == (
        "Henry David Thoreau, “Walking,” in <i>The Making of the American Essay</i>, ed. John "
        "D’Agata (Graywolf Press, 2016), 177–78."
    )
    assert short_note(WALKING, "177-78") == "Thoreau, “Walking,” 177–78."
    assert bibliography(WALKING) == (
        "Thoreau, Henry David. “Walking.” In <i>The Making of the American Essay</i>, edited by "
        "John D’Agata, 167–95. Graywolf Press, 2016."
    )


def test_a_published_government_report_drops_the_city():
    assert note(REPORT, "4") == (
        "Central Intelligence Agency, <i>Soviet Foreign Policy</i> (Government Printing Office, "
        "1960), 4."
    )
    assert (
        short_note(REPORT, "4") == "Central Intelligence Agency, <i>Soviet Foreign Policy</i>, 4."
    )
    assert bibliography(REPORT) == (
        "Central Intelligence Agency. <i>Soviet Foreign Policy</i>. Government Printing Office, "
        "1960."
    )


def test_a_repeated_author_is_spelled_out_in_every_entry():
    # CMOS 18 13.72: no 3-em dash for a repeated name.
    other = replace(CURIOUS_MIND, title="Face to Face")
    assert bibliography(other).startswith("Grazer, Brian, and Charles Fishman. <i>Face")
    assert "—" not in bibliography(other)


# Many authors, CMOS 18 13.78 (17th: 14.76)

NIKITA = CitationSource("book", title="Nikita Khrushchev", publisher="Yale", date=PartialDate(2000))


def test_two_authors_are_both_named_everywhere():
    book = replace(NIKITA, authors=authors(2))
    assert note(book).startswith("A. Author1 and A. Author2, <i>")
    assert short_note(book) == "Author1 and Author2, <i>Nikita Khrushchev</i>."
    assert bibliography(book).startswith("Author1, A., and A. Author2. <i>")


def test_three_authors_are_et_al_in_notes_and_listed_in_the_bibliography():
    book = replace(NIKITA, authors=authors(3))
    assert note(book, "5") == "A. Author1 et al., <i>Nikita Khrushchev</i> (Yale, 2000), 5."
    assert short_note(book, "5") == "Author1 et al., <i>Nikita Khrushchev</i>, 5."
    assert bibliography(book) == (
        "Author1, A., A. Author2, and A. Author3. <i>Nikita Khrushchev</i>. Yale, 2000."
    )


def test_three_authors_are_all_named_in_17th_edition_notes():
    book = replace(NIKITA, authors=authors(3))
    assert note(book, edition=17).startswith("A. Author1, A. Author2, and A. Author3, <i>")


def test_six_authors_are_all_listed_in_the_bibliography():
    entry = bibliography(replace(NIKITA, authors=authors(6)))
    assert entry.startswith(
        "Author1, A., A. Author2, A. Author3, A. Author4, A. Author5, and A. Author6. <i>"
    )


def test_seven_authors_are_the_first_three_and_et_al_in_the_bibliography():
    book = replace(NIKITA, authors=authors(7))
    assert bibliography(book) == (
        "Author1, A., A. Author2, A. Author3, et al. <i>Nikita Khrushchev</i>. Yale, 2000."
    )
    assert bibliography(book, edition=17).startswith(
        "Author1, A., A. Author2, A. Author3, A. Author4, A. Author5, A. Author6, and "
        "A. Author7. <i>"
    )


def test_an_organisation_as_author_is_never_inverted_or_shortened():
    state = Name("Department of State", organisation=True)
    report = replace(REPORT, authors=(CIA, state))
    assert bibliography(report).startswith(
        "Central Intelligence Agency and Department of State. <i>Soviet"
    )
    assert short_note(report).startswith("Central Intelligence Agency and Department of State, ")


def test_a_family_name_first_name_is_never_inverted():
    # CMOS 18 13.81 (and 8.14 for Chinese names): "Mao Zedong" in notes and bibliography.
    mao = Name("Mao", "Zedong", family_first=True)
    book = replace(NIKITA, title="Selected Works", authors=(mao,))
    assert note(book) == "Mao Zedong, <i>Selected Works</i> (Yale, 2000)."
    assert short_note(book) == "Mao, <i>Selected Works</i>."
    assert bibliography(book) == "Mao Zedong. <i>Selected Works</i>. Yale, 2000."
    both = replace(book, authors=(mao, Name("Zhou", "Enlai", family_first=True)))
    assert bibliography(both).startswith("Mao Zedong and Zhou Enlai. <i>")
    assert bibliography(both, edition=17).startswith("Mao Zedong and Zhou Enlai. <i>")


# Short titles, CMOS 18 13.33 (17th: 14.30), in both editions


@pytest.mark.parametrize("number", [17, 18])
def test_a_short_title_drops_a_leading_a_an_or_the(number):
    assert short_note(CURIOUS_MIND, edition=number) == "Grazer and Fishman, <i>Curious Mind</i>."
    film = replace(CROSSFIRE, title="The Big Lebowski")  # CMOS example: "Big Lebowski"
    assert short_note(film, edition=number) == "<i>Big Lebowski</i>."
    an = replace(NIKITA, authors=authors(1), title="An Empire of Its Own")
    assert short_note(an, edition=number) == "Author1, <i>Empire of Its Own</i>."


def test_a_one_word_title_that_is_an_article_is_kept():
    assert short_note(replace(NIKITA, authors=authors(1), title="The")) == "Author1, <i>The</i>."


def test_a_short_title_keeps_a_short_italic_phrase_whole():
    article = replace(LIVY, title="Khrushchev and the *Détente à la française* in Europe")
    assert short_note(article) == (
        "Satterfield, “Khrushchev and the <i>Détente à la française</i>.”"
    )


def test_a_short_title_cuts_before_a_long_italic_phrase():
    article = replace(
        LIVY, title="Readers of *On the Cult of Personality and Its Consequences* in Poland"
    )
    assert short_note(article) == "Satterfield, “Readers.”"


def test_a_subtitle_colon_inside_an_italic_phrase_does_not_end_the_main_title():
    article = replace(LIVY, title="Reading *Zhivago: A Novel*: Soviet Responses")
    assert short_note(article) == "Satterfield, “Reading <i>Zhivago: A Novel</i>.”"


def test_an_italic_title_at_the_start_keeps_its_article():
    article = replace(LIVY, title="*The Thaw* Reconsidered by Soviet Writers")
    assert short_note(article) == "Satterfield, “<i>The Thaw</i> Reconsidered.”"


# Journal articles: season dates, CMOS 17 14.171, unchanged in the 18th


def test_a_journal_issue_dated_by_season():
    assert note(LIVY, "170") == (
        "Susan Satterfield, “Livy and the <i>Pax Deum</i>,” <i>Classical Philology</i> 111, "
        "no. 2 (Spring 2016): 170."
    )
    assert bibliography(LIVY) == (
        "Satterfield, Susan. “Livy and the <i>Pax Deum</i>.” <i>Classical Philology</i> 111, "
        "no. 2 (Spring 2016): 165–76."
    )
    assert bibliography(LIVY, edition=17) == bibliography(LIVY)


def test_a_season_is_capitalised_whatever_was_typed():
    assert "(Winter 2016)" in note(replace(LIVY, season="winter"))


def test_a_journal_page_range_is_abbreviated():
    assert note(replace(LIVY, season=""), "1496-1500").endswith("(2016): 1496–500.")


# Translated works, CMOS 17 14.104, unchanged in the 18th


@pytest.mark.parametrize(
    ("number", "publisher"), [(18, "Alfred A. Knopf"), (17, "New York: Alfred A. Knopf")]
)
def test_a_translated_book_names_the_translator(number, publisher):
    # CMOS example (quick guide, "Translated book").
    assert note(IN_OTHER_WORDS, "146", edition=number) == (
        f"Jhumpa Lahiri, <i>In Other Words</i>, trans. Ann Goldstein ({publisher}, 2016), 146."
    )
    assert (
        short_note(IN_OTHER_WORDS, "146", edition=number) == "Lahiri, <i>In Other Words</i>, 146."
    )
    assert bibliography(IN_OTHER_WORDS, edition=number) == (
        f"Lahiri, Jhumpa. <i>In Other Words</i>. Translated by Ann Goldstein. {publisher}, 2016."
    )


def test_an_editor_comes_before_a_translator():
    book = replace(IN_OTHER_WORDS, editors=(Name("Lonitz", "Henri"),))
    assert "<i>In Other Words</i>, ed. Henri Lonitz, trans. Ann Goldstein (" in note(book)
    assert ". Edited by Henri Lonitz. Translated by Ann Goldstein. Alfred" in bibliography(book)


def test_one_person_editing_and_translating_is_named_once():
    goldstein = (Name("Goldstein", "Ann"),)
    book = replace(IN_OTHER_WORDS, editors=goldstein)
    assert "<i>In Other Words</i>, ed. and trans. Ann Goldstein (" in note(book)
    assert ". Edited and translated by Ann Goldstein. Alfred" in bibliography(book)


def test_a_translated_chapter_names_the_translator_inside_the_book():
    chapter = replace(WALKING, translators=(Name("Smith", "Ann"),))
    assert "Essay</i>, ed. John D’Agata, trans. Ann Smith (Graywolf" in note(chapter)
    assert "Essay</i>, edited by John D’Agata, translated by Ann Smith, 167–95." in bibliography(
        chapter
    )


def test_a_translated_speech_names_the_translator_after_the_occasion():
    speech = CitationSource(
        "speech",
        title="On the Cult of Personality and Its Consequences",
        authors=(Name("Khrushchev", "Nikita"),),
        translators=(Name("Smith", "Ann"),),
        place="Moscow",
        date=PartialDate(1956, 2, 25),
    )
    assert note(speech) == (
        "Nikita Khrushchev, “On the Cult of Personality and Its Consequences” (speech, Moscow, "
        "February 25, 1956), trans. Ann Smith."
    )
    assert bibliography(speech) == (
        "Khrushchev, Nikita. “On the Cult of Personality and Its Consequences.” Speech, Moscow, "
        "February 25, 1956. Translated by Ann Smith."
    )


# Web pages, CMOS 18 13.110–13.111 (17th: 14.206–14.207)


@pytest.mark.parametrize("number", [17, 18])
def test_a_web_page_with_an_owner_and_no_author(number):
    # CMOS example: the owner after the site in the note, first in short note and bibliography.
    assert note(PRIVACY, edition=number) == (
        "“Privacy Policy,” Privacy &amp; Terms, Google, last modified April 17, 2017, "
        "https://www.google.com/policies/privacy/."
    )
    assert short_note(PRIVACY, edition=number) == "Google, “Privacy Policy.”"
    assert bibliography(PRIVACY, edition=number) == (
        "Google. “Privacy Policy.” Privacy &amp; Terms. Last modified April 17, 2017. "
        "https://www.google.com/policies/privacy/."
    )


def test_an_undated_web_page_cites_its_access_date_only():
    # CMOS example; the site is the owner's own, so it is named once.
    assert note(HAPPY_MEAL) == (
        "“McDonald’s Happy Meal Toy Safety Facts,” McDonald’s Corporation, accessed July 19, "
        "2008, http://www.mcdonalds.com/corp/about/factsheets.html."
    )
    assert bibliography(HAPPY_MEAL) == (
        "McDonald’s Corporation. “McDonald’s Happy Meal Toy Safety Facts.” Accessed July 19, "
        "2008. http://www.mcdonalds.com/corp/about/factsheets.html."
    )
    assert "modified" not in note(HAPPY_MEAL) + bibliography(HAPPY_MEAL)


def test_a_site_named_like_its_owner_is_not_repeated():
    page = replace(HAPPY_MEAL, container_title="McDonald's Corporation")
    assert bibliography(page) == bibliography(HAPPY_MEAL)


def test_a_web_page_with_an_author_names_the_owner_after_the_site():
    page = replace(PRIVACY, authors=(Name("Clare", "John D."),))
    assert note(page).startswith("John D. Clare, “Privacy Policy,” Privacy &amp; Terms, Google, ")
    assert short_note(page) == "Clare, “Privacy Policy.”"
    assert bibliography(page).startswith(
        "Clare, John D. “Privacy Policy.” Privacy &amp; Terms, Google. Last modified"
    )


def test_a_web_page_with_neither_author_nor_owner_begins_with_its_title():
    page = replace(PRIVACY, site_owner="", date=None, accessed=datetime.date(2024, 1, 5))
    assert note(page) == (
        "“Privacy Policy,” Privacy &amp; Terms, accessed January 5, 2024, "
        "https://www.google.com/policies/privacy/."
    )
    assert bibliography(page) == (
        "“Privacy Policy.” Privacy &amp; Terms. Accessed January 5, 2024. "
        "https://www.google.com/policies/privacy/."
    )


# Interviews, CMOS 17 14.213–14.214, unchanged in the 18th


@pytest.mark.parametrize("number", [17, 18])
def test_an_untitled_interview_says_interview_once(number):
    # CMOS example (Spock): "interview by Milton J. E. Senn"; short form "Spock, interview."
    assert note(SPOCK, edition=number) == (
        "Benjamin Spock, interview by Milton J. E. Senn, November 20, 1974, transcript."
    )
    assert short_note(SPOCK, edition=number) == "Spock, interview."
    assert bibliography(SPOCK, edition=number) == (
        "Spock, Benjamin. Interview by Milton J. E. Senn. November 20, 1974. Transcript."
    )


def test_an_untitled_interview_described_only_in_its_description():
    interview = replace(SPOCK, title="", description="Interview by Milton J. E. Senn")
    interview = replace(interview, interviewer=None)
    assert note(interview) == "Benjamin Spock, interview by Milton J. E. Senn, November 20, 1974."
    assert bibliography(interview) == (
        "Spock, Benjamin. Interview by Milton J. E. Senn. November 20, 1974."
    )


def test_a_longer_description_of_an_untitled_interview_takes_the_interviewer():
    interview = replace(SPOCK, title="Interview on Soviet television", description="")
    assert note(interview) == (
        "Benjamin Spock, interview on Soviet television by Milton J. E. Senn, November 20, 1974."
    )
    assert short_note(interview) == "Spock, interview."


def test_a_titled_interview_names_the_interviewer_after_the_title():
    assert note(SERGEI, "1:02:15") == (
        "Sergei Khrushchev, “Soviet Perspective on the Cuban Missile Crisis from Nikita "
        "Khrushchev’s Son,” interview by Mary Ripley, <i>U.S. Naval Institute</i>, October 24, "
        "2012, video, at 1:02:15, https://www.usni.org/sergei-khrushchev."
    )
    assert short_note(SERGEI, "1:02:15") == "Khrushchev, “Soviet Perspective,” at 1:02:15."
    assert bibliography(SERGEI) == (
        "Khrushchev, Sergei. “Soviet Perspective on the Cuban Missile Crisis from Nikita "
        "Khrushchev’s Son.” Interview by Mary Ripley. <i>U.S. Naval Institute</i>, October 24, "
        "2012. Video. https://www.usni.org/sergei-khrushchev."
    )


# Films and filmed talks, CMOS 17 14.265–14.267, unchanged in the 18th


@pytest.mark.parametrize(
    ("number", "studio"), [(18, "RKO Radio Pictures"), (17, "Burbank, CA: RKO Radio Pictures")]
)
def test_a_feature_film_is_italic_with_its_director(number, studio):
    # CMOS 14.265 (Crossfire, directed by Edward Dmytryk).
    assert note(CROSSFIRE, "1:02:03", edition=number) == (
        f"<i>Crossfire</i>, directed by Edward Dmytryk ({studio}, 1947), feature film, at 1:02:03."
    )
    assert short_note(CROSSFIRE, "1:02:03", edition=number) == "<i>Crossfire</i>, at 1:02:03."
    assert bibliography(CROSSFIRE, edition=number) == (
        f"<i>Crossfire</i>. Directed by Edward Dmytryk. {studio}, 1947. Feature film."
    )


def test_a_film_is_known_by_its_director_or_its_description():
    by_director = replace(CROSSFIRE, description="")
    assert (
        note(by_director)
        == "<i>Crossfire</i>, directed by Edward Dmytryk (RKO Radio Pictures, 1947)."
    )
    documentary = replace(CROSSFIRE, directors=(), description="Documentary")
    assert note(documentary) == "<i>Crossfire</i> (RKO Radio Pictures, 1947), documentary."


@pytest.mark.parametrize("number", [17, 18])
def test_a_talk_filmed_at_an_event_says_filmed_at(number):
    # CMOS example, 17 14.267 (Bouman, TEDxBeaconStreet).
    assert note(BLACK_HOLE, edition=number) == (
        "Katie Bouman, “How to Take a Picture of a Black Hole,” filmed November 2016 at "
        "TEDxBeaconStreet, Brookline, MA, video, 12:51, "
        "https://www.ted.com/talks/katie_bouman_what_does_a_black_hole_look_like."
    )
    assert bibliography(BLACK_HOLE, edition=number) == (
        "Bouman, Katie. “How to Take a Picture of a Black Hole.” Filmed November 2016 at "
        "TEDxBeaconStreet, Brookline, MA. Video, 12:51. "
        "https://www.ted.com/talks/katie_bouman_what_does_a_black_hole_look_like."
    )


def test_a_full_date_before_at_closes_with_a_comma():
    # CMOS 17 6.41 (unchanged in the 18th): a full date mid-sentence is followed by a comma.
    dated = replace(BLACK_HOLE, date=PartialDate(1960, 10, 3))
    assert "filmed October 3, 1960, at TEDxBeaconStreet" in note(dated)


def test_a_recorded_talk_with_a_poster_keeps_the_date_with_the_event():
    talk = replace(BLACK_HOLE, nature="audio", publisher="TED", duration="")
    assert note(talk).startswith(
        "Katie Bouman, “How to Take a Picture of a Black Hole,” recorded November 2016 at "
        "TEDxBeaconStreet, Brookline, MA, audio, posted by TED, https://"
    )
    assert ". Audio. Posted by TED. https://" in bibliography(talk)


# Descriptions: only a leading common noun is lower-cased, in both editions

NEWSREEL = CitationSource(
    "video",
    title="Khrushchev Threatens Hammarskjöld & UN",
    description="British Pathé newsreel",
    date=PartialDate(1960),
    url="https://www.britishpathe.com/asset/45441",
)


@pytest.mark.parametrize(
    ("description", "in_note"),
    [
        ("British Pathé newsreel", "British Pathé newsreel"),
        ("YouTube video", "YouTube video"),
        ("Soviet newsreel", "Soviet newsreel"),
        ("Newsreel", "newsreel"),
        ("Television broadcast", "television broadcast"),
        ("BBC documentary clip", "BBC documentary clip"),
        ("Film footage", "film footage"),
    ],
)
def test_a_description_keeps_a_proper_noun_capital_in_the_note(description, in_note):
    video = replace(NEWSREEL, description=description)
    assert f"UN,” {in_note}, 1960, https://" in note(video)
    assert f"UN.” {description[0].upper()}{description[1:]}, 1960." in bibliography(video)


def test_a_classification_is_lowered_but_a_nationality_is_not():
    memo = CitationSource(
        "government_document",
        title="Khrushchev's Views",
        authors=(CIA,),
        classification="Top secret",
        description="briefing paper",
        date=PartialDate(1955, 9),
    )
    assert "(top secret briefing paper, September 1955)" in note(memo)
    british = replace(memo, classification="", description="British Foreign Office minute")
    assert "(British Foreign Office minute, September 1955)" in note(british)


# Every nature, both editions


@pytest.mark.parametrize("number", [17, 18])
@pytest.mark.parametrize("nature", NATURES)
def test_every_nature_gives_all_three_forms_in_both_editions(nature, number):
    source = CitationSource(
        nature,
        title="The Thaw",
        authors=(Name("Khrushchev", "Nikita"),),
        publisher="Progress",
        date=PartialDate(1959),
    )
    assert bibliography(source, edition=number).startswith("Khrushchev, Nikita.")
    assert note(source, edition=number).startswith("Nikita Khrushchev")
    short = short_note(source, edition=number)
    assert short.startswith("Khrushchev, ")
    if nature != "letter":  # a letter is known by its correspondents and date (14.111)
        assert "The Thaw" not in short and "Thaw" in short
