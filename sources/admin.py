from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router
from django.db.models import Prefetch
from django.forms.models import BaseInlineFormSet, InlineForeignKeyField
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from simple_history.admin import SimpleHistoryAdmin

from coexist.admin_a11y import NamesFileInputs
from coexist.admin_privacy import NamesOnlyWhatTheyMaySee, describe
from sources.models import (
    Author,
    Interpretation,
    Provenance,
    Source,
    SourceAuthor,
    Standpoint,
    Theme,
    format_timestamp,
    library_decades,
    parse_timestamp,
)
from sources.resources import SourceResource


@admin.register(Author)
class AuthorAdmin(NamesOnlyWhatTheyMaySee, SimpleHistoryAdmin):
    list_display = ("sort_name_display", "kind", "standpoint", "life_dates", "description")
    list_filter = ("kind", "standpoint")
    search_fields = ("family_name", "given_names", "description")
    prepopulated_fields = {"slug": ("given_names", "family_name")}
    fields = (
        "kind",
        ("given_names", "family_name"),
        "family_name_first",
        "slug",
        ("born", "died"),
        "standpoint",
        "description",
    )

    @admin.display(description=gettext_lazy("Name"), ordering="family_name")
    def sort_name_display(self, author: Author) -> str:
        return author.sort_name

    @admin.display(description=gettext_lazy("Life dates"))
    def life_dates(self, author: Author) -> str:
        return author.life_dates


