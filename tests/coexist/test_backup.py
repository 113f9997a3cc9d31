"""Backups that restore (issue 13): `manage.py backup FILE` and `manage.py restore FILE`.

The backups come from a real, file-based SQLite instance built once for the module in a
process of its own (tests/coexist/backup_instance.py: migrate, the demo, an uploaded image,
ten students autosaving). They are restored into the suite's own database, which is SQLite
in the first pass of `make test` and PostgreSQL in the second: so the same tests prove
SQLite → SQLite and SQLite → PostgreSQL, the way a school moves up. Restoring an older
backup into a brand-new database runs `manage.py restore` in a process of its own, on
SQLite only (it never touches the suite's database).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.urls import reverse
from moto import mock_aws

from coexist.backup import MANIFEST, backup, coexist_version
from coexist.models import User
from lessons.models import Classroom, Framework, SourceAnnotation, Submission
from tests.coexist.backup_instance import CONTENT

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "coexist-demo"


@dataclass(frozen=True)
class Instance:
    """The SQLite instance's data directory and the backups made from it."""

    data_dir: Path
    out: Path

    @property
    def demo(self) -> Path:
        return self.out / "demo.tar.gz"

    def json(self, name: str) -> dict:
        return json.loads((self.out / name).read_text())


def _environment(data_dir: Path) -> dict[str, str]:
    """This process's environment for a Coexist on SQLite in `data_dir`, whatever the pass."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "MEDIA_ROOT", "MEDIA_STORAGE"} and not key.startswith("AWS_")
    }
    return env | {"DATA_DIR": str(data_dir), "DEBUG": "true", "ENV_FILE": os.devnull}


def _run(args: list[str], data_dir: Path) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=_environment(data_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def instance(tmp_path_factory) -> Instance:
    made = Instance(tmp_path_factory.mktemp("instance"), tmp_path_factory.mktemp("backups"))
    _run(["-m", "tests.coexist.backup_instance", str(made.out)], made.data_dir)
    return made


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """An empty media folder for the restored instance, holding one file of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "sources").mkdir(parents=True)
    (settings.MEDIA_ROOT / "sources" / "already-here.png").write_bytes(b"not from the backup")
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _forget_restored_content_types():
    """A restore puts the backup's content type ids in the cache; the test's rollback
    takes them out of the database, so take them out of the cache too."""
    yield
    ContentType.objects.clear_cache()


def members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {member.name: tar.extractfile(member).read() for member in tar}


def table_rows(archive: Path) -> dict[str, list[dict]]:
    """Every backed-up row by table, as parsed JSON (PostgreSQL reorders JSON keys)."""
    return {
        name.split("-", 1)[1].removesuffix(".jsonl"): [
            json.loads(line) for line in body.splitlines()
        ]
        for name, body in members(archive).items()
        if name.startswith("data/")
    }


def manifest(archive: Path) -> dict:
    return json.loads(members(archive)[MANIFEST])


