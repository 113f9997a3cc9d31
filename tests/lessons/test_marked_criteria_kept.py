"""Marks are kept under their criterion's key: once work is marked on a criterion, it is
not deleted, its key does not change and its maximum does not drop below a mark given."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from lessons.models import Criterion, MarkingScheme, Submission, WorkInUse
from tests.lessons.factories import make_assignment, make_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def criterion(classroom, student) -> Criterion:
    scheme = MarkingScheme.objects.create(slug="essay", name="Essay")
    criterion = Criterion.objects.create(scheme=scheme, key="A", title="Argument", max_mark=10)
    lesson = make_lesson(sources=1, published=True, marking_scheme=scheme)
    Submission.objects.create(
        assignment=make_assignment(classroom, lesson=lesson),
        student=student,
        status=Submission.Status.RETURNED,
        criterion_marks={"A": {"mark": 7, "comment": ""}},
    )
    return criterion


def test_a_marked_criterion_is_not_deleted(criterion):
    with pytest.raises(WorkInUse, match="Criterion A has marks in"):
        criterion.delete()
    assert Criterion.objects.filter(pk=criterion.pk).exists()


def test_its_key_does_not_change_but_its_title_may(criterion):
    criterion.key = "B"
    with pytest.raises(ValidationError, match="kept under “A”"):
        criterion.full_clean()
    criterion.key, criterion.title = "A", "The argument"
    criterion.full_clean()


def test_its_maximum_does_not_drop_below_a_mark_given(criterion):
    criterion.max_mark = 6
    with pytest.raises(ValidationError, match="more than that"):
        criterion.full_clean()
    criterion.max_mark = 7
    criterion.full_clean()


def test_an_unmarked_criterion_changes_freely(db):
    scheme = MarkingScheme.objects.create(slug="fresh", name="Fresh")
    criterion = Criterion.objects.create(scheme=scheme, key="A", title="Argument", max_mark=10)
    criterion.key, criterion.max_mark = "Z", 1
    criterion.full_clean()
    criterion.delete()
