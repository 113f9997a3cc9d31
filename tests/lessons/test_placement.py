"""Where highlights sit in a source's text, as the dashboard's heat view counts them.

The dashboard places thousands of highlights on every load, so placing one that is still
where it was saved must not search, and the coverage count is a running sum instead of a
set per character. These tests hold the fast ways to the results of the slow ones.
"""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from lessons.insight import heat_and_passages
from sources.text import find_quote

TEXT = (
    "We say the Soviet Union will not attack. Peaceful coexistence is the only way. "
    "The Soviet Union and the United States must compete in peace, not in war."
)


def searched(text: str, quote: str, near: int) -> tuple[int, int] | None:
    """The nearest occurrence by searching, as find_quote always did."""
    quote = " ".join(quote.split())
    spans = [m.span() for m in re.finditer(re.escape(quote), text, re.IGNORECASE)]
    return min(spans, key=lambda span: abs(span[0] - near)) if spans else None


def counted(text: str, per_student: list[list[dict]]) -> list[tuple[str, int]]:
    """Coverage character by character, each student once: the slow, obvious way."""
    coverage = [0] * len(text)
    for highlights in per_student:
        covered = set()
        for h in highlights:
            span = searched(text, h["quote"], h["start"]) or (0, 0)
            covered.update(range(*span))
        for i in covered:
            coverage[i] += 1
    runs, start = [], 0
    for i in range(1, len(text) + 1):
        if i == len(text) or coverage[i] != coverage[start]:
            runs.append((text[start:i], coverage[start]))
            start = i
    return runs


def counted_passages(per_student: list[list[dict]]) -> list[tuple[str, int]]:
    """Each student's quotes, whitespace tidied, counted once per student: the obvious way."""
    counts = Counter()
    for highlights in per_student:
        counts.update({" ".join(h["quote"].split()) for h in highlights if h.get("quote")})
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:3]


def heat(text: str, per_student: list[list[dict]]) -> list[tuple[str, int]]:
    return heat_and_passages(text, per_student)[0]


def top_passages(per_student: list[list[dict]]) -> list[tuple[str, int]]:
    return heat_and_passages(TEXT, per_student)[1]


def highlight(text: str, start: int, end: int) -> dict:
    return {"id": "x", "start": start, "end": end, "quote": text[start:end], "tag": "evidence"}


def test_a_quote_still_at_its_offset_is_found_there():
    start = TEXT.index("Soviet Union and")
    assert find_quote(TEXT, "Soviet Union", start) == (start, start + len("Soviet Union"))


def test_a_quote_whose_offset_moved_is_found_at_the_nearest_occurrence():
    second = TEXT.index("Soviet Union and")
    assert find_quote(TEXT, "Soviet Union", second + 3) == (second, second + 12)
    assert find_quote(TEXT, "Soviet Union", 0) == (11, 23)


def test_a_quote_in_other_case_is_still_found_by_searching():
    start = TEXT.index("Peaceful")
    assert find_quote(TEXT, "peaceful coexistence", start) == (start, start + 20)


def test_a_quote_whose_words_were_edited_away_is_nowhere():
    assert find_quote(TEXT, "nuclear winter", 5) is None


def test_heat_counts_a_student_once_where_their_highlights_overlap():
    first = highlight(TEXT, 0, 23)  # "We say the Soviet Union"
    overlapping = highlight(TEXT, 11, 39)  # "Soviet Union will not attack"
    other_student = highlight(TEXT, 24, 49)  # "will not attack. Peaceful"
    runs = heat(TEXT, [[first, overlapping], [other_student]])
    assert runs == [(TEXT[:24], 1), (TEXT[24:39], 2), (TEXT[39:49], 1), (TEXT[49:], 0)]


def test_heat_finds_a_highlight_whose_text_moved_and_skips_one_whose_words_went():
    moved = {**highlight(TEXT, 11, 23), "start": 60, "end": 72}  # "Soviet Union", offsets stale
    gone = {"id": "y", "start": 5, "end": 10, "quote": "nuclear winter", "tag": "claim"}
    assert heat(TEXT, [[moved, gone]]) == counted(TEXT, [[moved, gone]])


@pytest.mark.parametrize("seed", range(5))
def test_heat_matches_counting_character_by_character(seed):
    rng = random.Random(seed)
    per_student = []
    for _ in range(12):
        highlights = []
        for _ in range(rng.randint(0, 15)):
            start = rng.randrange(len(TEXT) - 1)
            h = highlight(TEXT, start, rng.randint(start + 1, min(len(TEXT), start + 40)))
            if rng.random() < 0.2:  # saved before an edit: the offsets point elsewhere now
                h["start"] = rng.randrange(len(TEXT))
                h["end"] = h["start"] + len(h["quote"])
            highlights.append(h)
        per_student.append(highlights)
    assert heat(TEXT, per_student) == counted(TEXT, per_student)
    assert top_passages(per_student) == counted_passages(per_student)


def test_top_passages_are_in_the_same_order_on_every_load():
    a, b, c = highlight(TEXT, 0, 6), highlight(TEXT, 7, 17), highlight(TEXT, 18, 30)
    per_student = [[c, a], [b, c], [a, b]]
    assert top_passages(per_student) == sorted([(a["quote"], 2), (b["quote"], 2), (c["quote"], 2)])
    assert top_passages(list(reversed(per_student))) == top_passages(per_student)
