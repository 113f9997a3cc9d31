"""Nothing anyone does loses a student's words.

Students' work (analyses with their responses, ratings, highlights and links; answers
with their citations and chosen interpretation; kept versions; the teacher's feedback)
goes only with a confirmed deletion of its student, class or assignment, after the
confirmation has counted it. Every other edit a teacher or an administrator can make to
the curriculum is either refused with a message or leaves that work byte for byte as it
was, and every page that shows the work still opens.

The admin is driven as a browser would: each form is read from the page and posted back
with one change (see `FormFields`).
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models, transaction
from django.test import Client
from django.urls import reverse

from coexist.models import User
from lessons.admin import StatesWorkOnDelete
from lessons.models import (
    Assignment,
    Classroom,
    Enrolment,
    Framework,
    Lesson,
    LessonSource,
    Prompt,
    SourceAnnotation,
    Submission,
    SubmissionVersion,
)
from lessons.packs import export_lessons, import_lessons
from lessons.services import marking, work
from lessons.services.curriculum import duplicate_lesson
from sources.models import Interpretation
from sources.packs import PackError
from tests.factories import make_student, make_teacher, make_user
from tests.lessons.factories import (
    add_fact,
    add_glossary,
    make_assignment,
    make_classroom,
    make_lesson,
)
from tests.sources.factories import make_author, make_interpretation, make_source

pytestmark = pytest.mark.django_db

TEXT = {
    "A": "We are for peaceful coexistence. History is on our side. We will bury you.",
    "B": "The Soviet Union seeks to spread communism by every means short of war.",
    "C": "Peaceful coexistence is a continuation of the class struggle by other means.",
    "D": "A summit in Geneva raised hopes of a thaw between East and West.",
}
BOTH_CLASSES = "the work of 2 students in 2 classes (10H History, 11R History)"
# What the lesson's owner reads: she teaches 10H, and another teacher's class is counted.
OWNERS_VIEW = "the work of 2 students in 2 classes (10H History and 1 you do not teach)"


# --- The world: one lesson, two classes, two students' work ------------------------------


@dataclass
class World:
    lesson: Lesson
    sources: dict[str, LessonSource]
    interpretations: list[Interpretation]
    assignment: Assignment
    other_assignment: Assignment
    teacher: User
    other_teacher: User
    student: User
    other_student: User
    newcomer: User
    superuser: User

    def assignments(self) -> list[Assignment]:
        return list(Assignment.objects.filter(lesson=self.lesson))


def _analyse(assignment, student, lesson_source, *, responses, rating, reason) -> None:
    work.save_analysis(
        assignment=assignment,
        student=student,
        lesson_source_id=lesson_source.pk,
        version=0,
        responses=responses,
        prompt_keys=["origin", "purpose", "value", "limitation"],
        rating=rating,
        rating_reason=reason,
        done=False,
    )


def _highlight(assignment, student, lesson_source, quote: str, note: str) -> None:
    start = lesson_source.source.text.index(quote)
    work.add_highlight(
        assignment=assignment,
        student=student,
        lesson_source_id=lesson_source.pk,
        start=start,
        end=start + len(quote),
        quote=quote,
        note=note,
        tag="evidence",
    )


def _answer(assignment, student, *, cited, interpretation, answer: str) -> Submission:
    work.save_answer(
        assignment=assignment,
        student=student,
        version=0,
        judgement=3,
        answer=answer,
        cited={str(ls.pk): role for ls, role in cited},
        preferred_interpretation_id=interpretation.pk,
        interpretation_reason=f"Because {answer[:20]}",
    )
    submission = Submission.objects.get(assignment=assignment, student=student)
    return work.submit(assignment=assignment, student=student, version=submission.version)


def _return(submission, teacher, *, action: str, feedback: str) -> None:
    annotations = SourceAnnotation.objects.filter(
        assignment=submission.assignment, student=submission.student
    )
    marking.save_feedback(
        submission=submission,
        teacher=teacher,
        version=submission.version,
        feedback=feedback,
        mark=7,
        mark_out_of=10,
        source_comments={a.pk: f"Comment on {a.lesson_source.label}" for a in annotations},
        action=action,
    )


def _build_world() -> dict:
    """A published OPVL lesson of four sources (A–D) and three interpretations, owned by
    `teacher`, set for both classes.

    - `student` (10H) analysed A, B and C, linked A to B, cited A and B, chose the first
      interpretation, and had the answer returned for revision with feedback.
    - `other_student` (11R) analysed A and B, linked A to C, cited A and C, chose the
      second interpretation; the answer was returned with feedback, no revision.
    - `newcomer` (10H) has not started. Source D, the third interpretation and the
      “limitation” prompt are in nobody's work.

    The people and classes are conftest's (same factories, same names).
    """
    teacher = make_teacher(
        "ms_okafor", first_name="Ada", last_name="Okafor", display_name="Ms Okafor"
    )
    other_teacher = make_teacher("mr_rossi", display_name="Mr Rossi")
    student = make_student("sam", first_name="Sam")
    other_student = make_student("riley", first_name="Riley")
    classroom = make_classroom(name="10H History", teachers=[teacher], students=[student])
    other_classroom = make_classroom(
        name="11R History", teachers=[other_teacher], students=[other_student]
    )
    lesson = make_lesson(
        title="Peaceful coexistence", slug="peaceful-coexistence", published=True, owner=teacher
    )
    author = make_author(family_name="Khrushchev", given_names="Nikita")
    for order, label in enumerate("ABCD"):
        LessonSource.objects.create(
            lesson=lesson,
            source=make_source(title=f"Source text {label}", text=TEXT[label], authors=[author]),
            order=order,
            section="Primary",
            caption=f"Caption {label}",
        )
    lesson.assign_labels()
    sources = {ls.label: ls for ls in lesson.lesson_sources.select_related("source")}
    historian = make_author(family_name="Taubman", given_names="William")
    book = make_source(
        title="Khrushchev: The Man and His Era", is_primary=False, authors=[historian]
    )
    interpretations = [
        make_interpretation(work=book, historian=historian, position=f"Position {n}")
        for n in (1, 2, 3)
    ]
    lesson.interpretations.set(interpretations)
    add_glossary(lesson, "summit", "A meeting of the leaders of the great powers.")
    add_fact(lesson, "Khrushchev visited the United States in 1959.")
    newcomer = make_student("noor", first_name="Noor")
    Enrolment.objects.create(classroom=classroom, student=newcomer)
    mine = make_assignment(classroom, lesson)
    theirs = make_assignment(other_classroom, lesson)

    a, b, c = sources["A"], sources["B"], sources["C"]
    _analyse(
        mine,
        student,
        a,
        responses={"origin": "Khrushchev, 1956.", "purpose": "To reassure.", "value": "Tone."},
        rating=2,
        reason="A speech for the West.",
    )
    _analyse(mine, student, b, responses={"origin": "The CIA."}, rating=4, reason="Secret.")
    _analyse(mine, student, c, responses={"purpose": "To teach."}, rating=3, reason="Mixed.")
    _highlight(mine, student, a, "We will bury you", "A threat?")
    _highlight(mine, student, c, "class struggle", "Ideology")
    work.set_link(
        assignment=mine,
        student=student,
        lesson_source_id=a.pk,
        other_id=b.pk,
        relation="agrees",
        note="Both see a contest.",
    )
    # A marked region and a prediction: students' words the guard watches like the rest.
    work.add_region(
        assignment=mine,
        student=student,
        lesson_source_id=a.pk,
        x=0.1,
        y=0.1,
        w=0.2,
        h=0.2,
        note="His raised fist",
        tag="tone",
    )
    SourceAnnotation.objects.filter(assignment=mine, student=student, lesson_source=a).update(
        prediction="A Soviet leader, speaking to the West."
    )
    submission = _answer(
        mine,
        student,
        cited=[(a, "supports"), (b, "challenges")],
        interpretation=interpretations[0],
        answer="Answer by Sam: coexistence was a tactic, not a change of heart.",
    )
    _return(submission, teacher, action="revise", feedback="Sam: use Source B more.")

    _analyse(
        theirs,
        other_student,
        a,
        responses={"origin": "A speech.", "purpose": "Propaganda.", "value": "Candid."},
        rating=5,
        reason="His own words.",
    )
    _analyse(theirs, other_student, b, responses={"origin": "Intelligence."}, rating=1, reason="")
    _highlight(theirs, other_student, a, "History is on our side", "Confidence")
    work.set_link(
        assignment=theirs,
        student=other_student,
        lesson_source_id=a.pk,
        other_id=c.pk,
        relation="contradicts",
        note="C says struggle goes on.",
    )
    submission = _answer(
        theirs,
        other_student,
        cited=[(a, "challenges"), (c, "supports")],
        interpretation=interpretations[1],
        answer="Answer by Riley: the thaw was real but limited.",
    )
    _return(submission, other_teacher, action="return", feedback="Riley: well argued.")

    return {
        "lesson": lesson.pk,
        "interpretations": [i.pk for i in interpretations],
        "assignments": [mine.pk, theirs.pk],
        "people": {
            "teacher": teacher.pk,
            "other_teacher": other_teacher.pk,
            "student": student.pk,
            "other_student": other_student.pk,
            "newcomer": newcomer.pk,
            "superuser": make_user("root", is_staff=True, is_superuser=True).pk,
        },
    }


@pytest.fixture(scope="module")
def _world_rows(django_db_setup, django_db_blocker):
    """The world, built once for the module inside a transaction that is rolled back at
    its end. Each test runs in a savepoint of it (pytest-django's `db`), so each starts
    from the same rows and undoes whatever it changed. It builds on the frameworks the
    migrations made: no browser test's flush has run yet (see tests/conftest.py)."""
    with django_db_blocker.unblock(), transaction.atomic():
        rows = _build_world()
        yield rows
        transaction.set_rollback(True)


@pytest.fixture
def world(_world_rows, db) -> World:
    """The world's objects, fetched afresh for each test."""
    people = {u.pk: u for u in User.objects.filter(pk__in=_world_rows["people"].values())}
    lesson = Lesson.objects.get(pk=_world_rows["lesson"])
    interpretations = Interpretation.objects.in_bulk(_world_rows["interpretations"])
    mine, theirs = (Assignment.objects.get(pk=pk) for pk in _world_rows["assignments"])
    return World(
        lesson=lesson,
        sources={ls.label: ls for ls in lesson.lesson_sources.select_related("source")},
        interpretations=[interpretations[pk] for pk in _world_rows["interpretations"]],
        assignment=mine,
        other_assignment=theirs,
        **{role: people[pk] for role, pk in _world_rows["people"].items()},
    )


STUDENT_WORK = {
    "lessons.SourceAnnotation",
    "lessons.Submission",
    "lessons.SubmissionVersion",
}


def snapshot() -> dict[str, list[dict]]:
    """Every row of students' work, every field, in a fixed order: what must not change."""
    return {
        label: list(apps.get_model(label).objects.order_by("pk").values())
        for label in sorted(STUDENT_WORK)
    }


def test_the_world_holds_the_work_it_describes(world):
    """The fixture is what the other tests rely on; check it once."""
    rows = snapshot()
    assert len(rows["lessons.SourceAnnotation"]) == 5
    assert len(rows["lessons.SubmissionVersion"]) == 2
    annotation = SourceAnnotation.objects.get(
        student=world.student, lesson_source=world.sources["A"]
    )
    assert annotation.highlights[0]["quote"] == "We will bury you"
    assert annotation.links == [
        {"source": world.sources["B"].pk, "relation": "agrees", "note": "Both see a contest."}
    ]
    assert annotation.teacher_comment == "Comment on A"
    statuses = dict(Submission.objects.values_list("student__username", "status"))
    assert statuses == {"sam": "returned", "riley": "returned"}
    assert [ls.pk for ls in world.lesson.lesson_sources.all()] == [
        world.sources[label].pk for label in "ABCD"
    ]
    assert world.lesson.usage().phrase() == "the work of 2 students in 2 classes"
    assert world.lesson.usage().seen_by(Classroom.objects.all()).phrase() == BOTH_CLASSES


# --- Driving the admin as a browser does --------------------------------------------------


class FormFields(HTMLParser):
    """What a browser sends from one form of a page: every named field as it is shown
    (checked boxes only, selected options, textareas' text), without the hidden
    templates for new inline rows."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = self.found = False
        self.pairs: list[tuple[str, str]] = []
        self._select: list | None = None
        self._option: list | None = None
        self._textarea: list | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.inside = attributes.get("id") == self.form_id
            self.found = self.found or self.inside
            return
        name = attributes.get("name")
        if not self.inside:
            return
        if tag == "option" and self._select is not None:
            self._option = [attributes.get("value"), "selected" in attributes, ""]
            self._select[2].append(self._option)
            return
        if not name or "disabled" in attributes or "__prefix__" in name:
            return
        if tag == "input":
            kind = (attributes.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self.pairs.append((name, attributes.get("value", "on") or ""))
                return
            self.pairs.append((name, attributes.get("value") or ""))
        elif tag == "select":
            self._select = [name, "multiple" in attributes, []]
        elif tag == "textarea":
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        elif self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "option":
            self._option = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self.pairs.append((name, text.removeprefix("\r\n").removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, multiple, options = self._select
            chosen = [option for option in options if option[1]]
            if not multiple and not chosen:
                chosen = options[:1]
            for value, _, text in chosen:
                self.pairs.append((name, text.strip() if value is None else value))
            self._select = None


def form_data(response, form_id: str) -> dict:
    """The form `form_id` of a page as a browser would post it, unchanged."""
    assert response.status_code == 200, response.status_code
    parser = FormFields(form_id)
    parser.feed(response.content.decode())
    assert parser.found, f"no form #{form_id} on the page"
    data: dict = {}
    for name, value in parser.pairs:
        if name in data:
            data[name] = [*(data[name] if isinstance(data[name], list) else [data[name]]), value]
        else:
            data[name] = value
    return data


def admin_url(obj, page: str) -> str:
    """The admin's `page` ("change", "delete", "changelist") for `obj`."""
    name = f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{page}"
    return reverse(name) if page == "changelist" else reverse(name, args=[obj.pk])


def admin_form(client: Client, obj) -> tuple[str, dict]:
    """The admin change page of `obj` and its form as a browser would post it back."""
    url = admin_url(obj, "change")
    data = form_data(client.get(url), f"{obj._meta.model_name}_form")
    data["_save"] = "Save"
    return url, data


def row(data: dict, prefix: str, obj) -> str:
    """The field-name stem of `obj`'s row in an inline, e.g. "lesson_sources-2-"."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    for index in range(total):
        if data.get(f"{prefix}-{index}-id") == str(obj.pk):
            return f"{prefix}-{index}-"
    raise AssertionError(f"{obj!r} is not a row of {prefix}")


def page_text(response) -> str:
    return response.content.decode()


def form_errors(response) -> str:
    """The admin form's error messages, to say why a post was refused."""
    page = page_text(response)
    found = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)
    return " | ".join(html.unescape(re.sub(r"<[^>]+>", " ", item)).strip() for item in found)


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Every page that shows the work still opens ------------------------------------------


