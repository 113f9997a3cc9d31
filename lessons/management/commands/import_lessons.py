from __future__ import annotations

import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from lessons.packs import import_lessons
from sources.packs import PackError


class Command(BaseCommand):
    help = "Import a lesson pack (JSON): all of it, or nothing if any record is bad."

    def add_arguments(self, parser):
        parser.add_argument("pack", help="Path to the pack, or - to read standard input.")
        parser.add_argument(
            "--owner",
            metavar="USERNAME",
            help="The teacher who will own the new lessons (others may view, assign and "
            "duplicate them). Without it, only administrators may change them.",
        )

    def handle(self, *args, pack: str, owner: str | None = None, **options):
        owner_user = None
        if owner:
            owner_user = get_user_model().objects.filter(username=owner, is_staff=True).first()
            if owner_user is None:
                raise CommandError(f"No teacher account “{owner}”. Nothing was imported.")
        try:
            text = sys.stdin.read() if pack == "-" else Path(pack).read_text(encoding="utf-8")
            data = json.loads(text)
        except OSError as error:
            raise CommandError(f"Could not read {pack}: {error.strerror}.") from None
        except ValueError as error:
            raise CommandError(f"{pack} is not valid JSON: {error}.") from None
        try:
            report = import_lessons(data, owner=owner_user)
        except PackError as error:
            raise CommandError(f"Nothing was imported. {error}") from None
        self.stdout.write(f"Imported {pack}: {report.summary()}.")
