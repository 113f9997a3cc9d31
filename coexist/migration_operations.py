"""Migration operations of Coexist's own. Migrations import them by name: never rename or
remove one."""

from __future__ import annotations

from django.db import migrations


class NamesOnly(migrations.SeparateDatabaseAndState):
    """Changes that touch only the migration state (the names the admin shows), applied to
    it all at once.

    Django re-renders a model and those related to it after each AlterField, about 24 ms
    each; 240 of them doubled the time of a fresh `migrate` (3 s → 6.5 s), which every new
    school, every test database and every restore pays. Here the rendered models are
    dropped before the changes and rendered once when next needed. Nothing is done to the
    database in either direction.
    """

    def __init__(self, state_operations):
        super().__init__(database_operations=None, state_operations=state_operations)

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"state_operations": self.state_operations})

    def state_forwards(self, app_label, state):
        state.__dict__.pop("apps", None)  # rendered again, once, by whatever needs it next
        super().state_forwards(app_label, state)

    def describe(self):
        return f"Names shown in the admin ({len(self.state_operations)} changes, no SQL)"
