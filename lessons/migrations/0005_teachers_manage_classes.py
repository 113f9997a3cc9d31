"""Teachers open classes, enrol students and set assignments (their own, see coexist.access)."""

from __future__ import annotations

from django.db import migrations

from coexist import teacher_permissions

CLASS_MODELS = ("classroom", "enrolment", "assignment")


def grant(apps, schema_editor):
    teacher_permissions.grant(apps, "lessons", CLASS_MODELS)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    codenames = [f"{a}_{m}" for m in CLASS_MODELS for a in teacher_permissions.ACTIONS]
    for group in Group.objects.filter(name=teacher_permissions.TEACHERS_GROUP):
        group.permissions.remove(
            *group.permissions.filter(content_type__app_label="lessons", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0004_classes_and_work"),
        ("coexist", "0003_must_change_password"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
