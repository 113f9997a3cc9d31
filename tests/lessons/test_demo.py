from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from lessons.models import Classroom, Lesson
from lessons.packs import export_lessons, import_lessons
from sources.models import Author, Interpretation, Source

pytestmark = pytest.mark.django_db

REVISION = "khrushchev-and-peaceful-coexistence"
INVESTIGATION = "investigation-soviet-perceptions-of-peaceful-coexistence"


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())


def _outline(lesson: Lesson) -> dict:
    return {
        "framework": lesson.framework.slug,
        "answer_format": getattr(lesson.answer_format, "slug", None),
        "marking_scheme": getattr(lesson.marking_scheme, "slug", None),
        "question": lesson.research_question,
        "sources": [
            (ls.label, ls.section, ls.source.slug)
            for ls in lesson.lesson_sources.select_related("source")
        ],
        "glossary": list(lesson.glossary.values_list("term", flat=True)),
        "facts": lesson.facts.count(),
        "interpretations": sorted(lesson.interpretations.values_list("position", flat=True)),
    }


def test_the_revision_lesson_has_sources_a_to_g_with_the_gcse_framework(demo):
    outline = _outline(Lesson.objects.get(slug=REVISION))
    assert outline["framework"] == "gcse-nop"
    assert (outline["answer_format"], outline["marking_scheme"]) == (None, "gcse-usefulness-8")
    assert [label for label, _, _ in outline["sources"]] == list("ABCDEFG")
    assert outline["sources"][3][2] == "soviet-cartoon-snowman-cold-war"
    assert outline["glossary"] == [
        "summit",
        "destalinisation",
        "co-existence",
        "capitalism",
        "economic aid",
    ]
    assert outline["facts"] == 3


def test_the_investigation_has_eleven_sources_in_four_sections_with_opvl(demo):
    outline = _outline(Lesson.objects.get(slug=INVESTIGATION))
    assert outline["framework"] == "opvl"
    assert outline["answer_format"] == outline["marking_scheme"] == "ib-historical-investigation"
    assert outline["question"].startswith("To what extent did Khrushchev's foreign policy")
    assert len(outline["sources"]) == 11
    sections = list(dict.fromkeys(section for _, section, _ in outline["sources"]))
    assert sections == ["Introductory", "Primary", "Print", "Media and background"]


def test_the_demo_lessons_export_and_import_whole_into_an_empty_instance(demo):
    lessons = list(Lesson.objects.order_by("slug"))
    before = [_outline(lesson) for lesson in lessons]
    pack = json.loads(json.dumps(export_lessons(lessons), default=str))
    Classroom.objects.all().delete()  # the demo class's assignments protect its lessons
    Lesson.objects.all().delete()
    Interpretation.objects.all().delete()
    Source.objects.all().delete()
    Author.objects.all().delete()
    import_lessons(pack)
    assert [_outline(lesson) for lesson in Lesson.objects.order_by("slug")] == before
    assert Source.objects.count() == 18


def test_the_demo_class_has_six_students_both_lessons_and_a_printed_code(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    classroom = Classroom.objects.get(name="10H History")
    assert classroom.teachers.get().username == "teacher"
    assert sorted(classroom.students.values_list("username", flat=True)) == [
        f"student{n}" for n in range(1, 7)
    ]
    assert set(classroom.assignments.values_list("lesson__slug", flat=True)) == {
        REVISION,
        INVESTIGATION,
    }
    assert classroom.display_code in out.getvalue()


def test_demo_work_puts_students_at_different_stages(demo):
    from lessons.models import SourceAnnotation, Submission

    work = Submission.objects.filter(assignment__lesson__slug=REVISION)
    stages = dict(work.values_list("student__username", "status"))
    assert stages == {
        "student1": "submitted",
        "student2": "returned",
        "student3": "draft",
        "student4": "submitted",
    }
    returned = work.get(student__username="student2")
    assert returned.feedback and returned.mark == 6 and returned.versions.count() == 1
    annotations = SourceAnnotation.objects.filter(assignment__lesson__slug=REVISION)
    assert not annotations.filter(student__username="student6").exists()
    assert annotations.filter(student__username="student5").count() == 2
    ratings_of_d = set(
        annotations.filter(lesson_source__label="D").values_list("rating", flat=True)
    )
    assert len(ratings_of_d) >= 3  # the cartoon divides the class


def test_loading_the_demo_again_leaves_the_work_as_it_is(demo, settings):
    from lessons.models import SourceAnnotation, Submission

    theirs = Submission.objects.filter(
        student__username="student1", assignment__lesson__slug=REVISION
    )
    theirs.update(answer="Edited since")
    before = (SourceAnnotation.objects.count(), Submission.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (SourceAnnotation.objects.count(), Submission.objects.count()) == before
    assert theirs.get().answer == "Edited since"


def test_demo_work_is_written_by_the_workflow_a_student_and_teacher_use(demo):
    from lessons.models import SourceAnnotation, Submission

    returned = Submission.objects.get(
        assignment__lesson__slug=REVISION, student__username="student2"
    )
    assert returned.feedback_by.username == "teacher"
    assert returned.returned_by == returned.feedback_by
    assert returned.submitted_at < returned.feedback_at == returned.returned_at
    assert returned.version == 3  # saved, submitted, returned
    kept = returned.versions.get()
    assert (kept.number, kept.answer, kept.feedback) == (1, returned.answer, returned.feedback)
    assert (kept.mark, kept.mark_out_of, kept.returned_at) == (6, 10, returned.returned_at)
    commented = SourceAnnotation.objects.filter(
        assignment=returned.assignment, student=returned.student
    ).exclude(teacher_comment="")
    assert sorted(commented.values_list("lesson_source__label", flat=True)) == ["D", "E"]
    versions = SourceAnnotation.objects.filter(assignment__lesson__slug=REVISION).values_list(
        "version", flat=True
    )
    assert len(versions) == 30 and min(versions) >= 1
