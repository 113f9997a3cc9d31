"""Move the source library between Coexist instances as plain JSON.

A pack names every record by its slug (its natural key), so importing the same pack
twice changes nothing, and importing it elsewhere links the same authors and sources.
Every record is validated with the model's own rules; one bad record rolls back the
whole import and the error names it. Lesson packs (in `lessons`) embed this format.
Uploaded images are not carried: a pack is text; their alt text is.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sources.dates import PartialDate
from sources.models import (
    Author,
    Interpretation,
    Provenance,
    Source,
    SourceAuthor,
    Theme,
)

PACK_FORMAT = "coexist-pack"
PACK_VERSION = 1

# Fields added later (family_name_first, date_season, site_owner) are simply absent from an
# older pack, which then imports as it always did.
AUTHOR_FIELDS = (
    "kind",
    "given_names",
    "family_name",
    "family_name_first",
    "born",
    "died",
    "standpoint",
    "description",
)
SOURCE_FIELDS = (
    "title",
    "untitled",
    "nature",
    "is_primary",
    "summary",
    "text",
    "image_alt",
    "media_url",
    "media_start",
)
PROVENANCE_FIELDS = (
    "date_circa",
    "date_season",
    "place",
    "occasion",
    "context",
    "audience",
    "medium",
    "classification",
    "container_title",
    "site_owner",
    "volume",
    "issue",
    "pages",
    "edition",
    "publisher",
    "publication_place",
    "archive",
    "identifier",
    "duration",
    "url",
    "doi",
    "accessed",
    "short_title",
    "note",
)
INTERPRETATION_FIELDS = ("question", "summary", "quotation", "quotation_locator", "stance")


class PackError(Exception):
    """A pack that cannot be imported; the message names the record and the problem."""


def located(where: str, problem: str) -> str:
    """A pack's problem, after the record it is in: “source “x”: …”."""
    # Translators: where in a pack (“source “the-thaw”, credit 2”), then what is wrong there.
    return _("%(where)s: %(problem)s") % {"where": where, "problem": problem}


# What is said of a record a pack does not number with a slug, and of one it names but
# does not hold, for each kind a library pack holds.
NO_SLUG = {
    "author": gettext_lazy("author number %(number)s has no slug."),
    "theme": gettext_lazy("theme number %(number)s has no slug."),
    "source": gettext_lazy("source number %(number)s has no slug."),
}
NOT_FOUND = {
    "author": gettext_lazy("no author “%(slug)s” in the pack or in this Coexist."),
    "theme": gettext_lazy("no theme “%(slug)s” in the pack or in this Coexist."),
    "source": gettext_lazy("no source “%(slug)s” in the pack or in this Coexist."),
}


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: str, kind: str) -> None:
        bucket = getattr(self, outcome)
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        parts = []
        for outcome in ("created", "updated", "unchanged"):
            counts = getattr(self, outcome)
            if counts:
                detail = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
                parts.append(f"{outcome}: {detail}")
        return "; ".join(parts) or "nothing to import"


# Export ---------------------------------------------------------------------------------


def export_library(sources: Iterable[Source]) -> dict:
    """The pack for these sources, with every author, theme and interpretation they need."""
    sources = list(
        Source.objects.filter(pk__in=[s.pk for s in sources])
        .with_citation_data()
        .prefetch_related("interpretations__historian")
        .order_by("slug")
    )
    authors: dict[str, Author] = {}
    themes: dict[str, Theme] = {}
    interpretations: list[Interpretation] = []
    for source in sources:
        for credit in source.ordered_credits:
            authors[credit.author.slug] = credit.author
        for theme in source.themes.all():
            themes[theme.slug] = theme
        for interpretation in source.interpretations.all():
            authors[interpretation.historian.slug] = interpretation.historian
            interpretations.append(interpretation)
    return {
        "format": PACK_FORMAT,
        "version": PACK_VERSION,
        "authors": [_author_record(a) for _, a in sorted(authors.items())],
        "themes": [{"slug": t.slug, "name": t.name} for _, t in sorted(themes.items())],
        "sources": [_source_record(s) for s in sources],
        "interpretations": [
            _interpretation_record(i)
            for i in sorted(interpretations, key=lambda i: (i.work.slug, i.position))
        ],
    }


