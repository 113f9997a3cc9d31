"""A teacher works on a lesson in the admin: its sources in readable rows, and a picker
that finds library sources, told apart by their authors and year, and adds them."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from lessons.models import Lesson, LessonSource
from sources.models import Nature
from tests.lessons.factories import make_classroom, make_lesson
from tests.sources.factories import make_author, make_library, make_source, make_theme

WALSH = "Mastering Modern World History"


@pytest.fixture
def warm_content_types(db):
    """Django caches content types per process; warm it so counts do not depend on order."""
    ContentType.objects.clear_cache()
    for model in (Lesson, LessonSource):
        ContentType.objects.get_for_model(model)


@pytest.fixture
def lesson(teacher):
    return make_lesson(sources=2, owner=teacher)


@pytest.fixture
def two_walshes(db):
    """Two editions of one textbook: one title, two authors, two years."""
    first = make_source(
        title=WALSH,
        nature=Nature.TEXTBOOK,
        is_primary=False,
        authors=[make_author(given_names="Norman", family_name="Lowe")],
        provenance={"date_year": 1982, "date_month": None},
    )
    second = make_source(
        title=WALSH,
        nature=Nature.TEXTBOOK,
        is_primary=False,
        authors=[make_author(given_names="Ben", family_name="Walsh")],
        provenance={"date_year": 1996, "date_month": None, "date_circa": True},
    )
    return first, second


def picker(lesson, query: str = "") -> str:
    url = reverse("admin:lessons_lesson_add_sources", args=[lesson.pk])
    return f"{url}?{query}" if query else url


def change_page(lesson) -> str:
    return reverse("admin:lessons_lesson_change", args=[lesson.pk])


def listed(response) -> list[int]:
    return [source.pk for source, _label in response.context["results"]]


# --- Finding sources -------------------------------------------------------------------


def test_the_picker_tells_two_sources_with_one_title_apart(teacher_client, lesson, two_walshes):
    page = teacher_client.get(picker(lesson, "q=mastering")).content.decode()
    assert "Norman Lowe, 1982" in page
    assert "Ben Walsh, c. 1996" in page
    assert page.count(f'<span class="picker-title">{WALSH}</span>') == 2


def test_the_picker_searches_titles_author_names_and_text(teacher_client, lesson, two_walshes):
    lowe, walsh = two_walshes
    spoken = make_source(
        title="Report to the Congress", text="Peaceful coexistence is no mere tactic"
    )
    searches = {
        "q=walsh": [walsh.pk],
        "q=ben+walsh": [walsh.pk],
        "q=MERE+tactic": [spoken.pk],
        "q=mastering+lowe": [lowe.pk],
        "q=nothing-like-this": [],
    }
    for query, expected in searches.items():
        assert listed(teacher_client.get(picker(lesson, query))) == expected, query


def test_each_filter_narrows_the_picker(teacher_client, lesson, two_walshes):
    lowe, walsh = two_walshes
    theme = make_theme("Berlin")
    berlin = make_source(title="The wall", themes=[theme], provenance={"date_year": 1961})
    speech = make_source(title="A speech", nature=Nature.SPEECH, provenance={"date_year": 1956})
    filters = {
        f"theme={theme.slug}": {berlin.pk},
        "nature=textbook": {lowe.pk, walsh.pk},
        "kind=secondary": {lowe.pk, walsh.pk},
        "decade=1990": {walsh.pk},
        "decade=1950&nature=speech&kind=primary&q=a+speech": {speech.pk},
    }
    for query, expected in filters.items():
        assert set(listed(teacher_client.get(picker(lesson, query)))) == expected, query


@pytest.mark.parametrize(
    "query",
    ["theme=no-such-theme", "nature=poem", "kind=tertiary", "decade=1066", "decade=abc"],
)
def test_a_bad_filter_is_answered_with_a_message_and_a_400(teacher_client, lesson, query):
    response = teacher_client.get(picker(lesson, query))
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert response.context["results"] == []


@pytest.mark.parametrize("size", [3, 30])
def test_the_picker_query_count_does_not_grow_with_the_results(
    teacher_client, lesson, warm_content_types, django_assert_num_queries, size
):
    make_library(size)
    # 1 session, 2 user, 3 the lesson, 4-5 the user's and their groups' permissions,
    # 6 the years for the decade filter, 7 the lesson's sources and letters, 8 the user's
    # groups (the library is for teachers), 9 the sources found with their provenance,
    # 10 their credits with authors, 11 the themes for the theme filter.
    with django_assert_num_queries(11):
        response = teacher_client.get(picker(lesson, "q=library&kind=primary&decade=1950"))
    assert len(listed(response)) == len([i for i in range(size) if i % 15 < 10])
    assert response.content.decode().count('name="sources"') == len(listed(response))


# --- Adding them ---------------------------------------------------------------------


def add(client, lesson, *sources, query: str = ""):
    return client.post(picker(lesson, query), {"sources": [str(s) for s in sources]})


def test_the_chosen_sources_go_at_the_end_with_the_next_letters(
    teacher_client, lesson, two_walshes
):
    lowe, walsh = two_walshes
    response = add(teacher_client, lesson, walsh.pk, lowe.pk)
    assert response.status_code == 302 and response["Location"] == change_page(lesson)
    rows = list(lesson.lesson_sources.values_list("label", "source_id"))
    assert rows[2:] == [("C", walsh.pk), ("D", lowe.pk)]
    page = teacher_client.get(response["Location"]).content.decode()
    assert f"Added to the lesson: Source C, “{WALSH}”; Source D, “{WALSH}”." in page


def test_a_source_already_in_the_lesson_is_not_added_twice(teacher_client, lesson):
    first = lesson.lesson_sources.get(label="A")
    new = make_source(title="A new one")
    response = add(teacher_client, lesson, first.source_id, new.pk)
    assert list(lesson.lesson_sources.values_list("label", flat=True)) == ["A", "B", "C"]
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "Added to the lesson: Source C, “A new one”.",
        "1 of the chosen sources was already in the lesson and kept where they were.",
    ]
    page = teacher_client.get(picker(lesson)).content.decode()
    assert "already in this lesson as Source A" in page
    assert f'value="{first.source_id}"' not in page  # no box to tick


def test_a_lesson_students_have_started_still_gains_sources(teacher, student, lesson):
    from lessons.models import SourceAnnotation
    from tests.lessons.factories import make_assignment

    assignment = make_assignment(make_classroom(teachers=[teacher], students=[student]), lesson)
    SourceAnnotation.objects.create(
        assignment=assignment, student=student, lesson_source=lesson.lesson_sources.first()
    )
    assert lesson.usage()
    from django.test import Client

    client = Client()
    client.force_login(teacher)
    add(client, lesson, make_source(title="Late addition").pk)
    assert list(lesson.lesson_sources.values_list("label", flat=True)) == ["A", "B", "C"]


@pytest.mark.parametrize(
    "posted, message",
    [
        ([], "Tick at least one source to add"),
        (["999999"], "Source 999999 is not in the library"),
        (["abc"], "“abc” is not a source"),
    ],
)
def test_bad_choices_are_refused_with_a_message_and_nothing_added(
    teacher_client, lesson, posted, message
):
    good = make_source(title="Good")
    response = teacher_client.post(
        picker(lesson), {"sources": [str(good.pk), *posted]} if posted else {}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert lesson.lesson_sources.count() == 2


# --- Who may ---------------------------------------------------------------------------


def test_another_teacher_may_not_open_or_post_to_the_picker(client, other_teacher, lesson):
    client.force_login(other_teacher)
    assert client.get(picker(lesson)).status_code == 403
    assert add(client, lesson, make_source().pk).status_code == 403
    assert lesson.lesson_sources.count() == 2


def test_students_and_visitors_are_sent_to_the_admin_login(client, student, lesson):
    assert client.get(picker(lesson))["Location"].startswith(reverse("admin:login"))
    client.force_login(student)
    assert add(client, lesson, make_source().pk)["Location"].startswith(reverse("admin:login"))
    assert lesson.lesson_sources.count() == 2


def test_the_picker_answers_other_methods_with_405(teacher_client, lesson):
    assert teacher_client.put(picker(lesson)).status_code == 405


def test_a_missing_lesson_is_404(teacher_client):
    assert (
        teacher_client.get(reverse("admin:lessons_lesson_add_sources", args=[999999])).status_code
        == 404
    )


# --- The lesson's page -----------------------------------------------------------------


def test_the_lesson_page_lists_each_source_with_its_authors_and_year(
    teacher_client, teacher, two_walshes
):
    lowe, walsh = two_walshes
    lesson = make_lesson(owner=teacher)
    add(teacher_client, lesson, lowe.pk, walsh.pk)
    page = teacher_client.get(change_page(lesson)).content.decode()
    assert f"{WALSH} (Norman Lowe, 1982)" in page
    assert f"{WALSH} (Ben Walsh, c. 1996)" in page
    assert "More settings for Source B" in page
    assert picker(lesson) in page  # "Add sources from the library…"


def test_the_source_search_lists_authors_and_years(teacher_client, two_walshes):
    url = reverse("admin:lessons_lesson_source_autocomplete")
    query = "app_label=lessons&model_name=lessonsource&field_name=source&term=mastering"
    results = teacher_client.get(f"{url}?{query}").json()["results"]
    assert sorted(r["text"] for r in results) == [
        f"{WALSH} (Ben Walsh, c. 1996)",
        f"{WALSH} (Norman Lowe, 1982)",
    ]
    other_field = "app_label=lessons&model_name=lesson&field_name=interpretations"
    assert teacher_client.get(f"{url}?{other_field}").status_code == 403


@pytest.mark.parametrize("size", [3, 30])
def test_the_lesson_page_query_count_does_not_grow_with_its_sources(
    teacher_client, teacher, warm_content_types, django_assert_num_queries, size
):
    lesson = make_lesson(sources=size, owner=teacher)
    # 1 session, 2 user, 3 the lesson, 4-5 permissions, 6 its interpretations and 7 its
    # co-editors for the form, 8 its sources with their provenance, 9 their credits with
    # authors (the rows' labels and the chosen sources in the search boxes: none per
    # row), 10 glossary, 11 facts, 12-14 frameworks, answer formats and marking schemes to
    # choose from, 15 teachers who may co-edit, 16-17 students' work in it (analyses,
    # answers), 18 the user's groups, 19-20 the library picker's themes and decades.
    with django_assert_num_queries(20):
        response = teacher_client.get(change_page(lesson))
    assert response.content.decode().count("More settings for Source ") == size
