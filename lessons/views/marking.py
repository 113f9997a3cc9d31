"""Teachers' pages for one class assignment: the dashboard, one student's whole work with
its marking form, a printable report, and the comment bank."""

from __future__ import annotations

from urllib.parse import urlencode

import orjson
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coexist.http import reverse_each, wants_json
from lessons import access, insight, prepared
from lessons.forms.fields import field_errors, rebind
from lessons.forms.marking import BankCommentForm, FeedbackForm
from lessons.models import (
    Assignment,
    ClassReveal,
    Enrolment,
    LessonSource,
    Reveal,
    SourceAnnotation,
    Submission,
    prompts_for,
    region_percent,
)
from lessons.services import citing, marking
from lessons.services.work import Conflict
from sources.models import Source

# The dashboard's filter: everyone, or the students at one stage.
STAGES = {"all": gettext_lazy("Everyone"), **dict(insight.Stage.choices)}
GONE_FROM_BANK = gettext_lazy("That comment is no longer in your bank.")


ARCHIVED = gettext_lazy(
    "This class is archived, so its work is kept read-only. Unarchive the class in the "
    "admin to mark it again."
)


def get_assignment_for_teacher(request: HttpRequest, pk: int) -> Assignment:
    """An assignment of a class the user teaches (any class, for an administrator), or
    404: `access.assignments_taught`, by prepared queries, as every teacher's page for an
    assignment asks it first."""
    user = request.user
    found = None
    if access.teaches_every_class(user):
        found = prepared.ANY_ASSIGNMENT.first(pk=pk)
    elif access.is_teacher(user):
        found = prepared.TAUGHT_ASSIGNMENT.first(pk=pk, teacher_id=user.pk)
    if found is None:
        raise Http404("No such assignment among your classes")
    return found


def _class_list(assignment: Assignment) -> list[Enrolment]:
    """The class's students, in register order (surname, first name), each with `short`:
    whether this assignment gives them the framework's short version."""
    return prepared.CLASS_LIST(classroom_id=assignment.classroom_id, assignment_id=assignment.pk)


def _annotations_for_class(assignment: Assignment) -> list[insight.ClassAnnotation]:
    """The class's analyses with what the rows and the spreads read, and no more, as
    plain rows rather than model instances (a class of 30 has 210).

    Not the students' written answers, which would be decoded only to be thrown away.
    The highlights (a class of 30 has thousands) arrive as JSON text, decoded only for a
    source whose heat is not already known (`insight.class_heat`), by orjson, about twice
    as fast as the json module Django's JSONField uses.
    """
    rows = prepared.CLASS_ANNOTATIONS(assignment_id=assignment.pk)
    return [
        insight.ClassAnnotation(*row[:7], orjson.loads(row[7] or "[]"), row[8] or "[]")
        for row in rows
    ]


def class_data(assignment: Assignment):
    """Everything the dashboard and exports need, in five queries."""
    lesson_sources = prepared.LESSON_SOURCES(lesson_id=assignment.lesson_id)
    enrolments = _class_list(assignment)
    annotations = _annotations_for_class(assignment)
    submissions = prepared.CLASS_SUBMISSIONS(assignment_id=assignment.pk)
    interpretations = prepared.interpretations(assignment.lesson_id, None)
    rows = insight.student_rows(enrolments, lesson_sources, annotations, submissions)
    return lesson_sources, rows, annotations, submissions, interpretations


