"""An answer that footnotes itself (issue 16): markers in a section's text become numbered
Chicago notes, a works-cited list and word counts. No database: the lesson sources,
annotations and answer format are small stand-ins with the attributes `citing` reads.

Notes are compared with `sources.citations` itself, so these tests say which note a
citation gets (full or short, with which locator) and leave the note's wording to
tests/sources/test_citations.py.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

from lessons.services.citing import (
    MARKER,
    Essay,
    build,
    count_words,
    essay,
    joined,
    locator_of,
    sections_of,
    sort_key,
    without_markers,
)
from sources import citations
from sources.citations import CitationSource, Name, bibliography, note, plain, short_note
from sources.dates import PartialDate

KHRUSHCHEV = Name("Khrushchev", "Nikita S.")

# One source of every nature the formatter knows.
BY_NATURE = {
    "speech": CitationSource(
        "speech",
        title="On the Cult of Personality and Its Consequences",
        authors=(KHRUSHCHEV,),
        occasion="Twentieth Congress of the Communist Party of the Soviet Union",
        place="Moscow",
        date=PartialDate(1956, 2, 25),
    ),
    "journal_article": CitationSource(
        "journal_article",
        title="On Peaceful Coexistence",
        authors=(KHRUSHCHEV,),
        date=PartialDate(1959, 10),
        container_title="Foreign Affairs",
        volume="38",
        issue="1",
        pages="1-18",
    ),
    "book": CitationSource(
        "book",
        title="A History of Modern Russia: From Tsarism to the Twenty-First Century",
        authors=(Name("Service", "Robert"),),
        edition="3",
        place="Cambridge, MA",
        publisher="Harvard University Press",
        date=PartialDate(2009),
    ),
    "book_chapter": CitationSource(
        "book_chapter",
        title="The Thaw and Its Limits",
        authors=(Name("Taubman", "William"),),
        editors=(Name("Leffler", "Melvyn P."),),
        container_title="The Cambridge History of the Cold War",
        place="Cambridge",
        publisher="Cambridge University Press",
        date=PartialDate(2010),
        pages="101-128",
    ),
    "newspaper_article": CitationSource(
        "newspaper_article",
        title="Khrushchev Tours an Iowa Farm",
        authors=(Name("Salisbury", "Harrison E."),),
        container_title="New York Times",
        date=PartialDate(1959, 9, 24),
    ),
    "government_document": CitationSource(
        "government_document",
        title="Khrushchev's Views on Coexistence",
        authors=(Name("Central Intelligence Agency", organisation=True),),
        classification="Top secret",
        description="briefing paper",
        date=PartialDate(1955, 9),
        identifier="CIA-RDP79R00890A000600010012-4",
        archive="CIA FOIA Electronic Reading Room",
    ),
    "letter": CitationSource(
        "letter",
        authors=(Name("Petrov", "Ivan"),),
        recipient=KHRUSHCHEV,
        date=PartialDate(1959, 9, 30),
        archive="Russian State Archive of Contemporary History",
        place="Moscow",
    ),
    "cartoon": CitationSource(
        "cartoon",
        title="The Thaw",
        authors=(Name("Efimov", "Boris"),),
        container_title="Krokodil",
        date=PartialDate(1955),
    ),
    "photograph": CitationSource(
        "photograph",
        title="Khrushchev and Nixon in the Kitchen",
        authors=(Name("Safire", "William"),),
        date=PartialDate(1959, 7, 24),
        archive="Associated Press",
    ),
    "video": CitationSource(
        "video",
        title="Khrushchev Threatens Hammarskjöld & UN",
        description="newsreel",
        duration="12:03",
        publisher="British Pathé",
        date=PartialDate(1960),
        url="https://www.britishpathe.com/asset/45441",
    ),
    "audio": CitationSource(
        "audio",
        title="Khrushchev in America",
        container_title="Cold War Conversations",
        description="podcast audio",
        duration="48:10",
        date=PartialDate(2019, 9, 15),
    ),
    "interview": CitationSource(
        "interview",
        title="Soviet Perspective on the Cuban Missile Crisis",
        authors=(Name("Khrushchev", "Sergei"),),
        interviewer=Name("Ripley", "Mary"),
        container_title="U.S. Naval Institute",
        date=PartialDate(2012, 10, 24),
    ),
    "textbook": CitationSource(
        "textbook",
        title="The Cold War, 1945-1991",
        authors=(Name("Lowe", "Norman"),),
        place="London",
        publisher="Hodder",
        date=PartialDate(2015),
    ),
    "website": CitationSource(
        "website",
        title="Khrushchev and Peaceful Co-existence",
        authors=(Name("Clare", "John D."),),
        container_title="John D. Clare's History Site",
        accessed=datetime.date(2013, 4, 1),
        url="http://www.johndclare.net/cold_war11.htm",
    ),
}


class Source:
    """A lesson source as `citing` reads it, counting how often its citation is built."""

    def __init__(self, pk: int, label: str, src: CitationSource):
        self.pk, self.label, self.cite, self.built = pk, label, src, 0
        self.source = self

    def citation_source(self) -> CitationSource:
        self.built += 1
        return self.cite

    def __repr__(self) -> str:
        return f"Source {self.label}"


def lesson(**by_label: CitationSource) -> list[Source]:
    return [Source(pk, label, src) for pk, (label, src) in enumerate(by_label.items(), 1)]


def annotation(*highlight_ids: str, regions: tuple[str, ...] = ()) -> SimpleNamespace:
    return SimpleNamespace(
        highlights=[{"id": h, "quote": f"quote {h}"} for h in highlight_ids],
        regions=[{"id": r, "x": 0.1} for r in regions],
    )


def one(text: str, sources=None, **kwargs) -> Essay:
    sources = lesson(C=BY_NATURE["journal_article"]) if sources is None else sources
    return build([("s", "Section", text)], lesson_sources=sources, **kwargs)


def test_there_is_a_source_here_for_every_nature_the_formatter_supports():
    assert set(BY_NATURE) == set(citations._FORMS) == set(citations.NATURES)


# Notes


@pytest.mark.parametrize("nature", BY_NATURE)
def test_the_first_citation_gets_the_full_note_and_later_ones_the_short_note(nature):
    src = BY_NATURE[nature]
    result = build(
        [("one", "One", "A claim [@A, p. 12]. Another [@A]."), ("two", "Two", "Again [@A, 14].")],
        lesson_sources=lesson(A=src),
    )
    assert [(n.number, n.first, n.section, n.locator) for n in result.notes] == [
        (1, True, "one", "12"),
        (2, False, "one", ""),
        (3, False, "two", "14"),
    ]
    first, again, later = (n.html for n in result.notes)
    assert first == note(src, "12") and "12" in plain(first)
    assert again == short_note(src) and len(plain(again)) < len(plain(note(src)))
    assert later == short_note(src, "14")
    assert result.works_cited == [(result.notes[0].lesson_source, bibliography(src))]


def test_a_journal_article_cited_with_and_without_a_page():
    result = one("Coexistence [@C, p. 3]. Peace [@C]. Again [@C, 5].")
    assert [n.html for n in result.notes] == [
        "Nikita S. Khrushchev, “On Peaceful Coexistence,” <i>Foreign Affairs</i> 38, no. 1 "
        "(October 1959): 3.",
        "Khrushchev, “On Peaceful Coexistence.”",
        "Khrushchev, “On Peaceful Coexistence,” 5.",
    ]


def test_a_work_cited_first_without_a_page_gets_the_full_note_without_one():
    book = BY_NATURE["book"]
    result = one("Russia [@S]. Later [@S, pp. 350-356].", lesson(S=book))
    assert result.notes[0].html == note(book)
    assert plain(result.notes[0].html).endswith("Harvard University Press, 2009).")
    assert plain(result.notes[1].html) == "Service, History of Modern Russia, 350–56."


@pytest.mark.parametrize("nature", ["video", "audio"])
def test_a_recording_is_cited_at_a_time_stamp(nature):
    src = BY_NATURE[nature]
    result = one("Threats [@F, 4:45]. Again [@F, at 1:02:03].", lesson(F=src))
    assert [n.locator for n in result.notes] == ["4:45", "1:02:03"]
    assert result.notes[0].html == note(src, "4:45") and ", at 4:45" in result.notes[0].html
    assert result.notes[1].html == short_note(src, "1:02:03")
    assert result.notes[1].html.endswith(" at 1:02:03.")


@pytest.mark.parametrize(
    ("typed", "locator"),
    [
        ("12", "12"),
        ("p. 12", "12"),
        ("p.12", "12"),
        ("P 12", "12"),
        ("p12", "12"),
        ("pp. 12-14", "12-14"),
        ("pp 12–14", "12–14"),
        ("pg. 7", "7"),
        ("page  7 ", "7"),
        ("pages 3-4,", "3-4"),
        ("at 4:45", "4:45"),
        ("4:45", "4:45"),
        ("xi", "xi"),
        ("", ""),
        (None, ""),
    ],
)
def test_a_typed_page_or_time_loses_its_page_word(typed, locator):
    assert locator_of(typed) == locator


@pytest.mark.parametrize(
    ("typed", "printed"),
    [("p. 12", "12"), ("pp. 12-14", "12–14"), ("pp. 321 - 328", "321–28"), ("3, 7-9", "3, 7–9")],
)
def test_a_page_range_is_printed_as_the_formatter_prints_ranges(typed, printed):
    result = one(f"Claim [@C, {typed}]. Again [@C, {typed}].")
    assert plain(result.notes[0].html).endswith(f"(October 1959): {printed}.")
    assert plain(result.notes[1].html) == f"Khrushchev, “On Peaceful Coexistence,” {printed}."


def test_notes_are_numbered_in_reading_order_across_the_sections():
    sources = lesson(A=BY_NATURE["speech"], B=BY_NATURE["book"], C=BY_NATURE["cartoon"])
    result = build(
        [
            ("sources", "Sources", "First [@B] then [@A, 4]."),
            ("empty", "Nothing yet", ""),
            ("investigation", "Investigation", "A cartoon [@C].\n\nThe speech again [@A, 5]."),
            ("reflection", "Reflection", "And the book [@B, 9]."),
        ],
        lesson_sources=sources,
    )
    assert [(n.number, n.lesson_source.label, n.section, n.first) for n in result.notes] == [
        (1, "B", "sources", True),
        (2, "A", "sources", True),
        (3, "C", "investigation", True),
        (4, "A", "investigation", False),
        (5, "B", "reflection", False),
    ]
    investigation = result.parts[2].html
    assert 'href="#note-3" id="ref-3"' in investigation and 'id="ref-4"' in investigation
    assert "[@" not in "".join(part.html for part in result.parts)
    assert result.parts[1].html == "" and result.parts[1].words == 0


def test_each_source_s_citation_is_built_once_however_often_it_is_cited():
    sources = lesson(A=BY_NATURE["speech"], B=BY_NATURE["book"])
    one("[@A] [@A, 2] [@B] [@A, 3] [@B, 4]", sources)
    assert [s.built for s in sources] == [1, 1]


def test_lower_case_and_spaced_labels_resolve():
    result = one("Peace [@c, 3]. Again [@ C ].")
    assert [(n.lesson_source.label, n.first) for n in result.notes] == [("C", True), ("C", False)]
    assert not result.problems


@pytest.mark.parametrize(
    "text",
    ["[@]", "[@C", "[@C, 12", "[@C 12]", "[@Khrushchev1959]", "[C]", "@C", "[ @C]", "[@C, [3]]"],
)
def test_a_malformed_marker_is_left_as_text_and_is_no_citation(text):
    result = one(f"Before {text} after")
    assert not result.notes and not result.problems and not result.works_cited
    assert result.parts[0].html == f"<p>Before {text} after</p>"
    assert result.parts[0].words == len(f"Before {text} after".split())


def test_an_unclosed_marker_does_not_swallow_the_next_one():
    result = one("Broken [@C, 12 and whole [@C, 14].")
    assert [n.locator for n in result.notes] == ["14"]
    assert "Broken [@C, 12 and whole <sup" in result.parts[0].html


@pytest.mark.parametrize(
    ("marker", "label", "locator", "evidence"),
    [
        ("[@C]", "C", None, None),
        ("[@C, 12]", "C", "12", None),
        ("[@C, p. 12-14]", "C", "p. 12-14", None),
        ("[@F, 4:45]", "F", "4:45", None),
        ("[@C #3fa9c2d1]", "C", None, "3fa9c2d1"),
        ("[@C, 12 #3fa9c2d1]", "C", "12", "3fa9c2d1"),
        ("[@AB,12#h-1_2]", "AB", "12", "h-1_2"),
    ],
)
def test_the_marker_forms_the_issue_names(marker, label, locator, evidence):
    match = MARKER.fullmatch(marker)
    assert (match["label"], match["locator"], match["evidence"]) == (label, locator, evidence)


# Works cited


def test_works_cited_lists_exactly_the_cited_works_and_hidden_ones_last_by_label():
    sources = lesson(
        A=BY_NATURE["speech"],
        B=BY_NATURE["book"],
        X=BY_NATURE["cartoon"],
        D=BY_NATURE["letter"],
    )
    result = build(
        [("one", "One", "Hidden [@X, pp. 12-14] and [@B]."), ("two", "Two", "Again [@x] [@A].")],
        lesson_sources=sources,
        hidden=[3],
    )
    assert [plain(entry) for _, entry in result.works_cited] == [
        plain(bibliography(BY_NATURE["speech"])),  # Khrushchev
        plain(bibliography(BY_NATURE["book"])),  # Service
        "Source X.",
    ]
    assert [n.html for n in result.notes[:3]] == [
        "Source X, 12–14.",
        note(BY_NATURE["book"]),
        "Source X.",
    ]
    assert "Efimov" not in str(result.works_cited) + str([n.html for n in result.notes])
    assert result.uncited == [sources[3]]  # the letter, never cited, is not listed
    assert sources[2].built == 0  # a hidden source's maker is never looked up


def test_a_source_without_a_label_cannot_be_cited_but_is_reported_uncited():
    sources = lesson(A=BY_NATURE["speech"]) + [Source(7, "", BY_NATURE["book"])]
    sources.append(Source(8, "", BY_NATURE["cartoon"]))
    result = one("Cited [@A].", sources)
    assert result.uncited == sources[1:]


def titled(title: str, *authors: Name, nature: str = "book") -> CitationSource:
    return CitationSource(
        nature, title=title, authors=authors, publisher="P", date=PartialDate(2000)
    )


SMITH = Name("Smith", "John")


@pytest.mark.parametrize(
    "ordered",
    [
        # Leading articles are ignored, in a title that leads the entry or follows its author.
        [titled("The Apple"), titled("Banana"), titled("A Cherry", nature="journal_article")],
        [titled("Crimea", SMITH), titled("The Doves", SMITH), titled("Eagles", SMITH)],
        # A quoted title's opening quotation marks are ignored, curly or nested.
        [
            titled("Alpha", nature="website"),
            titled('"Beta" Reconsidered', nature="website"),
            titled("“The ‘Gamma’ Files”", nature="journal_article"),
            titled("Omega"),
        ],
        # The same author's works stay together, by title, whatever their nature.
        [
            titled("An Aardvark", SMITH, nature="journal_article"),
            titled("Zebra", SMITH),
            titled("Moles", Name("Smith", "Johnson")),
        ],
        # Letter by letter: names up to the comma, spaces and accents ignored.
        [
            titled("Memoir", Name("New", "Ann")),
            titled("Memoir", Name("Newman", "Bo")),
            titled("New York in 1959"),
            titled("Memoir", Name("Ölberg", "Ola")),
            titled("Memoir", Name("Olsen", "Per")),
        ],
        # One author's works come before those they wrote with others.
        [titled("Zebra", SMITH), titled("Apple", SMITH, Name("Doe", "Jane"))],
        # An initial is part of the name: same author, titles in order.
        [
            titled("Beta", Name("Khrushchev", "Nikita S."), nature="journal_article"),
            titled("The Crimea", Name("Khrushchev", "Nikita S.")),
            titled("Khrushchev Remembers"),
        ],
    ],
)
def test_works_cited_are_in_chicago_order(ordered):
    shuffled = ordered[::-1]
    labels = [chr(ord("A") + i) for i in range(len(shuffled))]
    sources = lesson(**dict(zip(labels, shuffled, strict=True)))
    result = one(" ".join(f"[@{label}]" for label in labels), sources)
    assert [entry for _, entry in result.works_cited] == [bibliography(s) for s in ordered]


def test_sort_key_reads_a_title_led_entry_in_curly_quotes_without_its_marks_or_article():
    assert sort_key("“The Thaw.” Cartoon. 1955.") == sort_key("<i>Thaw</i>. Cartoon. 1955.")
    assert sort_key("“‘A’ Is for Atom.”") < sort_key("“Bomb.”")
    assert sort_key("<i>The Apple</i>.") < sort_key("Banana, Ann. <i>Zoo</i>.")


# Word counts


def test_markers_are_not_words():
    assert without_markers("Peace [@C, p. 12 #h1] and war[@D].") == "Peace   and war."
    assert count_words("Peace [@C, p. 12 #h1] and war [@D].") == 3
    assert count_words("A claim.[@C] Another claim [@C, 3], and more.") == 6
    assert count_words("[@C]") == count_words("") == count_words(None) == 0


def test_word_counts_per_section_and_in_total_with_and_without_the_works_cited():
    sources = lesson(A=BY_NATURE["speech"], B=BY_NATURE["book"])
    sections = [
        ("sources", "Sources", "One two three [@A, 4]."),
        ("investigation", "Investigation", "Four [@B] five.\n\nSix [@A, 5] seven [@Z]."),
        ("reflection", "Reflection", "Eight."),
    ]
    rows = [SimpleNamespace(key="sources", suggested_words=500, word_limit=3, guidance="Say.")]
    result = build(sections, lesson_sources=sources, formats=rows)
    assert [part.words for part in result.parts] == [3, 4, 1]
    assert result.text_words == result.total_words == 8
    assert result.parts[0].suggested_words == 500 and result.parts[0].guidance == "Say."
    assert not result.parts[0].over_limit and result.parts[1].word_limit is None

    entries = [plain(entry) for _, entry in result.works_cited]
    assert result.works_cited_words == sum(len(entry.split()) for entry in entries) > 20
    result.counts_works_cited = True
    assert result.total_words == 8 + result.works_cited_words
    result.word_limit = 8
    assert result.over_limit
    result.counts_works_cited = False
    assert not result.over_limit


def test_a_section_over_its_own_limit_says_so():
    rows = [SimpleNamespace(key="s", suggested_words=None, word_limit=2, guidance="")]
    result = build([("s", "S", "one two [@Q] three")], lesson_sources=[], formats=rows)
    assert result.parts[0].words == 3 and result.parts[0].over_limit


# Problems and evidence


def test_a_citation_of_a_source_outside_the_lesson_is_a_problem_not_a_note():
    result = one("Claim [@Z, 4]. Good [@C].")
    assert [(p.section, p.marker) for p in result.problems] == [("s", "[@Z, 4]")]
    assert "Source Z" in result.problems[0].message
    assert [(n.number, n.first) for n in result.notes] == [(1, True)]
    assert '<mark class="cite-problem">[@Z, 4]</mark>' in result.parts[0].html


def test_a_citation_tied_to_the_student_s_own_highlight_or_region_carries_it():
    sources = lesson(C=BY_NATURE["journal_article"], D=BY_NATURE["cartoon"])
    mine = {1: annotation("h1", "h2", "h3"), 2: annotation("h9", regions=("r1",))}
    result = one("Claim [@C, 3 #h2]. Picture [@D #r1]. Again [@c #h2].", sources, annotations=mine)
    assert not result.problems
    assert [(n.evidence["id"], n.evidence_kind) for n in result.notes] == [
        ("h2", "highlight"),
        ("r1", "region"),
        ("h2", "highlight"),
    ]
    assert [(ls.label, item["id"]) for ls, item in result.unused_evidence] == [
        ("C", "h1"),
        ("C", "h3"),
        ("D", "h9"),
    ]


@pytest.mark.parametrize(
    "marker",
    [
        "[@C #theirs]",  # a highlight of another student's annotation on this source
        "[@C, 3 #onD]",  # the student's own, but on another source
        "[@C #nothing]",
        "[@C #None]",  # a stored highlight without an id is no evidence
    ],
)
def test_evidence_that_is_not_the_student_s_own_on_that_source_is_a_problem(marker):
    sources = lesson(C=BY_NATURE["journal_article"], D=BY_NATURE["cartoon"])
    # Only the student's own annotations are passed; "theirs" is another student's id.
    mine = {1: annotation("h1"), 2: annotation("onD")}
    mine[1].highlights.append({"quote": "no id"})
    result = one(f"Claim {marker}.", sources, annotations=mine)
    assert not result.notes and not result.works_cited
    assert [(p.marker, "not one of yours on Source C" in p.message) for p in result.problems] == [
        (marker, True)
    ]
    assert result.uncited == sources


def test_evidence_without_any_annotation_is_a_problem():
    result = one("Claim [@C #h1].")
    assert [p.marker for p in result.problems] == ["[@C #h1]"] and not result.notes


# The text as HTML


def test_the_text_is_escaped_and_set_in_paragraphs():
    text = "<script>alert(1)</script> & [@C]\r\n\r\nLine one\nline two [@Z<b>]\n\n\n  \n[@Q]"
    html = one(text).parts[0].html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; <sup" in html
    assert html.count("<p>") == 3 and html.startswith("<p>&lt;script")
    assert "<p>Line one<br>line two [@Z&lt;b&gt;]</p>" in html
    assert html.endswith('<p><mark class="cite-problem">[@Q]</mark></p>')


def test_a_problem_marker_is_escaped():
    result = one('Claim [@Z, "<i>" #x].')
    assert result.problems[0].marker == '[@Z, "<i>" #x]'
    assert "<i>" not in result.parts[0].html and "&lt;i&gt;" in result.parts[0].html


# Sections of a format


class Rows:
    """An answer format's `sections` manager, counting its queries."""

    def __init__(self, *rows):
        self.rows, self.queries = rows, 0

    def all(self):
        self.queries += 1
        return list(self.rows)


