from __future__ import annotations

import pytest
from django.urls import reverse

from lessons.models import Framework, Lesson, LessonSource, source_label
from tests.lessons.factories import add_fact, add_glossary, make_lesson
from tests.sources.factories import make_source

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("index", "label"), [(0, "A"), (1, "B"), (6, "G"), (25, "Z"), (26, "AA"), (27, "AB")]
)
def test_source_labels_run_like_a_textbook(index, label):
    assert source_label(index) == label


def test_unlabelled_sources_get_the_next_free_letters_in_lesson_order():
    lesson = make_lesson()
    first, second, third = make_source(), make_source(), make_source()
    LessonSource.objects.create(lesson=lesson, source=first, order=2)
    LessonSource.objects.create(lesson=lesson, source=second, order=1, label="A")
    LessonSource.objects.create(lesson=lesson, source=third, order=3)
    lesson.assign_labels()
    labels = dict(LessonSource.objects.values_list("source_id", "label"))
    assert labels == {second.pk: "A", first.pk: "B", third.pk: "C"}


def test_a_label_must_be_letters_or_numbers():
    lesson = make_lesson(sources=1)
    lesson_source = lesson.lesson_sources.get()
    lesson_source.label = "<b>"
    with pytest.raises(Exception, match="letters or numbers"):
        lesson_source.full_clean()


def test_a_teacher_builds_a_lesson_on_one_admin_page(teacher_client, teacher):
    sources = [make_source(), make_source()]
    framework = Framework.objects.get(slug="gcse-nop")
    data = {
        "title": "Peaceful coexistence",
        "slug": "peaceful-coexistence",
        "research_question": "Did Khrushchev really want peace?",
        "framework": framework.pk,
        "starter": "Imagine a strict teacher leaves.",
        "introduction": "",
        "published": "on",
        "lesson_sources-TOTAL_FORMS": "2",
        "lesson_sources-INITIAL_FORMS": "0",
        "lesson_sources-0-order": "0",
        "lesson_sources-0-source": sources[0].pk,
        "lesson_sources-0-reveal": "at_once",
        "lesson_sources-0-section": "Primary",
        "lesson_sources-1-order": "1",
        "lesson_sources-1-source": sources[1].pk,
        "lesson_sources-1-reveal": "at_once",
        "lesson_sources-1-section": "Primary",
        "lesson_sources-1-model_rating": "2",
        "lesson_sources-1-model_notes": "Propaganda for a Western audience.",
        "glossary-TOTAL_FORMS": "1",
        "glossary-INITIAL_FORMS": "0",
        "glossary-0-order": "0",
        "glossary-0-term": "summit",
        "glossary-0-definition": "A meeting of the leaders of the great powers.",
        "facts-TOTAL_FORMS": "0",
        "facts-INITIAL_FORMS": "0",
    }
    response = teacher_client.post(reverse("admin:lessons_lesson_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    lesson = Lesson.objects.get(slug="peaceful-coexistence")
    assert lesson.owner == teacher
    assert list(lesson.lesson_sources.values_list("label", "source_id", "model_rating")) == [
        ("A", sources[0].pk, None),
        ("B", sources[1].pk, 2),
    ]
    assert lesson.glossary.get().term == "summit"


def test_the_same_source_twice_in_a_lesson_is_refused(teacher_client):
    source = make_source()
    data = {
        "title": "Twice",
        "slug": "twice",
        "research_question": "Q?",
        "framework": Framework.objects.get(slug="opvl").pk,
        "lesson_sources-TOTAL_FORMS": "2",
        "lesson_sources-INITIAL_FORMS": "0",
        "lesson_sources-0-order": "0",
        "lesson_sources-0-source": source.pk,
        "lesson_sources-0-reveal": "at_once",
        "lesson_sources-1-order": "1",
        "lesson_sources-1-source": source.pk,
        "lesson_sources-1-reveal": "at_once",
        "glossary-TOTAL_FORMS": "0",
        "glossary-INITIAL_FORMS": "0",
        "facts-TOTAL_FORMS": "0",
        "facts-INITIAL_FORMS": "0",
    }
    response = teacher_client.post(reverse("admin:lessons_lesson_add"), data)
    assert response.status_code == 200
    assert "Please correct the duplicate data" in response.content.decode()
    assert not Lesson.objects.filter(slug="twice").exists()


def test_a_student_cannot_reach_the_lesson_admin(student_client):
    response = student_client.get(reverse("admin:lessons_lesson_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_lesson_changelist_links_to_the_student_preview(teacher_client):
    lesson = make_lesson(sources=2)
    html = teacher_client.get(reverse("admin:lessons_lesson_changelist")).content.decode()
    assert reverse("lessons:preview", args=[lesson.slug]) in html
    assert "Preview as a student" in html


# Preview -------------------------------------------------------------------------------


def _preview(lesson):
    return reverse("lessons:preview", args=[lesson.slug])


def test_a_teacher_previews_a_lesson_as_students_will_see_it(teacher_client):
    lesson = make_lesson(sources=3, starter="Imagine a <b>strict</b> teacher leaves.")
    lesson_source = lesson.lesson_sources.first()
    lesson_source.model_notes = "SECRET MODEL JUDGEMENT"
    lesson_source.save()
    add_glossary(lesson, "summit", "A meeting of world leaders.")
    add_fact(lesson, "Khrushchev once banged his shoe.")
    html = teacher_client.get(_preview(lesson)).content.decode()
    assert lesson.research_question in html
    assert "Imagine a &lt;b&gt;strict&lt;/b&gt; teacher leaves." in html
    assert "<dt>summit</dt><dd>A meeting of world leaders.</dd>" in html
    assert "Khrushchev once banged his shoe." in html
    for label in "ABC":
        assert f"Source {label}: " in html
    assert "SECRET MODEL JUDGEMENT" not in html
    assert "Origin" in html and "Limitation" in html


def test_a_draft_lesson_preview_says_it_cannot_be_assigned(teacher_client):
    html = teacher_client.get(_preview(make_lesson(published=False))).content.decode()
    assert "it is a draft and cannot be assigned yet" in html


def test_a_student_cannot_preview_a_lesson(student_client):
    assert student_client.get(_preview(make_lesson())).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in_for_a_preview(client):
    response = client.get(_preview(make_lesson()))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_lesson_is_a_404(teacher_client):
    assert teacher_client.get("/lessons/no-such-lesson/preview/").status_code == 404


def test_the_preview_refuses_post(teacher_client):
    assert teacher_client.post(_preview(make_lesson())).status_code == 405


@pytest.mark.parametrize("sources", [1, 20])
def test_the_preview_query_count_does_not_grow_with_sources(
    teacher_client, django_assert_num_queries, sources
):
    lesson = make_lesson(sources=sources)
    add_glossary(lesson, "summit", "A meeting.")
    add_fact(lesson, "A fact.")
    # session, user, groups (teacher role), user permissions, group permissions, lesson with
    # framework, prompts, glossary, facts, lesson sources, their sources with provenance,
    # credits with authors, themes, interpretations
    with django_assert_num_queries(14):
        response = teacher_client.get(_preview(lesson))
    assert response.content.decode().count('class="source-label') == sources
