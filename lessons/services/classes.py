"""Workflows that touch several models: joining a class, adding a roster, new passwords."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from coexist.models import User
from lessons.models import JOIN_CODE_ALPHABET, Classroom, Enrolment, FailedJoin

# A one-time password a student can copy from a paper slip: no look-alike characters.
PASSWORD_ALPHABET = JOIN_CODE_ALPHABET.lower()
# Per address: a whole class behind one school address may mistype a code from the
# board a few times each, while guessing one of 31**8 codes at 60 tries per 10 minutes
# would take hundreds of thousands of years.
JOIN_ATTEMPTS_ALLOWED = 60
JOIN_ATTEMPT_WINDOW = timedelta(minutes=10)


def new_one_time_password() -> str:
    """Like “k7qm-x4tp-r9cw”: about 59 bits, easy to read aloud and to type."""
    groups = ("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3))
    return "-".join(groups)


def enrol(*, classroom: Classroom, student: User, route: str = Enrolment.Route.CODE) -> bool:
    """Put the student in the class; False if they were already in it."""
    try:
        with transaction.atomic():
            _, created = Enrolment.objects.get_or_create(
                classroom=classroom, student=student, defaults={"route": route}
            )
    except IntegrityError:  # the same student joining twice at the same moment
        return False
    return created


@transaction.atomic
def create_student(
    *, classroom: Classroom, username: str, password: str, first_name: str, last_name: str = ""
) -> User:
    """A visitor who joined with the class code: an account, no e-mail, then the class."""
    student = User(username=username, first_name=first_name, last_name=last_name)
    student.set_password(password)
    student.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            student.save()
    except IntegrityError:  # someone took the username a moment ago
        raise ValidationError({"username": "A user with that username already exists."}) from None
    enrol(classroom=classroom, student=student)
    return student


# --- Throttling wrong codes ------------------------------------------------------------


def join_attempts_left(client: str, *, now=None) -> int:
    now = now or timezone.now()
    recent = FailedJoin.objects.filter(client=client, at__gte=now - JOIN_ATTEMPT_WINDOW).count()
    return max(JOIN_ATTEMPTS_ALLOWED - recent, 0)


def record_failed_join(client: str, *, now=None) -> None:
    now = now or timezone.now()
    # Old rows are useless once outside the window; keep the table tiny.
    FailedJoin.objects.filter(at__lt=now - JOIN_ATTEMPT_WINDOW).delete()
    FailedJoin.objects.create(client=client, at=now)


# --- Rosters ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterName:
    row: int
    first_name: str
    last_name: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class Slip:
    """What a student needs to log in for the first time; shown once, never stored."""

    name: str
    username: str
    password: str
    classroom: str


# Letters that Unicode does not decompose into a base letter and an accent.
_NO_DECOMPOSITION = str.maketrans(
    {
        "ß": "ss",
        "Æ": "Ae",
        "æ": "ae",
        "Ø": "O",
        "ø": "o",
        "Œ": "Oe",
        "œ": "oe",
        "Ð": "D",
        "ð": "d",
        "Þ": "Th",
        "þ": "th",
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "ı": "i",
    }
)


def username_base(first_name: str, last_name: str) -> str:
    """ada.okafor from “Ada Okafor”; accents folded, anything else dropped."""

    def fold(text: str) -> str:
        text = text.translate(_NO_DECOMPOSITION)
        ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return re.sub(r"[^a-z0-9]+", "", ascii_text.lower())

    parts = [part for part in (fold(first_name), fold(last_name)) if part]
    return ".".join(parts)[:40] or "student"


def _unique_usernames(names: list[RosterName]) -> list[str]:
    bases = [username_base(name.first_name, name.last_name) for name in names]
    query = Q()
    for base in set(bases):
        query |= Q(username__istartswith=base)
    taken = {
        username.lower()
        for username in User.objects.filter(query).values_list("username", flat=True)
    }
    usernames = []
    for base in bases:
        candidate, number = base, 1
        while candidate in taken:
            number += 1
            candidate = f"{base}{number}"
        taken.add(candidate)
        usernames.append(candidate)
    return usernames


@transaction.atomic
def add_roster(*, classroom: Classroom, names: list[RosterName]) -> list[Slip]:
    """Create an account with a one-time password for each name and enrol it."""
    slips = []
    for name, username in zip(names, _unique_usernames(names), strict=True):
        password = new_one_time_password()
        student = User(
            username=username,
            first_name=name.first_name,
            last_name=name.last_name,
            must_change_password=True,
        )
        student.set_password(password)
        student.save()
        Enrolment.objects.create(classroom=classroom, student=student, route=Enrolment.Route.ROSTER)
        slips.append(Slip(name.full_name, username, password, classroom.name))
    return slips


def reset_password(*, student: User, classroom: Classroom) -> Slip:
    """A teacher's reset: a new one-time password the student replaces at next login."""
    password = new_one_time_password()
    student.set_password(password)
    student.must_change_password = True
    student.save(update_fields=["password", "must_change_password"])
    return Slip(
        student.get_full_name() or student.username, student.username, password, classroom.name
    )
