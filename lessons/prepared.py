"""The queries a class's students make on every page and autosave, prepared once per
process (`coexist.prepared`): building their SQL cost Django several times what SQLite
takes to run them. Each returns exactly what the queryset written here returns; the
pages call these instead of building the queryset per request.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, TextField
from django.db.models.functions import Cast

from coexist.prepared import Prepared
from lessons import access
from lessons.models import (
    Assignment,
    Enrolment,
    Fact,
    GlossaryTerm,
    LessonSource,
    Prompt,
    SourceAnnotation,
    Submission,
)
from sources.models import Interpretation, SourceAuthor


def _glossary(*, lesson_id: int):
    return GlossaryTerm.objects.filter(lesson=lesson_id)


def _facts(*, lesson_id: int):
    return Fact.objects.filter(lesson=lesson_id)


def _prompts(*, framework_id: int):
    return Prompt.objects.filter(framework=framework_id)


def _credits(*, source_id: int):
    return (
        SourceAuthor.objects.filter(source=source_id)
        .select_related("author")
        .order_by("order", "pk")
    )


def _lesson_sources(*, lesson_id: int):
    return (
        LessonSource.objects.filter(lesson=lesson_id)
        .select_related("source__provenance")
        .order_by("order", "pk")
    )


def _student_lesson_sources(*, lesson_id: int, assignment_id: int, student_id: int):
    """`LessonSource.objects.for_student` with nothing cited: the current sources and
    the retired ones the student started."""
    return (
        LessonSource.objects.seen_by(lesson=lesson_id, assignment=assignment_id, student=student_id)
        .select_related("source__provenance")
        .order_by("order", "pk")
    )


def _student_source_labels(*, lesson_id: int, assignment_id: int, student_id: int, **cited):
    """`LessonSource.objects.for_student`, also the `cited` ones, with only their labels:
    what an answer's autosave checks its citations against, with no page to draw from the
    sources' text."""
    return (
        LessonSource.objects.seen_by(
            lesson=lesson_id, assignment=assignment_id, student=student_id, also=cited.values()
        )
        .only("label")
        .order_by("order", "pk")
    )


def _statuses(*, assignment_id: int, student_id: int):
    return SourceAnnotation.objects.filter(
        assignment=assignment_id, student=student_id
    ).values_list("lesson_source_id", "status", "revealed_at")


def _annotation(*, assignment_id: int, student_id: int, lesson_source_id: int):
    return SourceAnnotation.objects.filter(
        assignment=assignment_id, student=student_id, lesson_source=lesson_source_id
    )[:1]


def _interpretations(*, lesson_id: int):
    return (
        Interpretation.objects.filter(lessons=lesson_id)
        .distinct()
        .select_related("historian", "work")
    )


def _interpretations_and_chosen(*, lesson_id: int, chosen: int):
    return (
        Interpretation.objects.filter(Q(lessons=lesson_id) | Q(pk=chosen))
        .distinct()
        .select_related("historian", "work")
    )


# --- The teacher's side: the assignment they teach and the class's work on it --------------

_TEACHER_RELATED = ("lesson__framework", "lesson__answer_format", "classroom")


def _any_assignment(*, pk: int):
    return Assignment.objects.filter(pk=pk).select_related(*_TEACHER_RELATED)[:1]


def _taught_assignment(*, pk: int, teacher_id: int):
    return (
        access.assignments_taught_by(teacher_id).filter(pk=pk).select_related(*_TEACHER_RELATED)[:1]
    )


def _class_list(*, classroom_id: int, assignment_id: int):
    given_short = Assignment.short_for.through.objects.filter(
        assignment=assignment_id, user=OuterRef("student")
    )
    return (
        Enrolment.objects.filter(classroom=classroom_id)
        .select_related("student")
        .annotate(short=Exists(given_short))
        .order_by("student__last_name", "student__first_name", "student__username")
    )


def _class_annotations(*, assignment_id: int):
    return (
        SourceAnnotation.objects.filter(assignment=assignment_id)
        .annotate(
            highlights_json=Cast("highlights", TextField()),
            regions_json=Cast("regions", TextField()),
        )
        .values_list(
            "pk",
            "student_id",
            "lesson_source_id",
            "rating",
            "status",
            "prediction",
            "revealed_at",
            "regions_json",
            "highlights_json",
        )
        .order_by()
    )


def _class_submissions(*, assignment_id: int):
    # Not the answers and feedback themselves (up to 20,000 characters each): no row of
    # the dashboard or the exports reads them.
    return Submission.objects.filter(assignment=assignment_id).defer(
        "answer", "interpretation_reason", "feedback"
    )


ANY_ASSIGNMENT = Prepared(_any_assignment, pk=int)
TAUGHT_ASSIGNMENT = Prepared(_taught_assignment, pk=int, teacher_id=int)
CLASS_LIST = Prepared(_class_list, classroom_id=int, assignment_id=int)
CLASS_ANNOTATIONS = Prepared(_class_annotations, assignment_id=int)
CLASS_SUBMISSIONS = Prepared(_class_submissions, assignment_id=int)

GLOSSARY = Prepared(_glossary, lesson_id=int)
FACTS = Prepared(_facts, lesson_id=int)
PROMPTS = Prepared(_prompts, framework_id=int)
CREDITS = Prepared(_credits, source_id=int)
LESSON_SOURCES = Prepared(_lesson_sources, lesson_id=int)
STUDENT_LESSON_SOURCES = Prepared(
    _student_lesson_sources, lesson_id=int, assignment_id=int, student_id=int
)
# One for each number of sources the answer cites (a lesson has a few dozen at most).
STUDENT_SOURCE_LABELS = {
    count: Prepared(
        _student_source_labels,
        lesson_id=int,
        assignment_id=int,
        student_id=int,
        **{f"cited_{i}": int for i in range(count)},
    )
    for count in range(64)
}
STATUSES = Prepared(_statuses, assignment_id=int, student_id=int)
ANNOTATION = Prepared(_annotation, assignment_id=int, student_id=int, lesson_source_id=int)
INTERPRETATIONS = Prepared(_interpretations, lesson_id=int)
INTERPRETATIONS_AND_CHOSEN = Prepared(_interpretations_and_chosen, lesson_id=int, chosen=int)


def student_lesson_sources(assignment, student) -> list[LessonSource]:
    """What `LessonSource.objects.for_student(assignment, student)` returns, with each
    source and its provenance, in the lesson's order."""
    return STUDENT_LESSON_SOURCES(
        lesson_id=assignment.lesson_id, assignment_id=assignment.pk, student_id=student.pk
    )


def student_source_labels(assignment, student, *, also=()) -> list[LessonSource] | None:
    """`LessonSource.objects.for_student(assignment, student, also=also)` with only each
    one's pk and label loaded; None when `also` names more sources than any lesson has."""
    cited = sorted(set(also))
    prepared = STUDENT_SOURCE_LABELS.get(len(cited))
    if prepared is None:
        return None
    return prepared(
        lesson_id=assignment.lesson_id,
        assignment_id=assignment.pk,
        student_id=student.pk,
        **{f"cited_{i}": pk for i, pk in enumerate(cited)},
    )


def interpretations(lesson_id: int, chosen: int | None) -> list[Interpretation]:
    """The lesson's interpretations, and the one the student chose even if the lesson no
    longer offers it, with their historians and works."""
    if chosen is None:
        return INTERPRETATIONS(lesson_id=lesson_id)
    return INTERPRETATIONS_AND_CHOSEN(lesson_id=lesson_id, chosen=chosen)
