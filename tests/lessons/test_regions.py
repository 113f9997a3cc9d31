"""Marked regions of an image source: rectangles stored as fractions of the image, so a
re-upload at another size keeps them in place; a list says the same in words."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lessons.models import REGIONS_MAX, SourceAnnotation
from tests.factories import make_student
from tests.lessons.factories import make_assignment, make_classroom, make_lesson
from tests.sources.factories import image_upload, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(teacher):
    student = make_student("vera", first_name="Vera", last_name="Ilyina")
    cartoon = make_source(title="A cartoon", nature="cartoon", image_alt="A snowman melting")
    cartoon.image = image_upload("cartoon.png", size=(400, 300))
    cartoon.save()
    speech = make_source(text="We shall not attack.")
    lesson = make_lesson(published=True)
    lesson.lesson_sources.create(source=cartoon, order=0, label="A")
    lesson.lesson_sources.create(source=speech, order=1, label="B")
    classroom = make_classroom(teachers=[teacher], students=[student])
    return make_assignment(classroom, lesson=lesson), student


def mark(client, assignment, label="A", **values):
    data = {
        "region-tag": "bias",
        "region-note": "",
        **{f"region-{k}": v for k, v in values.items()},
    }
    return client.post(reverse("lessons:region_add", args=[assignment.pk, label]), data)


def test_a_region_is_stored_as_fractions_and_drawn_and_listed(client, world):
    assignment, student = world
    client.force_login(student)
    response = mark(client, assignment, x="10", y="20", w="30", h="40", note="His smile")
    assert response.status_code == 302 and response["Location"].endswith("#regions")
    (region,) = SourceAnnotation.objects.get(student=student).regions
    assert (region["x"], region["y"], region["w"], region["h"]) == (0.1, 0.2, 0.3, 0.4)
    assert region["tag"] == "bias" and region["note"] == "His smile"
    body = client.get(reverse("lessons:source_work", args=[assignment.pk, "A"])).content.decode()
    assert re.search(
        r'<rect class="region region-bias" x="10\.0" y="20\.0" width="30\.0" height="40\.0"', body
    )
    assert "30% wide by 40% high, 10% from the left and 20% from the top: His smile" in body


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"x": "80", "y": "10", "w": "30", "h": "10"}, "past the edge of the image"),
        ({"x": "10", "y": "95", "w": "10", "h": "10"}, "past the edge of the image"),
        ({"x": "10", "y": "10", "w": "0", "h": "10"}, "too small to see"),
        ({"x": "-5", "y": "10", "w": "10", "h": "10"}, "greater than or equal to 0"),
        ({"x": "ten", "y": "10", "w": "10", "h": "10"}, "Enter a number"),
    ],
)
def test_a_region_outside_the_image_or_too_small_is_refused_with_the_words_kept(
    client, world, values, message
):
    assignment, student = world
    client.force_login(student)
    response = mark(client, assignment, note="Kept words", **values)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and "Kept words" in body
    assert not SourceAnnotation.objects.filter(student=student).exists()


def test_a_text_source_has_no_image_to_mark(client, world):
    assignment, student = world
    client.force_login(student)
    response = client.post(
        reverse("lessons:region_add", args=[assignment.pk, "B"]),
        {"region-x": "1", "region-y": "1", "region-w": "5", "region-h": "5", "region-tag": "bias"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert "no image to mark" in response.json()["message"]


def test_a_region_is_removed_and_a_missing_one_says_so(client, world):
    assignment, student = world
    client.force_login(student)
    mark(client, assignment, x="10", y="10", w="10", h="10")
    (region,) = SourceAnnotation.objects.get(student=student).regions
    url = reverse("lessons:region_remove", args=[assignment.pk, "A", region["id"]])
    assert client.post(url).status_code == 302
    assert SourceAnnotation.objects.get(student=student).regions == []
    gone = client.post(url, HTTP_ACCEPT="application/json")
    assert gone.status_code == 404


def test_an_image_holds_at_most_so_many_regions(client, world):
    assignment, student = world
    client.force_login(student)
    annotation = SourceAnnotation.objects.create(
        assignment=assignment,
        student=student,
        lesson_source=assignment.lesson.lesson_sources.get(label="A"),
        regions=[
            {"id": str(n), "x": 0, "y": 0, "w": 0.1, "h": 0.1, "tag": "bias", "note": ""}
            for n in range(REGIONS_MAX)
        ],
    )
    response = mark(client, assignment, x="10", y="10", w="10", h="10")
    assert response.status_code == 302
    annotation.refresh_from_db()
    assert len(annotation.regions) == REGIONS_MAX


def test_another_student_cannot_mark_or_remove(client, world):
    assignment, student = world
    client.force_login(make_student("intruder"))
    assert mark(client, assignment, x="1", y="1", w="5", h="5").status_code == 404


def test_the_review_page_and_the_dashboard_show_the_regions(client, world, teacher):
    assignment, student = world
    client.force_login(student)
    mark(client, assignment, x="10", y="20", w="30", h="40", note="<b>bold</b>")
    client.force_login(teacher)
    review = client.get(reverse("lessons:review", args=[assignment.pk, student.pk]))
    body = review.content.decode()
    assert "Marked parts of the image" in body and 'width="30.0"' in body
    assert "&lt;b&gt;bold&lt;/b&gt;" in body
    dashboard = client.get(reverse("lessons:dashboard", args=[assignment.pk])).content.decode()
    assert '<rect class="region-heat" x="10.0" y="20.0" width="30.0" height="40.0"' in dashboard
    assert "1 region marked by 1 student" in dashboard
