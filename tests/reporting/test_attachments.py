"""The reusable attachment pieces: an image sanitiser that trusts only decoding, and bytes encrypted at rest."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from PIL import Image

from palermo.attachments.downloads import attachment_response
from palermo.attachments.images import MAX_BYTES, ImageRejected, sanitise_image
from palermo.config import new_encryption_key
from palermo.encryption.keyring import keyring
from palermo.reporting.models import Tip, TipPhoto
from tests.reporting.photos import FORGED_HTML, SECRETS, gif, jpeg_with_gps, noisy, png_bomb


def test_a_phone_photo_loses_every_metadata_but_keeps_its_pixels_upright():
    clean = sanitise_image(jpeg_with_gps())
    assert (clean.content_type, clean.extension) == ("image/jpeg", "jpg")
    for secret in SECRETS:
        assert secret not in clean.content
    stored = Image.open(io.BytesIO(clean.content))
    assert stored.format == "JPEG"
    assert dict(stored.getexif()) == {}
    assert not {"exif", "icc_profile", "xmp", "comment"} & set(stored.info)
    # Orientation 6 means "rotate to stand up": the pixels are turned, the tag is gone.
    assert (clean.width, clean.height) == (48, 64) == stored.size
    assert stored.getpixel((10, 10))[0] > 150


def test_png_with_transparency_stays_png_and_webp_becomes_jpeg():
    png = sanitise_image(noisy("PNG", mode="RGBA"))
    assert (png.content_type, Image.open(io.BytesIO(png.content)).mode) == ("image/png", "RGBA")
    webp = sanitise_image(noisy("WEBP"))
    assert webp.content_type == "image/jpeg"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (FORGED_HTML, "not_an_image"),
        (b"GIF89a" + FORGED_HTML, "not_an_image"),
        (gif(), "not_an_image"),
        (noisy("JPEG")[:2000], "damaged"),
        (png_bomb(), "too_many_pixels"),
        (b"", "empty"),
        (b"\xff\xd8" + b"\0" * (MAX_BYTES + 1), "too_large"),
    ],
    ids=["html", "html-with-gif-magic", "gif", "truncated-jpeg", "decompression-bomb", "empty", "too-large"],
)
def test_forged_damaged_and_oversized_files_are_refused_with_a_reason(data, code):
    with pytest.raises(ImageRejected) as refused:
        sanitise_image(data)
    assert refused.value.code == code
    assert refused.value.message


def test_a_download_is_never_rendered_or_sniffed():
    response = attachment_response(b"\xff\xd8", content_type="image/jpeg", filename="tip-1-photo-2.jpg")
    assert response["Content-Disposition"] == 'attachment; filename="tip-1-photo-2.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_stored_photos_are_re_encrypted_when_keys_rotate(settings):
    tip = Tip.objects.create(
        language="en", content={"description": "x"}, receipt_digest="d" * 64, received_at="2026-01-01T00:00Z"
    )
    original = sanitise_image(jpeg_with_gps()).content
    photo = TipPhoto.objects.create(
        tip=tip, content=original, content_type="image/jpeg", size=len(original), width=48, height=64
    )
    old = keyring().primary_id

    def raw() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT content FROM reporting_tipphoto WHERE id = %s", [photo.pk])
            return cursor.fetchone()[0]

    assert raw().startswith(f"pe1:{old}:")
    settings.PALERMO_ENCRYPTION_KEYS = new_encryption_key("k9") + "," + settings.PALERMO_ENCRYPTION_KEYS
    call_command("rotate_keys")
    assert raw().startswith("pe1:k9:")
    settings.PALERMO_ENCRYPTION_KEYS = settings.PALERMO_ENCRYPTION_KEYS.split(",")[0]
    assert TipPhoto.objects.get().content == original
