"""Hostile text in every field a student or teacher can type, on every page that shows it.

The corpus (`tests.coexist.xss`) holds script tags, event handlers, javascript: and data:
URLs, SVG, attribute breakouts, template syntax, |safe bait, RTL overrides, entities,
closing tags, JSON breakouts, CSS expressions, Markdown links, spreadsheet formulas and
a very long text. The world (`tests.coexist.xss_world`) is built once; a probe round
finds which pages show each field, then every payload goes through every field that
accepts it and every page showing that field is read the way a browser reads it.

Then the paths a person actually types through: the autosave and highlight endpoints
(whose HTML fragments the page inserts with JavaScript), the marking form and comment
bank, a roster and its slips, joining a class, and the admin's own forms.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

import pytest
from django.db import transaction
from django.template import Context, Template
from django.urls import reverse
from django.utils.html import escape

from lessons.models import (
    NOTE_MAX_LENGTH,
    QUOTE_MAX_LENGTH,
    RESPONSE_MAX_LENGTH,
    Classroom,
    SourceAnnotation,
    Submission,
)
from sources.models import Source
from sources.text import anchor_text
from tests.coexist.xss import (
    NULL_BYTE,
    PAYLOADS,
    Payload,
    csv_problems,
    html_problems,
    json_problems,
)
from tests.coexist.xss_world import (
    FIELDS,
    PAGES,
    Field,
    Rendered,
    batches,
    build_world,
    probe_value,
    render_pages,
    set_state,
    value_of,
    write_round,
)
from tests.lessons.factories import make_assignment, make_text_lesson
from tests.sources.factories import source_admin_post

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}
OPVL_KEYS = ("origin", "purpose", "value", "limitation")
PROBE = re.compile(r"probe\d{3}c\d")


def problems_of(rendered: Rendered, payloads: list[Payload]) -> list[str]:
    """Everything wrong with one rendered page, named by page."""
    where = rendered.page.name
    if rendered.status != 200:
        return [f"{where}: status {rendered.status}"]
    if rendered.page.kind == "json":
        if not rendered.content_type.startswith("application/json"):
            return [f"{where}: JSON served as {rendered.content_type!r}"]
        return json_problems(rendered.body, payloads, where)
    if rendered.page.kind == "csv":
        return csv_problems(rendered.body, where)
    return [f"{where}: {problem}" for problem in html_problems(rendered.body, payloads)]


# --- Every field, every page -----------------------------------------------------------


@dataclass
class CorpusRun:
    # (field, copy, returned) → the pages showing that copy of the field in that state
    shown_on: dict[tuple[str, int, bool], set[str]]
    problems: list[str]
    # (field, copy) → the pages that show it differently once the work is returned
    by_state: dict[tuple[str, int], set[str]] = field(default_factory=dict)
    covered: set[tuple[str, str, str]] = field(default_factory=set)  # marker, field, page
    steps: int = 0
    requests: int = 0
    seconds: float = 0.0

    def pages_showing(self, name: str, copy: int) -> set[str]:
        return self.shown_on[(name, copy, False)] | self.shown_on[(name, copy, True)]


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker) -> CorpusRun:
    with django_db_blocker.unblock(), transaction.atomic():
        run = _run_corpus()
        transaction.set_rollback(True)
    return run


def _run_corpus() -> CorpusRun:
    started = time.perf_counter()
    world = build_world()
    run = CorpusRun(shown_on={}, problems=[])
    # The probe: a plain word per field and copy finds the pages that show each one, as
    # a draft and once returned.
    probes = {f.name: [probe_value(f, copy) for copy in range(f.copies)] for f in FIELDS}
    write_round(world, probes, returned=False)
    contexts = {}
    for returned in (False, True):
        set_state(world, returned=returned)
        rendered = render_pages(world, returned=returned)
        run.requests += len(rendered)
        run.problems += [p for r in rendered for p in problems_of(r, [])]
        for f in FIELDS:
            for copy, probe in enumerate(probes[f.name]):
                shown = {r.page.name for r in rendered if probe in r.body}
                run.shown_on[(f.name, copy, returned)] = shown
                for r in rendered:
                    contexts[(f.name, copy, returned, r.page.name)] = _contexts(r.body, probe)
    for f in FIELDS:
        for copy in range(f.copies):
            run.by_state[(f.name, copy)] = {
                page.name
                for page in PAGES
                if page.by_state
                and contexts.get((f.name, copy, False, page.name))
                != contexts.get((f.name, copy, True, page.name))
            }

    # Each step gives every copy of every field the next batch of payloads it accepts;
    # then every page showing a changed field is read as a draft, and those that show
    # work differently once returned are read again after it is returned.
    packed = {f.name: batches(f, PAYLOADS) for f in FIELDS}
    run.steps = max(-(-len(packed[f.name]) // f.copies) for f in FIELDS)
    values = {name: list(copies) for name, copies in probes.items()}
    stored: dict[tuple[str, int], list[Payload]] = {}
    for step in range(run.steps):
        changed = set()
        for f in FIELDS:
            for copy in range(f.copies):
                index = step * f.copies + copy
                if index < len(packed[f.name]):
                    values[f.name][copy] = value_of(f, packed[f.name][index])
                    stored[(f.name, copy)] = packed[f.name][index]
                    changed.add((f.name, copy))
        write_round(world, values, returned=False)
        present = list({p.marker: p for batch in stored.values() for p in batch}.values())
        for returned in (False, True):
            set_state(world, returned=returned)
            if returned:
                wanted = set().union(*(run.by_state[key] for key in changed))
            else:
                wanted = set().union(*(run.shown_on[(*key, False)] for key in changed))
            for r in render_pages(world, returned=returned, only=wanted):
                run.requests += 1
                run.problems += problems_of(r, present)
                for key in changed:
                    if r.page.name in run.shown_on[(*key, returned)]:
                        run.covered.update((p.marker, key[0], r.page.name) for p in stored[key])
    run.seconds = time.perf_counter() - started
    return run


def _contexts(body: str, probe: str) -> tuple[str, ...]:
    """How a page shows a probe: the markup just before each place it appears, with other
    probes masked. The same contexts as a draft and once returned mean the field is shown
    the same way in both, so reading the page again once returned would add nothing."""
    found = []
    start = body.find(probe)
    while start >= 0:
        found.append(PROBE.sub("PROBE", body[max(0, start - 60) : start]))
        start = body.find(probe, start + 1)
    return tuple(sorted(found))


def test_the_corpus_has_more_than_fifty_payloads_of_every_kind():
    kinds = " ".join(p.what for p in PAYLOADS)
    assert len(PAYLOADS) > 50
    for kind in (
        "script",
        "onerror",
        "svg",
        "javascript:",
        "data:",
        "quote",
        "template",
        "|safe",
        "RTL",
        "entities",
        "textarea",
        "JSON",
        "CSS",
        "Markdown",
        "formula",
        "long",
    ):
        assert kind in kinds, kind


def test_every_field_is_shown_on_some_page(corpus):
    unseen = sorted(
        f"{f.name} (copy {copy})"
        for f in FIELDS
        for copy in range(f.copies)
        if not corpus.pages_showing(f.name, copy)
    )
    assert not unseen, f"No page shows these fields; add the page that does to PAGES: {unseen}"


def test_the_pages_a_student_and_their_teacher_read_show_the_fields_they_are_about(corpus):
    """The probe found the fields where a reader expects them, so the payload rounds
    really put hostile text in front of each page (a page that showed nothing would
    pass every check)."""
    expected = {
        ("highlight.note", 0): {"source A", "review", "report", "my work"},
        ("link.note", 0): {"source A", "review"},
        ("annotation.response", 0): {"source A", "bibliography", "review", "annotations CSV"},
        ("submission.answer", 0): {"answer", "review", "report", "my work"},
        ("submission.feedback", 0): {"answer", "review"},
        ("glossary.definition", 0): {"assignment", "source A", "lesson preview"},
        ("classroom.name", 0): {"class", "dashboard", "student home", "admin class"},
        ("student.first_name", 0): {"class", "dashboard", "review", "marks CSV"},
        ("source.text", 0): {"source A", "source detail", "admin source"},
        ("provenance.container_title", 0): {"source A", "bibliography", "admin source"},
        ("bank.text", 0): {"review"},
    }
    missing = {
        key: sorted(pages - corpus.pages_showing(*key))
        for key, pages in expected.items()
        if not pages <= corpus.pages_showing(*key)
    }
    assert not missing


def test_no_page_runs_or_shows_raw_any_payload_in_any_field(corpus):
    assert not corpus.problems, f"{len(corpus.problems)} problems:\n" + "\n".join(
        corpus.problems[:200]
    )


def test_every_payload_a_field_accepts_reached_every_page_that_shows_that_field(corpus):
    expected = {
        (payload.marker, f.name, page)
        for f in FIELDS
        for index, batch in enumerate(batches(f, PAYLOADS))
        for payload in batch
        for page in corpus.pages_showing(f.name, index % f.copies)
    }
    missing = sorted(expected - corpus.covered)
    assert not missing, f"{len(missing)} of {len(expected)} never shown: {missing[:40]}"


# --- What people actually type, through the forms and endpoints they type it into ------------

SOURCE_TEXT = "\n\n".join(p.text.strip() for p in PAYLOADS)
LABELLED = [p for p in PAYLOADS if len(p.text.strip()) <= 1000]  # fit a note


def pieces(limit: int, payloads: list[Payload] = PAYLOADS, *, lines: bool = True) -> list[str]:
    """The payloads packed into as few texts as fit `limit` characters, a paragraph each
    (or separated by spaces, for a one-line box)."""
    field = Field("typed", limit, lambda value: len(value) <= limit, text=lines)
    return [value_of(field, batch) for batch in batches(field, payloads)]


def assert_safe(response, payloads: list[Payload] = PAYLOADS, *, status: int | None = None):
    """The response is refused or shown as expected, and nothing in it runs."""
    assert response.status_code < 500, response.status_code
    if status is not None:
        assert response.status_code == status, response.content[:500]
    body = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        problems = json_problems(body, payloads, response.request["PATH_INFO"])
    else:
        problems = html_problems(body, payloads)
    assert not problems, "\n".join(problems)
    return response


def url(name: str, assignment, *args) -> str:
    return reverse(f"lessons:{name}", args=[assignment.pk, *args])


@pytest.fixture
def hostile(classroom):
    """An assignment whose source A's text is the whole corpus, a paragraph each."""
    return make_assignment(classroom, lesson=make_text_lesson(SOURCE_TEXT, "A plain reply."))


