from __future__ import annotations

import pytest


@pytest.fixture
def uploaded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "cartoon.png").write_bytes(b"\x89PNG fake")
    (tmp_path.parent / "secret.txt").write_text("not for the web")
    return tmp_path


def test_a_signed_in_user_gets_an_uploaded_image(student_client, uploaded):
    response = student_client.get("/media/sources/cartoon.png")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\x89PNG fake"
    assert response["Content-Type"] == "image/png"


def test_an_anonymous_visitor_is_sent_to_log_in_for_uploads(client, uploaded, db):
    response = client.get("/media/sources/cartoon.png")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_missing_upload_is_a_404(student_client, uploaded):
    assert student_client.get("/media/sources/missing.png").status_code == 404


def test_paths_outside_the_media_folder_are_refused(student_client, uploaded):
    for path in ("/media/../secret.txt", "/media/%2e%2e/secret.txt"):
        response = student_client.get(path)
        assert response.status_code in {400, 404}
        assert b"not for the web" not in response.content
