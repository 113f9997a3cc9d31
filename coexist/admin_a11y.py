"""Accessible names the admin's widgets do not give themselves.

Most of the admin's gaps are closed in its templates (templates/admin/) and in
static/js/admin-a11y.js; this is the one a widget has to carry.
"""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst


class NamesFileInputs:
    """A ModelAdmin mixin: a file field's box is named after the field.

    Django draws a file field in a <fieldset> whose legend names it, with no <label> for
    the box itself, so a screen reader reaching the box hears only "Choose file".
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(formfield.widget, forms.FileInput):
            formfield.widget.attrs.setdefault("aria-label", capfirst(formfield.label or ""))
        return formfield
