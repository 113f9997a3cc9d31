"""Chicago Manual of Style (17th ed.) notes-and-bibliography citations.

Students copy these into essays, so they must match the Manual character for character:
curly quotes, en dashes, abbreviated page ranges, punctuation inside quotation marks.
citeproc-py got too many of those details wrong, and the few source types a history
classroom needs fit in one readable module.

Each element is escaped as it is built; the only markup produced is `<i>`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import unescape

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
    """A person, or an organisation standing as author (never inverted)."""

    family: str
    given: str = ""
    organisation: bool = False

    def display(self) -> str:
        if self.organisation or not self.given:
            return self.family
        return f"{self.given} {self.family}"

    def inverted(self) -> str:
        if self.organisation or not self.given:
            return self.family
        return f"{self.family}, {self.given}"


@dataclass(frozen=True)
class CitationSource:
    """What a citation needs to know, independent of how the app stores it."""

    nature: str
    title: str = ""
    authors: tuple[Name, ...] = ()
    editors: tuple[Name, ...] = ()
    interviewer: Name | None = None
    recipient: Name | None = None
    date: PartialDate | None = None
    container_title: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    edition: str = ""
    publisher: str = ""
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
        object.__setattr__(self, "authors", tuple(self.authors))
        object.__setattr__(self, "editors", tuple(self.editors))


# Public API


def bibliography(src: CitationSource) -> SafeString:
    return mark_safe(_add(_FORMS[src.nature][1](src), "."))


def note(src: CitationSource, locator: str = "") -> SafeString:
    """The full note for the first citation; `locator` is a page, range or timestamp."""
    return mark_safe(_add(_FORMS[src.nature][0](src, _locator(locator)), "."))


def short_note(src: CitationSource, locator: str = "") -> SafeString:
    """The shortened note for later citations (CMOS 14.29): author, short title, locator."""
    if src.nature == "letter":
        head = _join([_letter_head(src, short=True), _date(src)])
    else:
        names = _short_names(src.authors or _lead_editors(src))
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


def _curly(text: str) -> str:
    """Typographic quotes and apostrophes, judged by the character before each mark."""
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
    """Lower-case a description's initial unless it starts with an acronym ("CIA report")."""
    first = html.split(" ", 1)[0]
    return html if first[1:2].isupper() else html[:1].lower() + html[1:]


# Words that open a descriptive title and are lower-cased when it runs on inside a note.
_GENERIC = {
    "address",
    "broadcast",
    "caricature",
    "cartoon",
    "drawing",
    "excerpt",
    "extract",
    "film",
    "illustration",
    "interview",
    "lecture",
    "letter",
    "map",
    "memorandum",
    "minutes",
    "newsreel",
    "notes",
    "photograph",
    "poster",
    "recording",
    "remarks",
    "report",
    "speech",
    "statement",
    "telegram",
    "transcript",
    "untitled",
    "video",
}


def _descriptive(text: str, *, first: bool) -> str:
    """A descriptive title (CMOS 14.91): capitalised sentence-style, lower-cased in a note.

    Only a generic opening word is lowered, so "Khrushchev at the UN" keeps its capital.
    """
    html = _styled(text, "roman")
    if first:
        return _cap(html)
    opening = html.split(" ", 1)[0].lower()
    return html[:1].lower() + html[1:] if opening in _GENERIC else html


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


def _edition(text: str) -> str:
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
    shown = [_text(name.display()) for name in names]
    return f"{shown[0]} et al." if len(shown) > 3 else _series(shown)


def _bib_names(names: Sequence[Name]) -> str:
    """First name inverted, the rest not; up to ten listed, else seven and et al. (CMOS 14.76)."""
    if not names:
        return ""
    shown = [_text(names[0].inverted())] + [_text(name.display()) for name in names[1:]]
    if len(shown) > 10:
        return ", ".join(shown[:7]) + ", et al."
    if len(shown) == 2 and names[0].inverted() != names[0].display():
        return f"{shown[0]}, and {shown[1]}"
    return _series(shown)


