"""Writing the answer to the research question, and handing it in exactly once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from lessons.models import Assignment, LessonSource, SourceAnnotation, Submission
from tests.lessons.factories import make_assignment, make_lesson
from tests.sources.factories import make_interpretation

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
ANSWER = "Coexistence changed the tone of the Cold War more than its aims, as Source A shows."


def url(name: str, assignment: Assignment) -> str:
    return reverse(f"lessons:{name}", args=[assignment.pk])


def source(assignment: Assignment, label: str) -> LessonSource:
    return assignment.lesson.lesson_sources.get(label=label)


def mine(student) -> Submission | None:
    return Submission.objects.filter(student=student).first()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def assignment(classroom) -> Assignment:
    interpretation = make_interpretation(position="A tactic, not a change of aims")
    lesson = make_lesson(sources=2, published=True, interpretations=[interpretation])
    return make_assignment(classroom, lesson=lesson)


@pytest.fixture
def interpretation(assignment):
    return assignment.lesson.interpretations.get()


def draft(assignment, student, **fields) -> Submission:
    fields = {"answer": ANSWER, "judgement": 4, **fields}
    return Submission.objects.create(assignment=assignment, student=student, **fields)


def save_answer(client, assignment, data: dict, **extra):
    return client.post(url("answer", assignment), data, **extra)


# --- Saving the answer ---------------------------------------------------------------------


def test_an_answer_is_saved_with_its_judgement_citations_and_historian(
    student_client, assignment, student, interpretation
):
    a, b = source(assignment, "A"), source(assignment, "B")
    response = save_answer(
        student_client,
        assignment,
        {
            "version": 0,
            "judgement": "4",
            "answer": ANSWER,
            f"cite_{a.pk}": "supports",
            f"cite_{b.pk}": "challenges",
            "preferred_interpretation": interpretation.pk,
            "interpretation_reason": "It explains the Berlin crisis.",
        },
        **JSON,
    )
    assert response.json()["status"] == "saved"
    assert response.json()["version"] == 1
    submission = mine(student)
    assert (submission.judgement, submission.answer) == (4, ANSWER)
    assert submission.cited == {str(a.pk): "supports", str(b.pk): "challenges"}
    assert submission.preferred_interpretation == interpretation
    assert submission.interpretation_reason == "It explains the Berlin crisis."
    assert (submission.status, submission.version) == (Submission.Status.DRAFT, 1)


def test_an_uncited_source_is_left_out_of_the_citations(student_client, assignment, student):
    a, b = source(assignment, "A"), source(assignment, "B")
    data = {"version": 0, "answer": ANSWER, f"cite_{a.pk}": "", f"cite_{b.pk}": "supports"}
    save_answer(student_client, assignment, data, **JSON)
    assert mine(student).cited == {str(b.pk): "supports"}


def test_a_citation_of_a_source_outside_the_lesson_is_ignored(student_client, assignment, student):
    stranger = make_lesson(sources=1, published=True).lesson_sources.get()
    data = {"version": 0, "answer": ANSWER, f"cite_{stranger.pk}": "supports"}
    assert save_answer(student_client, assignment, data, **JSON).status_code == 200
    assert mine(student).cited == {}


def _began(assignment, student, retired) -> int:
    SourceAnnotation.objects.create(assignment=assignment, student=student, lesson_source=retired)
    return 0  # the answer's version


def _cited(assignment, student, retired) -> int:
    draft(assignment, student, cited={str(retired.pk): "challenges"})
    return 1


def _neither(assignment, student, retired) -> int:
    return 0


@pytest.mark.parametrize("extra", [JSON, {}], ids=["autosave", "page"])
@pytest.mark.parametrize(
    ("before_retiring", "kept"),
    [(_began, True), (_cited, True), (_neither, False)],
    ids=["began it", "cited it", "neither"],
)
def test_a_retired_source_stays_citable_only_for_a_student_who_began_or_cited_it(
    student_client, assignment, student, extra, before_retiring, kept
):
    a, b = source(assignment, "A"), source(assignment, "B")
    version = before_retiring(assignment, student, b)
    LessonSource.objects.filter(pk=b.pk).update(retired=True)
    data = {"version": version, "answer": ANSWER, f"cite_{a.pk}": "supports"}
    data[f"cite_{b.pk}"] = "challenges"

    save_answer(student_client, assignment, data, **extra)

    expected = {str(a.pk): "supports"} | ({str(b.pk): "challenges"} if kept else {})
    assert mine(student).cited == expected


def test_a_plain_html_save_redirects_back_with_a_message_and_the_next_version(
    student_client, assignment, student
):
    draft(assignment, student)
    response = save_answer(
        student_client, assignment, {"version": 1, "answer": "Second thoughts."}, follow=True
    )
    assert response.redirect_chain == [(url("answer", assignment), 302)]
    assert messages_of(response) == ["Your answer is saved."]
    assert re.search(r'<input type="hidden" name="version" value="2"', response.content.decode())
    assert (mine(student).answer, mine(student).version) == ("Second thoughts.", 2)


def test_an_interpretation_not_in_the_lesson_is_refused(student_client, assignment, student):
    elsewhere = make_interpretation(position="Coexistence was sincere")
    data = {"version": 0, "answer": ANSWER, "preferred_interpretation": elsewhere.pk}
    response = save_answer(student_client, assignment, data, **JSON)
    assert response.status_code == 400
    assert response.json()["message"] == (
        "Not saved: The historian you find most convincing: "
        "Choose one of the interpretations listed for this lesson."
    )
    assert mine(student) is None


@pytest.mark.parametrize("judgement", ["0", "7", "much"])
def test_a_judgement_off_the_scale_is_refused(student_client, assignment, student, judgement):
    data = {"version": 0, "answer": ANSWER, "judgement": judgement}
    response = save_answer(student_client, assignment, data, **JSON)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "judgement": ["Choose a step on the scale, from “Not at all” to “Completely”."]
    }
    assert mine(student) is None


def test_a_citation_role_that_is_not_supports_or_challenges_is_refused(
    student_client, assignment, student
):
    data = {"version": 0, "answer": ANSWER, f"cite_{source(assignment, 'A').pk}": "ignores"}
    response = save_answer(student_client, assignment, data, **JSON)
    assert response.status_code == 400
    assert "supports or challenges" in response.json()["message"]
    assert mine(student) is None


def test_an_answer_over_20000_characters_is_refused_and_the_text_kept_on_the_page(
    student_client, assignment, student
):
    typed = "word " * 4000 + "over"
    assert len(typed) == 20004
    as_json = save_answer(student_client, assignment, {"version": 0, "answer": typed}, **JSON)
    as_html = save_answer(student_client, assignment, {"version": 0, "answer": typed})
    assert as_json.status_code == 400
    assert "Keep this under 20,000 characters — it is 20,004 now." in as_json.json()["message"]
    assert as_html.status_code == 400
    content = as_html.content.decode()
    assert f">{typed}</textarea>" in content
    assert "Keep this under 20,000 characters" in content
    assert mine(student) is None


def test_an_answer_of_exactly_20000_characters_is_saved(student_client, assignment, student):
    response = save_answer(
        student_client, assignment, {"version": 0, "answer": "x" * 20000}, **JSON
    )
    assert response.status_code == 200
    assert len(mine(student).answer) == 20000


def test_a_stale_version_is_a_conflict_and_overwrites_nothing(student_client, assignment, student):
    draft(assignment, student, version=3, answer="Saved in another tab.")
    response = save_answer(
        student_client, assignment, {"version": 2, "answer": "Typed here.", "judgement": 1}, **JSON
    )
    assert response.status_code == 409
    data = response.json()
    assert (data["status"], data["version"]) == ("conflict", 3)
    assert data["saved"]["answer"] == "Saved in another tab."
    assert (data["saved"]["judgement"], data["saved"]["judgement_label"]) == (
        "4",
        "To a large extent",
    )
    assert (mine(student).answer, mine(student).version) == ("Saved in another tab.", 3)


def test_two_first_saves_from_two_tabs_make_the_second_a_conflict(
    student_client, assignment, student
):
    save_answer(student_client, assignment, {"version": 0, "answer": "Tab one"}, **JSON)
    second = save_answer(student_client, assignment, {"version": 0, "answer": "Tab two"}, **JSON)
    assert second.status_code == 409
    assert second.json()["saved"]["answer"] == "Tab one"
    assert Submission.objects.count() == 1


def test_a_stale_html_save_shows_the_saved_answer_and_keeps_the_typed_one(
    student_client, assignment, student
):
    draft(assignment, student, version=3, answer="Saved in another tab.")
    response = save_answer(student_client, assignment, {"version": 2, "answer": "Typed here."})
    assert response.status_code == 409
    content = response.content.decode()
    assert '<dd class="saved-version">Saved in another tab.</dd>' in content
    assert ">Typed here.</textarea>" in content
    assert re.search(r'<input type="hidden" name="version" value="3"', content)


@pytest.mark.parametrize("sources", [1, 20])
def test_saving_the_answer_takes_six_queries_whatever_the_sources(
    student_client, classroom, student, django_assert_num_queries, sources
):
    assignment = make_assignment(classroom, lesson=make_lesson(sources=sources, published=True))
    draft(assignment, student)
    data = {"version": 1, "answer": ANSWER}
    data.update({f"cite_{ls.pk}": "supports" for ls in assignment.lesson.lesson_sources.all()})
    # 1 session, 2 the student, 3 the assignment with the answer's state, 4 the sources
    # and 5 the interpretations the form validates against (real querysets, no longer
    # ids packed into the assignment's query), 6 the UPDATE guarded by the version.
    with django_assert_num_queries(6):
        response = save_answer(student_client, assignment, data, **JSON)
    assert response.json()["version"] == 2
    assert len(mine(student).cited) == sources
    # Again, now that the answer cites them all (the sources are read with those cited).
    with django_assert_num_queries(6):
        response = save_answer(student_client, assignment, {**data, "version": 2}, **JSON)
    assert response.json()["version"] == 3


# --- The confirmation page -------------------------------------------------------------------


def test_the_confirmation_summarises_the_answer_before_it_is_submitted(
    student_client, assignment, student
):
    a = source(assignment, "A")
    draft(assignment, student, cited={str(a.pk): "supports"}, version=5)
    SourceAnnotation.objects.create(
        assignment=assignment, student=student, lesson_source=a, status="done"
    )
    response = student_client.get(url("submit", assignment))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Your judgement: <strong>To a large extent</strong>" in content
    assert "16 words in your answer" in content
    assert "1 source cited" in content
    assert "1 of 2 sources marked done — <strong>some sources are not finished</strong>" in content
    assert '<input type="hidden" name="version" value="5">' in content
    assert mine(student).status == Submission.Status.DRAFT  # asking is not submitting


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        (None, "Write your answer before submitting it."),
        ({"answer": "  \n "}, "Write your answer before submitting it."),
        ({"judgement": None}, "Choose your judgement on the scale before submitting."),
    ],
)
def test_the_confirmation_lists_what_is_missing(
    student_client, assignment, student, fields, problem
):
    if fields is not None:
        draft(assignment, student, **fields)
    response = student_client.get(url("submit", assignment))
    assert response.status_code == 400
    content = response.content.decode()
    assert f'<p class="mb-0">{problem}</p>' in content
    assert "Yes, submit it" not in content


def test_posting_an_incomplete_answer_does_not_submit_it(student_client, assignment, student):
    draft(assignment, student, judgement=None)
    response = student_client.post(url("submit", assignment), {"version": 1}, follow=True)
    assert response.redirect_chain == [(url("answer", assignment), 302)]
    assert messages_of(response) == ["Choose your judgement on the scale before submitting."]
    assert mine(student).status == Submission.Status.DRAFT


# --- Submitting ------------------------------------------------------------------------------


def test_submitting_hands_the_answer_in_and_returns_to_the_assignment(
    student_client, assignment, student
):
    draft(assignment, student, version=2)
    before = timezone.now()
    response = student_client.post(url("submit", assignment), {"version": 2}, follow=True)
    assert response.redirect_chain == [(url("assignment", assignment), 302)]
    assert messages_of(response) == ["Submitted. Your teacher can now read and mark your work."]
    submission = mine(student)
    assert submission.status == Submission.Status.SUBMITTED
    assert before <= submission.submitted_at <= timezone.now()
    assert submission.version == 3
    assert "Submitted. Your teacher will return it" in response.content.decode()


def test_submitting_again_is_harmless_and_says_it_is_already_submitted(
    student_client, assignment, student
):
    draft(assignment, student)
    student_client.post(url("submit", assignment), {"version": 1}, follow=True)
    first = mine(student).submitted_at
    response = student_client.post(url("submit", assignment), {"version": 1}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(url("answer", assignment), 302)]
    assert messages_of(response) == ["Your answer is already submitted."]
    assert Submission.objects.filter(student=student).count() == 1
    assert mine(student).submitted_at == first


def test_a_stale_version_does_not_submit_and_asks_to_check_again(
    student_client, assignment, student
):
    draft(assignment, student, version=4)
    response = student_client.post(url("submit", assignment), {"version": 3}, follow=True)
    assert response.redirect_chain == [(url("answer", assignment), 302)]
    assert "Your answer changed after you opened the confirmation" in messages_of(response)[0]
    assert (mine(student).status, mine(student).version) == (Submission.Status.DRAFT, 4)


@pytest.mark.parametrize("version", [None, "", "two"])
def test_a_submission_without_a_usable_version_is_refused(
    student_client, assignment, student, version
):
    draft(assignment, student)
    data = {} if version is None else {"version": version}
    response = student_client.post(url("submit", assignment), data, follow=True)
    assert messages_of(response) == ["The form was incomplete. Open the answer page and try again."]
    assert mine(student).status == Submission.Status.DRAFT


def test_after_submitting_the_answer_is_read_only(student_client, assignment, student):
    draft(assignment, student)
    student_client.post(url("submit", assignment), {"version": 1})

    refused = save_answer(student_client, assignment, {"version": 2, "answer": "Later."}, **JSON)
    page = student_client.get(url("answer", assignment)).content.decode()

    assert refused.status_code == 403
    assert "You have submitted this work" in refused.json()["message"]
    assert mine(student).answer == ANSWER
    assert 'id="answer-form"' not in page
    assert f"<p>{ANSWER}</p>" in page
    assert "Your judgement: To a large extent" in page
    assert "It is read-only until your teacher returns it." in page


def past_due(classroom, *, late: bool) -> Assignment:
    now = timezone.now()
    return make_assignment(
        classroom,
        lesson=make_lesson(sources=1, published=True),
        opens_at=now - timedelta(days=10),
        due_at=now - timedelta(days=1),
        late_work_accepted=late,
    )


def test_a_closed_assignment_refuses_the_submission_with_a_message(
    student_client, classroom, student
):
    assignment = past_due(classroom, late=False)
    draft(assignment, student)
    for method in (student_client.get, student_client.post):
        response = method(url("submit", assignment), {"version": 1}, follow=True)
        assert response.redirect_chain == [(url("answer", assignment), 302)]
        assert "This lesson closed at its due date" in messages_of(response)[0]
    assert mine(student).status == Submission.Status.DRAFT


def test_late_work_can_be_submitted_when_the_teacher_accepts_it(student_client, classroom, student):
    assignment = past_due(classroom, late=True)
    draft(assignment, student)
    student_client.post(url("submit", assignment), {"version": 1})
    assert mine(student).status == Submission.Status.SUBMITTED


def test_nothing_is_submitted_before_the_assignment_opens(student_client, classroom, student):
    now = timezone.now()
    assignment = make_assignment(
        classroom,
        lesson=make_lesson(sources=1, published=True),
        opens_at=now + timedelta(days=1),
        due_at=now + timedelta(days=8),
    )
    draft(assignment, student)
    response = student_client.post(url("submit", assignment), {"version": 1}, follow=True)
    assert messages_of(response)[0].startswith("This lesson opens on ")
    assert mine(student).status == Submission.Status.DRAFT


def test_a_returned_answer_with_a_revision_asked_for_can_be_edited_and_resubmitted(
    student_client, assignment, student
):
    draft(
        assignment,
        student,
        status=Submission.Status.RETURNED,
        revision_allowed=True,
        version=3,
        feedback="Use Source B.",
    )
    saved = save_answer(
        student_client,
        assignment,
        {"version": 3, "answer": "Revised, with Source B.", "judgement": 3},
        **JSON,
    )
    assert saved.json()["version"] == 4
    confirmation = student_client.get(url("submit", assignment))
    assert confirmation.status_code == 200
    response = student_client.post(url("submit", assignment), {"version": 4})
    assert response["Location"] == url("assignment", assignment)
    submission = mine(student)
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.revision_allowed is False
    assert submission.answer == "Revised, with Source B."


def test_a_returned_answer_without_a_revision_cannot_be_changed_or_resubmitted(
    student_client, assignment, student
):
    draft(assignment, student, status=Submission.Status.RETURNED, version=3)
    refused = save_answer(student_client, assignment, {"version": 3, "answer": "No."}, **JSON)
    response = student_client.post(url("submit", assignment), {"version": 3}, follow=True)
    assert refused.status_code == 403
    assert "without asking for a revision" in messages_of(response)[0]
    assert (mine(student).status, mine(student).answer) == (Submission.Status.RETURNED, ANSWER)


def test_the_database_refuses_a_second_submission_for_the_same_student(
    assignment, student, other_student
):
    draft(assignment, student)
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(assignment=assignment, student=student, answer="Again")
    draft(assignment, other_student)  # another student's is fine
    assert Submission.objects.count() == 2


@pytest.mark.parametrize("sources", [1, 20])
def test_submitting_takes_six_queries_whatever_the_sources(
    student_client, classroom, student, django_assert_num_queries, sources
):
    assignment = make_assignment(classroom, lesson=make_lesson(sources=sources, published=True))
    draft(
        assignment,
        student,
        cited={str(ls.pk): "supports" for ls in assignment.lesson.lesson_sources.all()},
    )
    # 1 session, 2 the student, 3 the assignment with the answer's state, 4 the answer
    # (is it complete?), 5 the UPDATE guarded by the version, 6 the answer as submitted.
    # The success message travels in a cookie, so it costs nothing.
    with django_assert_num_queries(6):
        response = student_client.post(url("submit", assignment), {"version": 1})
    assert response.status_code == 302
    assert mine(student).status == Submission.Status.SUBMITTED