def files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def counts() -> dict[str, int]:
    return {
        model._meta.label_lower: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def rewritten(archive: Path, to: Path, change: Callable[[dict[str, bytes]], None]) -> Path:
    """A copy of `archive` with `change` applied to its members and the checksums redone."""
    contents = members(archive)
    change(contents)
    described = json.loads(contents[MANIFEST])
    described["members"] = {
        name: {"sha256": hashlib.sha256(body).hexdigest(), "size": len(body)}
        for name, body in contents.items()
        if name != MANIFEST
    }
    contents[MANIFEST] = json.dumps(described).encode()
    return _write(to, contents)


def _write(to: Path, contents: dict[str, bytes]) -> Path:
    with tarfile.open(to, "w:gz") as tar:
        for name, body in contents.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return to


@pytest.mark.engine_independent  # reads the archive and the SQLite file, not the suite's database
def test_a_backup_holds_every_table_with_all_its_rows_every_image_and_a_manifest(instance):
    # old.tar.gz is the instance's last backup: its database has not changed since.
    archive = instance.out / "old.tar.gz"
    described = manifest(archive)
    database = sqlite3.connect(instance.data_dir / "coexist.sqlite3")
    tables = {
        name
        for (name,) in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if name not in {"sqlite_sequence", "django_migrations", "django_session"}
    }
    backed_up = {table["table"]: table["rows"] for table in described["tables"]}
    assert set(backed_up) == tables
    for table, rows in backed_up.items():
        assert database.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone() == (rows,), table
    assert backed_up["sources_source_themes"] > 0
    assert backed_up["sources_historicalsource"] > 0
    recorded = set(database.execute("SELECT app, name FROM django_migrations"))
    assert {(app, name) for app, names in described["migrations"].items() for name in names} == (
        recorded
    )
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # password hashes, students' work
    assert described["coexist_version"] == coexist_version()
    assert described["source_engine"] == "sqlite"
    contents = members(archive)
    assert list(contents)[-1] == MANIFEST
    assert set(described["members"]) == set(contents) - {MANIFEST}
    for name, member in described["members"].items():
        assert hashlib.sha256(contents[name]).hexdigest() == member["sha256"]
    images = [name for name in contents if name.startswith("media/")]
    assert len(images) == 2  # the demo's cartoon and the image uploaded after
    for image in images:
        stored = instance.data_dir / "media" / image.removeprefix("media/")
        assert contents[image] == stored.read_bytes()
    assert described["media"] == {
        "files": 2,
        "bytes": sum(len(contents[image]) for image in images),
    }
    assert described["missing_media"] == []


def test_a_restore_loads_every_row_and_image_and_the_demo_people_see_their_work(
    instance, media, client, db, tmp_path
):
    call_command("restore", str(instance.demo), stdout=io.StringIO())

    # Every table's rows, history and links included, as they were: back up the restored
    # database and compare. The migrations' own rows were replaced, not added to.
    again = backup(tmp_path / "again.tar.gz")
    assert table_rows(again.path) == table_rows(instance.demo)
    assert Group.objects.filter(name="Teachers").count() == 1
    assert Framework.objects.count() == len(table_rows(instance.demo)["lessons.framework"])
    backed_up = {
        name.removeprefix("media/"): body
        for name, body in members(instance.demo).items()
        if name.startswith("media/")
    }
    assert files(media) == backed_up | {"sources/already-here.png": b"not from the backup"}

    # The demo student signs in with their password and finds their work as it was.
    seen = instance.json("records.json")
    assert (
        client.post(reverse("login"), {"username": "student2", "password": PASSWORD}).status_code
        == 302
    )
    mine = json.loads(client.get(reverse("lessons:my_work_json")).content)
    del mine["exported_at"]
    # Signing in is the one thing that changed.
    assert seen["student"]["student"].pop("last_login") is None
    assert mine["student"].pop("last_login") is not None
    assert mine == seen["student"]
    assert "Ben" in mine["student"]["first_name"] and mine["assignments"][0]["answer"]
    for image, body in backed_up.items():
        assert b"".join(client.get(f"/media/{image}").streaming_content) == body

    # So does their teacher.
    client.logout()
    assert (
        client.post(reverse("login"), {"username": "teacher", "password": PASSWORD}).status_code
        == 302
    )
    student = User.objects.get(username="student2")
    classroom = Classroom.objects.get(name="10H History")
    url = reverse("lessons:student_record_json", args=[classroom.pk, student.pk])
    theirs = json.loads(client.get(url).content)
    del (
        theirs["exported_at"],
        theirs["student"]["last_login"],
        seen["teacher"]["student"]["last_login"],
    )
    assert theirs == seen["teacher"]

    # New rows get new ids (PostgreSQL's sequences were moved past the restored rows).
    newcomer = User.objects.create(username="newcomer")
    assert newcomer.pk > max(row["pk"] for row in table_rows(instance.demo)["coexist.user"])


def test_a_database_in_use_is_refused_unless_replace_which_swaps_everything_at_once(
    instance, media, teacher
):
    before = counts()
    with pytest.raises(CommandError, match=r"not empty \(it holds 1 user.*--replace"):
        call_command("restore", str(instance.demo))
    assert counts() == before
    assert files(media) == {"sources/already-here.png": b"not from the backup"}

    call_command("restore", str(instance.demo), "--replace", stdout=io.StringIO())
    assert not User.objects.filter(username=teacher.username).exists()
    for table in manifest(instance.demo)["tables"]:
        assert counts()[table["model"]] == table["rows"], table["model"]


def test_a_backup_taken_while_ten_students_autosave_restores_consistent(instance, media, db):
    busy = instance.json("busy.json")
    assert busy["errors"] == []
    assert busy["saves_during_backup"] > 0  # the students really were saving meanwhile

    call_command("restore", str(instance.out / "busy.tar.gz"), stdout=io.StringIO())

    for table in manifest(instance.out / "busy.tar.gz")["tables"]:
        assert counts()[table["model"]] == table["rows"], table["model"]
    seen = 0
    for username in busy["writers"]:
        # Each save wrote one analysis and the answer together, both naming its number.
        answer = Submission.objects.get(student__username=username)
        saves = answer.version
        assert answer.answer == CONTENT.format(saves)
        analyses = SourceAnnotation.objects.filter(student__username=username)
        assert analyses.aggregate(total=Sum("version"))["total"] == saves
        sources = sorted(analyses.values_list("lesson_source__order", "lesson_source_id"))
        for position, (_, lesson_source) in enumerate(sources):
            analysis = analyses.get(lesson_source_id=lesson_source)
            last_save = position + 1 + len(sources) * (analysis.version - 1)
            assert analysis.responses == {"nature": CONTENT.format(last_save)}
        seen += saves
    assert busy["saves_before_backup"] <= seen <= busy["saves"]


def _truncated(archive: Path, to: Path) -> Path:
    body = archive.read_bytes()
    to.write_bytes(body[: len(body) * 2 // 3])
    return to


def _tampered(archive: Path, to: Path) -> Path:
    contents = members(archive)
    name = next(name for name in contents if name.endswith("lessons.submission.jsonl"))
    contents[name] = contents[name].replace(b'"judgement": 4', b'"judgement": 5', 1)
    return _write(to, contents)


def _manifest_changed(change: Callable[[dict], None]) -> Callable[[Path, Path], Path]:
    def damage(archive: Path, to: Path) -> Path:
        def edit(contents: dict[str, bytes]) -> None:
            described = json.loads(contents[MANIFEST])
            change(described)
            contents[MANIFEST] = json.dumps(described).encode()

        return rewritten(archive, to, edit)

    return damage


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        pytest.param(_truncated, r"incomplete or damaged .* ends part-way", id="truncated"),
        pytest.param(_tampered, r"changed or damaged after it was written: data/", id="tampered"),
        pytest.param(
            _manifest_changed(lambda m: m.update(coexist_version="99.0")),
            r"made by Coexist 99\.0, and this is Coexist .* Upgrade Coexist to 99\.0",
            id="newer-coexist",
        ),
        pytest.param(
            _manifest_changed(lambda m: m["migrations"]["lessons"].append("0099_from_the_future")),
            r"migrations this version of Coexist does not have \(lessons\.0099_from_the_future\)",
            id="newer-migration",
        ),
        pytest.param(
            lambda archive, to: to.write_bytes(b"just some text") and to,
            r"not a Coexist backup \(not a \.tar\.gz archive\)",
            id="not-an-archive",
        ),
    ],
)
def test_a_bad_archive_stops_with_a_clear_message_and_changes_nothing(
    instance, media, db, tmp_path, damage, message
):
    damaged = damage(instance.demo, tmp_path / "damaged.tar.gz")
    before, stored = counts(), files(media)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(damaged))
    assert counts() == before
    assert files(media) == stored