@login_required
@require_GET
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_assignment_for_teacher(request, pk)
    lesson_sources, rows, annotations, submissions, interpretations = class_data(assignment)
    stage = request.GET.get("show", "all")
    if stage not in STAGES:
        stage = "all"
    shown = [row for row in rows if stage == "all" or row.stage == stage]
    query = f"?{urlencode({'show': stage})}" if stage != "all" else ""
    urls = reverse_each("lessons:review", [assignment.pk], [row.student.pk for row in shown])
    for row, url in zip(shown, urls, strict=True):
        row.review_url = f"{url}{query}"
    stage_counts = {key: sum(1 for r in rows if r.stage == key) for key in STAGES}
    stage_counts["all"] = len(rows)
    handed_in = [s for s in submissions if s.status != Submission.Status.DRAFT]
    return render(
        request,
        "lessons/marking/dashboard.html",
        {
            "assignment": assignment,
            "lesson": assignment.lesson,
            "lesson_sources": lesson_sources,
            "rows": shown,
            "all_rows": rows,
            "stage": stage,
            "stage_label": STAGES[stage],
            "stages": [(key, label, stage_counts[key]) for key, label in STAGES.items()],
            "spreads": insight.source_spreads(
                lesson_sources,
                rows,
                annotations,
                insight.class_heat(assignment.pk, lesson_sources, annotations),
            ),
            "predictions": _predictions(assignment, lesson_sources, rows, annotations),
            "judgements": insight.judgement_bars(handed_in),
            "judged": sum(1 for s in handed_in if s.judgement),
            "interpretations": insight.interpretation_bars(handed_in, interpretations),
            "chose": sum(1 for s in handed_in if s.preferred_interpretation_id),
            "started_total": sum(1 for r in rows if r.started),
            "submitted_total": sum(
                1 for s in submissions if s.status == Submission.Status.SUBMITTED
            ),
            "returned_total": sum(1 for s in submissions if s.status == Submission.Status.RETURNED),
            "finished_total": sum(
                1 for r in rows if lesson_sources and r.done == len(lesson_sources)
            ),
        },
    )


def _predictions(assignment, lesson_sources, rows, annotations) -> list[dict]:
    """For each source with something hidden: who predicted before the reveal, with their
    words, in register order; and for "reveal when I say", whether the class has seen it.
    The reveals cost a query only when the lesson has such a source."""
    hiding = [ls for ls in lesson_sources if ls.reveal != Reveal.AT_ONCE and not ls.retired]
    if not hiding:
        return []
    revealed = set()
    if any(ls.reveal == Reveal.TEACHER for ls in hiding):
        revealed = set(
            ClassReveal.objects.filter(assignment=assignment).values_list(
                "lesson_source_id", flat=True
            )
        )
    by_pair = {(a.student_id, a.lesson_source_id): a for a in annotations}
    summary = []
    for ls in hiding:
        words = []
        for row in rows:
            annotation = by_pair.get((row.student.pk, ls.pk))
            if annotation is not None and annotation.prediction.strip():
                words.append((row.student, annotation.prediction))
        summary.append(
            {
                "lesson_source": ls,
                "words": words,
                "students": len(rows),
                "can_reveal": ls.reveal == Reveal.TEACHER and ls.pk not in revealed,
                "revealed": ls.reveal == Reveal.TEACHER and ls.pk in revealed,
            }
        )
    return summary


@login_required
@require_POST
def reveal_to_class(request: HttpRequest, pk: int, source_pk: int) -> HttpResponse:
    """Reveal a "reveal when I say" source to the class: every student sees who made it
    (and its interpretation) from now on, and their predictions stay as they were."""
    assignment = get_assignment_for_teacher(request, pk)
    lesson_source = get_object_or_404(
        LessonSource, pk=source_pk, lesson=assignment.lesson_id, reveal=Reveal.TEACHER
    )
    marking.reveal_to_class(assignment, lesson_source, request.user)
    messages.success(
        request,
        _("%(source)s is revealed to %(class)s.")
        % {"source": lesson_source.name, "class": assignment.classroom.name},
    )
    return redirect(f"{reverse('lessons:dashboard', args=[assignment.pk])}#predictions")


# --- One student's whole work -----------------------------------------------------------


