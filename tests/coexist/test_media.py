"""Uploaded images are served to signed-in users, only as the image types uploads are
re-encoded to, each with its own Content-Type and `nosniff`; nothing else in MEDIA_ROOT."""

from __future__ import annotations

import pytest

from tests.sources.factories import image_bytes

PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")


@pytest.fixture
def uploaded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "cartoon.png").write_bytes(PNG)
    (folder / "photo.jpg").write_bytes(JPEG)
    # What an older version, or anything else, may have left beside them.
    (folder / "renamed.pdf").write_bytes(PNG)
    (folder / "page.html").write_text("<script>alert(1)</script>")
    (folder / "drawing.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>')
    (folder / "photo.webp").write_bytes(image_bytes("WEBP"))
    (folder / "notes.txt").write_text("not an image")
    (folder / "upper.PNG").write_bytes(PNG)
    (tmp_path.parent / "secret.txt").write_text("not for the web")
    return tmp_path


@pytest.mark.parametrize(
    ("path", "body", "content_type"),
    [("sources/cartoon.png", PNG, "image/png"), ("sources/photo.jpg", JPEG, "image/jpeg")],
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


def test_paths_outside_the_media_folder_are_refused(student_client, uploaded):
    for path in ("/media/../secret.txt", "/media/%2e%2e/secret.txt", "/media/../secret.png"):
        response = student_client.get(path)
        assert response.status_code in {400, 404}
        assert b"not for the web" not in response.content
