"""Give the Teachers group exactly what building lessons needs."""

from __future__ import annotations

from django.db import migrations

from coexist import teacher_permissions

CURATED_MODELS = teacher_permissions.TEACHER_MODELS["lessons"]


def grant(apps, schema_editor):
    teacher_permissions.grant(apps, "lessons", CURATED_MODELS)


def revoke(apps, schema_editor):
    teacher_permissions.revoke(apps, "lessons")


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0002_frameworks"),
        ("coexist", "0002_teachers_group"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
