"""The source page's parts that are the same for every student (heading, text,
provenance, citations, glossary) are rendered once per process and kept under a digest of
every row they show: any edit shows on the very next load."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lessons.models import GlossaryTerm, LessonSource
from sources.models import Author, Provenance, Source
from tests.lessons.factories import make_assignment, make_text_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def source_page(classroom, student_client):
    lesson = make_text_lesson("Peaceful coexistence is the only way, said the speaker.")
    GlossaryTerm.objects.create(lesson=lesson, term="coexistence", definition="Living side by side")
    assignment = make_assignment(classroom, lesson)
    url = reverse("lessons:source_work", args=[assignment.pk, "A"])
    lesson_source = LessonSource.objects.select_related("source").get(lesson=lesson, label="A")

    def read(**headers) -> str:
        response = student_client.get(url, **headers)
        assert response.status_code == 200
        return response.content.decode()

    read()  # the parts are now kept
    return read, lesson_source


def test_a_second_load_is_served_the_kept_parts(source_page, monkeypatch):
    read, _ = source_page
    rendered = []
    real = Source.rendered_text
    monkeypatch.setattr(Source, "rendered_text", lambda self: rendered.append(1) or real(self))
    html = read()
    assert html.count("Living side by side") == 2  # the marked word and the glossary
    assert rendered == []


@pytest.mark.parametrize(
    "edit",
    [
        lambda ls: Source.objects.filter(pk=ls.source_id).update(title="A speech, retitled"),
        lambda ls: Source.objects.filter(pk=ls.source_id).update(
            text="Peaceful coexistence, retitled, is the only way."
        ),
        lambda ls: Provenance.objects.filter(source=ls.source_id).update(place="Retitled Hall"),
        lambda ls: Author.objects.filter(credits__source=ls.source_id).update(
            family_name="Retitled"
        ),
        lambda ls: GlossaryTerm.objects.filter(lesson=ls.lesson_id).update(
            definition="Retitled definition"
        ),
        lambda ls: LessonSource.objects.filter(pk=ls.pk).update(caption="Retitled caption"),
    ],
    ids=["title", "text", "provenance", "author", "glossary", "caption"],
)
def test_an_edit_to_anything_the_parts_show_shows_on_the_next_load(source_page, edit):
    read, lesson_source = source_page
    assert "etitled" not in read()
    edit(lesson_source)
    assert "etitled" in read()


def test_each_language_has_its_own_parts(source_page):
    read, _ = source_page
    english, french = read(), read(HTTP_ACCEPT_LANGUAGE="fr")
    assert "Who made it" in english and "Qui l’a produite" not in english
    assert "Qui l’a produite" in french and "Who made it" not in french
    assert read().count("Who made it") == english.count("Who made it")


def test_the_key_changes_with_the_citation_style_and_what_the_student_may_see(
    source_page, settings
):
    from lessons.models import Hidden
    from lessons.views.student import _shown_rows_key

    _, lesson_source = source_page
    key = _shown_rows_key(lesson_source, [], Hidden(), [])
    assert key == _shown_rows_key(lesson_source, [], Hidden(), [])
    assert key != _shown_rows_key(lesson_source, [], Hidden(provenance=True), [])
    assert key != _shown_rows_key(lesson_source, [], Hidden(), ["place"])
    settings.CITATION_STYLE = "chicago-17"
    assert key != _shown_rows_key(lesson_source, [], Hidden(), [])
