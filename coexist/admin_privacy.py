"""Admin pages that name only what the person reading them may see.

Django's admin was made for a staff that sees everything. Here a teacher sees only their
own classes (`lessons.access`), yet two of the admin's own pages look past any
ModelAdmin's queryset:

- a delete page, single or "delete selected", lists every row the deletion would take
  or is blocked by. Deleting a shared lesson or interpretation would list other
  teachers' assignments and their students' answers ("Sam's answer for … for 11R
  History"). Rows of a model registered here with `private` are named only to whoever
  may see them; the others are counted: "2 assignments in classes you do not teach".
- "view on site" (/admin/r/<content type>/<id>/) redirects for any staff member to any
  object with a page, so it would confirm that another teacher's class exists.
  `view_on_site` answers 404 unless the object's ModelAdmin would show it to this user;
  `urls` puts it in the admin's URLs in place of Django's.

This module knows no app: each app says which of its models are private, and to whom,
with `private` (lessons does, in its admin), and its ModelAdmins take
`NamesOnlyWhatTheyMaySee`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.admin.utils import NestedObjects, quote, unquote
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ImproperlyConfigured
from django.db import models, router
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import NoReverseMatch, URLPattern, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class _Private:
    visible_to: Callable[..., QuerySet]
    outside: str


_PRIVATE: dict[type[models.Model], _Private] = {}


def private(model: type[models.Model], *, visible_to: Callable[..., QuerySet], outside: str):
    """Name rows of `model` on admin pages only to users whose `visible_to(user)` holds
    them; count the others as “<n> <rows> <outside>”, e.g. outside="in classes you do
    not teach"."""
    _PRIVATE[model] = _Private(visible_to, outside)


def _hidden(objects: Iterable[models.Model], user) -> set[tuple[type, object]]:
    """(model, pk) of each object this user (None: nobody in particular) may not see
    named: one query per private model among them."""
    by_model: dict[type[models.Model], set] = {}
    for obj in objects:
        if type(obj) in _PRIVATE:
            by_model.setdefault(type(obj), set()).add(obj.pk)
    hidden = set()
    for model, pks in by_model.items():
        visible = (
            set(_PRIVATE[model].visible_to(user).filter(pk__in=pks).values_list("pk", flat=True))
            if user is not None
            else set()
        )
        hidden.update((model, pk) for pk in pks - visible)
    return hidden


def _counted(objects: Iterable[models.Model]) -> list[str]:
    """“2 assignments in classes you do not teach”, one line per model, in model order."""
    counts: dict[type[models.Model], int] = {}
    for obj in objects:
        counts[type(obj)] = counts.get(type(obj), 0) + 1
    lines = []
    for model, count in sorted(counts.items(), key=lambda item: item[0]._meta.label):
        opts = model._meta
        name = opts.verbose_name if count == 1 else opts.verbose_name_plural
        lines.append(
            # Translators: rows a reader may not see, counted: “2 assignments in classes you
            # do not teach” (the count, the kind of row, where they are).
            _("%(count)s %(rows)s %(outside)s")
            % {"count": count, "rows": name, "outside": _PRIVATE[model].outside}
        )
    return lines


def describe(objects: Iterable[models.Model], user) -> list[str]:
    """The objects as a reader may see them: visible ones by name, the others counted.
    For a message that lists rows (“… depend on it (…)”)."""
    objects = list(objects)
    hidden = _hidden(objects, user)
    shown = [str(obj) for obj in objects if (type(obj), obj.pk) not in hidden]
    return shown + _counted(obj for obj in objects if (type(obj), obj.pk) in hidden)


_HIDDEN = object()


def _prune(nested: list) -> list:
    """Django's nested list of deleted objects without the hidden ones, each hidden
    object's own sublist (what it takes with it) going with it."""
    kept: list = []
    skip_children = False
    for item in nested:
        if isinstance(item, list):
            if not skip_children:
                kept.append(_prune(item))
            skip_children = False
            continue
        skip_children = item is _HIDDEN
        if not skip_children:
            kept.append(item)
    return kept


