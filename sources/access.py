"""Who may see which sources: the library is for teachers (students meet sources
through their lessons, in `lessons.access`)."""

from __future__ import annotations

from django.db.models import QuerySet

from coexist.access import is_teacher
from coexist.models import User
from sources.models import Source


def can_browse_library(user: User) -> bool:
    return is_teacher(user) and user.has_perm("sources.view_source")


def visible_sources(user: User) -> QuerySet[Source]:
    return Source.objects.all() if can_browse_library(user) else Source.objects.none()
