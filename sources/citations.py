"""Chicago Manual of Style notes-and-bibliography citations, 18th edition or 17th.

Students copy these into essays, so they must match the Manual character for character:
curly quotes, en dashes, abbreviated page ranges, punctuation inside quotation marks.
citeproc-py got too many of those details wrong, and the few source types a history
classroom needs fit in one readable module.

The instance's `CITATION_STYLE` setting picks the edition ("chicago-18", the default, or
"chicago-17"); every public function also takes `edition=17` or `edition=18`. The two
editions differ in a few rules only, gathered in `_RULES`: how many authors are named
before "et al." and whether a book gives its place of publication. Paragraph numbers in
the comments are the 17th edition's chapter 14 ("14.30"); the 18th edition moved the
same rules to chapter 13 ("13.32"), and the tests cite both.

Each element is escaped as it is built; the only markup produced is `<i>`.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from html import unescape

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from sources.dates import PartialDate

NATURES = (
    "speech",
    "journal_article",
    "book",
    "book_chapter",
    "newspaper_article",
    "government_document",
    "letter",
    "cartoon",
    "photograph",
    "video",
    "audio",
    "interview",
    "textbook",
    "website",
)


@dataclass(frozen=True)
class Name:
    """A person, or an organisation standing as author (never inverted).

    `family_first` marks a name whose own convention puts the family name first, such as
    Mao Zedong: it is written that way everywhere and never inverted with a comma, since
    it already starts with the name it is alphabetised by (CMOS 18 13.81; 17 8.14–8.16).
    """

    family: str
    given: str = ""
    organisation: bool = False
    family_first: bool = False

    def display(self) -> str:
        if self.organisation or not self.given:
            return self.family
        if self.family_first:
            return f"{self.family} {self.given}"
        return f"{self.given} {self.family}"

    def inverted(self) -> str:
        if self.organisation or not self.given or self.family_first:
            return self.display()
        return f"{self.family}, {self.given}"


@dataclass(frozen=True)
class CitationSource:
    """What a citation needs to know, independent of how the app stores it."""

    nature: str
    title: str = ""
    authors: tuple[Name, ...] = ()
    editors: tuple[Name, ...] = ()
    translators: tuple[Name, ...] = ()
    directors: tuple[Name, ...] = ()
    interviewer: Name | None = None
    recipient: Name | None = None
    date: PartialDate | None = None
    season: str = ""  # "Spring": a journal issue dated by season, "(Spring 2017)"
    container_title: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    edition: str = ""
    publisher: str = ""
    site_owner: str = ""  # who owns a web page's site; stands as author when none is named
    place: str = ""
    occasion: str = ""
    description: str = ""
    classification: str = ""
    archive: str = ""
    identifier: str = ""
    duration: str = ""
    url: str = ""
    doi: str = ""
    accessed: datetime.date | None = None
    untitled: bool = False
    short_title: str = ""

    def __post_init__(self) -> None:
        if self.nature not in NATURES:
            raise ValueError(f"Unknown kind of source {self.nature!r}; expected one of {NATURES}.")
        # Callers building from querysets pass lists; tuples keep the value hashable.
        for people in ("authors", "editors", "translators", "directors"):
            object.__setattr__(self, people, tuple(getattr(self, people)))


# Editions

# The values `CITATION_STYLE` may take, and the edition each one means.
STYLES = {"chicago-18": 18, "chicago-17": 17}
DEFAULT_STYLE = "chicago-18"


@dataclass(frozen=True)
class _Rules:
    """What differs between the editions, so each rule is read in one place."""

    note_names: int  # most names a full note lists; more become "First et al."
    short_names: int  # the same for a shortened note
    bib_names: int  # most names a bibliography entry lists…
    bib_names_kept: int  # …and how many it keeps before "et al." when there are more
    place: bool  # a book's place of publication is given before its publisher


_RULES = {
    # CMOS 17 14.76 (names), 14.32 (short notes), 14.127 (place).
    17: _Rules(note_names=3, short_names=3, bib_names=10, bib_names_kept=7, place=True),
    # CMOS 18 13.78 (names), 13.32 (short notes), 13.95 (no place of publication).
    18: _Rules(note_names=2, short_names=2, bib_names=6, bib_names_kept=3, place=False),
}

_IN_FORCE: ContextVar[_Rules] = ContextVar("citation_rules", default=_RULES[18])


def edition() -> int:
    """The edition this instance cites by, from `settings.CITATION_STYLE`."""
    style = getattr(settings, "CITATION_STYLE", DEFAULT_STYLE)
    if style not in STYLES:
        raise ImproperlyConfigured(
            f"CITATION_STYLE must be one of {', '.join(STYLES)}, not {style!r}."
        )
    return STYLES[style]


@contextmanager
def _rules_of(requested: int | None) -> Iterator[None]:
    """Put an edition's rules in force for one citation.

    They are read deep down (how many names, whether a place is printed), so a context
    variable carries them there rather than an argument through every form.
    """
    number = edition() if requested is None else requested
    if number not in _RULES:
        raise ValueError(f"Chicago edition must be 17 or 18, not {number!r}.")
    token = _IN_FORCE.set(_RULES[number])
    try:
        yield
    finally:
        _IN_FORCE.reset(token)


# Public API


def bibliography(src: CitationSource, *, edition: int | None = None) -> SafeString:
    with _rules_of(edition):
        return mark_safe(_add(_FORMS[src.nature][1](src), "."))


def note(src: CitationSource, locator: str = "", *, edition: int | None = None) -> SafeString:
    """The full note for the first citation; `locator` is a page, range or timestamp."""
    with _rules_of(edition):
        return mark_safe(_add(_FORMS[src.nature][0](src, _locator(locator)), "."))


def short_note(src: CitationSource, locator: str = "", *, edition: int | None = None) -> SafeString:
    """The shortened note for later citations (CMOS 14.29): author, short title, locator.

    Both editions prefer it to "ibid." (CMOS 17 14.34, 18 13.37).
    """
    with _rules_of(edition):
        if src.nature == "letter":
            head = _join([_letter_head(src, short=True), _date(src)])
        else:
            names = _short_names(src.authors or _lead_editors(src))
            names = names or _text(_owner(src))
            head = _join([names, _short_title(src, first=not names)])
        return mark_safe(_add(_join([head, _locator(locator)]), "."))


def title_html(title: str) -> SafeString:
    """A title as set on a page: typographic quotes, a `*title within it*` in italics."""
    return mark_safe(_styled(title, "roman"))


def plain(html: str) -> str:
    """A citation as plain text, for CSV export and copying into plain-text fields."""
    return unescape(_TAGS.sub("", html))


def page_range(text: str) -> str:
    """Pages with en dashes, numeric ranges abbreviated as CMOS 9.61 prescribes."""
    return ", ".join(_one_range(part.strip()) for part in text.split(",") if part.strip())


# Punctuation and typography

_TAGS = re.compile(r"<[^>]*>")
_NESTED_TITLE = re.compile(r"\*([^*]+)\*")
_OPENS_QUOTE = set(" \t\n([{—–-/“‘")


@functools.lru_cache(maxsize=4096)
def _curly(text: str) -> str:
    """Typographic quotes and apostrophes, judged by the character before each mark.

    Kept per process: every list of sources sets each title again, a character at a time.
    """
    out = []
    for i, char in enumerate(text):
        before = text[i - 1] if i else " "
        after = text[i + 1 : i + 2]
        opening = before in _OPENS_QUOTE
        if char == '"':
            out.append("“" if opening else "”")
        elif char == "'":
            out.append("‘" if opening and not after.isdigit() else "’")  # ’50s
        else:
            out.append(char)
    return "".join(out)


def _swap_quotes(text: str) -> str:
    """Quotes inside a quoted title alternate, single then double, as CMOS nests quotations."""
    out, stack = [], []
    for i, char in enumerate(text):
        apostrophe = char == "’" and (stack[-1:] != ["‘"] or text[i + 1 : i + 2].isalnum())
        if char in "“‘":
            stack.append(char)
            out.append("‘" if len(stack) % 2 else "“")
        elif char in "”’" and stack and not apostrophe:
            out.append("’" if len(stack) % 2 else "”")
            stack.pop()
        else:
            out.append(char)
    return "".join(out)


def _text(value: str) -> str:
    return escape(_curly(value.strip()))


@functools.lru_cache(maxsize=4096)
def _styled(title: str, style: str) -> str:
    """A title set quoted, italic or roman, with `*…*` marking a title within it (CMOS 14.94)."""
    text = _curly(title.strip())
    if not text:
        return ""
    if style == "quoted":
        text = _swap_quotes(text)
    html = escape(text)
    if style == "italic":
        return "<i>" + _NESTED_TITLE.sub(r"“\1”", html) + "</i>"
    html = _NESTED_TITLE.sub(r"<i>\1</i>", html)
    return f"“{html}”" if style == "quoted" else html


def _add(html: str, mark: str) -> str:
    """Append a mark the way CMOS does: inside closing quotes, never doubled (CMOS 6.9)."""
    if not html:
        return html
    body, closing = html, ""
    if body.endswith("”"):
        body, closing = body[:-1], "”"
        if body.endswith("’") and "‘" in body:
            body, closing = body[:-1], "’”"
    last = _TAGS.sub("", body)[-1:]
    if mark in ".," and (last in "?!" or last == mark == "."):
        return html
    if mark in ".," and closing:
        return body + mark + closing
    return html + mark


def _join(parts: Sequence[str], separator: str = ", ") -> str:
    out = ""
    for part in parts:
        if part:
            out = _add(out, separator[0]) + separator[1:] + part if out else part
    return out


def _cap(html: str) -> str:
    return html[:1].upper() + html[1:]


def _lower(html: str) -> str:
    """Lower-case the opening word of a description running on inside a note, if common.

    A description is typed as it would start a sentence ("Top secret briefing paper",
    "YouTube video", "British Pathé newsreel"), and a note runs it on after a comma, where
    only a common word loses its capital. Telling "Speech" from "British" needs a list, so
    only the words below are lowered: a rare common word left capitalised is a smaller
    fault than a proper noun lowered ("british Pathé"). Words in capitals stay as typed.
    """
    first = html.split(" ", 1)[0]
    word = first.lower().strip(",;:.")
    if first[1:] != first[1:].lower() or word not in _COMMON_OPENINGS:
        return html
    return html[:1].lower() + html[1:]


# Common words that open a description or descriptive title: media, genres, documents, and
# the adjectives and classifications that come before them ("top secret", "feature film").
_COMMON_OPENINGS = frozenset(
    word
    for line in (
        "abridged address amateur animated annotated anniversary archival article audio",
        "black-and-white blog briefing broadcast cable caricature cartoon chapter chart circular",
        "classified colour color communiqué confidential conversation critical debate declaration",
        "decree diary directive discussion dispatch documentary draft drawing editorial engraving",
        "enlarged episode essay excerpt expanded extract eyewitness feature film footage graph",
        "handwritten illustrated illustration internal interview leaflet lecture letter",
        "lithograph manifesto manuscript map master’s memo memoir memorandum minutes new news",
        "newspaper newsreel notes obituary official open oral painting pamphlet paperback",
        "personal photo photograph podcast political post poster press print private programme",
        "propaganda public radio recording remarks report restricted review revised satirical",
        "secret sermon short silent sketch speech statement student talk telegram television",
        "textbook top transcript translated typescript unclassified unpublished untitled updated",
        "video web website",
    )
    for word in line.split()
)


def _descriptive(text: str, *, first: bool) -> str:
    """A descriptive title (CMOS 14.91): capitalised sentence-style, lower-cased in a note.

    Only a common opening word is lowered, so "Khrushchev at the UN" keeps its capital.
    """
    html = _styled(text, "roman")
    return _cap(html) if first else _lower(html)


# Page ranges


def _one_range(text: str) -> str:
    match = re.fullmatch(r"(\d+)\s*[-–—]+\s*(\d+)", text)
    if not match:
        return re.sub(r"\s*[-–]\s*", "–", text)
    first_digits, last_digits = match.groups()
    if len(last_digits) < len(first_digits) and int(last_digits) < int(first_digits):
        last_digits = first_digits[: len(first_digits) - len(last_digits)] + last_digits
    first, last = int(first_digits), int(last_digits)
    if first == last:
        return str(first)
    return f"{first}–{_abbreviated(first, last)}"


def _abbreviated(first: int, last: int) -> str:
    start, end = str(first), str(last)
    if first < 100 or first % 100 == 0 or len(start) != len(end) or last < first:
        return end
    changed = next(i for i, (a, b) in enumerate(zip(start, end, strict=True)) if a != b)
    keep = len(end) - changed
    if first % 100 >= 10:
        keep = max(keep, 2)
    return end[-keep:]


_TIMESTAMP = re.compile(r"\d{1,2}(?::\d{2}){1,2}")


def _locator(locator: str) -> str:
    """A cited page or range, or for recordings a time stamp "at 4:45" (CMOS 14.267)."""
    locator = locator.strip()
    if _TIMESTAMP.fullmatch(locator):
        return f"at {locator}"
    return escape(page_range(_curly(locator)))


# Elements shared by several kinds of source

_ORDINAL_WORDS = {
    word: n
    for n, word in enumerate(
        ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"),
        start=1,
    )
}


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _edition_statement(text: str) -> str:
    """People type "3", "3rd" or "Third Edition"; the citation needs "3rd ed." (or "rev. ed.")."""
    words = []
    for word in re.findall(r"[^\s,]+", text):
        key = word.lower().rstrip(".")
        number = re.fullmatch(r"(\d+)(?:st|nd|rd|th)?", key)
        if key in {"ed", "edn", "edition"}:
            continue
        if number or key in _ORDINAL_WORDS:
            words.append(_ordinal(int(number[1]) if number else _ORDINAL_WORDS[key]))
        elif key in {"rev", "revised"}:
            words.append("rev.")
        else:
            words.append(_lower(escape(_curly(word))))
    if words in ([], ["1st"]):
        return ""  # a first edition goes unmentioned
    return " ".join(words) + " ed."


def _note_names(names: Sequence[Name]) -> str:
    """All the names, or the first and "et al." past the edition's limit (CMOS 14.76, 13.78)."""
    shown = [_text(name.display()) for name in names]
    limit = _IN_FORCE.get().note_names
    return f"{shown[0]} et al." if len(shown) > limit else _series(shown)


