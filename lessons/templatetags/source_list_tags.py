"""The student's assignment page's list of sources, built in Python."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby
from operator import attrgetter
from typing import TYPE_CHECKING

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from coexist.http import reverse_each
from lessons.models import Reveal
from lessons.templatetags.lesson_tags import escaped

if TYPE_CHECKING:
    from lessons.models import Assignment, LessonSource

register = template.Library()


@register.simple_tag
def source_list(lesson_sources: Iterable[LessonSource], assignment: Assignment) -> SafeString:
    """The sources of `assignment_detail`, under their sections' headings, each with its
    link, date, prediction badge and this student's status.

    A tag rather than a template loop: a class of 30 opens the page at once, and the
    `{% url %}`, `{% blocktranslate %}`, `{% with %}` and `{% include %}` of each source
    were most of the page's time. The HTML is the loop's, whitespace and all, with the
    same words (the same msgids) and every value escaped
    (`escaped`) as autoescape would; translations go in as the template put them.
    """
    words = _Words()
    lesson_sources = list(lesson_sources or ())
    urls = reverse_each("lessons:source_work", [assignment.pk], [ls.label for ls in lesson_sources])
    url_of = {ls.pk: url for ls, url in zip(lesson_sources, urls, strict=True)}
    parts = ["\n      "]
    for section, group in groupby(lesson_sources, key=attrgetter("section")):
        parts.append("\n        ")
        if section:
            parts.append(
                f'<h3 class="h6 text-uppercase text-muted-strong mt-3">{escaped(section)}</h3>'
            )
        parts.append('\n        <ol class="list-unstyled source-list">\n        ')
        parts.extend(_item(ls, url_of[ls.pk], words) for ls in group)
        parts.append("\n        </ol>\n      ")
    return SafeString("".join(parts))


class _Words:
    """The page's words for every item, looked up once a page in its language. As the
    template's `{% translate %}` of a literal, a translation goes in as written."""

    def __init__(self) -> None:
        self.source_label = _("Source %(label)s:")
        self.interpret_first = _("Interpret first")
        self.predict_first = _("Predict first")
        self.not_started = _status_span("none", "○", pgettext("work status", "Not started"))
        self.statuses = {
            "done": _status_span("done", "✓", pgettext("work status", "Done")),
            "in_progress": _status_span("progress", "◐", pgettext("work status", "In progress")),
        }


@register.simple_tag
def work_status(status: str) -> SafeString:
    """A student's stage with one source, in words with its mark: done, in progress or not
    started (the teacher's review of a student's work shows it too)."""
    words = _Words()
    return SafeString(words.statuses.get(status, words.not_started))


def _status_span(kind: str, mark: str, word: str) -> str:
    return (
        f'<span class="work-status work-{kind}"><span aria-hidden="true">{mark}</span> '
        f"{word}</span>\n"
    )


def _item(lesson_source: LessonSource, url: str, words: _Words) -> str:
    source = lesson_source.source
    label = escaped(lesson_source.label)
    url = escaped(url)
    date = source.date
    when = (
        f' · <time datetime="{escaped(date.iso())}">{escaped(date)}</time>'
        if date and not lesson_source.hidden.provenance
        else ""
    )
    badge = ""
    if lesson_source.hidden:
        first = (
            words.interpret_first
            if lesson_source.reveal == Reveal.INTERPRET
            else words.predict_first
        )
        badge = f' · <span class="badge prediction-badge">{first}</span>'
    status = words.statuses.get(lesson_source.my_status, words.not_started)
    return (
        "\n          \n"
        '          <li class="card card-paper mb-2">'
        '<div class="card-body d-flex gap-3 align-items-start">\n'
        f'            <span class="source-label flex-shrink-0" aria-hidden="true">{label}</span>\n'
        '            <div class="flex-grow-1">\n'
        f'              <a class="stretched-link fw-semibold" href="{url}">'
        f'<span class="visually-hidden">{words.source_label % {"label": label}} </span>'
        f"{escaped(source.display_title)}</a>\n"
        '              <p class="small text-muted-strong mb-0">'
        f"{escaped(source.get_nature_display())}{when}{badge}</p>\n"
        "            </div>\n"
        f'            <span class="flex-shrink-0">{status}</span>\n'
        "          </div></li>\n"
        "          \n"
        "        "
    )