def _author_record(author: Author) -> dict:
    return {"slug": author.slug, **{name: getattr(author, name) for name in AUTHOR_FIELDS}}


def _source_record(source: Source) -> dict:
    record = {"slug": source.slug, **{name: getattr(source, name) for name in SOURCE_FIELDS}}
    record["themes"] = sorted(theme.slug for theme in source.themes.all())
    record["credits"] = [
        {"author": credit.author.slug, "role": credit.role} for credit in source.ordered_credits
    ]
    provenance = source.provenance_or_none
    if provenance:
        values = {name: getattr(provenance, name) for name in PROVENANCE_FIELDS}
        if values["accessed"]:
            values["accessed"] = values["accessed"].isoformat()
        date = provenance.date  # None for an undated web page
        record["provenance"] = {"date": date.iso() if date else None, **values}
    else:
        record["provenance"] = None
    return record


def _interpretation_record(interpretation: Interpretation) -> dict:
    return {
        "historian": interpretation.historian.slug,
        "work": interpretation.work.slug,
        "position": interpretation.position,
        **{name: getattr(interpretation, name) for name in INTERPRETATION_FIELDS},
    }


# Import ---------------------------------------------------------------------------------


def import_library(data: object) -> ImportReport:
    """Create or update everything in the pack, all or nothing."""
    if not isinstance(data, dict) or data.get("format") != PACK_FORMAT:
        raise PackError(_("This is not a Coexist pack (its “format” is not “coexist-pack”)."))
    if data.get("version") != PACK_VERSION:
        raise PackError(
            _(
                "This pack is version %(version)s; this Coexist reads version "
                "%(readable)s. Export it again from a matching Coexist."
            )
            % {"version": repr(data.get("version")), "readable": PACK_VERSION}
        )
    report = ImportReport()
    with transaction.atomic():
        authors = {
            record_slug(r, "author", i): _import_author(r, report)
            for i, r in enumerate(_records(data, "authors"), 1)
        }
        themes = {
            record_slug(r, "theme", i): _import_theme(r, report)
            for i, r in enumerate(_records(data, "themes"), 1)
        }
        sources = {}
        for index, record in enumerate(_records(data, "sources"), 1):
            slug = record_slug(record, "source", index)
            sources[slug] = _import_source(record, authors, themes, report)
        for index, record in enumerate(_records(data, "interpretations"), 1):
            _import_interpretation(record, index, authors, sources, report)
    return report


def _records(data: dict, key: str) -> list[dict]:
    records = data.get(key, [])
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise PackError(_("“%(key)s” must be a list of records.") % {"key": key})
    return records


def record_slug(record: dict, kind: str, index: int) -> str:
    slug = record.get("slug")
    if not isinstance(slug, str) or not slug.strip():
        raise PackError(NO_SLUG[kind] % {"number": index})
    return slug


def _lookup(mapping: dict, slug: object, what: str, where: str):
    if slug in mapping:
        return mapping[slug]
    model = {"author": Author, "theme": Theme, "source": Source}[what]
    try:
        mapping[slug] = model.objects.get(slug=slug)
    except model.DoesNotExist:
        raise PackError(located(where, NOT_FOUND[what] % {"slug": slug})) from None
    return mapping[slug]


def _save(instance: models.Model, values: dict, label: str) -> str:
    """Set values, validate with the model's rules, save only when something changed.

    Returns the outcome: "created", "updated" or "unchanged".
    """
    is_new = instance._state.adding
    changed = is_new
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    if not changed:
        return "unchanged"
    try:
        instance.full_clean(validate_unique=is_new)
    except ValidationError as error:
        raise PackError(located(label, _describe(error))) from None
    instance.save()
    return "created" if is_new else "updated"


