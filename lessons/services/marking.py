"""Marking: feedback saved, work returned, a revision asked for — never overwriting a
colleague who marked the same answer a moment ago."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lessons.models import (
    ClassReveal,
    CommentBankEntry,
    SourceAnnotation,
    Submission,
    SubmissionVersion,
)
from lessons.services.work import Conflict


class NotSubmitted(Exception):
    """There is nothing to mark yet."""


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
) -> Submission:
    """Store the teacher's feedback; with action "return" or "revise", return the work.

    `version` is the submission's version when the teacher opened the page; if anyone
    (a colleague, or the student resubmitting) changed it since, `Conflict` is raised
    and nothing is written.
    """
    if submission.status == Submission.Status.DRAFT:
        raise NotSubmitted("This answer has not been submitted yet, so it cannot be marked.")
    now = timezone.now()
    fields = {
        "feedback": feedback,
        "mark": mark,
        "mark_out_of": mark_out_of,
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
        cited=submission.cited,
        preferred_interpretation_id=submission.preferred_interpretation_id,
        interpretation_reason=submission.interpretation_reason,
        submitted_at=submission.submitted_at,
        feedback=submission.feedback,
        mark=submission.mark,
        mark_out_of=submission.mark_out_of,
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
