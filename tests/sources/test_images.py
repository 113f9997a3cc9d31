"""Uploaded source images: JPEG, PNG or WebP only, at most 5 MB and 40 megapixels."""

from __future__ import annotations

import io
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from sources.images import validate_source_image
from sources.models import Source
from tests.sources.factories import huge_png, image_bytes, image_upload, source_admin_post

ADD_URL = "/admin/sources/source/add/"


def refusal(upload) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_source_image(upload)
    return caught.value


@pytest.mark.parametrize(
    ("name", "image_format"),
    [("cartoon.png", "PNG"), ("photo.jpg", "JPEG"), ("photo.webp", "WEBP")],
)
def test_a_small_png_jpeg_or_webp_is_accepted(name, image_format):
    upload = image_upload(name, image_format)
    upload.seek(7)
    validate_source_image(upload)
    assert upload.tell() == 7, "the validator must leave the file where it found it"


def test_a_gif_is_refused_by_name():
    upload = SimpleUploadedFile("cartoon.gif", image_bytes("GIF"), content_type="image/gif")
    error = refusal(upload)
    assert error.code == "image_format"
    assert error.messages == ["GIF images are not accepted. Upload a JPEG, PNG or WebP file."]


def test_a_text_file_named_png_is_refused_as_unreadable():
    upload = SimpleUploadedFile("cartoon.png", b"Peaceful coexistence\n" * 20, "image/png")
    error = refusal(upload)
    assert error.code == "image_unreadable"
    assert error.messages == [
        "This file is not an image that can be read. Upload a JPEG, PNG or WebP file."
    ]


def test_a_file_over_5_mb_is_refused_with_its_size():
    noise = Image.frombytes("RGB", (1400, 1300), os.urandom(1400 * 1300 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG")
    upload = SimpleUploadedFile("noise.png", buffer.getvalue(), "image/png")
    assert upload.size > 5 * 1024 * 1024
    error = refusal(upload)
    assert error.code == "image_too_large"
    size = f"{upload.size / 1024 / 1024:.1f}"
    assert error.messages == [
        f"This image is {size} MB; the limit is 5 MB. Save it smaller (for example as a JPEG "
        "at 80% quality) and upload it again."
    ]


def test_an_image_over_40_megapixels_is_refused_with_its_dimensions():
    upload = SimpleUploadedFile("huge.png", huge_png((8000, 6000)), "image/png")
    assert upload.size < 20_000, "the test image must be small on disk"
    error = refusal(upload)
    assert error.code == "image_too_many_pixels"
    assert error.messages == [
        "This image is 8000 × 6000 pixels; the limit is 40 megapixels. Resize it and upload "
        "it again."
    ]


def test_an_image_of_exactly_40_megapixels_is_accepted():
    validate_source_image(SimpleUploadedFile("edge.png", huge_png((8000, 5000)), "image/png"))


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            lambda: SimpleUploadedFile("cartoon.gif", image_bytes("GIF"), "image/gif"),
            "GIF images are not accepted.",
        ),
        (
            lambda: SimpleUploadedFile("huge.png", huge_png(), "image/png"),
            "This image is 8000 × 6000 pixels; the limit is 40 megapixels.",
        ),
    ],
    ids=["gif", "too-many-pixels"],
)
def test_the_admin_add_form_refuses_a_bad_image_and_saves_nothing(
    teacher_client, settings, tmp_path, upload, message
):
    settings.MEDIA_ROOT = tmp_path
    data = source_admin_post(image=upload(), image_alt="Khrushchev pushes over a snowman")
    response = teacher_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors["image"][0]
    assert message in response.content.decode()
    assert not Source.objects.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_decompression_bomb_is_refused_as_too_many_pixels():
    import io
    import zlib

    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from sources.images import validate_source_image

    buffer = io.BytesIO()
    Image.new("1", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    # Rewrite the IHDR width and height to 20000 × 20000 (400 megapixels) without
    # allocating them; Pillow reads only the header.
    data[16:24] = (20000).to_bytes(4, "big") + (20000).to_bytes(4, "big")
    data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")
    upload = SimpleUploadedFile("bomb.png", bytes(data), content_type="image/png")
    with pytest.raises(ValidationError, match="20000 × 20000 pixels|far more than 40 megapixels"):
        validate_source_image(upload)
