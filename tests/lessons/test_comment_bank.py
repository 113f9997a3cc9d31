"""The comment bank keeps what the teacher typed: keeping or removing a bank comment on
the marking page never loses the overall comment, the mark or the per-source comments,
with JavaScript (the bank answers JSON) or without it (the bank buttons send the marking
form, which comes back filled in and saved nowhere)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lessons.models import (
    Assignment,
    CommentBankEntry,
    LessonSource,
    SourceAnnotation,
    Submission,
    SubmissionVersion,
)
from tests.lessons.factories import make_assignment, make_class_assignment, make_lesson

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
BANK_ADD = reverse("lessons:bank_add")


def bank_remove_url(entry: CommentBankEntry) -> str:
    return reverse("lessons:bank_remove", args=[entry.pk])


def review_url(assignment: Assignment, student) -> str:
    return reverse("lessons:review", args=[assignment.pk, student.pk])


def bank_of(teacher) -> list[str]:
    return list(CommentBankEntry.objects.filter(teacher=teacher).values_list("text", flat=True))


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def assignment(classroom) -> Assignment:
    return make_assignment(classroom, lesson=make_lesson(sources=2, published=True))


@pytest.fixture
def annotations(assignment, student) -> list[SourceAnnotation]:
    return [
        SourceAnnotation.objects.create(
            assignment=assignment,
            student=student,
            lesson_source=ls,
            status=SourceAnnotation.Status.DONE,
            responses={"origin": f"About source {ls.label}."},
        )
        for ls in assignment.lesson.lesson_sources.order_by("order")
    ]


@pytest.fixture
def submitted(assignment, student, annotations) -> Submission:
    return Submission.objects.create(
        assignment=assignment,
        student=student,
        status=Submission.Status.SUBMITTED,
        submitted_at=timezone.now(),
        judgement=3,
        answer="Coexistence changed the tone more than the aims.",
    )


@pytest.fixture
def entry(teacher) -> CommentBankEntry:
    return CommentBankEntry.objects.create(teacher=teacher, text="Say who made the source.")


@pytest.fixture
def theirs(other_teacher) -> CommentBankEntry:
    return CommentBankEntry.objects.create(teacher=other_teacher, text="Mr Rossi's own words.")


def typed(annotations) -> dict:
    """What a teacher has typed in the marking form, not yet saved."""
    first, second = annotations
    return {
        "version": "1",
        "show": "all",
        "feedback": "A clear judgement; weigh <the> evidence against it.",
        "mark": "7",
        "mark_out_of": "10",
        f"comment_{first.pk}": "Good on origin.",
        f"comment_{second.pk}": "Who was the audience?",
    }


def assert_submission_untouched(student, annotations) -> None:
    work = Submission.objects.get(student=student)
    assert (work.feedback, work.mark, work.mark_out_of) == ("", None, None)
    assert (work.status, work.version, work.returned_at) == (Submission.Status.SUBMITTED, 1, None)
    assert not SubmissionVersion.objects.exists()
    assert [a.teacher_comment for a in SourceAnnotation.objects.order_by("pk")] == ["", ""]


def assert_typed_is_on_the_page(content: str, annotations) -> None:
    first, second = annotations
    assert (
        '<textarea name="feedback" id="id_feedback"' in content
        and ">A clear judgement; weigh &lt;the&gt; evidence against it.</textarea>" in content
    )
    assert re.search(r'name="mark" id="id_mark"[^>]*value="7"', content)
    assert re.search(r'name="mark_out_of"[^>]*value="10"', content)
    assert re.search(rf'name="comment_{first.pk}"[^>]*>Good on origin.</textarea>', content)
    assert re.search(rf'name="comment_{second.pk}"[^>]*>Who was the audience\?</textarea>', content)
    assert re.search(r'<input type="hidden" name="version" value="1"', content)


def bank_buttons(content: str) -> list[str]:
    return [unescape(b) for b in re.findall(r'data-bank-comment="([^"]*)"', content)]


def bank_text_box(content: str) -> str:
    return re.search(r'<input type="text" name="bank-text"[^>]*>', content)[0]


# --- With JavaScript: the bank answers JSON ---------------------------------------------------


def test_keeping_a_comment_answers_json_with_the_bank_and_changes_nothing_else(
    teacher_client, teacher, other_teacher, assignment, student, submitted, annotations, theirs
):
    response = teacher_client.post(BANK_ADD, {"text": "  Quote   the source. "}, **JSON)
    assert response.status_code == 200
    answer = response.json()
    assert (answer["status"], answer["message"]) == ("saved", "Added to your comment bank.")
    kept = CommentBankEntry.objects.get(teacher=teacher)
    assert answer["entry"] == {"id": kept.pk, "text": "Quote the source."}
    assert bank_buttons(answer["bank_html"]) == ["Quote the source."]
    assert f'name="bank_remove" value="{kept.pk}"' in answer["bank_html"]
    assert 'form="feedback-form"' in answer["bank_html"]
    assert bank_of(teacher) == ["Quote the source."]
    assert bank_of(other_teacher) == ["Mr Rossi's own words."]
    assert_submission_untouched(student, annotations)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "Type the comment to keep."),
        ("z" * 501, "Keep this under 500 characters — it is 501 now."),
    ],
    ids=["empty", "too long"],
)
def test_a_comment_the_bank_cannot_keep_answers_json_in_words(
    teacher_client, teacher, text, message
):
    response = teacher_client.post(BANK_ADD, {"text": text}, **JSON)
    assert response.status_code == 400
    assert response.json() == {
        "status": "invalid",
        "message": message,
        "errors": {"text": [message]},
    }
    assert bank_of(teacher) == []


def test_removing_a_comment_answers_json_with_the_bank_and_changes_nothing_else(
    teacher_client, teacher, assignment, student, submitted, annotations, entry
):
    CommentBankEntry.objects.create(teacher=teacher, text="Date it.")
    response = teacher_client.post(bank_remove_url(entry), **JSON)
    assert response.status_code == 200
    answer = response.json()
    assert (answer["status"], answer["message"]) == ("saved", "Removed from your comment bank.")
    assert bank_buttons(answer["bank_html"]) == ["Date it."]
    assert bank_of(teacher) == ["Date it."]
    assert_submission_untouched(student, annotations)


def test_removing_another_teachers_comment_is_404_in_json_too(
    teacher_client, teacher, other_teacher, theirs, entry
):
    response = teacher_client.post(bank_remove_url(theirs), **JSON)
    assert response.status_code == 404
    answer = response.json()
    assert (answer["status"], answer["message"]) == (
        "gone",
        "That comment is no longer in your bank.",
    )
    assert bank_buttons(answer["bank_html"]) == ["Say who made the source."]
    assert "Mr Rossi" not in answer["bank_html"]
    assert bank_of(other_teacher) == ["Mr Rossi's own words."]


def test_keeping_a_comment_with_json_takes_a_fixed_number_of_queries(
    teacher_client, teacher, django_assert_num_queries
):
    for n in range(20):
        CommentBankEntry.objects.create(teacher=teacher, text=f"Comment {n}.")
    # 1 the session, 2 the teacher, 3 their groups (a teacher?), 4 looking for the
    # comment, 5 a savepoint, 6 keeping it, 7 releasing the savepoint, 8 the bank to show.
    with django_assert_num_queries(8):
        response = teacher_client.post(BANK_ADD, {"text": "Quote it."}, **JSON)
    assert len(bank_buttons(response.json()["bank_html"])) == 21


# --- Without JavaScript: the bank buttons send the marking form ---------------------------------


def test_keep_without_javascript_returns_the_page_with_everything_typed(
    teacher_client, teacher, assignment, student, submitted, annotations, entry
):
    data = {**typed(annotations), "bank-text": "  Date   the source. ", "bank_add": "1"}
    response = teacher_client.post(review_url(assignment, student), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert_typed_is_on_the_page(content, annotations)
    assert messages_of(response) == ["Added to your comment bank."]
    assert bank_buttons(content) == ["Date the source.", "Say who made the source."]
    assert 'value=""' in bank_text_box(content)
    assert bank_of(teacher) == ["Date the source.", "Say who made the source."]
    assert_submission_untouched(student, annotations)


def test_remove_without_javascript_returns_the_page_with_everything_typed(
    teacher_client, teacher, assignment, student, submitted, annotations, entry
):
    data = {**typed(annotations), "bank-text": "Half a thought", "bank_remove": str(entry.pk)}
    response = teacher_client.post(review_url(assignment, student), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert_typed_is_on_the_page(content, annotations)
    assert messages_of(response) == ["Removed from your comment bank."]
    assert bank_buttons(content) == []
    assert 'value="Half a thought"' in bank_text_box(content)
    assert bank_of(teacher) == []
    assert_submission_untouched(student, annotations)


def test_bad_bank_text_without_javascript_is_400_with_a_message_and_keeps_everything(
    teacher_client, teacher, assignment, student, submitted, annotations
):
    data = {**typed(annotations), "bank-text": "z" * 501, "bank_add": "1"}
    response = teacher_client.post(review_url(assignment, student), data)
    assert response.status_code == 400
    content = response.content.decode()
    assert_typed_is_on_the_page(content, annotations)
    message = "Keep this under 500 characters — it is 501 now."
    assert messages_of(response) == [message]
    box = bank_text_box(content)
    assert f'value="{"z" * 501}"' in box
    assert 'aria-invalid="true"' in box
    said = re.search(r'<p id="bank-said"[^>]*>(.*?)</p>', content)[1]
    assert said == message
    assert bank_of(teacher) == []
    assert_submission_untouched(student, annotations)


@pytest.mark.parametrize("which", ["theirs", "nonsense"])
def test_removing_another_teachers_comment_without_javascript_is_404_keeping_everything(
    teacher_client,
    teacher,
    other_teacher,
    assignment,
    student,
    submitted,
    annotations,
    theirs,
    which,
):
    entry_pk = str(theirs.pk) if which == "theirs" else "x1"
    data = {**typed(annotations), "bank_remove": entry_pk}
    response = teacher_client.post(review_url(assignment, student), data)
    assert response.status_code == 404
    content = response.content.decode()
    assert_typed_is_on_the_page(content, annotations)
    assert messages_of(response) == ["That comment is no longer in your bank."]
    assert "Mr Rossi" not in content
    assert bank_of(other_teacher) == ["Mr Rossi's own words."]
    assert_submission_untouched(student, annotations)


def test_the_page_comes_back_at_the_version_it_was_opened_so_a_colleagues_save_is_caught(
    teacher_client, teacher, other_teacher, classroom, assignment, student, submitted, annotations
):
    classroom.teachers.add(other_teacher)
    colleague = Client()
    colleague.force_login(other_teacher)
    colleague.post(
        review_url(assignment, student),
        {"version": "1", "feedback": "Theirs.", "action": "save"},
    )
    data = {**typed(annotations), "bank-text": "Date it.", "bank_add": "1"}
    kept = teacher_client.post(review_url(assignment, student), data)
    assert re.search(r'name="version" value="1"', kept.content.decode())
    saved = teacher_client.post(
        review_url(assignment, student), {**typed(annotations), "action": "return"}
    )
    assert saved.status_code == 409
    assert Submission.objects.get(student=student).feedback == "Theirs."


def test_bank_buttons_work_before_the_answer_is_submitted(
    teacher_client, teacher, assignment, student, annotations
):
    Submission.objects.create(assignment=assignment, student=student, answer="Half an idea")
    data = {**typed(annotations), "bank-text": "Date it.", "bank_add": "1"}
    response = teacher_client.post(review_url(assignment, student), data)
    assert response.status_code == 200
    assert bank_of(teacher) == ["Date it."]
    assert "cannot be marked" not in response.content.decode()


def test_a_student_cannot_use_the_bank_buttons(
    student_client, assignment, student, submitted, annotations, entry
):
    data = {**typed(annotations), "bank-text": "Let me in", "bank_add": "1"}
    assert student_client.post(review_url(assignment, student), data).status_code == 404
    data = {**typed(annotations), "bank_remove": str(entry.pk)}
    assert student_client.post(review_url(assignment, student), data).status_code == 404
    assert list(CommentBankEntry.objects.values_list("text", flat=True)) == [entry.text]


def test_an_anonymous_visitor_is_sent_to_log_in_and_nothing_changes(
    client, assignment, student, submitted, annotations, entry
):
    for url, data in [
        (
            review_url(assignment, student),
            {**typed(annotations), "bank-text": "X", "bank_add": "1"},
        ),
        (review_url(assignment, student), {**typed(annotations), "bank_remove": str(entry.pk)}),
        (BANK_ADD, {"text": "X"}),
        (bank_remove_url(entry), {}),
    ]:
        response = client.post(url, data, **JSON)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    assert list(CommentBankEntry.objects.values_list("text", flat=True)) == [entry.text]


def test_the_bank_urls_take_only_a_post(teacher_client, entry):
    assert teacher_client.get(BANK_ADD).status_code == 405
    assert teacher_client.get(bank_remove_url(entry)).status_code == 405
    assert CommentBankEntry.objects.filter(pk=entry.pk).exists()


# --- Enter in a box never returns the work --------------------------------------------------------


def test_the_first_button_of_the_marking_form_only_saves_and_is_hidden(
    teacher_client, assignment, student, submitted, annotations
):
    content = teacher_client.get(review_url(assignment, student)).content.decode()
    form = content.split('id="feedback-form"')[1]
    first = re.search(r"<button [^>]*>", form)[0]
    assert 'type="submit"' in first
    assert 'name="pressed_enter"' in first
    assert " hidden" in first
    assert 'name="action"' not in first


def test_enter_in_a_box_saves_the_feedback_without_returning_it(
    teacher_client, assignment, student, submitted, annotations
):
    data = {**typed(annotations), "bank-text": "", "pressed_enter": "1"}
    response = teacher_client.post(review_url(assignment, student), data)
    assert response.status_code == 302
    assert response["Location"] == review_url(assignment, student)
    work = Submission.objects.get(student=student)
    assert (work.feedback, work.mark, work.status) == (
        "A clear judgement; weigh <the> evidence against it.",
        7,
        Submission.Status.SUBMITTED,
    )
    assert work.returned_at is None
    assert not SubmissionVersion.objects.exists()


def test_enter_in_the_bank_box_keeps_the_comment_and_saves_nothing_else(
    teacher_client, teacher, assignment, student, submitted, annotations
):
    data = {**typed(annotations), "bank-text": "Date it.", "pressed_enter": "1"}
    response = teacher_client.post(review_url(assignment, student), data)
    assert response.status_code == 200
    assert_typed_is_on_the_page(response.content.decode(), annotations)
    assert bank_of(teacher) == ["Date it."]
    assert_submission_untouched(student, annotations)


# --- What it costs ----------------------------------------------------------------------------


@pytest.mark.parametrize(("sources", "students"), [(1, 1), (12, 30)])
def test_a_bank_change_without_javascript_costs_the_same_whatever_the_class(
    client, teacher, django_assert_num_queries, sources, students
):
    assignment, people = make_class_assignment(teacher, students=students, sources=sources)
    reviewed = people[0]
    SourceAnnotation.objects.bulk_create(
        SourceAnnotation(assignment=assignment, student=reviewed, lesson_source=ls)
        for ls in LessonSource.objects.filter(lesson=assignment.lesson)
    )
    Submission.objects.create(
        assignment=assignment, student=reviewed, status=Submission.Status.SUBMITTED
    )
    for text in ("Say why.", "Quote it."):
        CommentBankEntry.objects.create(teacher=teacher, text=text)
    client.force_login(teacher)
    data = {"version": "1", "feedback": "Typed.", "bank-text": "Date it.", "bank_add": "1"}
    # 1-13 the marking page as it opens (see test_review), 14 looking for the comment,
    # 15 a savepoint, 16 keeping it, 17 releasing the savepoint, 18 the bank to show.
    with django_assert_num_queries(18):
        response = client.post(review_url(assignment, reviewed), data)
    assert bank_buttons(response.content.decode()) == ["Date it.", "Quote it.", "Say why."]
