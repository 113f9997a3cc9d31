"""Uploaded source images are never stored as sent: each is decoded and drawn afresh.

A teacher's photo can carry where it was taken (EXIF GPS), the camera, the owner's name
and editing history (XMP), and a file named `.jpg` can hold anything. So every upload is
decoded by Pillow, which only tries the four formats we accept (never, say, EPS, whose
decoder runs Ghostscript), checked against its name, turned upright from its EXIF
orientation, converted to sRGB from its colour profile, and re-encoded with none of that
metadata, not even the profile: browsers assume sRGB, so the colours still look right.

Line art (PNG, GIF) and anything with transparency become PNG, photos (JPEG, WebP)
JPEG, and the file gets a random name, so neither a source's slug nor an old upload's
address can be guessed. Pillow reads only the header before the pixel limit is checked,
so a "decompression bomb" (a tiny file that expands to gigapixels) is refused before it
can take the server's memory.

`ReencodedImageField` puts this on every path that stores a file: its form field
re-encodes when the form is cleaned (so the teacher sees what was wrong beside the
field), its validator when a model is cleaned, and its `pre_save` whatever was not
cleaned yet, so no path can store the bytes that were sent.
"""

from __future__ import annotations

import io
import secrets
import struct
import warnings
from functools import partial
from pathlib import PurePosixPath

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageCms, ImageOps

from coexist.media import SERVED_TYPES

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
JPEG_QUALITY = 85

# Pillow's format name → what a teacher calls it and the file name endings it goes by.
ACCEPTED_FORMATS = {
    "JPEG": ("JPEG", ("jpg", "jpeg", "jfif")),
    "PNG": ("PNG", ("png",)),
    "GIF": ("GIF", ("gif",)),
    "WEBP": ("WebP", ("webp",)),
}
ACCEPTED_LIST = gettext_lazy("JPEG, PNG, GIF or WebP")
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/gif,image/webp"


def _help_text() -> str:
    return _(
        "%(formats)s, at most %(megabytes)d MB and %(megapixels)d megapixels. Coexist keeps "
        "a fresh copy without the camera's details or the place it was taken."
    ) % {
        "formats": ACCEPTED_LIST,
        "megabytes": MAX_BYTES // 1024 // 1024,
        "megapixels": MAX_PIXELS // 1_000_000,
    }


# The image field's help text, in the language of the page that shows it.
HELP_TEXT = lazy(_help_text, str)()
# What a corrupt file can make a decoder raise; none of them may become a server error.
DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, IndexError, struct.error)
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
PNG_MODES = {"1", "L", "LA", "P", "RGB", "RGBA", "I;16"}


class CleanImage(SimpleUploadedFile):
    """An upload already decoded and re-encoded here: its bytes are ours to store."""

    def __init__(self, content: bytes, extension: str, size: tuple[int, int]) -> None:
        super().__init__(f"image.{extension}", content, SERVED_TYPES[extension])
        self.width, self.height = size


