"""Load Coexist's demo accounts (and, as later parts land, its demo lessons).

Safe to run again and again: it creates what is missing and leaves everything that
exists — including any work done by the demo accounts — exactly as it is. The cartoon's
picture is added only while its source has no image.
"""

from __future__ import annotations

import functools
import json
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from coexist.teacher_permissions import ensure_teachers_group
from lessons.demo import (
    CARTOON_IMAGE,
    CARTOON_SLUG,
    attach_demo_cartoon,
    load_demo_investigation,
    load_demo_work,
)
from lessons.models import Assignment, Classroom, Enrolment, Lesson
from lessons.packs import import_lessons
from sources.packs import PackError

DEMO_PASSWORD = "coexist-demo"
DEMO_TEACHER = "teacher"
DEMO_STUDENTS = tuple(f"student{number}" for number in range(1, 7))
DEMO_CLASS = "10H History"
DEMO_LESSONS = (
    # (lesson slug, days from loading until it is due)
    ("khrushchev-and-peaceful-coexistence", 7),
    ("investigation-soviet-perceptions-of-peaceful-coexistence", 21),
)
DEMO_PACKS = tuple(
    Path(settings.BASE_DIR) / "fixtures" / name
    for name in ("khrushchev-sources.json", "khrushchev-lessons.json")
)


class Command(BaseCommand):
    help = "Create the demo teacher and students (password: coexist-demo). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. Demo accounts have a published password: "
            "never use this on a server students reach from the internet.",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo accounts with DEBUG off: their password is public. "
                "Use --force only on a machine nobody else can reach."
            )
        with transaction.atomic():
            created = load_demo_accounts()
            teacher = get_user_model().objects.get(username=DEMO_TEACHER)
            for pack in DEMO_PACKS:
                try:
                    data = json.loads(pack.read_text(encoding="utf-8"))
                    report = import_lessons(data, owner=teacher, keep_started=True)
                except (OSError, ValueError, PackError) as error:
                    raise CommandError(f"Could not load {pack.name}: {error}") from None
                self.stdout.write(f"{pack.name}: {report.summary()}.")
            try:
                cartoon_added = attach_demo_cartoon()
            except (OSError, ValidationError) as error:
                reason = "; ".join(getattr(error, "messages", [str(error)]))
                raise CommandError(f"Could not add {CARTOON_IMAGE.name}: {reason}") from None
            if cartoon_added:
                self.stdout.write(f"Demo cartoon: added the redrawn picture to {CARTOON_SLUG}.")
            # Demo lessons belong to the demo teacher, even those an older version loaded.
            Lesson.objects.filter(
                slug__in=[slug for slug, _ in DEMO_LESSONS], owner__isnull=True
            ).update(owner=teacher)
            classroom = load_demo_class()
            if load_demo_work(classroom, classroom.teachers.get(username=DEMO_TEACHER)):
                self.stdout.write(
                    "Demo work: student1-student5 at different stages of the revision lesson."
                )
            if load_demo_investigation(classroom):
                self.stdout.write(
                    "Demo work: student1's draft of the IB investigation, with citations."
                )
        if created:
            self.stdout.write(f"Created demo accounts: {', '.join(created)}.")
        else:
            self.stdout.write("Demo accounts already exist; left them as they were.")
        self.stdout.write(
            f"Demo class “{classroom.name}”: new students join at /join/ with the code "
            f"{classroom.display_code}."
        )


def load_demo_accounts() -> list[str]:
    """Create missing demo users; never reset an existing one's password or data."""
    User = get_user_model()
    teachers = ensure_teachers_group()
    created: list[str] = []
    # One hash for every demo account: their password is published anyway, and hashing
    # it seven times cost three seconds of every demo load (make run, the tests' servers).
    demo_password = functools.cache(lambda: make_password(DEMO_PASSWORD))
    teacher, was_created = User.objects.get_or_create(
        username=DEMO_TEACHER,
        defaults={
            "first_name": "Dana",
            "last_name": "Morgan",
            "display_name": "Ms Morgan",
            "is_staff": True,
        },
    )
    if was_created:
        teacher.password = demo_password()
        teacher.save(update_fields=["password"])
        created.append(teacher.username)
    teacher.groups.add(teachers)
    first_names = ("Amara", "Ben", "Chloe", "Dev", "Ella", "Finn")
    for username, first_name in zip(DEMO_STUDENTS, first_names, strict=True):
        student, was_created = User.objects.get_or_create(
            username=username, defaults={"first_name": first_name}
        )
        if was_created:
            student.password = demo_password()
            student.save(update_fields=["password"])
            created.append(student.username)
    return created


def load_demo_class() -> Classroom:
    """The demo teacher's class with student1…6 and both demo lessons set.

    Found by name and teacher, so a second run neither duplicates it nor changes its
    code, dates or members (a teacher may have closed joining or moved a due date).
    """
    User = get_user_model()
    teacher = User.objects.get(username=DEMO_TEACHER)
    classroom = Classroom.objects.filter(name=DEMO_CLASS, teachers=teacher).first()
    if classroom is not None:
        return classroom
    classroom = Classroom.objects.create(name=DEMO_CLASS)
    classroom.teachers.add(teacher)
    for student in User.objects.filter(username__in=DEMO_STUDENTS):
        Enrolment.objects.create(classroom=classroom, student=student, route=Enrolment.Route.ROSTER)
    today = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    for slug, days in DEMO_LESSONS:
        Assignment.objects.create(
            classroom=classroom,
            lesson=Lesson.objects.get(slug=slug),
            opens_at=today - timedelta(days=1),
            due_at=today + timedelta(days=days, hours=7),
        )
    return classroom