def answer_format(*keys: str, word_limit=2200, counts_works_cited=False) -> SimpleNamespace:
    rows = [
        SimpleNamespace(key=k, title=k.title(), guidance="", suggested_words=100, word_limit=None)
        for k in keys
    ]
    return SimpleNamespace(
        sections=Rows(*rows), word_limit=word_limit, counts_works_cited=counts_works_cited
    )


def test_sections_of_keeps_the_format_s_order_and_any_text_under_a_section_it_no_longer_has():
    fmt = answer_format("sources", "investigation")
    typed = {"gone": "Kept words.", "investigation": "Body.", "blank": "  "}
    assert sections_of(fmt, typed) == [
        ("sources", "Sources", ""),
        ("investigation", "Investigation", "Body."),
        ("gone", "Earlier section", "Kept words."),
    ]
    assert sections_of(None, {"answer": "Text."}) == [("answer", "Earlier section", "Text.")]


def test_essay_reads_the_format_s_sections_once_and_takes_its_limit():
    fmt = answer_format("sources", "investigation", counts_works_cited=True)
    sources = lesson(C=BY_NATURE["journal_article"])
    result = essay(fmt, {"sources": "One [@C, 2]."}, lesson_sources=sources)
    assert fmt.sections.queries == 1
    assert [part.key for part in result.parts] == ["sources", "investigation"]
    assert result.parts[0].suggested_words == 100
    assert (result.word_limit, result.counts_works_cited) == (2200, True)
    assert result.total_words == 1 + result.works_cited_words


def test_essay_without_a_format_has_no_limit():
    result = essay(None, {"answer": "Two words [@C]."}, lesson_sources=[])
    assert (result.word_limit, result.total_words, result.over_limit) == (None, 2, False)


def test_joined_puts_each_section_with_text_under_its_title():
    parts = [("a", "First", "  One. \n"), ("b", "Empty", " "), ("c", "Third", "Three [@C].")]
    assert joined(parts) == "First\n\nOne.\n\nThird\n\nThree [@C]."
