"""Changing the curriculum without touching students' work.

Once students have started a lesson, its framework, its sources and their letters are
locked (the models' `clean` and `delete` say so, naming whose work is at stake). The way
to change such a lesson is to duplicate it; the way to take a source out is to retire
it. Work itself is removed only by deleting that student, class or assignment, and the
admin states first how much goes with it (`work_counts`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lessons.models import (
    Fact,
    GlossaryTerm,
    Lesson,
    LessonSource,
    SourceAnnotation,
    Submission,
)


def _free_slug(slug: str) -> str:
    stem = f"{slug}-copy"[:190]
    candidate, number = stem, 1
    while Lesson.objects.filter(slug=candidate).exists():
        number += 1
        candidate = f"{stem}-{number}"
    return candidate


@transaction.atomic
def duplicate_lesson(*, lesson: Lesson, owner) -> Lesson:
    """A new draft of the lesson, owned by `owner`, with the same sources (letters,
    sections, captions and model judgements), glossary, facts, interpretations and
    framework. Students' work stays with the original."""
    copy = Lesson(
        title=(_("%(title)s (copy)") % {"title": lesson.title})[
            : Lesson._meta.get_field("title").max_length
        ],
        slug=_free_slug(lesson.slug),
        research_question=lesson.research_question,
        starter=lesson.starter,
        introduction=lesson.introduction,
        framework_id=lesson.framework_id,
        published=False,
        owner=owner,
    )
    copy.full_clean()
    copy.save()
    copy.interpretations.set(lesson.interpretations.all())
    LessonSource.objects.bulk_create(
        LessonSource(
            lesson=copy,
            source_id=ls.source_id,
            order=ls.order,
            label=ls.label,
            section=ls.section,
            caption=ls.caption,
            model_rating=ls.model_rating,
            model_notes=ls.model_notes,
            retired=ls.retired,
        )
        for ls in lesson.lesson_sources.order_by("order", "pk")
    )
    GlossaryTerm.objects.bulk_create(
        GlossaryTerm(lesson=copy, term=t.term, definition=t.definition, order=t.order)
        for t in lesson.glossary.all()
    )
    Fact.objects.bulk_create(
        Fact(lesson=copy, text=fact.text, order=fact.order) for fact in lesson.facts.all()
    )
    return copy


@dataclass(frozen=True)
class WorkCounts:
    """How much students' work a deletion takes with it."""

    students: int
    analyses: int
    answers: int
    submitted: int

    def __bool__(self) -> bool:
        return bool(self.analyses or self.answers)

    def sentence(self) -> str:
        """“the work of 3 students: 12 source analyses, 3 answers (2 handed in)”."""

        students = ngettext("%(count)s student", "%(count)s students", self.students) % {
            "count": self.students
        }
        analyses = ngettext(
            "%(count)s source analysis", "%(count)s source analyses", self.analyses
        ) % {"count": self.analyses}
        answers = ngettext("%(count)s answer", "%(count)s answers", self.answers) % {
            "count": self.answers
        }
        # Translators: how many of the answers were handed in (submitted).
        handed_in = ngettext("%(count)s handed in", "%(count)s handed in", self.submitted) % {
            "count": self.submitted
        }
        # Translators: “the work of 3 students: 12 source analyses, 3 answers (2 handed
        # in)”, within a longer sentence (“Erased the account and the work of …”).
        return _("the work of %(students)s: %(analyses)s, %(answers)s (%(handed_in)s)") % {
            "students": students,
            "analyses": analyses,
            "answers": answers,
            "handed_in": handed_in,
        }


def work_counts(*, classrooms=None, assignments=None, students=None) -> WorkCounts:
    """Counts of the annotations and answers that deleting these would delete."""
    where = Q()
    if classrooms is not None:
        where &= Q(assignment__classroom__in=classrooms)
    if assignments is not None:
        where &= Q(assignment__in=assignments)
    if students is not None:
        where &= Q(student__in=students)
    annotations = SourceAnnotation.objects.filter(where)
    submissions = Submission.objects.filter(where)
    people = set(annotations.values_list("student_id", flat=True).distinct())
    people |= set(submissions.values_list("student_id", flat=True).distinct())
    return WorkCounts(
        students=len(people),
        analyses=annotations.count(),
        answers=submissions.count(),
        submitted=submissions.exclude(status=Submission.Status.DRAFT).count(),
    )
