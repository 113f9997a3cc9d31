"""Students' pages: the assignment, each source with its analysis, the answer, the
annotated bibliography.

Every page works as plain HTML forms. The page's script autosaves the same forms by
asking for JSON, and every JSON answer says what happened in words the page can show.
"""

from __future__ import annotations

import functools
import hashlib
from collections import Counter
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coexist.http import reverse_each, signed_out_response, wants_json
from coexist.prepared import Prepared
from lessons import access, insight, prepared
from lessons.forms.fields import field_errors, rebind
from lessons.forms.work import (
    AnalysisForm,
    AnswerForm,
    HighlightForm,
    LinkForm,
    PredictionForm,
    RegionForm,
)
from lessons.models import (
    AnswerSection,
    Assignment,
    ClassReveal,
    Extent,
    Hidden,
    HighlightTag,
    LessonSource,
    ProvenancePart,
    Rating,
    Reveal,
    SourceAnnotation,
    Submission,
    prompts_for,
    region_percent,
)
from lessons.services import citing, marking, work
from sources.citations import plain
from sources.models import Source
from sources.text import anchor_text


def student_required(view):
    """Signed-in students only. An autosave from a signed-out page gets JSON it can
    explain, not the login page's HTML."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            login_url = f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}"
            if wants_json(request):
                return signed_out_response()
            return redirect(login_url)
        return view(request, *args, **kwargs)

    return wrapper


def _student_assignment(*, pk: int, student_id: int) -> QuerySet[Assignment]:
    """The assignment `pk` if it is set for the student, with their answer's state."""
    return (
        access.assignments_set_for(student_id)
        .filter(pk=pk)
        .select_related("lesson__framework", "classroom")
        .annotate(
            mine=FilteredRelation("submissions", condition=Q(submissions__student=student_id))
        )
        .annotate(
            my_status=F("mine__status"),
            my_revision_allowed=F("mine__revision_allowed"),
            my_cited=F("mine__cited"),
            my_interpretation=F("mine__preferred_interpretation"),
        )
        .order_by()[:1]
    )


def _student_assignment_source(*, pk: int, student_id: int, label: str) -> QuerySet[Assignment]:
    """The same, with the lesson's source `label` and whether the student answers the
    short version of the framework."""
    return (
        _student_assignment(pk=pk, student_id=student_id)
        .annotate(
            this_source=FilteredRelation(
                "lesson__lesson_sources", condition=Q(lesson__lesson_sources__label=label)
            )
        )
        .annotate(
            lesson_source_id=F("this_source__pk"),
            lesson_source_retired=F("this_source__retired"),
            lesson_source_short=F("this_source__short"),
            # Only a source's page asks the framework's questions, short or full.
            my_short=Exists(
                Assignment.short_for.through.objects.filter(
                    assignment=OuterRef("pk"), user=student_id
                )
            ),
        )
    )


# One row with LEFT JOINs, on every student page and every autosave: building its SQL cost
# thirty times what running it does, so it is built once per process.
STUDENT_ASSIGNMENT = Prepared(_student_assignment, pk=int, student_id=int)
STUDENT_ASSIGNMENT_SOURCE = Prepared(_student_assignment_source, pk=int, student_id=int, label=str)


def _get_assignment_for_student(request: HttpRequest, pk: int, *, label: str | None = None):
    """The assignment, if set for this student, with the state of their answer; or 404.

    Annotated in the same query: `my_status`, `my_revision_allowed`, `my_cited` and
    `my_interpretation` from their answer (None before they start one), and with a
    label, that source's `lesson_source_id`, `lesson_source_retired` and
    `lesson_source_short` and the student's `my_short`, so a save needs no second
    lookup. No such source is a 404 too.
    """
    if not access.can_join_classes(request.user):
        raise Http404("No such assignment for you")
    if label is None:
        assignment = STUDENT_ASSIGNMENT.first(pk=pk, student_id=request.user.pk)
    else:
        assignment = STUDENT_ASSIGNMENT_SOURCE.first(
            pk=pk, student_id=request.user.pk, label=label.upper()
        )
    if assignment is None:
        raise Http404("No such assignment for you")
    if label is not None and assignment.lesson_source_id is None:
        raise Http404("No such source in this lesson")
    return assignment


def _short(assignment: Assignment) -> bool:
    """Whether this student answers the framework's short version on the page's source:
    set for the class, for them, or for the source (`_get_assignment_for_student`)."""
    return bool(
        assignment.short_version
        or getattr(assignment, "my_short", False)
        or getattr(assignment, "lesson_source_short", False)
    )


def _locked(assignment: Assignment) -> bool:
    """Submitted work, or work returned without a revision, is shown read-only."""
    return bool(Submission.lock_reason(assignment.my_status, assignment.my_revision_allowed))


def _refuse(request: HttpRequest, message: str, *, status: int = 403, url: str = ""):
    if wants_json(request):
        return JsonResponse({"status": "refused", "message": message}, status=status)
    messages.error(request, message)
    return redirect(url or request.path)


def _refuse_if_locked(
    request: HttpRequest, assignment: Assignment, *, back: str = ""
) -> HttpResponse | None:
    """None if the student may change this work now; otherwise the refusal to send.

    `back` is the page to return to without JavaScript (a POST-only URL cannot be it).
    """
    reason = work.lock_reason(
        assignment,
        status=assignment.my_status,
        revision_allowed=assignment.my_revision_allowed,
        retired=bool(getattr(assignment, "lesson_source_retired", False)),
    )
    return _refuse(request, reason, url=back or request.path) if reason else None


def _source_url(assignment: Assignment, label: str) -> str:
    return reverse("lessons:source_work", args=[assignment.pk, label.upper()])


# --- The assignment ----------------------------------------------------------------------


