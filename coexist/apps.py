from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CoexistConfig(AppConfig):
    name = "coexist"
    verbose_name = gettext_lazy("Accounts")

    def ready(self) -> None:
        from coexist.i18n import remember_translations

        remember_translations()
