"""Checks for uploaded source images: the format, the file size and the pixel count.

Pillow reads only the header to learn the size, so a "decompression bomb" (a tiny file
that expands to gigapixels) is refused before it can exhaust the server's memory.
"""

from __future__ import annotations

import warnings

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000


def validate_source_image(file) -> None:
    size = getattr(file, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(
            "This image is %(size).1f MB; the limit is 5 MB. Save it smaller (for example as "
            "a JPEG at 80%% quality) and upload it again.",
            code="image_too_large",
            params={"size": size / 1024 / 1024},
        )
    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        with warnings.catch_warnings():
            # Our own pixel limit below is stricter and gives the teacher a clearer message.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                image_format, (width, height) = image.format, image.size
    except Image.DecompressionBombError:
        raise ValidationError(
            "This image has far more than 40 megapixels. Resize it and upload it again.",
            code="image_too_many_pixels",
        ) from None
    except (UnidentifiedImageError, OSError):
        raise ValidationError(
            "This file is not an image that can be read. Upload a JPEG, PNG or WebP file.",
            code="image_unreadable",
        ) from None
    finally:
        if position is not None:
            file.seek(position)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            "%(format)s images are not accepted. Upload a JPEG, PNG or WebP file.",
            code="image_format",
            params={"format": image_format or "This kind of"},
        )
    if width * height > MAX_PIXELS:
        raise ValidationError(
            "This image is %(width)d × %(height)d pixels; the limit is 40 megapixels. "
            "Resize it and upload it again.",
            code="image_too_many_pixels",
            params={"width": width, "height": height},
        )
