"""Backups that restore: one archive with every row, every uploaded image and a manifest.

`manage.py backup FILE` writes a gzipped tar:

    data/000-contenttypes.contenttype.jsonl   one Django JSON Lines fixture per table,
    data/001-auth.permission.jsonl            in the order the tables depend on each other
    …
    media/sources/3f9c….png                   every file in media storage, by its name there
    manifest.json                             last: versions, migrations, counts, checksums

Rows are written with their primary keys and no natural keys. `dumpdata --natural-foreign`
cannot be loaded back: Theme, Source, Author and Interpretation define `natural_key()` but
their managers have no `get_by_natural_key()`, so the dump names a source's themes by slug
(["summit-diplomacy"]) and `loaddata` takes that for an id. Primary keys load on any engine
once the target is emptied first, content types and permissions included, and PostgreSQL's
sequences are moved past them afterwards.

Tables are read and written with the models *as the database's migrations describe them*
(the migration state), not the models in the code. So a backup still works when the code
was upgraded before `migrate` ran, and `restore` can load an older backup: it takes the
new, empty database back to the backup's migrations, loads, then migrates forward, exactly
as the school's own server would have upgraded.

Every row comes from one moment, however many students are saving: SQLite's online backup
API copies the database in one step (under WAL, writers carry on meanwhile) and the rows are
read from that copy; PostgreSQL reads inside one REPEATABLE READ transaction. Media are
listed after that moment, so every image a row names was already stored.

Sessions are not backed up: they are sign-ins, not anyone's work, a restored one would be
a way back in for a stolen cookie, and after a move everyone simply signs in again.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import json
import os
import re
import shutil
import sqlite3
import tarfile
import tempfile
import time
import tomllib
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from datetime import time as clock_time
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.jsonl import Serializer as JSONLSerializer
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from packaging.version import InvalidVersion, Version
from simple_history.models import HistoricalChanges

FORMAT = "coexist-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# Sign-ins, not data (see above). Emptied by a restore all the same.
NOT_BACKED_UP = frozenset({"sessions.session"})
# What `migrate` writes into a new database by itself: content types and permissions, the
# Teachers group with its permissions, the shipped frameworks, answer formats and marking
# schemes. A database holding nothing
# else is empty; a restore replaces these rows with the backup's rather than adding to them.
MIGRATION_DATA = frozenset(
    {
        "contenttypes.contenttype",
        "auth.permission",
        "auth.group",
        "auth.group_permissions",
        "lessons.framework",
        "lessons.prompt",
        "lessons.answerformat",
        "lessons.answersection",
        "lessons.markingscheme",
        "lessons.criterion",
        "lessons.markband",
    }
)
SNAPSHOT_ALIAS = "coexist_backup_snapshot"
DATA_MEMBER = re.compile(r"data/\d{3}-[a-z0-9_]+\.[a-z0-9_]+\.jsonl")
CHUNK = 1024 * 1024
BATCH = 1000

type Nodes = frozenset[tuple[str, str]]


class BackupError(Exception):
    """The backup or restore cannot go ahead; the message says why and what to do."""


@dataclass
class Report:
    """What a backup wrote or a restore loaded, for the command to print."""

    path: Path
    tables: int = 0
    rows: int = 0
    media_files: int = 0
    media_bytes: int = 0
    archive_bytes: int = 0
    seconds: float = 0.0
    missing_media: list[str] = field(default_factory=list)
    migrated: int = 0
    manifest: dict = field(default_factory=dict)


def coexist_version() -> str:
    try:
        return importlib.metadata.version("coexist")
    except importlib.metadata.PackageNotFoundError:
        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as pyproject:
            return tomllib.load(pyproject)["project"]["version"]


# --- Writing --------------------------------------------------------------------------------


class _Encoder(DjangoJSONEncoder):
    """DjangoJSONEncoder without its rounding of times to milliseconds: a restore is exact."""

    def default(self, o):
        if isinstance(o, datetime | clock_time):
            return o.isoformat()
        return super().default(o)


class _TableSerializer(JSONLSerializer):
    """Django's JSON Lines fixture format, one table at a time: a many-to-many link is
    a row of its own table (dumped with it), never a list inside the row that owns it."""

    rows = 0

    def handle_m2m_field(self, obj, field) -> None:
        return None

    def end_object(self, obj) -> None:
        super().end_object(obj)
        self.rows += 1


class _Hashing:
    """A file object that hashes and counts what is read through it."""

    def __init__(self, raw) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def backup(path: str | Path) -> Report:
    """Write the whole database and every media file to one archive at `path`.

    The archive is written beside `path` under a temporary name and renamed when complete,
    so `path` is never a half-written backup, whatever stops this part-way.
    """
    started = time.monotonic()
    path = Path(path)
    report = Report(path=path)
    partial = path.with_name(f".{path.name}.partial")
    members: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="coexist-backup-") as tmp:
        work = Path(tmp)
        with _snapshot(work) as alias:
            recorded = _recorded_migrations(connections[alias])
            loader = MigrationLoader(connections[alias])
            applied = set(loader.applied_migrations)
            unknown = sorted(
                key for key in applied - set(loader.graph.nodes) if key[0] in loader.migrated_apps
            )
            if unknown:
                raise BackupError(
                    "The database has migrations this version of Coexist does not have "
                    f"({_names(unknown)}): back it up with the version that migrated it."
                )
            state_models = _models(_state(loader, _nodes(loader, applied)))
            tables, referenced = [], set()
            for index, model in enumerate(_dependency_order(state_models)):
                label = model._meta.label_lower
                if label in NOT_BACKED_UP:
                    continue
                member = f"data/{index:03d}-{label}.jsonl"
                rows = _dump_table(model, alias, work / member)
                tables.append(
                    {"model": label, "table": model._meta.db_table, "rows": rows, "member": member}
                )
                referenced |= _files_named(model, alias)
            engine = connections[alias].vendor
        # Listed after the snapshot: an image is stored before the row naming it commits.
        media = _media_names()
        try:
            # Password hashes and students' work: readable by the owner only, from the start.
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with (
                os.fdopen(descriptor, "wb") as file,
                tarfile.open(fileobj=file, mode="w:gz", compresslevel=6) as archive,
            ):
                for table in tables:
                    with (work / table["member"]).open("rb") as raw:
                        members[table["member"]] = _add(archive, table["member"], raw)
                stored = set()
                for name in media:
                    try:
                        with default_storage.open(name, "rb") as raw:
                            member = f"media/{name}"
                            members[member] = _add(archive, member, raw, default_storage.size(name))
                    except FileNotFoundError:
                        continue  # deleted since it was listed; named below if a row names it
                    stored.add(name)
                    report.media_files += 1
                    report.media_bytes += members[member]["size"]
                report.missing_media = sorted(referenced - stored)
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "coexist_version": coexist_version(),
                    "created_at": datetime.now(UTC).isoformat(),
                    "source_engine": engine,
                    "migrations": recorded,
                    "tables": tables,
                    "media": {"files": report.media_files, "bytes": report.media_bytes},
                    "missing_media": report.missing_media,
                    "members": members,
                }
                body = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(body), int(time.time()), 0o644
                archive.addfile(info, io.BytesIO(body))
            partial.replace(path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    report.tables = len(tables)
    report.rows = sum(table["rows"] for table in tables)
    report.archive_bytes = path.stat().st_size
    report.seconds = time.monotonic() - started
    report.manifest = manifest
    return report


def _add(archive: tarfile.TarFile, name: str, raw, size: int | None = None) -> dict:
    if size is None:
        size = Path(raw.name).stat().st_size
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(time.time()), 0o644
    hashing = _Hashing(raw)
    archive.addfile(info, hashing)
    return {"sha256": hashing.sha256.hexdigest(), "size": hashing.size}


@contextmanager
def _snapshot(work: Path) -> Iterator[str]:
    """A database alias from which every table reads as it was at one moment."""
    if connection.vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.display_name}.")
    if connection.in_atomic_block:
        # Called inside a transaction of the caller's (a test's): its view is one moment.
        yield DEFAULT_DB_ALIAS
    elif connection.vendor == "sqlite":
        copy = work / "snapshot.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(copy)
        try:
            # One step: the source is read under one read lock, so the copy is one moment.
            connection.connection.backup(target)
        finally:
            target.close()
        connections.settings[SNAPSHOT_ALIAS] = {
            **connection.settings_dict,
            "NAME": str(copy),
            "OPTIONS": {},
        }
        try:
            yield SNAPSHOT_ALIAS
        finally:
            connections[SNAPSHOT_ALIAS].close()
            del connections[SNAPSHOT_ALIAS]
            del connections.settings[SNAPSHOT_ALIAS]
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")  # connected and health-checked before the transaction
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield DEFAULT_DB_ALIAS


def _dump_table(model: type[models.Model], alias: str, file: Path) -> int:
    file.parent.mkdir(parents=True, exist_ok=True)
    serializer = _TableSerializer()
    rows = model._base_manager.using(alias).order_by("pk").iterator(chunk_size=2000)
    with file.open("w", encoding="utf-8") as stream:
        serializer.serialize(rows, stream=stream, cls=_Encoder)
    return serializer.rows


def _files_named(model: type[models.Model], alias: str) -> set[str]:
    """The stored files a current row names (history keeps names of files since replaced)."""
    if issubclass(model, HistoricalChanges):
        return set()
    names: set[str] = set()
    for file_field in model._meta.concrete_fields:
        if isinstance(file_field, models.FileField):
            values = model._base_manager.using(alias).values_list(file_field.attname, flat=True)
            names.update(value for value in values if value)
    return names


def _media_names(folder: str = "") -> list[str]:
    """Every file in media storage, through the storage API so any backend works."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []  # nothing was ever uploaded
    names = [f"{folder}{name}" for name in files]
    for sub in folders:
        names += _media_names(f"{folder}{sub}/")
    return sorted(names)