def assert_pages_open(w: World) -> None:
    """Teachers' and students' pages for both classes answer 200 and still show the work."""
    for assignment in w.assignments():
        teachers = list(assignment.classroom.teachers.all())
        teacher = as_user(teachers[0])
        for name in ("dashboard", "marks_csv", "annotations_csv"):
            url = reverse(f"lessons:{name}", args=[assignment.pk])
            assert teacher.get(url).status_code == 200, url
        enrolled = Enrolment.objects.filter(classroom=assignment.classroom)
        for submission in Submission.objects.filter(
            assignment=assignment, student__in=enrolled.values("student")
        ):
            for name in ("review", "report"):
                url = reverse(f"lessons:{name}", args=[assignment.pk, submission.student_id])
                response = teacher.get(url)
                assert response.status_code == 200, url
                assert submission.answer in page_text(response)
            if assignment.classroom.archived:
                continue
            student = as_user(submission.student)
            for name in ("assignment", "answer", "bibliography"):
                url = reverse(f"lessons:{name}", args=[assignment.pk])
                assert student.get(url).status_code == 200, url
            started = SourceAnnotation.objects.filter(
                assignment=assignment, student=submission.student
            ).values_list("lesson_source__label", flat=True)
            for label in started:
                url = reverse("lessons:source_work", args=[assignment.pk, label])
                assert student.get(url).status_code == 200, url


