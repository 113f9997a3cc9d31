from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lessons.packs import import_lessons
from sources.packs import PackError


class Command(BaseCommand):
    help = "Import a lesson pack (JSON): all of it, or nothing if any record is bad."

    def add_arguments(self, parser):
        parser.add_argument("pack", help="Path to the pack, or - to read standard input.")

    def handle(self, *args, pack: str, **options):
        try:
            text = sys.stdin.read() if pack == "-" else Path(pack).read_text(encoding="utf-8")
            data = json.loads(text)
        except OSError as error:
            raise CommandError(f"Could not read {pack}: {error.strerror}.") from None
        except ValueError as error:
            raise CommandError(f"{pack} is not valid JSON: {error}.") from None
        try:
            report = import_lessons(data)
        except PackError as error:
            raise CommandError(f"Nothing was imported. {error}") from None
        self.stdout.write(f"Imported {pack}: {report.summary()}.")
