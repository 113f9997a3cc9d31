"""Students' pages: who may open them, what they show, and what they cost in queries."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from lessons.models import Assignment, Lesson, LessonSource, SourceAnnotation, Submission
from sources.models import Source
from tests.factories import make_student
from tests.lessons.factories import (
    add_fact,
    add_glossary,
    make_assignment,
    make_lesson,
    make_text_lesson,
)
from tests.sources.factories import make_author, make_interpretation, make_source

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
SPEECH = (
    "We say to the capitalist countries: peaceful coexistence is not a truce. "
    "Peaceful coexistence is competition between two systems."
)
REPLY = "The West answered that coexistence without trust is only a pause."


def url(name: str, assignment: Assignment, *args) -> str:
    return reverse(f"lessons:{name}", args=[assignment.pk, *args])


def source(assignment: Assignment, label: str) -> LessonSource:
    return assignment.lesson.lesson_sources.get(label=label)


def annotate(assignment, student, label: str, **fields) -> SourceAnnotation:
    return SourceAnnotation.objects.create(
        assignment=assignment, student=student, lesson_source=source(assignment, label), **fields
    )


def returned(assignment, student, **fields) -> Submission:
    fields = {
        "answer": "Coexistence changed the tone more than the aims.",
        "judgement": 3,
        "status": Submission.Status.RETURNED,
        "submitted_at": timezone.now(),
        "returned_at": timezone.now(),
        **fields,
    }
    return Submission.objects.create(assignment=assignment, student=student, **fields)


def page(response) -> str:
    return response.content.decode()


@pytest.fixture
def assignment(classroom) -> Assignment:
    return make_assignment(classroom, lesson=make_text_lesson(SPEECH, REPLY))


# --- Who may use each student page ------------------------------------------------------


@pytest.fixture
def draft(assignment, student) -> Submission:
    """The enrolled student's draft answer, ready to submit (version 1)."""
    return Submission.objects.create(
        assignment=assignment,
        student=student,
        answer="Coexistence changed the tone more than the aims.",
        judgement=3,
    )


@dataclass(frozen=True)
class StudentView:
    """One student URL: how to call it, and what its success looks like."""

    call: Callable
    succeeded: Callable
    json_post: bool = False


def _shows(*words: str) -> Callable:
    def check(response, assignment, student) -> None:
        assert response.status_code == 200
        for word in words:
            assert word in page(response)

    return check


def _analysis_saved(response, assignment, student) -> None:
    assert response.status_code == 302
    assert response["Location"] == url("source_work", assignment, "A")
    annotation = SourceAnnotation.objects.get(student=student)
    assert annotation.responses == {"origin": "A speech by Khrushchev."}


def _highlight_saved(response, assignment, student) -> None:
    assert response.status_code == 302
    assert response["Location"] == url("source_work", assignment, "A")
    [highlight] = SourceAnnotation.objects.get(student=student).highlights
    assert highlight["quote"] == "peaceful coexistence"


def _link_saved(response, assignment, student) -> None:
    assert response.status_code == 302
    annotation = SourceAnnotation.objects.get(student=student)
    assert annotation.links == [
        {"source": source(assignment, "B").pk, "relation": "agrees", "note": ""}
    ]


def _answer_saved(response, assignment, student) -> None:
    assert response.status_code == 302
    assert response["Location"] == url("answer", assignment)
    submission = Submission.objects.get(student=student)
    assert (submission.answer, submission.judgement, submission.version) == ("Changed.", 4, 2)


def _submitted(response, assignment, student) -> None:
    assert response.status_code == 302
    assert response["Location"] == url("assignment", assignment)
    assert Submission.objects.get(student=student).status == Submission.Status.SUBMITTED


