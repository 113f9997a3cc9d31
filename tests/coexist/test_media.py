"""Uploaded images are served to signed-in users, only as the image types uploads are
re-encoded to, each with its own Content-Type and `nosniff`; nothing else in storage.

Every test runs twice: with images in MEDIA_ROOT, and in a private S3 bucket (moto's
in-process mock of AWS), read through the same storage API.
"""

from __future__ import annotations

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from moto import mock_aws

from tests.sources.factories import image_bytes

PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")
BUCKET = "coexist-media"
FILES = {
    "sources/cartoon.png": PNG,
    "sources/photo.jpg": JPEG,
    # What an older version, or anything else, may have left beside them.
    "sources/renamed.pdf": PNG,
    "sources/page.html": b"<script>alert(1)</script>",
    "sources/drawing.svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>',
    "sources/photo.webp": image_bytes("WEBP"),
    "sources/notes.txt": b"not an image",
    "sources/upper.PNG": PNG,
}
# Beside the uploads' folder (or the bucket's prefix for them), never reachable.
OUTSIDE = {"secret.txt": b"not for the web", "secret.png": b"not for the web"}


@pytest.fixture(scope="module")
def bucket():
    """One mocked bucket for the module: the tests only read, or add under a new name."""
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        for name, body in FILES.items():
            s3.put_object(Bucket=BUCKET, Key=f"media/{name}", Body=body)
        for name, body in OUTSIDE.items():
            s3.put_object(Bucket=BUCKET, Key=name, Body=body)
        yield BUCKET


@pytest.fixture(params=["filesystem", "s3"])
def uploaded(request, settings, tmp_path):
    if request.param == "s3":
        bucket = request.getfixturevalue("bucket")
        options = {"bucket_name": bucket, "region_name": "us-east-1", "location": "media"}
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {"BACKEND": "coexist.storage.PrivateS3Storage", "OPTIONS": options},
        }
        return request.param
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    for name, body in FILES.items():
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        (media / name).write_bytes(body)
    for name, body in OUTSIDE.items():
        (tmp_path / name).write_bytes(body)
    return request.param


@pytest.mark.parametrize(
    ("path", "body", "content_type"),
    [("sources/cartoon.png", PNG, "image/png"), ("sources/photo.jpg", JPEG, "image/jpeg")],
    ids=["png", "jpeg"],
)
def test_a_signed_in_user_gets_an_uploaded_image_with_its_type_and_nosniff(
    student_client, uploaded, path, body, content_type
):
    response = student_client.get(f"/media/{path}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == body
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "name",
    ["renamed.pdf", "page.html", "drawing.svg", "photo.webp", "notes.txt", "upper.PNG", ""],
)
def test_anything_but_a_png_or_jpeg_is_a_404_even_when_it_exists(student_client, uploaded, name):
    response = student_client.get(f"/media/sources/{name}")
    assert response.status_code == 404
    assert b"<script>" not in response.content
    assert b"onload" not in response.content


def test_an_anonymous_visitor_is_sent_to_log_in_for_uploads(client, uploaded, db):
    response = client.get("/media/sources/cartoon.png")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_anonymous_visitor_learns_nothing_about_other_files(client, uploaded, db):
    response = client.get("/media/sources/renamed.pdf")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_uploads_cannot_be_posted_to(student_client, uploaded):
    assert student_client.post("/media/sources/cartoon.png").status_code == 405


def test_a_missing_upload_is_a_404(student_client, uploaded):
    assert student_client.get("/media/sources/missing.png").status_code == 404


def test_a_not_modified_answer_carries_no_body(student_client, uploaded):
    first = student_client.get("/media/sources/cartoon.png")
    again = student_client.get(
        "/media/sources/cartoon.png", headers={"If-Modified-Since": first["Last-Modified"]}
    )
    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize(
    "path",
    [
        "/media/../secret.txt",
        "/media/%2e%2e/secret.txt",
        "/media/../secret.png",
        "/media/%2e%2e/secret.png",
        "/media/sources/%2e%2e/%2e%2e/secret.png",
        "/media//secret.png",
    ],
)
def test_paths_outside_the_uploads_are_refused(student_client, uploaded, path):
    response = student_client.get(path)
    assert response.status_code in {400, 404}
    assert b"not for the web" not in response.content


@pytest.mark.parametrize(
    "path",
    [
        "/media/sources/./cartoon.png",
        "/media/sources//cartoon.png",
        "/media/./sources/x/../cartoon.png",
        "/media/sources/cartoon%00.png",
        "/media/sources/cartoon.png%00.png",
        "/media/sources/%0acartoon.png",
    ],
)
def test_only_a_name_as_the_storage_gives_it_is_looked_up(student_client, uploaded, path):
    assert student_client.get(path).status_code == 404


def test_an_image_saved_through_the_storage_is_served_at_its_url(student_client, uploaded):
    """What `Source.image.url` puts in a page is Coexist's /media/ view, never the bucket."""
    name = default_storage.save("sources/new.png", ContentFile(PNG))
    url = default_storage.url(name)
    assert url == f"/media/{name}"
    response = student_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Length"] == str(len(PNG))
