"""A student's data, whole: a copy to take away, and its erasure.

A school answers two requests from a pupil or a parent: "show me everything you hold
about me" and "delete it". `student_record` is the first, as one structure that the
printable page renders and the JSON download serialises unchanged; `erase_student` is
the second, and `plan_erasure` counts what it would remove so a person confirms first.

The download's structure (``format`` "coexist-student-work", ``format_version`` 1).
Fields are only ever added within a version; a rename or removal raises the version.
Times are ISO 8601 with their UTC offset; text is as typed; an empty value is "".

- ``format``, ``format_version``, ``exported_at``
- ``scope``: "all" (the student's own copy: everything), or "classes taught by <name>"
  (a teacher's copy: only work in the classes that teacher teaches)
- ``student``: ``username``, ``first_name``, ``last_name``, ``display_name``, ``email``,
  ``date_joined``, ``last_login``
- ``classes``: each class joined, with ``name``, ``teachers`` (names), ``joined_at``,
  ``joined_by`` ("code" or "roster"), ``archived``
- ``assignments``: each lesson with work in it, with ``class``, ``lesson``,
  ``research_question``, ``framework``, ``opens_at``, ``due_at``, and

  - ``sources``: each source analysed, with ``label``, ``title``, ``status`` and
    ``status_label``, ``rating`` (1-5 or null) and ``rating_label``, ``rating_reason``,
    ``responses`` (``prompt``, ``text``, ``earlier``: true for an answer to a prompt the
    framework no longer has), ``highlights`` (``quote``, ``tag``, ``tag_label``,
    ``note``, ``start``, ``end``), ``links`` (``source``, ``title``, ``relation``,
    ``relation_label``, ``note``), ``regions`` of an image (``tag``, ``tag_label``,
    ``note``, and ``x``, ``y``, ``w``, ``h`` in percent of the image), ``prediction``
    (what they wrote before the provenance or interpretation was revealed) and
    ``prediction_kept_at``, ``teacher_comment``, ``started_at``, ``updated_at``
  - ``answer``: null, or ``status`` and ``status_label``, ``judgement`` (1-5 or null)
    and ``judgement_label``, ``text`` (for an answer in sections, the sections joined
    under their titles), ``sections`` (for a lesson whose answer is in sections: each
    with ``key``, ``title``, ``text``, citations as typed, e.g. [@C, 12]; else []),
    ``evaluated`` (the sources chosen to evaluate: ``source``, ``title``), ``cited``
    (``source``, ``title``, ``role``, ``role_label``), ``preferred_interpretation``
    (null or ``historian``, ``position``), ``interpretation_reason``, ``started_at``,
    ``submitted_at``, ``feedback`` (null or ``comment``, ``mark``, ``mark_out_of``,
    ``criterion_marks``, ``returned``, ``returned_at``, ``revision_asked``) and
    ``returned_versions`` (each return kept: ``number``, ``judgement``,
    ``judgement_label``, ``text``, ``sections``, ``evaluated``, ``cited``,
    ``preferred_interpretation``, ``interpretation_reason``, ``submitted_at``,
    ``feedback``, ``mark``, ``mark_out_of``, ``criterion_marks``, ``returned_at``)
  - ``criterion_marks``: the marks on the lesson's marking scheme, each with
    ``criterion`` (its key, e.g. "A"), ``title``, ``mark``, ``max_mark`` and
    ``comment``; [] for work marked with one mark

A student's own copy holds the teacher's feedback and per-source comments once the work
is returned, as their pages show it; a teacher's copy holds them as they stand.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Prefetch, Q
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override, pgettext
from simple_history.models import HistoricalChanges

from coexist.models import User
from lessons import access
from lessons.models import (
    Enrolment,
    HighlightTag,
    LessonSource,
    Prompt,
    SourceAnnotation,
    Submission,
    SubmissionVersion,
    region_percent,
)
from lessons.services import citing
from sources.citations import plain, title_html

FORMAT = "coexist-student-work"
FORMAT_VERSION = 1
ALL = "all"
# What a name becomes where a record is kept but must no longer say who it was about.
ERASED = "[erased]"
# The failed-login records django-axes keeps, by the username that was typed.
AXES_MODELS = ("AccessAttempt", "AccessLog", "AccessFailureLog")


# --- The record --------------------------------------------------------------------------


def student_record(*, student: User, teacher: User | None = None) -> dict:
    """Everything Coexist holds about this student's work, as plain data.

    Without `teacher`, the student's own copy: everything, with the teacher's feedback
    once the work is returned (as the student's pages show it). With `teacher`, that
    teacher's copy: only work set in classes they teach, so a colleague's class never
    shows, and feedback as it stands. Seven queries however much work there is (fewer
    when there is none), and one more each for the sections of answer formats and the
    criteria of marking schemes when a lesson with work has one.
    """
    work = Q(student=student)
    enrolments = Enrolment.objects.filter(student=student)
    as_student = teacher is None
    if teacher is not None:
        classrooms = access.classes_taught(teacher)
        work &= Q(assignment__classroom__in=classrooms)
        enrolments = enrolments.filter(classroom__in=classrooms)
    enrolments = (
        enrolments.select_related("classroom")
        .prefetch_related(
            Prefetch(
                "classroom__teachers",
                queryset=User.objects.order_by("last_name", "first_name", "username"),
            )
        )
        .order_by("classroom__name", "classroom__pk")
    )
    assignment_fields = ("assignment__lesson__framework", "assignment__classroom")
    annotations = list(
        SourceAnnotation.objects.filter(work)
        .select_related(*assignment_fields)
        .order_by("assignment", "lesson_source__order", "lesson_source__pk")
    )
    submissions = list(
        Submission.objects.filter(work)
        .select_related(
            *assignment_fields,
            "assignment__lesson__answer_format",
            "assignment__lesson__marking_scheme",
            "preferred_interpretation__historian",
        )
        .prefetch_related(
            # No query when no lesson with work has a format or a scheme.
            "assignment__lesson__answer_format__sections",
            "assignment__lesson__marking_scheme__criteria",
            Prefetch(
                "versions",
                queryset=SubmissionVersion.objects.select_related(
                    "preferred_interpretation__historian"
                ).order_by("number"),
            ),
        )
    )
    assignments = {a.assignment_id: a.assignment for a in annotations}
    assignments.update((s.assignment_id, s.assignment) for s in submissions)
    lessons = {a.lesson_id for a in assignments.values()}
    lesson_sources = (
        {
            ls.pk: ls
            for ls in LessonSource.objects.filter(lesson__in=lessons).select_related("source")
        }
        if lessons
        else {}
    )
    prompts: dict[int, list[Prompt]] = defaultdict(list)
    if lessons:
        frameworks = {a.lesson.framework_id for a in assignments.values()}
        for prompt in Prompt.objects.filter(framework__in=frameworks):
            prompts[prompt.framework_id].append(prompt)

    analyses: dict[int, list[SourceAnnotation]] = defaultdict(list)
    for annotation in annotations:
        analyses[annotation.assignment_id].append(annotation)
    answers = {s.assignment_id: s for s in submissions}
    ordered = sorted(
        assignments.values(), key=lambda a: (a.classroom.name.casefold(), a.opens_at, a.pk)
    )
    record_assignments = []
    for assignment in ordered:
        submission = answers.get(assignment.pk)
        returned = submission is not None and submission.status == Submission.Status.RETURNED
        released = returned or not as_student
        framework_prompts = prompts[assignment.lesson.framework_id]
        record_assignments.append(
            {
                "class": assignment.classroom.name,
                "lesson": assignment.lesson.title,
                "research_question": assignment.lesson.research_question,
                "framework": str(assignment.lesson.framework),
                "opens_at": assignment.opens_at,
                "due_at": assignment.due_at,
                "sources": [
                    _analysis(annotation, framework_prompts, lesson_sources, released=released)
                    for annotation in analyses[assignment.pk]
                ],
                "answer": (
                    _answer(submission, lesson_sources, released=released)
                    if submission is not None
                    else None
                ),
            }
        )
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "scope": ALL if teacher is None else _teacher_scope(teacher),
        "student": {
            "username": student.username,
            "first_name": student.first_name,
            "last_name": student.last_name,
            "display_name": student.display_name,
            "email": student.email,
            "date_joined": student.date_joined,
            "last_login": student.last_login,
        },
        "classes": [
            {
                "name": enrolment.classroom.name,
                "teachers": [teacher.shown_name for teacher in enrolment.classroom.teachers.all()],
                "joined_at": enrolment.joined_at,
                "joined_by": enrolment.route,
                "archived": enrolment.classroom.archived,
            }
            for enrolment in enrolments
        ],
        "assignments": record_assignments,
    }


def _teacher_scope(teacher: User) -> str:
    """The record's `scope` for a copy a teacher (or an administrator) made."""
    if teacher.is_superuser:
        return _("all classes, exported by the administrator %(name)s") % {
            "name": teacher.shown_name
        }
    return _("classes taught by %(name)s") % {"name": teacher.shown_name}


def _title(lesson_source: LessonSource | None) -> str:
    return plain(title_html(lesson_source.source.shown_title)) if lesson_source else ""


def _analysis(
    annotation: SourceAnnotation,
    prompts: list[Prompt],
    lesson_sources: dict[int, LessonSource],
    *,
    released: bool,
) -> dict:
    lesson_source = lesson_sources.get(annotation.lesson_source_id)
    responses = [
        {"prompt": p.label, "text": str(annotation.responses.get(p.key) or ""), "earlier": False}
        for p in prompts
    ]
    responses += [
        {"prompt": label, "text": str(text), "earlier": True}
        for label, text in annotation.earlier_answers(prompts)
    ]
    return {
        "label": lesson_source.label if lesson_source else "",
        "title": _title(lesson_source),
        "status": annotation.status,
        "status_label": annotation.get_status_display(),
        "rating": annotation.rating,
        "rating_label": annotation.get_rating_display() if annotation.rating else "",
        "rating_reason": annotation.rating_reason,
        "responses": responses,
        "highlights": [_highlight(h) for h in annotation.highlights if isinstance(h, dict)],
        "links": [
            {
                "source": link["other"].label,
                "title": _title(link["other"]),
                "relation": link.get("relation", ""),
                "relation_label": link["relation_label"],
                "note": link.get("note", ""),
            }
            for link in annotation.resolved_links(lesson_sources)
        ],
        "regions": [_region(r) for r in annotation.regions if isinstance(r, dict)],
        "prediction": annotation.prediction,
        "prediction_kept_at": annotation.revealed_at,
        "teacher_comment": annotation.teacher_comment if released else "",
        "started_at": annotation.created_at,
        "updated_at": annotation.updated_at,
    }


def _highlight(highlight: dict) -> dict:
    tag = highlight.get("tag", "")
    return {
        "quote": highlight.get("quote", ""),
        "tag": tag,
        "tag_label": HighlightTag(tag).label if tag in HighlightTag.values else "",
        "note": highlight.get("note", ""),
        "start": highlight.get("start"),
        "end": highlight.get("end"),
    }


def _region(region: dict) -> dict:
    shown = region_percent(region)
    tag = shown["tag"]
    return {
        "tag": tag,
        "tag_label": HighlightTag(tag).label if tag in HighlightTag.values else "",
        "note": shown["note"],
        **{name: shown[name] for name in ("x", "y", "w", "h")},
    }


def _cited(cited: dict, lesson_sources: dict[int, LessonSource]) -> list[dict]:
    rows = []
    for key, role in cited.items():
        lesson_source = lesson_sources.get(int(key)) if str(key).isdigit() else None
        if lesson_source is None:
            continue
        rows.append(
            (
                lesson_source.order,
                lesson_source.pk,
                {
                    "source": lesson_source.label,
                    "title": _title(lesson_source),
                    "role": role,
                    "role_label": _("Supports the judgement")
                    if role == "supports"
                    else _("Challenges the judgement"),
                },
            )
        )
    return [row for *_, row in sorted(rows, key=lambda r: r[:2])]


def _interpretation(interpretation) -> dict | None:
    if interpretation is None:
        return None
    return {"historian": interpretation.historian.name, "position": interpretation.position}


def _sections(answer_format, sections) -> list[dict]:
    """The answer's sections under their titles, as `citing` orders them: text kept under
    a section the format no longer has is included, so no words go missing."""
    if answer_format is None and not sections:
        return []
    return [
        {"key": key, "title": title, "text": text}
        for key, title, text in citing.sections_of(answer_format, sections)
    ]


def _evaluated(evaluated, lesson_sources: dict[int, LessonSource]) -> list[dict]:
    found = [lesson_sources.get(int(pk)) if str(pk).isdigit() else None for pk in evaluated or ()]
    return [{"source": ls.label, "title": _title(ls)} for ls in found if ls is not None]


def _criterion_marks(marks, scheme) -> list[dict]:
    """Each criterion's mark and comment, in the scheme's order; a mark for a criterion
    the scheme no longer has is kept, under its key."""
    marks = marks if isinstance(marks, dict) else {}
    criteria = list(scheme.criteria.all()) if scheme else []
    known = {criterion.key for criterion in criteria}
    rows = [(c.key, c.title, c.max_mark) for c in criteria if c.key in marks]
    rows += [(key, "", None) for key in marks if key not in known]
    out = []
    for key, title, max_mark in rows:
        given = marks[key] if isinstance(marks[key], dict) else {}
        out.append(
            {
                "criterion": key,
                "title": title,
                "mark": given.get("mark"),
                "max_mark": max_mark,
                "comment": given.get("comment", ""),
            }
        )
    return out


def _answer(
    submission: Submission, lesson_sources: dict[int, LessonSource], *, released: bool
) -> dict:
    lesson = submission.assignment.lesson
    criterion_marks = _criterion_marks(submission.criterion_marks, lesson.marking_scheme)
    marked = bool(submission.feedback) or submission.mark is not None or bool(criterion_marks)
    returned = submission.status == Submission.Status.RETURNED
    feedback = None
    if released and (marked or returned):
        feedback = {
            "comment": submission.feedback,
            "mark": submission.mark,
            "mark_out_of": submission.mark_out_of,
            "criterion_marks": criterion_marks,
            "returned": returned,
            "returned_at": submission.returned_at if returned else None,
            "revision_asked": returned and submission.revision_allowed,
        }
    return {
        "status": submission.status,
        "status_label": submission.get_status_display(),
        "judgement": submission.judgement,
        "judgement_label": submission.get_judgement_display() if submission.judgement else "",
        "text": submission.answer,
        "sections": _sections(lesson.answer_format, submission.sections),
        "evaluated": _evaluated(submission.evaluated, lesson_sources),
        "cited": _cited(submission.cited, lesson_sources),
        "preferred_interpretation": _interpretation(submission.preferred_interpretation),
        "interpretation_reason": submission.interpretation_reason,
        "started_at": submission.created_at,
        "submitted_at": submission.submitted_at,
        "feedback": feedback,
        "returned_versions": [
            {
                "number": version.number,
                "judgement": version.judgement,
                "judgement_label": version.get_judgement_display() if version.judgement else "",
                "text": version.answer,
                "sections": _sections(lesson.answer_format, version.sections),
                "evaluated": _evaluated(version.evaluated, lesson_sources),
                "cited": _cited(version.cited, lesson_sources),
                "preferred_interpretation": _interpretation(version.preferred_interpretation),
                "interpretation_reason": version.interpretation_reason,
                "submitted_at": version.submitted_at,
                "feedback": version.feedback,
                "mark": version.mark,
                "mark_out_of": version.mark_out_of,
                "criterion_marks": _criterion_marks(version.criterion_marks, lesson.marking_scheme),
                "returned_at": version.returned_at,
            }
            for version in submission.versions.all()
        ],
    }


# --- Erasure -------------------------------------------------------------------------------


class ErasureRefused(Exception):
    """This person may not erase this account (or it is not a student's)."""


@dataclass(frozen=True)
class ErasureCounts:
    """How much an erasure removes, in the words the confirmation and message use."""

    analyses: int = 0
    highlights: int = 0
    answers: int = 0
    versions: int = 0
    feedback: int = 0
    classes: int = 0
    history: int = 0
    log_entries: int = 0
    failed_logins: int = 0

    def lines(self) -> list[str]:
        """Each count in words, for a list on the confirmation page."""
        answers = ngettext("%(count)s answer", "%(count)s answers", self.answers) % {
            "count": self.answers
        }
        if self.versions:
            # Translators: e.g. "3 answers (with 2 returned versions)"
            answers = _("%(answers)s (with %(versions)s)") % {
                "answers": answers,
                "versions": ngettext(
                    "%(count)s returned version", "%(count)s returned versions", self.versions
                )
                % {"count": self.versions},
            }
        return [
            ngettext("%(count)s source analysis", "%(count)s source analyses", self.analyses)
            % {"count": self.analyses},
            ngettext("%(count)s highlight", "%(count)s highlights", self.highlights)
            % {"count": self.highlights},
            answers,
            ngettext("%(count)s feedback item", "%(count)s feedback items", self.feedback)
            % {"count": self.feedback},
            ngettext("%(count)s class membership", "%(count)s class memberships", self.classes)
            % {"count": self.classes},
            ngettext("%(count)s history record", "%(count)s history records", self.history)
            % {"count": self.history},
            ngettext("%(count)s admin log entry", "%(count)s admin log entries", self.log_entries)
            % {"count": self.log_entries},
            ngettext(
                "%(count)s failed-login record",
                "%(count)s failed-login records",
                self.failed_logins,
            )
            % {"count": self.failed_logins},
        ]

    def sentence(self) -> str:
        """The counts as one phrase: "2 source analyses, …, 1 history record and …"."""
        return get_text_list(self.lines(), pgettext("between the last two items of a list", "and"))


@dataclass(frozen=True)
class _Targets:
    """The rows an erasure touches, by primary key, so it removes exactly what it counted."""

    annotations: tuple[int, ...] = ()
    submissions: tuple[int, ...] = ()
    versions: tuple[int, ...] = ()
    enrolments: tuple[int, ...] = ()
    history_delete: dict[type[models.Model], list] = field(default_factory=dict)
    history_anonymise: dict[type[models.Model], list] = field(default_factory=dict)
    history_redact: dict[type[models.Model], dict] = field(default_factory=dict)
    logs_delete: tuple[int, ...] = ()
    logs_redact: dict[int, str] = field(default_factory=dict)
    failed_logins: dict[type[models.Model], int] = field(default_factory=dict)


@dataclass(frozen=True)
class ErasurePlan:
    """What erasing this student would remove, and whether the account itself goes.

    `whole_account` is False when the student also belongs to, or has work in, a class
    the person erasing does not teach: then only their place and work in that
    person's classes go (`classes` names them), and the account stays.
    """

    student: User
    whole_account: bool
    classes: tuple[str, ...]
    counts: ErasureCounts
    targets: _Targets = field(repr=False)


def may_erase_whole_account(*, student: User, by: User) -> bool:
    """The erasure rule: an administrator may erase any student's account; a teacher
    only one whose every class, and every piece of work, is in classes they teach.

    A student shared with a colleague's class keeps the account and the colleague's
    work: one teacher never erases what another teacher holds.
    """
    if by.is_superuser:
        return True
    taught = access.classes_taught(by)
    return not (
        Enrolment.objects.filter(student=student).exclude(classroom__in=taught).exists()
        or SourceAnnotation.objects.filter(student=student)
        .exclude(assignment__classroom__in=taught)
        .exists()
        or Submission.objects.filter(student=student)
        .exclude(assignment__classroom__in=taught)
        .exists()
    )


def plan_erasure(*, student: User, by: User) -> ErasurePlan:
    """Count what `erase_student` would remove; nothing is changed."""
    if student.is_staff or student.is_superuser:
        raise ErasureRefused(
            _(
                "Only students' accounts are erased here. Staff accounts are changed or "
                "deleted in the admin."
            )
        )
    if not by.is_superuser and not access.students_taught(by).filter(pk=student.pk).exists():
        raise ErasureRefused(_("You can erase only students in classes you teach."))
    whole = may_erase_whole_account(student=student, by=by)
    work = Q(student=student)
    enrolments = Enrolment.objects.filter(student=student)
    if not whole:
        taught = access.classes_taught(by)
        work &= Q(assignment__classroom__in=taught)
        enrolments = enrolments.filter(classroom__in=taught)
    annotations = list(
        SourceAnnotation.objects.filter(work).values_list("pk", "highlights", "teacher_comment")
    )
    submissions = list(Submission.objects.filter(work).values_list("pk", "feedback", "mark"))
    versions = list(
        SubmissionVersion.objects.filter(
            submission__in=Submission.objects.filter(work).values("pk")
        ).values_list("pk", flat=True)
    )
    enrolled = list(enrolments.order_by("classroom__name").values_list("pk", "classroom__name"))
    owned = {
        SourceAnnotation: {pk for pk, *_ in annotations},
        Submission: {pk for pk, *_ in submissions},
        SubmissionVersion: set(versions),
        Enrolment: {pk for pk, _ in enrolled},
    }
    names = _names(student) if whole else []
    history_delete, history_anonymise, history_redact = _history(student, owned, names, whole)
    logs_delete, logs_redact = _log_entries(student, owned, names, whole)
    failed_logins = _failed_logins(student) if whole else {}
    targets = _Targets(
        annotations=tuple(owned[SourceAnnotation]),
        submissions=tuple(owned[Submission]),
        versions=tuple(versions),
        enrolments=tuple(owned[Enrolment]),
        history_delete=history_delete,
        history_anonymise=history_anonymise,
        history_redact=history_redact,
        logs_delete=logs_delete,
        logs_redact=logs_redact,
        failed_logins=failed_logins,
    )
    history_rows = sum(len(rows) for rows in history_delete.values())
    for model in {*history_anonymise, *history_redact}:
        history_rows += len(
            set(history_anonymise.get(model, ())) | set(history_redact.get(model, {}))
        )
    counts = ErasureCounts(
        analyses=len(annotations),
        highlights=sum(len(h) for _, h, _ in annotations if isinstance(h, list)),
        answers=len(submissions),
        versions=len(versions),
        feedback=sum(1 for *_, comment in annotations if comment)
        + sum(1 for _, text, mark in submissions if text or mark is not None),
        classes=len(enrolled),
        history=history_rows,
        log_entries=len(logs_delete) + len(logs_redact),
        failed_logins=sum(failed_logins.values()),
    )
    return ErasurePlan(
        student=student,
        whole_account=whole,
        classes=tuple(name for _, name in enrolled),
        counts=counts,
        targets=targets,
    )


@transaction.atomic
def erase_student(*, student: User, by: User) -> ErasurePlan:
    """Erase the student as `plan_erasure` counted, in one transaction.

    With the whole account: their work, class places and account are deleted (nothing
    needs the row once the work is gone, so it is deleted rather than anonymised);
    history records of their work or their own edits are deleted or lose the link to
    them; records and admin log entries that name them lose the name; their
    failed-login records go. Otherwise only their place and work in `by`'s classes go.
    Other students' work is never touched, so class statistics lose only this student.
    Returns the plan carried out, whose counts say what went.
    """
    plan = plan_erasure(student=student, by=by)
    targets = plan.targets
    for model, pks in targets.history_delete.items():
        model._default_manager.filter(pk__in=pks).delete()
    for model, pks in targets.history_anonymise.items():
        model._default_manager.filter(pk__in=pks).update(history_user=None)
    for model, rows in targets.history_redact.items():
        for pk, changes in rows.items():
            model._default_manager.filter(pk=pk).update(**changes)
    LogEntry.objects.filter(pk__in=targets.logs_delete).delete()
    for pk, message in targets.logs_redact.items():
        LogEntry.objects.filter(pk=pk).update(change_message=message)
    for model in targets.failed_logins:
        model._default_manager.filter(username__iexact=student.username).delete()
    SourceAnnotation.objects.filter(pk__in=targets.annotations).delete()
    Submission.objects.filter(pk__in=targets.submissions).delete()  # with its versions
    Enrolment.objects.filter(pk__in=targets.enrolments).delete()
    number = student.pk
    if plan.whole_account:
        try:
            student.delete()
        except (ProtectedError, RestrictedError) as error:
            kinds = sorted({obj._meta.verbose_name_plural for obj in error.protected_objects})
            raise ErasureRefused(
                _("The account cannot be deleted while %(kinds)s refer to it.")
                % {"kinds": ", ".join(str(kind) for kind in kinds)}
            ) from error
    _audit(by, number, plan)
    return plan


def _audit(by: User, number: int, plan: ErasurePlan) -> None:
    """A line in the admin's log saying who erased what, without naming the student.

    A stored record, so written in English whatever language the page was in."""
    with override("en"):
        sentence = plan.counts.sentence()
    if plan.whole_account:
        flag, what = DELETION, f"Erased student #{number}"
        message = f"Erased the account and {sentence}."
    else:
        flag, what = CHANGE, f"Student #{number}"
        message = f"Removed from {', '.join(plan.classes) or 'no class'}; erased {sentence} there."
    LogEntry.objects.create(
        user=by,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(number),
        object_repr=what,
        action_flag=flag,
        change_message=message,
    )


# --- Where else a student's name or id is kept ---------------------------------------------


def _names(student: User) -> list[str]:
    """How records name this student: the username, the full name, the display name."""
    found = {student.username, student.get_full_name(), student.display_name}
    return sorted({" ".join(name.split()) for name in found if name.strip()}, key=len)[::-1]


def _pattern(names: list[str]) -> re.Pattern | None:
    """Whole words only, any case: "sam" names Sam, not "same"."""
    if not names:
        return None
    alternatives = "|".join(r"\s+".join(map(re.escape, name.split())) for name in names)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _mentions(fields: list[str], names: list[str]) -> Q:
    """Rows whose text may contain one of the names (a loose SQL filter, checked by
    `_pattern` afterwards)."""
    found = Q(pk__in=[])
    for name in names:
        for text_field in fields:
            found |= Q(**{f"{text_field}__icontains": name})
    return found


def _text_fields(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and f.name not in ("history_type", "history_change_reason")
    ]


def historical_models() -> list[type[models.Model]]:
    """Every django-simple-history record model, whichever app registered it (not the
    records of many-to-many links, which hold only ids of other rows)."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, HistoricalChanges)
        and any(f.name == "history_user" for f in model._meta.concrete_fields)
    ]


def _history(student: User, owned: dict, names: list[str], whole: bool):
    """History records to delete (of the student or their work), to unlink from them
    (their own edits), and to redact (text naming them).

    Change reasons are matched on any name. The content of a record (a source's text as
    it stood) is matched only on a name of two words or more: a username such as "mark"
    is an ordinary word in a source and must not be cut out of its history.
    """
    user_model = User
    delete, anonymise, redact = {}, {}, {}
    reason_pattern = _pattern(names)
    content_names = [name for name in names if len(name.split()) > 1]
    content_pattern = _pattern(content_names)
    for model in historical_models():
        about = Q(pk__in=[])
        tracked = model.instance_type
        if tracked in owned and owned[tracked]:
            about |= Q(id__in=owned[tracked])
        if whole:
            if tracked is user_model:
                about |= Q(id=student.pk)
            for f in model._meta.concrete_fields:
                if f.is_relation and f.related_model is user_model and f.name != "history_user":
                    about |= Q(**{f.attname: student.pk})
        rows = list(model._default_manager.filter(about).values_list("pk", flat=True))
        if rows:
            delete[model] = rows
        if not whole:
            continue
        texts = _text_fields(model)
        has_reason = any(f.name == "history_change_reason" for f in model._meta.concrete_fields)
        mentions = _mentions(texts, content_names)
        if has_reason:
            mentions |= _mentions(["history_change_reason"], names)
        values = ["pk", "history_user_id", *texts] + (
            ["history_change_reason"] if has_reason else []
        )
        found = model._default_manager.filter(Q(history_user_id=student.pk) | mentions)
        for row in found.exclude(pk__in=rows).values(*values):
            if row["history_user_id"] == student.pk:
                anonymise.setdefault(model, []).append(row["pk"])
            changes = {}
            for name in texts:
                if content_pattern and row[name] and content_pattern.search(row[name]):
                    changes[name] = content_pattern.sub(ERASED, row[name])
            reason = row.get("history_change_reason")
            if reason and reason_pattern and reason_pattern.search(reason):
                changes["history_change_reason"] = reason_pattern.sub(ERASED, reason)
            if changes:
                redact.setdefault(model, {})[row["pk"]] = changes
    return delete, anonymise, redact


def _log_entries(student: User, owned: dict, names: list[str], whole: bool):
    """Admin log entries to delete (by the student, about them or their work, or whose
    object is shown by their name) and to redact (a change message naming them, such
    as a class's change that removed them: the teacher's record of it stays)."""
    about = Q(pk__in=[])
    for model, pks in owned.items():
        if pks:
            about |= Q(
                content_type__app_label=model._meta.app_label,
                content_type__model=model._meta.model_name,
                object_id__in=[str(pk) for pk in pks],
            )
    if whole:
        about |= Q(user_id=student.pk) | Q(
            content_type__app_label=User._meta.app_label,
            content_type__model=User._meta.model_name,
            object_id=str(student.pk),
        )
    pattern = _pattern(names)
    about_user = (User._meta.app_label, User._meta.model_name, str(student.pk))
    about_work = {
        (model._meta.app_label, model._meta.model_name, str(pk))
        for model, pks in owned.items()
        for pk in pks
    }
    # The admin writes change messages as JSON with non-ASCII letters escaped ("Zo\u00eb").
    escaped = [json.dumps(name)[1:-1] for name in names]
    rows = LogEntry.objects.filter(
        about
        | _mentions(["object_repr"], names)
        | _mentions(["change_message"], sorted({*names, *escaped}))
    )
    delete, redact = [], {}
    for pk, user_id, *target, object_repr, message in rows.values_list(
        "pk",
        "user_id",
        "content_type__app_label",
        "content_type__model",
        "object_id",
        "object_repr",
        "change_message",
    ):
        target = tuple(target)
        mine = whole and (user_id == student.pk or target == about_user)
        if mine or target in about_work or (pattern and pattern.search(object_repr or "")):
            delete.append(pk)
        elif pattern and message and (redacted := _redact_message(message, pattern)):
            redact[pk] = redacted
    return tuple(delete), redact


def _redact_message(message: str, pattern: re.Pattern) -> str | None:
    """The change message without the names, kept in the form it was written (JSON as
    the admin writes it, or plain text); None when it does not name them."""
    try:
        parsed = json.loads(message)
    except ValueError:
        return pattern.sub(ERASED, message) if pattern.search(message) else None
    found = False

    def clean(value):
        nonlocal found
        if isinstance(value, str):
            if pattern.search(value):
                found = True
                return pattern.sub(ERASED, value)
            return value
        if isinstance(value, list):
            return [clean(item) for item in value]
        if isinstance(value, dict):
            return {key: clean(item) for key, item in value.items()}
        return value

    cleaned = clean(parsed)
    return json.dumps(cleaned) if found else None


def _failed_logins(student: User) -> dict[type[models.Model], int]:
    """django-axes' records of logins to this username: typed by anyone, so matched in
    any case, as axes itself locks them."""
    if not apps.is_installed("axes"):
        return {}
    counts = {}
    for name in AXES_MODELS:
        model = apps.get_model("axes", name)
        counts[model] = model._default_manager.filter(username__iexact=student.username).count()
    return counts