def _short_names(names: Sequence[Name]) -> str:
    shown = [_text(name.family) for name in names]
    return f"{shown[0]} et al." if len(shown) > 3 else _series(shown)


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


def _edited_by(src: CitationSource, *, bib: bool) -> str:
    if not src.editors or _lead_editors(src):
        return ""
    if bib:
        return "edited by " + _series([_text(e.display()) for e in src.editors])
    return ("eds. " if len(src.editors) > 1 else "ed. ") + _note_names(src.editors)


_ITALIC_TITLES = {"book", "textbook", "cartoon", "photograph"}


def _published(src: CitationSource) -> bool:
    return bool(src.publisher.strip() or src.place.strip())


def _style(src: CitationSource) -> str:
    if src.nature in _ITALIC_TITLES or (src.nature == "government_document" and _published(src)):
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
    """The main title, or if over four words four of its key words (CMOS 14.30).

    A title that has to be cut loses the articles and prepositions at its start and end, so
    "A History of Modern Russia" → "History of Modern Russia" and "On the Cult of Personality
    and Its Consequences" → "Cult of Personality"; a title of four words or fewer is kept whole.
    """
    main = re.split(r":\s", title, maxsplit=1)[0].strip()
    if len(main.split()) <= 4:
        return main
    lead = re.match(r"[“‘*]*", main)[0]
    words = main[len(lead) :].split()
    while len(words) > 1 and _bare(words[0]) in _MINOR_WORDS:
        words.pop(0)
    words = words[:4]
    while len(words) > 1 and _bare(words[-1]) in _MINOR_WORDS:
        words.pop()
    return _close_marks(lead + " ".join(words).rstrip(",;:—–-"))


def _bare(word: str) -> str:
    return word.lower().strip("“”‘’*,;:")


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
    if not text:
        return "interview" if src.nature == "interview" else ""
    if src.untitled:
        return _descriptive(text, first=first)
    return _styled(text, _style(src))


def _date(src: CitationSource) -> str:
    return src.date.chicago() if src.date else "n.d."


def _long_date(day: datetime.date) -> str:
    return PartialDate(day.year, day.month, day.day).chicago()


def _accessed(src: CitationSource) -> str:
    """Access dates only where CMOS 17 wants them: websites, and undated online sources."""
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
    """Place: Publisher, Date — the publication facts of a book."""
    place, publisher = _text(src.place), _text(src.publisher)
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
            _journal_in(src, _text(page_range(src.pages))),
            _cap(_accessed(src)),
            _link(src),
        ],
        ". ",
    )


def _book_note(src: CitationSource, loc: str) -> str:
    head = _join(
        [_note_authors(src), _note_title(src), _edited_by(src, bib=False), _edition(src.edition)]
    )
    return _join([_then(head, _parens(_facts(src))), loc, _accessed(src), _link(src)])


def _book_bib(src: CitationSource) -> str:
    return _join(
        [
            _bib_authors(src),
            _bib_title(src),
            _cap(_edited_by(src, bib=True)),
            _cap(_edition(src.edition)),
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
            _edited_by(src, bib=False),
            _edition(src.edition),
        ]
    )
    return _then(inside, _parens(_facts(src, dated=dated)))


def _container_bib(src: CitationSource, *, dated: bool = True) -> list[str]:
    inside = _join(
        [
            "In " + _styled(src.container_title, "italic"),
            _edited_by(src, bib=True),
            _text(page_range(src.pages)),
        ]
    )
    return [inside, _cap(_edition(src.edition)), _cap(_facts(src, dated=dated))]


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
        lead = [_bib_authors(src), _bib_title(src), _join([paper, _date(src)])]
    else:
        lead = [paper, _bib_title(src), _cap(_date(src))]
    return _join([*lead, _cap(_accessed(src)), _link(src)], ". ")