STUDENT_VIEWS = {
    "assignment page": StudentView(
        call=lambda client, a: client.get(url("assignment", a)),
        succeeded=_shows("Sources", "Continue your answer"),
    ),
    "source page": StudentView(
        call=lambda client, a: client.get(url("source_work", a, "A")),
        succeeded=_shows("competition between two systems", "Your analysis"),
    ),
    "answer page": StudentView(
        call=lambda client, a: client.get(url("answer", a)),
        succeeded=_shows("Coexistence changed the tone more than the aims."),
    ),
    "submit confirmation": StudentView(
        call=lambda client, a: client.get(url("submit", a)),
        succeeded=_shows("Submit your answer?", "8 words in your answer"),
    ),
    "bibliography": StudentView(
        call=lambda client, a: client.get(url("bibliography", a)),
        succeeded=_shows("Annotated bibliography", "Analyse source A"),
    ),
    "save analysis": StudentView(
        call=lambda client, a, **extra: client.post(
            url("source_work", a, "A"),
            {"version": 0, "response_origin": "A speech by Khrushchev."},
            **extra,
        ),
        succeeded=_analysis_saved,
        json_post=True,
    ),
    "add highlight": StudentView(
        call=lambda client, a, **extra: client.post(
            url("highlight_add", a, "A"),
            {"quote": "peaceful coexistence", "tag": "evidence"},
            **extra,
        ),
        succeeded=_highlight_saved,
        json_post=True,
    ),
    "add link": StudentView(
        call=lambda client, a, **extra: client.post(
            url("link_add", a, "A"),
            {"other": source(a, "B").pk, "relation": "agrees"},
            **extra,
        ),
        succeeded=_link_saved,
        json_post=True,
    ),
    "save answer": StudentView(
        call=lambda client, a, **extra: client.post(
            url("answer", a), {"version": 1, "answer": "Changed.", "judgement": 4}, **extra
        ),
        succeeded=_answer_saved,
        json_post=True,
    ),
    "submit": StudentView(
        call=lambda client, a, **extra: client.post(url("submit", a), {"version": 1}, **extra),
        succeeded=_submitted,
        json_post=True,
    ),
}
JSON_POSTS = [name for name, view in STUDENT_VIEWS.items() if view.json_post]


def assert_untouched(assignment, draft) -> None:
    assert not SourceAnnotation.objects.exists()
    assert Submission.objects.count() == 1
    saved = Submission.objects.get()
    assert (saved.answer, saved.status, saved.version) == (draft.answer, "draft", 1)


@pytest.mark.parametrize("name", STUDENT_VIEWS)
def test_the_enrolled_student_can_use_every_student_page(
    student_client, assignment, student, draft, name
):
    view = STUDENT_VIEWS[name]
    view.succeeded(view.call(student_client, assignment), assignment, student)


@pytest.mark.parametrize("name", STUDENT_VIEWS)
@pytest.mark.parametrize("persona", ["other_student", "teacher", "other_teacher"])
def test_anyone_but_the_enrolled_student_gets_404_and_changes_nothing(
    request, client, other_classroom, assignment, draft, persona, name
):
    # The class's own teacher too: teachers review students' work on their own pages.
    client.force_login(request.getfixturevalue(persona))
    response = STUDENT_VIEWS[name].call(client, assignment)
    assert response.status_code == 404
    assert_untouched(assignment, draft)


@pytest.mark.parametrize("name", STUDENT_VIEWS)
def test_an_anonymous_visitor_is_sent_to_log_in_and_back(client, assignment, draft, name):
    response = STUDENT_VIEWS[name].call(client, assignment)
    assert response.status_code == 302
    path = response.wsgi_request.get_full_path()
    assert response["Location"] == f"{reverse('login')}?{urlencode({'next': path})}"
    assert_untouched(assignment, draft)


@pytest.mark.parametrize("name", JSON_POSTS)
def test_a_signed_out_autosave_gets_401_json_it_can_explain(client, assignment, draft, name):
    response = STUDENT_VIEWS[name].call(client, assignment, **JSON)
    assert response.status_code == 401
    data = response.json()
    assert data["status"] == "signed_out"
    assert "not saved" in data["message"]
    assert data["login_url"] == reverse("login")
    assert_untouched(assignment, draft)


def test_an_assignment_of_an_archived_class_is_gone_for_its_students(
    student_client, classroom, assignment
):
    classroom.archived = True
    classroom.save()
    assert student_client.get(url("assignment", assignment)).status_code == 404
    assert student_client.get(url("source_work", assignment, "A")).status_code == 404


# --- Wrong methods, wrong labels --------------------------------------------------------