def deleted_objects(objs, request: HttpRequest, admin_site: admin.AdminSite):
    """Django's `get_deleted_objects`, naming only what `request.user` may see.

    Permissions are judged on every object, hidden or not, as Django does: a deletion
    the user may not make is refused whether or not they may see what blocks it.
    """
    try:
        first = objs[0]
    except IndexError:
        return [], {}, set(), []
    collector = NestedObjects(using=router.db_for_write(first._meta.model), origin=objs)
    collector.collect(objs)
    collected = [obj for group in collector.model_objs.values() for obj in group]
    hidden = _hidden([*collected, *collector.protected], request.user)
    perms_needed: set[str] = set()

    def format_callback(obj):
        model, opts = type(obj), obj._meta
        registered = admin_site.is_registered(model)
        if registered and not admin_site.get_model_admin(model).has_delete_permission(request, obj):
            perms_needed.add(opts.verbose_name)
        if (model, obj.pk) in hidden:
            return _HIDDEN
        # Translators: a row a deletion takes, on its confirmation page: “Assignment: 10H History”.
        no_edit_link = _("%(kind)s: %(row)s") % {"kind": capfirst(opts.verbose_name), "row": obj}
        if not registered:
            return no_edit_link
        try:
            url = reverse(
                f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                args=(quote(obj.pk),),
            )
        except NoReverseMatch:
            return no_edit_link
        return format_html(
            # Translators: a row a deletion takes, with a link to it: “Assignment: 10H History”.
            _('{kind}: <a href="{url}">{row}</a>'),
            kind=capfirst(opts.verbose_name),
            url=url,
            row=obj,
        )

    to_delete = _prune(collector.nested(format_callback))
    to_delete += _counted(obj for obj in collected if (type(obj), obj.pk) in hidden)
    protected = [format_callback(obj) for obj in collector.protected]
    protected = [item for item in protected if item is not _HIDDEN]
    protected += _counted(obj for obj in collector.protected if (type(obj), obj.pk) in hidden)
    model_count = {
        model._meta.verbose_name_plural: len(group) for model, group in collector.model_objs.items()
    }
    return to_delete, model_count, perms_needed, protected


class NamesOnlyWhatTheyMaySee:
    """For every ModelAdmin: its delete pages name only what the user may see."""

    def get_deleted_objects(self, objs, request):
        return deleted_objects(objs, request, self.admin_site)


def view_on_site(request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponse:
    """Django's "view on site" redirect, for objects the user may view in the admin.

    Django's own redirects any staff member to any object that has a page. Here the
    object must be one its ModelAdmin shows this user (its `get_queryset` and
    `has_view_permission`); anything else, existing or not, is the same 404.
    """
    not_found = Http404("No such page.")
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        raise not_found from None
    if model is None or not admin.site.is_registered(model):
        raise not_found
    model_admin = admin.site.get_model_admin(model)
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None or not model_admin.has_view_permission(request, obj):
        raise not_found
    return shortcut(request, content_type_id, object_id)


def urls(site: admin.AdminSite) -> tuple[list, str, str]:
    """`site.urls` with the "view on site" redirect (admin:view_on_site) checked by
    `view_on_site`: the same URL and name, so every link to it stays as it was."""
    patterns, app_name, namespace = site.urls
    replaced = [
        URLPattern(
            pattern.pattern, site.admin_view(view_on_site), pattern.default_args, pattern.name
        )
        if isinstance(pattern, URLPattern) and pattern.name == "view_on_site"
        else pattern
        for pattern in patterns
    ]
    changed = sum(new is not old for new, old in zip(replaced, patterns, strict=True))
    if changed != 1:  # a new Django version moved it: fail at start-up, not open
        raise ImproperlyConfigured("The admin's view_on_site URL was not found to replace.")
    return replaced, app_name, namespace
