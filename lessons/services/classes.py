"""Workflows that touch several models: joining a class, adding a roster, new passwords."""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from anyascii import anyascii
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from coexist.models import User
from coexist.usernames import skeleton, taken_skeletons
from lessons.models import JOIN_CODE_ALPHABET, Classroom, Enrolment, FailedJoin

# A one-time password a student can copy from a paper slip: no look-alike characters.
PASSWORD_ALPHABET = JOIN_CODE_ALPHABET.lower()
# Wrong class codes allowed within the window. Per address: a whole class behind one
# school address may mistype a code from the board twice each. Per session: one pupil
# is stopped well before they use up their classmates' share.
WRONG_CODES_PER_ADDRESS = 60
WRONG_CODES_PER_SESSION = 10
WRONG_CODE_WINDOW = timedelta(minutes=10)


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
        raise ValidationError(
            {"username": _("A user with that username already exists.")}
        ) from None
    enrol(classroom=classroom, student=student)
    return student


# --- Slowing down wrong codes ---------------------------------------------------------


@dataclass(frozen=True)
class TooManyWrongCodes:
    """A wrong code over a limit: from this network (address) or from this browser (session)."""

    network: bool
    wait: timedelta

    @property
    def seconds(self) -> int:
        return max(1, math.ceil(self.wait.total_seconds()))

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.seconds / 60))


def wrong_codes_over_limit(
    *, client: str, session: str, now: datetime | None = None
) -> TooManyWrongCodes | None:
    """Whether one more wrong code from this address or session is one too many.

    Only wrong codes are ever limited: the view looks the code up first, and a code that
    opens a class is accepted whatever was tried before, from that address, that browser
    or anyone else behind the same school NAT. That is also the limit of what this can
    do. Because a right code always works, every answer, a 429 included, tells a script
    whether the code it sent was right, so a script that reads a 429 as "wrong" tests
    codes as fast as the server answers and the throttle costs it nothing. What protects
    a class is the code space: 31 characters, 8 long (new_join_code), 31**8 ≈ 8.5 × 10**11
    codes. With 50 classes open to joining, a script running at 100 requests a second, day
    and night, expects its first hit after about 5.4 years (31**8 / (50 × 100) s); someone
    who stops at the limits (10 wrong codes per 10 minutes per browser, 60 per address)
    after about 5,400 years. So the throttle stops guessing by hand and makes a script
    show up in the log; closing joining once the class is in, and a new code when one
    leaks, are what keep a class closed.

    `client` and `session` are keyed hashes (the session's is "" before it has one).
    """
    now = now or timezone.now()
    recent = FailedJoin.objects.filter(at__gte=now - WRONG_CODE_WINDOW)
    by_address = Q(client=client)
    by_session = Q(session=session) if session else Q(pk__in=[])
    stats = recent.aggregate(
        from_address=Count("pk", filter=by_address),
        address_oldest=Min("at", filter=by_address),
        from_session=Count("pk", filter=by_session),
        session_oldest=Min("at", filter=by_session),
    )
    waits = []
    if stats["from_address"] >= WRONG_CODES_PER_ADDRESS:
        waits.append(TooManyWrongCodes(True, stats["address_oldest"] + WRONG_CODE_WINDOW - now))
    if stats["from_session"] >= WRONG_CODES_PER_SESSION:
        waits.append(TooManyWrongCodes(False, stats["session_oldest"] + WRONG_CODE_WINDOW - now))
    return max(waits, key=lambda limit: limit.wait, default=None)


def record_wrong_code(*, client: str, session: str, now: datetime | None = None) -> None:
    now = now or timezone.now()
    # Rows outside the window count for nothing; keep the table tiny.
    FailedJoin.objects.filter(at__lt=now - WRONG_CODE_WINDOW).delete()
    FailedJoin.objects.create(client=client, session=session, at=now)


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


def username_base(first_name: str, last_name: str) -> str:
    """ada.okafor from “Ada Okafor”: any script transliterated to ASCII (“Иван Петров”
    → ivan.petrov, “Jürgen Strauß” → jurgen.strauss), anything else dropped. The name
    itself stays as it was written."""

    def fold(text: str) -> str:
        return re.sub(r"[^a-z0-9]+", "", anyascii(text).lower())

    parts = [part for part in (fold(first_name), fold(last_name)) if part]
    return ".".join(parts)[:40] or "student"


def _unique_usernames(names: list[RosterName]) -> list[str]:
    """A username for each name that neither is nor looks like one in use (or one given
    to an earlier name in the list): “ada.okafor2” after “ada.okafor”, and never one a
    student could mistake for another's (`coexist.usernames.skeleton`)."""
    taken = taken_skeletons()
    usernames = []
    for name in names:
        base = username_base(name.first_name, name.last_name)
        candidate, number = base, 1
        while skeleton(candidate) in taken:
            number += 1
            candidate = f"{base}{number}"
        taken.add(skeleton(candidate))
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