EVERY_URL = {
    "assignment": (),
    "source_work": ("A",),
    "highlight_add": ("A",),
    "highlight_remove": ("A", "abcd1234"),
    "link_add": ("A",),
    "link_remove": ("A", 1),
    "answer": (),
    "submit": (),
    "bibliography": (),
}


@pytest.mark.parametrize("method", ["put", "delete"])
@pytest.mark.parametrize("name", EVERY_URL)
def test_put_and_delete_are_not_allowed(student_client, assignment, name, method):
    response = getattr(student_client, method)(url(name, assignment, *EVERY_URL[name]))
    assert response.status_code == 405
    assert not SourceAnnotation.objects.exists()


@pytest.mark.parametrize("name", ["highlight_add", "highlight_remove", "link_add", "link_remove"])
def test_changing_highlights_and_links_needs_a_post(student_client, assignment, name):
    response = student_client.get(url(name, assignment, *EVERY_URL[name]))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert not SourceAnnotation.objects.exists()


@pytest.mark.parametrize("name", ["assignment", "bibliography"])
def test_the_read_only_pages_refuse_a_post(student_client, assignment, name):
    assert student_client.post(url(name, assignment)).status_code == 405


@pytest.mark.parametrize("name", ["source_work", "highlight_add", "link_add"])
def test_an_unknown_source_label_is_404(student_client, assignment, name):
    method = student_client.get if name == "source_work" else student_client.post
    response = method(url(name, assignment, "Z"))
    assert response.status_code == 404
    assert not SourceAnnotation.objects.exists()


def test_the_label_of_a_source_in_another_lesson_is_404(student_client, assignment):
    make_text_lesson("One.", "Two.", "Three: only this lesson has a source C.")
    response = student_client.get(url("source_work", assignment, "C"))
    assert response.status_code == 404
    response = student_client.post(url("source_work", assignment, "C"), {"version": 0})
    assert response.status_code == 404
    assert not SourceAnnotation.objects.exists()


def test_a_label_typed_in_lower_case_finds_the_source(student_client, assignment):
    response = student_client.get(url("source_work", assignment, "b"))
    assert response.status_code == 200
    assert REPLY in page(response)


# --- The assignment page ----------------------------------------------------------------


def source_rows(response) -> list[str]:
    return re.findall(r'<li class="card card-paper mb-2">(.*?)</li>', page(response), re.S)


def test_the_assignment_page_lists_each_source_with_this_students_status(
    student_client, classroom, student
):
    assignment = make_assignment(classroom, lesson=make_text_lesson(SPEECH, REPLY, "Third."))
    annotate(assignment, student, "A", status=SourceAnnotation.Status.DONE, rating=3)
    annotate(assignment, student, "B", status=SourceAnnotation.Status.IN_PROGRESS)
    # A classmate finished everything: none of it is this student's.
    classmate = make_student()
    classroom.enrolments.create(student=classmate)
    for label in "ABC":
        annotate(assignment, classmate, label, status=SourceAnnotation.Status.DONE)

    response = student_client.get(url("assignment", assignment))

    rows = source_rows(response)
    assert len(rows) == 3
    for row, label in zip(rows, "ABC", strict=True):
        assert f"Source {label}: </span>{source(assignment, label).source.title}" in row
    assert "Done" in rows[0] and "In progress" not in rows[0]
    assert "In progress" in rows[1] and "Done" not in rows[1]
    assert "Not started" in rows[2]
    assert "1 of 3 done" in page(response)


@pytest.mark.parametrize(
    ("status", "revision", "words"),
    [
        (None, False, "Not started. When you have judged the sources"),
        (Submission.Status.DRAFT, False, "In draft: not submitted yet."),
        (Submission.Status.SUBMITTED, False, "Submitted. Your teacher will return it"),
        (Submission.Status.RETURNED, False, "Returned with feedback."),
        (Submission.Status.RETURNED, True, "your teacher has asked for a revision"),
    ],
)
def test_the_assignment_page_says_where_the_answer_stands(
    student_client, assignment, student, status, revision, words
):
    if status:
        Submission.objects.create(
            assignment=assignment, student=student, status=status, revision_allowed=revision
        )
    response = student_client.get(url("assignment", assignment))
    answer_card = re.search(r'class="[^"]*answer-card.*?</section>', page(response), re.S)[0]
    assert words in answer_card


