"""Importing a lesson pack in the admin: upload, preview, confirm.

The preview is the import itself, run and rolled back, so what a teacher is shown is what
confirming does; confirming runs it again and commits only if the outcome is still the
one previewed. Between the two the pack waits in the teacher's session under a random
token, not in the browser (which could change it) and not in a file on one server's disk
(several app servers share the database, not their disks): sessions live in the
database, which signs and compresses them, and a pack is at most `MAX_PACK_BYTES` of
JSON. A new upload replaces the pending one, so a session holds at most one pack.

The rules of a pack (what is created, reused or refused) are `lessons.packs`; this adds
the rules of an import made by a teacher rather than by an administrator at the command
line: new lessons are theirs, and a pack may not change a lesson they may not change.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import DataError, IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import capfirst, filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from coexist.models import User
from lessons import access
from lessons.admin_sources import quoted
from lessons.models import Lesson
from lessons.packs import export_lessons, import_lessons
from sources.packs import PACK_FORMAT, ImportReport, PackError

MAX_PACK_BYTES = 2 * 1024 * 1024
SESSION_KEY = "lessons.pack_import"

# The kinds of record an import counts, in the order a teacher reads them, and the
# kinds a pack never overwrites (`lessons.packs`): those already here are skipped.
KINDS = (
    "sources",
    "provenance",
    "authors",
    "themes",
    "interpretations",
    "frameworks",
    "answer formats",
    "marking schemes",
    "lessons",
)
KEPT_AS_THEY_ARE = ("frameworks", "answer formats", "marking schemes")
# What the preview calls each kind (a kind not here is shown as it is named).
KIND_LABELS = {
    "sources": gettext_lazy("sources"),
    "provenance": gettext_lazy("provenance"),
    "authors": gettext_lazy("authors"),
    "themes": gettext_lazy("themes"),
    "interpretations": gettext_lazy("interpretations"),
    "frameworks": gettext_lazy("frameworks"),
    "answer formats": gettext_lazy("answer formats"),
    "marking schemes": gettext_lazy("marking schemes"),
    "lessons": gettext_lazy("lessons"),
}
# The pack's lists whose records are named by a slug, and what one record is called.
SLUGGED_LISTS = {
    "authors": "author",
    "themes": "theme",
    "sources": "source",
    "frameworks": "framework",
    "answer_formats": "answer format",
    "marking_schemes": "marking scheme",
    "lessons": "lesson",
}
# A slug in a pack twice, said of each kind of record.
REPEATED_SLUG = {
    "author": gettext_lazy(
        "author “%(slug)s” is in this pack twice; each author needs its own slug."
    ),
    "theme": gettext_lazy("theme “%(slug)s” is in this pack twice; each theme needs its own slug."),
    "source": gettext_lazy(
        "source “%(slug)s” is in this pack twice; each source needs its own slug."
    ),
    "framework": gettext_lazy(
        "framework “%(slug)s” is in this pack twice; each framework needs its own slug."
    ),
    "answer format": gettext_lazy(
        "answer format “%(slug)s” is in this pack twice; each answer format needs its own slug."
    ),
    "marking scheme": gettext_lazy(
        "marking scheme “%(slug)s” is in this pack twice; each marking scheme needs its own slug."
    ),
    "lesson": gettext_lazy(
        "lesson “%(slug)s” is in this pack twice; each lesson needs its own slug."
    ),
}


class PackUploadForm(forms.Form):
    pack = forms.FileField(
        label=gettext_lazy("Lesson pack"),
        help_text=gettext_lazy(
            "The .json file Coexist made with “Download the selected lessons as a lesson "
            "pack”, at most %(size)s. You will see what it adds before anything is imported."
        ),
        error_messages={
            "required": gettext_lazy("Choose a lesson pack (a .json file) to upload."),
            "empty": gettext_lazy("That file is empty. Choose the .json file of a lesson pack."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["pack"]
        field.help_text = field.help_text % {"size": filesizeformat(MAX_PACK_BYTES)}

    def clean_pack(self):
        """The file read as JSON: `self.name`, `self.text` and `self.data`."""
        upload = self.cleaned_data["pack"]
        self.name = upload.name
        if upload.size > MAX_PACK_BYTES:
            raise forms.ValidationError(
                _(
                    "“%(name)s” is %(size)s; a lesson pack may be at most %(most)s. Export "
                    "fewer lessons at a time."
                )
                % {
                    "name": upload.name,
                    "size": filesizeformat(upload.size),
                    "most": filesizeformat(MAX_PACK_BYTES),
                }
            )
        try:
            self.text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("“%(name)s” is not a text file. Choose the .json file of a lesson pack.")
                % {"name": upload.name}
            ) from None
        try:
            self.data = json.loads(self.text, parse_constant=_no_constant)
        except (ValueError, RecursionError) as error:
            if isinstance(error, json.JSONDecodeError):
                message = _(
                    # Translators: %(problem)s is the JSON reader's own words, in English.
                    "“%(name)s” is not JSON (line %(line)s, column %(column)s: %(problem)s). "
                    "Choose the .json file of a lesson pack."
                ) % {
                    "name": upload.name,
                    "line": error.lineno,
                    "column": error.colno,
                    "problem": error.msg,
                }
            else:
                message = _("“%(name)s” is not JSON. Choose the .json file of a lesson pack.") % {
                    "name": upload.name
                }
            raise forms.ValidationError(message) from None
        return upload


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number")


# --- The import, as a teacher makes it -----------------------------------------------------


@dataclass
class PackPreview:
    """What importing a pack does (or did): counts per kind, and each lesson's fate."""

    report: ImportReport
    lessons: list[dict] = field(default_factory=list)  # slug, title, outcome
    imported: bool = False

    def rows(self) -> list[dict]:
        counted = {
            *self.report.created,
            *self.report.updated,
            *self.report.unchanged,
        }
        kinds = [k for k in KINDS if k in counted] + sorted(counted - set(KINDS))
        rows = []
        for kind in kinds:
            unchanged = self.report.unchanged.get(kind, 0)
            kept = kind in KEPT_AS_THEY_ARE
            rows.append(
                {
                    "kind": kind,
                    "label": KIND_LABELS.get(kind, kind),
                    "created": self.report.created.get(kind, 0),
                    "updated": self.report.updated.get(kind, 0),
                    "reused": 0 if kept else unchanged,
                    "skipped": unchanged if kept else 0,
                }
            )
        return rows

    def signature(self) -> dict:
        """Plain data that is equal for two runs with the same outcome."""
        return {
            "created": self.report.created,
            "updated": self.report.updated,
            "unchanged": self.report.unchanged,
            "lessons": self.lessons,
        }

    def lesson_field(self, outcome: str, name: str = "title") -> list[str]:
        """The titles (or another field) of the pack's lessons with this outcome."""
        return [lesson[name] for lesson in self.lessons if lesson["outcome"] == outcome]


