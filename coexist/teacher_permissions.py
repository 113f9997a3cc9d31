"""Grant the Teachers group an app's model permissions from a data migration.

Each app's migration says which of its models teachers curate; this module does the
work with the migration's historical models, so it stays valid as the apps change.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.management import create_permissions

TEACHERS_GROUP = "Teachers"
ACTIONS = ("add", "change", "delete", "view")
# What teachers curate, per app. Users, classes of other teachers and history rows are
# deliberately absent.
TEACHER_MODELS = {
    "sources": ("author", "theme", "source", "sourceauthor", "provenance", "interpretation"),
    "lessons": (
        "framework",
        "prompt",
        "lesson",
        "lessonsource",
        "glossaryterm",
        "fact",
        "answerformat",
        "answersection",
        "markingscheme",
        "criterion",
        "markband",
        # The admin scopes these to the teacher's own classes (lessons.access).
        "classroom",
        "enrolment",
        "assignment",
    ),
}


def grant(apps, app_label: str, model_names: Iterable[str]) -> None:
    app_config = apps.get_app_config(app_label)
    if getattr(app_config, "models_module", None) is None:
        # A migration's historical app: permissions are normally created only after all
        # migrations, so create this app's now.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    else:
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    teachers, _ = Group.objects.get_or_create(name=TEACHERS_GROUP)
    codenames = [f"{action}_{model}" for model in model_names for action in ACTIONS]
    teachers.permissions.add(
        *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    )


def revoke(apps, app_label: str) -> None:
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=TEACHERS_GROUP):
        group.permissions.remove(*group.permissions.filter(content_type__app_label=app_label))


def ensure_teachers_group():
    """Create or repair the Teachers group with today's permissions; returns the group.

    Migrations grant these on every install; the demo loader calls this too, so a
    database emptied by hand (or by a test runner's flush) still gets a working teacher.
    """
    from django.apps import apps as global_apps
    from django.contrib.auth.models import Group

    for app_label, model_names in TEACHER_MODELS.items():
        grant(global_apps, app_label, model_names)
    return Group.objects.get(name=TEACHERS_GROUP)
