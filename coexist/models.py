from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coexist.teacher_permissions import TEACHERS_GROUP


class User(AbstractUser):
    """Coexist's user: teachers are staff in the Teachers group, students are everyone else.

    A custom model from the first migration so that later fields (a display name for
    roster slips, say) never need a painful swap of auth.User.
    """

    display_name = models.CharField(
        verbose_name=gettext_lazy("display name"),
        max_length=150,
        blank=True,
        help_text=gettext_lazy(
            "How the person is shown to others, e.g. “Ms Okafor” or “Sam P.”. "
            "Falls back to the first name, then the username."
        ),
    )

    must_change_password = models.BooleanField(
        verbose_name=gettext_lazy("must change password"),
        default=False,
        help_text=gettext_lazy(
            "Set when a teacher hands out a one-time password; the person chooses "
            "their own at their next login."
        ),
    )

    language = models.CharField(
        verbose_name=gettext_lazy("language"),
        max_length=16,
        blank=True,
        help_text=gettext_lazy(
            "The language Coexist speaks to this person, chosen with the switcher at the "
            "foot of every page; empty means the browser's language."
        ),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.shown_name

    @property
    def shown_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @cached_property
    def is_teacher(self) -> bool:
        """Teachers curate and mark; superusers count so a fresh install has one."""
        if not self.is_active or not self.is_staff:
            return False
        if self.is_superuser:
            return True
        return any(group.name == TEACHERS_GROUP for group in self.groups.all())

    @property
    def role_label(self) -> str:
        if self.is_superuser:
            return _("Administrator")
        return _("Teacher") if self.is_teacher else _("Student")