def walk_pages(w: World, editor: Client) -> None:
    """After the owner's edit; an administrator's run makes the same change and checks
    its outcome only, which keeps this module quick."""
    if editor.is_owner:
        assert_pages_open(w)


# --- Curriculum edits in the admin: refused with a message, or harmless --------------------


def refused(response, w: World, *fragments: str) -> None:
    """The form came back with an error saying each fragment; "{lesson}" and
    "{assignment}" stand for whose work the lesson and the assignment hold."""
    assert response.status_code == 200, response.status_code
    errors = form_errors(response)
    phrases = {"lesson": w.lesson.usage().phrase(), "assignment": w.assignment.usage().phrase()}
    for fragment in fragments:
        assert fragment.format(**phrases) in errors, errors


def saved(response) -> None:
    assert response.status_code == 302, form_errors(response)


def edit_lesson(client, w, change):
    url, data = admin_form(client, w.lesson)
    change(data, w)
    return client.post(url, data)


def _delete_row(label):
    def change(data, w):
        data[row(data, "lesson_sources", w.sources[label]) + "DELETE"] = "on"

    return change


def _swap_a_and_b(data, w):
    data[row(data, "lesson_sources", w.sources["A"]) + "order"] = "1"
    data[row(data, "lesson_sources", w.sources["B"]) + "order"] = "0"


def _relabel(label, new):
    def change(data, w):
        data[row(data, "lesson_sources", w.sources[label]) + "label"] = new

    return change


def _replace_source(data, w):
    data[row(data, "lesson_sources", w.sources["A"]) + "source"] = str(make_source().pk)


def _other_framework(data, w):
    data["framework"] = str(Framework.objects.get(slug="gcse-nop").pk)


def _retire(label):
    def change(data, w):
        data[row(data, "lesson_sources", w.sources[label]) + "retired"] = "on"

    return change


def _drop_interpretation(index):
    def change(data, w):
        dropped = str(w.interpretations[index].pk)
        data["interpretations"] = [pk for pk in data["interpretations"] if pk != dropped]

    return change


def _add_source(data, w):
    stem = f"lesson_sources-{int(data['lesson_sources-TOTAL_FORMS']) - 1}-"
    assert data[stem + "id"] == ""  # the blank row the page offers
    data[stem + "source"] = str(make_source(title="Source text E").pk)
    data[stem + "order"] = "9"


def _unpublish(data, w):
    data.pop("published")


def _rewrite_caption_and_notes(data, w):
    stem = row(data, "lesson_sources", w.sources["A"])
    data[stem + "caption"] = "A new caption"
    data[stem + "model_notes"] = "A new model judgement."
    data["research_question"] = "Was coexistence ever meant?"


