"""Fill a copy of the database with a made-up school, for measuring Coexist at scale.

`manage.py generate_school --students 20000` adds classes of 30 students (each with a
teacher and the demo revision lesson set), and for every student an analysis of every
source with highlights and a draft answer, written with bulk inserts: 20,000 students in
about a minute on SQLite. `make bench` uses it for its 30 students; `make bench
SCALE=20000` measures the same pages in a school of 20,000.

The accounts cannot sign in (their passwords are unusable) and their words are
placeholders, but the highlights quote the sources' real words at their real places, so
the teacher's dashboard works as hard as it would for a real class. The first class
gets `--highlights` per source; the others `--other-highlights`, which keeps a big
school's database to a size a laptop holds (20,000 students: about 1.4M highlights).
"""

from __future__ import annotations

import random
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from coexist.models import TEACHERS_GROUP, User
from lessons.models import (
    HIGHLIGHTS_MAX,
    Assignment,
    Classroom,
    Enrolment,
    Extent,
    HighlightTag,
    Lesson,
    SourceAnnotation,
    Submission,
)
from sources.text import anchor_text

LESSON = "khrushchev-and-peaceful-coexistence"
PREFIX = "gen"
BATCH = 2000
FIRST_NAMES = ("Alex", "Sam", "Priya", "Jonas", "Mei", "Tomás", "Amara", "Olek", "Ines", "Kofi")
LAST_NAMES = ("Brown", "Nowak", "Okafor", "Silva", "Chen", "Haddad", "Ivanova", "Müller", "Ross")


class Command(BaseCommand):
    help = (
        "Add a made-up school (classes of 30 with work) for measuring. For a copy of the "
        "database only: refuses with DEBUG off unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, default=30, help="How many students.")
        parser.add_argument("--class-size", type=int, default=30)
        parser.add_argument(
            "--highlights", type=int, default=60, help="Per source, for the first class."
        )
        parser.add_argument(
            "--other-highlights", type=int, default=10, help="Per source, for other classes."
        )
        parser.add_argument("--seed", type=int, default=1955)
        parser.add_argument(
            "--force", action="store_true", help="Run with DEBUG off (never on a real school)."
        )

    def handle(self, *args, students, class_size, highlights, other_highlights, seed, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Refusing with DEBUG off: this adds made-up students. Run it on a copy of "
                "the database with DEBUG=true, or pass --force."
            )
        if students < 1 or class_size < 1:
            raise CommandError("--students and --class-size must be at least 1.")
        for name, value in (("--highlights", highlights), ("--other-highlights", other_highlights)):
            if not 0 <= value <= HIGHLIGHTS_MAX:
                raise CommandError(f"{name} must be between 0 and {HIGHLIGHTS_MAX}.")
        lesson = Lesson.objects.filter(slug=LESSON).select_related("framework").first()
        if lesson is None:
            raise CommandError(f"No lesson {LESSON!r}: run `manage.py load_demo` first.")
        if User.objects.filter(username__startswith=f"{PREFIX}-").exists():
            raise CommandError("This database already has a generated school.")
        with transaction.atomic():
            school = School(lesson, random.Random(seed))
            school.build(students, class_size, highlights, other_highlights)
        self.stdout.write(
            f"Generated {school.students} students in {school.classes} classes: "
            f"{school.annotations} analyses with {school.highlights} highlights, "
            f"{school.submissions} draft answers."
        )


class School:
    def __init__(self, lesson: Lesson, rng: random.Random):
        self.lesson = lesson
        self.rng = rng
        self.lesson_sources = list(lesson.lesson_sources.select_related("source"))
        self.texts = {ls.pk: anchor_text(ls.source.text) for ls in self.lesson_sources}
        self.prompt_keys = [p.key for p in lesson.framework.prompts.all()]
        self.password = make_password(None)  # unusable: nobody signs in as these
        self.group = Group.objects.get_or_create(name=TEACHERS_GROUP)[0]
        self.students = self.classes = self.annotations = self.highlights = 0
        self.submissions = 0

    def build(self, students: int, class_size: int, first: int, others: int) -> None:
        teacher = None
        number = 0
        while number < students:
            size = min(class_size, students - number)
            if self.classes % 5 == 0:  # a teacher teaches five classes
                teacher = self._teacher(self.classes // 5 + 1)
            self._class(teacher, number, size, first if self.classes == 0 else others)
            number += size

    def _teacher(self, number: int) -> User:
        teacher = User.objects.create(
            username=f"{PREFIX}-teacher-{number:04d}",
            first_name=self.rng.choice(FIRST_NAMES),
            last_name=self.rng.choice(LAST_NAMES),
            display_name=f"Teacher {number}",
            password=self.password,
            is_staff=True,
        )
        teacher.groups.add(self.group)
        return teacher

    def _class(self, teacher: User, offset: int, size: int, highlights: int) -> None:
        self.classes += 1
        classroom = Classroom.objects.create(name=f"Generated {self.classes:04d}")
        classroom.teachers.add(teacher)
        now = timezone.now()
        assignment = Assignment.objects.create(
            classroom=classroom,
            lesson=self.lesson,
            opens_at=now - timedelta(days=1),
            due_at=now + timedelta(days=14),
        )
        users = User.objects.bulk_create(
            [
                User(
                    username=f"{PREFIX}-{offset + i + 1:06d}",
                    first_name=self.rng.choice(FIRST_NAMES),
                    last_name=self.rng.choice(LAST_NAMES),
                    password=self.password,
                )
                for i in range(size)
            ]
        )
        if not all(user.pk for user in users):  # backends that do not return ids
            users = list(User.objects.filter(username__in=[u.username for u in users]))
        Enrolment.objects.bulk_create(
            [
                Enrolment(classroom=classroom, student=user, route=Enrolment.Route.ROSTER)
                for user in users
            ]
        )
        annotations = [
            SourceAnnotation(
                assignment=assignment,
                student=user,
                lesson_source=ls,
                responses={
                    key: f"{key.title()}: notes on source {ls.label}." for key in self.prompt_keys
                },
                rating=self.rng.randint(1, 5),
                rating_reason="Placeholder reasoning for measurement.",
                highlights=self._highlights(self.texts[ls.pk], highlights),
            )
            for user in users
            for ls in self.lesson_sources
        ]
        SourceAnnotation.objects.bulk_create(annotations, batch_size=BATCH)
        Submission.objects.bulk_create(
            [
                Submission(
                    assignment=assignment,
                    student=user,
                    judgement=self.rng.choice(Extent.values),
                    answer="A placeholder answer, long enough to read as a draft. " * 8,
                )
                for user in users
            ],
            batch_size=BATCH,
        )
        self.students += size
        self.annotations += len(annotations)
        self.highlights += sum(len(a.highlights) for a in annotations)
        self.submissions += size

    def _highlights(self, text: str, count: int) -> list[dict]:
        """`count` quotes of 3 to 12 words at their real offsets in the text."""
        spaces = [i for i, char in enumerate(text) if char == " "]
        if len(spaces) < 14 or not count:
            return []
        chosen = []
        for _ in range(count):
            first = self.rng.randrange(len(spaces) - 13)
            start = spaces[first] + 1
            end = spaces[first + self.rng.randint(3, 12)]
            chosen.append(
                {
                    "id": secrets.token_hex(4),
                    "start": start,
                    "end": end,
                    "quote": text[start:end],
                    "note": "",
                    "tag": self.rng.choice(HighlightTag.values),
                }
            )
        return sorted(chosen, key=lambda h: (h["start"], h["end"]))
