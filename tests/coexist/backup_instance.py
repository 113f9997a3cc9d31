"""A school's SQLite instance for tests/coexist/test_backup.py, built in a process of its own.

    DATA_DIR=/tmp/x python -m tests.coexist.backup_instance OUT

The test suite's own database may be PostgreSQL and lives inside a test transaction, so
the instance a backup is taken from is a real file-based SQLite database (WAL, IMMEDIATE
transactions, as `make run` has it) made here: migrate, the demo (`load_demo`) and an
uploaded image. It writes to OUT:

- demo.tar.gz      `manage.py backup` of that instance;
- records.json     what the demo teacher and a student see of the student's work;
- busy.tar.gz      a backup taken while ten students autosave (busy.json: how it went);
- old.tar.gz       a backup after `migrate lessons 0007`, as an older Coexist made it.
"""

from __future__ import annotations

import io
import json
import os
import sys
import threading
import time
from pathlib import Path

WRITERS = 10
# Every writer's save puts its number in the analysis and in the answer, in one transaction.
CONTENT = "save {}"


def main(out: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coexist.settings")
    import django
    from django.conf import settings

    django.setup()
    # The demo's passwords are hashed with the suite's fast hasher (tests/conftest.py):
    # a restore copies a hash as it is, whichever algorithm made it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    add_image()
    call_command("backup", str(out / "demo.tar.gz"), stdout=io.StringIO())
    (out / "records.json").write_text(records())
    (out / "busy.json").write_text(json.dumps(autosave_during_backup(out / "busy.tar.gz")))
    call_command("migrate", "lessons", "0007", verbosity=0)
    call_command("backup", str(out / "old.tar.gz"), stdout=io.StringIO())


def add_image() -> None:
    from sources.models import Source
    from tests.sources.factories import image_upload

    source = Source.objects.order_by("pk").first()
    source.image = image_upload("cartoon.png")
    source.image_alt = "A snowman labelled Cold War melting"
    source.save()


def records() -> str:
    """What student2 (answer returned with feedback) and their teacher see of it."""
    from django.core.serializers.json import DjangoJSONEncoder

    from coexist.models import User
    from lessons.services.privacy import student_record

    student = User.objects.get(username="student2")
    teacher = User.objects.get(username="teacher")
    seen = {
        "student": student_record(student=student),
        "teacher": student_record(student=student, teacher=teacher),
    }
    for record in seen.values():
        del record["exported_at"]
    return json.dumps(seen, cls=DjangoJSONEncoder)


def autosave_during_backup(archive: Path) -> dict:
    """Ten students save their analysis and answer over and over while a backup runs."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from coexist.models import User
    from lessons.models import Assignment, Enrolment
    from lessons.services import work

    assignment = Assignment.objects.select_related("lesson", "classroom").get(
        classroom__name="10H History", lesson__slug="khrushchev-and-peaceful-coexistence"
    )
    lesson_sources = list(
        assignment.lesson.lesson_sources.order_by("order", "pk").values_list("pk", flat=True)
    )
    students = []
    for number in range(WRITERS):
        student = User.objects.create(username=f"writer{number}", first_name="Writer")
        Enrolment.objects.create(classroom=assignment.classroom, student=student)
        students.append(student)
    saves = [0] * WRITERS
    errors: list[str] = []
    stop = threading.Event()

    def write(index: int, student) -> None:
        versions: dict[int, int] = {}
        answer_version = 0
        try:
            while not stop.is_set():
                number = saves[index] + 1
                lesson_source = lesson_sources[saves[index] % len(lesson_sources)]
                with transaction.atomic():
                    versions[lesson_source] = work.save_analysis(
                        assignment=assignment,
                        student=student,
                        lesson_source_id=lesson_source,
                        version=versions.get(lesson_source, 0),
                        responses={"nature": CONTENT.format(number)},
                        prompt_keys=["nature"],
                        rating=None,
                        rating_reason="",
                        done=False,
                    ).version
                    answer_version = work.save_answer(
                        assignment=assignment,
                        student=student,
                        version=answer_version,
                        answer=CONTENT.format(number),
                    ).version
                saves[index] = number
                time.sleep(0.002)  # a page autosaves now and then; here, as often as it can
        except Exception as error:  # reported to the test, which fails on it
            errors.append(f"{student.username}: {error!r}")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=write, args=(index, student), daemon=True)
        for index, student in enumerate(students)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while min(saves) < 1 and not errors and time.monotonic() < deadline:
        time.sleep(0.01)
    before = sum(saves)
    call_command("backup", str(archive), stdout=io.StringIO())
    after = sum(saves)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    return {
        "writers": [student.username for student in students],
        "saves_before_backup": before,
        "saves_during_backup": after - before,
        "saves": sum(saves),
        "errors": errors,
    }


if __name__ == "__main__":
    main(Path(sys.argv[1]))