def test_the_assignment_page_shows_the_glossary_and_facts_escaped(student_client, assignment):
    add_glossary(assignment.lesson, "détente", "A <b>thaw</b> in tension")
    add_fact(assignment.lesson, "Khrushchev visited <i>Iowa</i> in 1959.")
    content = page(student_client.get(url("assignment", assignment)))
    assert "<dt>détente</dt><dd>A &lt;b&gt;thaw&lt;/b&gt; in tension</dd>" in content
    assert "Khrushchev visited &lt;i&gt;Iowa&lt;/i&gt; in 1959." in content
    assert "<b>thaw</b>" not in content


# --- Not open yet -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["assignment", "source_work", "answer"])
def test_before_it_opens_a_page_is_403_and_says_when_it_opens(student_client, classroom, name):
    opens_at = timezone.now() + timedelta(days=2)
    assignment = make_assignment(
        classroom,
        lesson=make_text_lesson(SPEECH, REPLY),
        opens_at=opens_at,
        due_at=opens_at + timedelta(days=7),
    )
    response = student_client.get(url(name, assignment, *(["A"] if name == "source_work" else [])))
    assert response.status_code == 403
    shown = dateformat.format(timezone.localtime(opens_at), r"l j F \a\t H:i")
    assert "This lesson opens on <time datetime=" in page(response)
    assert shown in page(response)
    assert "competition between two systems" not in page(response)


def test_before_it_opens_the_bibliography_is_403_too(student_client, classroom):
    opens_at = timezone.now() + timedelta(days=2)
    assignment = make_assignment(
        classroom, lesson=make_text_lesson(SPEECH), opens_at=opens_at, due_at=None
    )
    response = student_client.get(url("bibliography", assignment))
    assert response.status_code == 403


# --- The source page --------------------------------------------------------------------


def test_a_glossary_term_is_marked_once_where_it_first_appears(student_client, assignment):
    term = add_glossary(assignment.lesson, "peaceful coexistence", "Living side by side.")
    other = add_glossary(assignment.lesson, "capitalist", "Believing in private ownership.")
    content = page(student_client.get(url("source_work", assignment, "A")))
    marks = re.findall(r'<span class="gloss"[^>]*>([^<]*)</span>', content)
    assert marks == ["capitalist", "peaceful coexistence"]
    assert f'data-definition="Living side by side." aria-describedby="gloss-{term.pk}"' in content
    assert f'<dd id="gloss-{term.pk}">Living side by side.</dd>' in content
    assert f'<dd id="gloss-{other.pk}">Believing in private ownership.</dd>' in content


def test_a_glossary_term_spelled_like_an_entity_does_not_break_the_source_text(
    student_client, classroom
):
    lesson = make_text_lesson('The "Lt" & the <gt> met.')
    assignment = make_assignment(classroom, lesson=lesson)
    for term in ("quot", "amp", "Lt", "gt"):
        add_glossary(lesson, term, f"The word {term}.")
    content = page(student_client.get(url("source_work", assignment, "A")))
    text = content[content.index('id="source-text"') :]
    text = text[: text.index("</div>")]
    assert re.findall(r'<span class="gloss"[^>]*>([^<]*)</span>', text) == ["Lt", "gt"]
    assert "&quot;" in text and "&amp;" in text and "&lt;" in text
    assert "&<span" not in text and "&amp;amp;" not in text


def test_a_glossary_definition_with_html_is_escaped_on_the_source_page(student_client, assignment):
    term = add_glossary(assignment.lesson, "capitalist", 'A <script>alert("x")</script> system')
    content = page(student_client.get(url("source_work", assignment, "A")))
    escaped = "A &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; system"
    assert f'data-definition="{escaped}"' in content
    assert f'<dd id="gloss-{term.pk}">{escaped}</dd>' in content
    assert "<script>alert" not in content


