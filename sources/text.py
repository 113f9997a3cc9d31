"""Source text: plain paragraphs with a very small, safe Markdown subset.

Teachers paste quotations; students must see exactly those words. So the text is
escaped first and only then are the few markers turned into tags — nothing a teacher
types can become HTML or script.
"""

from __future__ import annotations

import re

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
    spans = [m.span() for m in re.finditer(re.escape(quote), text, re.IGNORECASE)]
    if not spans:
        return None
    return spans[0] if near is None else min(spans, key=lambda span: abs(span[0] - near))