def test_an_autosaved_analysis_keeps_every_payload_as_typed_and_a_stale_tab_gets_it_back_as_json(
    student_client, student, hostile
):
    responses = pieces(RESPONSE_MAX_LENGTH)
    reasons = pieces(3000)
    data = {
        "version": 0,
        **{f"response_{key}": text for key, text in zip(OPVL_KEYS, responses, strict=False)},
        "rating": 2,
        "rating_reason": reasons[0],
    }
    assert_safe(student_client.post(url("source_work", hostile, "A"), data, **JSON), status=200)
    saved = SourceAnnotation.objects.get(student=student)
    assert [saved.responses[key] for key in OPVL_KEYS[: len(responses)]] == responses
    assert saved.rating_reason == reasons[0]

    assert_safe(student_client.get(url("source_work", hostile, "A")), status=200)
    stale = assert_safe(
        student_client.post(url("source_work", hostile, "A"), data, **JSON), status=409
    )
    assert stale.json()["saved"]["response_origin"] == responses[0]


def test_a_highlight_of_every_payload_with_every_payload_as_its_note_is_escaped_in_the_fragment(
    student_client, student, hostile
):
    """The page inserts `highlights_html` and `links_html` with JavaScript, so the
    fragments themselves must be safe, not only the full page."""
    for payload in LABELLED:
        quote = anchor_text(payload.text)[:QUOTE_MAX_LENGTH]
        response = student_client.post(
            url("highlight_add", hostile, "A"),
            {"quote": quote, "note": payload.text.strip(), "tag": "evidence"},
            **JSON,
        )
        assert_safe(response, status=200)
        assert payload.marker in response.json()["highlights_html"]
    highlights = SourceAnnotation.objects.get(student=student).highlights
    assert {h["note"] for h in highlights} == {p.text.strip() for p in LABELLED}
    assert_safe(student_client.get(url("source_work", hostile, "A")), status=200)