def _speech_note(src: CitationSource, loc: str) -> str:
    """Title (speech, occasion, place, date) — CMOS 14.217."""
    where = _join([_lower(_kind(src, "speech")), _text(src.occasion), _text(src.place), _date(src)])
    return _join([_note_authors(src), _then(_note_title(src), _parens(where)), loc, _link(src)])


def _speech_bib(src: CitationSource) -> str:
    where = _join([_cap(_kind(src, "speech")), _text(src.occasion), _text(src.place), _date(src)])
    return _join([_bib_authors(src), _bib_title(src), _cap(where), _link(src)], ". ")


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
        where = [loc, _text(src.identifier), _text(src.archive), _text(src.place)]
    return _join([_letter_head(src), title, _date(src), *where, _accessed(src), _link(src)])


def _letter_bib(src: CitationSource) -> str:
    kind = _cap(_kind(src, "letter"))
    to = f"{kind} to {_text(src.recipient.display())}" if src.recipient else kind
    if src.container_title.strip():
        where = _container_bib(src, dated=False)
    else:
        where = [_text(src.identifier), _join([_text(src.archive), _text(src.place)])]
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
    poster = _text(src.publisher)
    return _join(
        [
            _note_authors(src),
            _note_title(src),
            _styled(src.container_title, "italic"),
            _lower(_media_kind(src)),
            _text(src.duration),
            f"posted by {poster}" if poster else "",
            _date(src),
            loc,
            _accessed(src),
            _link(src),
        ]
    )


def _media_bib(src: CitationSource) -> str:
    poster = _text(src.publisher)
    kind = _join([_cap(_media_kind(src)), _text(src.duration)])
    # "Posted by X, 1960." carries the date; without a poster it runs on from the kind.
    facts = (
        [kind, f"Posted by {poster}, {_date(src)}"] if poster else [_cap(_join([kind, _date(src)]))]
    )
    return _join(
        [
            _bib_authors(src),
            _bib_title(src),
            _styled(src.container_title, "italic"),
            *facts,
            _cap(_accessed(src)),
            _link(src),
        ],
        ". ",
    )


def _interviewed(src: CitationSource) -> str:
    if src.interviewer:
        return f"interview by {_text(src.interviewer.display())}"
    return "interview"


def _interview_note(src: CitationSource, loc: str) -> str:
    """Interviewee, “Title,” interview by X, <i>Venue</i>, date, medium (CMOS 14.213-14)."""
    return _join(
        [
            _note_authors(src),
            _note_title(src),
            _interviewed(src),
            _styled(src.container_title, "italic"),
            _text(src.place),
            _date(src),
            _lower(_text(src.description)),
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
            _bib_title(src),
            _cap(_interviewed(src)),
            _cap(venue),
            _cap(_text(src.description)),
            _cap(_accessed(src)),
            _link(src),
        ],
        ". ",
    )


def _modified(src: CitationSource) -> str:
    """A guessed date is no "last modified" date: CMOS 14.206 then relies on the access date."""
    if not src.date or src.date.circa:
        return ""
    return f"last modified {src.date.chicago()}"


def _website_note(src: CitationSource, loc: str) -> str:
    """“Page,” Site Name, owner, last modified/accessed, URL — site names roman (CMOS 14.206)."""
    return _join(
        [
            _note_authors(src),
            _note_title(src),
            _text(src.container_title),
            _text(src.publisher),
            _modified(src),
            loc,
            _accessed(src),
            _link(src),
        ]
    )


def _website_bib(src: CitationSource) -> str:
    return _join(
        [
            _bib_authors(src),
            _bib_title(src),
            _join([_text(src.container_title), _text(src.publisher)]),
            _cap(_modified(src)),
            _cap(_accessed(src)),
            _link(src),
        ],
        ". ",
    )


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
