"""The one place that answers "may this user see or change this object?".

Every view and every admin queryset asks here; nothing re-implements a check inline.
Sources are a shared library within an instance: every teacher may read and curate
them, and lessons likewise. Students will reach a source only through a lesson assigned
to one of their classes (added with classes and assignments).
"""

from __future__ import annotations

from django.db.models import QuerySet

from coexist.models import User
from lessons.models import Lesson
from sources.models import Source


def can_browse_library(user: User) -> bool:
    return user.is_active and user.is_teacher and user.has_perm("sources.view_source")


def visible_sources(user: User) -> QuerySet[Source]:
    return Source.objects.all() if can_browse_library(user) else Source.objects.none()


def visible_lessons(user: User) -> QuerySet[Lesson]:
    """Lessons are a shared library: every teacher sees all of them, drafts included."""
    if user.is_active and user.is_teacher and user.has_perm("lessons.view_lesson"):
        return Lesson.objects.all()
    return Lesson.objects.none()
