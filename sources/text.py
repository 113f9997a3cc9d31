"""Source text: plain paragraphs with a very small, safe Markdown subset.

Teachers paste quotations; students must see exactly those words. So the text is
escaped first and only then are the few markers turned into tags — nothing a teacher
types can become HTML or script.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EM = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")


def paragraphs(text: str) -> list[str]:
    """Split on blank lines, normalising Windows line endings and stray spaces."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return [block.strip() for block in re.split(r"\n\s*\n", text) if block.strip()]


def _inline(escaped: str) -> str:
    escaped = _STRONG.sub(r"<strong>\1</strong>", escaped)
    escaped = _EM.sub(r"<em>\1</em>", escaped)
    return escaped.replace("\n", "<br>\n")


def render_text(text: str) -> SafeString:
    html: list[str] = []
    for block in paragraphs(text):
        lines = block.split("\n")
        if all(line.lstrip().startswith(">") for line in lines):
            inner = "\n".join(re.sub(r"^\s*>\s?", "", line) for line in lines)
            html.append(f"<blockquote><p>{_inline(escape(inner))}</p></blockquote>")
        else:
            html.append(f"<p>{_inline(escape(block))}</p>")
    return mark_safe("\n".join(html))


_TAG = re.compile(r"(<[^>]*>)")


def mark_first_uses(html: str, terms: Sequence[str], mark: Callable[[int, str], str]) -> SafeString:
    """Wrap where each term first appears in the text of `html` (as `render_text` makes
    it) in `mark(index of the term, the words as escaped HTML)`.

    Matched in the text a reader sees: tags are skipped and each run of text between
    them is unescaped, searched, and escaped again. Matching the escaped HTML instead
    would find a term such as “quot”, “amp”, “lt” or “gt” inside `&quot;` and break the
    entity. Adds no text of its own, so highlight offsets do not move.
    """
    order = sorted(range(len(terms)), key=lambda index: -len(terms[index]))
    order = [index for index in order if terms[index].strip()]
    if not order:
        return mark_safe(html)
    pattern = re.compile(
        r"(?<![\w-])(?:"
        + "|".join(f"(?P<t{index}>{re.escape(terms[index])})" for index in order)
        + r")(?![\w-])",
        re.IGNORECASE,
    )
    seen: set[int] = set()
    parts = _TAG.split(str(html))
    for number, part in enumerate(parts):
        if not part or part.startswith("<"):
            continue
        text, pieces, position = html_lib.unescape(part), [], 0
        for match in pattern.finditer(text):
            index = int(match.lastgroup[1:])
            if index in seen:
                continue
            seen.add(index)
            pieces += [escape(text[position : match.start()]), mark(index, escape(match[0]))]
            position = match.end()
        if pieces:
            parts[number] = "".join(pieces) + escape(text[position:])
    return mark_safe("".join(parts))


def plain_text(text: str) -> str:
    """The words alone, markers removed: what highlights are anchored to."""
    blocks = []
    for block in paragraphs(text):
        block = re.sub(r"^\s*>\s?", "", block, flags=re.M)
        block = _STRONG.sub(r"\1", block)
        block = _EM.sub(r"\1", block)
        blocks.append(block)
    return "\n\n".join(blocks)


def anchor_text(text: str) -> str:
    """The text highlights are measured in: the words as a reader sees them on the page,
    with every run of whitespace collapsed to one space.

    A browser's `textContent` of `render_text(text)`, collapsed the same way, is exactly
    this string, so offsets a page reports mean the same here.
    """
    return " ".join(plain_text(text).split())


def find_quote(text: str, quote: str, near: int | None = None) -> tuple[int, int] | None:
    """Where `quote` stands in `text` (both whitespace-collapsed), ignoring case: the
    occurrence nearest `near` if it occurs more than once; None if it is not there.

    Matched in the text itself, never a lower-cased copy: "İ".lower() is two characters
    and would shift every offset after it.
    """
    quote = " ".join(quote.split())
    if not quote:
        return None
    if near is not None and text[near : near + len(quote)] == quote:
        # Still where it was saved, as almost every highlight is: nothing nearer exists,
        # and no pattern need be built (a class's dashboard places thousands).
        return near, near + len(quote)
    spans = [m.span() for m in re.finditer(re.escape(quote), text, re.IGNORECASE)]
    if not spans:
        return None
    return spans[0] if near is None else min(spans, key=lambda span: abs(span[0] - near))
