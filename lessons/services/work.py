"""Saving students' work without ever losing a word.

Every write names the version the student's page started from. The UPDATE only
matches that version, so a stale tab gets a `Conflict` carrying what is saved now,
and the student chooses; nothing is overwritten silently.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Func, JSONField, Value
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from coexist.prepared import PreparedUpdate
from lessons.models import (
    HIGHLIGHTS_MAX,
    REGIONS_MAX,
    Assignment,
    Reveal,
    SourceAnnotation,
    Submission,
)

RETIRED = gettext_lazy(
    "Your teacher has taken this source out of the lesson. Your work on it is kept and "
    "your teacher can still read it, but it can no longer be changed."
)


class Conflict(Exception):
    """The work changed since this page loaded it (another tab, another device)."""

    def __init__(self, current):
        super().__init__("The work was changed elsewhere.")
        self.current = current


class WorkLocked(Exception):
    """The student may not change this work now (see `lock_reason`)."""


class TooManyHighlights(Exception):
    """A source has as many highlights as it may have."""


class TooManyRegions(Exception):
    """An image has as many marked regions as it may have."""


class AlreadyRevealed(Exception):
    """The prediction was committed, or the teacher revealed the source: it stays as it is."""


@dataclass(frozen=True)
class Saved:
    version: int
    saved_at: datetime


def lock_reason(
    assignment: Assignment,
    *,
    status: str | None,
    revision_allowed: bool | None,
    retired: bool = False,
) -> str:
    """Why the student may not change this work now, or "" when they may: the lesson is
    not open or has closed, the source was retired, or the answer is handed in
    (`Submission.lock_reason`). Every save asks this first."""
    state = assignment.state()
    if state == Assignment.State.NOT_OPEN:
        opens = timezone.localtime(assignment.opens_at)
        return _(
            "This lesson opens on %(day)s at %(time)s. "
            "Nothing was saved yet; your text is still on this page."
        ) % {"day": dateformat.format(opens, "l j F"), "time": dateformat.format(opens, "H:i")}
    if state == Assignment.State.CLOSED:
        return _(
            "This lesson closed at its due date and your teacher is not accepting late work. "
            "Nothing was saved; copy your text if you want to keep it, and talk to your teacher."
        )
    if retired:
        return str(RETIRED)
    return Submission.lock_reason(status, revision_allowed)


def _raise_if_locked(submission: Submission | None) -> None:
    if submission is not None and (
        reason := Submission.lock_reason(submission.status, submission.revision_allowed)
    ):
        raise WorkLocked(reason)


class MergedResponses(Func):
    """The saved responses with the page's laid over them, inside the UPDATE itself.

    Answers to prompts the page did not show (the lesson's framework changed after the
    student wrote them) are kept; a prompt the page showed but left empty is removed
    (its value is JSON null here). Doing it in SQL keeps a save one guarded UPDATE.
    """

    output_field = JSONField()

    def __init__(self, page, field: str = "responses"):
        # `page`: the page's answers, or an expression standing for them (PreparedUpdate).
        if not hasattr(page, "resolve_expression"):
            page = Value(page, output_field=JSONField())
        super().__init__(F(field), page)

    def as_sqlite(self, compiler, connection, **extra):
        # json_patch follows RFC 7396: a null in the patch deletes the key.
        return self.as_sql(compiler, connection, function="json_patch", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="jsonb_strip_nulls(%(expressions)s)",
            arg_joiner=" || ",
            **extra,
        )


# The two autosaves' guarded UPDATEs, built once per process (coexist.prepared): building
# them cost Django more than SQLite takes to run them.
SAVE_ANALYSIS = PreparedUpdate(
    lambda assignment_id, student_id, lesson_source_id, version, page: (
        SourceAnnotation.objects.filter(
            assignment=assignment_id,
            student=student_id,
            lesson_source=lesson_source_id,
            version=version,
        ),
        {"responses": MergedResponses(page), "version": F("version") + 1},
    ),
    where={"assignment_id": int, "student_id": int, "lesson_source_id": int, "version": int},
    values=["rating", "rating_reason", "status", "updated_at"],
    json=["page"],
)
ANSWER_FIELDS = {
    "judgement",
    "preferred_interpretation_id",
    "interpretation_reason",
    "answer",
    "cited",
}
SAVE_ANSWER = PreparedUpdate(
    lambda assignment_id, student_id, version: (
        Submission.objects.unlocked().filter(
            assignment=assignment_id, student=student_id, version=version
        ),
        {"version": F("version") + 1},
    ),
    where={"assignment_id": int, "student_id": int, "version": int},
    values=[*sorted(ANSWER_FIELDS), "updated_at"],
)


def save_analysis(
    *,
    assignment: Assignment,
    student,
    lesson_source_id: int,
    version: int,
    responses: dict[str, str],
    prompt_keys: Iterable[str],
    rating: int | None,
    rating_reason: str,
    done: bool,
) -> Saved:
    """Save the page's analysis. `prompt_keys` are the prompts the page showed: those
    missing from `responses` were emptied; answers to any other prompt are kept."""
    status = SourceAnnotation.Status.DONE if done else SourceAnnotation.Status.IN_PROGRESS
    fields = {
        "rating": rating,
        "rating_reason": rating_reason,
        "status": status,
    }
    now = timezone.now()
    key = {"assignment": assignment, "student": student, "lesson_source_id": lesson_source_id}
    if version == 0:
        try:
            with transaction.atomic():
                SourceAnnotation.objects.create(**key, **fields, responses=responses, version=1)
            return Saved(1, now)
        except IntegrityError:
            # Either another tab saved first (a conflict, below) or a highlight or link
            # made the row at version 0 with no analysis in it yet: fill it in.
            pass
    page = {key: None for key in prompt_keys} | responses
    updated = SAVE_ANALYSIS(
        assignment_id=assignment.pk,
        student_id=student.pk,
        lesson_source_id=lesson_source_id,
        version=version,
        **fields,
        page=page,
        updated_at=now,
    )
    if not updated:
        raise Conflict(SourceAnnotation.objects.filter(**key).first())
    return Saved(version + 1, now)


def _change_marks(
    *,
    assignment,
    student,
    lesson_source_id: int,
    change,
    create: bool = True,
    fields: tuple[str, ...] = ("highlights", "links"),
) -> SourceAnnotation | None:
    """Apply `change(annotation)` to highlights or links (or other `fields`) under a row
    lock.

    Highlights and links are added and removed one at a time, so they need no version
    from the page: two tabs adding highlights both keep theirs.
    """
    key = {"assignment": assignment, "student": student, "lesson_source_id": lesson_source_id}
    with transaction.atomic():
        annotation = SourceAnnotation.objects.select_for_update().filter(**key).first()
        if annotation is None:
            if not create:
                return None
            # Version 0: the analysis itself is still unsaved, so the page's first
            # analysis save (made with version 0) fills this row in without a conflict.
            annotation = SourceAnnotation(**key, version=0)
        change(annotation)
        if annotation.pk is None:
            annotation.save()
        else:
            annotation.save(update_fields=[*fields, "updated_at"])
    return annotation


def add_highlight(*, assignment, student, lesson_source_id, start, end, quote, note, tag) -> dict:
    highlight = {
        "id": secrets.token_hex(4),
        "start": start,
        "end": end,
        "quote": quote,
        "note": note,
        "tag": tag,
    }

    def change(annotation: SourceAnnotation) -> None:
        if len(annotation.highlights) >= HIGHLIGHTS_MAX:
            raise TooManyHighlights(
                ngettext(
                    "A source can have at most %(max)s highlight. Remove one first.",
                    "A source can have at most %(max)s highlights. Remove one first.",
                    HIGHLIGHTS_MAX,
                )
                % {"max": HIGHLIGHTS_MAX}
            )
        annotation.highlights = sorted(
            [*annotation.highlights, highlight], key=lambda h: (h["start"], h["end"])
        )

    _change_marks(
        assignment=assignment, student=student, lesson_source_id=lesson_source_id, change=change
    )
    return highlight


def remove_highlight(*, assignment, student, lesson_source_id, highlight_id: str) -> bool:
    return _remove_mark(
        "highlights",
        highlight_id,
        assignment=assignment,
        student=student,
        lesson_source_id=lesson_source_id,
    )


def _remove_mark(field: str, mark_id: str, *, assignment, student, lesson_source_id) -> bool:
    """Take the highlight or region `mark_id` out of the analysis's `field`; False if it
    was not there (already removed in another tab, or never made)."""
    removed = []

    def change(annotation: SourceAnnotation) -> None:
        marks = getattr(annotation, field)
        kept = [mark for mark in marks if mark.get("id") != mark_id]
        removed.append(len(kept) != len(marks))
        setattr(annotation, field, kept)

    _change_marks(
        assignment=assignment,
        student=student,
        lesson_source_id=lesson_source_id,
        change=change,
        create=False,
        fields=(field,),
    )
    return bool(removed and removed[0])


def set_link(*, assignment, student, lesson_source_id, other_id: int, relation: str, note: str):
    """Link this source to another; linking the same pair again replaces the old link."""

    def change(annotation: SourceAnnotation) -> None:
        others = [link for link in annotation.links if link.get("source") != other_id]
        annotation.links = [*others, {"source": other_id, "relation": relation, "note": note}]

    _change_marks(
        assignment=assignment, student=student, lesson_source_id=lesson_source_id, change=change
    )


def remove_link(*, assignment, student, lesson_source_id, other_id: int) -> bool:
    """False if there was no such link: the page says so rather than "removed"."""
    removed = []

    def change(annotation: SourceAnnotation) -> None:
        kept = [link for link in annotation.links if link.get("source") != other_id]
        removed.append(len(kept) != len(annotation.links))
        annotation.links = kept

    _change_marks(
        assignment=assignment,
        student=student,
        lesson_source_id=lesson_source_id,
        change=change,
        create=False,
    )
    return bool(removed and removed[0])


def save_answer(*, assignment, student, version: int, **fields) -> Saved:
    """Save the answer page. `sections` ({section key: text}, for a lesson whose answer is
    in sections) is laid over what is saved: text kept under a section the page did not
    show stays."""
    now = timezone.now()
    key = {"assignment": assignment, "student": student}
    if version == 0:
        try:
            with transaction.atomic():
                Submission.objects.create(**key, **fields, version=1)
        except IntegrityError:
            raise Conflict(Submission.objects.get(**key)) from None
        return Saved(1, now)
    if fields.keys() != ANSWER_FIELDS:
        if "sections" in fields:
            fields["sections"] = MergedResponses(fields["sections"], "sections")
        updated = (
            Submission.objects.unlocked()
            .filter(**key, version=version)
            .update(**fields, version=F("version") + 1, updated_at=now)
        )
    else:
        updated = SAVE_ANSWER(
            assignment_id=assignment.pk,
            student_id=student.pk,
            version=version,
            **fields,
            updated_at=now,
        )
    if not updated:
        current = Submission.objects.filter(**key).first()
        _raise_if_locked(current)
        raise Conflict(current)
    return Saved(version + 1, now)


def submit(*, assignment, student, version: int) -> Submission:
    """Hand the answer in. Submitting twice (a double click, a resent request) is harmless."""
    now = timezone.now()
    key = {"assignment": assignment, "student": student}
    updated = (
        Submission.objects.unlocked()
        .filter(**key, version=version)
        .update(
            status=Submission.Status.SUBMITTED,
            submitted_at=now,
            revision_allowed=False,
            version=F("version") + 1,
            updated_at=now,
        )
    )
    current = Submission.objects.get(**key)
    if not updated and current.status != Submission.Status.SUBMITTED:
        _raise_if_locked(current)
        raise Conflict(current)
    return current


def commit_prediction(
    *, assignment, student, lesson_source, prediction: str, class_revealed: bool
) -> SourceAnnotation:
    """Keep the student's prediction (or own reading) of a source whose provenance or
    interpretation is hidden from them.

    Predicting and interpreting first: the words are committed and what was hidden is
    revealed at once, for good. Reveal when I say: the student may change their words
    until the teacher reveals the source to the class; after that they stay as they were.
    Under a row lock, so two tabs cannot both commit.
    """

    def change(annotation: SourceAnnotation) -> None:
        if annotation.revealed_at is not None or (
            lesson_source.reveal == Reveal.TEACHER and class_revealed
        ):
            raise AlreadyRevealed(
                _(
                    "Your prediction is already kept and what it was about has been revealed; "
                    "it cannot change now."
                )
            )
        annotation.prediction = prediction
        if lesson_source.reveal in (Reveal.PREDICT, Reveal.INTERPRET):
            annotation.revealed_at = timezone.now()

    annotation = _change_marks(
        assignment=assignment,
        student=student,
        lesson_source_id=lesson_source.pk,
        change=change,
        fields=("prediction", "revealed_at"),
    )
    assert annotation is not None
    return annotation


def add_region(*, assignment, student, lesson_source_id, x, y, w, h, note, tag) -> dict:
    """Mark a rectangle of an image source; x, y, w and h are fractions of its size."""
    region = {
        "id": secrets.token_hex(4),
        "x": round(x, 4),
        "y": round(y, 4),
        "w": round(w, 4),
        "h": round(h, 4),
        "note": note,
        "tag": tag,
    }

    def change(annotation: SourceAnnotation) -> None:
        if len(annotation.regions) >= REGIONS_MAX:
            raise TooManyRegions(
                ngettext(
                    "An image can have at most %(max)s marked region. Remove one first.",
                    "An image can have at most %(max)s marked regions. Remove one first.",
                    REGIONS_MAX,
                )
                % {"max": REGIONS_MAX}
            )
        annotation.regions = sorted([*annotation.regions, region], key=lambda r: (r["y"], r["x"]))

    _change_marks(
        assignment=assignment,
        student=student,
        lesson_source_id=lesson_source_id,
        change=change,
        fields=("regions",),
    )
    return region


def remove_region(*, assignment, student, lesson_source_id, region_id: str) -> bool:
    return _remove_mark(
        "regions",
        region_id,
        assignment=assignment,
        student=student,
        lesson_source_id=lesson_source_id,
    )