# --- Migration state ----------------------------------------------------------------------


def _recorded_migrations(conn) -> dict[str, list[str]]:
    recorded: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(conn).applied_migrations()):
        recorded.setdefault(app_label, []).append(name)
    return recorded


def _nodes(loader: MigrationLoader, recorded: set[tuple[str, str]]) -> Nodes:
    """The migration graph's nodes a set of recorded migrations stands for (a squashed
    migration counts as applied when everything it replaces is)."""
    nodes = {key for key in recorded if key in loader.graph.nodes}
    for key, migration in loader.replacements.items():
        if key in loader.graph.nodes and all(old in recorded for old in migration.replaces):
            nodes.add(key)
    return frozenset(nodes)


def _leaves(loader: MigrationLoader, nodes: Nodes) -> list[tuple[str, str]]:
    return sorted(
        key
        for key in nodes
        if not any(child.key in nodes for child in loader.graph.node_map[key].children)
    )


def _state(loader: MigrationLoader, nodes: Nodes):
    """The models as the database's migrations left them (not as the code has them now)."""
    return loader.project_state(_leaves(loader, nodes), at_end=True).apps


def _models(state_apps) -> list[type[models.Model]]:
    return [
        model
        for model in state_apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _dependency_order(state_models: list[type[models.Model]]) -> list[type[models.Model]]:
    """Tables after the tables they refer to, so the rows load in order on any engine.

    A cycle is broken at its nullable links; the constraints are deferred to the end of
    the restore's transaction on both engines anyway.
    """
    by_label = {model._meta.label_lower: model for model in state_models}

    def graph(with_nullable: bool) -> dict[str, set[str]]:
        return {
            label: {
                link.related_model._meta.label_lower
                for link in model._meta.concrete_fields
                if link.is_relation
                and link.related_model is not model
                and link.related_model._meta.label_lower in by_label
                and (with_nullable or not link.null)
            }
            for label, model in sorted(by_label.items())
        }

    for with_nullable in (True, False):
        try:
            return [
                by_label[label] for label in TopologicalSorter(graph(with_nullable)).static_order()
            ]
        except CycleError:
            continue
    return [by_label[label] for label in sorted(by_label)]


def _names(keys) -> str:
    return ", ".join(f"{app_label}.{name}" for app_label, name in keys)


# --- Reading ------------------------------------------------------------------------------


def _safe_member(name: str) -> bool:
    if name == MANIFEST or DATA_MEMBER.fullmatch(name):
        return True
    parts = name.split("/")
    return (
        len(parts) >= 2
        and parts[0] == "media"
        and all(part not in ("", ".", "..") for part in parts)
        and "\\" not in name
    )


def _unpack(path: Path, into: Path) -> dict:
    """Extract the archive into `into`, checking it is complete and every member matches
    the checksum the manifest gives it; the manifest, or a clear error."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file.")
    hashes: dict[str, tuple[str, int]] = {}
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                if not member.isfile() or not _safe_member(member.name):
                    raise BackupError(
                        f"{path} holds “{member.name}”, which no Coexist backup contains: "
                        "it is not a Coexist backup, or it was changed."
                    )
                target = into / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                source = archive.extractfile(member)
                hashing = _Hashing(source)
                with target.open("wb") as out:
                    shutil.copyfileobj(hashing, out, CHUNK)
                hashes[member.name] = (hashing.sha256.hexdigest(), hashing.size)
    except (tarfile.ReadError, EOFError, zlib.error) as error:
        if not hashes and "not a gzip file" in str(error).lower():
            raise BackupError(f"{path} is not a Coexist backup (not a .tar.gz archive).") from None
        raise BackupError(
            f"{path} is incomplete or damaged ({error}): it ends part-way through, as a copy "
            "cut short does. Nothing was restored; use another copy of the backup."
        ) from None
    except tarfile.TarError as error:
        raise BackupError(f"{path} is not a readable archive: {error}.") from None
    if MANIFEST not in hashes:
        raise BackupError(
            f"{path} has no {MANIFEST}: it is incomplete (the manifest is written last), or "
            "it is not a Coexist backup. Nothing was restored."
        )
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
        expected = {name: (m["sha256"], m["size"]) for name, m in manifest["members"].items()}
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise BackupError(f"{path} has a damaged {MANIFEST} ({error}).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Coexist backup.")
    missing = sorted(set(expected) - set(hashes))
    if missing:
        raise BackupError(
            f"{path} is incomplete: {len(missing)} member(s) the manifest lists are missing "
            f"({', '.join(missing[:3])}). Nothing was restored."
        )
    extra = sorted(set(hashes) - set(expected) - {MANIFEST})
    changed = sorted(name for name in expected if hashes[name] != expected[name])
    if extra or changed:
        raise BackupError(
            f"{path} was changed or damaged after it was written: "
            f"{', '.join((changed + extra)[:3])} does not match the manifest's checksum. "
            "Nothing was restored; use another copy of the backup."
        )
    return manifest


def _check_compatible(manifest: dict, loader: MigrationLoader) -> Nodes:
    """Refuse a backup this code cannot load; its migration state as graph nodes."""
    made_by = str(manifest.get("coexist_version", ""))
    try:
        newer = Version(made_by) > Version(coexist_version())
        newer = newer or int(manifest.get("format_version", 0)) > FORMAT_VERSION
    except (InvalidVersion, TypeError, ValueError):
        raise BackupError(f"The manifest names no Coexist version (“{made_by}”).") from None
    if newer:
        raise BackupError(
            f"This backup was made by Coexist {made_by}, and this is Coexist "
            f"{coexist_version()}. Upgrade Coexist to {made_by} or later, then restore."
        )
    try:
        recorded = {
            (app_label, name)
            for app_label, names in manifest["migrations"].items()
            for name in names
        }
        tables = [(t["model"], t["member"], int(t["rows"])) for t in manifest["tables"]]
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise BackupError(f"The backup's {MANIFEST} is damaged ({error}).") from None
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces)
    unknown = sorted(recorded - known)
    if unknown:
        raise BackupError(
            "This backup's database has migrations this version of Coexist does not have "
            f"({_names(unknown[:5])}): it was made by a newer version (it says "
            f"{made_by}). Upgrade Coexist, then restore."
        )
    if not all(DATA_MEMBER.fullmatch(member) for _, member, _ in tables):
        raise BackupError(f"The backup's {MANIFEST} is damaged (a table's member name).")
    return _nodes(loader, recorded)


def _rows_held(state_models: list[type[models.Model]]) -> list[tuple[str, int]]:
    """Tables holding rows that `migrate` did not write: what makes a database not empty."""
    held = []
    for model in state_models:
        label = model._meta.label_lower
        if label in MIGRATION_DATA or label in NOT_BACKED_UP:
            continue
        count = model._base_manager.count()
        if count:
            # Named first: what people made (users, lessons), then links and history.
            secondary = bool(model._meta.auto_created) or issubclass(model, HistoricalChanges)
            held.append((secondary, str(model._meta.verbose_name_plural), count))
    return [(name, count) for _, name, count in sorted(held, key=lambda item: item[0])]


def _media_conflicts(media: list[str], unpacked: Path) -> list[str]:
    """Files already in storage under a backed-up name but with other bytes."""
    conflicts = []
    for name in media:
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as stored:
                hashing = _Hashing(stored)
                while hashing.read(CHUNK):
                    pass
            if hashing.sha256.digest() != _sha256(unpacked / "media" / name):
                conflicts.append(name)
    return conflicts


def _sha256(path: Path) -> bytes:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").digest()


def restore(path: str | Path, *, replace: bool = False) -> Report:
    """Load a backup into this database and media storage: all of it, or nothing.

    The database must be empty (only what `migrate` writes) unless `replace`, which empties
    it first in the same transaction, so a failure leaves it as it was. The archive is
    checked whole (complete, checksums, versions) before anything changes. Afterwards the
    database is migrated to this version of Coexist, as an upgrade would.
    """
    started = time.monotonic()
    path = Path(path)
    report = Report(path=path)
    with tempfile.TemporaryDirectory(prefix="coexist-restore-") as tmp:
        unpacked = Path(tmp)
        manifest = _unpack(path, unpacked)
        loader = MigrationLoader(connection)
        wanted = _check_compatible(manifest, loader)
        present = _nodes(loader, set(MigrationRecorder(connection).applied_migrations()))
        held = _rows_held(_models(_state(loader, present)))
        if held and not replace:
            described = ", ".join(f"{count} {name}" for name, count in held[:4])
            raise BackupError(
                f"This database is not empty (it holds {described}), so restoring into it "
                "would mix two sets of records. Restore into a new database (create it, then "
                "`manage.py migrate`), or add --replace to delete everything in this one first."
            )
        if held and wanted != present:
            raise BackupError(
                "This backup was made at another migration state than this database's, "
                "which can only be changed while the database is empty. Empty it first "
                "(`manage.py flush`), then restore without --replace."
            )
        media = sorted(
            name.removeprefix("media/") for name in manifest["members"] if name.startswith("media/")
        )
        conflicts = _media_conflicts(media, unpacked)
        if conflicts:
            raise BackupError(
                f"Media storage already holds {len(conflicts)} file(s) under the names of "
                f"the backup's but with other contents ({', '.join(conflicts[:3])}). Move "
                "them away first. Nothing was restored."
            )
        moved = wanted != present
        if moved:
            _migrate_empty_database_to(wanted)
        added: list[str] = []
        try:
            with transaction.atomic():
                _load(manifest, unpacked, _models(_state(MigrationLoader(connection), wanted)))
                report.media_bytes = _restore_media(media, unpacked, added)
        except BaseException:
            for name in added:
                default_storage.delete(name)
            if moved:
                call_command("migrate", interactive=False, verbosity=0)
            raise
        report.media_files = len(media)
    ContentType.objects.clear_cache()
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        try:
            call_command("migrate", interactive=False, verbosity=0)
        except Exception as error:
            raise BackupError(
                f"The backup was restored, but migrating it to this version failed ({error}). "
                "Run `manage.py migrate` to see why."
            ) from error
        report.migrated = len(plan)
        ContentType.objects.clear_cache()
    report.tables = len(manifest["tables"])
    report.rows = sum(int(table["rows"]) for table in manifest["tables"])
    report.manifest = manifest
    report.seconds = time.monotonic() - started
    return report


def _migrate_empty_database_to(wanted: Nodes) -> None:
    """Take an empty database to the backup's migration state, backwards or forwards."""
    executor = MigrationExecutor(connection)
    loader = executor.loader
    targets: list[tuple[str, str | None]] = []
    for app_label in sorted(loader.migrated_apps):
        leaves = _leaves(loader, frozenset(key for key in wanted if key[0] == app_label))
        targets += leaves or [(app_label, None)]
    plan = executor.migration_plan(targets)
    irreversible = [
        (migration.app_label, migration.name)
        for migration, backwards in plan
        if backwards and not all(operation.reversible for operation in migration.operations)
    ]
    if irreversible:
        raise BackupError(
            "This backup is from an older version of Coexist, and this database cannot be "
            f"taken back to it ({_names(irreversible)} cannot be undone). Restore it with "
            "the version of Coexist that made it, then upgrade."
        )
    executor.migrate(targets, plan=plan)


def _load(manifest: dict, unpacked: Path, state_models: list[type[models.Model]]) -> None:
    """Empty every table, then load the backup's rows, check them, and move sequences on."""
    by_label = {model._meta.label_lower: model for model in state_models}
    unknown = [t["model"] for t in manifest["tables"] if t["model"] not in by_label]
    if unknown:
        raise BackupError(f"The backup has tables this database does not: {', '.join(unknown)}.")
    tables = [model._meta.db_table for model in state_models]
    # PostgreSQL cannot TRUNCATE a table with deferred checks pending in this transaction
    # (only when a caller's transaction wrote to it first): run them now.
    if connection.vendor == "postgresql":
        connection.check_constraints()
    with connection.cursor() as cursor:
        for statement in connection.ops.sql_flush(no_style(), tables, reset_sequences=True):
            cursor.execute(statement)
        loaded = []
        for table in manifest["tables"]:
            model = by_label[table["model"]]
            _load_table(model, unpacked / table["member"], table["member"])
            loaded.append(model)
        try:
            connection.check_constraints(table_names=tables)
        except DatabaseError as error:
            raise BackupError(f"The backup's rows do not fit together: {error}") from None
        for table in manifest["tables"]:
            count = by_label[table["model"]]._base_manager.count()
            if count != int(table["rows"]):
                raise BackupError(
                    f"{table['model']}: the manifest counts {table['rows']} rows, but "
                    f"{count} were loaded. Nothing was restored."
                )
        for statement in connection.ops.sequence_reset_sql(no_style(), loaded):
            cursor.execute(statement)


def _load_table(model: type[models.Model], file: Path, member: str) -> None:
    """Insert the rows of one table as they were, a thousand to an INSERT.

    `model` is this restore's own copy from the migration state, so its date fields can
    stop stamping "now" (auto_now) and keep the backed-up times. Nothing else fills a field
    in on insert: a stored image is committed, so it is not re-encoded; and bulk_create
    sends no signals, so no history is written for a restored row.
    """
    label = model._meta.label_lower
    fields = {f.name: f for f in model._meta.concrete_fields if not getattr(f, "generated", False)}
    for column in fields.values():
        if getattr(column, "auto_now", False) or getattr(column, "auto_now_add", False):
            column.auto_now = column.auto_now_add = False
    pk = model._meta.pk
    batch: list[models.Model] = []
    first = 1
    with file.open(encoding="utf-8") as stream:
        for number, line in enumerate(stream, 1):
            try:
                record = json.loads(line)
                if record["model"] != label:
                    raise ValueError(f"a row of {record['model']} among {label}")
                data = {pk.attname: pk.to_python(record["pk"])}
                for name, value in record["fields"].items():
                    column = fields[name]
                    if column.is_relation:
                        value = None if value is None else column.target_field.to_python(value)
                    else:
                        value = column.to_python(value)
                    data[column.attname] = value
                batch.append(model(**data))
            except (ValueError, KeyError, TypeError, ValidationError) as error:
                raise BackupError(
                    f"{member}, row {number}, could not be read: {error}. Nothing was restored."
                ) from None
            if len(batch) == BATCH:
                _insert(model, batch, member, first)
                batch, first = [], number + 1
    _insert(model, batch, member, first)


def _insert(model: type[models.Model], rows: list[models.Model], member: str, first: int) -> None:
    if not rows:
        return
    try:
        model._base_manager.bulk_create(rows)
    except (ValueError, DatabaseError) as error:
        raise BackupError(
            f"{member}, rows {first} to {first + len(rows) - 1}, could not be loaded: {error}. "
            "Nothing was restored."
        ) from None


def _restore_media(media: list[str], unpacked: Path, added: list[str]) -> int:
    """Store every backed-up file under its own name, noting in `added` each file stored,
    so the caller can remove them if the restore fails after all; the bytes restored."""
    size = 0
    for name in media:
        source = unpacked / "media" / name
        size += source.stat().st_size
        if default_storage.exists(name):
            continue  # the same bytes (checked before anything changed)
        with source.open("rb") as content:
            stored = default_storage.save(name, File(content, name=name))
        added.append(stored)
        if stored != name:
            raise BackupError(f"Media storage kept {name} as {stored}; nothing was restored.")
    return size