def import_pack_for(
    user: User, data: object, *, commit: bool, expected: dict | None = None
) -> PackPreview:
    """Import the pack as `user`, all or nothing, and say what it does.

    Without `commit` the import is rolled back: a preview. With `expected` (a preview's
    `signature()`) it is committed only if the outcome is still that one; otherwise it is
    rolled back and the new preview returned, `imported` False. New lessons belong to
    `user`; a pack that would change a lesson they may not change is refused, naming it.
    Raises PackError, naming the record, for any pack that cannot be imported whole.
    """
    _refuse_repeated_slugs(data)
    try:
        with transaction.atomic():
            preview = _import(user, data)
            if not commit or (expected is not None and preview.signature() != expected):
                transaction.set_rollback(True)
            else:
                preview.imported = True
    except (TypeError, AttributeError, KeyError, ValueError, OverflowError) as error:
        raise PackError(
            _(
                "A record in this pack is not in the shape Coexist writes "
                "(%(error)s). Export it again from Coexist."
            )
            % {"error": f"{type(error).__name__}: {error}"}
        ) from None
    except (DataError, IntegrityError) as error:
        raise PackError(
            _("The database refused a record in this pack: %(error)s") % {"error": error}
        ) from None
    return preview


def _import(user: User, data: object) -> PackPreview:
    records = _lesson_records(data)
    slugs = [record["slug"] for record in records]
    existing = {
        lesson.slug: lesson
        for lesson in Lesson.objects.filter(slug__in=slugs).select_related("owner")
    }
    before = _as_exported(existing.values())
    report = import_lessons(data, owner=user)
    after = _as_exported(existing.values())

    lessons = []
    for record in records:
        slug = record["slug"]
        if slug not in existing:
            outcome = "created"
        elif before[slug] == after[slug]:
            outcome = "unchanged"
        else:
            outcome = "updated"
            lesson = existing[slug]
            if not access.can_edit_lesson(user, lesson):
                owner = lesson.owner.shown_name if lesson.owner else _("nobody (an old import)")
                raise PackError(
                    _(
                        "lesson “%(slug)s”: a lesson with this slug is already here, belonging "
                        "to %(owner)s, and this pack would change it; only its owner and "
                        "co-editors may. Give the lesson in the pack another slug, or ask its "
                        "owner to import the pack."
                    )
                    % {"slug": slug, "owner": owner}
                )
        title = record.get("title")
        lessons.append(
            {"slug": slug, "title": title if isinstance(title, str) else slug, "outcome": outcome}
        )
    return PackPreview(report=report, lessons=lessons)


