from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from coexist.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write the whole database and every uploaded image to one archive (.tar.gz) that "
        "`manage.py restore` loads on SQLite or PostgreSQL. Safe while people are working."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the archive, e.g. coexist.tar.gz.")

    def handle(self, *args, file: str, **options):
        try:
            report = backup(file)
        except BackupError as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"Could not write {file}: {error.strerror or error}.") from None
        self.stdout.write(
            f"Wrote {report.path}: {report.rows} rows in {report.tables} tables and "
            f"{report.media_files} media file(s) ({report.media_bytes} bytes), "
            f"{report.archive_bytes} bytes in all, in {report.seconds:.1f} s."
        )
        if report.missing_media:
            self.stderr.write(
                f"Warning: {len(report.missing_media)} file(s) the database names were not "
                f"in media storage: {', '.join(report.missing_media[:5])}."
            )
