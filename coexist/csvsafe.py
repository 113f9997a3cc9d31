"""Spreadsheet cells that stay text: the one guard every export writes through.

A spreadsheet program runs a cell that begins with = + - or @ as a formula, and a tab or
carriage return in front can hide the sign from a simple check, so `=HYPERLINK(...)` in a
source title or a prompt label would run on the computer of every teacher who opens an
export. Sources, frameworks and lessons are shared between teachers, so one of them can
plant such a cell in another's file. Such a cell is written with an apostrophe in front
(OWASP's advice), which spreadsheet programs show as text.

A plain number ("-12", "-1.5") is not a formula and is left alone, so marks and years keep
their value. A text that already begins with apostrophes before a formula sign gets one
more, so that `unguard` (for files coming back in) takes off exactly what was added.
"""

from __future__ import annotations

import re

# The signs OWASP lists, with their full-width forms, which some spreadsheet programs
# read as the same signs, and a line break: a carriage return becomes one when a file is
# read back as text, and its guard must still come off.
FORMULA_STARTS = frozenset("=+-@\t\r\n＝＋－＠")
_PLAIN_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)*")


def needs_guard(text: str) -> bool:
    stripped = text.lstrip("'")
    if stripped[:1] not in FORMULA_STARTS:
        return False
    return not (stripped == text and _PLAIN_NUMBER.fullmatch(text))


def guard(value):
    """A value for a cell: a text that could run as a formula gets an apostrophe in
    front; anything else (numbers, dates, None) is returned as it is."""
    if isinstance(value, str) and needs_guard(value):
        return "'" + value
    return value


def cell(value) -> str:
    """Text for a CSV cell: None is empty, everything else is its text, guarded."""
    return guard("" if value is None else str(value))


def unguard(value):
    """The value before `guard`: a text a guarded export wrote comes back as it was."""
    if isinstance(value, str) and value.startswith("'") and needs_guard(value[1:]):
        return value[1:]
    return value


class FormulaSafeWriter:
    """A `csv.writer` that guards every cell it writes, headers included."""

    def __init__(self, writer):
        self.writer = writer

    def writerow(self, row) -> None:
        self.writer.writerow([cell(value) for value in row])
