"""Small factory functions for test data. Lesson packs and demo data live in fixtures/."""

from __future__ import annotations

from itertools import count

from django.contrib.auth.models import Group

from coexist.models import TEACHERS_GROUP, User

PASSWORD = "correct-horse-battery"
_numbers = count(1)


def make_user(username: str | None = None, **fields) -> User:
    username = username or f"user{next(_numbers)}"
    user = User(username=username, **fields)
    user.set_password(PASSWORD)
    user.save()
    return user


def make_teacher(username: str | None = None, **fields) -> User:
    fields.setdefault("is_staff", True)
    teacher = make_user(username or f"teacher{next(_numbers)}", **fields)
    teacher.groups.add(Group.objects.get_or_create(name=TEACHERS_GROUP)[0])
    return teacher


def make_student(username: str | None = None, **fields) -> User:
    return make_user(username or f"student{next(_numbers)}", **fields)


def make_pupils(n: int) -> list[User]:
    """`n` students, pupil00, pupil01…, whose surnames ("Pupil 00"…) list them in that order."""
    return [make_student(f"pupil{i:02d}", last_name=f"Pupil {i:02d}") for i in range(n)]
