"""Teachers curate answer formats and marking schemes in the admin, as they do frameworks."""

from __future__ import annotations

from django.db import migrations

from coexist import teacher_permissions

FORMAT_AND_SCHEME_MODELS = (
    "answerformat",
    "answersection",
    "markingscheme",
    "criterion",
    "markband",
)


def grant(apps, schema_editor):
    teacher_permissions.grant(apps, "lessons", FORMAT_AND_SCHEME_MODELS)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    codenames = [f"{a}_{m}" for m in FORMAT_AND_SCHEME_MODELS for a in teacher_permissions.ACTIONS]
    for group in Group.objects.filter(name=teacher_permissions.TEACHERS_GROUP):
        group.permissions.remove(
            *group.permissions.filter(content_type__app_label="lessons", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [("lessons", "0016_shipped_formats_and_schemes")]

    operations = [migrations.RunPython(grant, revoke)]
