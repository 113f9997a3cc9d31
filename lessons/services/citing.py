"""An answer that footnotes itself: citations typed into the text become Chicago notes.

A student cites a source of the lesson with a marker in their text, `[@C]`, optionally
with a page, range or time (`[@C, 12–14]`, `[@F, 4:45]`) and optionally tied to one of
their own highlights or marked regions of that source (`[@C, 12 #3fa9c2d1]`): the
evidence that claim rests on. Markers are numbered in reading order across the
sections; the first citation of a work gets Chicago's full note, later ones the short
note (no "ibid.", as the Manual now prefers). The works cited are exactly the works
the notes cite, in Chicago's bibliography order.

Markers stay plain text in the saved answer, so autosave, conflicts and the browser's
kept copy treat them like any other words. A marker that names no source of the lesson,
or evidence that is not the student's own, is never turned into a note: it is shown as a
problem to fix, and submitting waits until it is fixed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from sources import citations
from sources.citations import plain

# [@C], [@C, 12], [@C, p. 12-14], [@F, 4:45], [@C #3fa9c2d1], [@C, 12 #3fa9c2d1]
MARKER = re.compile(
    r"\[@\s*(?P<label>[A-Za-z0-9]{1,4})\s*"
    r"(?:,\s*(?P<locator>[^\[\]#\n]{0,40}?))?\s*"
    r"(?:#(?P<evidence>[A-Za-z0-9_-]{1,40}))?\s*\]"
)
# "p. 12", "pp.12-14", "pp 12", "p12", "pg. 12", "page 12", "pages 12-14"; "at 4:45".
_PAGE_WORD = re.compile(
    r"^(?:pp?\.|pp?\s|pp?(?=\d)|pgs?\.?|pages?\b|at\s+(?=\d{1,2}:\d{2}))\s*", re.IGNORECASE
)
_ARTICLE = re.compile(r"^(?:the|an|a)\s+", re.IGNORECASE)
_OPENING_MARKS = "“‘\"'*"
_ITALIC = "\x02"  # where an italic title begins, kept through `plain` for `sort_key`
# A marker with punctuation (or nothing) after it goes with the space before it, so
# "coexistence [@C]." counts as one word, not "coexistence" and ".".
_MARKER_BEFORE_PUNCTUATION = re.compile(r"\s*(?:" + MARKER.pattern + r")(?=[^\w\s]|\Z)")


def without_markers(text: str) -> str:
    return MARKER.sub(" ", _MARKER_BEFORE_PUNCTUATION.sub("", text or ""))


def count_words(text: str) -> int:
    """Words as a word limit counts them: the text's, not the citations' markers."""
    return len(without_markers(text).split())


def locator_of(typed: str) -> str:
    """The page or time as a note prints it: "p. 12" → "12" (Chicago gives no "p.")."""
    return _PAGE_WORD.sub("", " ".join((typed or "").split())).strip(" ,.")


@dataclass
class Note:
    number: int
    lesson_source: object
    locator: str
    html: SafeString
    first: bool
    section: str
    evidence: dict | None = None  # the highlight or region it rests on
    evidence_kind: str = ""  # "highlight" or "region"


@dataclass
class Problem:
    section: str
    marker: str
    message: str


@dataclass
class Part:
    key: str
    title: str
    text: str
    html: SafeString
    words: int
    suggested_words: int | None = None
    word_limit: int | None = None
    guidance: str = ""

    @property
    def over_limit(self) -> bool:
        return self.word_limit is not None and self.words > self.word_limit


@dataclass
class Essay:
    parts: list[Part]
    notes: list[Note]
    works_cited: list[tuple[object, SafeString]]
    problems: list[Problem]
    word_limit: int | None = None
    counts_works_cited: bool = False
    unused_evidence: list[tuple[object, dict]] = field(default_factory=list)
    uncited: list = field(default_factory=list)

    @property
    def text_words(self) -> int:
        return sum(part.words for part in self.parts)

    @property
    def works_cited_words(self) -> int:
        return sum(len(plain(entry).split()) for _, entry in self.works_cited)

    @property
    def total_words(self) -> int:
        """What counts toward the limit, as the format says."""
        if self.counts_works_cited:
            return self.text_words + self.works_cited_words
        return self.text_words

    @property
    def over_limit(self) -> bool:
        return self.word_limit is not None and self.total_words > self.word_limit


def sort_key(entry: SafeString) -> str:
    """Chicago's bibliography order (CMOS 14.66-68, 16.58) for an entry as printed.

    Letter by letter: spaces, punctuation, case and accents ignored, names compared up to
    each comma ("Smith, John" before "Smith, Johnson", "Khrushchev, Nikita" before
    "Khrushchev Remembers"). A title, whether it leads the entry or follows its author, is
    sorted without its opening quotation marks or article ("The", "A", "An"); so works by
    the same author stay together, ordered by title.
    """
    text = " ".join(plain(str(entry).replace("<i>", _ITALIC)).split())
    if not text or text[0] in _OPENING_MARKS + _ITALIC:
        return _title_key(text)
    author, title = _split_author(text)
    names = "\x01".join(_letters(name) for name in author.split(","))
    return f"{names}\x00{_title_key(title)}"


def _letters(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if char.isalnum())


def _title_key(text: str) -> str:
    text = text.lstrip(_OPENING_MARKS + _ITALIC + " ")
    return _letters(_ARTICLE.sub("", text))


def _split_author(text: str) -> tuple[str, str]:
    """The entry's author element and the rest: the first ". " that is not after an
    initial ("Nikita S.", "U.S."), unless a quoted or italic title follows it."""
    for match in re.finditer(r"\. ", text):
        after = text[match.end() : match.end() + 1]
        initial = re.search(r"(?:^|[\s.,])\w\Z", text[: match.start()])
        if after in _OPENING_MARKS + _ITALIC or not initial:
            return text[: match.start()], text[match.end() :]
    return text, ""


def _evidence(annotation, evidence_id: str) -> tuple[dict | None, str]:
    if annotation is None:
        return None, ""
    for kind, items in (("highlight", annotation.highlights), ("region", annotation.regions)):
        for item in items or ():
            if item.get("id") not in (None, "") and str(item["id"]) == evidence_id:
                return item, kind
    return None, ""


def _paragraphs(text: str, refs: list[tuple[re.Match, SafeString]]) -> SafeString:
    """The text as paragraphs, every word escaped, each marker replaced by its reference."""
    out, last = [], 0
    for match, ref in refs:
        out.append(escape(text[last : match.start()]))
        out.append(ref)
        last = match.end()
    out.append(escape(text[last:]))
    html = "".join(out).replace("\r\n", "\n")
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", html) if p.strip()]
    return mark_safe("".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs))


def build(
    sections: Iterable[tuple[str, str, str]],
    *,
    lesson_sources: Iterable,
    annotations: Mapping[int, object] | None = None,
    hidden: Iterable[int] = (),
    formats=None,
) -> Essay:
    """Number the markers in `sections` ((key, title, text) in order) and make their notes.

    `lesson_sources` are those the student may cite (with `source` and its citation data
    loaded); `annotations` the student's own, by lesson source id, for evidence; `hidden`
    the ids of sources whose maker the student has still to predict, cited by label only.
    `formats` gives the AnswerSection rows (or None) for suggested words and limits.
    """
    lesson_sources = list(lesson_sources)
    by_label = {ls.label.upper(): ls for ls in lesson_sources if ls.label}
    annotations = annotations or {}
    hidden = set(hidden)
    section_rows = {row.key: row for row in (formats or ())}
    cited_before: set[int] = set()
    used_evidence: set[tuple[int, str]] = set()
    citation_cache: dict[int, object] = {}
    parts, notes, problems = [], [], []
    for key, title, text in sections:
        text = text or ""
        refs = []
        for match in MARKER.finditer(text):
            label = match["label"].upper()
            marker = match[0]
            ls = by_label.get(label)
            if ls is None:
                problems.append(
                    Problem(
                        key,
                        marker,
                        _(
                            "%(marker)s cites Source %(label)s, which is not one of this "
                            "lesson's sources you can cite."
                        )
                        % {"marker": marker, "label": label},
                    )
                )
                refs.append((match, format_html('<mark class="cite-problem">{}</mark>', marker)))
                continue
            evidence, kind = None, ""
            if match["evidence"]:
                evidence, kind = _evidence(annotations.get(ls.pk), match["evidence"])
                if evidence is None:
                    problems.append(
                        Problem(
                            key,
                            marker,
                            _(
                                "%(marker)s ties the citation to a highlight or region that "
                                "is not one of yours on Source %(label)s."
                            )
                            % {"marker": marker, "label": ls.label},
                        )
                    )
                    refs.append(
                        (match, format_html('<mark class="cite-problem">{}</mark>', marker))
                    )
                    continue
                used_evidence.add((ls.pk, str(evidence.get("id"))))
            number = len(notes) + 1
            locator = locator_of(match["locator"] or "")
            first = ls.pk not in cited_before
            cited_before.add(ls.pk)
            if ls.pk in hidden:
                pages = citations.page_range(locator)
                if pages:
                    html = format_html(
                        "{}",
                        _("Source %(label)s, %(pages)s.") % {"label": ls.label, "pages": pages},
                    )
                else:
                    html = format_html("{}", _("Source %(label)s.") % {"label": ls.label})
            else:
                src = citation_cache.get(ls.pk)
                if src is None:
                    src = citation_cache[ls.pk] = ls.source.citation_source()
                html = _note(src, locator, first=first)
            notes.append(Note(number, ls, locator, html, first, key, evidence, kind))
            refs.append(
                (
                    match,
                    format_html(
                        '<sup class="note-ref"><a href="#note-{0}" id="ref-{0}" '
                        'aria-label="{1}">{0}</a></sup>',
                        number,
                        _("Note %(number)s") % {"number": number},
                    ),
                )
            )
        row = section_rows.get(key)
        parts.append(
            Part(
                key=key,
                title=title,
                text=text,
                html=_paragraphs(text, refs),
                words=count_words(text),
                suggested_words=getattr(row, "suggested_words", None),
                word_limit=getattr(row, "word_limit", None),
                guidance=getattr(row, "guidance", ""),
            )
        )
    works = []
    for ls in lesson_sources:
        if ls.pk in cited_before and ls.pk not in hidden:
            src = citation_cache.get(ls.pk) or ls.source.citation_source()
            works.append((ls, citations.bibliography(src)))
    works.sort(key=lambda pair: sort_key(pair[1]))
    works += [
        (ls, format_html("{}", _("Source %(label)s.") % {"label": ls.label}))
        for ls in lesson_sources
        if ls.pk in cited_before and ls.pk in hidden
    ]
    unused = [
        (ls, item)
        for ls in lesson_sources
        for annotation in [annotations.get(ls.pk)]
        if annotation is not None
        for item in (annotation.highlights or [])
        if (ls.pk, str(item.get("id"))) not in used_evidence
    ]
    uncited = [ls for ls in lesson_sources if ls.pk not in cited_before]
    return Essay(parts, notes, works, problems, unused_evidence=unused, uncited=uncited)


def _note(src, locator: str, *, first: bool) -> SafeString:
    return citations.note(src, locator) if first else citations.short_note(src, locator)


def sections_of(answer_format, sections: Mapping[str, str] | None) -> list:
    """The format's sections with the student's text, in order, as (key, title, text);
    then any text kept under a section the format no longer has, so no words go missing."""
    return _ordered(_rows(answer_format), sections)


def _rows(answer_format) -> list:
    return list(answer_format.sections.all()) if answer_format else []


def _ordered(rows: list, sections: Mapping[str, str] | None) -> list:
    sections = dict(sections or {})
    known = {row.key for row in rows}
    ordered = [(row.key, row.title, str(sections.get(row.key, ""))) for row in rows]
    ordered += [
        (key, _("Earlier section"), str(text))
        for key, text in sections.items()
        if key not in known and str(text).strip()
    ]
    return ordered


def essay(
    answer_format, sections, *, lesson_sources, annotations=None, hidden=(), rows=None
) -> Essay:
    """`build` for a submission's sections under a lesson's format; `rows` are its
    sections when the caller has them already."""
    rows = _rows(answer_format) if rows is None else rows  # one query, or none
    result = build(
        _ordered(rows, sections),
        lesson_sources=lesson_sources,
        annotations=annotations,
        hidden=hidden,
        formats=rows,
    )
    if answer_format is not None:
        result.word_limit = answer_format.word_limit
        result.counts_works_cited = answer_format.counts_works_cited
    return result


def joined(essay_parts: Iterable[tuple[str, str, str]]) -> str:
    """The sections as one plain text, each under its title: what exports and the
    marks CSV read as the answer."""
    return "\n\n".join(
        f"{title}\n\n{text.strip()}" for _, title, text in essay_parts if text.strip()
    )
