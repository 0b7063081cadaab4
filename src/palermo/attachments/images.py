"""Images from the public: verified by decoding, stripped of every metadata by re-encoding the pixels."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
# Bigger than any phone camera; a small file that claims more pixels is a decompression bomb.
MAX_PIXELS = 50_000_000
# Large enough to read a sign or a number plate, small enough to keep storage sane.
MAX_SIDE = 4096
FORMATS = {"JPEG", "PNG", "WEBP"}


class ImageRejected(Exception):
    """An upload that is not a usable image. `code` is stable for machines, `message` is for a human."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    content_type: str
    extension: str
    width: int
    height: int


def too_large_message(max_bytes: int) -> str:
    return _("This photo is larger than %(size)s MB. Please choose a smaller one.") % {"size": max_bytes // 2**20}


def sanitise_image(data: bytes, *, max_bytes: int = MAX_BYTES) -> CleanImage:
    """Decode, check and re-encode an image; what comes out holds pixels only.

    The declared type and the file name are never trusted: only what Pillow decodes counts.
    """
    if len(data) > max_bytes:
        raise ImageRejected("too_large", too_large_message(max_bytes))
    if not data:
        raise ImageRejected("empty", _("This file is empty."))
    # WeasyPrint sets this process-wide when it is imported (the referral summary PDF), after which
    # Pillow pads a truncated file with grey instead of failing; a damaged upload must fail. Set on
    # every call, since WeasyPrint may be imported after the first one.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                if kind not in FORMATS:
                    raise ImageRejected("not_an_image", _("This file is not a JPEG, PNG or WebP photo."))
                if probe.width * probe.height > MAX_PIXELS:
                    raise ImageRejected("too_many_pixels", _("This image is too large in pixels to be a photo."))
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()  # decodes every pixel: a truncated file fails here
                upright = ImageOps.exif_transpose(image)  # keep how the photo was taken, drop the tag
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected("too_many_pixels", _("This image is too large in pixels to be a photo.")) from None
    except UnidentifiedImageError:
        raise ImageRejected("not_an_image", _("This file is not a JPEG, PNG or WebP photo.")) from None
    except (OSError, SyntaxError, ValueError):
        raise ImageRejected(
            "damaged", _("This photo seems damaged or incomplete. Please try another copy of it.")
        ) from None
    return _reencode(upright)


def _reencode(image: Image.Image) -> CleanImage:
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    mode = "RGBA" if has_alpha else "RGB"
    converted = image.convert(mode)
    if max(converted.size) > MAX_SIDE:
        converted.thumbnail((MAX_SIDE, MAX_SIDE))
    # A new image from the raw pixels: no info dictionary, no EXIF, XMP, ICC profile or comment to carry over.
    pixels = Image.frombytes(mode, converted.size, converted.tobytes())
    out = io.BytesIO()
    if has_alpha:
        pixels.save(out, format="PNG", optimize=True)
        content_type, extension = "image/png", "png"
    else:
        pixels.save(out, format="JPEG", quality=85, optimize=True)
        content_type, extension = "image/jpeg", "jpg"
    return CleanImage(out.getvalue(), content_type, extension, pixels.width, pixels.height)
