"""Each text limit is stated once, on the model, and every text box shows that number.

A page's boxes are read from its HTML, so a box added without a limit, or a template
that writes its own number, fails here.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from coexist.models import User
from lessons.forms.classes import ROSTER_MAX_BYTES
from lessons.models import (
    NOTE_MAX_LENGTH,
    QUOTE_MAX_LENGTH,
    RESPONSE_MAX_LENGTH,
    CommentBankEntry,
    LessonSource,
    SourceAnnotation,
    Submission,
)
from tests.lessons.factories import make_assignment, make_classroom, make_lesson
from tests.sources.factories import make_author, make_interpretation, make_source

pytestmark = pytest.mark.django_db


def limit(model, field: str) -> int:
    return model._meta.get_field(field).max_length


class TextBoxes(HTMLParser):
    """Every box a person types text into: id → its maxlength (None when it has none)."""

    def __init__(self):
        super().__init__()
        self.boxes: dict[str, int | None] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "textarea" or (tag == "input" and attrs.get("type", "text") == "text"):
            maxlength = attrs.get("maxlength")
            self.boxes[attrs["id"]] = int(maxlength) if maxlength is not None else None


def text_boxes(response) -> dict[str, int | None]:
    assert response.status_code == 200
    parser = TextBoxes()
    parser.feed(response.content.decode())
    return parser.boxes


@pytest.fixture
def assignment(classroom):
    lesson = make_lesson(published=True)
    for order, text in enumerate(["We shall bury you.", "Coexistence is competition."]):
        LessonSource.objects.create(lesson=lesson, source=make_source(text=text), order=order)
    lesson.assign_labels()
    lesson.interpretations.add(
        make_interpretation(
            historian=make_author(given_names="John Lewis", family_name="Gaddis"),
            position="A tactic, not a change of aims",
        )
    )
    return make_assignment(classroom, lesson=lesson)


def test_every_box_on_the_source_page_has_its_models_limit(student_client, assignment):
    response = student_client.get(reverse("lessons:source_work", args=[assignment.pk, "A"]))
    prompts = assignment.lesson.framework.prompts.values_list("key", flat=True)
    assert prompts
    assert text_boxes(response) == {
        **{f"id_response_{key}": RESPONSE_MAX_LENGTH for key in prompts},
        "id_rating_reason": limit(SourceAnnotation, "rating_reason"),
        "id_quote": QUOTE_MAX_LENGTH,
        "id_note": NOTE_MAX_LENGTH,
        "id_link_note": NOTE_MAX_LENGTH,
    }


def test_every_box_on_the_answer_page_has_its_models_limit(student_client, assignment):
    response = student_client.get(reverse("lessons:answer", args=[assignment.pk]))
    assert text_boxes(response) == {
        "id_answer": limit(Submission, "answer"),
        "id_interpretation_reason": limit(Submission, "interpretation_reason"),
    }


def test_the_answer_page_states_the_same_limit_in_words(student_client, assignment):
    response = student_client.get(reverse("lessons:answer", args=[assignment.pk]))
    assert f"Up to {limit(Submission, 'answer'):,} characters." in response.content.decode()


def test_every_box_on_the_marking_page_has_its_models_limit(teacher_client, assignment, student):
    annotations = [
        SourceAnnotation.objects.create(
            assignment=assignment, student=student, lesson_source=lesson_source
        )
        for lesson_source in assignment.lesson.lesson_sources.all()
    ]
    Submission.objects.create(
        assignment=assignment,
        student=student,
        status=Submission.Status.SUBMITTED,
        submitted_at=timezone.now(),
        answer="Coexistence changed the tone more than the aims.",
    )
    response = teacher_client.get(reverse("lessons:review", args=[assignment.pk, student.pk]))
    assert text_boxes(response) == {
        "id_feedback": limit(Submission, "feedback"),
        **{
            f"id_comment_{annotation.pk}": limit(SourceAnnotation, "teacher_comment")
            for annotation in annotations
        },
        "bank-text": limit(CommentBankEntry, "text"),
    }


def test_the_roster_box_has_the_rosters_limit(teacher_client, classroom):
    response = teacher_client.get(reverse("lessons:class_roster", args=[classroom.pk]))
    assert text_boxes(response) == {"id_names": ROSTER_MAX_BYTES}


def test_the_signup_boxes_have_the_user_models_limits(client, teacher):
    classroom = make_classroom(name="11C Cold War", teachers=[teacher])
    response = client.get(reverse("lessons:join_class", args=[classroom.join_code]))
    assert text_boxes(response) == {
        "id_first_name": limit(User, "first_name"),
        "id_last_name": limit(User, "last_name"),
        "id_username": limit(User, "username"),
    }


def test_no_template_writes_a_maxlength_of_its_own():
    written = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for path in sorted((settings.BASE_DIR / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"""maxlength\s*=\s*["']?\d""", line, re.IGNORECASE)
    ]
    assert written == []


def test_no_script_writes_a_character_limit_of_its_own():
    written = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for path in sorted((settings.BASE_DIR / "static" / "js").rglob("*.js"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"of [\d,]+ characters", line)
    ]
    assert written == []
