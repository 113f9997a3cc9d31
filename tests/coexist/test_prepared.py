"""Prepared queries: built once per process, they return what the queryset returns."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.test.utils import CaptureQueriesContext

from coexist.models import User
from coexist.prepared import NotPreparable, Prepared, PreparedUpdate
from lessons.models import Classroom
from tests.factories import make_pupils

pytestmark = pytest.mark.django_db


def _classes(*, name: str, archived: int):
    return (
        Classroom.objects.filter(name=name, archived=bool(archived))
        .annotate(shout=Upper("name"), doubled=F("pk") * 2)
        .order_by("pk")
    )


@pytest.fixture
def classes():
    return [Classroom.objects.create(name=name) for name in ("7A", "7B", "7A")]


def test_it_returns_what_the_queryset_returns(classes):
    prepared = Prepared(lambda name: _classes(name=name, archived=0), name=str)
    for name in ("7A", "7B", "8C", "7A"):
        expected = list(_classes(name=name, archived=0))
        got = prepared(name=name)
        assert [(c.pk, c.name, c.shout, c.doubled) for c in got] == [
            (c.pk, c.name, c.shout, c.doubled) for c in expected
        ]
    assert prepared.first(name="8C") is None
    assert prepared.first(name="7B").pk == classes[1].pk


def test_it_builds_the_sql_once_and_runs_one_query_a_call(classes, monkeypatch):
    built = []

    def build(*, name):
        built.append(name)
        return _classes(name=name, archived=0)

    prepared = Prepared(build, name=str)
    for name in ("7A", "7B", "7A"):
        with CaptureQueriesContext(connection) as queries:
            prepared(name=name)
        assert len(queries) == 1
        assert f"'{name}'" in queries[0]["sql"] or name in str(queries[0])
    assert len(built) == 1  # with the stand-ins, once
    assert built[0] != "7A"


def test_it_follows_select_related_and_values_lists():
    teacher, pupil = make_pupils(2)
    room = Classroom.objects.create(name="9Z")
    room.teachers.add(teacher)
    room.enrolments.create(student=pupil)
    enrolled = Prepared(
        lambda student: room.enrolments.model.objects.filter(student=student).select_related(
            "classroom", "student"
        ),
        student=int,
    )
    [row] = enrolled(student=pupil.pk)
    with CaptureQueriesContext(connection) as queries:
        assert (row.classroom.name, row.student.username) == ("9Z", pupil.username)
    assert len(queries) == 0
    names = Prepared(
        lambda pk: User.objects.filter(pk=pk).values_list("username", flat=True), pk=int
    )
    assert names(pk=teacher.pk) == [teacher.username]
    assert names(pk="999999") == []  # values are given the declared type


def test_each_thread_runs_it_on_its_own_connection():
    prepared = Prepared(lambda name: _classes(name=name, archived=0), name=str)
    prepared(name="7A")  # planned on this thread's connection
    ran_here, errors = [], []

    def run():
        try:
            with CaptureQueriesContext(connection) as queries:  # the thread's own
                prepared(name="7A")
            ran_here.append(len(queries))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert not errors, errors
    assert ran_here == [1]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda name: Classroom.objects.filter(name__contains=name), "unchanged"),
        (lambda name: Classroom.objects.extra(where=[f"name = '{name}'"]), "into the SQL"),
        (lambda name: Classroom.objects.filter(name=name).prefetch_related("teachers"), "prefetch"),
        (lambda name: Classroom.objects.filter(Q(name="7A")), "unchanged"),
    ],
    ids=["transformed", "written-in", "prefetch", "unused"],
)
def test_it_refuses_a_query_it_cannot_replay(build, message):
    with pytest.raises(NotPreparable, match=message):
        Prepared(build, name=str)(name="7A")


def test_it_refuses_wrong_values_and_kinds():
    with pytest.raises(TypeError):
        Prepared(lambda when: Classroom.objects.all(), when=float)
    prepared = Prepared(lambda name: Classroom.objects.filter(name=name), name=str)
    with pytest.raises(TypeError, match="expected the values"):
        prepared(nom="7A")


# --- Prepared UPDATEs ----------------------------------------------------------------------


def test_an_update_changes_the_rows_it_names_and_counts_them(classes):
    archive = PreparedUpdate(
        lambda pk: (Classroom.objects.filter(pk=pk), {}),
        where={"pk": int},
        values=["name", "archived"],
    )
    assert archive(pk=classes[0].pk, name="7A renamed", archived=True) == 1
    assert archive(pk=999999, name="nobody", archived=True) == 0
    classes[0].refresh_from_db()
    assert (classes[0].name, classes[0].archived) == ("7A renamed", True)
    assert Classroom.objects.get(pk=classes[1].pk).name == "7B"


def test_an_update_adapts_json_dates_and_nones_as_the_orm_does(student):
    from django.utils import timezone

    from lessons.models import SourceAnnotation
    from lessons.services.work import SAVE_ANALYSIS
    from tests.lessons.factories import make_assignment, make_classroom, make_lesson

    assignment = make_assignment(make_classroom(students=[student]), make_lesson(sources=1))
    lesson_source = assignment.lesson.lesson_sources.get()
    row = SourceAnnotation.objects.create(
        assignment=assignment,
        student=student,
        lesson_source=lesson_source,
        responses={"origin": "kept", "purpose": "old"},
        rating=2,
        version=1,
    )
    when = timezone.now()
    saved = SAVE_ANALYSIS(
        assignment_id=assignment.pk,
        student_id=student.pk,
        lesson_source_id=lesson_source.pk,
        version=1,
        rating=None,
        rating_reason="<b>why</b> “quoted”",
        status=SourceAnnotation.Status.DONE,
        page={"purpose": "new", "content": None},
        updated_at=when,
    )
    assert saved == 1
    row.refresh_from_db()
    assert row.responses == {"origin": "kept", "purpose": "new"}
    assert (row.rating, row.rating_reason, row.status) == (None, "<b>why</b> “quoted”", "done")
    assert (row.version, row.updated_at) == (2, when)
    stale = dict(
        assignment_id=assignment.pk,
        student_id=student.pk,
        lesson_source_id=lesson_source.pk,
        rating=1,
        rating_reason="",
        status="in_progress",
        page={},
        updated_at=when,
    )
    assert SAVE_ANALYSIS(version=1, **stale) == 0  # an old version changes nothing


def test_an_update_refuses_what_it_cannot_replay():
    prepared = PreparedUpdate(
        lambda pk: (Classroom.objects.filter(pk=pk, name__contains="x"), {}),
        where={"pk": int},
        values=["name"],
    )
    with pytest.raises(TypeError, match="expected the values"):
        prepared(pk=1)
    written_in = PreparedUpdate(
        lambda pk: (Classroom.objects.extra(where=[f"id = {pk}"]), {}),
        where={"pk": int},
        values=["name"],
    )
    with pytest.raises(NotPreparable, match="into the SQL"):
        written_in(pk=1, name="x")
