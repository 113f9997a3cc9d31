from __future__ import annotations

import pytest

from lessons.models import Framework

pytestmark = pytest.mark.django_db


def test_the_shipped_frameworks_exist_with_their_prompts_in_order():
    prompts = {
        framework.slug: [prompt.key for prompt in framework.prompts.all()]
        for framework in Framework.objects.prefetch_related("prompts")
    }
    assert prompts["opvl"] == ["origin", "purpose", "value", "limitation"]
    assert prompts["gcse-nop"] == ["nature", "origin", "purpose", "content", "usefulness"]
    assert prompts["sheg"] == ["sourcing", "contextualization", "corroboration", "close-reading"]
    assert prompts["soapstone"] == ["speaker", "occasion", "audience", "purpose", "subject", "tone"]
    assert prompts["hipp"] == ["historical-context", "audience", "purpose", "point-of-view"]
    assert prompts["loc-orq"] == ["observe", "reflect", "question"]


def test_every_shipped_prompt_guides_the_student_with_questions_and_starters():
    for framework in Framework.objects.prefetch_related("prompts"):
        assert framework.judgement_prompt, framework.slug
        for prompt in framework.prompts.all():
            assert len(prompt.question_list) >= 3, (framework.slug, prompt.key)
            assert len(prompt.starter_list) >= 2, (framework.slug, prompt.key)


def test_the_gcse_framework_ends_with_a_judgement_of_usefulness():
    framework = Framework.objects.get(slug="gcse-nop")
    assert "useful" in framework.judgement_prompt.lower()
    assert framework.prompts.last().key == "usefulness"


def test_teachers_may_add_and_edit_frameworks(teacher):
    for action in ("add", "change", "view"):
        assert teacher.has_perm(f"lessons.{action}_framework")
        assert teacher.has_perm(f"lessons.{action}_prompt")


def test_students_have_no_lesson_permissions(student):
    assert not student.has_perm("lessons.view_lesson")
    assert not student.has_perm("lessons.change_framework")
