"""Dates that are only as precise as the historical record.

A source is often dated to a year or a month only, or only approximately ("c. 1954").
Storing such a date as a full `datetime.date` would invent a day nobody knows, so the
precision travels with the value and every rendering shows exactly what is known.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from django.utils.dates import MONTHS as MONTH_NAMES
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

# English month names for Chicago citations (`chicago()`), which stay English whatever the
# page's language. Pages and messages use Django's translated names instead.
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_ISO = re.compile(
    r"(?P<circa>(?:c\.|ca\.)\s*|circa\s+)?(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PartialDate:
    """A year, optionally narrowed to a month and a day, optionally approximate."""

    year: int
    month: int | None = None
    day: int | None = None
    circa: bool = False

    def __post_init__(self) -> None:
        # Refusing to exist when invalid means no renderer has to cope with 31 February.
        problems = self.errors(self.year, self.month, self.day)
        if problems:
            raise ValueError(" ".join(problems.values()))

    @staticmethod
    def errors(
        year: int | None, month: int | None = None, day: int | None = None
    ) -> dict[str, str]:
        """Every problem at once, keyed by field, so a form can show each beside its input."""
        problems: dict[str, str] = {}
        year_ok = _is_int(year) and 1 <= year <= 9999
        month_ok = month is None or (_is_int(month) and 1 <= month <= 12)
        if not year_ok:
            problems["year"] = _("Enter a year between 1 and 9999.")
        if not month_ok:
            problems["month"] = _("Month must be between 1 and 12.")
        if day is None:
            return problems
        if month is None:
            problems["day"] = _("A day needs a month: enter the month too, or leave the day empty.")
        elif month_ok:
            # Without a valid year, judge the day by a leap year so only certain errors show.
            length = calendar.monthrange(year if year_ok else 2000, month)[1]
            month_name = _month_and_year(month, year) if year_ok else str(MONTH_NAMES[month])
            if not _is_int(day) or day < 1:
                problems["day"] = _("Day must be between 1 and %(length)s.") % {"length": length}
            elif day > length:
                # Translators: %(month)s is a month, usually with its year: “February 1959”.
                problems["day"] = ngettext(
                    "%(month)s has only %(count)s day.",
                    "%(month)s has only %(count)s days.",
                    length,
                ) % {"month": month_name, "count": length}
        return problems

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read the ISO-style forms written by `iso()`, so exported data can be imported again."""
        match = _ISO.fullmatch(text.strip())
        if not match:
            # Translators: keep YYYY, YYYY-MM, YYYY-MM-DD and “c.” as they are: they are what
            # the import reads, whatever the language.
            raise ValueError(
                _(
                    "“%(text)s” is not a date this app can read: use YYYY, YYYY-MM or "
                    "YYYY-MM-DD, optionally after “c.” for an approximate date (for example "
                    "“c. 1954”)."
                )
                % {"text": text}
            )
        month, day = match["month"], match["day"]
        return cls(
            year=int(match["year"]),
            month=int(month) if month else None,
            day=int(day) if day else None,
            circa=bool(match["circa"]),
        )

    @property
    def sort_key(self) -> int:
        """A number that puts "1959" before "March 1959" before "3 March 1959"."""
        return self.year * 10000 + (self.month or 0) * 100 + (self.day or 0)

    @property
    def decade(self) -> int:
        return self.year // 10 * 10

    def display(self) -> str:
        """The form students read on the page, in its language: “3 October 1960” (British
        day-month-year in English), “c. 1954”. Never used in citations: see `chicago()`."""
        if self.day:
            values = {
                "day": self.day,
                "month": MONTH_NAMES[self.month],
                "year": self.year,
            }
            if self.day == 1:
                # Translators: the first day of a month, for languages that write it
                # differently from other days (French “1er mars 1956”).
                text = pgettext("partial date, first of the month", "%(day)s %(month)s %(year)s")
            else:
                # Translators: a full date as shown on pages, “3 October 1960”.
                text = pgettext("partial date", "%(day)s %(month)s %(year)s")
            text %= values
        elif self.month:
            text = _month_and_year(self.month, self.year)
        else:
            text = str(self.year)
        return approximately(text) if self.circa else text

    def chicago(self) -> str:
        """The American month-day-year form that Chicago citations require. Always English,
        whatever the page's language: citations are printed as Chicago prints them."""
        text = str(self.year)
        if self.month:
            day = f" {self.day}," if self.day else ""
            text = f"{MONTHS[self.month - 1]}{day} {self.year}"
        return ("ca. " if self.circa else "") + text

    def iso(self) -> str:
        """Machine-readable and precision-preserving, as `<time datetime>` accepts."""
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        return text

    def __str__(self) -> str:
        return self.display()


def approximately(date: object) -> str:
    """A date (or a year) shown as approximate on pages: “c. 1954”. Not for citations,
    which write “ca.” in English (`PartialDate.chicago()`)."""
    # Translators: an approximate date, “c. 1954” (circa); %(date)s is a year or a date.
    return pgettext("approximate date", "c. %(date)s") % {"date": date}


def _month_and_year(month: int, year: int) -> str:
    # Translators: a month and its year as shown on pages, “September 1955”.
    return pgettext("partial date", "%(month)s %(year)s") % {
        "month": MONTH_NAMES[month],
        "year": year,
    }


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
