"""Answer formats and marking schemes are curated in the admin by teachers, as frameworks
are: a scheme's criteria on its page, each criterion's bands on the criterion's page, and a
lesson chooses its format and scheme."""

from __future__ import annotations

import pytest

from lessons.models import AnswerFormat, Criterion, MarkBand, MarkingScheme
from tests.lessons.factories import make_lesson
from tests.lessons.test_curriculum_keeps_work import admin_form, admin_url, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def gcse():
    return MarkingScheme.objects.get(slug="gcse-usefulness-8")


def test_teachers_may_curate_formats_and_schemes(teacher, student):
    for model in ("answerformat", "answersection", "markingscheme", "criterion", "markband"):
        for action in ("add", "change", "view"):
            assert teacher.has_perm(f"lessons.{action}_{model}"), (action, model)
        assert not student.has_perm(f"lessons.change_{model}")


def test_the_scheme_list_shows_each_criterion_and_the_total(teacher_client):
    content = teacher_client.get(admin_url(MarkingScheme, "changelist")).content.decode()
    assert "A (6), B (15), C (4)" in content
    assert '<td class="field-total_marks">25</td>' in content


def test_a_teacher_changes_a_criterion_on_the_schemes_page(teacher_client, gcse):
    criterion = gcse.criteria.get(key="U")
    url, data = admin_form(teacher_client, gcse)
    stem = row(data, "criteria", criterion)
    assert f'href="{admin_url(criterion, "change")}"' in teacher_client.get(url).content.decode()
    data[f"{stem}title"] = "How useful are Sources A and B?"
    data[f"{stem}max_mark"] = "10"
    response = teacher_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    criterion.refresh_from_db()
    assert (criterion.title, criterion.max_mark) == ("How useful are Sources A and B?", 10)


def test_a_teacher_rewrites_a_band_and_adds_one_on_the_criterions_page(teacher_client, gcse):
    criterion = gcse.criteria.get(key="U")
    top = criterion.bands.get(low=7)
    url, data = admin_form(teacher_client, criterion)
    data[f"{row(data, 'bands', top)}descriptor"] = "Complex, and says so <b>clearly</b>."
    new = f"bands-{data['bands-TOTAL_FORMS']}-"
    data["bands-TOTAL_FORMS"] = str(int(data["bands-TOTAL_FORMS"]) + 1)
    data.update({f"{new}low": "8", f"{new}high": "8", f"{new}descriptor": "Perfect."})
    response = teacher_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    top.refresh_from_db()
    assert top.descriptor == "Complex, and says so <b>clearly</b>."
    assert criterion.bands.filter(low=8, high=8, descriptor="Perfect.").exists()


def test_a_band_past_the_criterions_maximum_is_refused_with_the_reason(teacher_client, gcse):
    criterion = gcse.criteria.get(key="U")
    url, data = admin_form(teacher_client, criterion)
    new = f"bands-{data['bands-TOTAL_FORMS']}-"
    data["bands-TOTAL_FORMS"] = str(int(data["bands-TOTAL_FORMS"]) + 1)
    data.update({f"{new}low": "9", f"{new}high": "12", f"{new}descriptor": "Beyond."})
    response = teacher_client.post(url, data)
    assert response.status_code == 200
    assert "The criterion&#x27;s maximum is 8." in response.content.decode()
    assert not MarkBand.objects.filter(descriptor="Beyond.").exists()


def test_a_teacher_changes_a_sections_suggested_words(teacher_client):
    ib = AnswerFormat.objects.get(slug="ib-historical-investigation")
    section = ib.sections.get(key="reflection")
    url, data = admin_form(teacher_client, ib)
    data[f"{row(data, 'sections', section)}suggested_words"] = "450"
    assert teacher_client.post(url, data).status_code == 302
    section.refresh_from_db()
    assert section.suggested_words == 450


def test_a_lesson_chooses_its_answer_format_and_marking_scheme(teacher_client, teacher, gcse):
    lesson = make_lesson(sources=1, owner=teacher)
    ib = AnswerFormat.objects.get(slug="ib-historical-investigation")
    url, data = admin_form(teacher_client, lesson)
    data["answer_format"] = str(ib.pk)
    data["marking_scheme"] = str(gcse.pk)
    response = teacher_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    lesson.refresh_from_db()
    assert (lesson.answer_format, lesson.marking_scheme) == (ib, gcse)


def test_a_student_cannot_open_the_scheme_admin(student_client, gcse):
    response = student_client.get(admin_url(gcse, "change"))
    assert response.status_code == 302
    assert Criterion.objects.filter(scheme=gcse).count() == 1
