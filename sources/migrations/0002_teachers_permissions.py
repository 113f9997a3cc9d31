"""Give the Teachers group exactly what curating the source library needs."""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.db import migrations

TEACHERS_GROUP = "Teachers"
CURATED_MODELS = ("author", "theme", "source", "sourceauthor", "provenance", "interpretation")
ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    app_config = apps.get_app_config("sources")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    teachers, _ = Group.objects.get_or_create(name=TEACHERS_GROUP)
    codenames = [f"{action}_{model}" for model in CURATED_MODELS for action in ACTIONS]
    teachers.permissions.add(
        *Permission.objects.filter(content_type__app_label="sources", codename__in=codenames)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=TEACHERS_GROUP):
        group.permissions.remove(*group.permissions.filter(content_type__app_label="sources"))


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0001_initial"),
        ("coexist", "0002_teachers_group"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
