"""Template helpers for students' pages."""

from __future__ import annotations

import html

from django import template
from django.utils.formats import localize
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.text import get_text_list
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from sources.text import mark_first_uses

register = template.Library()


@register.filter
def mark_glossary(html: SafeString, terms) -> SafeString:
    """Mark each lesson glossary term where it first appears in a source's rendered text.

    Works on text between tags only, adds no text of its own (so highlight offsets,
    measured in the page's text, do not move) and escapes the definition it carries.
    The term gets keyboard focus; the definition shows on hover and focus, and screen
    readers hear it through aria-describedby pointing at the glossary list.
    """
    terms = list(terms)

    def mark(index: int, words: str) -> str:
        term = terms[index]
        return (
            f'<span class="gloss" tabindex="0" data-definition="{escape(term.definition)}" '
            f'aria-describedby="gloss-{term.pk}">{words}</span>'
        )

    return mark_first_uses(html, [term.term for term in terms], mark)


@register.simple_tag
def maxlength(field) -> str:
    """`maxlength="…"` for a text box a template builds by hand, taken from its form
    field's widget, which has it from the model: no template states a limit itself."""
    limit = field.field.widget.attrs.get("maxlength") if hasattr(field, "field") else None
    return format_html('maxlength="{}"', limit) if limit else ""


@register.filter
def word_count(text: str) -> int:
    return len((text or "").split())


@register.filter
def get_comment_field(form, annotation):
    return form.comment_field(annotation)


@register.filter
def shown_names(people) -> str:
    """“Ms Okafor, Mr Lee and Mrs Adé”: each person's shown name, in a list as the page's
    language writes one."""
    return get_text_list(
        [person.shown_name for person in people],
        pgettext("between the last two items of a list", "and"),
    )


@register.filter
def tag_label(tag) -> str:
    """A highlight's or region's tag as the page names it: its label in the page's
    language, or the stored word capitalised if it is not one of the tags."""
    from lessons.models import HighlightTag

    tag = str(tag or "")
    try:
        return str(HighlightTag(tag).label)
    except ValueError:
        return tag[:1].upper() + tag[1:]


@register.filter
def rating_word(value) -> str:
    from lessons.models import Rating

    try:
        return Rating(int(value)).label
    except (TypeError, ValueError):
        return ""


@register.simple_tag(takes_context=True)
def rating_cells(context, ratings) -> SafeString:
    """A dashboard row's rating cells, built here rather than in a template loop: a class
    of 30 with seven sources has 210 of them, and the template spent longer on each.

    There are six different cells (ratings 1 to 5, and not rated): each is built once a
    page, in the page's language, and kept for the rows after it in the template's render
    context. Every value is escaped (`escaped`), as `format_html` would."""
    key = (rating_cells, get_language())
    built = context.render_context.get(key)
    if built is None:
        built = context.render_context[key] = {}
    cells = []
    for rating in ratings:
        shown = rating or None  # 0 is not a rating: not rated, as None
        cell = built.get(shown)
        if cell is None:
            cell = built[shown] = _rating_cell(shown)
        cells.append(cell)
    return SafeString("".join(cells))


def _rating_cell(rating) -> str:
    if rating is None:
        not_rated = escaped(_("not rated"))
        return (
            '<td class="text-center"><span class="rating-cell rating-none" '
            f'aria-label="{not_rated}">·</span></td>'
        )
    value, word = escaped(rating), escaped(rating_word(rating))
    return (
        f'<td class="text-center"><span class="rating-cell rating-{value}" title="{word}">'
        f'{value}<span class="visually-hidden"> {word}</span></span></td>'
    )


@register.simple_tag
def done_of(done, total) -> SafeString:
    """“3 of 7”: how many of the lesson's sources a dashboard row's student has done.
    A tag rather than a translated block in the template, which cost as much again for
    each of a class's rows; the words are the same string (`_`), the numbers escaped."""
    return SafeString(_("%(done)s of %(total)s") % {"done": escaped(done), "total": escaped(total)})


