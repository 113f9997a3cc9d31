"""A class's roster: names pasted or uploaded as CSV, checked before anyone is added."""

from __future__ import annotations

import csv
import io

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from coexist.models import User
from lessons.forms.fields import NAME_PATTERN, max_length_of
from lessons.services.classes import RosterName

ROSTER_MAX_NAMES = 200
ROSTER_MAX_BYTES = 200_000


class RosterForm(forms.Form):
    """Names to turn into accounts: a CSV file from the school's system, or pasted lines."""

    names = forms.CharField(
        label=gettext_lazy("Paste names, one student per line"),
        required=False,
        strip=False,  # line numbers in messages must match what the teacher pasted
        max_length=ROSTER_MAX_BYTES,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=gettext_lazy("“Ada Okafor” or “Okafor, Ada”. Blank lines are ignored."),
    )
    file = forms.FileField(
        label=gettext_lazy("…or upload a CSV file"),
        required=False,
        help_text=gettext_lazy(
            "Columns “first name” and “last name” (or one “name” column), with a header row. "
            "Exported from a spreadsheet or your school's system."
        ),
    )

    def clean(self) -> dict:
        data = super().clean()
        raw, upload = data.get("names", ""), data.get("file")
        pasted = raw.strip()
        if self.errors:
            return data
        if pasted and upload:
            raise ValidationError(_("Paste names or upload a file, not both."))
        if not pasted and not upload:
            raise ValidationError(_("Paste at least one name, or choose a CSV file."))
        rows = _pasted_rows(raw) if pasted else _csv_rows(upload)
        data["roster"] = _check_rows(rows)
        return data


def _split_name(line: str) -> tuple[str, str]:
    """“Okafor, Ada” or “Ada Okafor” → (“Ada”, “Okafor”); one word is a first name."""
    line = " ".join(line.split())  # tabs from a spreadsheet, stray spaces
    if "," in line:
        last, _, first = line.partition(",")
    elif " " in line:
        first, _, last = line.rpartition(" ")
    else:
        first, last = line, ""
    return first.strip(), last.strip()


def _pasted_rows(text: str) -> list[tuple[int, str, str]]:
    return [
        (number, *_split_name(line))
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]


def _csv_rows(upload) -> list[tuple[int, str, str]]:
    if upload.size > ROSTER_MAX_BYTES:
        raise ValidationError(
            _("That file is too big for a class list (the limit is %(size)s KB).")
            % {"size": ROSTER_MAX_BYTES // 1000}
        )
    raw = upload.read()
    if b"\x00" in raw:
        raise ValidationError(
            _("That file is not a CSV file. Save the spreadsheet as CSV and try again.")
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(_("That file's text could not be read. Save it as “CSV UTF-8”."))
    # Spreadsheets set to French (and most of Europe) save CSV with semicolons.
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise ValidationError(
            _("That file could not be read as CSV (%(error)s).") % {"error": error}
        ) from None
    if not table:
        raise ValidationError(_("That file is empty."))
    header = [cell.strip().lower().replace("_", " ") for cell in table[0]]
    columns = _name_columns(header)
    if columns is None:
        raise ValidationError(
            _(
                "The first row must name the columns: “first name” and “last name”, or “name”. "
                "This file's first row is: %(row)s."
            )
            % {"row": ", ".join(table[0]) or _("(empty)")}
        )
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        first, last, full = (
            cells[index].strip() if index is not None and index < len(cells) else ""
            for index in columns
        )
        rows.append((number, *(_split_name(full) if columns[2] is not None else (first, last))))
    return rows


def _name_columns(header: list[str]) -> tuple[int | None, int | None, int | None] | None:
    def find(*names: str) -> int | None:
        return next((header.index(name) for name in names if name in header), None)

    # English and French headings alike, whatever language the page is in: a French
    # school's system exports "Nom" (the family name) and "Prénom".
    first = find("first name", "firstname", "given name", "forename", "prénom", "prenom")
    last = find("last name", "lastname", "surname", "family name", "nom de famille", "nom")
    if first is not None:
        return first, last, None
    full = find("name", "full name", "student", "student name", "nom complet", "élève", "nom")
    return (None, None, full) if full is not None else None


def _limit_broken(first: str, last: str) -> int | None:
    """The limit of the user's name field that this name is longer than, if any."""
    for value, field in ((first, "first_name"), (last, "last_name")):
        limit = max_length_of(User, field)
        if len(value) > limit:
            return limit
    return None


def _check_rows(rows: list[tuple[int, str, str]]) -> list[RosterName]:
    if not rows:
        raise ValidationError(_("No names found. Put one student on each line."))
    if len(rows) > ROSTER_MAX_NAMES:
        raise ValidationError(
            ngettext(
                "That is %(count)s name; add at most %(most)s at a time.",
                "That is %(count)s names; add at most %(most)s at a time.",
                len(rows),
            )
            % {"count": len(rows), "most": ROSTER_MAX_NAMES}
        )
    problems, names = [], []
    for number, first, last in rows:
        first, last = " ".join(first.split()), " ".join(last.split())
        shown = f"{first} {last}".strip()
        if not first:
            problems.append(_("Line %(number)s: no first name.") % {"number": number})
        elif limit := _limit_broken(first, last):
            problems.append(
                ngettext(
                    "Line %(number)s: the name is longer than %(limit)s character.",
                    "Line %(number)s: the name is longer than %(limit)s characters.",
                    limit,
                )
                % {"number": number, "limit": limit}
            )
        elif not NAME_PATTERN.match(first) or (last and not NAME_PATTERN.match(last)):
            problems.append(
                _("Line %(number)s: “%(name)s” has characters a name cannot contain.")
                % {"number": number, "name": shown}
            )
        else:
            names.append(RosterName(number, first, last))
    if problems:
        raise ValidationError(
            [_("Nobody was added. Correct these lines and try again:"), *problems]
        )
    return names