def test_a_restore_that_fails_part_way_changes_nothing_even_with_replace(
    instance, media, teacher, tmp_path
):
    def dangling(contents: dict[str, bytes]) -> None:
        # The last table loaded gains a version of an answer that does not exist.
        name = [name for name in contents if name.startswith("data/")][-1]
        row = json.loads(contents[name].splitlines()[0])
        row["pk"] = 9999
        row["fields"]["submission"] = 9999
        contents[name] += json.dumps(row).encode() + b"\n"
        described = json.loads(contents[MANIFEST])
        (table,) = [table for table in described["tables"] if table["member"] == name]
        table["rows"] += 1
        contents[MANIFEST] = json.dumps(described).encode()

    damaged = rewritten(instance.demo, tmp_path / "dangling.tar.gz", dangling)
    before, stored = counts(), files(media)
    with pytest.raises(CommandError, match=r"rows do not fit together"):
        call_command("restore", str(damaged), "--replace")
    assert counts() == before
    assert files(media) == stored
    assert User.objects.filter(username=teacher.username).exists()


@pytest.mark.engine_independent  # SQLite to SQLite in processes of their own
def test_an_older_backup_goes_into_a_new_database_and_is_upgraded_as_the_school_was(
    instance, tmp_path
):
    old = instance.out / "old.tar.gz"
    assert "0008_failedjoin_session" not in manifest(old)["migrations"]["lessons"]

    made_since = sorted(
        path.stem
        for path in (ROOT / "lessons" / "migrations").glob("0*.py")
        if path.stem not in manifest(old)["migrations"]["lessons"]
    )
    assert made_since[0] == "0008_failedjoin_session"

    _run(["manage.py", "migrate"], tmp_path)  # a new database, at this version's migrations
    restored = _run(["manage.py", "restore", str(old)], tmp_path)
    assert f"Then applied {len(made_since)} migration(s) made since." in restored.stdout
    database = sqlite3.connect(tmp_path / "coexist.sqlite3")
    applied = set(database.execute("SELECT app, name FROM django_migrations"))
    assert ("lessons", "0008_failedjoin_session") in applied
    _run(["manage.py", "backup", str(tmp_path / "upgraded.tar.gz")], tmp_path)
    upgraded, before = table_rows(tmp_path / "upgraded.tar.gz"), table_rows(old)
    # The columns added since, each at its default.
    added = {
        "lessons.failedjoin": {"session": ""},
        "lessons.lessonsource": {
            "reveal": "at_once",
            "interpretation": "",
            "short": False,
            "held_back": [],
        },
        "lessons.sourceannotation": {"prediction": "", "revealed_at": None, "regions": []},
        "lessons.assignment": {"class_comparison": False, "short_version": False},
        "lessons.lesson": {"answer_format": None, "marking_scheme": None},
        "lessons.submission": {"sections": {}, "evaluated": [], "criterion_marks": {}},
        "lessons.submissionversion": {"sections": {}, "evaluated": [], "criterion_marks": {}},
    }
    for table, columns in added.items():
        for row in upgraded[table]:
            for column, default in columns.items():
                assert row["fields"].pop(column) == default, (table, column)
    assert upgraded.pop("lessons.classreveal") == []  # tables added since, empty
    assert upgraded.pop("lessons.assignment_short_for") == []
    # The answer formats and marking schemes shipped by migrations made since.
    for table in ("answerformat", "answersection", "markingscheme", "criterion", "markband"):
        assert upgraded.pop(f"lessons.{table}")
    # Teachers were given the formats' and schemes' permissions by a migration made since:
    # every grant the school had is kept, and the new ones are added.
    granted = {
        json.dumps(row["fields"], sort_keys=True) for row in upgraded.pop("auth.group_permissions")
    }
    had = {
        json.dumps(row["fields"], sort_keys=True) for row in before.pop("auth.group_permissions")
    }
    assert had < granted
    # The shipped frameworks' short versions, marked by a migration made since.
    core = {row["fields"].pop("core") for row in upgraded["lessons.prompt"]}
    assert core == {True, False}
    assert upgraded == before
    assert files(tmp_path / "media") == {
        name.removeprefix("media/"): body
        for name, body in members(old).items()
        if name.startswith("media/")
    }