@register.simple_tag
def heat_text(runs) -> SafeString:
    """The dashboard's source text, each run marked with how many students highlighted
    it. Built here rather than in a template loop: a source's text is cut into dozens of
    runs, and each marked one said its count twice (in a tooltip and to screen readers),
    which in the template was two translated blocks per run. Every value is escaped
    (`escaped`), as `format_html` would."""
    said: dict[int, tuple[str, str]] = {}
    parts = []
    for text, count in runs:
        if not count:
            parts.append(escaped(text))
            continue
        if count not in said:
            tooltip = _("highlighted by %(students)s") % {"students": count}
            spoken = _("(highlighted by %(students)s)") % {"students": count}
            said[count] = (escaped(tooltip), escaped(spoken))
        tooltip, spoken = said[count]
        parts.append(
            f'<mark class="heat heat-{min(count, 4)}" title="{tooltip}">{escaped(text)}'
            f'<span class="visually-hidden"> {spoken}</span></mark>'
        )
    return SafeString("".join(parts))


@register.simple_tag
def passage_items(passages) -> SafeString:
    """The dashboard's most highlighted passages of a source, each `<li>` with how many
    students highlighted it. A tag rather than a template loop, which cost a translated
    block per passage; the words are the same string (`ngettext`), the values escaped."""
    items = []
    for quote, count in passages:
        students = ngettext("%(counter)s student", "%(counter)s students", count)
        students %= {"counter": escaped(count)}
        items.append(f"<li><q>{escaped(quote)}</q> — {students}</li>")
    return SafeString("".join(items))


@register.simple_tag
def bar_rows(bars, marked) -> SafeString:
    """A bar table's rows (`_bars.html`), one for each `insight.Bar`: its label, a meter as
    long as its share of the largest count, and the count. The row whose value is `marked`
    (the teacher's or the student's own) says so. A tag rather than a template loop: the
    dashboard draws nine of these tables, and the loop's nodes cost more than the rest of
    each. Every value is escaped (`escaped`), as the template did."""
    rows = []
    for bar in bars:
        label = escaped(bar.label)
        if marked and bar.value == marked:
            yours = escaped(_("your judgement"))
            row = f'<tr class="bar-model"><th scope="row" class="fw-normal">{label} '
            row += f'<span class="badge model-badge">{yours}</span></th>'
        else:
            row = f'<tr><th scope="row" class="fw-normal">{label}</th>'
        rows.append(
            f'{row}<td class="bar-cell"><meter class="bar" min="0" max="100" '
            f'value="{escaped(bar.percent)}" aria-hidden="true"></meter>'
            f'<span class="bar-count">{escaped(bar.count)}</span></td></tr>'
        )
    return SafeString("\n".join(rows))


def shown(value, use_l10n=None) -> str:
    """What `{{ value }}` writes: a number or date localized (`use_l10n`: the render
    context's), then `escaped`."""
    return escaped(localize(value, use_l10n=use_l10n))


def escaped(value) -> str:
    """`conditional_escape` without Django's lazy-string wrapper, for a tag that escapes
    hundreds of values a page: safe HTML as it is, anything else escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


@register.simple_tag(takes_context=True)
def highlight_items(context, highlights, removable: bool) -> SafeString:
    """The source page's list of a student's highlights, each with its Remove form.

    Built here, not in a template loop: a student may keep up to 100 highlights on a
    source, and fifteen template nodes for each were a quarter of the page's time. Each
    item carries its words and offsets for work.js to paint them onto the text. Every
    value is escaped (`escaped`), as `format_html` would.
    """
    items = []
    # Translators: a button: "Remove" is shown; the hidden part tells screen readers which
    # highlight it removes. Keep the span as it is.
    remove_label = _('Remove<span class="visually-hidden"> highlight “%(quote)s”</span>')
    token = escaped(context.get("csrf_token", ""))
    for h in highlights:
        tag = escaped(h.get("tag", ""))
        quote = escaped(h.get("quote", ""))
        note = f'<p class="small mb-1">{escaped(h["note"])}</p>' if h.get("note") else ""
        remove = ""
        if removable:
            label = remove_label % {"quote": escaped(h["short_quote"])}
            remove = (
                f'<form method="post" action="{escaped(h["remove_url"])}" data-marks-form '
                'class="d-inline"><input type="hidden" name="csrfmiddlewaretoken" '
                f'value="{token}"><button type="submit" class="btn btn-link btn-sm p-0">'
                f"{label}</button></form>"
            )
        items.append(
            f'<li class="highlight-item tag-{tag}" data-highlight '
            f'data-start="{escaped(h.get("start", ""))}" data-end="{escaped(h.get("end", ""))}" '
            f'data-quote="{quote}" data-tag="{tag}"><span class="badge highlight-tag">'
            f"{escaped(tag_label(h.get('tag', '')))}</span> <q>{quote}</q> {note}{remove}</li>"
        )
    return SafeString("\n".join(items))
