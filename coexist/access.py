"""Who someone is here: a teacher, a student who may join classes, or neither.

The apps' own access modules (`sources.access`, `lessons.access`) answer "may this
user see or change this object?" on top of these roles.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from coexist.models import User
from coexist.teacher_permissions import TEACHERS_GROUP


def is_teacher(user: User) -> bool:
    return user.is_authenticated and user.is_teacher


def teacher_accounts() -> QuerySet[User]:
    """Everyone who may teach a class: active staff in the Teachers group, and
    administrators (the queryset twin of `User.is_teacher`)."""
    return (
        User.objects.filter(is_active=True, is_staff=True)
        .filter(Q(groups__name=TEACHERS_GROUP) | Q(is_superuser=True))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def can_join_classes(user: User) -> bool:
    """Anyone signed in who is not staff joins as a student; teachers do not enrol."""
    return user.is_authenticated and user.is_active and not user.is_staff
