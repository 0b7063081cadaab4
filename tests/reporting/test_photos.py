"""Photos with a tip: stripped, encrypted at rest, downloaded only by the recipients, every download audited;
a forged or oversized file is refused calmly and loses nothing else that was written."""

from __future__ import annotations

import base64
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from PIL import Image
from rest_framework.test import APIClient

from palermo.attachments.images import ImageRejected, sanitise_image
from palermo.audit.models import AuditEntry
from palermo.organisations.models import Role
from palermo.reporting.models import Tip, TipPhoto, TipRoute
from tests.conftest import api_client, nothing_changes, signed_in_client
from tests.reporting.photos import FORGED_HTML, SECRETS, blank, jpeg_with_gps, noisy, png_bomb


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def worker(org_a, member):
    TipRoute.objects.create(exploitation=TipRoute.ANY, organisation=org_a)
    return member(Role.CASE_WORKER, org_a)


def _photo(data: bytes, name: str = "IMG_0042.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.mark.django_db
def test_a_photo_sent_with_the_form_is_stored_without_metadata_and_encrypted(worker):
    sent = Client().post("/report/en/", {"description": "Men sleep in the van", "photos": [_photo(jpeg_with_gps())]})
    assert sent.status_code == 200
    assert "receipt" in sent.context
    photo = TipPhoto.objects.get()
    stored = Image.open(io.BytesIO(photo.content))
    assert dict(stored.getexif()) == {}
    for secret in SECRETS:
        assert secret not in photo.content
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM reporting_tipphoto")
        (raw,) = cursor.fetchone()
    assert raw.startswith("pe1:")
    assert base64.b64encode(photo.content[:30]).decode()[:20] not in raw


@pytest.mark.django_db
def test_recipients_download_the_photo_as_an_attachment_and_the_download_is_audited(worker, org_b, member):
    Client().post("/report/en/", {"description": "Van", "photos": [_photo(jpeg_with_gps())]})
    photo = TipPhoto.objects.get()
    url = f"/tips/{photo.tip_id}/photos/{photo.pk}/"
    page = signed_in_client(worker).get(f"/tips/{photo.tip_id}/").content.decode()
    assert url in page
    assert "<img" not in page
    download = signed_in_client(worker).get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "image/jpeg"
    assert download["Content-Disposition"] == f'attachment; filename="tip-{photo.tip_id}-photo-{photo.pk}.jpg"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download.content == photo.content
    assert AuditEntry.objects.filter(action="tip.photo_download", object_id=str(photo.pk)).count() == 1

    outsider, analyst = (
        signed_in_client(member(Role.CASE_WORKER, org_b)),
        signed_in_client(member(Role.ANALYST, worker.organisation)),
    )
    own = signed_in_client(worker)
    with nothing_changes():  # no download audited
        assert Client().get(url).status_code == 302  # to the sign-in page
        assert outsider.get(url).status_code == 404
        assert analyst.get(url).status_code == 403
        assert own.get(f"/tips/{photo.tip_id + 1}/photos/{photo.pk}/").status_code == 404
    api = api_client(worker)
    assert api.get(f"/api/v1/tips/{photo.tip_id}/photos/{photo.pk}").content == photo.content
    assert (
        api_client(member(Role.CASE_WORKER, org_b)).get(f"/api/v1/tips/{photo.tip_id}/photos/{photo.pk}").status_code
        == 404
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        (_photo(FORGED_HTML, "holiday.jpg"), "is not a JPEG, PNG or WebP photo"),
        (_photo(noisy("JPEG")[:2000], "cut.jpg"), "seems damaged or incomplete"),
        (_photo(png_bomb(), "bomb.png", "image/png"), "This photo is too large: at most 8 megapixels."),
        (_photo(b"\xff\xd8" + b"x" * (5 * 2**20 + 10), "huge.jpg"), "larger than 5 MB"),
    ],
    ids=["html-renamed-jpg", "truncated-jpeg", "decompression-bomb", "over-5-mb"],
)
def test_a_forged_photo_gets_a_calm_message_and_the_text_is_kept(worker, upload, expected):
    written = "Des ouvriers dorment dans l'entrepôt, rue du Port 4"
    with nothing_changes():
        refused = Client().post(
            "/report/en/", {"description": written, "location": "Rue du Port 4", "photos": [upload]}
        )
    page = refused.content.decode()
    assert refused.status_code == 400
    assert expected in page
    assert upload.name in page
    assert "Your report has not been sent yet" in page
    assert "Des ouvriers dorment dans l&#x27;entrepôt" in page
    assert 'value="Rue du Port 4"' in page
    assert Tip.objects.count() == 0
    assert TipPhoto.objects.count() == 0


@pytest.mark.django_db
def test_no_more_than_three_photos(worker):
    photos = [_photo(noisy("PNG"), f"p{n}.png", "image/png") for n in range(4)]
    with nothing_changes():
        refused = Client().post("/report/en/", {"description": "Four photos", "photos": photos})
    assert refused.status_code == 400
    assert "up to 3 photos" in refused.content.decode()
    three = [_photo(noisy("PNG"), f"p{n}.png", "image/png") for n in range(3)]
    assert Client().post("/report/en/", {"description": "Three", "photos": three}).status_code == 200
    assert TipPhoto.objects.count() == 3


