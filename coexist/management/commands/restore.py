from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from coexist.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Load a backup made by `manage.py backup` into an empty database (SQLite or "
        "PostgreSQL, whichever it was made on) and media storage: all of it, or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup archive (.tar.gz).")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete everything in this database first (in the same transaction, so a "
            "failed restore still changes nothing). Uploaded images already stored are kept.",
        )

    def handle(self, *args, file: str, replace: bool = False, **options):
        try:
            report = restore(file, replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"Could not restore {file}: {error.strerror or error}.") from None
        made = report.manifest
        self.stdout.write(
            f"Restored {report.path} (Coexist {made['coexist_version']} on "
            f"{made['source_engine']}, {made['created_at']}): {report.rows} rows in "
            f"{report.tables} tables and {report.media_files} media file(s), "
            f"in {report.seconds:.1f} s."
        )
        if report.migrated:
            self.stdout.write(f"Then applied {report.migrated} migration(s) made since.")
