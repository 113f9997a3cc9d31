from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from lessons.models import Lesson
from lessons.packs import export_lessons


class Command(BaseCommand):
    help = "Write a lesson pack (JSON) for the given lesson slugs to standard output."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="+", metavar="SLUG")

    def handle(self, *args, slugs: list[str], **options):
        lessons = list(Lesson.objects.filter(slug__in=slugs))
        missing = sorted(set(slugs) - {lesson.slug for lesson in lessons})
        if missing:
            raise CommandError(f"No lesson with slug: {', '.join(missing)}.")
        pack = export_lessons(lessons)
        self.stdout.write(json.dumps(pack, ensure_ascii=False, indent=2, default=str))