def _review_context(request, assignment: Assignment, student_pk: int, stage: str) -> dict:
    enrolments = _class_list(assignment)
    enrolment = next((e for e in enrolments if e.student_id == student_pk), None)
    if enrolment is None:
        raise Http404("No such student in this class")
    student = enrolment.student
    lesson = assignment.lesson
    in_sections = lesson.answer_format is not None
    lesson_sources = lesson.lesson_sources.order_by("order", "pk")
    if in_sections:  # the notes and works cited are made from each source's citation data
        lesson_sources = lesson_sources.prefetch_related(
            Prefetch("source", queryset=Source.objects.with_citation_data())
        )
        prefetch_related_objects([lesson.answer_format], "sections")
    else:
        lesson_sources = lesson_sources.select_related("source")
    lesson_sources = list(lesson_sources)
    by_id = {ls.pk: ls for ls in lesson_sources}
    criteria = marking.scheme_criteria(lesson)
    prompts = list(lesson.framework.prompts.all())
    # The questions this student was asked: the short version for them, or everyone.
    short = assignment.short_version or enrolment.short
    annotations = {
        a.lesson_source_id: a
        for a in SourceAnnotation.objects.filter(assignment=assignment, student=student)
    }
    submission = (
        Submission.objects.filter(assignment=assignment, student=student)
        .select_related("preferred_interpretation__historian", "returned_by", "feedback_by")
        .prefetch_related("versions")
        .first()
    )
    items = []
    for ls in lesson_sources:
        annotation = annotations.get(ls.pk)
        if annotation is not None:
            annotation.lesson_source = ls
        asked = prompts_for(prompts, short=short or ls.short)
        responses = (
            [(p.label, annotation.responses.get(p.key, "")) for p in asked] if annotation else []
        )
        links = annotation.resolved_links(by_id) if annotation else []
        regions = [region_percent(r) for r in annotation.regions] if annotation else []
        items.append(
            {
                "lesson_source": ls,
                "annotation": annotation,
                "responses": responses,
                "regions": regions,
                "earlier": annotation.earlier_answers(prompts) if annotation else [],
                "links": links,
            }
        )
    cited = []
    if submission is not None:
        for key, role in submission.cited.items():
            ls = by_id.get(int(key)) if str(key).isdigit() else None
            if ls is not None:
                cited.append((ls, role))
        cited.sort(key=lambda pair: pair[0].order)
    essay = None
    if in_sections and submission is not None:
        # The teacher sees every source by name: nothing is hidden from them.
        essay = citing.essay(
            lesson.answer_format,
            submission.sections,
            lesson_sources=lesson_sources,
            annotations=annotations,
        )
    versions = list(submission.versions.all()) if submission else []
    for version in versions:
        version.criteria = marking.criteria_rows(criteria, version.criterion_marks)
    # Next and previous students, among those the teacher is looking at.
    statuses = _stages(assignment, enrolments)
    ring = [e for e in enrolments if stage == "all" or statuses[e.student_id] == stage]
    if enrolment not in ring:  # opened from outside the filter: step through everyone
        ring, stage = enrolments, "all"
    position = ring.index(enrolment)
    return {
        "assignment": assignment,
        "lesson": lesson,
        "student": student,
        "items": items,
        "annotations": [a for a in annotations.values()],
        "submission": submission,
        "cited": cited,
        "essay": essay,
        "criteria": criteria,
        "criteria_feedback": (
            marking.criteria_rows(criteria, submission.criterion_marks) if submission else []
        ),
        "versions": versions,
        "previous": ring[position - 1].student if position > 0 else None,
        "next": ring[position + 1].student if position + 1 < len(ring) else None,
        "position": position + 1,
        "ring_size": len(ring),
        "stage": stage,
        "stage_label": STAGES[stage],
        "bank": list(access.comment_bank(request.user)),
    }


def _stages(assignment: Assignment, enrolments) -> dict[int, str]:
    """Each student's stage, from one query over submissions and annotations."""
    submitted = dict(
        Submission.objects.filter(assignment=assignment).values_list("student_id", "status")
    )
    started = set(
        SourceAnnotation.objects.filter(assignment=assignment)
        .order_by()
        .values_list("student_id", flat=True)
        .distinct()
    )
    return {
        e.student_id: insight.stage(submitted.get(e.student_id), e.student_id in started)
        for e in enrolments
    }


def _who_changed(current: Submission) -> str:
    """Who changed the answer while this teacher was marking it, in a sentence."""
    resubmitted = current.status == Submission.Status.SUBMITTED and (
        current.feedback_at is None
        or (current.submitted_at and current.submitted_at > current.feedback_at)
    )
    if resubmitted:
        return _("The student resubmitted this answer")
    if current.feedback_by is None:
        return _("Another teacher saved feedback on this answer")
    return _("%(name)s saved feedback on this answer") % {"name": current.feedback_by.shown_name}


