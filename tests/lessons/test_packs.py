from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from lessons.models import Framework, Lesson, LessonSource
from lessons.packs import export_lessons, import_lessons
from sources.models import Author, Interpretation, Source
from sources.packs import PackError
from tests.lessons.factories import add_fact, add_glossary, make_lesson
from tests.sources.factories import make_interpretation

pytestmark = pytest.mark.django_db


def _lesson_with_everything() -> Lesson:
    lesson = make_lesson(sources=3, framework="gcse-nop", starter="Warm up.", published=True)
    add_glossary(lesson, "summit", "A meeting of world leaders.")
    add_fact(lesson, "A fact in our own words.")
    first = lesson.lesson_sources.first()
    first.section, first.model_rating, first.model_notes = "Primary", 2, "One-sided."
    first.save()
    interpretation = make_interpretation(work=first.source)
    lesson.interpretations.add(interpretation)
    return lesson


def _wipe() -> None:
    Lesson.objects.all().delete()
    Interpretation.objects.all().delete()
    Source.objects.all().delete()
    Author.objects.all().delete()


def _snapshot(lesson: Lesson) -> dict:
    return {
        "lesson": (lesson.title, lesson.research_question, lesson.starter, lesson.framework.slug),
        "sources": list(
            LessonSource.objects.filter(lesson=lesson)
            .order_by("order")
            .values_list("label", "source__slug", "section", "model_rating", "model_notes")
        ),
        "glossary": list(lesson.glossary.values_list("term", "definition")),
        "facts": list(lesson.facts.values_list("text", flat=True)),
        "interpretations": list(lesson.interpretations.values_list("position", flat=True)),
        "citations": [ls.source.bibliography_entry() for ls in lesson.lesson_sources.all()],
    }


def test_a_lesson_pack_imports_whole_into_an_empty_library():
    lesson = _lesson_with_everything()
    before = _snapshot(lesson)
    pack = json.loads(json.dumps(export_lessons([lesson]), default=str))
    _wipe()
    report = import_lessons(pack)
    assert report.created["lessons"] == 1
    assert report.created["sources"] == 3
    assert _snapshot(Lesson.objects.get(slug=lesson.slug)) == before


def test_importing_the_same_lesson_pack_twice_changes_nothing():
    lesson = _lesson_with_everything()
    pack = json.loads(json.dumps(export_lessons([lesson]), default=str))
    report = import_lessons(pack)
    assert not report.changed, report.summary()
    assert report.unchanged["lessons"] == 1


def test_an_edited_lesson_in_a_pack_updates_it():
    lesson = _lesson_with_everything()
    pack = json.loads(json.dumps(export_lessons([lesson]), default=str))
    pack["lessons"][0]["facts"].append({"text": "A second fact."})
    report = import_lessons(pack)
    assert report.updated == {"lessons": 1}
    assert lesson.facts.count() == 2


def test_a_framework_the_instance_already_has_is_left_as_it_is():
    lesson = _lesson_with_everything()
    pack = json.loads(json.dumps(export_lessons([lesson]), default=str))
    pack["frameworks"][0]["name"] = "Renamed by another school"
    import_lessons(pack)
    assert Framework.objects.get(slug="gcse-nop").name != "Renamed by another school"


def test_a_bad_record_rolls_back_the_whole_pack_and_is_named():
    lesson = _lesson_with_everything()
    pack = json.loads(json.dumps(export_lessons([lesson]), default=str))
    _wipe()
    pack["lessons"][0]["sources"][1]["source"] = "no-such-source"
    with pytest.raises(PackError, match=f"lesson “{lesson.slug}”: no source “no-such-source”"):
        import_lessons(pack)
    assert not Source.objects.exists()
    assert not Lesson.objects.exists()


def test_a_rating_off_the_scale_is_refused_by_name():
    lesson = _lesson_with_everything()
    pack = json.loads(json.dumps(export_lessons([lesson]), default=str))
    pack["lessons"][0]["sources"][0]["model_rating"] = 9
    with pytest.raises(PackError, match="source 1: model_rating"):
        import_lessons(pack)


def test_the_commands_export_and_import_a_pack(tmp_path):
    lesson = _lesson_with_everything()
    out = io.StringIO()
    call_command("export_lessons", lesson.slug, stdout=out)
    path = tmp_path / "pack.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    _wipe()
    result = io.StringIO()
    call_command("import_lessons", str(path), stdout=result)
    assert "created: " in result.getvalue()
    assert Lesson.objects.get(slug=lesson.slug).lesson_sources.count() == 3


def test_the_export_command_names_an_unknown_slug():
    with pytest.raises(CommandError, match="No lesson with slug: nope"):
        call_command("export_lessons", "nope", stdout=io.StringIO())


def test_the_import_command_explains_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "pack.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="is not valid JSON"):
        call_command("import_lessons", str(path), stdout=io.StringIO())


def test_the_import_command_explains_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Could not read"):
        call_command("import_lessons", str(tmp_path / "missing.json"), stdout=io.StringIO())


def test_the_admin_action_downloads_the_same_pack(teacher_client):
    lesson = _lesson_with_everything()
    response = teacher_client.post(
        reverse("admin:lessons_lesson_changelist"),
        {"action": "download_pack", "_selected_action": [lesson.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{lesson.slug}-pack.json"'
    pack = json.loads(response.content)
    assert pack == json.loads(json.dumps(export_lessons([lesson]), default=str))
