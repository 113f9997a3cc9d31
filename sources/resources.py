"""Spreadsheet (CSV/JSON/XLSX) import and export of sources for the admin.

One row per source, with its authors and provenance flattened into columns, so a teacher
can prepare a reading list in a spreadsheet. Authors are written "Family, Given" and
separated by semicolons; a name without a comma is an organisation. Every row is checked
with the models' own rules before anything is saved, and the admin imports all rows or
none, reporting a bad row by its number.

Every cell an export writes, headers included, goes through `coexist.csvsafe`: titles
and texts are shared between teachers, so a source could carry a formula into another
teacher's spreadsheet. An import takes that guard off again, so a file exported here comes
back in exactly as it was.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources

from coexist import csvsafe
from sources.dates import PartialDate
from sources.models import (
    Author,
    AuthorKind,
    AuthorRole,
    Provenance,
    Source,
    SourceAuthor,
    Theme,
    format_timestamp,
    parse_timestamp,
)
from sources.packs import PROVENANCE_FIELDS, SOURCE_FIELDS

ROLE_COLUMNS = {
    "authors": AuthorRole.AUTHOR,
    "editors": AuthorRole.EDITOR,
    "interviewer": AuthorRole.INTERVIEWER,
    "recipient": AuthorRole.RECIPIENT,
    "translators": AuthorRole.TRANSLATOR,
    "directors": AuthorRole.DIRECTOR,
}


def parse_names(text: str) -> list[tuple[str, str, str]]:
    """“Khrushchev, Nikita S.; Central Intelligence Agency” → (kind, family, given) triples."""
    names = []
    for part in (text or "").split(";"):
        part = part.strip()
        if not part:
            continue
        if "," in part:
            family, given = (piece.strip() for piece in part.split(",", 1))
            names.append((AuthorKind.PERSON, family, given))
        else:
            names.append((AuthorKind.ORGANISATION, part, ""))
    return names


class SourceResource(resources.ModelResource):
    authors = fields.Field(column_name="authors")
    editors = fields.Field(column_name="editors")
    interviewer = fields.Field(column_name="interviewer")
    recipient = fields.Field(column_name="recipient")
    translators = fields.Field(column_name="translators")
    directors = fields.Field(column_name="directors")
    themes = fields.Field(column_name="themes")
    date = fields.Field(column_name="date")
    media_start = fields.Field(column_name="media_start")

    class Meta:
        model = Source
        import_id_fields = ("slug",)
        fields = ("slug", *SOURCE_FIELDS, *ROLE_COLUMNS, "themes", "date")
        export_order = ("slug", "title", "untitled", "nature", "is_primary", "authors")
        clean_model_instances = True
        # Provenance and credits live in other tables, so "unchanged" cannot be judged from
        # the source row alone: every row is applied.
        skip_unchanged = False
        use_transactions = True

    def get_export_fields(self, selected_fields=None):
        export_fields = super().get_export_fields(selected_fields)
        names = {f.column_name for f in export_fields}
        for name in PROVENANCE_FIELDS:
            if name not in names and name != "date_circa":
                export_fields.append(fields.Field(attribute=None, column_name=name))
        return export_fields

    def get_queryset(self):
        return Source.objects.with_citation_data().order_by("title")

    # Export ------------------------------------------------------------------------------

    def get_export_headers(self, selected_fields=None):
        return [csvsafe.guard(name) for name in super().get_export_headers(selected_fields)]

    def export_resource(self, instance, selected_fields=None, **kwargs):
        """The row, every cell guarded: in every format, since any of them may be opened
        in a spreadsheet, and `before_import_row` takes the guard off again.

        An empty detail is an empty cell: import-export's own formula escaping
        (IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT) writes every cell as text, None as "None".
        """
        row = super().export_resource(instance, selected_fields, **kwargs)
        return [csvsafe.guard("" if value is None else value) for value in row]

    def export_field(self, field, instance, **kwargs):
        name = field.column_name
        if name in ROLE_COLUMNS:
            return "; ".join(author.sort_name for author in instance.credited(ROLE_COLUMNS[name]))
        if name == "themes":
            return "; ".join(theme.name for theme in instance.themes.all())
        if name == "media_start":
            return format_timestamp(instance.media_start) if instance.media_start else ""
        provenance = instance.provenance_or_none
        if name == "date":
            date = provenance.date if provenance else None
            return ("c. " if date and date.circa else "") + date.iso() if date else ""
        if name in PROVENANCE_FIELDS:
            value = getattr(provenance, name, "") if provenance else ""
            return value.isoformat() if isinstance(value, datetime.date) else value
        return super().export_field(field, instance, **kwargs)

    # Import ------------------------------------------------------------------------------

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=True,
        **kwargs,
    ):
        """All rows or none: an invalid row rolls back the valid ones too."""
        return super().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=raise_errors,
            use_transactions=use_transactions,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=rollback_on_validation_errors,
            **kwargs,
        )

    def before_import_row(self, row, **kwargs):
        """A cell this app's export guarded comes back as it was typed."""
        for column, value in row.items():
            row[column] = csvsafe.unguard(value)
        super().before_import_row(row, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        errors: dict[str, list[str]] = {}
        media_start = str(row.get("media_start") or "").strip()
        try:
            instance.media_start = parse_timestamp(str(media_start)) if media_start else None
        except ValueError as error:
            errors["media_start"] = [str(error)]
        instance._pending_provenance = self._provenance_from_row(row, errors, instance)
        # A column the file leaves out keeps what the library already has.
        instance._pending_names = {
            column: parse_names(str(row.get(column) or ""))
            for column in ROLE_COLUMNS
            if column in row
        }
        instance._pending_themes = (
            [name.strip() for name in str(row.get("themes") or "").split(";") if name.strip()]
            if "themes" in row
            else None
        )
        if errors:
            raise ValidationError(errors)

    def _provenance_from_row(self, row, errors, instance) -> Provenance | None:
        raw_date = str(row.get("date") or "").strip()
        if not raw_date:
            errors["date"] = [_("Every source needs a date: at least the year, e.g. 1959.")]
            return None
        try:
            date = PartialDate.parse(raw_date)
        except ValueError as error:
            errors["date"] = [str(error)]
            return None
        existing = Provenance.objects.filter(source_id=instance.pk).first() if instance.pk else None
        provenance = existing or Provenance()
        provenance.date_year, provenance.date_month = date.year, date.month
        provenance.date_day, provenance.date_circa = date.day, date.circa
        for name in PROVENANCE_FIELDS:
            if name in ("date_circa", "accessed") or name not in row:
                continue
            value = row.get(name)
            setattr(provenance, name, "" if value is None else str(value).strip())
        accessed = str(row.get("accessed") or "").strip()
        if "accessed" in row:
            provenance.accessed = None
        if accessed:
            try:
                provenance.accessed = datetime.date.fromisoformat(accessed[:10])
            except ValueError:
                errors["accessed"] = [
                    _("“%(value)s” is not a date: write it as 2013-04-01.") % {"value": accessed}
                ]
        try:
            provenance.full_clean(exclude=["source"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field.removeprefix("date_") or field, []).extend(messages)
        return provenance

    def after_save_instance(self, instance, row, **kwargs):
        pending = getattr(instance, "_pending_provenance", None)
        if pending is not None:
            existing = Provenance.objects.filter(source=instance).first()
            if existing:
                pending.pk = existing.pk
            pending.source = instance
            pending.save()
        names = getattr(instance, "_pending_names", {})
        kept = [
            (credit.author, credit.role)
            for credit in SourceAuthor.objects.filter(source=instance)
            .select_related("author")
            .order_by("order", "pk")
        ]
        SourceAuthor.objects.filter(source=instance).delete()
        order = 0
        for column, role in ROLE_COLUMNS.items():
            if column not in names:
                for author, kept_role in kept:
                    if kept_role == role:
                        SourceAuthor.objects.create(
                            source=instance, author=author, role=role, order=order
                        )
                        order += 1
                continue
            for kind, family, given in names[column]:
                author = Author.objects.filter(family_name=family, given_names=given).first()
                if author is None:
                    author = Author(kind=kind, family_name=family, given_names=given)
                    # The slug is made from the name on save.
                    author.full_clean(exclude=["slug"])
                    author.save()
                SourceAuthor.objects.create(source=instance, author=author, role=role, order=order)
                order += 1
        if getattr(instance, "_pending_themes", None) is None:
            return
        themes = []
        for name in instance._pending_themes:
            theme = Theme.objects.filter(name__iexact=name).first() or Theme.objects.create(
                name=name
            )
            themes.append(theme)
        instance.themes.set(themes)
