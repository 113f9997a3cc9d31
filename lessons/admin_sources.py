"""Finding sources for a lesson in the admin: a picker, and a source search that tells
apart two sources with one title.

The library can hold two editions of a textbook under one title, so wherever the admin
lists sources for a lesson it shows each one's authors and year (`Source.listing_label`),
read from data loaded with the list, never a query per source.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from lessons.models import Lesson, LessonSource
from sources.access import visible_sources
from sources.admin import ListedSourceSearch, decade_label
from sources.models import Nature, Source, SourceAuthor, Theme, library_decades

# A page of results a teacher can read through; more means the search should be narrower.
PICKER_RESULTS = 100


def quoted(title: str) -> str:
    """A title in quotation marks, as a message lists several: “The thaw”."""
    # Translators: a title in quotation marks, in a list of several.
    return _("“%(title)s”") % {"title": title}


def choice_label(source: Source) -> str:
    """A source as offered for a lesson: title, authors, year and, for two extracts of
    one book, the opening words of its summary."""
    return f"{source.listing_label} — {source.gist}" if source.gist else source.listing_label


class SourceAutocomplete(AutocompleteSelect):
    """The admin's search-as-you-type for a lesson's source, listing each source with
    its authors and year (`SourceAutocompleteView`).

    `known` (set by the form) holds the label of the source a saved row already has, read
    from the rows the inline loaded, so the chosen source costs no query of its own.
    """

    url_name = "%s:lessons_lesson_source_autocomplete"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.known: dict[str, str] = {}

    def optgroups(self, name, value, attr=None):
        chosen = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if not chosen or any(pk not in self.known for pk in chosen):
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for pk in chosen:
            options.append(self.create_option(name, pk, self.known[pk], True, len(options)))
        return [(None, options, 0)]


class SourceAutocompleteView(ListedSourceSearch):
    """The admin's autocomplete for a lesson source's `source` only."""

    answers_for = frozenset({("lessons.LessonSource", "source")})


KINDS = {"primary": True, "secondary": False}


class SourceSearchForm(forms.Form):
    """What a teacher is looking for in the library; every field may be left empty."""

    q = forms.CharField(
        label=gettext_lazy("Search titles, authors and text"),
        max_length=200,
        required=False,
        strip=True,
    )
    theme = forms.ModelChoiceField(
        label=gettext_lazy("Theme"),
        queryset=Theme.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=gettext_lazy("Any theme"),
        error_messages={
            "invalid_choice": gettext_lazy("There is no such theme; choose one from the list.")
        },
    )
    nature = forms.ChoiceField(
        label=gettext_lazy("Nature"),
        choices=[("", gettext_lazy("Any kind of source")), *Nature.choices],
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose a kind of source from the list.")},
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Primary or secondary"),
        choices=[
            ("", pgettext_lazy("primary or secondary source", "Either")),
            ("primary", pgettext_lazy("kind of source", "Primary")),
            ("secondary", pgettext_lazy("kind of source", "Secondary")),
        ],
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose primary, secondary or either.")},
    )
    decade = forms.TypedChoiceField(
        label=gettext_lazy("Decade"),
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose a decade from the list.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        decades, _undated = library_decades()
        self.fields["decade"].choices = [("", _("Any decade"))] + [
            (str(decade), decade_label(decade)) for decade in decades
        ]

    def search(self, sources):
        """These sources narrowed to what the form asks for (a valid form's)."""
        data = self.cleaned_data
        for word in data["q"].split():
            credited = SourceAuthor.objects.filter(
                Q(author__family_name__icontains=word) | Q(author__given_names__icontains=word)
            ).values("source")
            sources = sources.filter(
                Q(title__icontains=word) | Q(text__icontains=word) | Q(pk__in=credited)
            )
        if data["theme"] is not None:
            sources = sources.filter(themes=data["theme"])
        if data["nature"]:
            sources = sources.filter(nature=data["nature"])
        if data["kind"]:
            sources = sources.filter(is_primary=KINDS[data["kind"]])
        if data["decade"] is not None:
            sources = sources.in_decade(data["decade"])
        return sources

    @property
    def narrowed(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)


class ChosenSourcesForm(forms.Form):
    sources = forms.ModelMultipleChoiceField(
        queryset=Source.objects.none(),
        error_messages={
            "required": gettext_lazy("Tick at least one source to add; nothing was added."),
            "invalid_choice": gettext_lazy(
                "Source %(value)s is not in the library (it may have been "
                "deleted since the list was shown); nothing was added."
            ),
            "invalid_pk_value": gettext_lazy("“%(pk)s” is not a source; nothing was added."),
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].queryset = visible_sources(user)


def append_sources(*, lesson: Lesson, sources) -> list[LessonSource]:
    """Put these library sources at the end of the lesson, in the order given, each
    lettered after those already there (`Lesson.assign_labels`); a source already in
    the lesson is left where it is. Adding is allowed once students have started the
    lesson: their sources and letters stay as they were."""
    with transaction.atomic():
        present = set(lesson.lesson_sources.values_list("source_id", flat=True))
        last = lesson.lesson_sources.aggregate(last=Max("order"))["last"]
        order = -1 if last is None else last
        added = []
        for source in sources:
            if source.pk in present:
                continue
            present.add(source.pk)
            order += 1
            lesson_source = LessonSource(lesson=lesson, source=source, order=order)
            lesson_source.full_clean()
            lesson_source.save()
            added.append(lesson_source.pk)
        lesson.assign_labels()
    return list(
        LessonSource.objects.filter(pk__in=added).select_related("source").order_by("order")
    )


def library_results(user, search: SourceSearchForm, in_lesson: dict[int, str]):
    """The sources a valid search finds, at most PICKER_RESULTS of them, each with the
    letter it already has in the lesson (or None); and whether there were more."""
    sources = visible_sources(user)
    if search.is_bound:
        sources = search.search(sources)
    found = list(
        sources.with_listing_data().order_by("title", "provenance__date_sort", "pk")[
            : PICKER_RESULTS + 1
        ]
    )
    return [(s, in_lesson.get(s.pk)) for s in found[:PICKER_RESULTS]], len(found) > PICKER_RESULTS


def picker_context(lesson: Lesson | None) -> dict:
    """What the picker on the lesson's own page offers: the filters' choices and where it
    searches. Two queries (themes, decades)."""
    url = reverse("admin:lessons_lesson_library_search")
    decades, _undated = library_decades()
    return {
        "search_url": f"{url}?lesson={lesson.pk}" if lesson and lesson.pk else url,
        "themes": list(Theme.objects.order_by("name").values_list("slug", "name")),
        "natures": Nature.choices,
        "decades": [(str(decade), decade_label(decade)) for decade in decades],
    }


def chosen_in_order(user, ticked: list[str]) -> tuple[list[Source], int]:
    """The library sources ticked on the lesson's page, in the order ticked, and how many
    of the ticked could not be added (no longer in the library, or not a source at all)."""
    ids = [int(value) for value in ticked if value.isdigit() and len(value) < 10]
    found = visible_sources(user).in_bulk(ids)
    sources = [found[pk] for pk in dict.fromkeys(ids) if pk in found]
    return sources, len(set(ticked)) - len(sources)


class SourcePickerMixin:
    """LessonAdmin's library picker, on the lesson's page and as a page of its own
    ("Add sources from the library…", without JavaScript), and its source search."""

    def get_urls(self):
        picker = self.admin_site.admin_view(self.add_sources_view)
        search = self.admin_site.admin_view(
            SourceAutocompleteView.as_view(admin_site=self.admin_site)
        )
        library = self.admin_site.admin_view(self.library_search_view)
        return [
            path("<path:object_id>/add-sources/", picker, name="lessons_lesson_add_sources"),
            path("source-search/", search, name="lessons_lesson_source_autocomplete"),
            path("library-search/", library, name="lessons_lesson_library_search"),
            *super().get_urls(),
        ]

    def library_search_view(self, request: HttpRequest) -> HttpResponse:
        """The picker's search as JSON: each source's title with authors and year, what it
        is, and the letter it has if `?lesson=` has it already. A fixed number of queries."""
        if request.method not in ("GET", "HEAD"):
            return JsonResponse(
                {"message": _("Search with GET.")}, status=405, headers={"Allow": "GET, HEAD"}
            )
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        search = SourceSearchForm(request.GET)
        if not search.is_valid():
            message = " ".join(str(e) for errors in search.errors.values() for e in errors)
            return JsonResponse({"message": message}, status=400)
        in_lesson = {}
        lesson_id = request.GET.get("lesson", "")
        if lesson_id.isdigit() and len(lesson_id) < 10:
            in_lesson = dict(
                LessonSource.objects.filter(lesson_id=int(lesson_id)).values_list(
                    "source_id", "label"
                )
            )
        results, more = library_results(request.user, search, in_lesson)
        return JsonResponse(
            {
                "results": [
                    {
                        "id": source.pk,
                        "label": source.listing_label,
                        "details": " · ".join(
                            part
                            for part in (
                                source.get_nature_display(),
                                source.kind_label,
                                source.gist,
                            )
                            if part
                        ),
                        "in_lesson": label,
                    }
                    for source, label in results
                ],
                "more": more,
            }
        )

    def add_sources_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """GET: search the library, filtered. POST: add the ticked sources to the lesson."""
        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
        lesson = self.get_object(request, unquote(object_id))
        if lesson is None:
            raise Http404("No such lesson")
        if not self.has_change_permission(request, lesson):
            raise PermissionDenied
        if request.method == "POST":
            chosen = ChosenSourcesForm(request.POST, user=request.user)
            if chosen.is_valid():
                ticked = request.POST.getlist("sources")
                sources = sorted(
                    chosen.cleaned_data["sources"], key=lambda s: ticked.index(str(s.pk))
                )
                added = append_sources(lesson=lesson, sources=sources)
                self._say_what_was_added(request, added, len(sources))
                return HttpResponseRedirect(
                    reverse("admin:lessons_lesson_change", args=[lesson.pk])
                )
            for error in chosen.errors["sources"]:
                messages.error(request, error)
            search = SourceSearchForm(request.GET or None)
            return self._picker(request, lesson, search, status=400)
        search = SourceSearchForm(request.GET or None)
        return self._picker(request, lesson, search, status=200 if not search.errors else 400)

    def _say_what_was_added(self, request, added: list[LessonSource], asked: int) -> None:
        if added:
            names = "; ".join(
                # Translators: one source added to a lesson, in a list: Source C, “The thaw”.
                _("%(name)s, %(title)s") % {"name": ls.name, "title": quoted(ls.source.shown_title)}
                for ls in added
            )
            messages.success(request, _("Added to the lesson: %(sources)s.") % {"sources": names})
        if len(added) < asked:
            skipped = asked - len(added)
            messages.warning(
                request,
                ngettext(
                    "%(count)s of the chosen sources was already in the lesson and kept where "
                    "they were.",
                    "%(count)s of the chosen sources were already in the lesson and kept where "
                    "they were.",
                    skipped,
                )
                % {"count": skipped},
            )

    def _picker(self, request, lesson: Lesson, search: SourceSearchForm, *, status: int):
        in_lesson = dict(lesson.lesson_sources.values_list("source_id", "label"))
        results, more = [], False
        if search.is_valid() or not search.is_bound:
            results, more = library_results(request.user, search, in_lesson)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Add sources to “%(title)s”") % {"title": lesson.title},
            "lesson": lesson,
            "original": lesson,
            "search": search,
            "results": results,
            "more": more,
            "limit": PICKER_RESULTS,
            "lesson_size": len(in_lesson),
            "change_url": reverse("admin:lessons_lesson_change", args=[lesson.pk]),
        }
        return TemplateResponse(
            request, "admin/lessons/lesson/add_sources.html", context, status=status
        )