@pytest.mark.engine_independent  # what differs is the storage, not the database
def test_images_in_an_s3_bucket_are_restored_and_backed_up_through_the_storage(
    instance, db, settings, tmp_path
):
    backed_up = {
        name.removeprefix("media/"): body
        for name, body in members(instance.demo).items()
        if name.startswith("media/")
    }
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="school-media")
        s3.put_object(Bucket="school-media", Key="elsewhere/not-ours.png", Body=b"another app's")
        options = {
            "bucket_name": "school-media",
            "region_name": "us-east-1",
            "location": "coexist",
            "file_overwrite": False,
        }
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {"BACKEND": "coexist.storage.PrivateS3Storage", "OPTIONS": options},
        }
        call_command("restore", str(instance.demo), stdout=io.StringIO())
        stored = {
            item["Key"]: s3.get_object(Bucket="school-media", Key=item["Key"])["Body"].read()
            for item in s3.list_objects_v2(Bucket="school-media")["Contents"]
        }
        assert stored == {f"coexist/{name}": body for name, body in backed_up.items()} | {
            "elsewhere/not-ours.png": b"another app's"
        }
        again = backup(tmp_path / "again.tar.gz")
    assert {
        name.removeprefix("media/"): body
        for name, body in members(again.path).items()
        if name.startswith("media/")
    } == backed_up
