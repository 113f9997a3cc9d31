"""Ticking "finished" never costs a student their words: an unfinished analysis is saved
as it is, and only the claim that it is finished is refused, with the reason beside the
tick box."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from lessons.forms.work import AnalysisForm
from lessons.models import Assignment, Prompt, SourceAnnotation
from tests.lessons.factories import make_assignment

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
OPVL = {
    "response_origin": "A speech by Khrushchev in 1959.",
    "response_purpose": "To reassure the West.",
    "response_value": "Shows the official line.",
    "response_limitation": "Public words, not private aims.",
}
MISSING_THREE = (
    "Not marked finished yet: answer every required prompt first: Purpose, Value, Limitation."
)
NO_RATING = "Not marked finished yet: give the source a reliability rating first."


@pytest.fixture
def assignment(classroom) -> Assignment:
    return make_assignment(classroom)


def source_url(assignment: Assignment, label: str = "A") -> str:
    return reverse("lessons:source_work", args=[assignment.pk, label])


def save(client, assignment, data: dict, **extra):
    return client.post(source_url(assignment), data, **extra)


def saved(student) -> SourceAnnotation | None:
    return SourceAnnotation.objects.filter(student=student).first()


def done_reason(content: str) -> str:
    """The words beside the tick box, where a screen reader is told of them."""
    return unescape(re.search(r'<p [^>]*id="done-reason"[^>]*>(.*?)</p>', content, re.S)[1])


def done_box(content: str) -> str:
    return re.search(r'<input [^>]*name="done"[^>]*>', content)[0]


# --- The form ------------------------------------------------------------------------------


def opvl_prompts() -> list[Prompt]:
    return list(Prompt.objects.filter(framework__slug="opvl").order_by("order"))


def test_the_form_stays_valid_and_says_why_it_is_not_finished():
    form = AnalysisForm(
        {"version": 0, "response_origin": "Moscow", "done": "on"}, prompts=opvl_prompts()
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["done"] is False
    assert form.done_refused == (
        "Not marked finished yet: answer every required prompt first: Purpose, Value, "
        "Limitation; and give the source a reliability rating."
    )


def test_an_optional_prompt_left_empty_does_not_stop_finishing():
    prompts = opvl_prompts()
    prompts[-1].required = False
    data = {"version": 0, **OPVL, "response_limitation": " ", "rating": "3", "done": "on"}
    form = AnalysisForm(data, prompts=prompts)
    assert form.is_valid()
    assert (form.cleaned_data["done"], form.done_refused) == (True, "")


def test_an_unticked_box_is_never_refused():
    form = AnalysisForm({"version": 0}, prompts=opvl_prompts())
    assert form.is_valid()
    assert (form.cleaned_data["done"], form.done_refused) == (False, "")


# --- Saving with the page's script -----------------------------------------------------------


def test_finishing_early_saves_the_text_and_refuses_only_the_flag(
    student_client, assignment, student
):
    data = {"version": 0, "response_origin": "Moscow", "rating": "3", "done": "on"}
    response = save(student_client, assignment, data, **JSON)
    assert response.status_code == 200
    answer = response.json()
    assert (answer["status"], answer["version"]) == ("saved", 1)
    assert answer["saved_at"]
    assert answer["refused"] == {"done": MISSING_THREE}
    assert answer["message"] == MISSING_THREE
    annotation = saved(student)
    assert annotation.responses == {"origin": "Moscow"}
    assert (annotation.rating, annotation.version) == (3, 1)
    assert annotation.status == SourceAnnotation.Status.IN_PROGRESS


def test_finishing_without_a_rating_saves_everything_and_asks_for_the_rating(
    student_client, assignment, student
):
    response = save(student_client, assignment, {"version": 0, **OPVL, "done": "on"}, **JSON)
    assert response.status_code == 200
    assert response.json()["refused"] == {"done": NO_RATING}
    annotation = saved(student)
    assert annotation.responses == {key.removeprefix("response_"): v for key, v in OPVL.items()}
    assert annotation.status == SourceAnnotation.Status.IN_PROGRESS


def test_a_refused_finish_leaves_a_finished_analysis_unfinished(
    student_client, assignment, student
):
    """Emptying a prompt of a finished analysis while the box stays ticked saves the change
    and takes the claim back: what is stored never says finished when it is not."""
    first = save(student_client, assignment, {"version": 0, **OPVL, "rating": "4", "done": "on"})
    assert first.status_code == 302
    assert saved(student).status == SourceAnnotation.Status.DONE
    data = {"version": 1, **OPVL, "response_value": "", "rating": "4", "done": "on"}
    response = save(student_client, assignment, data, **JSON)
    assert response.json()["refused"]["done"].endswith("first: Value.")
    annotation = saved(student)
    assert "value" not in annotation.responses
    assert (annotation.status, annotation.version) == (SourceAnnotation.Status.IN_PROGRESS, 2)


def test_finishing_a_complete_analysis_still_marks_it_done(student_client, assignment, student):
    data = {"version": 0, **OPVL, "rating": "3", "done": "on"}
    response = save(student_client, assignment, data, **JSON)
    assert response.status_code == 200
    assert "refused" not in response.json()
    assert "message" not in response.json()
    assert saved(student).status == SourceAnnotation.Status.DONE


def test_oversized_text_is_still_refused_and_nothing_is_saved(student_client, assignment, student):
    data = {"version": 0, "response_origin": "x" * 5001, "rating": "3", "done": "on"}
    response = save(student_client, assignment, data, **JSON)
    assert response.status_code == 400
    assert response.json()["status"] == "invalid"
    assert response.json()["message"] == (
        "Not saved: Origin: Keep this under 5,000 characters — it is 5,001 now."
    )
    assert saved(student) is None


# --- Saving without JavaScript -----------------------------------------------------------------


def test_without_javascript_finishing_early_saves_and_shows_the_reason_beside_the_box(
    student_client, assignment, student
):
    data = {"version": 0, "response_origin": "Moscow, at the Party congress", "done": "on"}
    response = save(student_client, assignment, data)
    assert response.status_code == 200
    content = response.content.decode()
    reason = (
        "Not marked finished yet: answer every required prompt first: Purpose, Value, "
        "Limitation; and give the source a reliability rating."
    )
    assert done_reason(content) == reason
    assert 'aria-describedby="done-reason"' in done_box(content)
    assert "checked" not in done_box(content)
    assert ">Moscow, at the Party congress</textarea>" in content
    assert re.search(r'<input type="hidden" name="version" value="1"', content)
    assert [str(m) for m in response.context["messages"]] == [f"Your analysis is saved. {reason}"]
    annotation = saved(student)
    assert annotation.responses == {"origin": "Moscow, at the Party congress"}
    assert annotation.status == SourceAnnotation.Status.IN_PROGRESS


def test_without_javascript_the_next_save_after_a_refusal_does_not_conflict(
    student_client, assignment, student
):
    save(student_client, assignment, {"version": 0, "response_origin": "Moscow", "done": "on"})
    response = save(student_client, assignment, {"version": 1, **OPVL, "rating": "2", "done": "on"})
    assert response.status_code == 302
    annotation = saved(student)
    assert (annotation.version, annotation.status) == (2, SourceAnnotation.Status.DONE)


def test_without_javascript_a_finished_analysis_redirects_with_the_box_ticked(
    student_client, assignment, student
):
    data = {"version": 0, **OPVL, "rating": "5", "done": "on"}
    response = save(student_client, assignment, data, follow=True)
    assert response.redirect_chain == [(source_url(assignment), 302)]
    content = response.content.decode()
    assert "checked" in done_box(content)
    assert done_reason(content) == ""


def test_without_javascript_oversized_text_is_refused_and_kept_on_the_page(
    student_client, assignment, student
):
    data = {"version": 0, "response_origin": "y" * 5001, "done": "on"}
    response = save(student_client, assignment, data)
    assert response.status_code == 400
    content = response.content.decode()
    assert "Keep this under 5,000 characters — it is 5,001 now." in content
    assert "y" * 5001 + "</textarea>" in content
    assert saved(student) is None


def test_a_refused_finish_costs_no_more_queries_than_a_save(
    student_client, assignment, student, django_assert_num_queries
):
    SourceAnnotation.objects.create(
        assignment=assignment,
        student=student,
        lesson_source=assignment.lesson.lesson_sources.get(label="A"),
    )
    # 1 session, 2 the student, 3 the assignment, 4 the framework's prompts, 5 the UPDATE.
    with django_assert_num_queries(5):
        response = save(student_client, assignment, {"version": 1, "done": "on"}, **JSON)
    assert response.json()["refused"]["done"].startswith("Not marked finished yet")
