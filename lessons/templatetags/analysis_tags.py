"""The source page's analysis form, built in Python rather than in template loops.

A class of 30 opens the source page at once, and Django's template engine pays for every
node it renders: the loops over the prompts (a label, the questions to ask, the sentence
starters, the text box and its errors, for each), the rating's options and the options of
the link and highlight forms' lists took a quarter of the page's template time. These
tags write the same HTML, byte for byte, with the same words (`gettext`, the template's
msgids) and every value shown as `{{ value }}` would show it (`lesson_tags.shown`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.forms import BoundField
from django.template.defaultfilters import lower as lower_case
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from lessons.templatetags.lesson_tags import maxlength, shown

register = template.Library()


def _errors(field: BoundField) -> str:
    return "".join(
        f'<div class="invalid-feedback d-block">{shown(error)}</div>' for error in field.errors
    )


@register.simple_tag
def prompt_fields(form) -> SafeString:
    """Each of the analysis form's prompts (`AnalysisForm.prompt_fields`): its label,
    "(optional)" when it is, the questions to ask and the sentence starters when it has
    them, its text box and its errors."""
    optional = _("(optional)")
    to_ask = _("Questions to ask")
    starters_word = _("Sentence starters")
    parts = []
    for prompt, field in form.prompt_fields():
        field_id = shown(field.id_for_label)
        label = shown(prompt.label)
        if not prompt.required:
            label += f' <span class="fw-normal text-muted-strong">{optional}</span>'
        questions = prompt.question_list
        asked = described = ""
        if questions:
            items = "".join(f"<li>{shown(question)}</li>" for question in questions)
            asked = (
                '<details class="guiding small mb-1" open data-fold-on-phone><summary>'
                f'{to_ask}</summary><ul class="guiding-questions mb-1" '
                f'id="{field_id}-questions">{items}</ul></details>'
            )
            described = f' aria-describedby="{field_id}-questions"'
        starters = ""
        if starter_list := prompt.starter_list:
            buttons = "".join(
                '<li><button type="button" class="btn btn-link btn-sm p-0 text-start" '
                f'data-starter="{shown(starter)}" data-target="{field_id}">'
                f"{shown(starter)}…</button></li>"
                for starter in starter_list
            )
            starters = (
                '\n                  <details class="starters small mb-1"><summary>'
                f"{starters_word}</summary>\n"
                f'                    <ul class="list-unstyled mb-0 mt-1">{buttons}</ul>\n'
                "                  </details>\n                "
            )
        invalid = " is-invalid" if field.errors else ""
        value = field.value()
        typed = "" if value is None else shown(value)
        parts.append(
            '\n              <div class="prompt mb-3">\n'
            f'                <label for="{field_id}" class="form-label fw-semibold mb-1">'
            f"{label}</label>\n"
            f"                {asked}\n"
            f"                {starters}\n"
            f'                <textarea name="{shown(field.html_name)}" id="{field_id}" '
            f'rows="4" {shown(maxlength(field))}\n'
            f'                  class="form-control{invalid}"{described}>{typed}</textarea>\n'
            f"                {_errors(field)}\n"
            "              </div>\n            "
        )
    return SafeString("".join(parts))


@register.simple_tag
def rating_options(ratings: Iterable, field: BoundField) -> SafeString:
    """The rating's radio buttons, one for each (value, word) of `ratings`, the one
    `field` holds checked."""
    held = str(field.value())
    parts = []
    for value, word in ratings:
        number = shown(value)
        checked = " checked" if held == str(value) else ""
        parts.append(
            '\n                  <input class="btn-check" type="radio" name="rating" '
            f'id="rating-{number}" value="{number}"{checked}>\n'
            f'                  <label class="btn btn-outline-rating rating-{number}" '
            f'for="rating-{number}"><span class="rating-number">{number}</span> '
            f"{shown(word)}</label>\n                "
        )
    return SafeString("".join(parts))


@register.simple_tag
def choice_options(field: BoundField, lower: bool = False) -> SafeString:
    """A choice field's `<option>`s, the one it holds selected (compared as text, as the
    form's own widget does); `lower`: each choice's words in lower case (`|lower`)."""
    held = str(field.value())
    parts = []
    for value, text in field.field.choices:
        selected = " selected" if held == str(value) else ""
        words = lower_case(text) if lower else text
        parts.append(f'<option value="{shown(value)}"{selected}>{shown(words)}</option>')
    return SafeString("".join(parts))
