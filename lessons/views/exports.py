"""A class assignment's marks and annotations as CSV files for a spreadsheet."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import dateformat, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from coexist.csvsafe import FormulaSafeWriter
from lessons.insight import interpretation_label
from lessons.models import (
    Assignment,
    SourceAnnotation,
    Submission,
)
from lessons.services.marking import mark_on, scheme_criteria
from lessons.views.marking import class_data, get_assignment_for_teacher


def _csv_response(assignment: Assignment, what: str) -> tuple[HttpResponse, FormulaSafeWriter]:
    name = slugify(f"{assignment.classroom.name} {assignment.lesson.title} {what}")[:80]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read it as UTF-8
    # Every cell guarded, headers included: prompt labels and source titles are shared
    # between teachers, so any of them could carry a formula.
    return response, FormulaSafeWriter(csv.writer(response))


def _blank_if_none(value) -> object:
    return "" if value is None else value


def _when(moment) -> str:
    # A date a spreadsheet reads as one, the same in every language.
    return dateformat.format(timezone.localtime(moment), "Y-m-d H:i") if moment else ""


@login_required
@require_GET
def marks_csv(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_assignment_for_teacher(request, pk)
    lesson_sources, rows, _annotations, _submissions, interpretations = class_data(assignment)
    names = {i.pk: interpretation_label(i) for i in interpretations}
    # A column per criterion of the lesson's marking scheme, after the total.
    criteria = scheme_criteria(assignment.lesson, bands=False)
    response, writer = _csv_response(assignment, "marks")
    writer.writerow(
        [
            _("Student"),
            _("Username"),
            _("Stage"),
            _("Sources done"),
            _("Judgement"),
            _("Most convincing interpretation"),
            _("Sources cited"),
            _("Mark"),
            _("Out of"),
            *[
                _("%(key)s: %(title)s (/%(max_mark)s)")
                % {"key": c.key, "title": c.title, "max_mark": c.max_mark}
                for c in criteria
            ],
            _("Submitted"),
            _("Returned"),
            *[_("Rating %(label)s") % {"label": ls.label} for ls in lesson_sources],
        ]
    )
    for row in rows:
        s = row.submission
        # A draft's judgement is the student's own until handed in, as on the dashboard.
        handed_in = s is not None and s.status != Submission.Status.DRAFT
        writer.writerow(
            [
                row.student.get_full_name() or row.student.username,
                row.student.username,
                row.stage_label,
                _("%(done)s of %(total)s") % {"done": row.done, "total": len(lesson_sources)},
                s.get_judgement_display() if handed_in and s.judgement else "",
                names.get(s.preferred_interpretation_id, "") if handed_in else "",
                len(s.cited) if s else 0,
                "" if not s or s.mark is None else s.mark,
                "" if not s or s.mark_out_of is None else s.mark_out_of,
                *[_blank_if_none(mark_on(s and s.criterion_marks, c.key)) for c in criteria],
                _when(s.submitted_at) if s else "",
                _when(s.returned_at) if s else "",
                *["" if r is None else r for r in row.ratings],
            ]
        )
    return response


@login_required
@require_GET
def annotations_csv(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_assignment_for_teacher(request, pk)
    lesson_sources = {
        ls.pk: ls
        for ls in assignment.lesson.lesson_sources.select_related("source").order_by("order")
    }
    prompts = list(assignment.lesson.framework.prompts.all())
    annotations = (
        SourceAnnotation.objects.filter(assignment=assignment)
        # Each row brings its own source, so no edit of the lesson can orphan one.
        .select_related("student", "lesson_source__source")
        .order_by("student__last_name", "student__first_name", "student__username")
    )
    response, writer = _csv_response(assignment, "annotations")
    writer.writerow(
        [
            _("Student"),
            _("Username"),
            _("Source"),
            _("Title"),
            _("Status"),
            _("Rating"),
            _("Why"),
            *[p.label for p in prompts],
            _("Highlights"),
            _("Links"),
            _("Teacher's comment"),
            _("Earlier answers"),
        ]
    )
    rows = sorted(
        annotations,
        key=lambda a: (
            a.student.last_name,
            a.student.first_name,
            a.student.username,
            a.lesson_source.order,
        ),
    )
    for a in rows:
        ls = a.lesson_source
        earlier = " | ".join(f"{label}: {text}" for label, text in a.earlier_answers(prompts))
        highlights = " | ".join(
            f"[{h.get('tag', '')}] “{h.get('quote', '')}”"
            + (f" — {h['note']}" if h.get("note") else "")
            for h in a.highlights
        )
        links = " | ".join(
            f"{link.get('relation', '')} "
            + (
                _("Source %(label)s: %(note)s")
                % {"label": lesson_sources[link["source"]].label, "note": link["note"]}
                if link.get("note")
                else _("Source %(label)s") % {"label": lesson_sources[link["source"]].label}
            )
            for link in a.links
            if link.get("source") in lesson_sources
        )
        writer.writerow(
            [
                a.student.get_full_name() or a.student.username,
                a.student.username,
                ls.label,
                ls.source.shown_title,
                a.get_status_display(),
                a.get_rating_display() if a.rating else "",
                a.rating_reason,
                *[a.responses.get(p.key, "") for p in prompts],
                highlights,
                links,
                a.teacher_comment,
                earlier,
            ]
        )
    return response