@student_required
@require_GET
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _get_assignment_for_student(request, pk)
    lesson = assignment.lesson
    state = assignment.state()
    if state == Assignment.State.NOT_OPEN:
        return render(
            request, "lessons/student/not_open.html", {"assignment": assignment}, status=403
        )
    statuses, committed = {}, set()
    for lesson_source_id, status, revealed_at in prepared.STATUSES(
        assignment_id=assignment.pk, student_id=request.user.pk
    ):
        statuses[lesson_source_id] = status
        if revealed_at is not None:
            committed.add(lesson_source_id)
    # A retired source stays only for those who started it.
    lesson_sources = [
        ls
        for ls in prepared.LESSON_SOURCES(lesson_id=lesson.pk)
        if not ls.retired or ls.pk in statuses
    ]
    hidden = _hidden_sources(assignment, lesson_sources, committed)
    for lesson_source in lesson_sources:
        lesson_source.my_status = statuses.get(lesson_source.pk, "")
        lesson_source.hidden = hidden[lesson_source.pk]
    done = sum(1 for status in statuses.values() if status == SourceAnnotation.Status.DONE)
    return render(
        request,
        "lessons/student/assignment.html",
        {
            "assignment": assignment,
            "lesson": lesson,
            "lesson_sources": lesson_sources,
            "glossary": prepared.GLOSSARY(lesson_id=lesson.pk),
            "facts": prepared.FACTS(lesson_id=lesson.pk),
            "done_total": done,
            "state": state,
            "locked": _locked(assignment),
        },
    )


# --- One source and its analysis ------------------------------------------------------


def _source_page_context(request, assignment: Assignment, label: str) -> dict:
    lesson = assignment.lesson
    lesson_sources = prepared.student_lesson_sources(assignment, request.user)
    index = next(
        (i for i, ls in enumerate(lesson_sources) if ls.pk == assignment.lesson_source_id), None
    )
    if index is None:  # retired before this student started it
        raise Http404("No such source in this lesson")
    lesson_source = lesson_sources[index]
    source: Source = lesson_source.source
    # The credits of this one source, with their authors, in order: one query, made only
    # if the page shows them (a save's lists do not).
    source.__dict__["ordered_credits"] = SimpleLazyObject(
        functools.partial(prepared.CREDITS, source_id=source.pk)
    )
    every_prompt = prepared.PROMPTS(framework_id=lesson.framework_id)
    prompts = prompts_for(every_prompt, short=_short(assignment))
    annotation = prepared.ANNOTATION.first(
        assignment_id=assignment.pk, student_id=request.user.pk, lesson_source_id=lesson_source.pk
    )
    others = [ls for ls in lesson_sources if ls.pk != lesson_source.pk and not ls.retired]
    links = annotation.resolved_links({ls.pk: ls for ls in lesson_sources}) if annotation else []
    locked = _locked(assignment) or lesson_source.retired
    state = assignment.state()
    over = locked or state == Assignment.State.CLOSED  # nothing left to change
    committed = {lesson_source.pk} if annotation and annotation.revealed_at else set()
    glossary = prepared.GLOSSARY(lesson_id=lesson.pk)
    held_back = (
        []
        if over or (annotation is not None and annotation.status == SourceAnnotation.Status.DONE)
        else [part for part in lesson_source.held_back if part in ProvenancePart.values]
    )
    hidden = _hidden_sources(assignment, [lesson_source], committed)[lesson_source.pk]
    return {
        "assignment": assignment,
        "lesson": lesson,
        "lesson_source": lesson_source,
        "source": source,
        "label": lesson_source.label,
        "lesson_sources": lesson_sources,
        "previous": lesson_sources[index - 1] if index > 0 else None,
        "next": lesson_sources[index + 1] if index + 1 < len(lesson_sources) else None,
        "position": index + 1,
        "prompts": prompts,
        "glossary": glossary,
        "annotation": annotation,
        "highlights": _highlight_rows(assignment, lesson_source.label, annotation),
        "links": links,
        "others": others,
        "ratings": Rating.choices,
        "earlier_answers": annotation.earlier_answers(prompts) if annotation else [],
        "retired": lesson_source.retired,
        "locked": locked,
        "state": state,
        "editable": not over,
        "highlight_form": HighlightForm(),
        "region_form": RegionForm(prefix="region"),
        "regions": _region_rows(assignment, lesson_source.label, annotation),
        "link_form": LinkForm(others=others),
        "short": len(prompts) < len(every_prompt),
        # Parts of the provenance the teacher keeps until the analysis is finished.
        "held_back": held_back,
        "hidden": hidden,
        # What the page's parts that are the same for every student are cached under.
        "shown_rows": SimpleLazyObject(
            lambda: _shown_rows_key(lesson_source, glossary, hidden, held_back)
        ),
        "class_ratings": _class_ratings(assignment, lesson_source, annotation),
        "prediction_form": PredictionForm(
            initial={"prediction": annotation.prediction if annotation else ""}
        ),
    }


def _shown_rows_key(lesson_source: LessonSource, glossary, hidden, held_back) -> str:
    """A digest of everything the source page's shared parts (heading, text, provenance,
    citations, glossary) are drawn from: every column of the source, its provenance, its
    credits and their authors, the lesson's use of it and its glossary, with what this
    student may see yet, the page's language and the citation style. Any edit to any of
    them gives another key, so a cached part is never shown stale."""
    source = lesson_source.source
    credits = list(source.ordered_credits)
    rows = [source, source.provenance_or_none, lesson_source, *credits, *glossary]
    rows += [credit.author for credit in credits]
    shown = [
        (type(row).__name__, [getattr(row, f.attname) for f in row._meta.concrete_fields])
        for row in rows
        if row is not None
    ]
    state = (
        get_language(),
        settings.CITATION_STYLE,
        lesson_source.label,
        hidden,
        sorted(held_back),
        shown,
    )
    return hashlib.blake2b(repr(state).encode(), digest_size=20).hexdigest()


CLASS_COMPARISON_MINIMUM = 3  # finished analyses before a spread is shown: no one is singled out


