"""Every autosave endpoint answers JSON the page can show for every error: a body too big
to read, a save with a field missing, a highlight or link that is not there to remove.

The page (static/js/work.js) shows the `message` of any JSON answer that is not a save and
keeps the text where it is; nothing here is saved, and nothing saved before is lost.
"""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from lessons.models import Assignment, SourceAnnotation, Submission
from tests.lessons.factories import make_assignment, make_text_lesson

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
SPEECH = "We say to the capitalist countries: peaceful coexistence is not a truce."
REPLY = "The West answered that coexistence without trust is only a pause."


@pytest.fixture
def assignment(classroom) -> Assignment:
    return make_assignment(classroom, lesson=make_text_lesson(SPEECH, REPLY, "A third."))


def url(name: str, assignment: Assignment, *args) -> str:
    return reverse(f"lessons:{name}", args=[assignment.pk, *args])


def other_pk(assignment: Assignment, label: str = "B") -> int:
    return assignment.lesson.lesson_sources.get(label=label).pk


# Each autosave endpoint with a save that would be valid if it were not too big.
ENDPOINTS = {
    "answer": lambda a: (url("answer", a), {"version": 0, "answer": "Mine."}),
    "analysis": lambda a: (url("source_work", a, "A"), {"version": 0, "response_origin": "x"}),
    "highlight add": lambda a: (url("highlight_add", a, "A"), {"quote": "We say"}),
    "highlight remove": lambda a: (url("highlight_remove", a, "A", "h0"), {}),
    "link add": lambda a: (url("link_add", a, "A"), {"other": other_pk(a), "relation": "agrees"}),
    "link remove": lambda a: (url("link_remove", a, "A", other_pk(a)), {}),
}


def nothing_saved(student) -> bool:
    return not SourceAnnotation.objects.filter(student=student).exists() and not (
        Submission.objects.filter(student=student).exists()
    )


# --- Bodies too big to read -----------------------------------------------------------------


@pytest.fixture
def page_client(student, assignment) -> Client:
    """A client that, like the page, passes the CSRF check: its middleware reads the body
    first, on every endpoint, so that is where a body too big is found."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    client.get(url("answer", assignment))
    client.token = client.cookies["csrftoken"].value
    return client


def page_post(client: Client, address: str, data: dict, **extra):
    return client.post(address, data, HTTP_X_CSRFTOKEN=client.token, **extra)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_an_oversized_save_is_a_413_with_a_message_in_json(
    page_client, assignment, student, settings, endpoint
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    address, data = ENDPOINTS[endpoint](assignment)
    response = page_post(page_client, address, {**data, "note": "x" * 4000}, **JSON)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "bad_request"
    assert body["message"].startswith("Not saved: this is more than the server takes in one go")
    assert "(2.0\xa0KB, 1,000 fields)" in body["message"]
    assert "Your text is still on this page" in body["message"]
    assert nothing_saved(student)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_a_save_with_too_many_fields_is_a_413_with_a_message_in_json(
    page_client, assignment, student, settings, endpoint
):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 20
    address, data = ENDPOINTS[endpoint](assignment)
    extra = {f"field_{n}": "x" for n in range(30)}
    response = page_post(page_client, address, {**data, **extra}, **JSON)
    assert response.status_code == 413
    assert "20 fields" in response.json()["message"]
    assert nothing_saved(student)


def test_an_oversized_save_reaching_the_view_is_json_too(
    student_client, assignment, student, settings
):
    """Without the CSRF check reading it first, the view's own read fails the same way."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    response = student_client.post(
        url("answer", assignment), {"version": 0, "answer": "x" * 4000}, **JSON
    )
    assert response.status_code == 413
    assert response.json()["status"] == "bad_request"
    assert nothing_saved(student)