def test_the_students_response_and_highlight_note_are_escaped(student_client, assignment, student):
    annotate(
        assignment,
        student,
        "A",
        responses={"origin": "</textarea><script>alert(1)</script>"},
        highlights=[
            {
                "id": "h1",
                "start": 0,
                "end": 6,
                "quote": "We say",
                "note": "<img src=x onerror=alert(2)>",
                "tag": "claim",
            }
        ],
    )
    content = page(student_client.get(url("source_work", assignment, "A")))
    assert "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in content
    assert "&lt;img src=x onerror=alert(2)&gt;" in content
    assert "<script>alert(1)" not in content
    assert "<img src=x" not in content


def test_the_source_page_shows_the_saved_analysis_highlights_and_links(
    student_client, assignment, student
):
    annotate(
        assignment,
        student,
        "A",
        version=4,
        rating=2,
        responses={"purpose": "To reassure the West."},
        highlights=[
            {"id": "h1", "start": 0, "end": 6, "quote": "We say", "note": "Who?", "tag": "bias"}
        ],
        links=[{"source": source(assignment, "B").pk, "relation": "contradicts", "note": "Trust"}],
    )
    content = page(student_client.get(url("source_work", assignment, "A")))
    assert re.search(r'<input type="hidden" name="version" value="4"', content)
    assert ">To reassure the West.</textarea>" in content
    assert re.search(r'name="rating" id="rating-2" value="2" checked', content)
    assert "<q>We say</q>" in content
    assert re.search(r"Contradicts</span>\s*<a [^>]*>Source B</a>: Trust", content)
    assert url("highlight_remove", assignment, "A", "h1") in content


def model_judgement(response) -> str:
    found = re.search(r'<div class="teacher-view.*?</div>', page(response), re.S)
    return found[0] if found else ""


def test_after_return_the_source_page_shows_the_teachers_judgement_beside_the_students(
    student_client, assignment, student
):
    LessonSource.objects.filter(pk=source(assignment, "A").pk).update(
        model_rating=2, model_notes="Spoken for a Western audience."
    )
    annotate(assignment, student, "A", rating=4, teacher_comment="Good on purpose.")
    returned(assignment, student)
    view = model_judgement(student_client.get(url("source_work", assignment, "A")))
    assert "Mostly unreliable" in view  # the teacher's 2
    assert "yours:" in view and "Mostly reliable" in view  # the student's 4
    assert "Spoken for a Western audience." in view
    assert "Good on purpose." in view


@pytest.mark.parametrize("status", [None, Submission.Status.DRAFT, Submission.Status.SUBMITTED])
def test_before_return_the_teachers_model_notes_are_not_in_the_page(
    student_client, assignment, student, status
):
    LessonSource.objects.filter(pk=source(assignment, "A").pk).update(
        model_rating=2, model_notes="Spoken for a Western audience."
    )
    annotate(assignment, student, "A", rating=4, teacher_comment="Good on purpose.")
    if status:
        Submission.objects.create(assignment=assignment, student=student, status=status)
    response = student_client.get(url("source_work", assignment, "A"))
    assert response.status_code == 200
    assert "Spoken for a Western audience." not in page(response)
    assert "Good on purpose." not in page(response)
    assert "Your teacher’s judgement" not in page(response)


# --- The answer page --------------------------------------------------------------------


def test_after_return_the_answer_page_shows_the_feedback_and_mark(
    student_client, assignment, student
):
    returned(
        assignment, student, feedback="Weigh Source B <more> carefully.", mark=7, mark_out_of=10
    )
    content = page(student_client.get(url("answer", assignment)))
    assert "Mark: <strong>7 out of 10</strong>" in content
    assert "Weigh Source B &lt;more&gt; carefully." in content
    # Returned without a revision: read, not edited.
    assert 'id="answer-form"' not in content
    assert "Coexistence changed the tone more than the aims." in content


def test_the_answer_is_escaped_while_editing_and_when_read_only(
    student_client, assignment, student
):
    submission = Submission.objects.create(
        assignment=assignment, student=student, answer="</textarea><script>alert(1)</script>"
    )
    editing = page(student_client.get(url("answer", assignment)))
    submission.status = Submission.Status.SUBMITTED
    submission.save()
    reading = page(student_client.get(url("answer", assignment)))
    escaped = "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    assert f"{escaped}</textarea>" in editing
    assert f"<p>{escaped}</p>" in reading
    assert "<script>alert(1)" not in editing + reading


