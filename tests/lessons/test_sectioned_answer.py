"""An answer in sections (the IB Historical Investigation): saving each section, citations
typed as markers turned into numbered notes, the sources chosen for evaluation, printing,
and the rules that keep it the student's own and never lose a word."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lessons.models import AnswerFormat, Assignment, SourceAnnotation, Submission
from tests.lessons.factories import make_assignment, make_text_lesson

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
IB = "ib-historical-investigation"


def url(name: str, assignment: Assignment) -> str:
    return reverse(f"lessons:{name}", args=[assignment.pk])


@pytest.fixture
def assignment(classroom) -> Assignment:
    lesson = make_text_lesson(
        "We must coexist, for there is no third way.",
        "Peaceful coexistence is a form of class struggle.",
        "The thaw was felt in every kitchen in Moscow.",
        answer_format=AnswerFormat.objects.get(slug=IB),
    )
    return make_assignment(classroom, lesson=lesson)


def sections(**texts) -> dict:
    return {
        f"section_{key}": texts.get(key, "") for key in ("sources", "investigation", "reflection")
    }


def save(client, assignment, version=0, **data):
    payload = {"version": version, "judgement": 3, **sections(), **data}
    return client.post(url("answer", assignment), payload, **JSON)


def highlight(assignment, student, label: str, quote: str) -> str:
    ls = assignment.lesson.lesson_sources.get(label=label)
    annotation, _ = SourceAnnotation.objects.get_or_create(
        assignment=assignment, student=student, lesson_source=ls
    )
    annotation.highlights = [{"id": "ab12cd34", "quote": quote, "start": 0, "end": len(quote)}]
    annotation.save()
    return "ab12cd34"


def test_the_page_shows_each_section_with_its_guidance_and_the_citation_tool(
    student_client, assignment
):
    page = student_client.get(url("answer", assignment)).content.decode()
    for title in ("Identification and evaluation of sources", "Investigation", "Reflection"):
        assert title in page
    assert 'name="section_investigation"' in page
    assert "data-cite-tool" in page and "Ctrl+Alt+F" in page
    assert "of at most 2200" in page
    assert 'name="answer"' not in page  # no single box, no citation table
    assert "Sources you used" not in page


def test_sections_save_with_numbered_notes_in_reading_order(student_client, assignment, student):
    response = save(
        student_client,
        assignment,
        **sections(
            sources="Khrushchev spoke of it in 1956 [@A, p. 12].",
            investigation="It was called class struggle [@b]. Then again [@A, 14-15].",
            reflection="Sources can mislead.",
        ),
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["problems"] == []
    notes = data["notes_html"]
    assert notes.index('id="note-1"') < notes.index('id="note-2"') < notes.index('id="note-3"')
    submission = Submission.objects.get(student=student)
    assert submission.sections["investigation"].startswith("It was called class struggle")
    # The joined text is what exports and the marks CSV read.
    assert "Investigation\n\nIt was called class struggle" in submission.answer
    # Works cited: exactly the two works cited, not Source C.
    source_c = assignment.lesson.lesson_sources.get(label="C").source
    assert source_c.title not in notes.split("Works cited")[1]


def test_a_citation_to_a_source_outside_the_lesson_is_saved_as_words_but_refused_as_a_note(
    student_client, assignment, student
):
    response = save(student_client, assignment, **sections(investigation="As Z shows [@Z]."))
    assert response.status_code == 200
    data = response.json()
    assert "Source Z" in data["problems"][0]
    assert 'id="note-1"' not in data["notes_html"]
    assert Submission.objects.get(student=student).sections["investigation"] == "As Z shows [@Z]."
    confirm = student_client.get(url("submit", assignment))
    assert confirm.status_code == 400
    assert "Fix your citations" in confirm.content.decode()


def test_a_citation_tied_to_another_students_highlight_is_refused(
    client, assignment, student, other_student
):
    assignment.classroom.students.add(other_student)
    theirs = highlight(assignment, other_student, "A", "no third way")
    client.force_login(student)
    data = save(client, assignment, **sections(investigation=f"Claim [@A #{theirs}].")).json()
    assert "not one of yours" in data["problems"][0]
    # Their own highlight of the same words is accepted, and shown with the note.
    highlight(assignment, student, "A", "no third way")
    data = save(
        client, assignment, version=1, **sections(investigation=f"Claim [@A #{theirs}].")
    ).json()
    assert data["problems"] == []
    assert "no third way" in data["notes_html"]


def test_evaluated_sources_at_most_two_and_only_the_lessons(student_client, assignment, student):
    a, b, c = assignment.lesson.lesson_sources.order_by("label")
    response = save(student_client, assignment, evaluated=[a.pk, b.pk, c.pk])
    assert response.status_code == 400
    assert "at most 2" in response.json()["message"]
    assert save(student_client, assignment, evaluated=[999999]).status_code == 400
    assert save(student_client, assignment, evaluated=[a.pk, c.pk]).status_code == 200
    assert Submission.objects.get(student=student).evaluated == [a.pk, c.pk]


def test_the_page_offers_the_students_own_analysis_as_a_starting_draft(
    student_client, assignment, student
):
    ls = assignment.lesson.lesson_sources.get(label="B")
    SourceAnnotation.objects.create(
        assignment=assignment,
        student=student,
        lesson_source=ls,
        responses={"origin": "A Soviet textbook & its <b>editors</b>."},
    )
    page = student_client.get(url("answer", assignment)).content.decode()
    assert "Your analysis of Source B" in page
    assert "Origin. A Soviet textbook &amp; its &lt;b&gt;editors&lt;/b&gt;." in page
    assert "<b>editors" not in page
    # Offered, not pasted: the section is still empty.
    assert Submission.objects.filter(student=student).count() == 0


def test_a_missing_section_is_a_broken_save_not_an_emptied_box(student_client, assignment, student):
    save(student_client, assignment, **sections(reflection="Kept words."))
    payload = {"version": 1, "judgement": 3, "section_sources": "", "section_investigation": ""}
    response = student_client.post(url("answer", assignment), payload, **JSON)
    assert response.status_code == 400
    assert Submission.objects.get(student=student).sections["reflection"] == "Kept words."


def test_a_stale_tab_gets_a_conflict_with_both_versions(student_client, assignment, student):
    save(student_client, assignment, **sections(investigation="First tab."))
    save(student_client, assignment, version=1, **sections(investigation="Second tab."))
    response = save(student_client, assignment, version=1, **sections(investigation="Old tab."))
    assert response.status_code == 409
    assert response.json()["saved"]["section_investigation"] == "Second tab."
    assert Submission.objects.get(student=student).sections["investigation"] == "Second tab."


def test_text_under_a_section_the_format_no_longer_has_is_kept_and_shown(
    student_client, assignment, student
):
    Submission.objects.create(
        assignment=assignment, student=student, sections={"old": "Words from before."}
    )
    save(student_client, assignment, version=1, **sections(investigation="New words."))
    submission = Submission.objects.get(student=student)
    assert submission.sections["old"] == "Words from before."
    page = student_client.get(url("answer", assignment)).content.decode()
    assert "Words from before." in page and "no longer in this lesson" in page


def test_editing_after_submission_is_refused(student_client, assignment, student):
    Submission.objects.create(
        assignment=assignment,
        student=student,
        judgement=3,
        sections={"investigation": "Handed in [@A]."},
        status=Submission.Status.SUBMITTED,
    )
    response = save(student_client, assignment, version=1, **sections(investigation="Changed."))
    assert response.status_code == 403
    assert Submission.objects.get(student=student).sections["investigation"] == "Handed in [@A]."
    page = student_client.get(url("answer", assignment)).content.decode()
    assert 'href="#note-1"' in page  # read-only, with its notes


def test_print_view_has_sections_word_counts_notes_and_works_cited(
    student_client, assignment, student
):
    Submission.objects.create(
        assignment=assignment,
        student=student,
        sections={"sources": "One two three [@A, 5].", "investigation": "<script>x</script> [@A]"},
    )
    page = student_client.get(url("answer_print", assignment)).content.decode()
    assert "3 words" in page and "Works cited" in page
    assert page.count('class="note-ref"') == 2
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x</script>" not in page


def test_print_view_of_a_single_answer_lesson_goes_back_to_the_answer(student_client, classroom):
    single = make_assignment(classroom, lesson=make_text_lesson("Some text."))
    response = student_client.get(url("answer_print", single))
    assert response.status_code == 302
    assert response.url == url("answer", single)


def test_print_view_is_the_students_own(client, assignment, other_student):
    client.force_login(other_student)  # not in the class
    assert client.get(url("answer_print", assignment)).status_code == 404
    assert client.post(url("answer_print", assignment)).status_code in (403, 405)
    client.logout()
    assert client.get(url("answer_print", assignment)).status_code == 302


@pytest.mark.parametrize("citations", [1, 12])
def test_query_counts_do_not_grow_with_citations(
    student_client, assignment, student, django_assert_num_queries, citations
):
    text = " ".join(f"Claim {n} [@{'ABC'[n % 3]}, {n}]." for n in range(citations))
    Submission.objects.create(
        assignment=assignment, student=student, sections={"investigation": text}
    )
    with django_assert_num_queries(12):
        student_client.get(url("answer", assignment))
    with django_assert_num_queries(12):
        student_client.get(url("answer_print", assignment))
    with django_assert_num_queries(12):
        save(student_client, assignment, version=1, **sections(investigation=text))


def test_a_conflict_names_the_sources_chosen_elsewhere(student_client, assignment, student):
    a, b, _ = assignment.lesson.lesson_sources.order_by("label")
    save(student_client, assignment, evaluated=[a.pk, b.pk])
    response = save(student_client, assignment, version=0, evaluated=[a.pk])
    assert response.status_code == 409
    saved = response.json()["saved"]
    assert saved["evaluated"] == [str(a.pk), str(b.pk)]
    assert saved["evaluated_label"] == "Source A, Source B"


def test_the_student_sees_marks_per_criterion_only_once_returned(
    student_client, assignment, student
):
    from lessons.models import MarkingScheme

    assignment.lesson.marking_scheme = MarkingScheme.objects.get(slug=IB)
    assignment.lesson.save()
    marks = {"A": {"mark": 5, "comment": "Sharp on <origin>."}, "B": {"mark": 9, "comment": ""}}
    submission = Submission.objects.create(
        assignment=assignment,
        student=student,
        judgement=3,
        sections={"investigation": "Words [@A]."},
        status=Submission.Status.SUBMITTED,
        criterion_marks=marks,
        mark=14,
        mark_out_of=25,
    )
    page = student_client.get(url("answer", assignment)).content.decode()
    assert "Marks on each criterion" not in page
    submission.status = Submission.Status.RETURNED
    submission.save()
    page = student_client.get(url("answer", assignment)).content.decode()
    assert "Marks on each criterion" in page
    assert "5 out of 6" in page and "9 out of 15" in page
    assert "Sharp on &lt;origin&gt;." in page