def _lesson_records(data: object) -> list[dict]:
    if not isinstance(data, dict) or not isinstance(data.get("lessons"), list):
        return []
    return [r for r in data["lessons"] if isinstance(r, dict) and isinstance(r.get("slug"), str)]


def _as_exported(lessons) -> dict[str, dict]:
    """Each lesson as a pack holds it, to tell which ones an import changed."""
    if not lessons:
        return {}
    return {record["slug"]: record for record in export_lessons(lessons)["lessons"]}


def _refuse_repeated_slugs(data: object) -> None:
    """Two records of a kind under one slug would silently become one (the second
    overwriting the first), so such a pack is refused."""
    if not isinstance(data, dict) or data.get("format") != PACK_FORMAT:
        return  # `import_library` says what is wrong with it
    for key, kind in SLUGGED_LISTS.items():
        records = data.get(key)
        if not isinstance(records, list):
            continue
        seen = set()
        for record in records:
            slug = record.get("slug") if isinstance(record, dict) else None
            if not isinstance(slug, str):
                continue
            if slug in seen:
                raise PackError(REPEATED_SLUG[kind] % {"slug": slug})
            seen.add(slug)


# --- The admin's pages ---------------------------------------------------------------------


class PackImportMixin:
    """“Import a lesson pack…” on the lesson list: upload, preview, confirm."""

    def get_urls(self):
        upload = self.admin_site.admin_view(self.import_pack_view)
        confirm = self.admin_site.admin_view(require_POST(self.import_pack_confirm_view))
        return [
            path("import/", upload, name="lessons_lesson_import"),
            path("import/confirm/", confirm, name="lessons_lesson_import_confirm"),
            *super().get_urls(),
        ]

    def import_pack_view(self, request: HttpRequest) -> HttpResponse:
        """GET: the upload form. POST: the upload, answered with its preview."""
        self._check_may_import(request)
        if request.method != "POST":
            return self._upload_page(request, PackUploadForm())
        form = PackUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._upload_page(request, form, status=400)
        try:
            preview = import_pack_for(request.user, form.data, commit=False)
        except PackError as error:
            form.add_error(
                "pack",
                _("“%(name)s” cannot be imported. %(error)s")
                % {"name": form.name, "error": capfirst(str(error))},
            )
            return self._upload_page(request, form, status=400)
        return self._preview_page(request, form.name, form.text, preview)

    def import_pack_confirm_view(self, request: HttpRequest) -> HttpResponse:
        """POST: import the pack the preview showed, if it still does what it showed."""
        self._check_may_import(request)
        pending = request.session.get(SESSION_KEY)
        token = request.POST.get("token", "")
        if not pending or not secrets.compare_digest(str(pending.get("token")), token):
            return self._upload_page(
                request,
                PackUploadForm(),
                status=400,
                problem=_(
                    "That preview is out of date: it was imported already, or another "
                    "pack was uploaded since. Nothing was imported. Upload the pack again."
                ),
            )
        name = pending["name"]
        try:
            preview = import_pack_for(
                request.user,
                json.loads(pending["text"]),
                commit=True,
                expected=pending["signature"],
            )
        except PackError as error:
            del request.session[SESSION_KEY]
            return self._upload_page(
                request,
                PackUploadForm(),
                status=409,
                problem=_("Nothing was imported: something changed since the preview. %(error)s")
                % {"error": error},
            )
        if not preview.imported:
            return self._preview_page(
                request, name, pending["text"], preview, status=409, changed_since=True
            )
        del request.session[SESSION_KEY]
        self._log_new_lessons(request, name, preview)
        self.message_user(request, _imported_message(name, preview), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:lessons_lesson_changelist"))

    def _check_may_import(self, request: HttpRequest) -> None:
        if not self.has_add_permission(request):
            raise PermissionDenied

    def _context(self, request: HttpRequest, title: str) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "max_bytes": MAX_PACK_BYTES,
            "kept_kinds": KEPT_AS_THEY_ARE,
        }

    def _upload_page(
        self, request: HttpRequest, form: PackUploadForm, status: int = 200, problem: str = ""
    ) -> TemplateResponse:
        context = {**self._context(request, _("Import a lesson pack")), "form": form}
        context["problem"] = problem
        return TemplateResponse(
            request, "admin/lessons/lesson/import_pack.html", context, status=status
        )

    def _preview_page(
        self,
        request: HttpRequest,
        name: str,
        text: str,
        preview: PackPreview,
        status: int = 200,
        changed_since: bool = False,
    ) -> TemplateResponse:
        token = secrets.token_urlsafe(24)
        request.session[SESSION_KEY] = {
            "token": token,
            "name": name,
            "text": text,
            "signature": preview.signature(),
        }
        context = {
            **self._context(request, _("Check the lesson pack before importing it")),
            "name": name,
            "token": token,
            "rows": preview.rows(),
            "lessons": preview.lessons,
            "changes_anything": preview.report.changed,
            "changed_since": changed_since,
        }
        return TemplateResponse(
            request, "admin/lessons/lesson/import_pack_preview.html", context, status=status
        )

    def _log_new_lessons(self, request: HttpRequest, name: str, preview: PackPreview) -> None:
        """The lesson's history says where it came from."""
        for lesson in Lesson.objects.filter(slug__in=preview.lesson_field("created", "slug")):
            self.log_addition(request, lesson, f"Imported from the lesson pack “{name}”.")


def _imported_message(name: str, preview: PackPreview) -> str:
    def listed(titles: list[str]) -> str:
        return ", ".join(quoted(title) for title in titles)

    parts = [_("Imported “%(name)s”.") % {"name": name}]
    if made := preview.lesson_field("created"):
        parts.append(
            ngettext(
                # Translators: the English says "lessons" for one lesson too.
                "New lessons, yours to change: %(titles)s.",
                "New lessons, yours to change: %(titles)s.",
                len(made),
            )
            % {"titles": listed(made)}
        )
    if changed := preview.lesson_field("updated"):
        parts.append(
            # Translators: lessons an import changed.
            ngettext("Changed: %(titles)s.", "Changed: %(titles)s.", len(changed))
            % {"titles": listed(changed)}
        )
    if not made and not changed:
        parts.append(_("No lesson was new or changed."))
    return " ".join(parts)
