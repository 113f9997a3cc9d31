"""The confirmation an erasure asks for: it cannot be undone, so a click is not enough."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that this cannot be undone"),
        error_messages={
            "required": gettext_lazy(
                "Tick the box to confirm: erased work cannot be brought back."
            ),
        },
    )
