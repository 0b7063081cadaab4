"""Images for the tests, built with Pillow: a phone photo that gives away where and with what it was taken."""

from __future__ import annotations

import io
import random

from PIL import ExifTags, Image, ImageCms

SECRETS = (b"SecretPhoneMaker", b"secret-xmp", b"secret comment")


def jpeg_with_gps(size: tuple[int, int] = (64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretPhoneMaker"
    exif[ExifTags.Base.Orientation] = 6  # taken sideways: the stored photo must still stand upright
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (45.0, 30.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (25.0, 10.0, 5.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(
        out, "JPEG", exif=exif, comment=b"secret comment", icc_profile=icc, xmp=b"<x:xmpmeta>secret-xmp</x:xmpmeta>"
    )
    return out.getvalue()


def noisy(format: str, size: tuple[int, int] = (200, 200), mode: str = "RGB") -> bytes:
    rng = random.Random(5)
    image = Image.frombytes(mode, size, bytes(rng.randrange(256) for _ in range(size[0] * size[1] * len(mode))))
    out = io.BytesIO()
    image.save(out, format)
    return out.getvalue()


def png_bomb() -> bytes:
    """A small file that claims 256 million pixels."""
    out = io.BytesIO()
    Image.new("1", (16000, 16000)).save(out, "PNG")
    return out.getvalue()


def blank(format: str, mode: str, size: tuple[int, int]) -> bytes:
    """A frame of zero pixels: a few kilobytes that claim any number of pixels."""
    out = io.BytesIO()
    Image.new(mode, size).save(out, format, **({"lossless": True} if format == "WEBP" else {}))
    return out.getvalue()


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, "GIF")
    return out.getvalue()


FORGED_HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