def test_the_answer_page_offers_only_this_lessons_interpretations_and_sources(
    student_client, assignment
):
    mine = make_interpretation(position="Coexistence was a tactic")
    assignment.lesson.interpretations.add(mine)
    elsewhere = make_interpretation(position="Coexistence was sincere")
    content = page(student_client.get(url("answer", assignment)))
    assert f'id="interp-{mine.pk}"' in content
    assert "Coexistence was a tactic" in content
    assert "Coexistence was sincere" not in content and f"interp-{elsewhere.pk}" not in content
    for ls in assignment.lesson.lesson_sources.all():
        assert f'name="cite_{ls.pk}"' in content


# --- The annotated bibliography ---------------------------------------------------------


def test_the_bibliography_groups_entries_by_section_in_lesson_order(
    student_client, classroom, student
):
    lesson = make_lesson(published=True)
    layout = [("Primary", "Zhukov"), ("Introductory", "Brown"), ("Primary", "Adenauer")]
    sources = {}
    for order, (section, family_name) in enumerate(layout):
        sources[family_name] = make_source(
            authors=[make_author(given_names="Test", family_name=family_name)]
        )
        LessonSource.objects.create(
            lesson=lesson, source=sources[family_name], order=order, section=section
        )
    lesson.assign_labels()
    assignment = make_assignment(classroom, lesson=lesson)

    content = page(student_client.get(url("bibliography", assignment)))

    headings = re.findall(
        r'<h2 id="section-\d+" class="h4 bibliography-section">(.*?)</h2>', content
    )
    assert headings == ["Primary", "Introductory"]
    entries = [str(sources[name].bibliography_entry()) for name in ("Adenauer", "Zhukov", "Brown")]
    positions = [content.index(entry) for entry in entries]
    assert positions == sorted(positions), "Primary: Adenauer, Zhukov; then Introductory"
    assert content.index("Introductory") > positions[1]


def test_the_bibliography_annotates_entries_with_the_students_own_analysis(
    student_client, assignment, student, other_student
):
    annotate(
        assignment,
        student,
        "A",
        rating=3,
        rating_reason="He spoke for effect.",
        responses={"origin": "A speech <in Moscow>.", "purpose": "  "},
    )
    SourceAnnotation.objects.create(
        assignment=assignment,
        student=other_student,
        lesson_source=source(assignment, "B"),
        responses={"origin": "Someone else's words."},
    )
    content = page(student_client.get(url("bibliography", assignment)))
    assert '<span class="annotation-label">Origin.</span> A speech &lt;in Moscow&gt;.' in content
    assert "Purpose." not in content  # blank responses make no paragraph
    assert "partly reliable (3 of 5). He spoke for effect." in content
    assert "Someone else&#x27;s words." not in content
    assert "Not analysed yet." in content
    assert url("source_work", assignment, "B") in content
    for cited in Source.objects.with_citation_data().filter(lesson_uses__lesson=assignment.lesson):
        assert str(cited.bibliography_entry()) in content


# --- Query counts -----------------------------------------------------------------------


def lesson_of(count: int) -> Lesson:
    return make_text_lesson(*[f"{SPEECH} ({n})" for n in range(count)])


def worked_on(assignment, student, *, highlights: int = 0) -> None:
    """The student's analysis on every source, and a draft answer citing each."""
    marks = [
        {"id": f"h{n}", "start": 0, "end": 6, "quote": "We say", "note": "n", "tag": "claim"}
        for n in range(highlights)
    ]
    sources = list(assignment.lesson.lesson_sources.all())
    for ls in sources:
        others = [{"source": o.pk, "relation": "agrees", "note": ""} for o in sources if o != ls]
        SourceAnnotation.objects.create(
            assignment=assignment,
            student=student,
            lesson_source=ls,
            responses={"origin": "Moscow", "purpose": "Persuade"},
            rating=3,
            status=SourceAnnotation.Status.DONE,
            highlights=marks,
            links=others,
        )
    Submission.objects.create(
        assignment=assignment,
        student=student,
        answer="To some extent.",
        judgement=3,
        cited={str(ls.pk): "supports" for ls in sources},
    )
    for _ in range(2):
        interpretation = make_interpretation()
        assignment.lesson.interpretations.add(interpretation)
    add_glossary(assignment.lesson, "capitalist", "Believing in private ownership.")
    add_glossary(assignment.lesson, "systems", "Ways of running a country.")
    add_fact(assignment.lesson, "Khrushchev visited Iowa in 1959.")


