"""Predict, then reveal: what a student may not see of a source until they have written
their own prediction or reading, or until the teacher reveals it to the class.

Hidden means absent from the response, not only from view: each check reads the whole
body the student's browser receives.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lessons.admin import LessonSourceForm
from lessons.models import ClassReveal, Reveal, SourceAnnotation
from lessons.packs import export_lessons, import_lessons
from lessons.services import work
from sources.packs import PackError
from tests.factories import make_student, make_teacher
from tests.lessons.factories import make_assignment, make_classroom, make_lesson
from tests.sources.factories import make_author, make_source

pytestmark = pytest.mark.django_db

AUTHOR = "Zinaida Quillfeather"  # in no template or text but this source's credit
CONTEXT = "Printed in Krokodil for the anniversary of the Geneva summit."
AUDIENCE = "Readers of the satirical magazine, mostly party members"
INTERPRETATION = "The melting snowman shows the thaw: Khrushchev ends the Cold War by warmth."
PROVENANCE_WORDS = (AUTHOR, CONTEXT, AUDIENCE, "Bibliography", "First footnote")


@pytest.fixture
def world(teacher):
    student = make_student("yuri", first_name="Yuri", last_name="Orlov")
    author = make_author(given_names="Zinaida", family_name="Quillfeather")
    source = make_source(
        authors=[author],
        text="A snowman melts in the sun while a smiling man waves his hat.",
        provenance={"context": CONTEXT, "audience": AUDIENCE},
    )
    lesson = make_lesson(published=True)
    lesson_source = lesson.lesson_sources.create(source=source, order=0, label="A")
    classroom = make_classroom(teachers=[teacher], students=[student], name="10Q History")
    assignment = make_assignment(classroom, lesson=lesson)
    return assignment, lesson_source, student


def page(client, assignment, name="source_work", label="A") -> str:
    args = [assignment.pk] if label is None else [assignment.pk, label]
    response = client.get(reverse(f"lessons:{name}", args=args))
    assert response.status_code == 200
    return response.content.decode()


def predict(client, assignment, words, label="A"):
    return client.post(
        reverse("lessons:prediction", args=[assignment.pk, label]), {"prediction": words}
    )


def set_reveal(lesson_source, reveal, interpretation=""):
    lesson_source.reveal = reveal
    lesson_source.interpretation = interpretation
    lesson_source.save()


def test_at_once_shows_the_provenance_and_the_interpretation_as_before(client, world):
    assignment, lesson_source, student = world
    set_reveal(lesson_source, Reveal.AT_ONCE, INTERPRETATION)
    client.force_login(student)
    body = page(client, assignment)
    for words in (*PROVENANCE_WORDS, INTERPRETATION):
        assert words in body
    assert reverse("lessons:prediction", args=[assignment.pk, "A"]) not in body


def test_predict_first_hides_who_when_why_and_whom_until_the_student_commits(client, world):
    assignment, lesson_source, student = world
    set_reveal(lesson_source, Reveal.PREDICT)
    client.force_login(student)
    body = page(client, assignment)
    for words in PROVENANCE_WORDS:
        assert words not in body
    assert "October 1959" not in body  # the source's date
    assert "Keep my prediction and reveal who made it" in body
    bibliography = page(client, assignment, "bibliography", label=None)
    assert "Quillfeather" not in bibliography
    assert "once you have written your prediction" in bibliography

    response = predict(client, assignment, "A Soviet cartoonist, around 1955, to praise him.")
    assert response.status_code == 302
    assert response["Location"].endswith("#prediction")
    body = page(client, assignment)
    for words in PROVENANCE_WORDS:
        assert words in body
    assert "A Soviet cartoonist, around 1955, to praise him." in body
    annotation = SourceAnnotation.objects.get(student=student)
    assert annotation.revealed_at is not None and annotation.version == 0


def test_the_assignment_page_leaves_out_the_date_of_a_source_still_to_predict(client, world):
    assignment, lesson_source, student = world
    set_reveal(lesson_source, Reveal.PREDICT)
    client.force_login(student)
    assert "1959" not in page(client, assignment, "assignment", label=None)
    predict(client, assignment, "A Soviet cartoonist.")
    assert "1959" in page(client, assignment, "assignment", label=None)


def test_interpret_first_hides_only_the_interpretation(client, world):
    assignment, lesson_source, student = world
    set_reveal(lesson_source, Reveal.INTERPRET, INTERPRETATION)
    client.force_login(student)
    body = page(client, assignment)
    assert INTERPRETATION not in body
    assert AUTHOR in body and CONTEXT in body
    predict(client, assignment, "He is melting the Cold War away.")
    body = page(client, assignment)
    assert INTERPRETATION in body and "He is melting the Cold War away." in body


def test_a_committed_prediction_cannot_change(client, world):
    assignment, lesson_source, student = world
    set_reveal(lesson_source, Reveal.PREDICT)
    client.force_login(student)
    predict(client, assignment, "First thoughts.")
    response = predict(client, assignment, "Second thoughts, after seeing the answer.")
    assert response.status_code == 302  # back to the page, with the reason
    assert SourceAnnotation.objects.get(student=student).prediction == "First thoughts."
    refused = client.post(
        reverse("lessons:prediction", args=[assignment.pk, "A"]),
        {"prediction": "Again."},
        HTTP_ACCEPT="application/json",
    )
    assert refused.status_code == 409
    assert "cannot change" in refused.json()["message"]


def test_an_empty_prediction_is_refused_and_the_page_keeps_what_was_typed(client, world):
    assignment, lesson_source, student = world
    set_reveal(lesson_source, Reveal.PREDICT)
    client.force_login(student)
    response = predict(client, assignment, "   ")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Write your prediction first" in body
    assert AUTHOR not in body
    assert not SourceAnnotation.objects.filter(student=student).exists()


def test_a_source_that_hides_nothing_has_nothing_to_predict(client, world):
    assignment, lesson_source, student = world
    client.force_login(student)
    response = predict(client, assignment, "Something.")
    assert response.status_code == 302
    assert not SourceAnnotation.objects.filter(student=student).exists()


def test_reveal_when_i_say_waits_for_the_teacher_and_keeps_predictions_changeable_until(
    client, world, teacher
):
    assignment, lesson_source, student = world
    set_reveal(lesson_source, Reveal.TEACHER, INTERPRETATION)
    client.force_login(student)
    predict(client, assignment, "First guess.")
    predict(client, assignment, "A better guess.")
    body = page(client, assignment)
    for words in (*PROVENANCE_WORDS, INTERPRETATION):
        assert words not in body
    assert "A better guess." in body

    client.force_login(teacher)
    dashboard = client.get(reverse("lessons:dashboard", args=[assignment.pk])).content.decode()
    assert "1 of 1 student predicted before the reveal" in dashboard
    assert "A better guess." in dashboard
    response = client.post(
        reverse("lessons:reveal_to_class", args=[assignment.pk, lesson_source.pk])
    )
    assert response.status_code == 302
    assert ClassReveal.objects.get(assignment=assignment).revealed_by == teacher

    client.force_login(student)
    body = page(client, assignment)
    for words in (*PROVENANCE_WORDS, INTERPRETATION, "A better guess."):
        assert words in body
    predict(client, assignment, "Changed after the reveal.")
    assert SourceAnnotation.objects.get(student=student).prediction == "A better guess."


def test_only_the_class_teacher_can_reveal_and_only_a_source_that_waits_for_them(client, world):
    assignment, lesson_source, student = world
    url = reverse("lessons:reveal_to_class", args=[assignment.pk, lesson_source.pk])
    set_reveal(lesson_source, Reveal.TEACHER)
    for someone in (student, make_teacher("other_teacher")):
        client.force_login(someone)
        assert client.post(url).status_code == 404
    assert client.get(url).status_code == 405
    set_reveal(lesson_source, Reveal.PREDICT)
    client.force_login(assignment.classroom.teachers.get())
    assert client.post(url).status_code == 404
    assert not ClassReveal.objects.exists()


def test_the_review_page_shows_the_prediction_beside_the_work(client, world, teacher):
    assignment, lesson_source, student = world
    set_reveal(lesson_source, Reveal.INTERPRET, INTERPRETATION)
    client.force_login(student)
    predict(client, assignment, "My own reading of the cartoon.")
    client.force_login(teacher)
    review = client.get(reverse("lessons:review", args=[assignment.pk, student.pk]))
    body = review.content.decode()
    assert "Their reading before the interpretation" in body
    assert "My own reading of the cartoon." in body


def test_handed_in_work_shows_everything(client, world):
    assignment, lesson_source, student = world
    set_reveal(lesson_source, Reveal.PREDICT)
    assignment.opens_at = timezone.now() - timedelta(days=3)
    assignment.due_at = timezone.now() - timedelta(hours=1)  # closed, no late work
    assignment.late_work_accepted = False
    assignment.save()
    client.force_login(student)
    body = page(client, assignment)
    assert AUTHOR in body and CONTEXT in body


def test_a_prediction_in_html_is_shown_as_text(client, world, teacher):
    assignment, lesson_source, student = world
    set_reveal(lesson_source, Reveal.PREDICT)
    client.force_login(student)
    predict(client, assignment, "<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in page(client, assignment)
    client.force_login(teacher)
    body = client.get(reverse("lessons:dashboard", args=[assignment.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


# --- Provenance that informs without answering -------------------------------------------


def test_held_back_provenance_appears_once_the_analysis_is_finished(client, world):
    assignment, lesson_source, student = world
    lesson_source.held_back = ["context", "audience"]
    lesson_source.save()
    client.force_login(student)
    body = page(client, assignment)
    assert CONTEXT not in body and AUDIENCE not in body
    assert AUTHOR in body  # who made it is not held back
    assert "appears here once you have finished your analysis" in body

    prompts = [p.key for p in assignment.lesson.framework.prompts.all()]
    work.save_analysis(
        assignment=assignment,
        student=student,
        lesson_source_id=lesson_source.pk,
        version=0,
        responses={key: "My answer." for key in prompts},
        prompt_keys=prompts,
        rating=3,
        rating_reason="Because.",
        done=True,
    )
    body = page(client, assignment)
    assert CONTEXT in body and AUDIENCE in body
    assert "appears here once you have finished" not in body


def test_the_lesson_page_in_the_admin_holds_back_parts_by_checkbox(world):
    _, lesson_source, _ = world
    form = LessonSourceForm(data={"held_back": ["context", "audience"]}, instance=lesson_source)
    assert form.is_valid(), form.errors
    form.save()
    lesson_source.refresh_from_db()
    assert lesson_source.held_back == ["context", "audience"]
    assert not LessonSourceForm(data={"held_back": ["author"]}, instance=lesson_source).is_valid()


def test_a_pack_with_an_unknown_part_to_hold_back_is_refused(world):
    assignment, lesson_source, _ = world
    pack = export_lessons([assignment.lesson])
    pack["lessons"][0]["slug"] = "a-copy"
    pack["lessons"][0]["sources"][0]["held_back"] = ["the answer"]
    with pytest.raises(PackError, match="holds back"):
        import_lessons(pack)


def test_the_pages_json_answers_carry_nothing_hidden_either(client, world):
    assignment, lesson_source, student = world
    set_reveal(lesson_source, Reveal.TEACHER, INTERPRETATION)
    client.force_login(student)
    url = reverse("lessons:highlight_add", args=[assignment.pk, "A"])
    response = client.post(
        url, {"quote": "A snowman melts", "tag": "evidence"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200
    saved = client.post(
        reverse("lessons:source_work", args=[assignment.pk, "A"]),
        {"version": "0", "rating": "3"},
        HTTP_ACCEPT="application/json",
    )
    for body in (response.content.decode(), saved.content.decode()):
        for words in (*PROVENANCE_WORDS, INTERPRETATION):
            assert words not in body


def test_only_reveal_when_i_say_costs_a_query_on_the_source_page(client, world):
    assignment, lesson_source, student = world
    client.force_login(student)
    url = reverse("lessons:source_work", args=[assignment.pk, "A"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    at_once = queries()
    set_reveal(lesson_source, Reveal.PREDICT)
    assert queries() == at_once
    set_reveal(lesson_source, Reveal.TEACHER)
    assert queries() == at_once + 1
