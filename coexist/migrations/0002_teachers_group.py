"""Create the Teachers group; each app's migrations grant it that app's permissions."""

from __future__ import annotations

from django.db import migrations

from coexist.teacher_permissions import TEACHERS_GROUP


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name=TEACHERS_GROUP)


class Migration(migrations.Migration):
    dependencies = [
        ("coexist", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
