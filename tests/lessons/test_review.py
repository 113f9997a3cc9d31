"""Marking one student's work: reading it whole, giving feedback and a mark, returning it
or asking for a revision, never overwriting a colleague, and the comment bank."""

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
    Enrolment,
    LessonSource,
    SourceAnnotation,
    Submission,
    SubmissionVersion,
)
from lessons.services.work import WorkLocked, save_answer, submit
from tests.factories import make_student
from tests.lessons.factories import (
    make_assignment,
    make_class_assignment,
    make_classroom,
    make_lesson,
)
from tests.sources.factories import make_gaddis_interpretation, make_interpretation

pytestmark = pytest.mark.django_db

ANSWER = "Coexistence changed the tone of the Cold War more than its aims."


def review_url(assignment: Assignment, student, show: str | None = None) -> str:
    url = reverse("lessons:review", args=[assignment.pk, student.pk])
    return f"{url}?show={show}" if show else url


def report_url(assignment: Assignment, student) -> str:
    return reverse("lessons:report", args=[assignment.pk, student.pk])


def source(assignment: Assignment, label: str) -> LessonSource:
    return assignment.lesson.lesson_sources.get(label=label)


def answer_of(student) -> Submission:
    return Submission.objects.get(student=student)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def plain(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def version_on_page(content: str) -> int:
    return int(re.search(r'<input type="hidden" name="version" value="(\d+)"', content)[1])


def mark(client, assignment, student, *, action="save", version=None, show=None, **data):
    """Post the marking form as the page would, with the version the page was loaded at."""
    data = {
        "version": answer_of(student).version if version is None else version,
        "feedback": "",
        "mark": "",
        "mark_out_of": "",
        "action": action,
        **data,
    }
    if show:
        data["show"] = show
    return client.post(review_url(assignment, student), data)


@pytest.fixture
def gaddis():
    return make_gaddis_interpretation()


@pytest.fixture
def assignment(classroom, gaddis) -> Assignment:
    lesson = make_lesson(
        sources=2, published=True, title="Peaceful coexistence", interpretations=[gaddis]
    )
    LessonSource.objects.filter(lesson=lesson, label="A").update(model_rating=4)
    return make_assignment(classroom, lesson=lesson)


@pytest.fixture
def annotation(assignment, student) -> SourceAnnotation:
    return SourceAnnotation.objects.create(
        assignment=assignment,
        student=student,
        lesson_source=source(assignment, "A"),
        rating=2,
        rating_reason="He wanted to look peaceful.",
        status=SourceAnnotation.Status.DONE,
        responses={"origin": "Khrushchev, speaking at the UN.", "purpose": "To reassure the West."},
        highlights=[
            {
                "id": "h1",
                "quote": "we shall",
                "start": 0,
                "end": 8,
                "note": "A threat?",
                "tag": "bias",
            }
        ],
        links=[
            {
                "source": source(assignment, "B").pk,
                "relation": "contradicts",
                "note": "B is hostile.",
            }
        ],
    )


@pytest.fixture
def submitted(assignment, student, annotation, gaddis) -> Submission:
    return Submission.objects.create(
        assignment=assignment,
        student=student,
        status=Submission.Status.SUBMITTED,
        submitted_at=timezone.now(),
        judgement=4,
        answer=ANSWER,
        cited={
            str(source(assignment, "A").pk): "supports",
            str(source(assignment, "B").pk): "challenges",
        },
        preferred_interpretation=gaddis,
        interpretation_reason="It explains the Berlin crisis.",
    )


@pytest.fixture
def ada(classroom):
    """A second student, after Sam in the class list."""
    ada = make_student("ada", first_name="Ada", last_name="Archer")
    Enrolment.objects.create(classroom=classroom, student=ada)
    return ada


@pytest.fixture
def co_teacher(classroom, other_teacher):
    classroom.teachers.add(other_teacher)
    return other_teacher


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Who may see it ------------------------------------------------------------------------


def test_another_teachers_assignment_is_404(teacher_client, other_classroom, other_student):
    theirs = make_assignment(other_classroom)
    assert teacher_client.get(review_url(theirs, other_student)).status_code == 404


def test_a_student_who_is_not_in_the_class_is_404(
    teacher_client, teacher, assignment, other_student, other_classroom
):
    assert teacher_client.get(review_url(assignment, other_student)).status_code == 404


def test_a_student_from_another_of_the_teachers_own_classes_is_404(
    teacher_client, teacher, assignment
):
    elsewhere = make_student("zoe", first_name="Zoe")
    make_classroom(teachers=[teacher], students=[elsewhere])
    assert teacher_client.get(review_url(assignment, elsewhere)).status_code == 404


def test_a_student_cannot_open_the_marking_page_even_for_their_own_work(
    student_client, assignment, student, submitted
):
    assert student_client.get(review_url(assignment, student)).status_code == 404
    assert mark(student_client, assignment, student, feedback="Top marks").status_code == 404
    assert answer_of(student).feedback == ""


def test_an_anonymous_visitor_is_sent_to_log_in(client, assignment, student):
    response = client.get(review_url(assignment, student))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={review_url(assignment, student)}"


def test_the_marking_page_refuses_a_put(teacher_client, assignment, student, submitted):
    assert teacher_client.put(review_url(assignment, student)).status_code == 405


# --- What the page shows ---------------------------------------------------------------------


def test_each_source_shows_the_framework_answers_with_a_gap_for_an_unanswered_prompt(
    teacher_client, assignment, student, submitted
):
    content = teacher_client.get(review_url(assignment, student)).content.decode()
    answers = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", content, re.S)
    assert [(label, plain(text)) for label, text in answers] == [
        ("Origin", "Khrushchev, speaking at the UN."),
        ("Purpose", "To reassure the West."),
        ("Value", "(no answer)"),
        ("Limitation", "(no answer)"),
    ]


def test_the_students_rating_stands_beside_the_teachers_model_rating(
    teacher_client, assignment, student, submitted
):
    content = teacher_client.get(review_url(assignment, student)).content.decode()
    rating = plain(re.search(r'<p class="mb-2">Rating:(.*?)</p>', content, re.S)[1])
    assert rating == "2 Mostly unreliable · yours: 4 Mostly reliable"
    assert '<span class="fw-semibold">Why:</span> He wanted to look peaceful.' in content


def test_the_highlights_and_links_are_listed_with_their_notes(
    teacher_client, assignment, student, submitted
):
    content = teacher_client.get(review_url(assignment, student)).content.decode()
    assert '<span class="badge highlight-tag">Bias</span> <q>we shall</q> — A threat?' in content
    assert '<span class="relation">Contradicts</span> Source B: B is hostile.' in content


def test_a_link_to_a_source_outside_the_lesson_is_left_out(
    teacher_client, assignment, student, submitted, annotation
):
    stranger = make_lesson(sources=1).lesson_sources.get()
    annotation.links = [{"source": stranger.pk, "relation": "agrees", "note": "Elsewhere"}]
    annotation.save()
    content = teacher_client.get(review_url(assignment, student)).content.decode()
    assert "Elsewhere" not in content
    assert '<span class="relation">' not in content


def test_a_source_not_started_says_so(teacher_client, assignment, student, submitted):
    content = teacher_client.get(review_url(assignment, student)).content.decode()
    b = source(assignment, "B")
    card = content.split(f'aria-labelledby="work-{b.pk}"')[1].split("</article>")[0]
    assert "Not started." in card


def test_the_answer_shows_its_judgement_the_sources_cited_and_the_interpretation(
    teacher_client, assignment, student, submitted, gaddis
):
    content = teacher_client.get(review_url(assignment, student)).content.decode()
    answer = plain(content.split('id="answer-heading"')[1].split("</section>")[0])
    assert "Judgement: To a large extent · Submitted, submitted" in answer
    assert ANSWER in answer
    assert "12 words" in answer
    assert "Source A — supports the judgement Source B — challenges the judgement" in answer
    assert (
        f"Most convincing: {gaddis.historian.name} — A tactic, not a change of aims "
        "It explains the Berlin crisis." in answer
    )


def test_html_in_the_students_work_is_shown_as_text(
    teacher_client, assignment, student, submitted, annotation
):
    annotation.highlights = [
        {
            "id": "h1",
            "quote": "<b>we</b>",
            "start": 0,
            "end": 2,
            "note": "<img src=x onerror=alert(1)>",
            "tag": "bias",
        }
    ]
    annotation.save()
    Submission.objects.filter(pk=submitted.pk).update(answer="<script>alert(2)</script>")
    content = teacher_client.get(review_url(assignment, student)).content.decode()
    assert "<img src=x" not in content
    assert "&lt;img src=x onerror=alert(1)&gt;" in content
    assert "<q>&lt;b&gt;we&lt;/b&gt;</q>" in content
    assert "<script>alert(2)" not in content
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in content


def test_the_form_starts_from_the_saved_feedback_and_comments(
    teacher_client, assignment, student, submitted, annotation
):
    Submission.objects.filter(pk=submitted.pk).update(
        feedback="Draft thoughts.", mark=6, mark_out_of=20, version=4
    )
    SourceAnnotation.objects.filter(pk=annotation.pk).update(teacher_comment="Who was listening?")
    content = teacher_client.get(review_url(assignment, student)).content.decode()
    assert version_on_page(content) == 4
    assert ">Draft thoughts.</textarea>" in content
    assert re.search(r'name="mark" id="id_mark"[^>]*value="6"', content)
    assert re.search(r'name="mark_out_of"[^>]*value="20"', content)
    assert f'name="comment_{annotation.pk}"' in content
    assert ">Who was listening?</textarea>" in content


def test_a_draft_can_be_read_but_its_marking_form_is_disabled(
    teacher_client, assignment, student, annotation
):
    Submission.objects.create(assignment=assignment, student=student, answer="Half an idea")
    content = teacher_client.get(review_url(assignment, student)).content.decode()
    assert "Not submitted yet: you can read the work so far" in content
    assert "<fieldset disabled>" in content
    assert "Half an idea" in content


# --- Marking --------------------------------------------------------------------------------


def test_saving_stores_the_feedback_and_mark_without_returning_the_work(
    teacher_client, assignment, student, submitted, ada
):
    response = teacher_client.post(
        review_url(assignment, student),
        {
            "version": 1,
            "feedback": "Good start.",
            "mark": "6",
            "mark_out_of": "10",
            "action": "save",
        },
        follow=True,
    )
    assert response.redirect_chain == [(review_url(assignment, student), 302)]  # not the next
    assert messages_of(response) == ["Feedback for Sam saved; not returned yet."]
    work = answer_of(student)
    assert (work.feedback, work.mark, work.mark_out_of) == ("Good start.", 6, 10)
    assert work.status == Submission.Status.SUBMITTED
    assert (work.returned_at, work.returned_by, work.version) == (None, None, 2)
    assert not SubmissionVersion.objects.exists()


def test_returning_marks_the_work_returned_keeps_a_version_and_opens_the_next_student(
    teacher_client, teacher, assignment, student, submitted, annotation, ada
):
    response = mark(
        teacher_client,
        assignment,
        student,
        action="return",
        feedback="Well argued.",
        mark="8",
        mark_out_of="10",
        **{f"comment_{annotation.pk}": "Good on origin."},
    )
    assert response.status_code == 302
    assert response["Location"] == review_url(assignment, ada)
    work = answer_of(student)
    assert work.status == Submission.Status.RETURNED
    assert work.returned_by == teacher
    assert abs(timezone.now() - work.returned_at).total_seconds() < 60
    assert (work.feedback, work.mark, work.mark_out_of, work.revision_allowed) == (
        "Well argued.",
        8,
        10,
        False,
    )
    version = work.versions.get()
    assert (version.number, version.feedback, version.mark, version.mark_out_of) == (
        1,
        "Well argued.",
        8,
        10,
    )
    assert (version.answer, version.judgement, version.returned_at) == (ANSWER, 4, work.returned_at)
    annotation.refresh_from_db()
    assert annotation.teacher_comment == "Good on origin."


def test_returning_the_last_student_stays_on_their_page_with_a_message(
    teacher_client, assignment, student, submitted
):
    response = teacher_client.post(
        review_url(assignment, student),
        {"version": 1, "feedback": "Well argued.", "action": "return"},
        follow=True,
    )
    assert response.redirect_chain == [(review_url(assignment, student), 302)]
    assert messages_of(response) == ["Returned to Sam with your feedback."]
    assert "Returned</span> on" in response.content.decode()
    assert "by Ms Okafor." in plain(response.content.decode())


def test_a_returned_answer_without_a_revision_is_closed_to_the_student(
    teacher_client, assignment, student, submitted
):
    mark(teacher_client, assignment, student, action="return", feedback="Done.")
    with pytest.raises(WorkLocked):
        save_answer(
            assignment=assignment,
            student=student,
            version=answer_of(student).version,
            answer="More",
        )
    assert answer_of(student).answer == ANSWER


def test_asking_for_a_revision_reopens_the_answer_to_the_student(
    teacher_client, assignment, student, submitted
):
    response = teacher_client.post(
        review_url(assignment, student),
        {
            "version": 1,
            "feedback": "Say more about purpose.",
            "mark": "5",
            "mark_out_of": "10",
            "action": "revise",
        },
        follow=True,
    )
    assert messages_of(response) == ["Returned to Sam, who can now revise and resubmit."]
    work = answer_of(student)
    assert (work.status, work.revision_allowed) == (Submission.Status.RETURNED, True)
    assert [v.number for v in work.versions.all()] == [1]
    saved = save_answer(
        assignment=assignment, student=student, version=work.version, answer="Revised."
    )
    resubmitted = submit(assignment=assignment, student=student, version=saved.version)
    assert (resubmitted.status, resubmitted.answer) == (Submission.Status.SUBMITTED, "Revised.")


def test_after_a_resubmission_the_teacher_sees_the_earlier_version_and_its_feedback(
    teacher_client, assignment, student, submitted
):
    mark(
        teacher_client,
        assignment,
        student,
        action="revise",
        feedback="Say more about purpose.",
        mark="5",
        mark_out_of="10",
    )
    saved = save_answer(
        assignment=assignment,
        student=student,
        version=answer_of(student).version,
        answer="Revised.",
    )
    submit(assignment=assignment, student=student, version=saved.version)
    content = teacher_client.get(review_url(assignment, student)).content.decode()
    earlier = content.split('id="versions-heading"')[1].split("</section>")[0]
    assert re.findall(r"<summary[^>]*>Version (\d+)", earlier) == ["1"]
    assert "· mark 5/10" in earlier
    assert f"<p>{ANSWER}</p>" in earlier
    assert "Feedback given:</span> Say more about purpose." in earlier
    answer = content.split('id="answer-heading"')[1].split("</section>")[0]
    assert "<p>Revised.</p>" in answer
    assert "· Submitted, submitted" in plain(answer)
    assert answer_of(student).status == Submission.Status.SUBMITTED


def test_returning_a_resubmission_keeps_it_as_version_two(
    teacher_client, assignment, student, submitted
):
    mark(teacher_client, assignment, student, action="revise", feedback="Say more about purpose.")
    saved = save_answer(
        assignment=assignment,
        student=student,
        version=answer_of(student).version,
        answer="Revised.",
    )
    submit(assignment=assignment, student=student, version=saved.version)
    mark(
        teacher_client,
        assignment,
        student,
        action="return",
        feedback="Much better.",
        mark="9",
        mark_out_of="10",
    )
    versions = list(answer_of(student).versions.values_list("number", "answer", "feedback", "mark"))
    assert versions == [
        (1, ANSWER, "Say more about purpose.", None),
        (2, "Revised.", "Much better.", 9),
    ]
    assert answer_of(student).status == Submission.Status.RETURNED


# --- Refused input ----------------------------------------------------------------------------


def assert_nothing_saved(student, annotation=None) -> None:
    work = answer_of(student)
    assert (work.feedback, work.mark, work.mark_out_of) == ("", None, None)
    assert (work.status, work.version, work.returned_at) == (Submission.Status.SUBMITTED, 1, None)
    assert not SubmissionVersion.objects.exists()
    if annotation is not None:
        annotation.refresh_from_db()
        assert annotation.teacher_comment == ""


@pytest.mark.parametrize(
    ("marks", "message"),
    [
        ({"mark": "12", "mark_out_of": "10"}, "The mark cannot be more than the maximum (10)."),
        ({"mark": "7", "mark_out_of": ""}, "Say what the mark is out of."),
        ({"mark": "abc", "mark_out_of": "10"}, "Give the mark as a whole number, e.g. 7."),
        ({"mark": "-1", "mark_out_of": "10"}, "Ensure this value is greater than or equal to 0."),
        ({"mark": "5", "mark_out_of": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"mark": "5", "mark_out_of": "ten"}, "Give the maximum as a whole number, e.g. 10."),
        (
            {"mark": "1001", "mark_out_of": "1000"},
            "Ensure this value is less than or equal to 1000.",
        ),
    ],
)
def test_a_mark_that_makes_no_sense_is_refused_and_nothing_is_saved(
    teacher_client, assignment, student, submitted, annotation, marks, message
):
    response = mark(
        teacher_client,
        assignment,
        student,
        action="return",
        feedback="Careful work.",
        **marks,
        **{f"comment_{annotation.pk}": "Good on origin."},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert f'<div class="col-12 invalid-feedback d-block mt-0">{message}</div>' in content
    assert ">Careful work.</textarea>" in content
    assert ">Good on origin.</textarea>" in content
    assert_nothing_saved(student, annotation)


def test_feedback_over_ten_thousand_characters_is_refused_and_kept_on_the_page(
    teacher_client, assignment, student, submitted
):
    long = "Detailed. " * 1000 + "x"
    response = mark(teacher_client, assignment, student, action="return", feedback=long)
    assert response.status_code == 400
    content = response.content.decode()
    assert "Keep this under 10,000 characters — it is 10,001 now." in content
    assert f">{long}</textarea>" in content
    assert_nothing_saved(student)


def test_feedback_of_exactly_ten_thousand_characters_is_accepted(
    teacher_client, assignment, student, submitted
):
    exactly = "Detailed. " * 1000
    assert mark(teacher_client, assignment, student, feedback=exactly).status_code == 302
    assert len(answer_of(student).feedback) == 10000


def test_feedback_the_textarea_allowed_is_not_refused_for_its_line_breaks(
    teacher_client, assignment, student, submitted
):
    # 10,000 characters in the browser's count (a line break is one), 10,001 as sent.
    typed = "a" * 5000 + "\r\n" + "b" * 4999
    assert mark(teacher_client, assignment, student, feedback=typed).status_code == 302


def test_a_comment_on_a_source_over_three_thousand_characters_is_refused(
    teacher_client, assignment, student, submitted, annotation
):
    response = mark(
        teacher_client,
        assignment,
        student,
        action="return",
        feedback="Fine.",
        **{f"comment_{annotation.pk}": "y" * 3001},
    )
    assert response.status_code == 400
    assert "Keep this under 3,000 characters — it is 3,001 now." in response.content.decode()
    assert_nothing_saved(student, annotation)


def test_an_archived_class_is_read_only_and_a_refused_mark_keeps_what_was_typed(
    teacher_client, assignment, student, submitted, annotation
):
    assignment.classroom.archived = True
    assignment.classroom.save()
    content = teacher_client.get(review_url(assignment, student)).content.decode()
    assert "This class is archived, so its work is kept read-only." in content
    assert "<fieldset disabled>" in content
    assert ANSWER in unescape(content)

    response = mark(
        teacher_client,
        assignment,
        student,
        action="return",
        feedback="Typed before anyone archived the class",
        mark="7",
        mark_out_of="10",
        **{f"comment_{annotation.pk}": "A per-source comment"},
    )
    assert response.status_code == 409
    assert messages_of(response) == [
        "This class is archived, so its work is kept read-only. Unarchive the class in the "
        "admin to mark it again."
    ]
    content = unescape(response.content.decode())
    assert "Typed before anyone archived the class</textarea>" in content
    assert "A per-source comment</textarea>" in content
    work = answer_of(student)
    assert (work.status, work.feedback, work.mark, work.version) == (
        Submission.Status.SUBMITTED,
        "",
        None,
        submitted.version,
    )


def test_a_draft_cannot_be_marked(teacher_client, assignment, student, annotation):
    Submission.objects.create(assignment=assignment, student=student, answer="Half an idea")
    response = mark(
        teacher_client,
        assignment,
        student,
        action="return",
        feedback="Too soon",
        mark="3",
        mark_out_of="10",
    )
    assert response.status_code == 409
    assert messages_of(response) == [
        "This answer has not been submitted yet, so it cannot be marked."
    ]
    work = answer_of(student)
    assert (work.status, work.feedback, work.mark, work.version) == (
        Submission.Status.DRAFT,
        "",
        None,
        1,
    )
    assert not SubmissionVersion.objects.exists()


def test_work_with_no_answer_at_all_cannot_be_marked(
    teacher_client, assignment, student, annotation
):
    response = mark(
        teacher_client, assignment, student, action="return", version=0, feedback="Too soon"
    )
    assert response.status_code == 409
    assert (
        "This answer has not been submitted yet, so it cannot be marked."
        in response.content.decode()
    )
    assert not Submission.objects.exists()
    annotation.refresh_from_db()
    assert annotation.teacher_comment == ""


# --- Two teachers at once ---------------------------------------------------------------------


def test_a_colleague_who_returned_first_is_never_overwritten_silently(
    teacher_client, assignment, student, submitted, co_teacher
):
    colleague = client_for(co_teacher)
    mine = version_on_page(teacher_client.get(review_url(assignment, student)).content.decode())
    theirs = version_on_page(colleague.get(review_url(assignment, student)).content.decode())
    assert mine == theirs == 1
    mark(
        teacher_client,
        assignment,
        student,
        action="return",
        version=mine,
        feedback="Well argued.",
        mark="8",
        mark_out_of="10",
    )

    response = mark(
        colleague,
        assignment,
        student,
        action="return",
        version=theirs,
        feedback="Needs more on purpose.",
        mark="5",
        mark_out_of="10",
    )

    assert response.status_code == 409
    content = response.content.decode()
    warning = plain(
        content.split('class="alert alert-warning" role="alert">')[1].split("</div>")[0]
    )
    assert warning.startswith("Ms Okafor saved feedback on this answer at")
    assert "Their feedback: “Well argued.”; mark 8/10; returned." in warning
    assert ">Needs more on purpose.</textarea>" in content
    assert version_on_page(content) == 2
    work = answer_of(student)
    assert (work.feedback, work.mark, work.returned_by.username) == ("Well argued.", 8, "ms_okafor")
    assert [v.feedback for v in work.versions.all()] == ["Well argued."]


def test_after_a_conflict_posting_again_replaces_the_colleagues_feedback(
    teacher_client, assignment, student, submitted, co_teacher
):
    colleague = client_for(co_teacher)
    mark(teacher_client, assignment, student, action="return", version=1, feedback="Well argued.")
    conflict = mark(
        colleague,
        assignment,
        student,
        action="return",
        version=1,
        feedback="Needs more on purpose.",
    )
    again = mark(
        colleague,
        assignment,
        student,
        action="return",
        version=version_on_page(conflict.content.decode()),
        feedback="Needs more on purpose.",
    )
    assert again.status_code == 302
    work = answer_of(student)
    assert (work.feedback, work.returned_by, work.version) == (
        "Needs more on purpose.",
        co_teacher,
        3,
    )
    assert [v.feedback for v in work.versions.all()] == ["Well argued.", "Needs more on purpose."]


def test_a_conflict_names_the_colleague_who_just_saved_not_whoever_returned_it_before(
    teacher_client, teacher, assignment, student, submitted, co_teacher
):
    mark(teacher_client, assignment, student, action="revise", feedback="Say more.")
    saved = save_answer(
        assignment=assignment,
        student=student,
        version=answer_of(student).version,
        answer="Revised.",
    )
    opened = submit(assignment=assignment, student=student, version=saved.version).version
    mark(
        client_for(co_teacher),
        assignment,
        student,
        action="save",
        version=opened,
        feedback="Better now.",
    )

    response = mark(
        teacher_client, assignment, student, action="return", version=opened, feedback="Mine."
    )

    assert response.status_code == 409
    warning = plain(response.content.decode().split('role="alert">')[1].split("</div>")[0])
    assert warning.startswith("Mr Rossi saved feedback")


# --- The next student ------------------------------------------------------------------------


@pytest.fixture
def marking_round(teacher):
    """Ada, Cat and Eve have submitted; Ben is working; Dan's work is returned."""
    people = {
        name: make_student(name.lower(), first_name=name, last_name=surname)
        for name, surname in [
            ("Ada", "Archer"),
            ("Ben", "Baker"),
            ("Cat", "Clark"),
            ("Dan", "Dunn"),
            ("Eve", "Evans"),
        ]
    }
    classroom = make_classroom(teachers=[teacher], students=people.values())
    assignment = make_assignment(classroom)
    for name in ("Ada", "Cat", "Eve"):
        Submission.objects.create(assignment=assignment, student=people[name], status="submitted")
    SourceAnnotation.objects.create(
        assignment=assignment, student=people["Ben"], lesson_source=source(assignment, "A")
    )
    Submission.objects.create(assignment=assignment, student=people["Dan"], status="returned")
    return assignment, people


def neighbours(content: str) -> tuple[str | None, str | None]:
    previous = re.search(r'rel="prev" href="([^"]+)">← ([^<]+)</a>', content)
    following = re.search(r'rel="next" href="([^"]+)">([^<]+) →</a>', content)
    return (previous and previous[2], following and following[2])


def test_with_the_to_mark_filter_previous_and_next_skip_students_at_other_stages(
    teacher_client, marking_round
):
    assignment, people = marking_round
    content = teacher_client.get(review_url(assignment, people["Cat"], "to_mark")).content.decode()
    assert neighbours(content) == ("Ada Archer", "Eve Evans")
    assert f'rel="next" href="{review_url(assignment, people["Eve"], "to_mark")}"' in content
    assert "student 2 of 3 (to mark)" in content


def test_without_a_filter_previous_and_next_go_through_the_whole_class(
    teacher_client, marking_round
):
    assignment, people = marking_round
    content = teacher_client.get(review_url(assignment, people["Cat"])).content.decode()
    assert neighbours(content) == ("Ben Baker", "Dan Dunn")
    assert "student 3 of 5" in content


def test_the_first_student_to_mark_has_no_previous_and_the_last_no_next(
    teacher_client, marking_round
):
    assignment, people = marking_round
    first = teacher_client.get(review_url(assignment, people["Ada"], "to_mark")).content.decode()
    last = teacher_client.get(review_url(assignment, people["Eve"], "to_mark")).content.decode()
    assert neighbours(first) == (None, "Cat Clark")
    assert neighbours(last) == ("Cat Clark", None)


def test_returning_with_the_filter_opens_the_next_student_still_to_mark(
    teacher_client, marking_round
):
    assignment, people = marking_round
    response = mark(
        teacher_client, assignment, people["Ada"], action="return", feedback="Good.", show="to_mark"
    )
    assert response["Location"] == review_url(assignment, people["Cat"], "to_mark")


def test_a_student_outside_the_filter_is_shown_among_the_whole_class(teacher_client, marking_round):
    assignment, people = marking_round
    content = teacher_client.get(review_url(assignment, people["Ben"], "to_mark")).content.decode()
    assert neighbours(content) == ("Ada Archer", "Cat Clark")
    assert "student 2 of 5" in content


# --- The comment bank -----------------------------------------------------------------------


BANK_ADD = reverse("lessons:bank_add")


def bank_of(teacher) -> list[str]:
    return list(CommentBankEntry.objects.filter(teacher=teacher).values_list("text", flat=True))


def test_a_comment_is_kept_trimmed_and_the_page_comes_back(
    teacher_client, teacher, assignment, student, submitted
):
    back = review_url(assignment, student)
    response = teacher_client.post(
        BANK_ADD, {"text": "  Say who made   the source\n and why. ", "next": back}
    )
    assert response.status_code == 302
    assert response["Location"] == back
    assert bank_of(teacher) == ["Say who made the source and why."]


def test_the_same_comment_twice_is_kept_once(teacher_client, teacher):
    teacher_client.post(BANK_ADD, {"text": "Say who made the source."})
    teacher_client.post(BANK_ADD, {"text": "Say  who made the source. "})
    assert bank_of(teacher) == ["Say who made the source."]


def test_the_bank_is_offered_as_buttons_on_the_marking_page_and_only_the_teachers_own(
    teacher_client, teacher, other_teacher, assignment, student, submitted
):
    CommentBankEntry.objects.create(teacher=teacher, text="Use the “origin” of the source.")
    CommentBankEntry.objects.create(teacher=teacher, text="Quote <exactly>.")
    CommentBankEntry.objects.create(teacher=other_teacher, text="Mr Rossi's favourite")
    content = teacher_client.get(review_url(assignment, student)).content.decode()
    buttons = re.findall(r'data-bank-comment="([^"]*)">', content)
    assert [unescape(b) for b in buttons] == ["Quote <exactly>.", "Use the “origin” of the source."]
    assert "<exactly>" not in content
    assert "Mr Rossi" not in content


def test_a_teacher_removes_a_comment_of_their_own(
    teacher_client, teacher, assignment, student, submitted
):
    entry = CommentBankEntry.objects.create(teacher=teacher, text="Say why.")
    back = review_url(assignment, student)
    response = teacher_client.post(
        reverse("lessons:bank_remove", args=[entry.pk]), {"next": back}, follow=True
    )
    assert response.redirect_chain == [(back, 302)]
    assert "Removed from your comment bank." in messages_of(response)
    assert bank_of(teacher) == []


def test_a_teacher_cannot_remove_another_teachers_comment(teacher_client, other_teacher):
    entry = CommentBankEntry.objects.create(teacher=other_teacher, text="Mine, not yours.")
    response = teacher_client.post(reverse("lessons:bank_remove", args=[entry.pk]))
    assert response.status_code == 404
    assert bank_of(other_teacher) == ["Mine, not yours."]


def test_a_comment_over_five_hundred_characters_is_refused_with_a_message(
    teacher_client, teacher, assignment, student, submitted
):
    back = review_url(assignment, student)
    response = teacher_client.post(BANK_ADD, {"text": "z" * 501, "next": back}, follow=True)
    assert response.redirect_chain == [(back, 302)]
    assert messages_of(response) == ["Keep this under 500 characters — it is 501 now."]
    assert bank_of(teacher) == []


def test_an_empty_comment_is_refused_with_a_message(teacher_client, teacher):
    response = teacher_client.post(BANK_ADD, {"text": "   "}, follow=True)
    assert messages_of(response) == ["Type the comment to keep."]
    assert bank_of(teacher) == []


@pytest.mark.parametrize(
    "back", ["https://evil.example/steal", "//evil.example/", "javascript:alert(1)"]
)
def test_a_next_address_on_another_site_is_ignored(teacher_client, teacher, back):
    response = teacher_client.post(BANK_ADD, {"text": "Say why.", "next": back})
    assert response["Location"] == reverse("home")
    assert bank_of(teacher) == ["Say why."]


def test_students_have_no_comment_bank(student_client, student):
    assert student_client.post(BANK_ADD, {"text": "Let me in"}).status_code == 404
    assert not CommentBankEntry.objects.exists()


def test_the_comment_bank_wants_a_signed_in_teacher_and_a_post(client, teacher_client, teacher):
    assert teacher_client.get(BANK_ADD).status_code == 405
    teacher_client.logout()
    response = client.post(BANK_ADD, {"text": "Say why."})
    assert response["Location"].startswith(reverse("login"))
    assert not CommentBankEntry.objects.exists()


# --- The printable report ----------------------------------------------------------------------


def test_the_report_shows_the_feedback_mark_and_comments_after_return_without_a_form(
    teacher_client, assignment, student, submitted, annotation
):
    mark(
        teacher_client,
        assignment,
        student,
        action="return",
        feedback="Well argued.",
        mark="8",
        mark_out_of="10",
        **{f"comment_{annotation.pk}": "Good on origin."},
    )
    content = teacher_client.get(report_url(assignment, student)).content.decode()
    feedback = plain(content.split('id="report-feedback" class="h4">')[1].split("</section>")[0])
    assert feedback == "Feedback Mark: 8 out of 10 Well argued."
    assert '<span class="fw-semibold">Comment:</span> Good on origin.' in content
    assert ANSWER in content
    assert "<textarea" not in content
    assert 'name="action"' not in content
    assert "bank-heading" not in content


def test_the_report_leaves_out_feedback_not_yet_returned(
    teacher_client, assignment, student, submitted
):
    mark(teacher_client, assignment, student, feedback="Private draft.", mark="4", mark_out_of="10")
    content = teacher_client.get(report_url(assignment, student)).content.decode()
    assert "report-feedback" not in content
    assert "Private draft." not in content


def test_the_report_is_for_the_classes_teachers_only(
    client, student_client, assignment, student, submitted, other_teacher
):
    assert student_client.get(report_url(assignment, student)).status_code == 404
    client.force_login(other_teacher)
    assert client.get(report_url(assignment, student)).status_code == 404


def test_the_report_refuses_a_post(teacher_client, assignment, student, submitted):
    assert teacher_client.post(report_url(assignment, student)).status_code == 405


# --- What it costs -------------------------------------------------------------------------------


@pytest.mark.parametrize(("sources", "students"), [(1, 1), (12, 35)])
def test_the_marking_page_costs_the_same_queries_whatever_the_sources_and_class_size(
    client, teacher, django_assert_num_queries, sources, students
):
    interpretation = make_interpretation()
    assignment, people = make_class_assignment(
        teacher, students=students, sources=sources, interpretations=[interpretation]
    )
    lesson_sources = list(assignment.lesson.lesson_sources.all())
    LessonSource.objects.filter(lesson=assignment.lesson).update(model_rating=3)
    reviewed = people[0]
    SourceAnnotation.objects.bulk_create(
        SourceAnnotation(
            assignment=assignment,
            student=person,
            lesson_source=ls,
            rating=2,
            status=SourceAnnotation.Status.DONE,
            responses={"origin": "A speech."},
            highlights=[
                {"id": "h", "quote": "war", "start": 0, "end": 3, "note": "", "tag": "bias"}
            ],
            links=[{"source": lesson_sources[0].pk, "relation": "agrees", "note": "Same view."}],
            teacher_comment="Good.",
        )
        for person in people
        for ls in lesson_sources
    )
    work = Submission.objects.create(
        assignment=assignment,
        student=reviewed,
        status=Submission.Status.SUBMITTED,
        judgement=3,
        answer=ANSWER,
        cited={str(ls.pk): "supports" for ls in lesson_sources},
        preferred_interpretation=interpretation,
        returned_by=teacher,
    )
    Submission.objects.bulk_create(
        Submission(assignment=assignment, student=person, status=Submission.Status.SUBMITTED)
        for person in people[1:]
    )
    for number in (1, 2):
        SubmissionVersion.objects.create(
            submission=work, number=number, answer="Before.", feedback="Again."
        )
    for text in ("Say why.", "Quote it.", "Date it."):
        CommentBankEntry.objects.create(teacher=teacher, text=text)
    client.force_login(teacher)
    # 1 the session, 2 the teacher, 3 the teacher's groups (is this a teacher?), 4 the
    # assignment with its lesson, framework and class, among the classes they teach,
    # 5 the class's enrolments with their students, 6 the lesson's sources, 7 the
    # framework's prompts, 8 the student's annotations, 9 the answer with its historian
    # and who returned it, 10 its earlier versions, 11 every student's answer status and
    # 12 who has started, for previous and next, 13 the teacher's comment bank.
    with django_assert_num_queries(13):
        response = client.get(review_url(assignment, reviewed))
    content = response.content.decode()
    assert content.count('<span class="badge highlight-tag">Bias</span>') == sources
    assert content.count("the judgement</li>") == sources
    assert content.count("data-bank-comment=") == 3
    assert re.findall(r"<summary[^>]*>Version (\d+)", content) == ["1", "2"]