# Each edit, and what its refusal must say (nothing: the edit is allowed).
LESSON_EDITS = {
    "delete source A (analysed)": (_delete_row("A"), ("Source A is used in {lesson}", "retired")),
    "delete source C (linked and cited)": (_delete_row("C"), ("Source C is used in {lesson}",)),
    "delete source D (unused)": (_delete_row("D"), ()),
    "reorder A and B": (_swap_a_and_b, ()),
    "change the letter of A": (_relabel("A", "E"), ("Source A keeps its letter", "{lesson}")),
    "clear the letter of B": (_relabel("B", ""), ("Source B keeps its letter", "{lesson}")),
    "change the letter of unused D": (_relabel("D", "Z"), ("Source D keeps its letter",)),
    "make A another library source": (
        _replace_source,
        ("Source A cannot become another source", "{lesson}"),
    ),
    "change the framework": (_other_framework, ("framework cannot change", "{lesson}")),
    "retire C": (_retire("C"), ()),
    "drop a chosen interpretation": (
        _drop_interpretation(0),
        ("Position 1", "most convincing interpretation"),
    ),
    "drop an unchosen interpretation": (_drop_interpretation(2), ()),
    "add a source": (_add_source, ()),
    "unpublish": (_unpublish, ()),
    "rewrite captions and notes": (_rewrite_caption_and_notes, ()),
}


@pytest.fixture(params=["teacher", "superuser"])
def editor(request, world) -> Client:
    """The lesson's owner, or an administrator: the two who may change it."""
    client = as_user(getattr(world, request.param))
    client.is_owner = request.param == "teacher"
    return client


@pytest.mark.parametrize("edit", LESSON_EDITS, ids=str)
def test_a_lesson_edit_is_refused_or_keeps_the_work(world, editor, edit):
    change, refusal = LESSON_EDITS[edit]
    before = snapshot()
    sources_before = list(LessonSource.objects.order_by("pk").values())
    response = edit_lesson(editor, world, change)
    if refusal:
        refused(response, world, *refusal)
        assert list(LessonSource.objects.order_by("pk").values()) == sources_before
        assert list(world.lesson.interpretations.all()) == world.interpretations
    else:
        saved(response)
    assert snapshot() == before
    walk_pages(world, editor)


def test_reordering_keeps_every_letter(world):
    edit_lesson(as_user(world.teacher), world, _swap_a_and_b)
    labels = dict(LessonSource.objects.values_list("pk", "label"))
    assert {label: labels[ls.pk] for label, ls in world.sources.items()} == {
        "A": "A",
        "B": "B",
        "C": "C",
        "D": "D",
    }
    assert list(world.lesson.lesson_sources.values_list("label", flat=True)) == list("BACD")


def test_the_lesson_page_says_its_letters_and_framework_are_locked(world):
    page = page_text(
        as_user(world.teacher).get(reverse("admin:lessons_lesson_change", args=[world.lesson.pk]))
    )
    assert "Students have started this lesson" in page
    assert OWNERS_VIEW in page
    assert "11R" not in page


# Deleting curriculum: Django's protected-objects page, or a message on the form.


PROTECTED = "would require deleting the following protected related objects"
DELETIONS = {
    "the lesson": lambda w: w.lesson,
    "a framework in use": lambda w: w.lesson.framework,
    "a chosen interpretation": lambda w: w.interpretations[0],
    "an analysed library source": lambda w: w.sources["A"].source,
    "the library source of C": lambda w: w.sources["C"].source,
    "the historian's book": lambda w: w.interpretations[0].work,
}


@pytest.mark.parametrize("what", DELETIONS, ids=str)
def test_deleting_curriculum_that_holds_work_is_refused(world, editor, what):
    """Django's own confirmation lists the protected rows of work and deletes nothing,
    from the object's delete page and from “delete selected” alike."""
    obj = DELETIONS[what](world)
    before = snapshot()
    url = admin_url(obj, "delete")
    changelist = admin_url(obj, "changelist")
    selected = {"action": "delete_selected", "_selected_action": [obj.pk]}
    for response in (
        editor.get(url),
        editor.post(url, {"post": "yes"}),
        editor.post(changelist, selected),
        editor.post(changelist, {**selected, "post": "yes"}),
    ):
        assert response.status_code == 200
        assert PROTECTED in page_text(response)
    assert type(obj).objects.filter(pk=obj.pk).exists()
    assert snapshot() == before
    walk_pages(world, editor)