def test_a_highlight_added_without_javascript_reports_its_quote_escaped_on_the_next_page(
    student_client, hostile
):
    quote = anchor_text(PAYLOADS[0].text)
    response = student_client.post(
        url("highlight_add", hostile, "A"),
        {"quote": quote, "note": PAYLOADS[5].text, "tag": "evidence"},
        follow=True,
    )
    assert_safe(response, status=200)
    assert "Highlighted" in response.content.decode()


def test_link_notes_carrying_every_payload_are_escaped_in_the_fragment_and_the_page(
    student_client, student, hostile
):
    other = hostile.lesson.lesson_sources.get(label="B")
    for note in pieces(NOTE_MAX_LENGTH, LABELLED, lines=False):
        response = student_client.post(
            url("link_add", hostile, "A"),
            {"other": other.pk, "relation": "agrees", "note": note},
            **JSON,
        )
        assert_safe(response, status=200)
        assert SourceAnnotation.objects.get(student=student).links[0]["note"] == note
    assert_safe(student_client.get(url("source_work", hostile, "A")), status=200)


@pytest.mark.parametrize(
    "payload", [p for p in PAYLOADS if "/" not in p.text][:12], ids=lambda p: p.marker
)
def test_a_payload_as_the_highlight_to_remove_is_answered_safely(student_client, hostile, payload):
    path = url("highlight_remove", hostile, "A", quote(payload.text.strip(), safe=""))
    assert_safe(student_client.post(path, **JSON), [payload])
    assert_safe(student_client.post(path, follow=True), [payload])