def test_an_oversized_plain_form_post_gets_the_bad_request_page(
    student_client, assignment, student, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    response = student_client.post(url("answer", assignment), {"version": 0, "answer": "x" * 4000})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert "Something in that request could not be understood" in response.content.decode()
    assert nothing_saved(student)


def test_any_other_unreadable_request_is_a_400_in_json(student_client, assignment):
    response = student_client.post(
        url("answer", assignment), {"version": 0}, HTTP_HOST="not-this-site.example", **JSON
    )
    assert response.status_code == 400
    assert response.json() == {
        "status": "bad_request",
        "message": "Not saved: the server could not read what this page sent. Reload the page.",
    }


def test_a_save_within_the_limit_still_saves(student_client, assignment, student, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    response = student_client.post(
        url("answer", assignment), {"version": 0, "answer": "x" * 500}, **JSON
    )
    assert response.status_code == 200
    assert Submission.objects.get(student=student).answer == "x" * 500


# --- Saves with a field missing -------------------------------------------------------------


MISSING = {
    "answer": (
        lambda a: url("answer", a),
        {"version": 0, "judgement": 3, "interpretation_reason": "Why."},
        "answer",
    ),
    "answer's version": (lambda a: url("answer", a), {"answer": "Mine."}, "version"),
    "analysis version": (
        lambda a: url("source_work", a, "A"),
        {"response_origin": "Moscow"},
        "version",
    ),
    "highlight quote": (lambda a: url("highlight_add", a, "A"), {"tag": "claim"}, "quote"),
    "highlight tag": (lambda a: url("highlight_add", a, "A"), {"quote": "We say"}, "tag"),
    "link source": (lambda a: url("link_add", a, "A"), {"relation": "agrees"}, "other"),
    "link relation": (
        lambda a: url("link_add", a, "A"),
        {"other": "placeholder"},
        "relation",
    ),
}


@pytest.mark.parametrize("case", MISSING, ids=str)
def test_a_save_without_a_field_names_the_missing_field(student_client, assignment, student, case):
    address, data, missing = MISSING[case]
    if data.get("other") == "placeholder":
        data = {**data, "other": other_pk(assignment)}
    response = student_client.post(address(assignment), data, **JSON)
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "invalid"
    said = (
        f"The “{missing}” field is missing from what this page sent. Reload the page and try again."
    )
    assert body["message"] in (said, f"Not saved: {said}")
    assert body["errors"][missing] == [said]
    assert nothing_saved(student)


def test_an_answer_save_without_the_answer_never_empties_the_saved_answer(
    student_client, assignment, student
):
    student_client.post(url("answer", assignment), {"version": 0, "answer": "Kept."}, **JSON)
    response = student_client.post(
        url("answer", assignment), {"version": 1, "judgement": 2}, **JSON
    )
    assert response.status_code == 400
    assert response.json()["message"] == (
        "Not saved: The “answer” field is missing from what this page sent. Reload the page "
        "and try again."
    )
    submission = Submission.objects.get(student=student)
    assert (submission.answer, submission.version, submission.judgement) == ("Kept.", 1, None)


def test_a_plain_form_post_without_the_answer_says_so_on_the_page(
    student_client, assignment, student
):
    response = student_client.post(url("answer", assignment), {"version": 0})
    assert response.status_code == 400
    assert "The “answer” field is missing from what this page sent." in response.content.decode()
    assert nothing_saved(student)


def test_an_analysis_save_keeps_the_answer_to_a_prompt_it_did_not_send(
    student_client, assignment, student
):
    """A prompt the page did not send was not on the page: its saved answer stays. One it
    sent empty was emptied by the student."""
    first = {
        "version": 0,
        "response_origin": "Khrushchev, 1959.",
        "response_purpose": "To reassure.",
    }
    student_client.post(url("source_work", assignment, "A"), first, **JSON)
    response = student_client.post(
        url("source_work", assignment, "A"),
        {"version": 1, "response_purpose": "", "response_value": "Candid."},
        **JSON,
    )
    assert response.status_code == 200
    annotation = SourceAnnotation.objects.get(student=student)
    assert annotation.responses == {"origin": "Khrushchev, 1959.", "value": "Candid."}


def test_a_version_that_is_not_a_number_names_the_field(student_client, assignment, student):
    response = student_client.post(
        url("answer", assignment), {"version": "two", "answer": "Mine."}, **JSON
    )
    assert response.status_code == 400
    assert response.json()["message"] == "Not saved: Version: Enter a whole number."
    assert nothing_saved(student)


# --- Removing what is not there -------------------------------------------------------------


def test_removing_a_link_that_does_not_exist_is_a_404_that_says_so(
    student_client, assignment, student
):
    b, c = other_pk(assignment, "B"), other_pk(assignment, "C")
    student_client.post(url("link_add", assignment, "A"), {"other": b, "relation": "agrees"})
    response = student_client.post(url("link_remove", assignment, "A", c), **JSON)
    assert response.status_code == 404
    body = response.json()
    assert (body["status"], body["message"]) == (
        "not_found",
        "That link was already removed or never existed.",
    )
    assert "Source B</a>" in body["links_html"], "the page's list is sent as it stands"
    assert SourceAnnotation.objects.get(student=student).links == [
        {"source": b, "relation": "agrees", "note": ""}
    ]


def test_removing_a_link_twice_says_the_second_time_it_was_not_there(
    student_client, assignment, student
):
    b = other_pk(assignment, "B")
    student_client.post(url("link_add", assignment, "A"), {"other": b, "relation": "agrees"})
    once = student_client.post(url("link_remove", assignment, "A", b), **JSON)
    twice = student_client.post(url("link_remove", assignment, "A", b), **JSON)
    assert (once.status_code, once.json()["message"]) == (200, "Link removed.")
    assert (twice.status_code, twice.json()["message"]) == (
        404,
        "That link was already removed or never existed.",
    )


def test_removing_a_link_before_any_work_exists_says_it_was_not_there(
    student_client, assignment, student
):
    response = student_client.post(url("link_remove", assignment, "A", other_pk(assignment)))
    assert response.status_code == 302
    messages = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    assert messages == [("error", "That link was already removed or never existed.")]
    assert nothing_saved(student)


def test_a_plain_removal_of_a_missing_link_never_says_link_removed(
    student_client, assignment, student
):
    b = other_pk(assignment, "B")
    link = {"other": b, "relation": "agrees"}
    student_client.post(url("link_add", assignment, "A"), link, **JSON)
    student_client.post(url("link_remove", assignment, "A", b), **JSON)
    response = student_client.post(url("link_remove", assignment, "A", b), follow=True)
    assert response.redirect_chain == [(url("source_work", assignment, "A"), 302)]
    texts = [str(m) for m in response.context["messages"]]
    assert texts == ["That link was already removed or never existed."]
    assert "Link removed." not in response.content.decode()


def test_removing_a_highlight_that_never_existed_is_a_404_that_says_so(
    student_client, assignment, student
):
    response = student_client.post(url("highlight_remove", assignment, "A", "nothere"), **JSON)
    assert response.status_code == 404
    assert response.json()["message"] == "That highlight was already removed or never existed."
    plain = student_client.post(url("highlight_remove", assignment, "A", "nothere"), follow=True)
    assert [str(m) for m in plain.context["messages"]] == [
        "That highlight was already removed or never existed."
    ]


def test_removing_another_students_link_is_not_there_for_you(
    client, assignment, student, other_student, classroom
):
    """Links are per student: another student's removal finds nothing of theirs."""
    classroom.enrolments.create(student=other_student)
    b = other_pk(assignment, "B")
    owner = Client()
    owner.force_login(student)
    owner.post(url("link_add", assignment, "A"), {"other": b, "relation": "agrees"})
    client.force_login(other_student)
    response = client.post(url("link_remove", assignment, "A", b), **JSON)
    assert response.status_code == 404
    assert SourceAnnotation.objects.get(student=student).links != []
