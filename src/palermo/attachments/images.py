"""Images from the public: verified by decoding, stripped of every metadata by re-encoding the pixels."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
# What a phone camera saves: 12-24 MP by default, 48-50 MP in the full-resolution modes (8160 x 6120 at
# most). Anything that claims more is refused from its header, before a pixel is decoded.
MAX_PIXELS = 50_000_000
# A JPEG is decoded at 1/2, 1/4 or 1/8 of its size when it would take more memory than this (the decoder
# skips the rest). A 12 MP phone photo is decoded whole; a 50 MP one costs what a 12.5 MP one does, and
# is kept at 4080 x 3060. A 24 MP photo is kept at 2856 x 2142: still enough to read a sign or a plate.
MAX_BYTES_DECODED_JPEG = 40 * 2**20
# PNG and WebP can only be decoded whole (4 bytes a pixel, and the WebP decoder keeps two more copies):
# screenshots and shared pictures, 3-6 MP from a phone, a 4K screen's 3840 x 2160 at most. A real photo
# saved as PNG is over the byte limit long before that.
MAX_PIXELS_DECODED_WHOLE = 3840 * 2160
# With these, one photo never takes more than about 160 MB of a worker's memory while it is checked.
# Large enough to read a sign or a number plate, small enough to keep storage sane.
MAX_SIDE = 4096
# Pillow's own guard, for any image opened anywhere in the process: a warning over the limit (refused
# here as too large), an error over twice the limit.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
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


def pixel_limit(kind: str) -> int:
    """The most pixels an image of this format may have: a JPEG can be decoded scaled down, the others not."""
    return MAX_PIXELS if kind == "JPEG" else MAX_PIXELS_DECODED_WHOLE


def too_many_pixels(limit: int) -> ImageRejected:
    return ImageRejected(
        "too_many_pixels",
        _("This photo is too large: at most %(megapixels)s megapixels. Please send a smaller copy of it.")
        % {"megapixels": limit // 1_000_000},
    )


def sanitise_image(data: bytes, *, max_bytes: int = MAX_BYTES) -> CleanImage:
    """Decode, check and re-encode an image; what comes out holds pixels only.

    The declared type and the file name are never trusted: only what Pillow decodes counts. The size
    is read from the header and checked before a single pixel is decoded.
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
            _check_header(data)
            with Image.open(io.BytesIO(data)) as image:
                _decode_small(image)
                return _reencode(image)
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard stopped it while reading the header: name the limit of what it claims to be.
        raise too_many_pixels(pixel_limit("JPEG" if data.startswith(b"\xff\xd8") else "")) from None
    except UnidentifiedImageError:
        raise ImageRejected("not_an_image", _("This file is not a JPEG, PNG or WebP photo.")) from None
    except (OSError, SyntaxError, ValueError):
        raise ImageRejected(
            "damaged", _("This photo seems damaged or incomplete. Please try another copy of it.")
        ) from None


def _check_header(data: bytes) -> None:
    """Refuse unless the header says it is a format we take, with no more pixels than we decode.

    Its own function, so that what the probe holds (a WebP decoder holds its whole canvas) is
    released before the pixels are decoded."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        # Pillow's WebP reader allocates the whole canvas when it opens the file: check the size first.
        size = _webp_size(data)
        if size is None:
            raise ImageRejected("damaged", _("This photo seems damaged or incomplete. Please try another copy of it."))
        if size[0] * size[1] > MAX_PIXELS_DECODED_WHOLE:
            raise too_many_pixels(MAX_PIXELS_DECODED_WHOLE)
    with Image.open(io.BytesIO(data)) as probe:  # reads the header only
        kind = probe.format or ""
        if kind not in FORMATS:
            raise ImageRejected("not_an_image", _("This file is not a JPEG, PNG or WebP photo."))
        if probe.width * probe.height > pixel_limit(kind):
            raise too_many_pixels(pixel_limit(kind))
        probe.verify()


def _webp_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a WebP header (simple lossy, lossless or extended), or None."""
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        return int.from_bytes(data[26:28], "little") & 0x3FFF, int.from_bytes(data[28:30], "little") & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    return None


def _decode_small(image: ImageFile.ImageFile) -> None:
    """Decode every pixel (a truncated file fails here), never more than a bounded number of them,
    then shrink to MAX_SIDE and turn upright as the photo was taken, in place: the decoded pixels are
    released as soon as the smaller copy exists."""
    if image.format == "JPEG":
        width, height = image.size
        bands = len(image.getbands())
        scale = next(
            s for s in (1, 2, 4, 8) if (width // s) * (height // s) * bands <= MAX_BYTES_DECODED_JPEG or s == 8
        )
        if scale > 1:
            image.draft(None, (width // scale, height // scale))  # the decoder skips what it would throw away
    image.load()
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE))
    ImageOps.exif_transpose(image, in_place=True)  # keep how the photo was taken, drop the tag


def _reencode(image: Image.Image) -> CleanImage:
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    mode = "RGBA" if has_alpha else "RGB"
    # A new image of the pixels alone: no EXIF, XMP, ICC profile or comment to carry over.
    pixels = image.convert(mode)
    pixels.info = {}
    out = io.BytesIO()
    if has_alpha:
        pixels.save(out, format="PNG", optimize=True)
        content_type, extension = "image/png", "png"
    else:
        # No optimize: it would hold another copy of the whole image for a file a few percent smaller.
        pixels.save(out, format="JPEG", quality=85)
        content_type, extension = "image/jpeg", "jpg"
    return CleanImage(out.getvalue(), content_type, extension, pixels.width, pixels.height)