def reencode(file: File, *, name: str | None = None, match_name: bool = True) -> CleanImage:
    """The image in `file`, upright, in sRGB and without metadata, as PNG or JPEG.

    `name` (the upload's own by default) must end as its contents are: a PNG named
    `.pdf` or text named `.jpg` is refused, saying so. The upgrade of files stored before
    this check judges the contents alone (`match_name=False`).
    """
    if isinstance(file, CleanImage):
        return file
    if name is None:
        name = PurePosixPath(file.name or "").name
    size = getattr(file, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(
            _(
                "This image is %(size)s MB; the limit is %(limit)d MB. Save it smaller (for "
                "example as a JPEG at 80%% quality) and upload it again."
            ),
            code="image_too_large",
            params={
                "size": number_format(round(size / 1024 / 1024, 1), decimal_pos=1),
                "limit": MAX_BYTES // 1024 // 1024,
            },
        )
    file.seek(0)
    data = io.BytesIO(file.read())
    with warnings.catch_warnings():
        # Our own pixel limit below is stricter and gives the teacher a clearer message.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            opened = Image.open(data, formats=list(ACCEPTED_FORMATS))
        except Image.DecompressionBombError:
            raise ValidationError(
                _(
                    "This image has far more than %(limit)d megapixels. Resize it and upload "
                    "it again."
                ),
                code="image_too_many_pixels",
                params={"limit": MAX_PIXELS // 1_000_000},
            ) from None
        except DECODE_ERRORS:
            raise _not_an_image(name) from None
    with opened as image:
        # A phone's JPEG with a second, hidden picture (a depth map, a preview) is an MPO
        # to Pillow; students see its first picture, as every browser shows.
        is_mpo = image.format == "MPO"
        if match_name:
            _check_name(name, "JPEG" if is_mpo else image.format)
        _check_pixels(image.size)
        if getattr(image, "is_animated", False) and not is_mpo:
            raise ValidationError(
                _(
                    "“%(name)s” is animated; only still images can be shown. Save the frame "
                    "students need as a PNG and upload that."
                ),
                code="image_animated",
                params={"name": name or _("This image")},
            )
        try:
            image.load()
            return _encode(image)
        except DECODE_ERRORS:
            raise ValidationError(
                _(
                    "“%(name)s” stops part-way or is damaged, so it cannot be shown. Open it on "
                    "your computer, save it again and upload the new copy."
                ),
                code="image_damaged",
                params={"name": name or _("This image")},
            ) from None


def validate_source_image(file: File) -> None:
    """The model's validator: an upload that is not yet stored must re-encode cleanly.

    A file already in storage was re-encoded when it was stored, so editing a source's
    other fields does not read its image again.
    """
    if isinstance(file, FieldFile):
        if file._committed:
            return
        reencode(file.file, name=PurePosixPath(file.name or "").name)
    else:
        reencode(file)


def random_name(folder: str, filename: str) -> str:
    """`folder/<128 random bits>.<extension of filename>`: an address nobody can guess."""
    extension = PurePosixPath(filename).suffix.lower().lstrip(".")
    return f"{folder}/{secrets.token_urlsafe(16)}.{extension}"


class ReencodedImageFormField(forms.FileField):
    """Re-encodes while the form is cleaned, so a refusal shows beside the field."""

    def to_python(self, data):
        upload = super().to_python(data)
        return None if upload is None else reencode(upload)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = ACCEPT_ATTRIBUTE
        return attrs


class ReencodedImageField(models.ImageField):
    """An ImageField that only ever stores what `reencode` made of the upload."""

    default_validators = [validate_source_image]

    def formfield(self, **kwargs):
        # The upload's own name is thrown away, so its length does not matter.
        defaults = {"form_class": ReencodedImageFormField, "max_length": None}
        return super().formfield(**{**defaults, **kwargs})

    def pre_save(self, model_instance: models.Model, add: bool):
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            clean = reencode(file.file, name=PurePosixPath(file.name or "").name)
            file.save(clean.name, clean, save=False)
        return file


def upgrade_stored_images(
    source_model: type[models.Model], history_model: type[models.Model], *, using: str
) -> list[str]:
    """Re-encode every image stored before uploads were, under a new random name.

    Run by migration 0003 with its historical models, so upgrading a school re-encodes
    its images. The rows that named an old file, history included (so a revert still
    finds the image), name the new one, and the old file is deleted once the migration
    is committed. A missing or unreadable file is left as it was and reported, never
    fatal: a storage not mounted during an upgrade must not cost anyone their images.
    Returns a line for each file left as it was.
    """
    field = source_model._meta.get_field("image")
    names = (
        source_model.objects.using(using)
        .exclude(image="")
        .order_by("image")
        .values_list("image", flat=True)
        .distinct()
    )
    problems = []
    for name in list(names):
        try:
            with field.storage.open(name) as stored:
                clean = reencode(File(stored, name=name), match_name=False)
        except FileNotFoundError:
            problems.append(f"{name}: missing from storage, left as it was")
            continue
        except (ValidationError, *DECODE_ERRORS) as error:
            reason = "; ".join(getattr(error, "messages", [str(error)]))
            problems.append(f"{name}: could not be re-encoded ({reason}), left as it was")
            continue
        new_name = field.storage.save(field.generate_filename(None, clean.name), clean)
        for model in (source_model, history_model):
            model.objects.using(using).filter(image=name).update(image=new_name)
        transaction.on_commit(partial(field.storage.delete, name), using=using, robust=True)
    return problems


def _check_name(name: str, image_format: str | None) -> None:
    label, endings = ACCEPTED_FORMATS[image_format or ""]
    extension = PurePosixPath(name).suffix.lower().lstrip(".")
    if extension not in endings:
        if extension:
            message = _(
                "“%(name)s” is a %(label)s image, but its name ends in “.%(extension)s”. "
                "Rename it to end in .%(right)s and upload it again."
            )
        else:
            message = _(
                "“%(name)s” is a %(label)s image, but its name has no ending. Rename it to "
                "end in .%(right)s and upload it again."
            )
        raise ValidationError(
            message,
            code="image_name_mismatch",
            params={"name": name, "label": label, "extension": extension, "right": endings[0]},
        )


def _check_pixels(size: tuple[int, int]) -> None:
    width, height = size
    if width * height > MAX_PIXELS:
        raise ValidationError(
            _(
                "This image is %(width)d × %(height)d pixels; the limit is %(limit)d "
                "megapixels. Resize it and upload it again."
            ),
            code="image_too_many_pixels",
            params={"width": width, "height": height, "limit": MAX_PIXELS // 1_000_000},
        )


def _not_an_image(name: str) -> ValidationError:
    extension = PurePosixPath(name).suffix.lower().lstrip(".")
    named_as = next(
        (label for label, endings in ACCEPTED_FORMATS.values() if extension in endings), None
    )
    if named_as:
        return ValidationError(
            _(
                "“%(name)s” has a %(label)s name, but what is inside is not a %(accepted)s "
                "image. Check that you chose the right file and upload it again."
            ),
            code="image_unreadable",
            params={"name": name, "label": named_as, "accepted": ACCEPTED_LIST},
        )
    return ValidationError(
        _(
            "“%(name)s” is not a %(accepted)s image. Save it in one of those formats and "
            "upload it again."
        ),
        code="image_format",
        params={"name": name or _("This file"), "accepted": ACCEPTED_LIST},
    )


def _encode(image: Image.Image) -> CleanImage:
    as_png = image.format in {"PNG", "GIF"} or image.has_transparency_data
    try:
        upright = ImageOps.exif_transpose(image)
    except DECODE_ERRORS:
        # Orientation in EXIF too broken to read: the pixels as stored are still an image.
        upright = image.copy()
    if upright.mode in {"L", "RGB"} and "transparency" in upright.info:
        # One colour marked transparent: an alpha channel keeps it so through the
        # colour conversion.
        upright = upright.convert("RGBA")
    transparency = upright.info.get("transparency") if upright.mode == "P" else None
    clean = _in_srgb(upright, image.info.get("icc_profile"))
    if as_png and clean.mode not in PNG_MODES:
        clean = clean.convert("RGBA" if clean.has_transparency_data else "RGB")
    if not as_png and clean.mode not in {"L", "RGB"}:
        clean = clean.convert("RGB")
    # Pillow writes some of `info` (a JPEG comment, a PNG's profile) unless told otherwise.
    clean.info = {}
    buffer = io.BytesIO()
    if as_png:
        options = {} if transparency is None else {"transparency": transparency}
        clean.save(buffer, format="PNG", **options)
    else:
        clean.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return CleanImage(buffer.getvalue(), "png" if as_png else "jpg", clean.size)


def _in_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """The pixels converted to sRGB, so the profile can be dropped without a colour shift.

    A profile that cannot be read is dropped as it is: browsers then show the pixels as
    sRGB, as they do for the many images that have no profile at all.
    """
    if not icc_profile or image.mode not in {"RGB", "RGBA", "CMYK"}:
        return image
    try:
        embedded = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(image, embedded, SRGB, outputMode=mode)
    except (ImageCms.PyCMSError, *DECODE_ERRORS):
        return image