@admin.register(Theme)
class ThemeAdmin(NamesOnlyWhatTheyMaySee, admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


class TimestampField(forms.CharField):
    """Seconds in the database, “4:45” in the form: what a teacher reads off a player."""

    def prepare_value(self, value):
        return format_timestamp(value) if isinstance(value, int) else value

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_timestamp(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class SourceAdminForm(forms.ModelForm):
    media_start = TimestampField(
        label=gettext_lazy("Start at"),
        required=False,
        help_text=gettext_lazy("Where the relevant part begins, as minutes:seconds, e.g. 4:45."),
        widget=forms.TextInput(attrs={"size": 8, "placeholder": "4:45"}),
    )

    class Meta:
        model = Source
        fields = (
            "title",
            "untitled",
            "slug",
            "nature",
            "is_primary",
            "themes",
            "summary",
            "text",
            "image",
            "image_alt",
            "media_url",
            "media_start",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An untitled interview has no title to make the address from: one is made on save.
        slug = self.fields["slug"]
        slug.required = False
        slug.help_text = _("%(help)s Leave empty to make one from the title.") % {
            "help": slug.help_text
        }


class CreditInline(admin.TabularInline):
    model = SourceAuthor
    autocomplete_fields = ("author",)
    fields = ("author", "role", "order")
    extra = 1
    verbose_name = gettext_lazy("author or other credit")
    verbose_name_plural = gettext_lazy("authors and other credits (in citation order)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class ProvenanceForm(forms.ModelForm):
    """Lets the provenance's rules see the source as posted: whether the year may be left
    out depends on the kind of source (only a web page may be undated), and whether a
    description is needed on whether it has a title. Django leaves a new source out of
    the inline's cleaned data, since it is not saved yet."""

    def clean(self):
        cleaned_data = super().clean()
        parent = self.fields.get("source")
        if isinstance(parent, InlineForeignKeyField):
            cleaned_data["source"] = parent.parent_instance
        return cleaned_data


class ProvenanceInline(admin.StackedInline):
    model = Provenance
    form = ProvenanceForm
    can_delete = False
    min_num = 1
    max_num = 1
    verbose_name_plural = gettext_lazy("provenance: when, where, why and for whom")
    fieldsets = (
        (
            gettext_lazy("When"),
            {
                "fields": (("date_year", "date_month", "date_day", "date_circa"), "date_season"),
                "description": gettext_lazy(
                    "The year is required, except for a web page that shows no "
                    "date: leave the year empty and fill in “date accessed” below."
                ),
            },
        ),
        (
            gettext_lazy("Where, why and for whom"),
            {"fields": ("place", "occasion", "context", "audience", "medium", "classification")},
        ),
        (
            gettext_lazy("Publication"),
            {
                "fields": (
                    ("container_title", "site_owner"),
                    ("volume", "issue", "pages"),
                    ("edition", "publisher", "publication_place"),
                    ("url", "doi", "accessed"),
                    ("archive", "identifier", "duration"),
                    "short_title",
                )
            },
        ),
        (gettext_lazy("Shown to students"), {"fields": ("note",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")


class RefusesProtectedDeletion(BaseInlineFormSet):
    """A row other records depend on (an interpretation a student chose, say) is not
    deleted: the database would refuse, so the form says so instead of an error page.

    The records are named only as far as `reader` (set by the inline) may see them.
    """

    reader = None

    def clean(self):
        refusals = []
        for form in self.forms:
            if not self._should_delete_form(form) or form.instance.pk is None:
                continue
            collector = NestedObjects(using=router.db_for_write(self.model))
            collector.collect([form.instance])
            if collector.protected:
                examples = "; ".join(describe(collector.protected, self.reader)[:3])
                count = len(collector.protected)
                refusals.append(
                    ngettext(
                        # Translators: the English says "depend" for one record too.
                        "“%(row)s” cannot be removed: %(count)s record depend on it "
                        "(%(examples)s).",
                        "“%(row)s” cannot be removed: %(count)s records depend on it "
                        "(%(examples)s).",
                        count,
                    )
                    % {"row": form.instance, "count": count, "examples": examples}
                )
        if refusals:
            raise ValidationError(refusals)
        super().clean()


class InterpretationInline(admin.StackedInline):
    model = Interpretation
    formset = RefusesProtectedDeletion
    fk_name = "work"
    autocomplete_fields = ("historian",)
    extra = 0
    fields = (
        "historian",
        "question",
        ("position", "stance"),
        "summary",
        ("quotation", "quotation_locator"),
    )
    verbose_name = gettext_lazy("interpretation argued in this work")
    verbose_name_plural = gettext_lazy("interpretations argued in this work")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.reader = request.user  # a new class for each request
        return formset

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("historian")


UNDATED = "undated"


def decade_label(decade: int) -> str:
    """“1950s”."""
    # Translators: a decade, e.g. "1950s"; %(decade)s is its first year, with no separator.
    return _("%(decade)ss") % {"decade": decade}


class DecadeFilter(admin.SimpleListFilter):
    title = gettext_lazy("decade")
    parameter_name = "decade"

    def lookups(self, request, model_admin):
        decades, any_undated = library_decades()
        undated = [(UNDATED, _("No date"))] if any_undated else []
        return [(str(decade), decade_label(decade)) for decade in decades] + undated

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if self.value() == UNDATED:
            return queryset.filter(provenance__date_year__isnull=True)
        try:
            decade = int(self.value())
        except ValueError:
            return queryset.none()
        return queryset.in_decade(decade)


class StandpointFilter(admin.SimpleListFilter):
    title = gettext_lazy("author's standpoint")
    parameter_name = "standpoint"

    def lookups(self, request, model_admin):
        return Standpoint.choices

    def queryset(self, request, queryset):
        if self.value() not in Standpoint.values:
            return queryset
        return queryset.filter(credits__author__standpoint=self.value()).distinct()


@admin.register(Source)
class SourceAdmin(
    NamesOnlyWhatTheyMaySee, NamesFileInputs, ImportExportModelAdmin, SimpleHistoryAdmin
):
    form = SourceAdminForm
    resource_classes = [SourceResource]
    # Named, not "whatever tablib can handle here": installing PyYAML or openpyxl for
    # something else must not offer a format nobody reviewed. tablib escapes HTML, and
    # every cell of all four passes coexist.csvsafe.
    formats = [base_formats.CSV, base_formats.TSV, base_formats.JSON, base_formats.HTML]
    list_display = (
        "title_display",
        "nature",
        "author_list",
        "date_display",
        "primary_or_secondary",
    )
    list_filter = ("nature", StandpointFilter, "is_primary", "themes", DecadeFilter)
    search_fields = (
        "title",
        "credits__author__family_name",
        "credits__author__given_names",
        "text",
    )
    search_help_text = gettext_lazy("Search titles, author names and source text.")
    list_per_page = 50
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("themes",)
    readonly_fields = ("citation_preview",)
    inlines = (CreditInline, ProvenanceInline, InterpretationInline)
    fieldsets = (
        (None, {"fields": ("title", "untitled", "slug", ("nature", "is_primary"), "themes")}),
        (gettext_lazy("What students read"), {"fields": ("summary", "text")}),
        (gettext_lazy("Image"), {"fields": ("image", "image_alt")}),
        (gettext_lazy("Video or audio"), {"fields": ("media_url", "media_start")}),
        (
            gettext_lazy("Citations (generated from the provenance)"),
            {"fields": ("citation_preview",)},
        ),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("provenance")
            .prefetch_related(
                Prefetch(
                    "credits",
                    queryset=SourceAuthor.objects.select_related("author").order_by("order", "pk"),
                )
            )
        )

    @admin.display(description=gettext_lazy("Title"), ordering="title")
    def title_display(self, source: Source) -> str:
        return source.shown_title

    @admin.display(description=gettext_lazy("Authors"))
    def author_list(self, source: Source) -> str:
        return source.author_names or "—"

    @admin.display(description=gettext_lazy("Date"), ordering="provenance__date_sort")
    def date_display(self, source: Source) -> str:
        return str(source.date) if source.date else "—"

    @admin.display(description=gettext_lazy("Primary or secondary"), ordering="is_primary")
    def primary_or_secondary(self, source: Source) -> str:
        if source.is_primary:
            return pgettext("kind of source", "Primary")
        return pgettext("kind of source", "Secondary")

    @admin.display(description=gettext_lazy("Chicago citations"))
    def citation_preview(self, source: Source) -> str:
        if source.pk is None:
            return _("Save the source to see its citations.")
        rows = (
            (_("Bibliography"), source.bibliography_entry()),
            (_("First note"), source.first_note()),
            (_("Short note"), source.short_note()),
        )
        return format_html(
            '<dl class="citation-preview">{}</dl>',
            format_html_join("", '<dt>{}</dt><dd translate="no">{}</dd>', rows),
        )


class ListedSourceSearch(AutocompleteJsonView):
    """The admin's search-as-you-type for a field that chooses a library source, each
    result the source's title with its authors and year (`Source.listing_label`), so two
    sources with one title are told apart; a fixed number of queries.

    `answers_for` names the (model, field) pairs a subclass serves; any other is refused."""

    answers_for: frozenset[tuple[str, str]] = frozenset()

    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        if (source_field.model._meta.label, source_field.name) not in self.answers_for:
            raise PermissionDenied
        return term, model_admin, source_field, to_field_name

    def get_queryset(self):
        # The library's own admin prefetches credits its way; listing needs them ours.
        return super().get_queryset().prefetch_related(None).with_listing_data()

    def serialize_result(self, obj: Source, to_field_name: str) -> dict:
        return {"id": str(getattr(obj, to_field_name)), "text": obj.listing_label}


class InterpretationWorkSearch(ListedSourceSearch):
    answers_for = frozenset({("sources.Interpretation", "work")})


class InterpretationWorkSelect(AutocompleteSelect):
    url_name = "%s:sources_interpretation_work_autocomplete"


@admin.register(Interpretation)
class InterpretationAdmin(NamesOnlyWhatTheyMaySee, SimpleHistoryAdmin):
    list_display = ("position", "historian", "work_listed", "stance", "question")
    list_filter = ("stance",)
    list_select_related = ("historian", "work__provenance")
    search_fields = ("position", "summary", "historian__family_name", "work__title")
    autocomplete_fields = ("historian", "work")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "work__credits",
                    queryset=SourceAuthor.objects.select_related("author").order_by("order", "pk"),
                )
            )
        )

    def get_urls(self):
        search = self.admin_site.admin_view(
            InterpretationWorkSearch.as_view(admin_site=self.admin_site)
        )
        return [
            path("work-search/", search, name="sources_interpretation_work_autocomplete"),
            *super().get_urls(),
        ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "work":
            kwargs["widget"] = InterpretationWorkSelect(db_field, self.admin_site)
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = lambda source: source.listing_label
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("work"), ordering="work__title")
    def work_listed(self, interpretation: Interpretation) -> str:
        return interpretation.work.listing_label if interpretation.work_id else "—"