def test_an_autosaved_answer_keeps_every_payload_and_is_escaped_on_the_answer_page(
    student_client, student, hostile
):
    answer = pieces(20000)[0]
    reason = pieces(3000)[0]
    data = {"version": 0, "answer": answer, "judgement": 3, "interpretation_reason": reason}
    assert_safe(student_client.post(url("answer", hostile), data, **JSON), status=200)
    assert Submission.objects.get(student=student).answer == answer
    assert_safe(student_client.get(url("answer", hostile)), status=200)
    assert_safe(student_client.get(url("submit", hostile)), status=200)
    stale = assert_safe(student_client.post(url("answer", hostile), data, **JSON), status=409)
    assert stale.json()["saved"]["answer"] == answer


@pytest.mark.parametrize(
    "name, data",
    [
        ("source_work", {"version": 0, "response_origin": NULL_BYTE.text}),
        ("highlight_add", {"quote": "Peaceful coexistence", "note": NULL_BYTE.text}),
        ("answer", {"version": 0, "answer": NULL_BYTE.text}),
    ],
)
def test_a_null_byte_is_refused_with_a_message_and_nothing_is_saved(
    student_client, student, hostile, name, data
):
    args = ("A",) if name != "answer" else ()
    response = assert_safe(
        student_client.post(url(name, hostile, *args), data, **JSON), [NULL_BYTE]
    )
    assert response.status_code == 400
    assert response.json()["message"]
    assert not SourceAnnotation.objects.filter(student=student).exists()
    assert not Submission.objects.filter(student=student).exists()


def test_feedback_and_source_comments_carrying_every_payload_reach_teacher_and_student_escaped(
    client, teacher, student, hostile
):
    client.force_login(student)
    client.post(url("source_work", hostile, "A"), {"version": 0, "response_origin": "Mine."})
    client.post(url("answer", hostile), {"version": 0, "answer": "Coexistence.", "judgement": 3})
    client.post(url("submit", hostile), {"version": 1})
    annotation = SourceAnnotation.objects.get(student=student)
    feedback = pieces(10000)[0]
    comment = pieces(3000)[0]
    client.force_login(teacher)
    review = reverse("lessons:review", args=[hostile.pk, student.pk])
    response = client.post(
        review,
        {
            "version": 2,
            "feedback": feedback,
            f"comment_{annotation.pk}": comment,
            "mark": 7,
            "mark_out_of": 10,
            "action": "return",
        },
    )
    assert response.status_code == 302, response.content[:300]
    assert Submission.objects.get(student=student).feedback == feedback
    assert_safe(client.get(review), status=200)
    assert_safe(client.get(reverse("lessons:report", args=[hostile.pk, student.pk])), status=200)
    client.force_login(student)
    page = assert_safe(client.get(url("answer", hostile)), status=200)
    assert PAYLOADS[0].marker in page.content.decode()
    assert_safe(client.get(url("source_work", hostile, "A")), status=200)