def _class_ratings(assignment: Assignment, lesson_source: LessonSource, annotation) -> dict | None:
    """How the classmates who finished this source rated it, for a student who has
    finished it too, when the teacher allows the comparison; None otherwise, with no
    query. No names; nothing until CLASS_COMPARISON_MINIMUM have finished."""
    done = SourceAnnotation.Status.DONE
    if not assignment.class_comparison or annotation is None or annotation.status != done:
        return None
    counts = Counter(
        dict(
            SourceAnnotation.objects.filter(
                assignment=assignment, lesson_source=lesson_source, status=done
            )
            .exclude(rating=None)
            .values_list("rating")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    finished = sum(counts.values())
    return {
        "finished": finished,
        "enough": finished >= CLASS_COMPARISON_MINIMUM,
        "minimum": CLASS_COMPARISON_MINIMUM,
        "bars": insight.bars(counts, dict(Rating.choices)),
    }


def _hidden_sources(assignment: Assignment, lesson_sources, committed: set[int]) -> dict:
    """Each lesson source's `Hidden` for this student, who committed a prediction for the
    sources in `committed`. Work that can no longer change (handed in, closed, or on a
    retired source) has nothing left to predict, so everything shows. Only a lesson with a
    "reveal when I say" source costs a query."""
    if _locked(assignment) or assignment.state() == Assignment.State.CLOSED:
        return {ls.pk: Hidden() for ls in lesson_sources}
    revealed: set[int] = set()
    if any(ls.reveal == Reveal.TEACHER for ls in lesson_sources):
        revealed = set(
            ClassReveal.objects.filter(assignment=assignment).values_list(
                "lesson_source_id", flat=True
            )
        )
    return {
        ls.pk: Hidden()
        if ls.retired
        else ls.hidden_from(committed=ls.pk in committed, class_revealed=ls.pk in revealed)
        for ls in lesson_sources
    }


def _class_revealed(assignment: Assignment, lesson_source: LessonSource) -> bool:
    """Whether the teacher has revealed a "reveal when I say" source to this class; only
    such a source costs the query."""
    if lesson_source.reveal != Reveal.TEACHER:
        return False
    return ClassReveal.objects.filter(assignment=assignment, lesson_source=lesson_source).exists()


@student_required
@require_POST
def prediction(request: HttpRequest, pk: int, label: str) -> HttpResponse:
    """Keep the student's prediction; for predict and interpret first, reveal what it was
    about. Without JavaScript too: a mistake comes back with the words as typed."""
    assignment = _get_assignment_for_student(request, pk, label=label)
    page = _source_url(assignment, label)
    if refused := _refuse_if_locked(request, assignment, back=page):
        return refused
    lesson_source = LessonSource.objects.get(pk=assignment.lesson_source_id)
    if lesson_source.reveal == Reveal.AT_ONCE:
        return _refuse(
            request,
            _("Nothing about this source is hidden, so there is nothing to predict."),
            status=400,
            url=page,
        )
    form = PredictionForm(request.POST)
    if not form.is_valid():
        return _invalid_marks_form(request, assignment, label, prediction_form=form)
    try:
        work.commit_prediction(
            assignment=assignment,
            student=request.user,
            lesson_source=lesson_source,
            prediction=form.cleaned_data["prediction"],
            class_revealed=_class_revealed(assignment, lesson_source),
        )
    except work.AlreadyRevealed as kept:
        return _refuse(request, str(kept), status=409, url=page)
    if lesson_source.reveal == Reveal.TEACHER:
        messages.success(
            request, _("Your prediction is kept. Your teacher will reveal the answer.")
        )
    else:
        messages.success(request, _("Your words are kept. Compare them with what is revealed now."))
    return redirect(f"{page}#prediction")


def _highlight_rows(assignment: Assignment, label: str, annotation) -> list[dict]:
    """The student's highlights with what the list shows beside each: its remove URL and
    the quote cut short for the button."""
    if annotation is None or not annotation.highlights:
        return []
    urls = reverse_each(
        "lessons:highlight_remove",
        [assignment.pk, label],
        [h.get("id", "") for h in annotation.highlights],
    )
    return [
        {
            **highlight,
            "remove_url": url,
            "short_quote": _shorten(str(highlight.get("quote", "")), 40),
        }
        for highlight, url in zip(annotation.highlights, urls, strict=True)
    ]


def _region_rows(assignment: Assignment, label: str, annotation) -> list[dict]:
    """The student's regions of an image, in percentages for the page (the SVG drawn over
    the image and the list beside it), each with its remove URL."""
    if annotation is None or not annotation.regions:
        return []
    rows = [region_percent(r) for r in annotation.regions]
    urls = reverse_each("lessons:region_remove", [assignment.pk, label], [r["id"] for r in rows])
    return [{**row, "remove_url": url} for row, url in zip(rows, urls, strict=True)]


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


@student_required
@require_http_methods(["GET", "POST"])
def source_work(request: HttpRequest, pk: int, label: str) -> HttpResponse:
    """GET: the source with the student's analysis. POST: save the analysis."""
    assignment = _get_assignment_for_student(request, pk, label=label)
    if assignment.state() == Assignment.State.NOT_OPEN and request.method == "GET":
        return render(
            request, "lessons/student/not_open.html", {"assignment": assignment}, status=403
        )
    if request.method == "GET":
        context = _source_page_context(request, assignment, label)
        form = AnalysisForm(
            initial=AnalysisForm.initial_for(context["annotation"], context["prompts"]),
            prompts=context["prompts"],
        )
        return render(request, "lessons/student/source.html", {**context, "form": form})

    if refused := _refuse_if_locked(request, assignment):
        return refused
    prompts = prompts_for(
        prepared.PROMPTS(framework_id=assignment.lesson.framework_id), short=_short(assignment)
    )
    form = AnalysisForm(request.POST, prompts=prompts)
    if not form.is_valid():
        if wants_json(request):
            return _invalid_json(form, not_saved=True)
        context = _source_page_context(request, assignment, label)
        return render(request, "lessons/student/source.html", {**context, "form": form}, status=400)
    try:
        saved = work.save_analysis(
            assignment=assignment,
            student=request.user,
            lesson_source_id=assignment.lesson_source_id,
            version=form.cleaned_data["version"],
            responses=form.responses(),
            # The prompts this page showed: one it did not send keeps its saved answer.
            prompt_keys=[p.key for p in prompts if f"response_{p.key}" in request.POST],
            rating=form.cleaned_data["rating"],
            rating_reason=form.cleaned_data["rating_reason"],
            done=form.cleaned_data["done"],
        )
    except work.Conflict as conflict:
        current = conflict.current
        if wants_json(request):
            return _conflict_json(
                _(
                    "This analysis was changed in another tab or on another device after you "
                    "opened this page. Compare the two versions and choose."
                ),
                current,
                _analysis_fields(current, prompts),
            )
        context = _source_page_context(request, assignment, label)
        form = rebind(AnalysisForm, request, current.version, prompts=prompts)
        return render(
            request,
            "lessons/student/source.html",
            {
                **context,
                "form": form,
                "conflict": _analysis_pairs(current, prompts),
                "conflict_at": current.updated_at,
            },
            status=409,
        )
    if form.done_refused:
        # Everything typed is saved; only "finished" is refused, and said so beside it.
        if wants_json(request):
            return _saved_json(saved, refused={"done": form.done_refused})
        messages.success(
            request, _("Your analysis is saved. %(refused)s") % {"refused": form.done_refused}
        )
        context = _source_page_context(request, assignment, label)
        form = rebind(AnalysisForm, request, saved.version, prompts=prompts)
        return render(request, "lessons/student/source.html", {**context, "form": form})
    if wants_json(request):
        return _saved_json(saved)
    messages.success(request, _("Your analysis is saved."))
    return redirect(request.path)


def _saved_json(
    saved: work.Saved, *, refused: dict[str, str] | None = None, extra: dict | None = None
) -> JsonResponse:
    """Saved, at this version; `refused` names a flag that was not set, and why; `extra`
    is what else the page shows from the save (an answer's notes)."""
    answer = {
        "status": "saved",
        "version": saved.version,
        "saved_at": timezone.localtime(saved.saved_at).isoformat(),
        **(extra or {}),
    }
    if refused:
        answer["refused"] = refused
        answer["message"] = " ".join(refused.values())
    return JsonResponse(answer)


def _conflict_json(message: str, current, fields: dict) -> JsonResponse:
    """The saved version, for the page to show beside its own and let the student choose;
    `message` says what changed."""
    return JsonResponse(
        {
            "status": "conflict",
            "message": message,
            "version": current.version,
            "saved_at": timezone.localtime(current.updated_at).isoformat(),
            "saved": fields,
        },
        status=409,
    )


def _analysis_fields(annotation: SourceAnnotation, prompts) -> dict:
    fields = {f"response_{p.key}": annotation.responses.get(p.key, "") for p in prompts}
    fields.update(
        rating=str(annotation.rating or ""),
        rating_label=annotation.get_rating_display() if annotation.rating else _("Not rated"),
        rating_reason=annotation.rating_reason,
        done=annotation.status == SourceAnnotation.Status.DONE,
    )
    return fields


def _analysis_pairs(annotation: SourceAnnotation, prompts) -> list[tuple[str, str]]:
    """The saved analysis as (what, text) pairs, for a page without JavaScript."""
    pairs = [(p.label, annotation.responses.get(p.key, "")) for p in prompts]
    rating = annotation.get_rating_display() if annotation.rating else ""
    return [
        *pairs,
        (_("Reliability"), rating),
        (_("Why that rating"), annotation.rating_reason),
    ]


def _answer_pairs(submission: Submission) -> list[tuple[str, str]]:
    judgement = submission.get_judgement_display() if submission.judgement else ""
    return [
        (_("Judgement"), judgement),
        (_("Answer"), submission.answer),
        (_("Why that historian"), submission.interpretation_reason),
    ]


def _missing_message(name: str) -> str:
    return _(
        "The “%(name)s” field is missing from what this page sent. Reload the page and try again."
    ) % {"name": name}


def _missing_fields(form) -> list[str]:
    """Required fields the request did not carry at all: a broken save, not an empty box."""
    return [
        name
        for name, errors in form.errors.as_data().items()
        if name in form.fields
        and name not in form.data
        and any(error.code == "required" for error in errors)
    ]


def _invalid_json(form, *, not_saved: bool = False) -> JsonResponse:
    """A form that did not validate, for the page's script: the first problem in words
    (`not_saved`: saying that nothing was saved), and every field's errors so it can
    mark them."""
    errors = field_errors(form)
    for name in _missing_fields(form):
        errors[name] = [_missing_message(name)]
    message = _first_error(form)
    if not_saved:
        message = _("Not saved: %(problem)s") % {"problem": message}
    return JsonResponse({"status": "invalid", "message": message, "errors": errors}, status=400)


def _first_error(form) -> str:
    """The first problem, naming its field: a field missing from the request is named
    as missing rather than as "This field is required."."""
    missing = _missing_fields(form)
    if missing:
        return _missing_message(missing[0])
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        if field is None:
            return str(errors[0])
        label = field.label or name.replace("_", " ").capitalize()
        # Translators: a form field's name, then what is wrong with it.
        return _("%(field)s: %(error)s") % {"field": label, "error": errors[0]}
    return _("check the form.")


def _marks_response(request, assignment, label: str, *, message: str, status: int = 200):
    """After a highlight or link changes (or did not: 404, it was not there): JSON with
    the re-rendered lists, or a redirect."""
    url = reverse("lessons:source_work", args=[assignment.pk, label])
    if not wants_json(request):
        if status < 400:
            messages.success(request, message)
        else:
            messages.error(request, message)
        return redirect(url)
    context = _source_page_context(request, assignment, label)
    return JsonResponse(
        {
            "status": {200: "saved", 404: "not_found"}.get(status, "invalid"),
            "message": message,
            "highlights_html": render_to_string(
                "lessons/student/source.html#highlights", context, request=request
            ),
            "links_html": render_to_string(
                "lessons/student/source.html#links", context, request=request
            ),
        },
        status=status,
    )


def _invalid_marks_form(request, assignment, label: str, **bound_form) -> HttpResponse:
    """A highlight, region, link or prediction form that did not validate: JSON for the
    page's script, or the source page again with the form's errors and everything typed
    still in it."""
    form = next(iter(bound_form.values()))
    if wants_json(request):
        return _invalid_json(form)
    context = _source_page_context(request, assignment, label)
    initial = AnalysisForm.initial_for(context["annotation"], context["prompts"])
    return render(
        request,
        "lessons/student/source.html",
        {
            **context,
            "form": AnalysisForm(initial=initial, prompts=context["prompts"]),
            **bound_form,
        },
        status=400,
    )


@student_required
@require_POST
def highlight_add(request: HttpRequest, pk: int, label: str) -> HttpResponse:
    assignment = _get_assignment_for_student(request, pk, label=label)
    if refused := _refuse_if_locked(request, assignment, back=_source_url(assignment, label)):
        return refused
    text = (
        Source.objects.filter(lesson_uses=assignment.lesson_source_id)
        .values_list("text", flat=True)
        .first()
    )
    form = HighlightForm(request.POST, text=anchor_text(text or ""))
    if not form.is_valid():
        return _invalid_marks_form(request, assignment, label, highlight_form=form)
    start, end, quote = form.anchor()
    try:
        work.add_highlight(
            assignment=assignment,
            student=request.user,
            lesson_source_id=assignment.lesson_source_id,
            start=start,
            end=end,
            quote=quote,
            note=form.cleaned_data["note"],
            tag=form.cleaned_data["tag"],
        )
    except work.TooManyHighlights as full:
        return _refuse(request, str(full), status=400, url=_source_url(assignment, label))
    return _marks_response(
        request, assignment, label, message=_("Highlighted “%(quote)s”.") % {"quote": quote[:60]}
    )


@student_required
@require_POST
def highlight_remove(request: HttpRequest, pk: int, label: str, highlight_id: str):
    assignment = _get_assignment_for_student(request, pk, label=label)
    if refused := _refuse_if_locked(request, assignment, back=_source_url(assignment, label)):
        return refused
    removed = work.remove_highlight(
        assignment=assignment,
        student=request.user,
        lesson_source_id=assignment.lesson_source_id,
        highlight_id=highlight_id,
    )
    if not removed:
        return _marks_response(
            request,
            assignment,
            label,
            message=_("That highlight was already removed or never existed."),
            status=404,
        )
    return _marks_response(request, assignment, label, message=_("Highlight removed."))


@student_required
@require_POST
def region_add(request: HttpRequest, pk: int, label: str) -> HttpResponse:
    """Mark a rectangle of an image source, with a tag and a note, as a highlight is."""
    assignment = _get_assignment_for_student(request, pk, label=label)
    page = _source_url(assignment, label)
    if refused := _refuse_if_locked(request, assignment, back=page):
        return refused
    image = (
        Source.objects.filter(lesson_uses=assignment.lesson_source_id)
        .values_list("image", flat=True)
        .first()
    )
    if not image:
        return _refuse(
            request,
            _("This source has no image to mark: highlight its words instead."),
            status=400,
            url=page,
        )
    form = RegionForm(request.POST, prefix="region")
    if not form.is_valid():
        return _invalid_marks_form(request, assignment, label, region_form=form)
    try:
        work.add_region(
            assignment=assignment,
            student=request.user,
            lesson_source_id=assignment.lesson_source_id,
            note=form.cleaned_data["note"],
            tag=form.cleaned_data["tag"],
            **form.fractions(),
        )
    except work.TooManyRegions as full:
        return _refuse(request, str(full), status=400, url=page)
    return _region_response(request, page, _("Region marked."))


@student_required
@require_POST
def region_remove(request: HttpRequest, pk: int, label: str, region_id: str) -> HttpResponse:
    assignment = _get_assignment_for_student(request, pk, label=label)
    page = _source_url(assignment, label)
    if refused := _refuse_if_locked(request, assignment, back=page):
        return refused
    removed = work.remove_region(
        assignment=assignment,
        student=request.user,
        lesson_source_id=assignment.lesson_source_id,
        region_id=region_id,
    )
    if not removed:
        return _region_response(
            request, page, _("That region was already removed or never existed."), status=404
        )
    return _region_response(request, page, _("Region removed."))


def _region_response(request, page: str, message: str, *, status: int = 200) -> HttpResponse:
    if wants_json(request):
        state = "saved" if status < 400 else "not_found"
        return JsonResponse({"status": state, "message": message}, status=status)
    (messages.success if status < 400 else messages.error)(request, message)
    return redirect(f"{page}#regions")


@student_required
@require_POST
def link_add(request: HttpRequest, pk: int, label: str) -> HttpResponse:
    assignment = _get_assignment_for_student(request, pk, label=label)
    if refused := _refuse_if_locked(request, assignment, back=_source_url(assignment, label)):
        return refused
    others = LessonSource.objects.filter(lesson=assignment.lesson_id).exclude(
        pk=assignment.lesson_source_id
    )
    form = LinkForm(request.POST, others=others.select_related("source"))
    if not form.is_valid():
        return _invalid_marks_form(request, assignment, label, link_form=form)
    work.set_link(
        assignment=assignment,
        student=request.user,
        lesson_source_id=assignment.lesson_source_id,
        other_id=form.cleaned_data["other"],
        relation=form.cleaned_data["relation"],
        note=form.cleaned_data["note"],
    )
    return _marks_response(request, assignment, label, message=_("Link saved."))


@student_required
@require_POST
def link_remove(request: HttpRequest, pk: int, label: str, other_pk: int) -> HttpResponse:
    assignment = _get_assignment_for_student(request, pk, label=label)
    if refused := _refuse_if_locked(request, assignment, back=_source_url(assignment, label)):
        return refused
    removed = work.remove_link(
        assignment=assignment,
        student=request.user,
        lesson_source_id=assignment.lesson_source_id,
        other_id=other_pk,
    )
    if not removed:
        return _marks_response(
            request,
            assignment,
            label,
            message=_("That link was already removed or never existed."),
            status=404,
        )
    return _marks_response(request, assignment, label, message=_("Link removed."))


# --- The answer ---------------------------------------------------------------------------


def _answer_choices(
    request, assignment: Assignment, *, cited, chosen, for_page: bool = True
) -> tuple[list, list]:
    """What the answer may cite and choose: the sources the student sees (a retired one
    only if they began or cited it) and the lesson's interpretations, with the student's
    own choice kept even if the lesson no longer offers it. Without `for_page` (an
    autosave answered in JSON) and with the answer in one box, the sources are read by a
    prepared query without their text and provenance: no page will show them."""
    cited_ids = [int(key) for key in (cited or {}) if str(key).isdigit()]
    if not for_page and not assignment.lesson.answer_format_id:
        lesson_sources = prepared.student_source_labels(assignment, request.user, also=cited_ids)
        if lesson_sources is not None:
            return lesson_sources, prepared.interpretations(assignment.lesson_id, chosen)
    if assignment.lesson.answer_format_id:
        # Notes and works cited need each source's citation data.
        lesson_sources = list(
            LessonSource.objects.for_student(assignment, request.user, also=cited_ids)
            .prefetch_related(Prefetch("source", queryset=Source.objects.with_citation_data()))
            .order_by("order", "pk")
        )
    elif cited_ids:
        lesson_sources = list(
            LessonSource.objects.for_student(assignment, request.user, also=cited_ids)
            .select_related("source")
            .order_by("order", "pk")
        )
    else:
        lesson_sources = prepared.student_lesson_sources(assignment, request.user)
    return lesson_sources, prepared.interpretations(assignment.lesson_id, chosen)


def _section_rows(assignment: Assignment) -> list[AnswerSection]:
    """The sections of the lesson's answer format (each with its format), or [] for a
    lesson answered in one box."""
    if not assignment.lesson.answer_format_id:
        return []
    return list(
        AnswerSection.objects.filter(
            answer_format_id=assignment.lesson.answer_format_id
        ).select_related("answer_format")
    )


def _answer_context(request, assignment: Assignment, *, choices=None, rows=None) -> dict:
    submission = Submission.objects.filter(assignment=assignment, student=request.user).first()
    lesson_sources, interpretations = choices or _answer_choices(
        request,
        assignment,
        cited=submission.cited if submission else {},
        chosen=submission.preferred_interpretation_id if submission else None,
    )
    return {
        "assignment": assignment,
        "lesson": assignment.lesson,
        "lesson_sources": lesson_sources,
        "interpretations": interpretations,
        "submission": submission,
        "locked": _locked(assignment),
        "state": assignment.state(),
        "extents": Extent.choices,
        "section_rows": _section_rows(assignment) if rows is None else rows,
    }


def _answer_initial(submission: Submission | None, lesson_sources, rows=()) -> dict:
    if submission is None:
        return {"version": 0}
    initial = {
        "version": submission.version,
        "judgement": submission.judgement,
        "answer": submission.answer,
        "preferred_interpretation": submission.preferred_interpretation_id,
        "interpretation_reason": submission.interpretation_reason,
        "evaluated": submission.evaluated,
    }
    for row in rows:
        initial[f"section_{row.key}"] = submission.sections.get(row.key, "")
    for ls in lesson_sources:
        initial[f"cite_{ls.pk}"] = submission.cited.get(str(ls.pk), "")
    return initial


def _answer_fields(submission: Submission) -> dict:
    return {
        "judgement": str(submission.judgement or ""),
        "judgement_label": submission.get_judgement_display() if submission.judgement else "",
        "answer": submission.answer,
        "preferred_interpretation": str(submission.preferred_interpretation_id or ""),
        "interpretation_reason": submission.interpretation_reason,
        **{f"cite_{key}": value for key, value in submission.cited.items()},
        **{f"section_{key}": value for key, value in submission.sections.items()},
        **_evaluated_fields(submission),
    }


def _evaluated_fields(submission: Submission) -> dict:
    """The sources chosen for evaluation, as the page's boxes and in words."""
    if not submission.evaluated:
        return {}
    labels = dict(
        LessonSource.objects.filter(pk__in=submission.evaluated).values_list("pk", "label")
    )
    return {
        "evaluated": [str(pk) for pk in submission.evaluated],
        "evaluated_label": ", ".join(
            _("Source %(label)s") % {"label": labels[pk]}
            for pk in submission.evaluated
            if pk in labels
        ),
    }


# --- An answer in sections, with its citations ----------------------------------------------


def _essay_for(request, assignment, lesson_sources, rows, sections: dict) -> dict:
    """The student's sections as an essay with numbered notes, and what the citation
    tools offer: each source's label and the student's own highlights and regions on it.

    Three queries whatever the number of citations: the student's annotations, the
    framework's prompts (for the starting drafts) and, only for a lesson with a "reveal
    when I say" source, the class's reveals."""
    annotations = {
        a.lesson_source_id: a
        for a in SourceAnnotation.objects.filter(assignment=assignment, student=request.user).only(
            "lesson_source_id", "highlights", "regions", "responses", "revealed_at"
        )
    }
    committed = {pk for pk, a in annotations.items() if a.revealed_at is not None}
    hidden = _hidden_sources(assignment, lesson_sources, committed)
    hidden_ids = {pk for pk, h in hidden.items() if h.provenance}
    answer_format = rows[0].answer_format if rows else None
    essay = citing.essay(
        answer_format,
        sections,
        lesson_sources=lesson_sources,
        annotations=annotations,
        hidden=hidden_ids,
        rows=rows,
    )
    known = {row.key for row in rows}
    for row, part in zip(rows, essay.parts, strict=False):
        row.part = part
    prompts = list(assignment.lesson.framework.prompts.all())
    options, drafts = [], []
    for ls in lesson_sources:
        annotation = annotations.get(ls.pk)
        source_label = _("Source %(label)s") % {"label": ls.label}
        title = source_label if ls.pk in hidden_ids else ls.source.display_title
        evidence = []
        if annotation is not None:
            evidence = [
                # Translators: one of the student's highlights, quoted.
                (h.get("id"), _("“%(quote)s”") % {"quote": _shorten(h.get("quote", ""), 70)})
                for h in annotation.highlights or []
            ] + [
                (
                    r.get("id"),
                    _("Region %(number)s: %(note)s")
                    % {"number": n, "note": _shorten(r.get("note") or _tag_word(r.get("tag")), 50)},
                )
                for n, r in enumerate(annotation.regions or [], 1)
            ]
            paragraphs = [
                f"{p.label}. {annotation.responses[p.key].strip()}"
                for p in prompts
                if str(annotation.responses.get(p.key, "")).strip()
            ]
            if paragraphs:
                draft = "\n\n".join([f"{source_label} [@{ls.label}]", *paragraphs])
                drafts.append({"lesson_source": ls, "title": title, "text": draft})
        options.append({"lesson_source": ls, "title": title, "evidence": evidence})
    return {
        "essay": essay,
        "cite_options": options,
        "drafts": drafts,
        "answer_format": answer_format,
        "earlier_parts": [part for part in essay.parts if part.key not in known],
    }


def _tag_word(tag) -> str:
    """A region's tag in words, lower case, for a region that has no note."""
    try:
        return str(HighlightTag(tag).label).lower()
    except ValueError:
        return str(tag or "")


def _essay_notes_html(request, essay) -> str:
    return render_to_string("lessons/student/_essay_notes.html", {"essay": essay}, request)


@student_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _get_assignment_for_student(request, pk)
    if assignment.state() == Assignment.State.NOT_OPEN and request.method == "GET":
        return render(
            request, "lessons/student/not_open.html", {"assignment": assignment}, status=403
        )
    rows = _section_rows(assignment)
    if request.method == "GET":
        context = _answer_context(request, assignment, rows=rows)
        submission = context["submission"]
        form = AnswerForm(
            initial=_answer_initial(submission, context["lesson_sources"], rows),
            lesson_sources=context["lesson_sources"],
            interpretations=context["interpretations"],
            section_rows=rows,
        )
        if rows:
            context |= _saved_essay(request, assignment, context, rows)
        if submission is not None and assignment.lesson.marking_scheme_id:
            context["criteria_feedback"] = marking.criteria_feedback(assignment.lesson, submission)
        return render(request, "lessons/student/answer.html", {**context, "form": form})

    if refused := _refuse_if_locked(request, assignment):
        return refused
    choices = _answer_choices(
        request,
        assignment,
        cited=assignment.my_cited,
        chosen=assignment.my_interpretation,
        for_page=not wants_json(request),
    )
    lesson_sources, interpretations = choices
    form = AnswerForm(
        request.POST,
        lesson_sources=lesson_sources,
        interpretations=interpretations,
        section_rows=rows,
    )
    # A text box missing from the request is a broken save, not an emptied box: saving
    # it would empty the student's words.
    for name in [f"section_{row.key}" for row in rows] or ["answer"]:
        if name not in request.POST:
            form.add_error(name, ValidationError(_missing_message(name), code="required"))
    if not form.is_valid():
        if wants_json(request):
            return _invalid_json(form, not_saved=True)
        context = _answer_context(request, assignment, choices=choices, rows=rows)
        if rows:
            context |= _essay_for(
                request, assignment, lesson_sources, rows, _posted_sections(request, rows)
            )
        return render(request, "lessons/student/answer.html", {**context, "form": form}, status=400)
    fields = {
        "judgement": form.cleaned_data["judgement"],
        "preferred_interpretation_id": form.cleaned_data["preferred_interpretation"],
        "interpretation_reason": form.cleaned_data["interpretation_reason"],
    }
    if rows:
        sections = form.sections()
        fields |= {
            "sections": sections,
            "evaluated": form.cleaned_data.get("evaluated", []),
            "answer": citing.joined((row.key, row.title, sections[row.key]) for row in rows),
        }
    else:
        fields |= {"answer": form.cleaned_data["answer"], "cited": form.cited()}
    try:
        saved = work.save_answer(
            assignment=assignment,
            student=request.user,
            version=form.cleaned_data["version"],
            **fields,
        )
    except work.WorkLocked as closed:
        return _refuse(request, str(closed))
    except work.Conflict as conflict:
        current = conflict.current
        if wants_json(request):
            return _conflict_json(
                _(
                    "Your answer was changed in another tab or on another device after you "
                    "opened this page. Compare the two versions and choose."
                ),
                current,
                _answer_fields(current),
            )
        context = _answer_context(request, assignment, choices=choices, rows=rows)
        form = rebind(
            AnswerForm,
            request,
            current.version,
            lesson_sources=lesson_sources,
            interpretations=interpretations,
            section_rows=rows,
        )
        if rows:
            context |= _essay_for(request, assignment, lesson_sources, rows, form.sections())
        return render(
            request,
            "lessons/student/answer.html",
            {
                **context,
                "form": form,
                "conflict": _answer_pairs(current),
                "conflict_at": current.updated_at,
            },
            status=409,
        )
    if rows:
        essay = _essay_for(request, assignment, lesson_sources, rows, fields["sections"])["essay"]
        problems = [problem.message for problem in essay.problems]
        if wants_json(request):
            return _saved_json(
                saved,
                extra={"notes_html": _essay_notes_html(request, essay), "problems": problems},
            )
        for problem in problems:
            messages.warning(request, problem)
    if wants_json(request):
        return _saved_json(saved)
    messages.success(request, _("Your answer is saved."))
    return redirect(request.path)


@student_required
@require_GET
def answer_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The answer in sections as it prints: each section with its word count, the notes
    as endnotes and the works cited, on A4 or Letter."""
    assignment = _get_assignment_for_student(request, pk)
    rows = _section_rows(assignment)
    if not rows:
        messages.info(request, _("This lesson's answer is one box with no notes to print."))
        return redirect("lessons:answer", pk=assignment.pk)
    context = _answer_context(request, assignment, rows=rows)
    context |= _saved_essay(request, assignment, context, rows)
    return render(request, "lessons/student/answer_print.html", context)


def _saved_essay(request, assignment, context: dict, rows) -> dict:
    """`_essay_for` the answer as saved (`context` from `_answer_context`)."""
    submission = context["submission"]
    sections = submission.sections if submission else {}
    return _essay_for(request, assignment, context["lesson_sources"], rows, sections)


def _posted_sections(request, rows) -> dict[str, str]:
    return {row.key: request.POST.get(f"section_{row.key}", "") for row in rows}


@student_required
@require_http_methods(["GET", "POST"])
def answer_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation with a summary; POST hands the answer in."""
    assignment = _get_assignment_for_student(request, pk)
    answer_url = reverse("lessons:answer", args=[assignment.pk])
    if assignment.my_status == Submission.Status.SUBMITTED:
        messages.info(request, _("Your answer is already submitted."))
        return redirect(answer_url)
    if refused := _refuse_if_locked(request, assignment, back=answer_url):
        return refused
    submission = Submission.objects.filter(assignment=assignment, student=request.user).first()
    rows = _section_rows(assignment)
    essay = None
    if rows and submission is not None:
        lesson_sources, _interpretations = _answer_choices(
            request, assignment, cited={}, chosen=None
        )
        essay = _essay_for(request, assignment, lesson_sources, rows, submission.sections)["essay"]
    problems = _submission_problems(submission, essay)
    if request.method == "GET":
        statuses = list(
            SourceAnnotation.objects.filter(
                assignment=assignment, student=request.user
            ).values_list("status", flat=True)
        )
        return render(
            request,
            "lessons/student/submit.html",
            {
                "assignment": assignment,
                "lesson": assignment.lesson,
                "submission": submission,
                "problems": problems,
                "done_total": statuses.count(SourceAnnotation.Status.DONE),
                "source_total": LessonSource.objects.for_student(assignment, request.user).count(),
                "words": essay.total_words
                if essay
                else (len(submission.answer.split()) if submission else 0),
                "essay": essay,
            },
            status=400 if problems else 200,
        )
    if problems:
        messages.error(request, " ".join(problems))
        return redirect(answer_url)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        return _refuse(
            request,
            _("The form was incomplete. Open the answer page and try again."),
            status=400,
            url=answer_url,
        )
    try:
        work.submit(assignment=assignment, student=request.user, version=version)
    except work.Conflict:
        messages.error(
            request,
            _(
                "Your answer changed after you opened the confirmation (in another tab?). "
                "Check it once more, then submit."
            ),
        )
        return redirect(answer_url)
    except work.WorkLocked as closed:
        messages.error(request, str(closed))
        return redirect(answer_url)
    messages.success(request, _("Submitted. Your teacher can now read and mark your work."))
    return redirect("lessons:assignment", pk=assignment.pk)


def _submission_problems(submission: Submission | None, essay=None) -> list[str]:
    if submission is None or not (
        any(str(text).strip() for text in submission.sections.values())
        if essay
        else submission.answer.strip()
    ):
        return [_("Write your answer before submitting it.")]
    if submission.judgement is None:
        return [_("Choose your judgement on the scale before submitting.")]
    if essay and essay.problems:
        return [
            _("Fix your citations before submitting: %(problems)s")
            % {"problems": " ".join(problem.message for problem in essay.problems)}
        ]
    return []


# --- The annotated bibliography ----------------------------------------------------------


@student_required
@require_GET
def bibliography(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _get_assignment_for_student(request, pk)
    if assignment.state() == Assignment.State.NOT_OPEN:
        return render(
            request, "lessons/student/not_open.html", {"assignment": assignment}, status=403
        )
    lesson = assignment.lesson
    lesson_sources = list(
        lesson.lesson_sources.order_by("order", "pk").prefetch_related(
            Prefetch("source", queryset=Source.objects.with_citation_data())
        )
    )
    annotations = {
        a.lesson_source_id: a
        for a in SourceAnnotation.objects.filter(assignment=assignment, student=request.user)
    }
    prompts = list(lesson.framework.prompts.all())
    entries = []
    for ls in lesson_sources:
        annotation = annotations.get(ls.pk)
        if ls.retired and annotation is None:
            continue
        paragraphs = []
        if annotation:
            paragraphs = [
                (p.label, annotation.responses[p.key])
                for p in prompts
                if annotation.responses.get(p.key, "").strip()
            ]
        entries.append({"lesson_source": ls, "annotation": annotation, "paragraphs": paragraphs})
    committed = {pk for pk, a in annotations.items() if a.revealed_at is not None}
    hidden = _hidden_sources(assignment, [e["lesson_source"] for e in entries], committed)
    for entry in entries:
        entry["hidden"] = hidden[entry["lesson_source"].pk].provenance
    # Sections in the lesson's order; within each, entries alphabetically, as Chicago has
    # it; a source whose maker is still to be predicted after them, not placed by its author.
    sections: dict[str, list] = {}
    for entry in entries:
        sections.setdefault(entry["lesson_source"].section, []).append(entry)
    for section_entries in sections.values():
        section_entries.sort(
            key=lambda e: (
                e["hidden"],
                e["lesson_source"].label if e["hidden"] else _sort_key(e["lesson_source"].source),
            )
        )
    return render(
        request,
        "lessons/student/bibliography.html",
        {"assignment": assignment, "lesson": lesson, "sections": list(sections.items())},
    )


def _sort_key(source: Source) -> str:
    text = plain(source.bibliography_entry())
    return text.lstrip("“‘\"'").casefold()
