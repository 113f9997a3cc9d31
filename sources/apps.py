from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class SourcesConfig(AppConfig):
    name = "sources"
    verbose_name = gettext_lazy("Source library")