def test_the_comment_bank_keeps_payloads_and_its_fragment_and_page_are_escaped(
    teacher_client, teacher
):
    for text in pieces(500, lines=False):
        response = teacher_client.post(reverse("lessons:bank_add"), {"text": text}, **JSON)
        assert_safe(response, status=200)
        assert response.json()["entry"]["text"] == text
    entry = teacher.comment_bank.first()
    response = teacher_client.post(reverse("lessons:bank_remove", args=[entry.pk]), **JSON)
    assert_safe(response, status=200)


def test_a_roster_of_hostile_names_is_refused_line_by_line_with_the_names_escaped(
    teacher_client, classroom
):
    names = "\n".join(f"Ada {p.text.strip()}" for p in LABELLED if "\n" not in p.text)
    response = teacher_client.post(
        reverse("lessons:class_roster", args=[classroom.pk]), {"names": names}
    )
    assert_safe(response, status=400)
    assert "Nobody was added" in response.content.decode()


def test_a_new_password_slip_for_a_student_named_with_payloads_is_escaped(
    teacher_client, classroom, student
):
    student.first_name, student.last_name = PAYLOADS[0].text, PAYLOADS[38].text
    student.display_name = PAYLOADS[30].text
    student.save()
    slip = teacher_client.post(reverse("lessons:reset_password", args=[classroom.pk, student.pk]))
    assert_safe(slip, status=200)
    assert PAYLOADS[0].marker in slip.content.decode()
    assert_safe(teacher_client.get(reverse("lessons:class", args=[classroom.pk])), status=200)


@pytest.mark.parametrize("payload", LABELLED[::4], ids=lambda p: p.marker)
def test_a_hostile_class_code_or_signup_is_refused_and_echoed_escaped(client, classroom, payload):
    text = payload.text.strip()
    assert_safe(client.post(reverse("lessons:join"), {"code": text}), [payload])
    if "/" not in text:
        assert_safe(
            client.get(reverse("lessons:join_class", args=[quote(text, safe="")])), [payload]
        )
    signup = client.post(
        reverse("lessons:join_class", args=[classroom.join_code]),
        {
            "first_name": text[:150],
            "last_name": text[:150],
            "username": text[:150],
            "password1": "correct-horse-battery-9",
            "password2": "correct-horse-battery-9",
        },
    )
    assert_safe(signup, [payload], status=400)


@pytest.mark.parametrize("payload", LABELLED[::4], ids=lambda p: p.marker)
def test_a_hostile_username_at_either_login_and_its_lockout_is_echoed_escaped(client, db, payload):
    username = payload.text.strip()[:150]
    for url_name in ("login", "admin:login"):
        for _attempt in range(6):
            response = client.post(
                reverse(url_name), {"username": username, "password": "wrong-password"}
            )
            assert_safe(response, [payload])
        assert response.status_code == 429


def test_a_source_typed_into_the_admin_with_payloads_everywhere_is_escaped_after_saving(
    teacher_client,
):
    short = {p.marker: p.text.strip() for p in PAYLOADS}
    data = source_admin_post(
        title=short["xss01"] + short["xss06"],
        slug="hostile",
        summary=pieces(3000)[0],
        text=pieces(50000)[0],
        image_alt=short["xss31"],
        **{
            "provenance-0-place": short["xss33"],
            "provenance-0-occasion": short["xss16"],
            "provenance-0-context": pieces(2000)[0],
            "provenance-0-audience": short["xss38"],
            "provenance-0-note": pieces(1000)[0],
            "provenance-0-container_title": short["xss40"],
        },
    )
    response = teacher_client.post(reverse("admin:sources_source_add"), data, follow=True)
    assert_safe(response, status=200)
    source = Source.objects.get(slug="hostile")
    assert source.title == short["xss01"] + short["xss06"]
    assert_safe(teacher_client.get(reverse("admin:sources_source_change", args=[source.pk])))
    assert_safe(teacher_client.get(reverse("sources:detail", args=[source.slug])), status=200)
    assert_safe(teacher_client.get(reverse("admin:sources_source_history", args=[source.pk])))