def _feedback_initial(submission: Submission | None, annotations, criteria) -> dict:
    if submission is None:
        return {"version": 0}
    initial = {
        "version": submission.version,
        "feedback": submission.feedback,
        "mark": submission.mark,
        "mark_out_of": submission.mark_out_of or 10,
    }
    for annotation in annotations:
        initial[f"comment_{annotation.pk}"] = annotation.teacher_comment
    for criterion in criteria:
        entry = submission.criterion_marks.get(criterion.key) or {}
        initial[f"criterion_{criterion.pk}"] = entry.get("mark")
        initial[f"criterion_{criterion.pk}_comment"] = entry.get("comment", "")
    return initial


def _stage_param(request: HttpRequest) -> str:
    stage = request.GET.get("show") or request.POST.get("show") or "all"
    return stage if stage in STAGES else "all"


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    assignment = get_assignment_for_teacher(request, pk)
    stage = _stage_param(request)
    context = _review_context(request, assignment, student_pk, stage)
    context["bank_form"] = BankCommentForm(prefix="bank")
    context["archived_message"] = ARCHIVED
    submission = context["submission"]
    annotations = context["annotations"]
    criteria = context["criteria"]
    if request.method == "GET":
        form = FeedbackForm(
            initial=_feedback_initial(submission, annotations, criteria),
            annotations=annotations,
            criteria=criteria,
        )
        return render(request, "lessons/marking/review.html", {**context, "form": form})

    data = request.POST
    if "pressed_enter" in data:
        # Enter in a box of the form: keep the bank comment being typed, or only save.
        if data.get("bank-text", "").strip():
            return _bank_change_keeping_feedback(request, context)
        data = data.copy()
        data["action"] = "save"
    elif "bank_add" in data or "bank_remove" in data:
        return _bank_change_keeping_feedback(request, context)
    form = FeedbackForm(data, annotations=annotations, criteria=criteria)
    unsaved = {**context, "form": form, "unsaved": True}
    if submission is None or submission.status == Submission.Status.DRAFT:
        messages.error(
            request, _("This answer has not been submitted yet, so it cannot be marked.")
        )
        return render(request, "lessons/marking/review.html", unsaved, status=409)
    if assignment.classroom.archived:
        messages.error(request, ARCHIVED)
        return render(request, "lessons/marking/review.html", unsaved, status=409)
    if not form.is_valid():
        return render(request, "lessons/marking/review.html", unsaved, status=400)
    action = form.cleaned_data["action"]
    try:
        marking.save_feedback(
            submission=submission,
            teacher=request.user,
            version=form.cleaned_data["version"],
            feedback=form.cleaned_data["feedback"],
            mark=form.cleaned_data["mark"],
            mark_out_of=form.cleaned_data["mark_out_of"],
            source_comments=form.source_comments(),
            action=action,
            criterion_marks=form.criterion_marks(),
        )
    except Conflict as conflict:
        current = conflict.current
        who = _who_changed(current)
        form = rebind(
            FeedbackForm, request, current.version, annotations=annotations, criteria=criteria
        )
        return render(
            request,
            "lessons/marking/review.html",
            {
                **context,
                "form": form,
                "conflict": current,
                "conflict_who": who,
                "conflict_criteria": marking.criteria_rows(criteria, current.criterion_marks),
                "unsaved": True,
            },
            status=409,
        )
    name = context["student"].shown_name
    if action == "return":
        messages.success(request, _("Returned to %(name)s with your feedback.") % {"name": name})
    elif action == "revise":
        messages.success(
            request,
            _("Returned to %(name)s, who can now revise and resubmit.") % {"name": name},
        )
    else:
        messages.success(
            request, _("Feedback for %(name)s saved; not returned yet.") % {"name": name}
        )
    target = context["next"] if action != "save" and context["next"] else context["student"]
    url = reverse("lessons:review", args=[assignment.pk, target.pk])
    return redirect(f"{url}?{urlencode({'show': stage})}" if stage != "all" else url)


