"""The short version of a framework: only its core questions (three at most), for a whole
assignment, for chosen students, or for one source such as a one-line quotation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lessons.models import Framework, Prompt, SourceAnnotation, prompts_for
from lessons.services import work
from tests.factories import make_student, make_teacher
from tests.lessons.factories import make_assignment, make_classroom, make_text_lesson

pytestmark = pytest.mark.django_db

QUOTE = "We shall argue with you, but not with weapons."
LONGER = "Peaceful coexistence is competition between two systems, not a truce."


@pytest.fixture
def world(teacher):
    students = [make_student("nadia", last_name="Short"), make_student("oleg", last_name="Full")]
    lesson = make_text_lesson(QUOTE, LONGER, framework="opvl")
    classroom = make_classroom(teachers=[teacher], students=students)
    return make_assignment(classroom, lesson=lesson), students


def labels_on_page(client, assignment, label="A") -> list[str]:
    body = client.get(reverse("lessons:source_work", args=[assignment.pk, label])).content
    body = body.decode()
    return [word for word in ("Origin", "Purpose", "Value", "Limitation") if f">{word}<" in body]


def test_the_shipped_frameworks_each_have_at_most_three_core_questions():
    for framework in Framework.objects.all():
        core = [p.key for p in framework.prompts.all() if p.core]
        assert 1 <= len(core) <= 3, framework.slug
    assert [p.key for p in Prompt.objects.filter(framework__slug="opvl", core=True)] == [
        "origin",
        "purpose",
        "value",
    ]


def test_the_full_version_asks_everything(client, world):
    assignment, (nadia, _) = world
    client.force_login(nadia)
    assert labels_on_page(client, assignment) == ["Origin", "Purpose", "Value", "Limitation"]


def test_a_short_assignment_asks_only_the_core_questions(client, world):
    assignment, (nadia, _) = world
    assignment.short_version = True
    assignment.save()
    client.force_login(nadia)
    assert labels_on_page(client, assignment) == ["Origin", "Purpose", "Value"]


def test_chosen_students_get_the_short_version_and_the_others_do_not(client, world):
    assignment, (nadia, oleg) = world
    assignment.short_for.add(nadia)
    client.force_login(nadia)
    assert labels_on_page(client, assignment) == ["Origin", "Purpose", "Value"]
    client.force_login(oleg)
    assert labels_on_page(client, assignment) == ["Origin", "Purpose", "Value", "Limitation"]


def test_a_source_marked_short_is_short_for_everyone_and_the_others_stay_full(client, world):
    assignment, (nadia, _) = world
    assignment.lesson.lesson_sources.filter(label="A").update(short=True)
    client.force_login(nadia)
    assert labels_on_page(client, assignment, "A") == ["Origin", "Purpose", "Value"]
    assert labels_on_page(client, assignment, "B") == ["Origin", "Purpose", "Value", "Limitation"]


def test_a_short_analysis_can_be_finished_without_the_other_questions(client, world):
    assignment, (nadia, _) = world
    assignment.short_version = True
    assignment.save()
    client.force_login(nadia)
    response = client.post(
        reverse("lessons:source_work", args=[assignment.pk, "A"]),
        {
            "version": "0",
            "response_origin": "Khrushchev, 1959.",
            "response_purpose": "To reassure.",
            "response_value": "His own words.",
            "rating": "3",
            "rating_reason": "Public words.",
            "done": "on",
        },
        HTTP_ACCEPT="application/json",
    )
    assert response.json()["status"] == "saved" and "refused" not in response.json()
    assert SourceAnnotation.objects.get(student=nadia).status == "done"


def test_answers_given_before_the_switch_to_short_are_kept_and_shown(client, world):
    assignment, (nadia, _) = world
    lesson_source = assignment.lesson.lesson_sources.get(label="A")
    work.save_analysis(
        assignment=assignment,
        student=nadia,
        lesson_source_id=lesson_source.pk,
        version=0,
        responses={"limitation": "Only one sentence, out of context."},
        prompt_keys=["limitation"],
        rating=None,
        rating_reason="",
        done=False,
    )
    assignment.short_for.add(nadia)
    client.force_login(nadia)
    body = client.get(reverse("lessons:source_work", args=[assignment.pk, "A"])).content.decode()
    assert "Only one sentence, out of context." in body


def test_a_framework_without_core_questions_has_no_short_version():
    prompts = list(Prompt.objects.filter(framework__slug="opvl"))
    for prompt in prompts:
        prompt.core = False
    assert prompts_for(prompts, short=True) == prompts


def test_the_review_page_shows_the_questions_the_student_was_asked(client, world, teacher):
    assignment, (nadia, _) = world
    assignment.short_for.add(nadia)
    lesson_source = assignment.lesson.lesson_sources.get(label="A")
    work.save_analysis(
        assignment=assignment,
        student=nadia,
        lesson_source_id=lesson_source.pk,
        version=0,
        responses={"origin": "Khrushchev."},
        prompt_keys=["origin"],
        rating=2,
        rating_reason="",
        done=False,
    )
    client.force_login(teacher)
    body = client.get(reverse("lessons:review", args=[assignment.pk, nadia.pk])).content.decode()
    assert "<dt>Purpose</dt>" in body
    assert "<dt>Limitation</dt>" not in body


def admin_framework_data(framework: Framework, core_keys: set[str]) -> dict:
    prompts = list(framework.prompts.all())
    data = {
        "name": framework.name,
        "slug": framework.slug,
        "short_name": framework.short_name,
        "description": framework.description,
        "judgement_prompt": framework.judgement_prompt,
        "prompts-TOTAL_FORMS": str(len(prompts)),
        "prompts-INITIAL_FORMS": str(len(prompts)),
    }
    for i, prompt in enumerate(prompts):
        stem = f"prompts-{i}-"
        data.update(
            {
                f"{stem}id": prompt.pk,
                f"{stem}framework": framework.pk,
                f"{stem}order": prompt.order,
                f"{stem}key": prompt.key,
                f"{stem}label": prompt.label,
                f"{stem}guiding_questions": prompt.guiding_questions,
                f"{stem}sentence_starters": prompt.sentence_starters,
            }
        )
        if prompt.required:
            data[f"{stem}required"] = "on"
        if prompt.key in core_keys:
            data[f"{stem}core"] = "on"
    return data


def test_the_admin_refuses_a_fourth_core_question(teacher_client):
    framework = Framework.objects.get(slug="opvl")
    url = reverse("admin:lessons_framework_change", args=[framework.pk])
    everything = {"origin", "purpose", "value", "limitation"}
    response = teacher_client.post(url, admin_framework_data(framework, everything))
    assert response.status_code == 200
    assert "The short version can ask at most 3 questions" in response.content.decode()
    assert framework.prompts.filter(core=True).count() == 3
    response = teacher_client.post(url, admin_framework_data(framework, {"origin", "limitation"}))
    assert response.status_code == 302
    assert set(framework.prompts.filter(core=True).values_list("key", flat=True)) == {
        "origin",
        "limitation",
    }


def test_the_admin_offers_only_the_teachers_own_students_and_keeps_to_the_class(
    teacher_client, world
):
    assignment, (nadia, _) = world
    stranger = make_student("stranger", last_name="Elsewhere")
    other_teacher = make_teacher("mr_other")
    make_classroom(teachers=[other_teacher], students=[stranger])
    own_other_class_pupil = make_student("elsewhere", last_name="Ownclass")
    make_classroom(teachers=[assignment.classroom.teachers.get()], students=[own_other_class_pupil])
    url = reverse("admin:lessons_assignment_change", args=[assignment.pk])
    page = teacher_client.get(url).content.decode()
    assert "Elsewhere" not in page  # another teacher's student is never listed
    data = {
        "classroom": assignment.classroom.pk,
        "lesson": assignment.lesson.pk,
        "opens_at_0": assignment.opens_at.strftime("%d/%m/%Y"),
        "opens_at_1": assignment.opens_at.strftime("%H:%M:%S"),
        "due_at_0": assignment.due_at.strftime("%d/%m/%Y"),
        "due_at_1": assignment.due_at.strftime("%H:%M:%S"),
        "late_work_accepted": "on",
        "short_for": [own_other_class_pupil.pk],
    }
    response = teacher_client.post(url, data)
    assert response.status_code == 200
    assert "can be given the short version" in response.content.decode()
    data["short_for"] = [nadia.pk]
    response = teacher_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(assignment.short_for.all()) == [nadia]