@pytest.mark.parametrize("payload", LABELLED[::3], ids=lambda p: p.marker)
def test_a_class_named_with_a_payload_in_the_admin_is_escaped_in_its_messages_and_lists(
    teacher_client, teacher, payload
):
    name = payload.text.strip()[:120]
    response = teacher_client.post(
        reverse("admin:lessons_classroom_add"),
        {
            "name": name,
            "teachers": [teacher.pk],
            "joining_open": "on",
            **{
                f"{prefix}-{key}": value
                for prefix in ("assignments", "enrolments")
                for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
            },
            "_save": "Save",
        },
        follow=True,
    )
    assert_safe(response, [payload], status=200)
    assert Classroom.objects.get(teachers=teacher).name == name
    search = reverse("admin:lessons_classroom_changelist") + "?" + urlencode({"q": name})
    assert_safe(teacher_client.get(search), [payload], status=200)


@pytest.mark.parametrize(
    "payload", [p for p in PAYLOADS if "/" not in p.text][:10], ids=lambda p: p.marker
)
def test_a_payload_in_an_address_gets_a_safe_not_found_page(student_client, hostile, payload):
    text = quote(payload.text.strip(), safe="")
    assert_safe(student_client.get(f"/sources/{text}/"), [payload])
    assert_safe(student_client.get(url("source_work", hostile, text)), [payload])
    assert_safe(student_client.get(f"/{text}/"), [payload])


# --- The checks themselves catch what they are for ---------------------------------------

# Harmless when left unescaped in HTML: they matter elsewhere (a spreadsheet, a script
# string, a template that evaluates them) or only confuse the reader.
HARMLESS_AS_HTML = {
    **dict.fromkeys(("xss47", "xss48", "xss49", "xss52"), "template syntax: see below"),
    **dict.fromkeys(("xss53", "xss55", "xss56"), "RTL, fullwidth, zero-width: only text"),
    **dict.fromkeys(("xss57", "xss58", "xss59"), "entities: text once unescaped"),
    "xss63": "a Markdown link is text unless rendered as Markdown (then: href check)",
    **dict.fromkeys(("xss69", "xss70", "xss71"), "script-string breakouts: no inline script"),
    **dict.fromkeys(("xss72", "xss73", "xss74", "xss75"), "formulas: see csv_problems"),
}


def _page(body: str) -> str:
    return f"<!doctype html><html><body>{body}</body></html>"


def _contexts_for(text: str) -> list[str]:
    return [
        f"<p>{text}</p>",
        f'<input value="{text}">',
        f"<input value='{text}'>",
        f'<a href="{text}">link</a>',
        f"<textarea>{text}</textarea>",
    ]


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: p.marker)
def test_the_checks_catch_the_payload_left_unescaped_and_pass_it_escaped(payload):
    text = payload.text.strip()
    raw = [html_problems(_page(context), [payload]) for context in _contexts_for(text)]
    escaped = [html_problems(_page(c), [payload]) for c in _contexts_for(escape(text))]
    assert any(raw) or payload.marker in HARMLESS_AS_HTML
    # Escaping is no defence for a URL: a javascript: link stays one, and is caught.
    in_href = text.lower().startswith(("javascript:", "data:text/html"))
    assert escaped == [[]] * 3 + [escaped[3] if in_href else []] + [[]]
    assert bool(escaped[3]) == in_href


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if "{" in p.text], ids=lambda p: p.marker)
def test_the_checks_catch_template_syntax_that_was_evaluated(payload, rf):
    request = rf.get("/")
    request.user = type("User", (), {"password": "md5$salt$hash"})()
    evaluated = Template(payload.text).render(Context({"request": request}))
    assert html_problems(_page(evaluated), [payload])


def test_the_checks_catch_a_spreadsheet_formula_but_not_a_guarded_one():
    assert csv_problems('Name,Note\r\nSam,"=HYPERLINK(""http://x"")"\r\n', "marks")
    assert not csv_problems("Name,Note\r\nSam,'=HYPERLINK(1)\r\n", "marks")