def test_an_unchosen_interpretation_can_be_deleted_and_the_work_stays(world, editor):
    unchosen = world.interpretations[2]
    before = snapshot()
    response = editor.post(admin_url(unchosen, "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert not Interpretation.objects.filter(pk=unchosen.pk).exists()
    assert snapshot() == before
    walk_pages(world, editor)


def test_a_chosen_interpretation_cannot_be_deleted_from_its_source_page(world, editor):
    chosen = world.interpretations[0]
    url, data = admin_form(editor, chosen.work)
    stem = row(data, "interpretations", chosen)
    data[stem + "DELETE"] = "on"
    before = snapshot()
    refused(editor.post(url, data), world, str(chosen), "cannot be removed")
    assert Interpretation.objects.filter(pk=chosen.pk).exists()
    assert snapshot() == before


# Frameworks and their prompts.


def edit_framework(client, w, change):
    url, data = admin_form(client, w.lesson.framework)
    change(data, w)
    return client.post(url, data)


def _prompt(key: str) -> Prompt:
    return Prompt.objects.get(framework__slug="opvl", key=key)


def _delete_prompt(key):
    def change(data, w):
        data[row(data, "prompts", _prompt(key)) + "DELETE"] = "on"

    return change


def _rekey(key, new):
    def change(data, w):
        data[row(data, "prompts", _prompt(key)) + "key"] = new

    return change


def _relabel_prompt(data, w):
    stem = row(data, "prompts", _prompt("origin"))
    data[stem + "label"] = "Who made it, and when?"
    data.pop(stem + "required")


def _rekey_and_delete(data, w):
    stem = row(data, "prompts", _prompt("origin"))
    data[stem + "key"] = "never-answered"
    data[stem + "DELETE"] = "on"


FRAMEWORK_EDITS = {
    "delete an answered prompt": (
        _delete_prompt("origin"),
        ("The prompt “Origin” has answers in {lesson}", "Make it optional"),
    ),
    "delete an answered prompt while changing its key": (
        _rekey_and_delete,
        ("The prompt “Origin” has answers in {lesson}",),
    ),
    "change an answered prompt's key": (
        _rekey("value", "worth"),
        ("Answers to this prompt are kept under “value” in {lesson}",),
    ),
    "delete an unanswered prompt": (_delete_prompt("limitation"), ()),
    "change an unanswered prompt's key": (_rekey("limitation", "limits"), ()),
    "relabel a prompt and make it optional": (_relabel_prompt, ()),
}


@pytest.mark.parametrize("edit", FRAMEWORK_EDITS, ids=str)
def test_a_framework_edit_is_refused_or_keeps_the_work(world, editor, edit):
    change, refusal = FRAMEWORK_EDITS[edit]
    before = snapshot()
    prompts_before = list(Prompt.objects.order_by("pk").values())
    response = edit_framework(editor, world, change)
    if refusal:
        refused(response, world, *refusal)
        assert list(Prompt.objects.order_by("pk").values()) == prompts_before
    else:
        saved(response)
    assert snapshot() == before
    walk_pages(world, editor)


# Assignments: in their own admin and in the class's.


@pytest.fixture
def second_lesson(world):
    return make_lesson(sources=2, published=True, title="Another lesson", owner=world.teacher)


@pytest.fixture
def third_class(world):
    return make_classroom(name="12Y History", teachers=[world.teacher])


def edit_assignment(client, w, **changes):
    url, data = admin_form(client, w.assignment)
    data.update(changes)
    return client.post(url, data)


def edit_class(client, w, **changes):
    """Post the class's page with these changes to the assignment's row."""
    url, data = admin_form(client, w.assignment.classroom)
    stem = row(data, "assignments", w.assignment)
    data.update({stem + name: value for name, value in changes.items()})
    return client.post(url, data)


def test_an_assignment_with_work_keeps_its_lesson(world, editor, second_lesson):
    before = snapshot()
    response = edit_assignment(editor, world, lesson=str(second_lesson.pk))
    refused(response, world, "its lesson cannot change", "{assignment}")
    assert Assignment.objects.get(pk=world.assignment.pk).lesson == world.lesson
    assert snapshot() == before
    walk_pages(world, editor)


def test_an_assignment_with_work_keeps_its_class(world, editor, third_class):
    before = snapshot()
    response = edit_assignment(editor, world, classroom=str(third_class.pk))
    refused(response, world, "its class cannot change", "{assignment}")
    assert Assignment.objects.get(pk=world.assignment.pk).classroom == world.assignment.classroom
    assert snapshot() == before
    walk_pages(world, editor)


def test_an_assignment_with_work_may_change_its_dates(world, editor):
    before = snapshot()
    saved(edit_assignment(editor, world, due_at_0="2099-01-01", due_at_1="09:00:00"))
    assert Assignment.objects.get(pk=world.assignment.pk).due_at.year == 2099
    assert snapshot() == before
    walk_pages(world, editor)


def test_the_class_page_keeps_an_assignments_lesson(world, editor, second_lesson):
    before = snapshot()
    response = edit_class(editor, world, lesson=str(second_lesson.pk))
    refused(response, world, "its lesson cannot change", "{assignment}")
    assert Assignment.objects.get(pk=world.assignment.pk).lesson == world.lesson
    assert snapshot() == before
    walk_pages(world, editor)


def test_the_class_page_does_not_delete_an_assignment_with_work_by_a_tick(world, editor):
    """A tick has no confirmation: the work goes only from the assignment's own delete
    page, which counts it first."""
    before = snapshot()
    response = edit_class(editor, world, DELETE="on")
    refused(response, world, "{assignment}")
    assert Assignment.objects.filter(pk=world.assignment.pk).exists()
    assert snapshot() == before
    walk_pages(world, editor)


def test_the_class_page_deletes_an_assignment_nobody_started(world, editor, second_lesson):
    unstarted = make_assignment(world.assignment.classroom, second_lesson)
    before = snapshot()
    url, data = admin_form(editor, world.assignment.classroom)
    data[row(data, "assignments", unstarted) + "DELETE"] = "on"
    response = editor.post(url, data)
    assert response.status_code == 302, form_errors(response)
    assert not Assignment.objects.filter(pk=unstarted.pk).exists()
    assert snapshot() == before


def test_removing_a_student_from_a_class_keeps_their_work(world, editor):
    before = snapshot()
    url, data = admin_form(editor, world.assignment.classroom)
    enrolment = Enrolment.objects.get(classroom=world.assignment.classroom, student=world.student)
    data[row(data, "enrolments", enrolment) + "DELETE"] = "on"
    response = editor.post(url, data)
    assert response.status_code == 302, form_errors(response)
    assert not Enrolment.objects.filter(pk=enrolment.pk).exists()
    assert snapshot() == before
    walk_pages(world, editor)
    Enrolment.objects.create(classroom=world.assignment.classroom, student=world.student)
    page = as_user(world.student).get(reverse("lessons:answer", args=[world.assignment.pk]))
    assert "coexistence was a tactic" in page_text(page)


def test_archiving_a_class_keeps_its_work(world, editor):
    before = snapshot()
    url, data = admin_form(editor, world.assignment.classroom)
    data["archived"] = "on"
    response = editor.post(url, data)
    assert response.status_code == 302, form_errors(response)
    assert Classroom.objects.get(pk=world.assignment.classroom_id).archived
    assert snapshot() == before
    walk_pages(world, editor)


# --- The app's own pages change no curriculum ---------------------------------------------


APP_PAGES = {
    # Classes and joining
    "preview", "join", "join_class", "class", "class_joining", "class_rotate_code",
    "class_roster", "reset_password", "unlock_student",
    # Privacy: a copy of one student's work, and erasing a student (their work, never
    # curriculum; tests/lessons/test_privacy.py walks it)
    "my_work", "my_work_json", "student_record", "student_record_json", "erase_student",
    # A student's own work
    "assignment", "answer", "answer_print", "submit", "bibliography", "source_work",
    "highlight_add",
    "highlight_remove", "link_add", "link_remove", "prediction", "region_add", "region_remove",
    # Teachers reading and marking work, and revealing a source to the class
    "dashboard", "reveal_to_class", "review", "report", "marks_csv", "annotations_csv",
    "bank_add", "bank_remove",
    # The source library
    "library", "detail",
}  # fmt: skip


def test_no_app_page_changes_the_curriculum():
    """Curriculum changes in the admin only, walked above; none of these pages touches
    lessons, sources, frameworks or interpretations."""
    from lessons import urls as lesson_urls
    from sources import urls as source_urls

    names = {p.name for p in [*lesson_urls.urlpatterns, *source_urls.urlpatterns]}
    assert names == APP_PAGES, (
        "The app's pages changed. If a new one changes or deletes curriculum, walk it in "
        "this module as the admin's edits are; then list it in APP_PAGES: "
        f"new {sorted(names - APP_PAGES)}, gone {sorted(APP_PAGES - names)}"
    )


# --- Deleting the work itself: confirmed, after the count ---------------------------------


def _rows_of(**match) -> int:
    return (
        SourceAnnotation.objects.filter(**match).count()
        + Submission.objects.filter(**match).count()
    )


def _work_of(assignment: Assignment) -> dict[str, list[dict]]:
    """Every row of one assignment's work, every field."""
    return {
        "annotations": list(
            SourceAnnotation.objects.filter(assignment=assignment).order_by("pk").values()
        ),
        "submissions": list(
            Submission.objects.filter(assignment=assignment).order_by("pk").values()
        ),
        "versions": list(
            SubmissionVersion.objects.filter(submission__assignment=assignment)
            .order_by("pk")
            .values()
        ),
    }


SAM_COUNTS = "This also deletes the work of 1 student: 3 source analyses, 1 answer (1 handed in)."


@pytest.mark.parametrize("what", ["assignment", "classroom"])
def test_deleting_a_class_or_assignment_counts_its_work_then_deletes_only_that(world, editor, what):
    obj = world.assignment if what == "assignment" else world.assignment.classroom
    kept = _work_of(world.other_assignment)
    url = admin_url(obj, "delete")
    page = page_text(editor.get(url))
    assert SAM_COUNTS in page
    response = editor.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert _rows_of(student=world.student) == 0
    assert not SubmissionVersion.objects.filter(submission__student=world.student).exists()
    assert _work_of(world.other_assignment) == kept
    walk_pages(world, editor)


@pytest.mark.parametrize("what", ["assignment", "classroom"])
def test_delete_selected_counts_the_work_of_classes_and_assignments(world, editor, what):
    obj = world.assignment if what == "assignment" else world.assignment.classroom
    kept = _work_of(world.other_assignment)
    changelist = admin_url(obj, "changelist")
    chosen = {"action": "delete_selected", "_selected_action": [obj.pk]}
    page = page_text(editor.post(changelist, chosen))
    assert SAM_COUNTS in page
    response = editor.post(changelist, {**chosen, "post": "yes"})
    assert response.status_code == 302
    assert _rows_of(student=world.student) == 0
    assert _work_of(world.other_assignment) == kept


def test_a_class_without_work_says_so_before_deletion(world):
    empty = make_classroom(name="Empty", teachers=[world.teacher])
    page = page_text(as_user(world.teacher).get(admin_url(empty, "delete")))
    assert "No student work goes with it." in page


@pytest.mark.parametrize("route", ["delete page", "delete selected"])
def test_deleting_a_student_counts_their_work_then_deletes_only_theirs(world, route):
    admin_client = as_user(world.superuser)
    mine = [
        list(SourceAnnotation.objects.filter(student=world.student).order_by("pk").values()),
        list(Submission.objects.filter(student=world.student).values()),
    ]
    sentence = "This also deletes the work of 1 student: 2 source analyses, 1 answer (1 handed in)."
    if route == "delete page":
        url = admin_url(world.other_student, "delete")
        assert sentence in page_text(admin_client.get(url))
        response = admin_client.post(url, {"post": "yes"})
    else:
        url = admin_url(world.other_student, "changelist")
        chosen = {"action": "delete_selected", "_selected_action": [world.other_student.pk]}
        assert sentence in page_text(admin_client.post(url, chosen))
        response = admin_client.post(url, {**chosen, "post": "yes"})
    assert response.status_code == 302
    assert _rows_of(assignment=world.other_assignment) == 0
    assert [
        list(SourceAnnotation.objects.filter(student=world.student).order_by("pk").values()),
        list(Submission.objects.filter(student=world.student).values()),
    ] == mine


def test_deleting_a_teachers_account_keeps_the_feedback_they_gave(world):
    admin_client = as_user(world.superuser)
    url = admin_url(world.other_teacher, "delete")
    assert "No student work goes with it." in page_text(admin_client.get(url))
    before = snapshot()
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    after = snapshot()
    for row_before in before["lessons.Submission"]:
        if row_before["feedback_by_id"] == world.other_teacher.pk:
            row_before.update(feedback_by_id=None, returned_by_id=None)
    assert after == before
    assert Submission.objects.get(student=world.other_student).feedback == "Riley: well argued."


def test_a_teacher_cannot_delete_a_student_account(world):
    response = as_user(world.teacher).post(admin_url(world.student, "delete"), {"post": "yes"})
    assert response.status_code == 403
    assert _rows_of(student=world.student) == 4


# --- The guard: curriculum never cascades into work ---------------------------------------

CURRICULUM = {
    "lessons.Framework",
    "lessons.Prompt",
    "lessons.Lesson",
    "lessons.LessonSource",
    "lessons.GlossaryTerm",
    "lessons.Fact",
    "sources.Author",
    "sources.Theme",
    "sources.Source",
    "sources.SourceAuthor",
    "sources.Provenance",
    "sources.Interpretation",
    "sources.HistoricalAuthor",
    "sources.HistoricalSource",
    "sources.HistoricalSource_themes",
    "sources.HistoricalProvenance",
    "sources.HistoricalInterpretation",
    # Not curriculum, but no student's work either: that a teacher revealed a source to a
    # class. It goes with the lesson source, which cannot go while work refers to it.
    "lessons.ClassReveal",
}
# What holds work without being curriculum: deleting one deletes work, after a count.
WORK_HOLDERS = {"lessons.Assignment", "lessons.Classroom", "coexist.User"}
CURRICULUM_TARGETS = {
    "lessons.Framework",
    "lessons.Prompt",
    "lessons.Lesson",
    "lessons.LessonSource",
    "sources.Interpretation",
    "sources.Source",
}
KEEPS_ROWS = (models.PROTECT, models.RESTRICT, models.DO_NOTHING)


def _foreign_keys(model):
    return [
        field
        for field in model._meta.get_fields()
        if (field.many_to_one or field.one_to_one) and field.concrete
    ]


def _label(model) -> str:
    return model._meta.label


def test_every_model_pointing_at_curriculum_is_listed():
    """A new model that refers to a lesson, source, prompt, framework or interpretation
    must say what it is: students' work (kept by PROTECT, watched by `snapshot`) or
    curriculum."""
    listed = STUDENT_WORK | CURRICULUM | WORK_HOLDERS
    unlisted = [
        f"{_label(model)} → {', '.join(sorted(targets))}"
        for model in apps.get_models()
        if (targets := {_label(f.related_model) for f in _foreign_keys(model)} & CURRICULUM_TARGETS)
        and _label(model) not in listed
    ]
    assert not unlisted, (
        "These models refer to curriculum but are not listed in "
        "tests/lessons/test_curriculum_keeps_work.py: add each to STUDENT_WORK (then its "
        "keys to curriculum must be PROTECT, and `snapshot` covers it) or to CURRICULUM: "
        + "; ".join(unlisted)
    )


def test_work_refers_to_curriculum_only_through_protected_keys():
    loose = [
        f"{label}.{field.name} ({field.remote_field.on_delete.__name__})"
        for label in sorted(STUDENT_WORK | WORK_HOLDERS)
        for field in _foreign_keys(apps.get_model(label))
        if _label(field.related_model) in CURRICULUM | CURRICULUM_TARGETS
        and field.remote_field.on_delete is not models.PROTECT
    ]
    assert not loose, f"Make these PROTECT so curriculum never takes work with it: {loose}"


def _deleted_with_work() -> set[str]:
    """Every model whose deletion deletes or changes a row of students' work."""
    reached = set(STUDENT_WORK)
    frontier = list(STUDENT_WORK)
    while frontier:
        model = apps.get_model(frontier.pop())
        for field in _foreign_keys(model):
            target = _label(field.related_model)
            if field.remote_field.on_delete in KEEPS_ROWS or target in reached:
                continue
            if field.remote_field.on_delete is models.SET_NULL and target == "coexist.User":
                continue  # who gave feedback or returned it: the words stay
            reached.add(target)
            frontier.append(target)
    return reached - STUDENT_WORK


def test_no_curriculum_deletion_reaches_students_work():
    holders = _deleted_with_work()
    assert not holders & (CURRICULUM | CURRICULUM_TARGETS), holders
    assert holders == WORK_HOLDERS, (
        "Deleting these deletes students' work; list them in WORK_HOLDERS and give their "
        f"admin StatesWorkOnDelete so the confirmation counts it: {sorted(holders)}"
    )


def test_every_admin_that_deletes_work_counts_it_first(rf):
    request = rf.get("/")
    request.user = make_user("auditor", is_staff=True, is_superuser=True)
    for label in sorted(WORK_HOLDERS):
        model_admin = admin.site._registry[apps.get_model(label)]
        assert isinstance(model_admin, StatesWorkOnDelete), label
        action = model_admin.get_actions(request)["delete_selected"]
        assert action.func is StatesWorkOnDelete.delete_selected, label


# --- Ownership: only the owner and co-editors change a lesson -----------------------------


def test_another_teacher_sees_the_lesson_read_only_with_duplicate_to_edit(world):
    response = as_user(world.other_teacher).get(admin_url(world.lesson, "change"))
    assert response.status_code == 200
    page = page_text(response)
    assert "Duplicate to edit" in page
    assert reverse("admin:lessons_lesson_duplicate", args=[world.lesson.pk]) in page
    editable = [
        name
        for name in form_data(response, "lesson_form")
        if name != "csrfmiddlewaretoken" and not name.endswith(("_FORMS", "-id", "-lesson"))
    ]
    assert editable == []


def test_another_teachers_post_to_the_lesson_is_refused(world):
    _, data = admin_form(as_user(world.teacher), world.lesson)
    data["title"] = "Taken over"
    data[row(data, "lesson_sources", world.sources["D"]) + "DELETE"] = "on"
    before = snapshot()
    response = as_user(world.other_teacher).post(admin_url(world.lesson, "change"), data)
    assert response.status_code == 403
    world.lesson.refresh_from_db()
    assert world.lesson.title == "Peaceful coexistence"
    assert LessonSource.objects.filter(pk=world.sources["D"].pk).exists()
    assert snapshot() == before


def test_another_teacher_cannot_delete_the_lesson(world):
    response = as_user(world.other_teacher).post(admin_url(world.lesson, "delete"), {"post": "yes"})
    assert response.status_code == 403
    assert Lesson.objects.filter(pk=world.lesson.pk).exists()


def _copy_contents(lesson: Lesson) -> dict:
    return {
        "sources": list(
            lesson.lesson_sources.order_by("order").values_list(
                "label", "source_id", "section", "caption", "retired"
            )
        ),
        "glossary": list(lesson.glossary.values_list("term", "definition")),
        "facts": list(lesson.facts.values_list("text", flat=True)),
        "interpretations": sorted(lesson.interpretations.values_list("pk", flat=True)),
        "framework": lesson.framework_id,
        "question": lesson.research_question,
    }


def test_another_teacher_duplicates_the_lesson_into_a_draft_they_own(world):
    client = as_user(world.other_teacher)
    before = snapshot()
    response = client.post(reverse("admin:lessons_lesson_duplicate", args=[world.lesson.pk]))
    copy = Lesson.objects.exclude(pk=world.lesson.pk).get()
    assert response.status_code == 302
    assert response["Location"] == admin_url(copy, "change")
    assert copy.owner == world.other_teacher
    assert not copy.published
    assert _copy_contents(copy) == _copy_contents(world.lesson)
    assert snapshot() == before

    url, data = admin_form(client, copy)
    data["framework"] = str(Framework.objects.get(slug="gcse-nop").pk)
    data["title"] = "My own version"
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    copy.refresh_from_db()
    assert (copy.framework.slug, copy.title) == ("gcse-nop", "My own version")
    assert world.lesson.framework.slug == "opvl"
    assert snapshot() == before


def test_the_duplicate_action_copies_the_selected_lessons(world):
    response = as_user(world.other_teacher).post(
        reverse("admin:lessons_lesson_changelist"),
        {"action": "duplicate_lessons", "_selected_action": [world.lesson.pk]},
    )
    assert response.status_code == 302
    copy = Lesson.objects.exclude(pk=world.lesson.pk).get()
    assert (copy.owner, copy.published) == (world.other_teacher, False)
    assert _copy_contents(copy) == _copy_contents(world.lesson)


def test_a_co_editor_may_change_the_lesson(world):
    world.lesson.co_editors.add(world.other_teacher)
    client = as_user(world.other_teacher)
    url, data = admin_form(client, world.lesson)
    data["title"] = "Co-edited"
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    world.lesson.refresh_from_db()
    assert world.lesson.title == "Co-edited"
    assert world.lesson.owner == world.teacher
    assert snapshot() == before


def test_the_duplicate_address_accepts_only_post(world):
    url = reverse("admin:lessons_lesson_duplicate", args=[world.lesson.pk])
    assert as_user(world.other_teacher).get(url).status_code == 405
    assert Lesson.objects.count() == 1


def test_an_anonymous_visitor_is_sent_to_the_admin_login_to_duplicate(world, client):
    url = reverse("admin:lessons_lesson_duplicate", args=[world.lesson.pk])
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert Lesson.objects.count() == 1


def test_a_student_cannot_duplicate_a_lesson(world):
    url = reverse("admin:lessons_lesson_duplicate", args=[world.lesson.pk])
    response = as_user(world.student).post(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert Lesson.objects.count() == 1


def test_duplicating_keeps_the_work_with_the_original(world):
    copy = duplicate_lesson(lesson=world.lesson, owner=world.other_teacher)
    assert not copy.usage()
    assert world.lesson.usage().students == 2


# --- Retiring a source with work -------------------------------------------------------------


def _save_analysis_json(client, assignment, label, **fields):
    url = reverse("lessons:source_work", args=[assignment.pk, label])
    data = form_data(client.get(url), "analysis-form")
    data.update(fields)
    return client.post(url, data, HTTP_ACCEPT="application/json")


def test_a_retired_source_stays_read_only_for_who_started_it_and_leaves_the_others(world):
    edit_lesson(as_user(world.teacher), world, _retire("C"))
    assert LessonSource.objects.get(pk=world.sources["C"].pk).retired
    before = snapshot()
    student = as_user(world.student)
    url = reverse("lessons:source_work", args=[world.assignment.pk, "C"])
    page = student.get(url)
    assert page.status_code == 200
    assert "class struggle" in page_text(page)
    assert "Your teacher has taken this source out of the lesson" in page_text(page)

    version = SourceAnnotation.objects.get(student=world.student, lesson_source__label="C").version
    response = student.post(
        url,
        {"version": str(version), "response_purpose": "Changed", "rating": "1"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 403
    assert response.json()["status"] == "refused"
    assert "taken this source out of the lesson" in response.json()["message"]
    assert snapshot() == before

    newcomer = as_user(world.newcomer)
    assert newcomer.get(url).status_code == 404
    listing = page_text(newcomer.get(reverse("lessons:assignment", args=[world.assignment.pk])))
    assert "Source text C" not in listing
    assert "Source text D" in listing

    review = as_user(world.teacher).get(
        reverse("lessons:review", args=[world.assignment.pk, world.student.pk])
    )
    assert "Retired" in page_text(review)
    assert "class struggle" in page_text(review)
    assert_pages_open(world)


# --- A framework changed under saved answers (legacy data) ----------------------------------


def test_answers_to_prompts_a_lesson_no_longer_asks_are_kept_and_shown(world):
    Lesson.objects.filter(pk=world.lesson.pk).update(
        framework=Framework.objects.get(slug="gcse-nop")
    )
    student = as_user(world.student)
    response = _save_analysis_json(
        student,
        world.assignment,
        "A",
        response_nature="A speech to the Party.",
        response_origin="",
    )
    assert response.status_code == 200, page_text(response)
    assert response.json()["status"] == "saved"
    annotation = SourceAnnotation.objects.get(
        student=world.student, lesson_source=world.sources["A"]
    )
    assert annotation.responses == {
        "nature": "A speech to the Party.",
        "purpose": "To reassure.",
        "value": "Tone.",
    }

    page = page_text(student.get(reverse("lessons:source_work", args=[world.assignment.pk, "A"])))
    assert "Earlier answers" in page
    assert "Tone." in page
    teacher = as_user(world.teacher)
    review = page_text(
        teacher.get(reverse("lessons:review", args=[world.assignment.pk, world.student.pk]))
    )
    assert "Earlier answers" in review
    assert "Tone." in review
    export = teacher.get(reverse("lessons:annotations_csv", args=[world.assignment.pk]))
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    by_source = {r["Source"]: r for r in rows}
    assert by_source["A"]["Earlier answers"] == "Value: Tone."
    assert by_source["B"]["Earlier answers"] == ""
    assert_pages_open(world)


def test_clearing_a_current_prompt_removes_only_that_answer(world):
    student = as_user(world.student)
    response = _save_analysis_json(student, world.assignment, "A", response_purpose="")
    assert response.json()["status"] == "saved"
    annotation = SourceAnnotation.objects.get(
        student=world.student, lesson_source=world.sources["A"]
    )
    assert annotation.responses == {"origin": "Khrushchev, 1956.", "value": "Tone."}
    assert annotation.highlights[0]["quote"] == "We will bury you"
    assert annotation.links[0]["source"] == world.sources["B"].pk


# --- Lesson packs ----------------------------------------------------------------------------


def _pack(lesson: Lesson) -> dict:
    return json.loads(json.dumps(export_lessons([lesson]), default=str))


PACK_CHANGES = {
    "a source dropped": lambda p: p["lessons"][0]["sources"].pop(),
    "sources reordered": lambda p: p["lessons"][0]["sources"].reverse(),
    "a letter changed": lambda p: p["lessons"][0]["sources"][0].update(label="Q"),
    "another framework": lambda p: p["lessons"][0].update(framework="gcse-nop"),
}


@pytest.mark.parametrize("change", PACK_CHANGES, ids=str)
def test_a_pack_that_would_change_a_started_lesson_is_refused(world, change):
    pack = _pack(world.lesson)
    PACK_CHANGES[change](pack)
    before = snapshot()
    sources_before = list(LessonSource.objects.order_by("pk").values())
    with pytest.raises(PackError, match="lesson “peaceful-coexistence”"):
        import_lessons(pack)
    assert list(LessonSource.objects.order_by("pk").values()) == sources_before
    assert Lesson.objects.get(pk=world.lesson.pk).framework.slug == "opvl"
    assert snapshot() == before


@pytest.mark.parametrize("change", PACK_CHANGES, ids=str)
def test_keep_started_leaves_a_started_lesson_as_it_is(world, change):
    pack = _pack(world.lesson)
    PACK_CHANGES[change](pack)
    before = snapshot()
    sources_before = list(LessonSource.objects.order_by("pk").values())
    report = import_lessons(pack, keep_started=True)
    assert report.unchanged["lessons"] == 1
    assert list(LessonSource.objects.order_by("pk").values()) == sources_before
    assert snapshot() == before


def test_a_pack_that_drops_a_chosen_interpretation_is_refused(world):
    pack = _pack(world.lesson)
    chosen = world.interpretations[0].position
    pack["lessons"][0]["interpretations"] = [
        i for i in pack["lessons"][0]["interpretations"] if i["position"] != chosen
    ]
    before = snapshot()
    with pytest.raises(PackError, match="Position 1.* as the most convincing interpretation"):
        import_lessons(pack)
    assert list(world.lesson.interpretations.all()) == world.interpretations
    assert snapshot() == before


def test_a_chosen_interpretation_the_lesson_no_longer_offers_survives_a_save(world):
    """Data from before the lesson kept chosen interpretations (or a shell edit): the
    student's next save must keep their choice, as it keeps answers to dropped prompts."""
    world.lesson.interpretations.remove(world.interpretations[0])
    client = as_user(world.student)
    url = reverse("lessons:answer", args=[world.assignment.pk])
    data = form_data(client.get(url), "answer-form")
    data["answer"] += " One more sentence."
    response = client.post(url, data, HTTP_ACCEPT="application/json")
    assert response.json()["status"] == "saved"
    submission = Submission.objects.get(student=world.student)
    assert submission.answer.endswith("One more sentence.")
    assert submission.preferred_interpretation == world.interpretations[0]