@pytest.mark.parametrize("sources", [1, 20])
def test_the_assignment_page_query_count_does_not_grow_with_sources(
    student_client, classroom, student, django_assert_num_queries, sources
):
    assignment = make_assignment(classroom, lesson=lesson_of(sources))
    worked_on(assignment, student)
    # 1 session, 2 the student, 3 the assignment with lesson, framework, class and the
    # student's answer state, 4 the lesson's sources with provenance, 5 the student's
    # statuses, 6 the glossary, 7 the facts.
    with django_assert_num_queries(7):
        response = student_client.get(url("assignment", assignment))
    assert len(source_rows(response)) == sources
    assert f"{sources} of {sources} done" in page(response)


@pytest.mark.parametrize(("sources", "highlights"), [(1, 0), (20, 0), (1, 50), (20, 50)])
def test_the_source_page_query_count_does_not_grow_with_sources_or_highlights(
    student_client, classroom, student, django_assert_num_queries, sources, highlights
):
    assignment = make_assignment(classroom, lesson=lesson_of(sources))
    worked_on(assignment, student, highlights=highlights)
    # 1 session, 2 the student, 3 the assignment with the source's id, 4 the lesson's
    # sources with provenance, 5 the framework's prompts, 6 the student's annotation,
    # 7 the glossary, 8 this source's credits with authors (read by the template).
    with django_assert_num_queries(8):
        response = student_client.get(url("source_work", assignment, "A"))
    assert page(response).count("<q>We say</q>") == highlights
    assert page(response).count('class="relation relation-agrees"') == sources - 1


@pytest.mark.parametrize("sources", [1, 20])
def test_the_answer_page_query_count_does_not_grow_with_sources(
    student_client, classroom, student, django_assert_num_queries, sources
):
    assignment = make_assignment(classroom, lesson=lesson_of(sources))
    worked_on(assignment, student)
    # 1 session, 2 the student, 3 the assignment, 4 the lesson's sources, 5 its
    # interpretations with historians and works, 6 the student's answer.
    with django_assert_num_queries(6):
        response = student_client.get(url("answer", assignment))
    cited = re.findall(r'value="supports" id="cite_\d+-2"[^>]*checked>', page(response))
    assert len(cited) == sources
    assert page(response).count('name="preferred_interpretation"') == 2


@pytest.mark.parametrize("sources", [1, 20])
def test_the_bibliography_query_count_does_not_grow_with_sources(
    student_client, classroom, student, django_assert_num_queries, sources
):
    assignment = make_assignment(classroom, lesson=lesson_of(sources))
    worked_on(assignment, student)
    # 1 session, 2 the student, 3 the assignment, 4 the lesson's sources, 5 their
    # sources with provenance, 6 their credits with authors, 7 their themes, 8 the
    # student's annotations, 9 the framework's prompts.
    with django_assert_num_queries(9):
        response = student_client.get(url("bibliography", assignment))
    assert page(response).count("partly reliable (3 of 5)") == sources


@pytest.mark.parametrize("sources", [1, 20])
def test_the_submit_confirmation_query_count_does_not_grow_with_sources(
    student_client, classroom, student, django_assert_num_queries, sources
):
    assignment = make_assignment(classroom, lesson=lesson_of(sources))
    worked_on(assignment, student)
    # 1 session, 2 the student, 3 the assignment, 4 the student's answer, 5 the
    # statuses of their analyses, 6 the number of sources in the lesson.
    with django_assert_num_queries(6):
        response = student_client.get(url("submit", assignment))
    assert f"{sources} of {sources} sources marked done" in page(response)
    assert f"{sources} source{'s' if sources > 1 else ''} cited" in page(response)
