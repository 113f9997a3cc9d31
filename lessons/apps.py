from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = gettext_lazy("Lessons and classes")
