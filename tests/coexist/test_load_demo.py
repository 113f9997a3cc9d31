from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from coexist.models import User


def test_the_demo_loader_creates_the_teacher_and_six_students(db, settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    teacher = User.objects.get(username="teacher")
    assert teacher.is_staff and teacher.is_teacher
    assert teacher.check_password("coexist-demo")
    students = User.objects.filter(username__startswith="student").order_by("username")
    assert [s.username for s in students] == [f"student{n}" for n in range(1, 7)]
    assert all(s.check_password("coexist-demo") and not s.is_staff for s in students)
    assert "Created demo accounts" in capsys.readouterr().out


def test_running_the_demo_loader_again_changes_nothing(db, settings):
    settings.DEBUG = True
    call_command("load_demo")
    student = User.objects.get(username="student1")
    student.set_password("my-own-password-now")
    student.save()
    call_command("load_demo")
    assert User.objects.filter(username__in=["teacher", "student1"]).count() == 2
    assert User.objects.count() == 7
    student.refresh_from_db()
    assert student.check_password("my-own-password-now")


def test_the_demo_loader_refuses_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing to load demo accounts with DEBUG off"):
        call_command("load_demo")
    assert not User.objects.exists()


def test_the_demo_loader_runs_with_debug_off_when_forced(db, settings):
    settings.DEBUG = False
    call_command("load_demo", "--force")
    assert User.objects.filter(username="teacher").exists()


def test_no_migration_creates_demo_accounts(db):
    assert not User.objects.exists()


def test_the_teachers_group_has_exactly_the_curating_permissions(db):
    from django.contrib.auth.models import Group

    teachers = Group.objects.get(name="Teachers")
    codenames = set(teachers.permissions.values_list("content_type__app_label", "codename"))
    assert ("sources", "change_source") in codenames
    assert ("lessons", "add_lesson") in codenames
    assert {app for app, _ in codenames} == {"sources", "lessons"}
    assert not any("historical" in codename for _, codename in codenames)
    assert len(codenames) == 80  # 20 models, four actions each


def test_the_demo_loader_repairs_a_teachers_group_that_lost_its_permissions(db, settings):
    from django.contrib.auth.models import Group

    settings.DEBUG = True
    Group.objects.get(name="Teachers").permissions.clear()
    call_command("load_demo")
    teacher = User.objects.get(username="teacher")
    assert teacher.has_perm("sources.change_source")
    assert Group.objects.get(name="Teachers").permissions.count() == 80
