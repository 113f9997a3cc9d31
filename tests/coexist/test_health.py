"""`/-/alive/` answers without touching anything; `/-/health/` checks the database, the
migrations (and counts those not applied) and the storage for uploaded images."""

from __future__ import annotations

import json
import threading
from unittest import mock

import boto3
import pytest
from django.core.files.storage import default_storage
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse
from moto import mock_aws

from coexist import health
from tests.factories import make_student

HEALTHY = {
    "status": "ok",
    "checks": {"database": "ok", "migrations": "ok", "media": "ok"},
    "pending_migrations": 0,
    "problems": [],
}


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def s3_media(settings, bucket: str) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "coexist.storage.PrivateS3Storage",
            "OPTIONS": {"bucket_name": bucket, "region_name": "us-east-1"},
        },
    }


def test_alive_answers_without_touching_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("alive"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_alive_costs_no_query_for_someone_signed_in_either(client, db, django_assert_num_queries):
    client.force_login(make_student())
    with django_assert_num_queries(0):
        response = client.get(reverse("alive"))
    assert response.status_code == 200


def test_alive_refuses_post(client):
    assert client.post(reverse("alive")).status_code == 405


def test_health_reports_ok_when_database_migrations_and_media_are_fine(
    client, db, media_root, django_assert_num_queries
):
    media_root.mkdir()
    # 1. SELECT 1
    # 2. the migration recorder: is there a django_migrations table?
    # 3. the migrations applied
    with django_assert_num_queries(3):
        response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == HEALTHY


def test_a_new_site_with_nothing_uploaded_yet_is_healthy(client, db, media_root):
    assert not media_root.exists()
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == HEALTHY


def test_health_answers_503_and_counts_and_names_unapplied_migrations(client, db, media_root):
    MigrationRecorder.Migration.objects.filter(
        app="coexist", name__in=["0002_teachers_group", "0001_initial"]
    ).delete()
    response = client.get(reverse("health"))
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "error"
    assert body["checks"]["migrations"] == "unapplied"
    assert body["pending_migrations"] == 2
    assert body["problems"] == [
        "2 unapplied migration(s): coexist.0001_initial, coexist.0002_teachers_group"
    ]


def test_health_answers_503_when_the_database_is_unreachable(client, db, media_root):
    with mock.patch.object(
        connection, "cursor", side_effect=OperationalError("could not connect to server")
    ):
        response = client.get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["checks"] == {"database": "unreachable", "migrations": "unknown", "media": "ok"}
    assert body["pending_migrations"] is None
    assert "could not connect to server" in body["problems"][0]


def test_health_answers_503_when_media_root_is_not_a_folder(client, db, media_root):
    media_root.write_text("a file where the uploads should be")
    response = client.get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["checks"] == {"database": "ok", "migrations": "ok", "media": "unreachable"}
    assert body["pending_migrations"] == 0
    [problem] = body["problems"]
    assert problem.startswith("media storage: NotADirectoryError: ")


def test_health_reads_an_s3_bucket(client, db, settings):
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="coexist-media")
        s3_media(settings, "coexist-media")
        response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == HEALTHY


def test_health_answers_503_naming_an_s3_bucket_that_does_not_exist(client, db, settings):
    with mock_aws():
        s3_media(settings, "no-such-bucket")
        response = client.get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["media"] == "unreachable"
    assert body["problems"] == [
        "media storage: NoSuchBucket: An error occurred (NoSuchBucket) when calling the "
        "ListObjects operation: The specified bucket does not exist"
    ]


def test_health_answers_503_when_the_media_storage_does_not_answer(client, db, monkeypatch):
    """A storage that hangs gets MEDIA_TIMEOUT, not the worker."""
    release = threading.Event()
    monkeypatch.setattr(health, "MEDIA_TIMEOUT", 0.05)
    with mock.patch.object(default_storage, "listdir", side_effect=lambda _: release.wait(5)):
        try:
            response = client.get(reverse("health"))
        finally:
            release.set()
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["media"] == "unreachable"
    assert body["problems"] == ["media storage: no answer within 0.05 s"]


def test_health_refuses_post(client, db):
    assert client.post(reverse("health")).status_code == 405
