"""Template helpers for the teacher's class dashboard."""

from __future__ import annotations

from collections.abc import Sized

from django import template
from django.template import Context
from django.utils.safestring import SafeString

from lessons.insight import StudentRow
from lessons.models import Submission
from lessons.templatetags.lesson_tags import done_of, escaped, rating_cells, shown

register = template.Library()


@register.simple_tag(takes_context=True)
def student_row(context: Context, row: StudentRow, lesson_sources: Sized) -> SafeString:
    """One student's `<tr>` of the dashboard: their name linking to their work, their
    stage, how many sources they have done, their rating of each source, their judgement
    and their mark.

    A tag rather than the template's row: a class has 30 rows or more, and the template
    engine's cost for each of a row's dozen nodes (variables, filters, conditions) was
    most of the table's time. The cells are those of `done_of` and `rating_cells`; every
    value is localized and escaped (`shown`) as `{{ }}` would."""
    student = row.student
    name = student.get_full_name() or student.username
    submission = row.submission
    judgement = mark = "—"
    if submission is not None:
        if submission.judgement and submission.status != Submission.Status.DRAFT:
            judgement = shown(submission.get_judgement_display(), context.use_l10n)
        if submission.mark is not None:
            mark = shown(submission.mark, context.use_l10n)
            if submission.mark_out_of:
                mark += "/" + shown(submission.mark_out_of, context.use_l10n)
    return SafeString(
        "<tr>\n"
        f'        <th scope="row" class="fw-normal"><a href="{escaped(row.review_url)}">'
        f"{escaped(name)}</a></th>\n"
        f'        <td><span class="stage stage-{escaped(row.stage)}">'
        f"{escaped(row.stage_label)}</span></td>\n"
        f"        <td>{done_of(row.done, len(lesson_sources))}</td>\n"
        f"        {rating_cells(context, row.ratings)}\n"
        f"        <td>{judgement}</td>\n"
        f"        <td>{mark}</td>\n"
        "      </tr>"
    )
