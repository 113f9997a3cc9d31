from __future__ import annotations

import json
from unittest import mock

from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse


def test_alive_answers_without_touching_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("alive"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_alive_refuses_post(client):
    assert client.post(reverse("alive")).status_code == 405


def test_health_reports_ok_when_database_and_migrations_are_fine(client, db):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok"},
        "problems": [],
    }


def test_health_answers_503_and_names_an_unapplied_migration(client, db):
    MigrationRecorder.Migration.objects.filter(app="coexist", name="0002_teachers_group").delete()
    response = client.get(reverse("health"))
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "error"
    assert body["checks"]["migrations"] == "unapplied"
    assert body["problems"] == ["1 unapplied migration(s): coexist.0002_teachers_group"]


def test_health_answers_503_when_the_database_is_unreachable(client, db):
    with mock.patch.object(
        connection, "cursor", side_effect=OperationalError("could not connect to server")
    ):
        response = client.get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["checks"] == {"database": "unreachable", "migrations": "unknown"}
    assert "could not connect to server" in body["problems"][0]


def test_health_refuses_post(client, db):
    assert client.post(reverse("health")).status_code == 405
