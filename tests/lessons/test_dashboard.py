"""The teacher's dashboard for one assignment: where each student stands, how the class
rated each source, what it highlighted and what it concluded."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from lessons.models import Assignment, Enrolment, LessonSource, SourceAnnotation, Submission
from sources.models import Source
from tests.factories import make_student
from tests.lessons.factories import (
    make_assignment,
    make_class_assignment,
    make_lesson,
)
from tests.sources.factories import make_author, make_gaddis_interpretation, make_interpretation

pytestmark = pytest.mark.django_db

TEXT_A = "Peaceful coexistence is the only alternative to war. We shall bury you economically."


def dashboard(assignment: Assignment, show: str | None = None) -> str:
    url = reverse("lessons:dashboard", args=[assignment.pk])
    return f"{url}?show={show}" if show else url


def source(assignment: Assignment, label: str) -> LessonSource:
    return assignment.lesson.lesson_sources.get(label=label)


def enrol(classroom, *students) -> None:
    for person in students:
        Enrolment.objects.create(classroom=classroom, student=person)


def annotate(assignment, student, lesson_source, **fields) -> SourceAnnotation:
    fields.setdefault("status", SourceAnnotation.Status.DONE)
    return SourceAnnotation.objects.create(
        assignment=assignment, student=student, lesson_source=lesson_source, **fields
    )


def hand_in(assignment, student, status=Submission.Status.SUBMITTED, **fields) -> Submission:
    return Submission.objects.create(
        assignment=assignment, student=student, status=status, **fields
    )


def highlight(quote: str, *, text: str = TEXT_A, tag: str = "evidence", note: str = "") -> dict:
    start = text.index(quote) if quote in text else 0
    return {
        "id": quote[:8],
        "quote": quote,
        "start": start,
        "end": start + len(quote),
        "note": note,
        "tag": tag,
    }


def plain(html: str) -> str:
    """The words of some HTML as a reader hears them, tags dropped, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def grid(content: str) -> dict[str, list[str]]:
    """The ratings grid: each student's name and the plain text of each of their cells."""
    body = content.split('class="table align-middle mb-0 ratings-grid"')[1].split("</table>")[0]
    body = body.split("<tbody>")[1]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [plain(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        if len(cells) > 1:
            rows[cells[0]] = cells[1:]
    return rows


def grid_cells_html(content: str, name: str) -> list[str]:
    """One student's grid cells as HTML, for checks on markup (hidden words, labels)."""
    body = content.split("<tbody>")[1].split("</tbody>")[0]
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        if plain(cells[0]) == name:
            return cells[1:]
    raise AssertionError(f"{name} is not in the grid")


def spread_cards(content: str) -> list[tuple[str, str]]:
    """The per-source cards in the order shown: (source label, the card's HTML)."""
    cards = re.findall(
        r'<article class="card card-paper h-100 spread-card"(.*?)</article>', content, re.S
    )
    return [
        (re.search(r"<span class=\"visually-hidden\">Source (\w+): ", card)[1], card)
        for card in cards
    ]


def bar_counts(html: str) -> dict[str, int]:
    """A bar table's rows: the label (without badges) and its count."""
    rows = re.findall(
        r'<th scope="row" class="fw-normal">(.*?)</th>.*?<span class="bar-count">(\d+)</span>',
        html,
        re.S,
    )
    return {plain(re.sub(r"<span class=\"badge.*?</span>", "", label)): int(n) for label, n in rows}


def section(content: str, heading_id: str) -> str:
    """From a heading to the next h2: one part of the page."""
    return content.split(f'id="{heading_id}"')[1].split("<h2")[0]


@pytest.fixture
def lesson():
    lesson = make_lesson(sources=3, published=True, title="Peaceful coexistence")
    first = lesson.lesson_sources.get(label="A")
    Source.objects.filter(pk=first.source_id).update(text=TEXT_A)
    return lesson


@pytest.fixture
def assignment(classroom, lesson) -> Assignment:
    return make_assignment(classroom, lesson=lesson)


@pytest.fixture
def ada():
    return make_student("ada", first_name="Ada", last_name="Archer")


@pytest.fixture
def ben():
    return make_student("ben", first_name="Ben", last_name="Baker")


@pytest.fixture
def cat():
    return make_student("cat", first_name="Cat", last_name="Clark")


@pytest.fixture
def dan():
    return make_student("dan", first_name="Dan", last_name="Dunn")


@pytest.fixture
def every_stage(classroom, assignment, ada, ben, cat, dan):
    """Sam has not started; Ada and Ben are working (Ben has a draft answer); Cat has
    submitted; Dan's work is returned with a mark."""
    enrol(classroom, ada, ben, cat, dan)
    a = source(assignment, "A")
    annotate(assignment, ada, a, rating=2, status=SourceAnnotation.Status.IN_PROGRESS)
    hand_in(assignment, ben, status=Submission.Status.DRAFT, judgement=1)
    annotate(assignment, cat, a, rating=4)
    hand_in(assignment, cat, judgement=4)
    annotate(assignment, dan, a, rating=5)
    hand_in(assignment, dan, status=Submission.Status.RETURNED, mark=7, mark_out_of=10)


# --- Who may see it ------------------------------------------------------------------------


def test_the_teacher_of_the_class_sees_its_dashboard(teacher_client, assignment):
    response = teacher_client.get(dashboard(assignment))
    assert response.status_code == 200
    assert '<h1 class="h2 mb-1">Peaceful coexistence</h1>' in response.content.decode()
    assert list(grid(response.content.decode())) == ["Sam"]


def test_a_co_teacher_of_the_class_sees_the_same_dashboard(
    client, classroom, assignment, other_teacher
):
    classroom.teachers.add(other_teacher)
    client.force_login(other_teacher)
    response = client.get(dashboard(assignment))
    assert response.status_code == 200
    assert list(grid(response.content.decode())) == ["Sam"]


def test_another_teacher_cannot_see_the_dashboard_of_a_class_they_do_not_teach(
    client, assignment, other_teacher, other_classroom
):
    client.force_login(other_teacher)
    assert client.get(dashboard(assignment)).status_code == 404


def test_a_student_of_the_class_cannot_see_the_dashboard(student_client, assignment):
    assert student_client.get(dashboard(assignment)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, assignment):
    response = client.get(dashboard(assignment))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={dashboard(assignment)}"


def test_the_dashboard_refuses_a_post(teacher_client, assignment):
    assert teacher_client.post(dashboard(assignment)).status_code == 405


# --- Where each student stands ---------------------------------------------------------------


def test_each_student_is_shown_at_their_stage(teacher_client, assignment, every_stage):
    rows = grid(teacher_client.get(dashboard(assignment)).content.decode())
    assert {name: cells[0] for name, cells in rows.items()} == {
        "Sam": "Not started",
        "Ada Archer": "Working",
        "Ben Baker": "Working",
        "Cat Clark": "To mark",
        "Dan Dunn": "Returned",
    }


def test_students_are_listed_by_surname(teacher_client, assignment, every_stage):
    rows = grid(teacher_client.get(dashboard(assignment)).content.decode())
    assert list(rows) == ["Sam", "Ada Archer", "Ben Baker", "Cat Clark", "Dan Dunn"]


@pytest.mark.parametrize(
    ("show", "names"),
    [
        ("not_started", ["Sam"]),
        ("working", ["Ada Archer", "Ben Baker"]),
        ("to_mark", ["Cat Clark"]),
        ("returned", ["Dan Dunn"]),
        ("all", ["Sam", "Ada Archer", "Ben Baker", "Cat Clark", "Dan Dunn"]),
        ("nonsense", ["Sam", "Ada Archer", "Ben Baker", "Cat Clark", "Dan Dunn"]),
    ],
)
def test_the_stage_filter_keeps_only_the_students_at_that_stage(
    teacher_client, assignment, every_stage, show, names
):
    rows = grid(teacher_client.get(dashboard(assignment, show)).content.decode())
    assert list(rows) == names


def test_the_stage_filter_counts_everyone_at_each_stage_and_marks_the_current_one(
    teacher_client, assignment, every_stage
):
    content = teacher_client.get(dashboard(assignment, "working")).content.decode()
    pills = re.findall(r'<a class="nav-link( active)?" href="\?show=(\w+)"[^>]*>(.*?)</a>', content)
    assert [(key, plain(label), bool(active)) for active, key, label in pills] == [
        ("all", "Everyone 5", False),
        ("not_started", "Not started 1", False),
        ("working", "Working 2", True),
        ("to_mark", "To mark 1", False),
        ("returned", "Returned 1", False),
    ]
    assert 'href="?show=working" aria-current="page"' in content


def test_a_filtered_list_links_each_student_to_marking_in_the_same_stage(
    teacher_client, assignment, every_stage, cat
):
    content = teacher_client.get(dashboard(assignment, "to_mark")).content.decode()
    review = reverse("lessons:review", args=[assignment.pk, cat.pk])
    assert f'<a href="{review}?show=to_mark">Cat Clark</a>' in content


def test_the_figures_count_who_started_who_is_to_mark_and_who_is_returned(
    teacher_client, assignment, every_stage
):
    content = teacher_client.get(dashboard(assignment)).content.decode()
    figures = re.findall(r'<span class="figure-number">(\d+)</span>([^<]*)<', content)
    assert [(n, words.strip()) for n, words in figures] == [
        ("4", "of 5 started"),
        ("0", "finished every source"),
        ("1", "to mark"),
        ("1", "returned"),
    ]


def test_a_filter_that_matches_nobody_names_the_stage_in_words(
    teacher_client, assignment, every_stage
):
    Submission.objects.filter(status=Submission.Status.SUBMITTED).update(
        status=Submission.Status.RETURNED
    )
    content = teacher_client.get(dashboard(assignment, "to_mark")).content.decode()
    assert "Nobody is at “to mark” now." in content


# --- The ratings grid ----------------------------------------------------------------------


def test_each_rating_is_in_its_sources_column_with_its_word_and_a_dot_for_unrated(
    teacher_client, classroom, assignment, ada
):
    enrol(classroom, ada)
    annotate(assignment, ada, source(assignment, "A"), rating=2)
    annotate(assignment, ada, source(assignment, "C"), rating=5, status="in_progress")
    content = teacher_client.get(dashboard(assignment)).content.decode()
    assert grid(content)["Ada Archer"] == [
        "Working",
        "1 of 3",
        "2 Mostly unreliable",
        "·",
        "5 Very reliable",
        "—",
        "—",
    ]
    a, b, c = grid_cells_html(content, "Ada Archer")[2:5]
    assert '<span class="visually-hidden"> Mostly unreliable</span>' in a
    assert 'title="Mostly unreliable"' in a
    assert 'aria-label="not rated">·</span>' in b
    assert '<span class="visually-hidden"> Very reliable</span>' in c


def test_in_french_each_row_counts_its_sources_and_names_its_ratings_in_french(
    teacher_client, classroom, assignment, ada, ben
):
    """The page builds each kind of rating cell once and reuses it: every row still shows
    its own ratings, in the page's language, as does its count of sources done."""
    enrol(classroom, ada, ben)
    annotate(assignment, ada, source(assignment, "A"), rating=2)
    annotate(assignment, ben, source(assignment, "A"), rating=2, status="in_progress")
    annotate(assignment, ben, source(assignment, "B"), rating=5)
    response = teacher_client.get(dashboard(assignment), headers={"accept-language": "fr"})
    content = response.content.decode()
    assert response.headers["Content-Language"] == "fr"
    rows = grid(content)
    assert rows["Ada Archer"][1:5] == ["1 sur 3", "2 Plutôt peu fiable", "·", "·"]
    assert rows["Ben Baker"][1:5] == ["1 sur 3", "2 Plutôt peu fiable", "5 Très fiable", "·"]
    a, b = grid_cells_html(content, "Ada Archer")[2:4]
    assert a == (
        '<span class="rating-cell rating-2" title="Plutôt peu fiable">2'
        '<span class="visually-hidden"> Plutôt peu fiable</span></span>'
    )
    assert b == '<span class="rating-cell rating-none" aria-label="non évaluée">·</span>'


def test_the_grid_has_one_column_per_source_in_lesson_order(teacher_client, assignment):
    content = teacher_client.get(dashboard(assignment)).content.decode()
    head = content.split('ratings-grid">')[1].split("</thead>")[0]
    assert [plain(th) for th in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)] == [
        "Student",
        "Stage",
        "Sources done",
        "A",
        "B",
        "C",
        "Judgement",
        "Mark",
    ]


def test_the_grid_shows_a_handed_in_judgement_and_the_mark_but_not_a_drafts_judgement(
    teacher_client, assignment, every_stage
):
    rows = grid(teacher_client.get(dashboard(assignment)).content.decode())
    assert rows["Ben Baker"][-2:] == ["—", "—"]  # a draft judgement of 1 stays private
    assert rows["Cat Clark"][-2:] == ["To a large extent", "—"]
    assert rows["Dan Dunn"][-1] == "7/10"


# --- How the class rated each source -----------------------------------------------------------


@pytest.fixture
def rated(classroom, assignment, ada, ben, cat, dan):
    """A is nearly agreed (3, 3, 4), B split two ways (2, 4), C torn apart (1, 5, 1, 5)."""
    enrol(classroom, ada, ben, cat, dan)
    ratings = {"A": [3, 3, 4], "B": [2, 4], "C": [1, 5, 1, 5]}
    for label, values in ratings.items():
        for person, rating in zip([ada, ben, cat, dan], values, strict=False):
            annotate(assignment, person, source(assignment, label), rating=rating)
    LessonSource.objects.filter(pk=source(assignment, "C").pk).update(model_rating=5)


def test_the_most_contested_source_comes_first(teacher_client, assignment, rated):
    content = teacher_client.get(dashboard(assignment)).content.decode()
    assert [label for label, _ in spread_cards(content)] == ["C", "B", "A"]


def test_sources_equally_agreed_keep_the_lesson_order(teacher_client, assignment):
    content = teacher_client.get(dashboard(assignment)).content.decode()
    assert [label for label, _ in spread_cards(content)] == ["A", "B", "C"]


def test_each_sources_spread_counts_the_students_at_each_rating(teacher_client, assignment, rated):
    cards = dict(spread_cards(teacher_client.get(dashboard(assignment)).content.decode()))
    assert bar_counts(cards["C"]) == {
        "Very unreliable": 2,
        "Mostly unreliable": 0,
        "Partly reliable": 0,
        "Mostly reliable": 0,
        "Very reliable": 2,
    }
    assert bar_counts(cards["A"]) == {
        "Very unreliable": 0,
        "Mostly unreliable": 0,
        "Partly reliable": 2,
        "Mostly reliable": 1,
        "Very reliable": 0,
    }


def test_a_wide_spread_is_labelled_contested_and_a_narrow_one_is_not(
    teacher_client, assignment, rated
):
    cards = dict(spread_cards(teacher_client.get(dashboard(assignment)).content.decode()))
    assert "4 rated · average 3 · contested (spread 2.0)" in plain(cards["C"])
    assert "2 rated · average 3 · contested (spread 1.0)" in plain(cards["B"])
    assert "3 rated · average 3.3" in plain(cards["A"])
    assert "contested" not in cards["A"]


def test_the_teachers_own_rating_is_marked_your_judgement_with_the_class_distance(
    teacher_client, assignment, rated
):
    cards = dict(spread_cards(teacher_client.get(dashboard(assignment)).content.decode()))
    marked = re.findall(r'<tr class="bar-model">\s*<th[^>]*>(.*?)</th>', cards["C"], re.S)
    assert [plain(label) for label in marked] == ["Very reliable your judgement"]
    assert "Your rating: 5 · class -2 from yours" in plain(cards["C"])
    assert "your judgement" not in cards["A"]
    assert "Your rating" not in cards["A"]


def test_a_source_nobody_rated_says_so(teacher_client, assignment):
    cards = dict(spread_cards(teacher_client.get(dashboard(assignment)).content.decode()))
    assert "Nobody has rated it yet." in cards["A"]
    assert set(bar_counts(cards["A"]).values()) == {0}


# --- Judgements and interpretations -----------------------------------------------------------


@pytest.fixture
def interpretations(lesson):
    gaddis = make_gaddis_interpretation()
    taubman = make_interpretation(
        historian=make_author(given_names="William", family_name="Taubman"),
        position="A sincere change of heart",
    )
    lesson.interpretations.add(gaddis, taubman)
    return gaddis, taubman


def test_the_judgement_spread_counts_handed_in_answers_only(
    teacher_client, classroom, assignment, ada, ben, cat, dan
):
    enrol(classroom, ada, ben, cat, dan)
    hand_in(assignment, ada, status=Submission.Status.DRAFT, judgement=1)
    hand_in(assignment, ben, judgement=4)
    hand_in(assignment, cat, status=Submission.Status.RETURNED, judgement=4)
    hand_in(assignment, dan, judgement=2)
    content = teacher_client.get(dashboard(assignment)).content.decode()
    part = section(content, "judgement-heading")
    assert "3 submitted answers with a judgement." in plain(part)
    assert bar_counts(part) == {
        "Not at all": 0,
        "To a small extent": 1,
        "To some extent": 0,
        "To a large extent": 2,
        "Completely": 0,
    }


def test_the_interpretation_spread_counts_handed_in_answers_only(
    teacher_client, classroom, assignment, interpretations, ada, ben, cat, dan
):
    gaddis, taubman = interpretations
    enrol(classroom, ada, ben, cat, dan)
    hand_in(assignment, ada, status=Submission.Status.DRAFT, preferred_interpretation=gaddis)
    hand_in(assignment, ben, preferred_interpretation=taubman)
    hand_in(assignment, cat, status=Submission.Status.RETURNED, preferred_interpretation=taubman)
    hand_in(assignment, dan, preferred_interpretation=gaddis)
    content = teacher_client.get(dashboard(assignment)).content.decode()
    part = section(content, "interpretation-heading")
    assert "3 submitted answers chose one." in plain(part)
    assert bar_counts(part) == {
        f"{gaddis.historian.name}: A tactic, not a change of aims": 1,
        f"{taubman.historian.name}: A sincere change of heart": 2,
    }


def test_a_lesson_without_interpretations_says_there_is_nothing_to_choose(
    teacher_client, assignment
):
    part = section(
        teacher_client.get(dashboard(assignment)).content.decode(), "interpretation-heading"
    )
    assert "This lesson has no interpretations to choose between." in part


# --- What the class highlighted ----------------------------------------------------------------


@pytest.fixture
def highlighted(classroom, assignment, ada, ben, cat):
    """Ada marks “the only alternative to war” twice (two tags), Ben once, Cat marks
    “We shall bury you”."""
    enrol(classroom, ada, ben, cat)
    a = source(assignment, "A")
    phrase = "the only alternative to war"
    annotate(
        assignment,
        ada,
        a,
        highlights=[highlight(phrase), highlight(phrase, tag="claim", note="Is it?")],
    )
    annotate(assignment, ben, a, highlights=[highlight(phrase, tag="bias")])
    annotate(assignment, cat, a, highlights=[highlight("We shall bury you")])


def test_the_most_highlighted_passages_count_each_student_once(
    teacher_client, assignment, highlighted
):
    cards = dict(spread_cards(teacher_client.get(dashboard(assignment)).content.decode()))
    passages = re.findall(r"<li><q>(.*?)</q> — (.*?)</li>", cards["A"])
    assert passages == [
        ("the only alternative to war", "2 students"),
        ("We shall bury you", "1 student"),
    ]


def test_the_text_marks_each_passage_with_how_many_students_highlighted_it(
    teacher_client, assignment, highlighted
):
    cards = dict(spread_cards(teacher_client.get(dashboard(assignment)).content.decode()))
    marks = re.findall(
        r'<mark class="heat heat-(\d)" title="highlighted by (\d+)">(.*?)<span', cards["A"]
    )
    assert marks == [("2", "2", "the only alternative to war"), ("1", "1", "We shall bury you")]
    assert "(highlighted by 2)" in cards["A"]
    assert "3 students highlighted this source" in cards["A"]


def test_a_source_nobody_highlighted_shows_no_passages(teacher_client, assignment, highlighted):
    cards = dict(spread_cards(teacher_client.get(dashboard(assignment)).content.decode()))
    assert "Most highlighted" not in cards["B"]
    assert "<mark" not in cards["B"]


def test_html_in_student_names_and_highlighted_quotes_is_shown_as_text(
    teacher_client, classroom, assignment
):
    text = "He said <b>we will win</b> and left."
    Source.objects.filter(pk=source(assignment, "A").source_id).update(text=text)
    mallory = make_student("mallory", first_name="<script>alert(1)</script>", last_name="Moss")
    enrol(classroom, mallory)
    annotate(
        assignment,
        mallory,
        source(assignment, "A"),
        rating=3,
        highlights=[highlight("<b>we will win</b>", text=text, note="<i>note</i>")],
    )
    content = teacher_client.get(dashboard(assignment)).content.decode()
    assert "<script>alert(1)" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Moss</a>" in content
    assert "<b>we will win</b>" not in content
    assert "<q>&lt;b&gt;we will win&lt;/b&gt;</q> — 1 student" in content
    assert 'title="highlighted by 1">&lt;b&gt;we will win&lt;/b&gt;<span' in content


# --- What it costs -------------------------------------------------------------------------------


@pytest.mark.parametrize(("students", "sources"), [(1, 1), (35, 12)])
def test_the_dashboard_costs_the_same_queries_for_one_student_or_a_full_class(
    client, teacher, django_assert_num_queries, students, sources
):
    interpretation = make_interpretation()
    assignment, people = make_class_assignment(
        teacher, students=students, sources=sources, interpretations=[interpretation]
    )
    Source.objects.filter(lesson_uses__lesson=assignment.lesson).update(text=TEXT_A)
    lesson_sources = list(assignment.lesson.lesson_sources.all())
    SourceAnnotation.objects.bulk_create(
        SourceAnnotation(
            assignment=assignment,
            student=person,
            lesson_source=ls,
            rating=1 + (i + j) % 5,
            status=SourceAnnotation.Status.DONE,
            responses={"origin": "A speech."},
            highlights=[highlight("the only alternative to war")],
        )
        for i, person in enumerate(people)
        for j, ls in enumerate(lesson_sources)
    )
    Submission.objects.bulk_create(
        Submission(
            assignment=assignment,
            student=person,
            status=Submission.Status.SUBMITTED,
            judgement=4,
            preferred_interpretation=interpretation,
        )
        for person in people
    )
    client.force_login(teacher)
    # 1 the session, 2 the teacher, 3 the teacher's groups (is this a teacher?), 4 the
    # assignment with its lesson, framework and class, among the classes they teach,
    # 5 the lesson's sources, 6 the enrolments with their students, 7 every annotation,
    # 8 every submission, 9 the lesson's interpretations with their historians.
    with django_assert_num_queries(9):
        response = client.get(dashboard(assignment))
    rows = grid(response.content.decode())
    assert len(rows) == students
    assert all(cells[1] == f"{sources} of {sources}" for cells in rows.values())