def _describe(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(
            located(name, " ".join(messages)) if name != "__all__" else " ".join(messages)
            for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def _pick(record: dict, names: Iterable[str]) -> dict:
    values = {}
    for name in names:
        if name in record:
            value = record[name]
            values[name] = "" if value is None and name not in _NULLABLE else value
    return values


_NULLABLE = {"born", "died", "media_start", "accessed"}


def _import_author(record: dict, report: ImportReport) -> Author:
    author = Author.objects.filter(slug=record["slug"]).first() or Author(slug=record["slug"])
    label = _("author “%(slug)s”") % {"slug": record["slug"]}
    report.count(_save(author, _pick(record, AUTHOR_FIELDS), label), "authors")
    return author


def _import_theme(record: dict, report: ImportReport) -> Theme:
    theme = Theme.objects.filter(slug=record["slug"]).first() or Theme(slug=record["slug"])
    label = _("theme “%(slug)s”") % {"slug": record["slug"]}
    report.count(_save(theme, _pick(record, ("name",)), label), "themes")
    return theme


def _import_source(record: dict, authors: dict, themes: dict, report: ImportReport) -> Source:
    slug = record["slug"]
    label = _("source “%(slug)s”") % {"slug": slug}
    source = Source.objects.filter(slug=slug).first() or Source(slug=slug)
    outcome = _save(source, _pick(record, SOURCE_FIELDS), label)

    wanted_themes = {_lookup(themes, s, "theme", label).pk for s in record.get("themes", [])}
    if wanted_themes != set(source.themes.values_list("pk", flat=True)):
        source.themes.set(wanted_themes)
        outcome = "updated" if outcome == "unchanged" else outcome

    credits = [
        (_lookup(authors, c.get("author"), "author", label), c.get("role", "author"))
        for c in record.get("credits", [])
    ]
    current = [
        (credit.author_id, credit.role)
        for credit in SourceAuthor.objects.filter(source=source).order_by("order", "pk")
    ]
    if [(a.pk, role) for a, role in credits] != current:
        SourceAuthor.objects.filter(source=source).delete()
        for order, (author, role) in enumerate(credits):
            credit = SourceAuthor(source=source, author=author, role=role, order=order)
            try:
                credit.full_clean()
            except ValidationError as error:
                where = _("%(source)s, credit %(number)s") % {"source": label, "number": order + 1}
                raise PackError(located(where, _describe(error))) from None
            credit.save()
        outcome = "updated" if outcome == "unchanged" else outcome
    report.count(outcome, "sources")

    provenance_record = record.get("provenance")
    if provenance_record:
        _import_provenance(source, provenance_record, label, report)
    return source


def _import_provenance(source: Source, record: dict, label: str, report: ImportReport) -> None:
    where = _("%(source)s, provenance") % {"source": label}
    raw_date = record.get("date")
    if raw_date in (None, ""):
        date = None  # an undated web page; the model's rules refuse it for anything else
    else:
        try:
            date = PartialDate.parse(str(raw_date))
        except ValueError as error:
            raise PackError(located(where, str(error))) from None
    values = _pick(record, PROVENANCE_FIELDS)
    values.update(
        date_year=date.year if date else None,
        date_month=date.month if date else None,
        date_day=date.day if date else None,
    )
    values.setdefault("date_circa", bool(date and date.circa))
    values["date_circa"] = bool(values["date_circa"]) or bool(date and date.circa)
    if isinstance(values.get("accessed"), str) and values["accessed"]:
        try:
            values["accessed"] = datetime.date.fromisoformat(values["accessed"])
        except ValueError:
            raise PackError(located(where, _("accessed must be a date like 2013-04-01."))) from None
    elif not values.get("accessed"):
        values["accessed"] = None
    provenance = Provenance.objects.filter(source=source).first() or Provenance(source=source)
    report.count(_save(provenance, values, where), "provenance")


def _import_interpretation(record, index, authors, sources, report) -> None:
    where = _("interpretation number %(number)s") % {"number": index}
    historian = _lookup(authors, record.get("historian"), "author", where)
    work = _lookup(sources, record.get("work"), "source", where)
    position = record.get("position") or ""
    interpretation = Interpretation.objects.filter(
        historian=historian, work=work, position=position
    ).first() or Interpretation(historian=historian, work=work, position=position)
    values = _pick(record, INTERPRETATION_FIELDS)
    label = _("%(interpretation)s (“%(position)s”)") % {
        "interpretation": where,
        "position": position,
    }
    outcome = _save(interpretation, values, label)
    report.count(outcome, "interpretations")
