"""What every form here shares: text with a stated limit, names as people write them,
errors as JSON, and a form rebound after a conflict."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Letters from any script, spaces, hyphens, apostrophes and full stops: “Zoë O’Neill-Ng”.
NAME_PATTERN = re.compile(r"^[^\W\d_]+(?:[ '’.\-][^\W\d_]*)*\.?$")


def clean_name(value: str) -> str:
    value = " ".join(value.split())
    if not NAME_PATTERN.match(value):
        raise ValidationError(
            _("Use letters only, with spaces, hyphens or apostrophes if you need them.")
        )
    return value


def max_length_of(model: type[models.Model], field: str) -> int:
    """A text's limit, read from its model field: the one place it is stated. The form,
    the box's maxlength, the message and the page's counter all follow it from there."""
    return model._meta.get_field(field).max_length


class LimitedText(forms.CharField):
    """Text with a stated limit, counted as the browser counts it.

    A browser's maxlength counts a line break as one character but sends it as two
    (CRLF); normalising first means text the box accepted is never refused here. The
    message gives both numbers, formatted alike.
    """

    def __init__(self, *, limit: int, **kwargs):
        self.limit = limit
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value

    def validate(self, value):
        super().validate(value)
        if value and len(value) > self.limit:
            raise ValidationError(
                ngettext(
                    "Keep this under %(limit)s character — it is %(length)s now.",
                    "Keep this under %(limit)s characters — it is %(length)s now.",
                    self.limit,
                )
                % {
                    "limit": number_format(self.limit, force_grouping=True),
                    "length": number_format(len(value), force_grouping=True),
                },
                code="max_length",
            )

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "maxlength": str(self.limit)}


def limited_text(label: str, max_length: int, *, rows: int = 4, **kwargs) -> forms.CharField:
    """An optional text box that keeps exactly what was typed and names its limit."""
    kwargs.setdefault("strip", False)
    return LimitedText(
        label=label,
        required=False,
        limit=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


def field_errors(form: forms.Form) -> dict[str, list[str]]:
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


def rebind(form_class, request, version: int, **kwargs):
    """The form as the user sent it, now carrying the saved version.

    After a conflict the page shows the user's own text again; saving it once more
    replaces the other version on purpose, never by accident.
    """
    data = request.POST.copy()
    data["version"] = str(version)
    form = form_class(data, **kwargs)
    form.is_valid()
    return form
