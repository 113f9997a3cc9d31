"""What the browser tests of students' work share: where a source page is, its save
status line, and the demo's last student's analysis of a source."""

from __future__ import annotations

import re

from playwright.sync_api import Page

from lessons.models import SourceAnnotation

REVISION = "khrushchev-and-peaceful-coexistence"
SAVED = re.compile(r"Saved at \d")


def source_url(live_server, assignment, label: str) -> str:
    return f"{live_server.url}/assignments/{assignment.pk}/sources/{label}/"


def status(page: Page):
    return page.locator("[data-save-status]")


def annotation(assignment, label: str) -> SourceAnnotation | None:
    """student6's analysis of the source (student6 starts the demo with none)."""
    return SourceAnnotation.objects.filter(
        assignment=assignment, student__username="student6", lesson_source__label=label
    ).first()
