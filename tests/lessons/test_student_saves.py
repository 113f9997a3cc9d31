"""Saving a student's analysis, highlights and links without ever losing a word."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lessons.models import Assignment, LessonSource, SourceAnnotation, Submission
from lessons.services.work import HIGHLIGHTS_MAX
from sources.text import anchor_text
from tests.lessons.factories import make_assignment, make_text_lesson

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
SPEECH = (
    "We say to the capitalist countries: peaceful coexistence is not a truce.\n\n"
    "Peaceful   coexistence is competition\nbetween two systems."
)
REPLY = "The West answered that coexistence without trust is only a pause."
OPVL = {
    "response_origin": "A speech by Khrushchev in 1959.",
    "response_purpose": "To reassure the West.",
    "response_value": "Shows the official line.",
    "response_limitation": "Public words, not private aims.",
}


def url(name: str, assignment: Assignment, *args) -> str:
    return reverse(f"lessons:{name}", args=[assignment.pk, *args])


def source(assignment: Assignment, label: str) -> LessonSource:
    return assignment.lesson.lesson_sources.get(label=label)


def saved(student) -> SourceAnnotation | None:
    return SourceAnnotation.objects.filter(student=student).first()


@pytest.fixture
def assignment(classroom) -> Assignment:
    return make_assignment(classroom, lesson=make_text_lesson(SPEECH, REPLY))


def save(client, assignment, data: dict, *, label: str = "A", **extra):
    return client.post(url("source_work", assignment, label), data, **extra)


def save_json(client, assignment, data: dict, *, label: str = "A"):
    return save(client, assignment, data, label=label, **JSON)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- Saving the analysis ----------------------------------------------------------------


def test_a_first_save_makes_version_1_and_the_next_save_version_2(
    student_client, assignment, student
):
    first = save_json(student_client, assignment, {"version": 0, "response_origin": "Moscow"})
    assert first.status_code == 200
    assert (first.json()["status"], first.json()["version"]) == ("saved", 1)
    second = save_json(student_client, assignment, {"version": 1, "response_origin": "Kremlin"})
    assert (second.json()["status"], second.json()["version"]) == ("saved", 2)
    annotation = saved(student)
    assert (annotation.version, annotation.responses) == (2, {"origin": "Kremlin"})
    assert annotation.lesson_source == source(assignment, "A")


def test_responses_are_stored_by_prompt_key_and_empty_ones_are_left_out(
    student_client, assignment, student
):
    data = {
        "version": 0,
        "response_origin": "  Moscow, 1959  ",
        "response_purpose": "",
        "response_value": "   \n ",
        "rating": "4",
        "rating_reason": "He was there.",
    }
    assert save_json(student_client, assignment, data).status_code == 200
    annotation = saved(student)
    assert annotation.responses == {"origin": "  Moscow, 1959  "}  # the student's spacing kept
    assert (annotation.rating, annotation.rating_reason) == (4, "He was there.")
    assert annotation.status == SourceAnnotation.Status.IN_PROGRESS


def test_a_complete_analysis_can_be_marked_done(student_client, assignment, student):
    response = save_json(
        student_client, assignment, {"version": 0, **OPVL, "rating": 3, "done": "on"}
    )
    assert response.status_code == 200
    assert saved(student).status == SourceAnnotation.Status.DONE


def test_a_stale_version_is_a_conflict_and_overwrites_nothing(student_client, assignment, student):
    save_json(student_client, assignment, {"version": 0, "response_origin": "Mine"})
    # Another tab saves version 2 with a rating.
    save_json(student_client, assignment, {"version": 1, "response_origin": "Theirs", "rating": 2})

    response = save_json(student_client, assignment, {"version": 1, "response_origin": "Stale"})

    assert response.status_code == 409
    data = response.json()
    assert data["status"] == "conflict"
    assert data["version"] == 2
    assert data["saved"]["response_origin"] == "Theirs"
    assert (data["saved"]["rating"], data["saved"]["rating_label"]) == ("2", "Mostly unreliable")
    assert data["saved"]["done"] is False
    annotation = saved(student)
    assert (annotation.version, annotation.responses) == (2, {"origin": "Theirs"})


def test_two_first_saves_from_two_tabs_make_the_second_a_conflict(
    student_client, assignment, student
):
    first = save_json(student_client, assignment, {"version": 0, "response_origin": "Tab one"})
    second = save_json(student_client, assignment, {"version": 0, "response_origin": "Tab two"})
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["saved"]["response_origin"] == "Tab one"
    assert SourceAnnotation.objects.count() == 1
    assert saved(student).responses == {"origin": "Tab one"}


def test_a_plain_html_save_redirects_back_with_a_message(student_client, assignment, student):
    response = save(
        student_client, assignment, {"version": 0, "response_origin": "Moscow"}, follow=True
    )
    assert response.redirect_chain == [(url("source_work", assignment, "A"), 302)]
    assert messages_of(response) == ["Your analysis is saved."]
    assert ">Moscow</textarea>" in response.content.decode()


def test_a_stale_html_save_shows_the_saved_version_and_keeps_the_typed_text(
    student_client, assignment, student
):
    save(student_client, assignment, {"version": 0, "response_origin": "Saved in another tab"})
    save(student_client, assignment, {"version": 1, "response_origin": "Saved again there"})

    response = save(
        student_client, assignment, {"version": 1, "response_origin": "Typed on this page"}
    )

    assert response.status_code == 409
    content = response.content.decode()
    assert '<dd class="saved-version">Saved again there</dd>' in content
    assert ">Typed on this page</textarea>" in content
    assert re.search(r'<input type="hidden" name="version" value="2"', content)
    assert saved(student).responses == {"origin": "Saved again there"}


@pytest.mark.parametrize("rating", ["0", "6", "abc"])
def test_a_rating_off_the_scale_is_refused_naming_the_scale(
    student_client, assignment, student, rating
):
    response = save_json(student_client, assignment, {"version": 0, "rating": rating})
    assert response.status_code == 400
    data = response.json()
    assert data["status"] == "invalid"
    assert "from 1 (very unreliable) to 5 (very reliable)" in data["message"]
    assert list(data["errors"]) == ["rating"]
    assert saved(student) is None


def test_a_response_over_5000_characters_is_refused_naming_the_limit(
    student_client, assignment, student
):
    response = save_json(student_client, assignment, {"version": 0, "response_purpose": "x" * 5001})
    assert response.status_code == 400
    assert response.json()["message"] == (
        "Not saved: Purpose: Keep this under 5,000 characters — it is 5,001 now."
    )
    assert saved(student) is None


def test_a_response_of_exactly_5000_characters_is_saved(student_client, assignment, student):
    response = save_json(student_client, assignment, {"version": 0, "response_purpose": "x" * 5000})
    assert response.status_code == 200
    assert len(saved(student).responses["purpose"]) == 5000


def test_a_save_without_a_version_is_refused(student_client, assignment, student):
    response = save_json(student_client, assignment, {"response_origin": "Moscow"})
    assert response.status_code == 400
    assert "version" in response.json()["errors"]
    assert saved(student) is None


def test_an_invalid_html_save_shows_the_error_and_keeps_the_text(
    student_client, assignment, student
):
    data = {"version": 0, "response_origin": "Kept, though not saved", "rating": "9"}
    response = save(student_client, assignment, data)
    assert response.status_code == 400
    content = response.content.decode()
    assert ">Kept, though not saved</textarea>" in content
    assert "Choose a rating from 1 (very unreliable) to 5 (very reliable)." in content
    assert saved(student) is None


def test_saving_the_analysis_keeps_the_highlights_and_links(student_client, assignment, student):
    SourceAnnotation.objects.create(
        assignment=assignment,
        student=student,
        lesson_source=source(assignment, "A"),
        highlights=[
            {"id": "h1", "start": 0, "end": 6, "quote": "We say", "note": "", "tag": "claim"}
        ],
        links=[{"source": source(assignment, "B").pk, "relation": "agrees", "note": ""}],
    )
    assert save_json(student_client, assignment, {"version": 1, "rating": 5}).status_code == 200
    annotation = saved(student)
    assert [h["id"] for h in annotation.highlights] == ["h1"]
    assert len(annotation.links) == 1
    assert annotation.rating == 5


# --- When work may be saved --------------------------------------------------------------


def timed_assignment(classroom, *, opens_in: timedelta, due_in: timedelta, late: bool):
    now = timezone.now()
    return make_assignment(
        classroom,
        lesson=make_text_lesson(SPEECH, REPLY),
        opens_at=now + opens_in,
        due_at=now + due_in,
        late_work_accepted=late,
    )


def test_nothing_is_saved_before_the_assignment_opens(student_client, classroom, student):
    assignment = timed_assignment(
        classroom, opens_in=timedelta(days=1), due_in=timedelta(days=8), late=True
    )
    response = save_json(student_client, assignment, {"version": 0, "response_origin": "Early"})
    assert response.status_code == 403
    assert response.json()["status"] == "refused"
    assert response.json()["message"].startswith("This lesson opens on ")
    assert saved(student) is None


def test_a_closed_assignment_refuses_work_and_says_why(student_client, classroom, student):
    assignment = timed_assignment(
        classroom, opens_in=-timedelta(days=10), due_in=-timedelta(days=1), late=False
    )
    response = save_json(student_client, assignment, {"version": 0, "response_origin": "Late"})
    assert response.status_code == 403
    assert "closed at its due date" in response.json()["message"]
    html = save(student_client, assignment, {"version": 0, "response_origin": "Late"}, follow=True)
    assert "your teacher is not accepting late work" in messages_of(html)[0]
    assert saved(student) is None


def test_late_work_is_saved_when_the_teacher_accepts_it(student_client, classroom, student):
    assignment = timed_assignment(
        classroom, opens_in=-timedelta(days=10), due_in=-timedelta(days=1), late=True
    )
    response = save_json(student_client, assignment, {"version": 0, "response_origin": "Late"})
    assert response.status_code == 200
    assert saved(student).responses == {"origin": "Late"}


@pytest.mark.parametrize(
    ("status", "revision", "message"),
    [
        (Submission.Status.SUBMITTED, False, "You have submitted this work"),
        (Submission.Status.RETURNED, False, "returned this work without asking for a revision"),
    ],
)
def test_submitted_or_returned_work_is_read_only(
    student_client, assignment, student, status, revision, message
):
    Submission.objects.create(
        assignment=assignment, student=student, status=status, revision_allowed=revision
    )
    for name, data in [
        ("source_work", {"version": 0, "response_origin": "After"}),
        ("highlight_add", {"quote": "We say", "tag": "claim"}),
        ("link_add", {"other": source(assignment, "B").pk, "relation": "agrees"}),
    ]:
        response = student_client.post(url(name, assignment, "A"), data, **JSON)
        assert response.status_code == 403, name
        assert message in response.json()["message"]
    assert saved(student) is None


def test_returned_work_with_a_revision_asked_for_can_be_saved_again(
    student_client, assignment, student
):
    SourceAnnotation.objects.create(
        assignment=assignment, student=student, lesson_source=source(assignment, "A"), version=3
    )
    Submission.objects.create(
        assignment=assignment,
        student=student,
        status=Submission.Status.RETURNED,
        revision_allowed=True,
    )
    response = save_json(student_client, assignment, {"version": 3, "response_origin": "Revised"})
    assert response.json()["version"] == 4
    assert saved(student).responses == {"origin": "Revised"}


# --- What a save costs -------------------------------------------------------------------


@pytest.mark.parametrize("highlights", [0, 50])
def test_saving_an_existing_analysis_takes_five_queries_whatever_its_highlights(
    student_client, assignment, student, django_assert_num_queries, highlights
):
    SourceAnnotation.objects.create(
        assignment=assignment,
        student=student,
        lesson_source=source(assignment, "A"),
        highlights=[
            {"id": f"h{n}", "start": 0, "end": 6, "quote": "We say", "note": "", "tag": "claim"}
            for n in range(highlights)
        ],
    )
    # 1 session, 2 the student, 3 the assignment with the source's id and the answer's
    # state, 4 the framework's prompts, 5 the UPDATE guarded by the version.
    with django_assert_num_queries(5):
        response = save_json(student_client, assignment, {"version": 1, **OPVL})
    assert response.json()["version"] == 2
    assert len(saved(student).highlights) == highlights


def test_a_first_save_takes_seven_queries(
    student_client, assignment, student, django_assert_num_queries
):
    # 1 session, 2 the student, 3 the assignment, 4 the framework's prompts, 5 a
    # savepoint, 6 the INSERT, 7 releasing the savepoint.
    with django_assert_num_queries(7):
        response = save_json(student_client, assignment, {"version": 0, **OPVL})
    assert response.json()["version"] == 1
    assert saved(student) is not None


# --- Highlights ---------------------------------------------------------------------------


def add_highlight(client, assignment, data: dict, *, label: str = "A", **extra):
    return client.post(
        url("highlight_add", assignment, label), {"tag": "evidence", **data}, **extra
    )


def the_highlights(student) -> list[dict]:
    annotation = saved(student)
    return annotation.highlights if annotation else []


def test_a_typed_quote_is_anchored_to_the_sources_own_words(student_client, assignment, student):
    # The keyboard way: no selection, so no start offset; case and spacing differ.
    response = add_highlight(
        student_client, assignment, {"quote": "CAPITALIST  countries", "note": "Who?"}, **JSON
    )
    assert response.status_code == 200
    [highlight] = the_highlights(student)
    text = anchor_text(SPEECH)
    assert highlight["quote"] == "capitalist countries"
    assert text[highlight["start"] : highlight["end"]] == highlight["quote"]
    assert (highlight["note"], highlight["tag"]) == ("Who?", "evidence")


def test_a_quote_across_a_line_break_is_found_with_whitespace_collapsed(
    student_client, assignment, student
):
    response = add_highlight(
        student_client, assignment, {"quote": "competition between two"}, **JSON
    )
    assert response.status_code == 200
    [highlight] = the_highlights(student)
    assert anchor_text(SPEECH)[highlight["start"] : highlight["end"]] == "competition between two"


@pytest.mark.parametrize(("hint", "occurrence"), [(None, 0), (0, 0), (60, 1), (500, 1)])
def test_the_start_hint_picks_the_nearest_occurrence(
    student_client, assignment, student, hint, occurrence
):
    text = anchor_text(SPEECH)
    starts = [m.start() for m in re.finditer("(?i)peaceful coexistence", text)]
    assert len(starts) == 2
    data = {"quote": "peaceful coexistence"}
    if hint is not None:
        data["start"] = hint
    add_highlight(student_client, assignment, data, **JSON)
    [highlight] = the_highlights(student)
    assert highlight["start"] == starts[occurrence]
    assert highlight["quote"] == ["peaceful coexistence", "Peaceful coexistence"][occurrence]


def test_a_quote_that_is_not_in_the_source_is_refused(student_client, assignment, student):
    response = add_highlight(student_client, assignment, {"quote": "peaceful surrender"}, **JSON)
    assert response.status_code == 400
    assert response.json()["status"] == "invalid"
    assert "not in this source" in response.json()["message"]
    assert the_highlights(student) == []


def test_a_quote_from_another_source_of_the_lesson_is_refused(student_client, assignment, student):
    response = add_highlight(student_client, assignment, {"quote": "without trust"}, **JSON)
    assert response.status_code == 400
    assert the_highlights(student) == []


@pytest.mark.parametrize("quote", ["", "   \n  "])
def test_an_empty_quote_is_refused(student_client, assignment, student, quote):
    response = add_highlight(student_client, assignment, {"quote": quote}, **JSON)
    assert response.status_code == 400
    assert "Select some words in the source" in response.json()["message"]
    assert the_highlights(student) == []


def test_a_note_over_1000_characters_is_refused(student_client, assignment, student):
    response = add_highlight(
        student_client, assignment, {"quote": "We say", "note": "n" * 1001}, **JSON
    )
    assert response.status_code == 400
    assert "Keep this under 1,000 characters" in response.json()["message"]
    assert the_highlights(student) == []


def test_an_unknown_tag_is_refused(student_client, assignment, student):
    response = add_highlight(
        student_client, assignment, {"quote": "We say", "tag": "gossip"}, **JSON
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["tag"]
    assert the_highlights(student) == []


def test_the_json_answer_carries_the_new_highlights_list(student_client, assignment, student):
    response = add_highlight(student_client, assignment, {"quote": "not a truce"}, **JSON)
    data = response.json()
    assert data["status"] == "saved"
    assert data["message"] == "Highlighted “not a truce”."
    assert "<q>not a truce</q>" in data["highlights_html"]
    assert 'id="highlights"' in data["highlights_html"]
    assert 'id="links"' in data["links_html"]
    [highlight] = the_highlights(student)
    assert url("highlight_remove", assignment, "A", highlight["id"]) in data["highlights_html"]


def test_a_plain_html_highlight_redirects_to_the_source_with_a_message(
    student_client, assignment, student
):
    response = add_highlight(student_client, assignment, {"quote": "not a truce"}, follow=True)
    assert response.redirect_chain == [(url("source_work", assignment, "A"), 302)]
    assert messages_of(response) == ["Highlighted “not a truce”."]
    assert "<q>not a truce</q>" in response.content.decode()


def test_an_invalid_html_highlight_shows_the_error_and_keeps_the_typed_words(
    student_client, assignment, student
):
    response = add_highlight(student_client, assignment, {"quote": "peaceful surrender"})
    assert response.status_code == 400
    content = response.content.decode()
    assert ">peaceful surrender</textarea>" in content
    assert "Those words are not in this source." in content
    assert the_highlights(student) == []


def test_removing_a_highlight_twice_says_it_was_not_there(student_client, assignment, student):
    add_highlight(student_client, assignment, {"quote": "We say"}, **JSON)
    add_highlight(student_client, assignment, {"quote": "not a truce"}, **JSON)
    first, second = the_highlights(student)
    remove = url("highlight_remove", assignment, "A", first["id"])

    once = student_client.post(remove, **JSON)
    twice = student_client.post(remove, **JSON)

    assert once.json()["message"] == "Highlight removed."
    assert "<q>We say</q>" not in once.json()["highlights_html"]
    assert twice.status_code == 404
    assert twice.json()["message"] == "That highlight was already removed or never existed."
    assert the_highlights(student) == [second]


def test_a_source_takes_at_most_the_maximum_number_of_highlights(
    student_client, assignment, student
):
    full = [
        {"id": f"h{n}", "start": 0, "end": 6, "quote": "We say", "note": "", "tag": "claim"}
        for n in range(HIGHLIGHTS_MAX)
    ]
    SourceAnnotation.objects.create(
        assignment=assignment,
        student=student,
        lesson_source=source(assignment, "A"),
        highlights=full,
    )
    response = add_highlight(student_client, assignment, {"quote": "not a truce"}, **JSON)
    assert response.status_code == 400
    assert response.json()["message"] == (
        f"A source can have at most {HIGHLIGHTS_MAX} highlights. Remove one first."
    )
    assert len(the_highlights(student)) == HIGHLIGHTS_MAX


def test_highlights_added_from_two_tabs_both_persist(client, assignment, student):
    tab_one, tab_two = Client(), Client()
    tab_one.force_login(student)
    tab_two.force_login(student)
    add_highlight(tab_one, assignment, {"quote": "two systems"}, **JSON)
    add_highlight(tab_two, assignment, {"quote": "We say"}, **JSON)
    assert [h["quote"] for h in the_highlights(student)] == ["We say", "two systems"]


def test_a_highlight_keeps_the_analysis_and_its_version(student_client, assignment, student):
    save_json(student_client, assignment, {"version": 0, "response_origin": "Moscow"})
    add_highlight(student_client, assignment, {"quote": "We say"}, **JSON)
    annotation = saved(student)
    assert (annotation.version, annotation.responses) == (1, {"origin": "Moscow"})
    assert save_json(student_client, assignment, {"version": 1, "rating": 2}).status_code == 200


def test_a_highlight_made_before_the_first_analysis_save_does_not_make_it_a_conflict(
    student_client, assignment, student
):
    # The page loaded with nothing saved (version 0); the script adds a highlight, which
    # does not tell the page a version, then autosaves the analysis it loaded.
    add_highlight(student_client, assignment, {"quote": "We say"}, **JSON)
    response = save_json(student_client, assignment, {"version": 0, "response_origin": "Moscow"})
    assert response.status_code == 200
    assert saved(student).responses == {"origin": "Moscow"}


def test_a_quote_after_a_dotted_capital_i_is_anchored_to_the_right_words(
    student_client, classroom, student
):
    text = "Jupiter missiles left İzmir in 1963. Peaceful coexistence followed."
    assignment = make_assignment(classroom, lesson=make_text_lesson(text))
    add_highlight(student_client, assignment, {"quote": "peaceful coexistence"}, **JSON)
    [highlight] = the_highlights(student)
    assert highlight["quote"] == "Peaceful coexistence"
    assert text[highlight["start"] : highlight["end"]] == "Peaceful coexistence"


def test_a_refused_html_highlight_sends_the_student_back_to_the_source_page(
    student_client, assignment, student
):
    Submission.objects.create(
        assignment=assignment, student=student, status=Submission.Status.SUBMITTED
    )
    response = add_highlight(student_client, assignment, {"quote": "We say"})
    assert response.status_code == 302
    assert response["Location"] == url("source_work", assignment, "A")


# --- Links between sources ----------------------------------------------------------------


def add_link(client, assignment, data: dict, *, label: str = "A", **extra):
    return client.post(url("link_add", assignment, label), data, **extra)


@pytest.mark.parametrize(
    ("relation", "words"),
    [("agrees", "Agrees with"), ("contradicts", "Contradicts"), ("qualifies", "Qualifies")],
)
def test_a_source_links_to_another_with_a_relation_and_a_note(
    student_client, assignment, student, relation, words
):
    other = source(assignment, "B")
    response = add_link(
        student_client,
        assignment,
        {"other": other.pk, "relation": relation, "note": "Trust <matters>"},
        **JSON,
    )
    assert response.json()["message"] == "Link saved."
    assert saved(student).links == [
        {"source": other.pk, "relation": relation, "note": "Trust <matters>"}
    ]
    assert re.search(
        rf"{words}</span>\s*<a [^>]*>Source B</a>: Trust &lt;matters&gt;",
        response.json()["links_html"],
    )


def test_linking_the_same_pair_again_replaces_the_link(student_client, assignment, student):
    other = source(assignment, "B").pk
    add_link(student_client, assignment, {"other": other, "relation": "agrees"}, **JSON)
    add_link(
        student_client,
        assignment,
        {"other": other, "relation": "qualifies", "note": "Only partly"},
        **JSON,
    )
    assert saved(student).links == [
        {"source": other, "relation": "qualifies", "note": "Only partly"}
    ]


@pytest.mark.parametrize("whose", ["itself", "another lesson"])
def test_a_link_must_go_to_another_source_of_this_lesson(
    student_client, assignment, student, whose
):
    if whose == "itself":
        other = source(assignment, "A")
    else:
        other = make_text_lesson("Elsewhere.").lesson_sources.get()
    response = add_link(
        student_client, assignment, {"other": other.pk, "relation": "agrees"}, **JSON
    )
    assert response.status_code == 400
    assert response.json()["message"] == "Source: Choose another source from this lesson."
    assert saved(student) is None


def test_a_link_with_an_unknown_relation_is_refused(student_client, assignment, student):
    response = add_link(
        student_client,
        assignment,
        {"other": source(assignment, "B").pk, "relation": "loves"},
        **JSON,
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["relation"]
    assert saved(student) is None


def test_an_invalid_html_link_shows_the_error_on_the_source_page(
    student_client, assignment, student
):
    response = add_link(student_client, assignment, {"other": "", "relation": "agrees"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert saved(student) is None


def test_removing_a_link_leaves_the_others(student_client, classroom, student):
    assignment = make_assignment(classroom, lesson=make_text_lesson(SPEECH, REPLY, "Third."))
    b, c = source(assignment, "B").pk, source(assignment, "C").pk
    add_link(student_client, assignment, {"other": b, "relation": "agrees"}, **JSON)
    add_link(student_client, assignment, {"other": c, "relation": "contradicts"}, **JSON)
    response = student_client.post(url("link_remove", assignment, "A", b), **JSON)
    assert response.json()["message"] == "Link removed."
    assert saved(student).links == [{"source": c, "relation": "contradicts", "note": ""}]
    assert "Source B</a>" not in response.json()["links_html"]


# --- Expired security tokens ---------------------------------------------------------------


@pytest.fixture
def strict_client(student) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    return client


def test_a_json_save_with_a_stale_token_gets_json_it_can_explain(
    strict_client, assignment, student
):
    strict_client.get(url("source_work", assignment, "A"))  # sets the CSRF cookie
    response = save_json(
        strict_client,
        assignment,
        {"csrfmiddlewaretoken": "x" * 32, "version": 0, "response_origin": "Typed"},
    )
    assert response.status_code == 403
    assert response.json()["status"] == "csrf"
    assert "Your text is kept here" in response.json()["message"]
    assert saved(student) is None


def test_an_html_post_with_a_stale_token_gets_the_friendly_page(strict_client, assignment, student):
    strict_client.get(url("source_work", assignment, "A"))
    response = save(
        strict_client,
        assignment,
        {"csrfmiddlewaretoken": "x" * 32, "version": 0, "response_origin": "Typed"},
    )
    assert response.status_code == 403
    assert "That page had expired" in response.content.decode()
    assert saved(student) is None


def test_a_save_with_the_pages_own_token_is_accepted(strict_client, assignment, student):
    page = strict_client.get(url("source_work", assignment, "A")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    response = save_json(
        strict_client,
        assignment,
        {"csrfmiddlewaretoken": token, "version": 0, "response_origin": "Typed"},
    )
    assert response.status_code == 200
    assert saved(student).responses == {"origin": "Typed"}


def _with_highlights(assignment, student, count: int) -> SourceAnnotation:
    return SourceAnnotation.objects.create(
        assignment=assignment,
        student=student,
        lesson_source=source(assignment, "A"),
        highlights=[
            {"id": f"h{n}", "start": 0, "end": 6, "quote": "We say", "note": "", "tag": "claim"}
            for n in range(count)
        ],
    )


@pytest.mark.parametrize("highlights", [0, 50])
def test_adding_a_highlight_costs_the_same_whatever_is_there(
    student_client, assignment, student, django_assert_num_queries, highlights
):
    _with_highlights(assignment, student, highlights)
    # 1 session, 2 the student, 3 the assignment with the source's id, 4 the source's
    # text to anchor the words in, then in one transaction: 5 savepoint, 6 the
    # annotation, locked, 7 its UPDATE, 8 release.
    with django_assert_num_queries(8):
        response = student_client.post(
            url("highlight_add", assignment, "A"), {"quote": "not a truce", "tag": "claim"}
        )
    assert response.status_code == 302
    assert len(saved(student).highlights) == highlights + 1


@pytest.mark.parametrize("highlights", [0, 50])
def test_removing_a_highlight_costs_the_same_whatever_is_there(
    student_client, assignment, student, django_assert_num_queries, highlights
):
    _with_highlights(assignment, student, highlights + 1)
    # 1 session, 2 the student, 3 the assignment, 4 savepoint, 5 the annotation, locked,
    # 6 its UPDATE, 7 release.
    with django_assert_num_queries(7):
        student_client.post(url("highlight_remove", assignment, "A", "h0"))
    assert len(saved(student).highlights) == highlights


@pytest.mark.parametrize("highlights", [0, 50])
def test_linking_two_sources_costs_the_same_whatever_is_there(
    student_client, assignment, student, django_assert_num_queries, highlights
):
    _with_highlights(assignment, student, highlights)
    other = source(assignment, "B")
    # 1 session, 2 the student, 3 the assignment, 4 the lesson's other sources (the
    # choices), 5 savepoint, 6 the annotation, locked, 7 its UPDATE, 8 release.
    with django_assert_num_queries(8):
        student_client.post(
            url("link_add", assignment, "A"), {"other": other.pk, "relation": "qualifies"}
        )
    assert saved(student).links == [{"source": other.pk, "relation": "qualifies", "note": ""}]


@pytest.mark.parametrize("highlights", [0, 50])
def test_a_highlight_added_from_the_page_returns_its_lists_at_a_fixed_cost(
    student_client, assignment, student, django_assert_num_queries, highlights
):
    _with_highlights(assignment, student, highlights)
    # The eight queries of the change, then the lists re-rendered for the page: 9 the
    # lesson's sources, 10 the prompts, 11 the annotation, 12 the glossary.
    with django_assert_num_queries(12):
        response = student_client.post(
            url("highlight_add", assignment, "A"), {"quote": "not a truce", "tag": "claim"}, **JSON
        )
    assert response.json()["highlights_html"].count("data-highlight ") == highlights + 1
