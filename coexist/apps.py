from __future__ import annotations

from django.apps import AppConfig


class CoexistConfig(AppConfig):
    name = "coexist"
    verbose_name = "Accounts"
