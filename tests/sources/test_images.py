"""Uploaded source images are decoded and re-encoded, never stored or served as sent.

A teacher's photo arrives with where it was taken and the camera that took it; a student
gets pixels only, upright, as PNG or JPEG, at an address nobody can guess. A file whose
contents do not match its name is refused, and replaced or deleted images leave storage.
"""

from __future__ import annotations

import io
import os
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

from sources.images import ACCEPT_ATTRIBUTE, reencode, upgrade_stored_images
from sources.models import Source
from tests.sources.factories import huge_png, image_bytes, make_source, source_admin_post

ADD_URL = "/admin/sources/source/add/"
CHANGELIST = "/admin/sources/source/"
CAMERA_MAKE = "Spyglass Optics"
OWNER = "Ms Okafor's phone"
RED = (200, 30, 30)


def change_url(source: Source) -> str:
    return f"/admin/sources/source/{source.pk}/change/"


def photo_with_gps(*, size=(60, 40), orientation: int | None = None, **save_options) -> bytes:
    """A JPEG taken at 51°30′12″N 0°7′39″W by a named camera, with a red top-left corner
    so a test can see where rotation puts it."""
    image = Image.new("RGB", size, "white")
    image.paste(RED, (0, 0, 20, 10))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA_MAKE
    exif[ExifTags.Base.Artist] = OWNER
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 7.0, 39.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=95, **save_options)
    data = buffer.getvalue()
    assert CAMERA_MAKE.encode() in data, "the test photo must carry what we expect removed"
    return data


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def refusal(file) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        reencode(file)
    return caught.value


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def assert_no_metadata(data: bytes) -> None:
    image = opened(data)
    assert dict(image.getexif()) == {}
    assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    for key in ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment", "Author"):
        assert key not in image.info
    for marker in (CAMERA_MAKE, OWNER, "Exif", "http://ns.adobe.com/xap", "tEXt", "iTXt"):
        assert marker.encode() not in data


def reddish(pixel) -> bool:
    red, green, blue = pixel[:3]
    return red > 150 and green < 90 and blue < 90


@pytest.fixture
def media_root(settings, tmp_path, db) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def student_browser(student) -> Client:
    """A second browser, so the teacher's stays signed in as the teacher."""
    browser = Client()
    browser.force_login(student)
    return browser


def stored_files(media_root: Path) -> list[str]:
    return sorted(path.name for path in (media_root / "sources").glob("*"))