@pytest.mark.django_db
def test_the_public_api_takes_photos_as_files_or_base64_and_refuses_forgeries_cleanly(worker):
    api = APIClient()
    multipart = api.post(
        "/api/v1/public/tips",
        {"description": "Seen at the car wash", "language": "en", "photos": [_photo(jpeg_with_gps())]},
        format="multipart",
    )
    assert multipart.status_code == 201
    as_json = api.post(
        "/api/v1/public/tips",
        {"description": "Again", "language": "en", "photos": [base64.b64encode(jpeg_with_gps()).decode()]},
        format="json",
    )
    assert as_json.status_code == 201
    assert TipPhoto.objects.count() == 2
    assert all(dict(Image.open(io.BytesIO(p.content)).getexif()) == {} for p in TipPhoto.objects.all())

    with nothing_changes():
        forged = api.post(
            "/api/v1/public/tips",
            {"description": "Forged", "language": "en", "photos": [_photo(FORGED_HTML, "x.jpg")]},
            format="multipart",
        )
    assert forged.status_code == 400
    error = forged.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"]["photos"] == ["x.jpg: This file is not a JPEG, PNG or WebP photo."]
    with nothing_changes():
        not_base64 = api.post(
            "/api/v1/public/tips", {"description": "x", "language": "en", "photos": ["%%%"]}, format="json"
        )
    assert not_base64.status_code == 400
    assert "photos" in not_base64.json()["error"]["fields"]
    assert Tip.objects.count() == 2


@pytest.mark.django_db
def test_public_api_errors_speak_the_tips_language(worker):
    api = APIClient()
    empty = api.post("/api/v1/public/tips", {"description": "", "language": "uk"}, format="json").json()["error"]
    assert empty["fields"]["description"] == ["Будь ласка, розкажіть нам, що Ви бачили."]
    assert set(empty) == {"code", "message", "fields"}
    receipt = api.post("/api/v1/public/tips", {"description": "Ніч", "language": "uk"}, format="json").json()["receipt"]
    # The follow-up does not say its language: the tip's is used.
    with nothing_changes():
        follow_up = api.post("/api/v1/public/tips/follow-up", {"receipt": receipt, "message": ""}, format="json")
    assert follow_up.status_code == 400
    assert follow_up.json()["error"]["fields"]["message"] == ["Будь ласка, розкажіть нам, що Ви бачили."]
    french = api.post("/api/v1/public/tips", {"description": "", "language": "fr"}, format="json").json()["error"]
    assert french["fields"]["description"] == ["Merci de nous dire ce que vous avez vu."]


@pytest.mark.parametrize(
    ("format", "mode", "size", "stored"),
    [
        ("JPEG", "RGB", (4032, 3024), (4032, 3024)),  # a 12 MP phone photo: decoded and kept whole
        ("JPEG", "RGB", (8160, 6120), (4080, 3060)),  # 50 MP: decoded at half size
        ("JPEG", "RGB", (5712, 4284), (2856, 2142)),  # 24 MP: decoded at half size too, within 40 MB
        ("PNG", "RGBA", (3840, 2160), (3840, 2160)),  # a 4K screenshot, the largest PNG
        ("WEBP", "RGB", (7054, 1175), (4096, 682)),  # a panorama, shrunk to 4096 on its long side
    ],
    ids=["jpeg-12-mp", "jpeg-50-mp", "jpeg-24-mp", "png-4k", "webp-panorama"],
)
def test_photos_up_to_the_limits_are_accepted_and_kept_at_most_4096_wide(format, mode, size, stored):
    clean = sanitise_image(blank(format, mode, size))
    assert (clean.width, clean.height) == stored
    assert Image.open(io.BytesIO(clean.content)).size == stored


@pytest.mark.parametrize(
    ("format", "size", "says"),
    [
        ("JPEG", (8200, 6150), "This photo is too large: at most 50 megapixels. Please send a smaller copy of it."),
        ("JPEG", (12000, 10000), "This photo is too large: at most 50 megapixels. Please send a smaller copy of it."),
        ("PNG", (3841, 2160), "This photo is too large: at most 8 megapixels. Please send a smaller copy of it."),
        ("WEBP", (7000, 7000), "This photo is too large: at most 8 megapixels. Please send a smaller copy of it."),
        ("WEBP", (3841, 2160), "This photo is too large: at most 8 megapixels. Please send a smaller copy of it."),
    ],
    ids=["jpeg-just-over", "jpeg-over-pillow-guard", "png-just-over", "webp-7000", "webp-just-over"],
)
def test_photos_over_the_pixel_limit_are_refused_from_their_header(format, size, says):
    with pytest.raises(ImageRejected) as refused:
        sanitise_image(blank(format, "L" if format != "WEBP" else "RGB", size))
    assert refused.value.code == "too_many_pixels"
    assert refused.value.message == says


@pytest.mark.parametrize(
    ("mode", "lossless"), [("RGB", False), ("RGB", True), ("RGBA", False)], ids=["vp8", "vp8l", "vp8x"]
)
def test_a_webp_over_the_limit_is_refused_from_its_header_in_every_kind(mode, lossless):
    out = io.BytesIO()
    Image.new(mode, (3841, 2160)).save(out, "WEBP", lossless=lossless)
    with pytest.raises(ImageRejected) as refused:
        sanitise_image(out.getvalue())
    assert refused.value.code == "too_many_pixels"
