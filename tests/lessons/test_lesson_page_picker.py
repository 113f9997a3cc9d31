"""The library picker on the lesson's own admin page, and "Publish and set for a class":
a lesson built from the library and set for a class without leaving two pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lessons.models import Assignment, Framework, Lesson
from tests.lessons.factories import make_classroom, make_lesson
from tests.sources.factories import make_author, make_source

pytestmark = pytest.mark.django_db

SEARCH = "admin:lessons_lesson_library_search"


def search(client, **params):
    return client.get(reverse(SEARCH), params, HTTP_ACCEPT="application/json")


def new_lesson(**extra) -> dict:
    return {
        "title": "Coexistence at home",
        "slug": "coexistence-at-home",
        "research_question": "How far did coexistence change minds?",
        "framework": Framework.objects.get(slug="opvl").pk,
        **{
            f"{prefix}-{key}": value
            for prefix in ("lesson_sources", "glossary", "facts")
            for key, value in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))
        },
        **extra,
    }


def test_the_search_finds_by_author_and_says_what_is_in_the_lesson(teacher_client, teacher):
    lowe = make_source(title="A revision book", authors=[make_author(family_name="Lowe")])
    make_source(title="Something else")
    lesson = make_lesson(owner=teacher)
    lesson.lesson_sources.create(source=lowe, order=0)
    lesson.assign_labels()
    data = search(teacher_client, q="lowe", lesson=lesson.pk).json()
    assert [r["id"] for r in data["results"]] == [lowe.pk]
    assert data["results"][0]["in_lesson"] == "A"
    assert "Lowe" in data["results"][0]["label"]


def test_bad_filters_are_a_400_with_the_reason_and_a_post_is_405(teacher_client):
    response = search(teacher_client, nature="poem-by-mistake")
    assert response.status_code == 400
    assert "Choose a kind of source" in response.json()["message"]
    assert teacher_client.post(reverse(SEARCH)).status_code == 405


@pytest.mark.parametrize("sources", [2, 20])
def test_the_search_costs_the_same_for_any_number_of_sources(
    teacher_client, django_assert_num_queries, sources
):
    for n in range(sources):
        make_source(title=f"Speech {n}", authors=[make_author(family_name=f"Orator{n}")])
    search(teacher_client)  # warm the session and content types
    with django_assert_num_queries(8):
        assert len(search(teacher_client, q="speech").json()["results"]) == sources


def test_ticked_sources_are_added_in_the_order_ticked_and_unknown_ones_said(
    teacher_client, teacher
):
    first, second = make_source(title="First"), make_source(title="Second")
    response = teacher_client.post(
        reverse("admin:lessons_lesson_add"),
        new_lesson(add_sources=[str(second.pk), str(first.pk), "999999", "nonsense"]),
        follow=True,
    )
    assert response.status_code == 200
    lesson = Lesson.objects.get(slug="coexistence-at-home")
    assert [(ls.label, ls.source_id) for ls in lesson.lesson_sources.order_by("order")] == [
        ("A", second.pk),
        ("B", first.pk),
    ]
    said = [str(m) for m in response.context["messages"]]
    assert any("2 of the ticked sources could not be added" in m for m in said)


def test_publish_and_set_for_a_class_goes_to_the_assignment_with_the_class_chosen(
    teacher_client, teacher
):
    classroom = make_classroom(teachers=[teacher], name="10H History")
    response = teacher_client.post(
        reverse("admin:lessons_lesson_add"), new_lesson(_setforclass="Publish and set for a class")
    )
    lesson = Lesson.objects.get(slug="coexistence-at-home")
    assert lesson.published and lesson.owner == teacher
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:lessons_assignment_add"))
    page = teacher_client.get(response.url)
    form = page.context["adminform"].form
    assert form.initial["lesson"] in (lesson.pk, str(lesson.pk))
    assert form.initial["classroom"] == classroom.pk
    saved = teacher_client.post(
        response.url,
        {
            "classroom": classroom.pk,
            "lesson": lesson.pk,
            "opens_at_0": "2026-12-01",
            "opens_at_1": "09:00:00",
            "late_work_accepted": "on",
            "next": reverse("admin:lessons_lesson_change", args=[lesson.pk]),
        },
    )
    assert saved.status_code == 302
    assert saved.url == reverse("admin:lessons_lesson_change", args=[lesson.pk])
    assert Assignment.objects.filter(lesson=lesson, classroom=classroom).exists()


def test_a_new_lesson_starts_with_the_teachers_usual_framework(teacher_client, teacher):
    make_lesson(owner=teacher, framework="gcse-nop")
    page = teacher_client.get(reverse("admin:lessons_lesson_add"))
    assert (
        page.context["adminform"].form.initial["framework"]
        == Framework.objects.get(slug="gcse-nop").pk
    )


def test_the_picker_is_not_offered_to_a_teacher_who_may_not_change_the_lesson(
    client, teacher, other_teacher
):
    lesson = make_lesson(owner=teacher, published=True)
    client.force_login(other_teacher)
    page = client.get(reverse("admin:lessons_lesson_change", args=[lesson.pk]))
    assert "data-source-picker" not in page.content.decode()
    assert "Set for a class" in page.content.decode()