def _bank_change_keeping_feedback(request: HttpRequest, context: dict) -> HttpResponse:
    """A bank button pressed on the marking page without JavaScript: change the bank, then
    show the page again with everything the teacher typed, none of it saved yet.

    The feedback keeps the version its page was opened at, so a colleague's save in the
    meantime is still caught when it is saved.
    """
    status = 200
    bank_form = BankCommentForm(prefix="bank", initial={"text": request.POST.get("bank-text", "")})
    if "bank_remove" in request.POST:
        entry_pk = request.POST["bank_remove"]
        mine = access.comment_bank(request.user)
        if entry_pk.isdigit() and mine.filter(pk=entry_pk).delete()[0]:
            messages.success(request, _("Removed from your comment bank."))
        else:
            messages.error(request, GONE_FROM_BANK)
            status = 404
    else:
        bank_form = BankCommentForm(request.POST, prefix="bank")
        if bank_form.is_valid():
            marking.bank_comment(teacher=request.user, text=bank_form.cleaned_data["text"])
            messages.success(request, _("Added to your comment bank."))
            bank_form = BankCommentForm(prefix="bank")
        else:
            messages.error(request, " ".join(bank_form.errors["text"]))
            status = 400
    form = FeedbackForm(annotations=context["annotations"], criteria=context["criteria"])
    form.initial = {name: request.POST.get(name, "") for name in form.fields if name != "action"}
    context["bank"] = list(access.comment_bank(request.user))
    return render(
        request,
        "lessons/marking/review.html",
        {**context, "form": form, "bank_form": bank_form, "unsaved": True},
        status=status,
    )


@login_required
@require_GET
def report(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    """One student's whole work and its feedback, laid out for printing."""
    assignment = get_assignment_for_teacher(request, pk)
    context = _review_context(request, assignment, student_pk, "all")
    return render(request, "lessons/marking/report.html", context)


@login_required
@require_POST
def comment_bank_add(request: HttpRequest) -> HttpResponse:
    """Keep a comment in the teacher's bank. The marking page's script asks for JSON and
    gets the bank's list back; without it, the marking form's own buttons are used."""
    if not access.is_teacher(request.user):
        raise Http404("Teachers only")
    form = BankCommentForm(request.POST)
    if not form.is_valid():
        message = " ".join(form.errors["text"])
        if wants_json(request):
            return JsonResponse(
                {"status": "invalid", "message": message, "errors": field_errors(form)},
                status=400,
            )
        messages.error(request, message)
        return redirect(_safe_back(request))
    entry = marking.bank_comment(teacher=request.user, text=form.cleaned_data["text"])
    if wants_json(request):
        return _bank_json(request, _("Added to your comment bank."), entry=entry)
    messages.success(request, _("Added to your comment bank."))
    return redirect(_safe_back(request))


@login_required
@require_POST
def comment_bank_remove(request: HttpRequest, entry_pk: int) -> HttpResponse:
    removed = access.comment_bank(request.user).filter(pk=entry_pk).delete()[0]
    if wants_json(request):
        if not removed:
            return _bank_json(request, GONE_FROM_BANK, status=404)
        return _bank_json(request, _("Removed from your comment bank."))
    if not removed:
        raise Http404(GONE_FROM_BANK)
    messages.success(request, _("Removed from your comment bank."))
    return redirect(_safe_back(request))


def _bank_json(request: HttpRequest, message: str, *, status: int = 200, entry=None):
    """The teacher's bank as the marking page shows it, re-rendered after a change."""
    bank = list(access.comment_bank(request.user))
    answer = {
        "status": "saved" if status < 400 else "gone",
        "message": str(message),
        "bank_html": render_to_string(
            "lessons/marking/review.html#bank", {"bank": bank}, request=request
        ),
    }
    if entry is not None:
        answer["entry"] = {"id": entry.pk, "text": entry.text}
    return JsonResponse(answer, status=status)


def _safe_back(request: HttpRequest) -> str:
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return reverse("home")
