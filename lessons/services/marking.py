"""Marking: feedback saved, work returned, a revision asked for — never overwriting a
colleague who marked the same answer a moment ago."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lessons.models import (
    ClassReveal,
    CommentBankEntry,
    Criterion,
    MarkBand,
    SourceAnnotation,
    Submission,
    SubmissionVersion,
)
from lessons.services.work import Conflict

# The longest comment a teacher writes on one criterion: the form, the box's maxlength
# and the message all read it here.
CRITERION_COMMENT_LIMIT = 2000


class NotSubmitted(Exception):
    """There is nothing to mark yet."""


def scheme_criteria(lesson, *, bands: bool = True) -> list[Criterion]:
    """The criteria the lesson's answer is marked on, in order, each with its bands
    (two queries; one without `bands`), or [] for a lesson with a single mark (none)."""
    if not lesson.marking_scheme_id:
        return []
    criteria = Criterion.objects.filter(scheme_id=lesson.marking_scheme_id)
    return list(criteria.prefetch_related("bands") if bands else criteria)


def band_for(bands: Iterable[MarkBand], mark: int | None) -> MarkBand | None:
    """The band a mark falls in; None for no mark or a mark no band spans."""
    if mark is None:
        return None
    return next((band for band in bands if band.low <= mark <= band.high), None)


def criteria_total(
    criteria: Iterable[Criterion], criterion_marks: Mapping[str, dict]
) -> tuple[int | None, int]:
    """(the marks given, added up, or None when none is; the most they could add up to)."""
    criteria = list(criteria)
    given = [mark_on(criterion_marks, c.key) for c in criteria]
    given = [m for m in given if m is not None]
    return (sum(given) if given else None), sum(c.max_mark for c in criteria)


def mark_on(criterion_marks: Mapping[str, dict] | None, key: str) -> int | None:
    """The mark stored on criterion `key`, or None: a criterion left unmarked, or a
    stored value that is not a whole number."""
    entry = (criterion_marks or {}).get(key)
    mark = entry.get("mark") if isinstance(entry, dict) else None
    return mark if isinstance(mark, int) else None


def criteria_rows(
    criteria: Iterable[Criterion], criterion_marks: Mapping[str, dict] | None
) -> list[dict]:
    """Each criterion with the mark and comment given on it and the band it fell in, as
    templates/lessons/student/_criteria_feedback.html reads them (no queries: `criteria`
    come with their bands, from `scheme_criteria`)."""
    rows = []
    for criterion in criteria:
        entry = (criterion_marks or {}).get(criterion.key)
        mark = mark_on(criterion_marks, criterion.key)
        bands = list(criterion.bands.all())
        reached = band_for(bands, mark)
        rows.append(
            {
                "key": criterion.key,
                "title": criterion.title,
                "max_mark": criterion.max_mark,
                "mark": mark,
                "comment": entry.get("comment", "") if isinstance(entry, dict) else "",
                "band": reached,
                "bands": [{"band": band, "reached": band is reached} for band in bands],
            }
        )
    return rows


def criteria_feedback(lesson, submission) -> list[dict]:
    """What the student reads of their marks on the lesson's criteria once their work is
    returned: `criteria_rows` for the submission, or [] before it is returned or for a
    lesson with a single mark. Two queries with a scheme, none without."""
    if submission is None or submission.status != Submission.Status.RETURNED:
        return []
    return criteria_rows(scheme_criteria(lesson), submission.criterion_marks)


@transaction.atomic
def save_feedback(
    *,
    submission: Submission,
    teacher,
    version: int,
    feedback: str,
    mark: int | None,
    mark_out_of: int | None,
    source_comments: dict[int, str],
    action: str,
    criterion_marks: dict[str, dict] | None = None,
) -> Submission:
    """Store the teacher's feedback; with action "return" or "revise", return the work.

    `version` is the submission's version when the teacher opened the page; if anyone
    (a colleague, or the student resubmitting) changed it since, `Conflict` is raised
    and nothing is written. For a lesson marked on criteria, `criterion_marks` holds
    them ({key: {"mark", "comment"}}) and `mark` and `mark_out_of` their total; None
    (a single mark) leaves any criterion marks stored before as they were.
    """
    if submission.status == Submission.Status.DRAFT:
        raise NotSubmitted("This answer has not been submitted yet, so it cannot be marked.")
    now = timezone.now()
    fields = {
        "feedback": feedback,
        "mark": mark,
        "mark_out_of": mark_out_of,
        **({} if criterion_marks is None else {"criterion_marks": criterion_marks}),
        "feedback_by": teacher,
        "feedback_at": now,
        "version": F("version") + 1,
        "updated_at": now,
    }
    if action in ("return", "revise"):
        fields.update(
            status=Submission.Status.RETURNED,
            returned_at=now,
            returned_by=teacher,
            revision_allowed=action == "revise",
        )
    updated = (
        Submission.objects.filter(pk=submission.pk, version=version)
        .exclude(status=Submission.Status.DRAFT)
        .update(**fields)
    )
    if not updated:
        raise Conflict(Submission.objects.get(pk=submission.pk))
    for annotation in SourceAnnotation.objects.filter(
        assignment_id=submission.assignment_id,
        student_id=submission.student_id,
        pk__in=list(source_comments),
    ):
        comment = source_comments[annotation.pk]
        if annotation.teacher_comment != comment:
            annotation.teacher_comment = comment
            annotation.save(update_fields=["teacher_comment"])
    submission.refresh_from_db()
    if action in ("return", "revise"):
        keep_version(submission)
    return submission


def keep_version(submission: Submission) -> None:
    """Keep this answer and its feedback, so a revision never hides what came before."""
    number = submission.versions.count() + 1
    SubmissionVersion.objects.create(
        submission=submission,
        number=number,
        judgement=submission.judgement,
        answer=submission.answer,
        sections=submission.sections,
        evaluated=submission.evaluated,
        cited=submission.cited,
        preferred_interpretation_id=submission.preferred_interpretation_id,
        interpretation_reason=submission.interpretation_reason,
        submitted_at=submission.submitted_at,
        feedback=submission.feedback,
        mark=submission.mark,
        mark_out_of=submission.mark_out_of,
        criterion_marks=submission.criterion_marks,
        returned_at=submission.returned_at,
    )


def bank_comment(*, teacher, text: str) -> CommentBankEntry:
    entry, _ = CommentBankEntry.objects.get_or_create(teacher=teacher, text=" ".join(text.split()))
    return entry


def reveal_to_class(assignment, lesson_source, teacher) -> bool:
    """Reveal a "reveal when I say" source to the assignment's class; False if it was
    already revealed (the first reveal's time and teacher are kept)."""
    _, created = ClassReveal.objects.get_or_create(
        assignment=assignment, lesson_source=lesson_source, defaults={"revealed_by": teacher}
    )
    return created
