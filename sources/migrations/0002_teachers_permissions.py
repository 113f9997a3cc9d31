"""Give the Teachers group exactly what curating the source library needs."""

from __future__ import annotations

from django.db import migrations

from coexist import teacher_permissions

CURATED_MODELS = teacher_permissions.TEACHER_MODELS["sources"]


def grant(apps, schema_editor):
    teacher_permissions.grant(apps, "sources", CURATED_MODELS)


def revoke(apps, schema_editor):
    teacher_permissions.revoke(apps, "sources")


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0001_initial"),
        ("coexist", "0002_teachers_group"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
