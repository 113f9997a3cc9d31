"""`manage.py generate_school`: a made-up school for measuring, never a real one."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from coexist.models import TEACHERS_GROUP, User
from lessons.models import Assignment, Classroom, Enrolment, SourceAnnotation, Submission
from sources.text import anchor_text

pytestmark = pytest.mark.django_db


def test_it_refuses_with_debug_off_unless_forced():
    # Tests run with DEBUG off, as a school's server does.
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("generate_school", "--students", "3")
    assert not User.objects.exists()


def test_it_needs_the_demo_lesson():
    with pytest.raises(CommandError, match="load_demo"):
        call_command("generate_school", "--students", "3", "--force")


@pytest.mark.parametrize(
    "arguments",
    [["--students", "0"], ["--class-size", "0"], ["--highlights", "101"]],
)
def test_it_refuses_numbers_that_make_no_sense(arguments):
    with pytest.raises(CommandError, match="must be"):
        call_command("generate_school", *arguments, "--force")


def test_it_builds_classes_of_students_with_work_quoting_the_sources(capsys):
    call_command("load_demo", "--force")
    students_before = User.objects.count()
    call_command(
        "generate_school",
        "--students=35",
        "--highlights=6",
        "--other-highlights=2",
        "--force",
    )
    generated = Classroom.objects.filter(name__startswith="Generated").order_by("name")
    assert [c.enrolments.count() for c in generated] == [30, 5]
    assert User.objects.count() == students_before + 35 + 1  # and one teacher
    teacher = generated[0].teachers.get()
    assert teacher.groups.filter(name=TEACHERS_GROUP).exists() and teacher.is_staff
    assert not any(
        u.has_usable_password() for u in User.objects.filter(username__startswith="gen-")
    )

    first, second = (Assignment.objects.get(classroom=c) for c in generated)
    sources = first.lesson.lesson_sources.count()
    assert SourceAnnotation.objects.filter(assignment=first).count() == 30 * sources
    assert Submission.objects.filter(assignment=first, status="draft").count() == 30
    assert Enrolment.objects.filter(classroom__in=generated).count() == 35
    counts = {len(a.highlights) for a in SourceAnnotation.objects.filter(assignment=second)}
    assert counts <= {0, 2}
    for annotation in SourceAnnotation.objects.filter(assignment=first).select_related(
        "lesson_source__source"
    ):
        text = anchor_text(annotation.lesson_source.source.text)
        for h in annotation.highlights:
            assert text[h["start"] : h["end"]] == h["quote"]  # real words at real places
    assert "Generated 35 students in 2 classes" in capsys.readouterr().out

    with pytest.raises(CommandError, match="already has a generated school"):
        call_command("generate_school", "--students=3", "--force")