def _bib_names(names: Sequence[Name]) -> str:
    """First name inverted, the rest not; past the edition's limit, the first few and et al.

    The 17th edition lists up to ten, else seven (14.76); the 18th up to six, else three
    (13.78). A family-name-first name is never inverted, so it takes no comma before "and".
    """
    if not names:
        return ""
    shown = [_text(names[0].inverted())] + [_text(name.display()) for name in names[1:]]
    rules = _IN_FORCE.get()
    if len(shown) > rules.bib_names:
        return ", ".join(shown[: rules.bib_names_kept]) + ", et al."
    if len(shown) == 2 and names[0].inverted() != names[0].display():
        return f"{shown[0]}, and {shown[1]}"
    return _series(shown)


def _short_names(names: Sequence[Name]) -> str:
    """Family names; past the edition's limit the first and "et al." (CMOS 14.32, 13.32)."""
    shown = [_text(name.family) for name in names]
    limit = _IN_FORCE.get().short_names
    return f"{shown[0]} et al." if len(shown) > limit else _series(shown)


def _series(items: Sequence[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def _lead_editors(src: CitationSource) -> tuple[Name, ...]:
    """An edited book with no author is listed under its editors (CMOS 14.103)."""
    return src.editors if src.nature in {"book", "textbook"} and not src.authors else ()


def _note_authors(src: CitationSource) -> str:
    if editors := _lead_editors(src):
        return _note_names(editors) + (", eds." if len(editors) > 1 else ", ed.")
    return _note_names(src.authors)


def _bib_authors(src: CitationSource) -> str:
    if editors := _lead_editors(src):
        return _bib_names(editors) + (", eds." if len(editors) > 1 else ", ed.")
    return _bib_names(src.authors)


def _contributors(src: CitationSource, *, bib: bool) -> list[str]:
    """Editors (unless they lead) and translators after the title (CMOS 14.103–14.104).

    Notes abbreviate ("ed. John D’Agata", "trans. Ann Goldstein"); the bibliography spells
    the roles out ("edited by", "translated by"). One person in both roles is named once.
    """
    editors = () if _lead_editors(src) else src.editors
    translators = src.translators
    if bib:
        roles = [("edited by", editors), ("translated by", translators)]
        if editors and editors == translators:
            roles = [("edited and translated by", editors)]
        return [
            f"{role} {_series([_text(n.display()) for n in names])}"
            for role, names in roles
            if names
        ]
    roles = [("ed.", "eds.", editors), ("trans.", "trans.", translators)]
    if editors and editors == translators:
        roles = [("ed. and trans.", "eds. and trans.", editors)]
    return [
        f"{one if len(names) == 1 else many} {_note_names(names)}"
        for one, many, names in roles
        if names
    ]


def _roles(src: CitationSource, *, bib: bool) -> str:
    """The contributors as one element: in a note, or inside a bibliography's "In …"."""
    return _join(_contributors(src, bib=bib))


def _roles_bib(src: CitationSource) -> list[str]:
    """The contributors as bibliography elements of their own: "Translated by X."""
    return [_cap(role) for role in _contributors(src, bib=True)]


def _is_film(src: CitationSource) -> bool:
    """A film is a whole work, its title in italics like a book's (CMOS 14.265), not a clip.

    It is known by its director, or by a description that ends in what it is ("Feature
    film", "Documentary"), so a "documentary clip" or "film footage" stays a clip.
    """
    film = re.search(r"\b(?:film|documentary|motion picture|movie)$", src.description.strip(), re.I)
    return src.nature == "video" and bool(src.directors or film)


_ITALIC_TITLES = {"book", "textbook", "cartoon", "photograph"}


def _published(src: CitationSource) -> bool:
    return bool(src.publisher.strip() or src.place.strip())


def _style(src: CitationSource) -> str:
    if src.nature in _ITALIC_TITLES or (src.nature == "government_document" and _published(src)):
        return "italic"
    if _is_film(src):
        return "italic"
    return "quoted"


def _title(src: CitationSource, *, first: bool) -> str:
    """The full title; `first` says whether it opens the citation (no author before it)."""
    if src.untitled:
        return _descriptive(src.title, first=first) if src.title.strip() else ""
    return _styled(src.title, _style(src))


def _bib_title(src: CitationSource) -> str:
    return _title(src, first=True)


def _note_title(src: CitationSource) -> str:
    return _title(src, first=not (src.authors or _lead_editors(src)))


_MINOR_WORDS = {
    "&",
    "a",
    "an",
    "and",
    "as",
    "at",
    "by",
    "for",
    "from",
    "in",
    "of",
    "on",
    "or",
    "the",
    "to",
    "with",
}


def _shorten(title: str) -> str:
    """The main title less an initial article; over four words, four key words (CMOS 14.30).

    Both editions drop "A", "An" or "The" at the start (*A Curious Mind* → *Curious Mind*,
    CMOS 18 13.33). A title that still has more than four words is cut to four, less the
    minor words at either end: "On the Cult of Personality and Its Consequences" → "Cult of
    Personality". A cut never falls inside a `*phrase in italics*`.
    """
    main = _main_title(title)
    lead = re.match(r"[“‘]*", main)[0]
    words = main[len(lead) :].split()
    if len(words) > 1 and words[0].lower() in _ARTICLES:
        words.pop(0)
    if len(words) > 4:
        words = _key_words(words)
    return _close_marks(lead + " ".join(words).rstrip(",;:—–-"))


_ARTICLES = {"a", "an", "the"}


def _main_title(title: str) -> str:
    """The title before its subtitle: the first colon outside a phrase in italics."""
    for colon in re.finditer(r":\s", title):
        if title[: colon.start()].count("*") % 2 == 0:
            return title[: colon.start()].strip()
    return title.strip()


def _key_words(words: list[str]) -> list[str]:
    """Four words without minor words at either end; an italic phrase is kept whole.

    A phrase in italics (a foreign phrase, a title within the title) that the fourth word
    would cut is kept whole if it has four words or fewer; a longer one is left out, the
    title cut before it, unless nothing would be left.
    """
    runs = _italic_runs(words)

    def italic(i: int) -> bool:
        return any(first <= i <= last for first, last in runs)

    def minor(i: int) -> bool:
        return not italic(i) and words[i].lower().rstrip(",;:") in _MINOR_WORDS

    start = 0
    while start < len(words) - 1 and minor(start):
        start += 1
    end = min(start + 4, len(words))
    for first, last in runs:
        if first < end <= last:
            end = last + 1 if last - first < 4 or first <= start else first
    while end - start > 1 and minor(end - 1):
        end -= 1
    return words[start:end]


def _italic_runs(words: list[str]) -> list[tuple[int, int]]:
    """The first and last word of each `*…*` phrase."""
    runs, opened = [], None
    for i, word in enumerate(words):
        for _ in range(word.count("*")):
            if opened is None:
                opened = i
            else:
                runs.append((opened, i))
                opened = None
    return runs


_CLOSERS = {"“": "”", "‘": "’", "*": "*"}


def _close_marks(text: str) -> str:
    """Close any quotation or `*` title that the cut left open."""
    pending: list[str] = []
    for i, char in enumerate(text):
        if pending[-1:] == [char] and not (char == "’" and text[i + 1 : i + 2].isalnum()):
            pending.pop()
        elif char in _CLOSERS:
            pending.append(_CLOSERS[char])
    return text + "".join(reversed(pending))


def _short_title(src: CitationSource, *, first: bool) -> str:
    text = src.short_title.strip() or _shorten(_curly(src.title.strip()))
    if src.nature == "interview" and (not text or (src.untitled and _INTERVIEW.match(text))):
        return "interview"  # CMOS 14.214: "Spock, interview."
    if not text:
        return ""
    if src.untitled:
        return _descriptive(text, first=first)
    return _styled(text, _style(src))


def _date(src: CitationSource) -> str:
    """The date, or for an issue dated by season "Spring 2017" (CMOS 14.171)."""
    if not src.date:
        return "n.d."
    if season := _text(src.season):
        return ("ca. " if src.date.circa else "") + f"{_cap(season)} {src.date.year}"
    return src.date.chicago()


def _long_date(day: datetime.date) -> str:
    return PartialDate(day.year, day.month, day.day).chicago()


def _accessed(src: CitationSource) -> str:
    """Access dates only where CMOS wants them: web pages, and undated online sources.

    A web page with a date of its own still shows an access date a teacher entered, as
    both editions allow (CMOS 14.12, 18 13.15); one without a date shows only that.
    """
    online = src.url.strip() or src.doi.strip()
    if src.accessed and (src.nature == "website" or (online and not src.date)):
        return f"accessed {_long_date(src.accessed)}"
    return ""


def _link(src: CitationSource) -> str:
    """The DOI as a URL when there is one, as CMOS prefers, else the URL."""
    if doi := src.doi.strip():
        doi = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", doi, flags=re.IGNORECASE)
        return escape(f"https://doi.org/{doi}")
    return escape(src.url.strip())


def _facts(src: CitationSource, *, dated: bool = True) -> str:
    """Place: Publisher, Date — the publication facts of a book.

    The 18th edition drops the place (13.95): "Harvard University Press, 2009". A place
    with no publisher, as books printed before 1900 are often cited, is still given.
    """
    place, publisher = _text(src.place), _text(src.publisher)
    if publisher and not _IN_FORCE.get().place:
        place = ""
    where = f"{place}: {publisher}" if place and publisher else place or publisher
    return _join([where, _date(src) if dated else ""])


def _kind(src: CitationSource, default: str) -> str:
    """The medium or genre, omitted when a descriptive title already starts with it."""
    kind = src.description.strip() or default
    if kind and src.untitled and re.match(rf"{re.escape(kind)}\b", src.title.strip(), re.I):
        return ""
    return _text(kind)


def _then(*parts: str) -> str:
    """Parts run together with spaces, such as a title and its parenthetical."""
    return " ".join(part for part in parts if part)


def _parens(text: str) -> str:
    return f"({text})" if text else ""


# Each kind of source: (full note, bibliography entry)


def _journal_in(src: CitationSource, pages: str) -> str:
    """<i>Journal</i> 38, no. 1 (October 1959): 3 — one element, so no comma before the date."""
    out = _then(_styled(src.container_title, "italic"), _text(src.volume))
    if src.issue.strip():
        out = _join([out, f"no. {_text(src.issue)}"])
    out = _then(out, f"({_date(src)})")
    return f"{out}: {pages}" if pages else out


def _journal_note(src: CitationSource, loc: str) -> str:
    return _join(
        [
            _note_authors(src),
            _note_title(src),
            _roles(src, bib=False),
            _journal_in(src, loc),
            _accessed(src),
            _link(src),
        ]
    )


def _journal_bib(src: CitationSource) -> str:
    return _join(
        [
            _bib_authors(src),
            _bib_title(src),
            *_roles_bib(src),
            _journal_in(src, _text(page_range(src.pages))),
            _cap(_accessed(src)),
            _link(src),
        ],
        ". ",
    )


def _book_note(src: CitationSource, loc: str) -> str:
    head = _join(
        [
            _note_authors(src),
            _note_title(src),
            _roles(src, bib=False),
            _edition_statement(src.edition),
        ]
    )
    return _join([_then(head, _parens(_facts(src))), loc, _accessed(src), _link(src)])


def _book_bib(src: CitationSource) -> str:
    return _join(
        [
            _bib_authors(src),
            _bib_title(src),
            *_roles_bib(src),
            _cap(_edition_statement(src.edition)),
            _cap(_facts(src)),
            _cap(_accessed(src)),
            _link(src),
        ],
        ". ",
    )


def _container_note(src: CitationSource, *, dated: bool = True) -> str:
    """in <i>Book</i>, ed. Editor (Place: Publisher, Date)."""
    inside = _join(
        [
            "in " + _styled(src.container_title, "italic"),
            _roles(src, bib=False),
            _edition_statement(src.edition),
        ]
    )
    return _then(inside, _parens(_facts(src, dated=dated)))


def _container_bib(src: CitationSource, *, dated: bool = True) -> list[str]:
    inside = _join(
        [
            "In " + _styled(src.container_title, "italic"),
            _roles(src, bib=True),
            _text(page_range(src.pages)),
        ]
    )
    return [inside, _cap(_edition_statement(src.edition)), _cap(_facts(src, dated=dated))]


def _chapter_note(src: CitationSource, loc: str) -> str:
    return _join(
        [
            _note_authors(src),
            _note_title(src),
            _container_note(src),
            loc,
            _accessed(src),
            _link(src),
        ]
    )


def _chapter_bib(src: CitationSource) -> str:
    return _join(
        [
            _bib_authors(src),
            _bib_title(src),
            *_container_bib(src),
            _cap(_accessed(src)),
            _link(src),
        ],
        ". ",
    )


def _newspaper_note(src: CitationSource, loc: str) -> str:
    return _join(
        [
            _note_authors(src),
            _note_title(src),
            _roles(src, bib=False),
            _styled(src.container_title, "italic"),
            _date(src),
            loc,
            _accessed(src),
            _link(src),
        ]
    )


def _newspaper_bib(src: CitationSource) -> str:
    """Unsigned articles are listed under the paper's name in the bibliography."""
    paper = _styled(src.container_title, "italic")
    if src.authors:
        lead = [_bib_authors(src), _bib_title(src), *_roles_bib(src), _join([paper, _date(src)])]
    else:
        lead = [paper, _bib_title(src), *_roles_bib(src), _cap(_date(src))]
    return _join([*lead, _cap(_accessed(src)), _link(src)], ". ")


def _speech_note(src: CitationSource, loc: str) -> str:
    """Title (speech, occasion, place, date) — CMOS 14.217."""
    where = _join([_lower(_kind(src, "speech")), _text(src.occasion), _text(src.place), _date(src)])
    head = _then(_note_title(src), _parens(where))
    return _join([_note_authors(src), head, _roles(src, bib=False), loc, _link(src)])


def _speech_bib(src: CitationSource) -> str:
    where = _join([_cap(_kind(src, "speech")), _text(src.occasion), _text(src.place), _date(src)])
    return _join(
        [_bib_authors(src), _bib_title(src), _cap(where), *_roles_bib(src), _link(src)], ". "
    )


def _document_kind(src: CitationSource) -> str:
    """ "top secret briefing paper": the classification joins the kind of document."""
    return _then(_text(src.classification), _text(src.description))


def _government_note(src: CitationSource, loc: str) -> str:
    """Unpublished: CMOS 14.232 and 14.248; with a publisher, a report cited like a book."""
    kind = _lower(_document_kind(src))
    if _published(src):
        head = _then(_join([_note_title(src), kind]), _parens(_facts(src)))
    else:
        head = _then(_note_title(src), _parens(_join([kind, _date(src)])))
    return _join(
        [
            _note_authors(src),
            head,
            _roles(src, bib=False),
            loc,
            _text(src.identifier),
            _text(src.archive),
            _accessed(src),
            _link(src),
        ]
    )


def _government_bib(src: CitationSource) -> str:
    kind = _cap(_document_kind(src))
    facts = [kind, _cap(_facts(src))] if _published(src) else [_cap(_join([kind, _date(src)]))]
    return _join(
        [
            _bib_authors(src),
            _bib_title(src),
            *_roles_bib(src),
            *facts,
            _text(src.identifier),
            _text(src.archive),
            _cap(_accessed(src)),
            _link(src),
        ],
        ". ",
    )


def _letter_head(src: CitationSource, *, short: bool = False) -> str:
    """ "Ivan Petrov to Nikita Khrushchev": notes name a letter by its correspondents (14.111)."""
    writer = _short_names(src.authors) if short else _note_names(src.authors)
    kind = _kind(src, "letter")
    if src.recipient:
        recipient = src.recipient.family if short else src.recipient.display()
        if writer:
            head = f"{writer} to {_text(recipient)}"
            return _join([head, "" if kind == "letter" else _lower(kind)])
        return f"{_cap(kind)} to {_text(recipient)}"
    return _join([writer, _lower(kind)]) if writer else _cap(kind)


def _letter_note(src: CitationSource, loc: str) -> str:
    """Published in a collection, the letter is cited in it; else where it is held (14.232)."""
    title = _title(src, first=False)
    if src.container_title.strip():
        # The one date is the letter's own; the collection's year is not known here.
        where = [_container_note(src, dated=False), loc]
    else:
        where = [
            _roles(src, bib=False),
            loc,
            _text(src.identifier),
            _text(src.archive),
            _text(src.place),
        ]
    return _join([_letter_head(src), title, _date(src), *where, _accessed(src), _link(src)])


def _letter_bib(src: CitationSource) -> str:
    kind = _cap(_kind(src, "letter"))
    to = f"{kind} to {_text(src.recipient.display())}" if src.recipient else kind
    if src.container_title.strip():
        where = _container_bib(src, dated=False)
    else:
        where = [
            *_roles_bib(src),
            _text(src.identifier),
            _join([_text(src.archive), _text(src.place)]),
        ]
    return _join(
        [
            _bib_names(src.authors),
            _bib_title(src),
            _join([to, _date(src)]),
            *where,
            _cap(_accessed(src)),
            _link(src),
        ],
        ". ",
    )


def _image_kind(src: CitationSource) -> str:
    return _kind(src, "cartoon" if src.nature == "cartoon" else "photograph")


def _image_note(src: CitationSource, loc: str) -> str:
    """Artist, <i>Title</i>, cartoon, <i>Periodical</i>, date — CMOS 14.235 and 3.22."""
    return _join(
        [
            _note_authors(src),
            _note_title(src),
            _lower(_image_kind(src)),
            _styled(src.container_title, "italic"),
            _date(src),
            loc,
            _text(src.archive),
            _accessed(src),
            _link(src),
        ]
    )


def _image_bib(src: CitationSource) -> str:
    kind = _cap(_image_kind(src))
    periodical = _styled(src.container_title, "italic")
    # With no periodical the date runs on from the kind: "Photograph, 1959."
    facts = (
        [kind, _join([periodical, _date(src)])] if periodical else [_cap(_join([kind, _date(src)]))]
    )
    return _join(
        [
            _bib_authors(src),
            _bib_title(src),
            *facts,
            _text(src.archive),
            _cap(_accessed(src)),
            _link(src),
        ],
        ". ",
    )


def _media_kind(src: CitationSource) -> str:
    return _kind(src, "video" if src.nature == "video" else "audio")


def _media_note(src: CitationSource, loc: str) -> str:
    """“Title,” <i>Programme</i>, video, 4:45, posted by X, date, at 1:02, URL (CMOS 14.267)."""
    if _is_film(src):
        return _film_note(src, loc)
    poster = _text(src.publisher)
    event = _event(src)
    return _join(
        [
            _note_authors(src),
            _note_title(src),
            _styled(src.container_title, "italic"),
            event,
            _lower(_media_kind(src)),
            _text(src.duration),
            f"posted by {poster}" if poster else "",
            "" if event else _date(src),
            loc,
            _accessed(src),
            _link(src),
        ]
    )


def _media_bib(src: CitationSource) -> str:
    if _is_film(src):
        return _film_bib(src)
    poster = _text(src.publisher)
    event = _event(src)
    kind = _join([_cap(_media_kind(src)), _text(src.duration)])
    # "Posted by X, 1960." carries the date; without a poster it runs on from the kind.
    dated = "" if event else _date(src)
    if poster:
        facts = [kind, _join([f"Posted by {poster}", dated])]
    else:
        facts = [_cap(_join([kind, dated]))]
    return _join(
        [
            _bib_authors(src),
            _bib_title(src),
            _styled(src.container_title, "italic"),
            _cap(event),
            *facts,
            _cap(_accessed(src)),
            _link(src),
        ],
        ". ",
    )


def _event(src: CitationSource) -> str:
    """ "filmed November 2016 at TEDxBeaconStreet, Brookline, MA": a talk recorded at an
    event carries its date and place here rather than after the medium (CMOS 14.267)."""
    if not src.occasion.strip():
        return ""
    verb = "filmed" if src.nature == "video" else "recorded"
    when = f" {src.date.chicago()}" if src.date else ""
    if src.date and src.date.day:
        when += ","  # a full date mid-sentence closes with a comma (CMOS 6.41)
    return _join([f"{verb}{when} at {_text(src.occasion)}", _text(src.place)])


def _directed_by(src: CitationSource, *, bib: bool) -> str:
    if not src.directors:
        return ""
    names = [_text(name.display()) for name in src.directors]
    return "directed by " + (_series(names) if bib else _note_names(src.directors))


def _film_note(src: CitationSource, loc: str) -> str:
    """<i>Title</i>, directed by X (Studio, 1947), medium, at 1:02 — CMOS 14.265.

    The 17th edition gives the studio's place like a book's ("Burbank, CA: …"); the 18th
    leaves it out.
    """
    head = _join([_note_authors(src), _note_title(src), _directed_by(src, bib=False)])
    return _join(
        [
            _then(head, _parens(_facts(src))),
            _lower(_kind(src, "")),
            _text(src.duration),
            loc,
            _accessed(src),
            _link(src),
        ]
    )


def _film_bib(src: CitationSource) -> str:
    return _join(
        [
            _bib_authors(src),
            _bib_title(src),
            _cap(_directed_by(src, bib=True)),
            _cap(_facts(src)),
            _join([_cap(_kind(src, "")), _text(src.duration)]),
            _cap(_accessed(src)),
            _link(src),
        ],
        ". ",
    )


_INTERVIEW = re.compile(r"interview\b", re.IGNORECASE)


def _interview_parts(src: CitationSource, *, first: bool) -> list[str]:
    """The title and who asked the questions, with the word "interview" said once.

    A titled interview is “Title,” interview by X (CMOS 14.213). An untitled one is
    described: "interview by X" (14.214), or the teacher's own description where it says
    more ("Interview on Soviet television by X"). "Interview" typed as the title or as the
    description is that same word, never printed twice.
    """
    by = f"by {_text(src.interviewer.display())}" if src.interviewer else ""
    title = src.title.strip()
    if title and not src.untitled:
        return [_title(src, first=first), _then("interview", by)]
    description = src.description.strip()
    described = title or (description if _INTERVIEW.match(description) else "") or "Interview"
    if not _INTERVIEW.match(described):
        return [_descriptive(described, first=first), _then("interview", by)]
    if re.match(r"interview\s+by\b", described, re.IGNORECASE):
        by = ""
    return [_descriptive(_then(described, by), first=first)]


def _interview_medium(src: CitationSource) -> str:
    """The medium ("video", "transcript"); a description that only says "interview" is not one."""
    description = src.description.strip()
    return "" if _INTERVIEW.match(description) else _text(description)


def _interview_note(src: CitationSource, loc: str) -> str:
    """Interviewee, “Title,” interview by X, <i>Venue</i>, date, medium (CMOS 14.213-14)."""
    return _join(
        [
            _note_authors(src),
            *_interview_parts(src, first=not src.authors),
            _styled(src.container_title, "italic"),
            _text(src.place),
            _date(src),
            _lower(_interview_medium(src)),
            loc,
            _accessed(src),
            _link(src),
        ]
    )


def _interview_bib(src: CitationSource) -> str:
    venue = _join([_styled(src.container_title, "italic"), _text(src.place), _date(src)])
    return _join(
        [
            _bib_authors(src),
            *[_cap(part) for part in _interview_parts(src, first=True)],
            _cap(venue),
            _cap(_interview_medium(src)),
            _cap(_accessed(src)),
            _link(src),
        ],
        ". ",
    )


def _owner(src: CitationSource) -> str:
    """Who owns a web page's site; with no author named, it leads (CMOS 14.206–14.207)."""
    return src.site_owner.strip() if src.nature == "website" else ""


def _site(src: CitationSource) -> str:
    """The site's name in roman, left out where it only repeats the owner's."""
    site = src.container_title.strip()
    return "" if site.casefold() == _owner(src).casefold() else _text(site)


def _site_owner_after(src: CitationSource) -> str:
    """The owner where a note names it, after the site; data entered before the owner had a
    field of its own has it as the publisher, which is never put first."""
    return _text(_owner(src) or src.publisher)


def _modified(src: CitationSource) -> str:
    """A guessed date is no "last modified" date: CMOS 14.206 then relies on the access date."""
    if not src.date or src.date.circa:
        return ""
    return f"last modified {src.date.chicago()}"


def _website_note(src: CitationSource, loc: str) -> str:
    """“Page,” Site Name, Owner, last modified/accessed, URL — site names roman (CMOS 14.206).

    The owner follows the site's name in a note even when no author is named; only the
    bibliography and the short note put it first, in the author's place.
    """
    return _join(
        [
            _note_authors(src),
            _note_title(src),
            _roles(src, bib=False),
            _site(src),
            _site_owner_after(src),
            _modified(src),
            loc,
            _accessed(src),
            _link(src),
        ]
    )


def _website_bib(src: CitationSource) -> str:
    owner = _text(_owner(src))
    if src.authors or not owner:
        site = _join([_site(src), _site_owner_after(src)])
        lead = [_bib_authors(src), _bib_title(src), *_roles_bib(src), site]
    else:
        lead = [owner, _bib_title(src), *_roles_bib(src), _site(src)]
    return _join([*lead, _cap(_modified(src)), _cap(_accessed(src)), _link(src)], ". ")


_Forms = tuple[Callable[[CitationSource, str], str], Callable[[CitationSource], str]]

_FORMS: dict[str, _Forms] = {
    "speech": (_speech_note, _speech_bib),
    "journal_article": (_journal_note, _journal_bib),
    "book": (_book_note, _book_bib),
    "textbook": (_book_note, _book_bib),
    "book_chapter": (_chapter_note, _chapter_bib),
    "newspaper_article": (_newspaper_note, _newspaper_bib),
    "government_document": (_government_note, _government_bib),
    "letter": (_letter_note, _letter_bib),
    "cartoon": (_image_note, _image_bib),
    "photograph": (_image_note, _image_bib),
    "video": (_media_note, _media_bib),
    "audio": (_media_note, _media_bib),
    "interview": (_interview_note, _interview_bib),
    "website": (_website_note, _website_bib),
}