def served(browser: Client, source: Source) -> bytes:
    response = browser.get(source.image.url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def fields_as_posted(form) -> dict:
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is True:
            data[form.add_prefix(name)] = "on"
        elif value is None or value is False or name == "image":
            continue
        elif isinstance(value, list | tuple):
            data[form.add_prefix(name)] = [str(item) for item in value]
        else:
            data[form.add_prefix(name)] = str(field.prepare_value(value))
    return data


def change_form_post(teacher_client, source: Source, **changes) -> dict:
    """The change form as the admin rendered it, inlines included, with `changes`."""
    response = teacher_client.get(change_url(source))
    data = fields_as_posted(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(fields_as_posted(formset.management_form))
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(formset.initial_form_count())
        for form in formset.initial_forms:
            data.update(fields_as_posted(form))
    data["_save"] = "Save"
    data.update(changes)
    return data


def add_through_the_admin(teacher_client, data: bytes, name="photo.jpg", title="Summit photo"):
    response = teacher_client.post(
        ADD_URL,
        source_admin_post(
            title=title, image=upload(name, data), image_alt="Leaders shake hands at a summit"
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Source.objects.get(title=title)


# What is kept: the picture, as PNG or JPEG


@pytest.mark.parametrize(
    ("name", "image_format", "mode", "stored_as"),
    [
        ("cartoon.png", "PNG", "RGB", "png"),
        ("line-art.png", "PNG", "1", "png"),
        ("poster.gif", "GIF", "P", "png"),
        ("photo.jpg", "JPEG", "RGB", "jpg"),
        ("photo.JPEG", "JPEG", "L", "jpg"),
        ("photo.webp", "WEBP", "RGB", "jpg"),
        ("sticker.webp", "WEBP", "RGBA", "png"),
    ],
)
def test_jpeg_png_gif_and_webp_are_accepted_and_stored_as_png_or_jpeg(
    name, image_format, mode, stored_as
):
    clean = reencode(upload(name, image_bytes(image_format, (40, 30), mode=mode)))
    assert clean.name == f"image.{stored_as}"
    assert clean.content_type == {"png": "image/png", "jpg": "image/jpeg"}[stored_as]
    image = opened(clean.read())
    assert image.format == {"png": "PNG", "jpg": "JPEG"}[stored_as]
    assert image.size == (clean.width, clean.height) == (40, 30)


def test_a_gif_keeps_its_transparent_colour_as_a_png():
    image = Image.new("P", (20, 10), 0)
    image.putpalette([255, 255, 255, 200, 30, 30])
    image.paste(1, (10, 0, 20, 10))
    buffer = io.BytesIO()
    image.save(buffer, "GIF", transparency=0)
    clean = opened(reencode(upload("logo.gif", buffer.getvalue(), "image/gif")).read())
    rgba = clean.convert("RGBA")
    assert rgba.getpixel((0, 0))[3] == 0
    assert rgba.getpixel((15, 5)) == (200, 30, 30, 255)


def test_a_phones_jpeg_with_a_second_hidden_picture_is_kept_as_its_first():
    buffer = io.BytesIO()
    first, depth_map = Image.new("RGB", (60, 40), RED), Image.new("L", (30, 20), 128)
    first.save(buffer, "MPO", save_all=True, append_images=[depth_map])
    clean = opened(reencode(upload("portrait.jpg", buffer.getvalue())).read())
    assert clean.format == "JPEG"
    assert clean.size == (60, 40)
    assert reddish(clean.getpixel((30, 20)))


# What is thrown away: everything but the pixels


def test_gps_camera_owner_comment_xmp_and_colour_profile_are_removed_from_a_jpeg():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:li>{OWNER}</rdf:li></x:xmpmeta>'
    data = photo_with_gps(comment=f"Taken by {OWNER}", icc_profile=srgb, xmp=xmp.encode())
    assert data.count(OWNER.encode()) == 3, "in EXIF, the comment and the XMP"
    clean = reencode(upload("photo.jpg", data)).read()
    assert_no_metadata(clean)
    assert reddish(opened(clean).getpixel((5, 5))), "the colours survive the profile's removal"


def test_text_exif_and_colour_profile_chunks_are_removed_from_a_png():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", OWNER)
    info.add_itxt("Comment", f"Scanned by {OWNER}")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA_MAKE
    buffer = io.BytesIO()
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("RGB", (30, 20), RED).save(buffer, "PNG", pnginfo=info, exif=exif, icc_profile=srgb)
    clean = reencode(upload("scan.png", buffer.getvalue(), "image/png")).read()
    assert_no_metadata(clean)
    assert b"iCCP" not in clean
    assert opened(clean).getpixel((0, 0)) == RED


@pytest.mark.parametrize(("orientation", "red_corner"), [(6, (39, 0)), (3, (59, 39)), (8, (0, 59))])
def test_the_exif_orientation_is_applied_so_the_image_stands_upright(orientation, red_corner):
    data = photo_with_gps(size=(60, 40), orientation=orientation)
    clean = opened(reencode(upload("photo.jpg", data)).read())
    assert clean.size == ((60, 40) if orientation == 3 else (40, 60))
    assert reddish(clean.getpixel(red_corner))
    assert ExifTags.Base.Orientation not in clean.getexif()


# What is refused, and what the teacher is told


def test_a_png_renamed_pdf_is_refused_naming_what_it_really_is():
    error = refusal(upload("cartoon.pdf", image_bytes("PNG"), "application/pdf"))
    assert error.code == "image_name_mismatch"
    assert error.messages == [
        "“cartoon.pdf” is a PNG image, but its name ends in “.pdf”. Rename it to end in .png "
        "and upload it again."
    ]


def test_a_jpeg_named_png_is_refused_too():
    error = refusal(upload("cartoon.png", image_bytes("JPEG"), "image/png"))
    assert error.messages == [
        "“cartoon.png” is a JPEG image, but its name ends in “.png”. Rename it to end in .jpg "
        "and upload it again."
    ]


def test_a_text_file_named_jpg_is_refused_as_not_an_image():
    error = refusal(upload("notes.jpg", b"Peaceful coexistence\n" * 20, "image/jpeg"))
    assert error.code == "image_unreadable"
    assert error.messages == [
        "“notes.jpg” has a JPEG name, but what is inside is not a JPEG, PNG, GIF or WebP image. "
        "Check that you chose the right file and upload it again."
    ]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("worksheet.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
        ("scan.tiff", image_bytes("TIFF")),
        ("drawing.bmp", image_bytes("BMP")),
    ],
    ids=["pdf", "tiff", "bmp"],
)
def test_other_kinds_of_file_are_refused_by_name(name, data):
    error = refusal(upload(name, data, "application/octet-stream"))
    assert error.code == "image_format"
    assert error.messages == [
        f"“{name}” is not a JPEG, PNG, GIF or WebP image. Save it in one of those formats and "
        "upload it again."
    ]


def test_a_tiff_named_jpg_is_never_handed_to_another_decoder():
    error = refusal(upload("scan.jpg", image_bytes("TIFF")))
    assert error.code == "image_unreadable"


def test_an_animated_gif_is_refused_with_a_way_forward():
    frames = [Image.new("RGB", (20, 20), colour) for colour in (RED, "white")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    error = refusal(upload("spin.gif", buffer.getvalue(), "image/gif"))
    assert error.code == "image_animated"
    assert "only still images can be shown" in error.messages[0]


def test_a_jpeg_cut_off_part_way_is_refused_as_damaged():
    noise = Image.frombytes("RGB", (300, 200), os.urandom(300 * 200 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG")
    error = refusal(upload("photo.jpg", buffer.getvalue()[: buffer.tell() // 2]))
    assert error.code == "image_damaged"
    assert error.messages == [
        "“photo.jpg” stops part-way or is damaged, so it cannot be shown. Open it on your "
        "computer, save it again and upload the new copy."
    ]


def test_a_file_over_5_mb_is_refused_with_its_size_before_it_is_decoded():
    noise = Image.frombytes("RGB", (1400, 1300), os.urandom(1400 * 1300 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG")
    big = upload("noise.png", buffer.getvalue(), "image/png")
    assert big.size > 5 * 1024 * 1024
    error = refusal(big)
    assert error.code == "image_too_large"
    size = f"{big.size / 1024 / 1024:.1f}"
    assert error.messages == [
        f"This image is {size} MB; the limit is 5 MB. Save it smaller (for example as a JPEG "
        "at 80% quality) and upload it again."
    ]


def test_an_image_over_40_megapixels_is_refused_with_its_dimensions():
    huge = upload("huge.png", huge_png((8000, 6000)), "image/png")
    assert huge.size < 20_000, "the test image must be small on disk"
    error = refusal(huge)
    assert error.code == "image_too_many_pixels"
    assert error.messages == [
        "This image is 8000 × 6000 pixels; the limit is 40 megapixels. Resize it and upload "
        "it again."
    ]


def test_an_image_of_exactly_40_megapixels_is_accepted():
    clean = reencode(upload("edge.png", huge_png((8000, 5000)), "image/png"))
    assert (clean.width, clean.height) == (8000, 5000)


def test_a_decompression_bomb_is_refused_from_its_header_alone():
    buffer = io.BytesIO()
    Image.new("1", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    # Rewrite the IHDR width and height to 20000 × 20000 (400 megapixels) without
    # allocating them; Pillow reads only the header.
    data[16:24] = (20000).to_bytes(4, "big") + (20000).to_bytes(4, "big")
    data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")
    error = refusal(upload("bomb.png", bytes(data), "image/png"))
    assert error.code == "image_too_many_pixels"
    assert error.messages == [
        "This image has far more than 40 megapixels. Resize it and upload it again."
    ]


# Through the admin, as a teacher uploads and a student sees


def test_a_students_copy_of_an_uploaded_photo_has_no_gps_or_camera_and_stands_upright(
    teacher_client, student_browser, media_root
):
    source = add_through_the_admin(teacher_client, photo_with_gps(orientation=6))
    body = served(student_browser, source)
    assert CAMERA_MAKE.encode() not in body
    assert OWNER.encode() not in body
    image = opened(body)
    assert image.format == "JPEG"
    assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert ExifTags.Base.Make not in image.getexif()
    assert image.size == (40, 60), "turned upright: width and height swapped"
    assert reddish(image.getpixel((39, 0)))


def test_an_upload_is_stored_under_a_random_name_never_the_slug(teacher_client, media_root):
    first = add_through_the_admin(teacher_client, photo_with_gps(), title="Summit photo")
    second = add_through_the_admin(teacher_client, photo_with_gps(), title="Summit photo 2")
    names = [first.image.name, second.image.name]
    for source, name in zip((first, second), names, strict=True):
        assert name.startswith("sources/") and name.endswith(".jpg")
        assert source.slug not in name
        assert len(Path(name).stem) >= 20
    assert names[0] != names[1]
    assert stored_files(media_root) == sorted(Path(name).name for name in names)


def test_a_png_named_gif_keeps_the_extension_of_what_is_stored(teacher_client, media_root):
    source = add_through_the_admin(teacher_client, image_bytes("GIF"), name="poster.gif")
    assert source.image.name.endswith(".png")
    assert opened((media_root / source.image.name).read_bytes()).format == "PNG"


def test_the_file_input_offers_only_the_accepted_types(teacher_client):
    html = teacher_client.get(ADD_URL).content.decode()
    assert f'accept="{ACCEPT_ATTRIBUTE}"' in html
    assert "JPEG, PNG, GIF or WebP, at most 5 MB and 40 megapixels." in html


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("cartoon.pdf", image_bytes("PNG"), "“cartoon.pdf” is a PNG image, but its name ends in"),
        ("notes.jpg", b"Peaceful coexistence\n" * 20, "“notes.jpg” has a JPEG name, but what"),
        ("huge.png", huge_png(), "This image is 8000 × 6000 pixels; the limit is 40 megapixels."),
    ],
    ids=["png-named-pdf", "text-named-jpg", "too-many-pixels"],
)
def test_the_admin_add_form_refuses_a_bad_file_beside_the_field_and_saves_nothing(
    teacher_client, media_root, name, data, message
):
    post = source_admin_post(image=upload(name, data), image_alt="A cartoon of a snowman")
    response = teacher_client.post(ADD_URL, post)
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors["image"][0]
    assert message in response.content.decode()
    assert not Source.objects.exists()
    assert not any(media_root.rglob("*.*"))


def test_a_teacher_with_a_long_file_name_is_not_refused_for_it(teacher_client, media_root):
    long_name = "Krokodil cartoon " * 10 + ".png"
    source = add_through_the_admin(teacher_client, image_bytes("PNG"), name=long_name)
    assert len(source.image.name) < 40


# Replacing and deleting


def test_replacing_an_image_removes_the_old_file_and_its_address_stops_working(
    teacher_client, student_browser, media_root, django_capture_on_commit_callbacks
):
    source = add_through_the_admin(teacher_client, photo_with_gps())
    old_name, old_url = source.image.name, source.image.url
    assert student_browser.get(old_url).status_code == 200
    post = change_form_post(teacher_client, source, image=upload("new.png", image_bytes("PNG")))
    with django_capture_on_commit_callbacks(execute=True):
        response = teacher_client.post(change_url(source), post)
    assert response.status_code == 302, response.context["adminform"].form.errors
    source.refresh_from_db()
    assert source.image.name != old_name and source.image.name.endswith(".png")
    assert not (media_root / old_name).exists()
    assert stored_files(media_root) == [Path(source.image.name).name]
    assert student_browser.get(old_url).status_code == 404
    assert opened(served(student_browser, source)).format == "PNG"


def test_clearing_an_image_in_the_admin_removes_its_file(
    teacher_client, media_root, django_capture_on_commit_callbacks
):
    source = add_through_the_admin(teacher_client, photo_with_gps())
    post = change_form_post(teacher_client, source, **{"image-clear": "on", "image_alt": ""})
    with django_capture_on_commit_callbacks(execute=True):
        response = teacher_client.post(change_url(source), post)
    assert response.status_code == 302
    source.refresh_from_db()
    assert not source.image
    assert stored_files(media_root) == []


def test_saving_other_fields_neither_rereads_nor_renames_the_image(
    teacher_client, media_root, django_capture_on_commit_callbacks
):
    source = add_through_the_admin(teacher_client, photo_with_gps())
    name = source.image.name
    # Were the stored file read again, this would fail as "not an image".
    (media_root / name).write_bytes(b"already re-encoded")
    post = change_form_post(teacher_client, source, title="Summit photo, 1959")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = teacher_client.post(change_url(source), post)
    assert response.status_code == 302, response.context["adminform"].form.errors
    source.refresh_from_db()
    assert (source.title, source.image.name) == ("Summit photo, 1959", name)
    assert (media_root / name).read_bytes() == b"already re-encoded"
    assert callbacks == []


def test_a_refused_replacement_keeps_the_old_image(teacher_client, media_root):
    source = add_through_the_admin(teacher_client, photo_with_gps())
    post = change_form_post(teacher_client, source, image=upload("cartoon.pdf", image_bytes()))
    response = teacher_client.post(change_url(source), post)
    assert response.status_code == 200
    assert "is a PNG image, but its name ends in" in response.content.decode()
    assert Source.objects.get().image.name == source.image.name
    assert (media_root / source.image.name).exists()


def test_deleting_a_source_in_the_admin_removes_its_image(
    teacher_client, student_browser, media_root, django_capture_on_commit_callbacks
):
    source = add_through_the_admin(teacher_client, photo_with_gps())
    url = source.image.url
    with django_capture_on_commit_callbacks(execute=True):
        response = teacher_client.post(f"{change_url(source)[:-7]}delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Source.objects.exists()
    assert stored_files(media_root) == []
    assert student_browser.get(url).status_code == 404


def test_deleting_sources_with_the_admin_action_removes_their_images(
    teacher_client, media_root, django_capture_on_commit_callbacks
):
    sources = [
        add_through_the_admin(teacher_client, photo_with_gps(), title=f"Photo {number}")
        for number in (1, 2)
    ]
    keep = add_through_the_admin(teacher_client, photo_with_gps(), title="Kept photo")
    with django_capture_on_commit_callbacks(execute=True):
        response = teacher_client.post(
            CHANGELIST,
            {
                "action": "delete_selected",
                "_selected_action": [source.pk for source in sources],
                "post": "yes",
            },
        )
    assert response.status_code == 302
    assert list(Source.objects.all()) == [keep]
    assert stored_files(media_root) == [Path(keep.image.name).name]


def test_a_rolled_back_replacement_keeps_the_old_file(
    media_root, django_capture_on_commit_callbacks
):
    source = make_source(image=upload("old.jpg", photo_with_gps()), image_alt="A summit")
    old_name = source.image.name
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        source = Source.objects.get()
        source.image = upload("new.png", image_bytes("PNG"))
        source.save()
        raise RuntimeError("the rest of the change failed")
    assert callbacks == []
    assert Source.objects.get().image.name == old_name
    assert (media_root / old_name).exists()


def test_a_file_another_source_still_names_is_kept(media_root, django_capture_on_commit_callbacks):
    source = make_source(image=upload("old.jpg", photo_with_gps()), image_alt="A summit")
    twin = make_source(image_alt="A summit")
    Source.objects.filter(pk=twin.pk).update(image=source.image.name)
    with django_capture_on_commit_callbacks(execute=True):
        Source.objects.get(pk=source.pk).delete()
    assert (media_root / source.image.name).exists()
    assert Source.objects.get(pk=twin.pk).image.name == source.image.name


def test_reverting_to_a_version_whose_image_was_replaced_keeps_the_current_image(
    media_root, django_capture_on_commit_callbacks
):
    source = make_source(image=upload("old.jpg", photo_with_gps()), image_alt="A summit")
    first_version = source.history.earliest()
    with django_capture_on_commit_callbacks(execute=True):
        source = Source.objects.get()
        source.image = upload("new.png", image_bytes("PNG"))
        source.save()
    current = source.image.name
    assert not (media_root / first_version.image).exists()
    with django_capture_on_commit_callbacks(execute=True):
        first_version.instance.save()
    assert Source.objects.get().image.name == current
    assert (media_root / current).exists()


def test_an_image_saved_without_the_form_is_still_reencoded(media_root):
    source = Source(title="A photo", nature="photograph", image_alt="A summit")
    source.image = upload("photo.jpg", photo_with_gps())
    source.save()
    data = (media_root / source.image.name).read_bytes()
    assert CAMERA_MAKE.encode() not in data
    assert source.slug not in source.image.name


def test_an_image_that_cannot_be_reencoded_is_never_stored(media_root):
    source = Source(title="Notes", nature="photograph", image_alt="Notes")
    source.image = upload("notes.jpg", b"not a picture")
    with pytest.raises(ValidationError):
        source.full_clean()
    with pytest.raises(ValidationError):
        source.save()
    assert not any(media_root.rglob("*.*"))


# Images stored before uploads were re-encoded (migration 0003)


def store_as_before(media_root: Path, source: Source, name: str, data: bytes) -> None:
    """What an older Coexist left: the file as sent, at an address made from the slug."""
    (media_root / "sources").mkdir(exist_ok=True)
    (media_root / name).write_bytes(data)
    Source.objects.filter(pk=source.pk).update(image=name)
    source.history.update(image=name)


def test_the_upgrade_reencodes_and_renames_images_stored_as_sent(
    media_root, django_capture_on_commit_callbacks
):
    source = make_source(title="Summit photo", slug="summit-photo", image_alt="A summit")
    store_as_before(media_root, source, "sources/summit-photo.jpg", photo_with_gps(orientation=6))
    missing = make_source(title="Lost", slug="lost", image_alt="Lost")
    Source.objects.filter(pk=missing.pk).update(image="sources/lost.png")
    broken = make_source(title="Broken", slug="broken", image_alt="Broken")
    store_as_before(media_root, broken, "sources/broken.png", b"not a picture")

    with django_capture_on_commit_callbacks(execute=True):
        problems = upgrade_stored_images(Source, Source.history.model, using="default")

    source.refresh_from_db()
    assert source.image.name != "sources/summit-photo.jpg"
    assert "summit-photo" not in source.image.name and source.image.name.endswith(".jpg")
    data = (media_root / source.image.name).read_bytes()
    assert CAMERA_MAKE.encode() not in data
    assert opened(data).size == (40, 60)
    assert not (media_root / "sources/summit-photo.jpg").exists()
    assert set(source.history.values_list("image", flat=True)) == {source.image.name}
    assert problems == [
        "sources/broken.png: could not be re-encoded (“broken.png” has a PNG name, but what is "
        "inside is not a JPEG, PNG, GIF or WebP image. Check that you chose the right file and "
        "upload it again.), left as it was",
        "sources/lost.png: missing from storage, left as it was",
    ]
    assert Source.objects.get(pk=missing.pk).image.name == "sources/lost.png"
    assert (media_root / "sources/broken.png").exists()
