"""Files kept with a case: made safe (images re-encoded, PDFs parsed and rewritten), encrypted at rest,
downloaded only by the case's own organisation, audited, and never shared through a referral."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    StreamObject,
    TextStringObject,
)

from palermo.attachments.documents import DocumentRejected, sanitise_pdf
from palermo.audit.models import AuditEntry
from palermo.cases.models import CaseAttachment, CaseEvent
from palermo.cases.services import case_attachment_add
from palermo.consent.shareable import SHAREABLE_FIELDS
from palermo.organisations.models import Role
from palermo.referrals.models import Referral
from palermo.referrals.services import referral_send
from tests.cases.conftest import World, give_referral_consent
from tests.conftest import acting_of, api_client, nothing_changes, signed_in_client
from tests.reporting.photos import FORGED_HTML, SECRETS, blank, jpeg_with_gps, noisy

TITLE = "Contract signed in Vellmoor"  # the title says something about the person: never in audit or URLs
PDF_SECRETS = (b"SecretAuthorName", b"SecretXmpCreator")


def pdf(
    *,
    metadata: bool = True,
    javascript: bool = False,
    launch: bool = False,
    embedded: bool = False,
    attached: bool = False,
) -> bytes:
    """A one-page PDF, with the information dictionary and XMP a word processor writes, and optionally
    the active content a forged file hides."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    root = writer._root_object
    if metadata:
        writer.add_metadata({"/Author": "SecretAuthorName", "/Title": "SecretTitle"})
        xmp = StreamObject()
        xmp.set_data(b"<x:xmpmeta><dc:creator>SecretXmpCreator</dc:creator></x:xmpmeta>")
        xmp[NameObject("/Type")] = NameObject("/Metadata")
        xmp[NameObject("/Subtype")] = NameObject("/XML")
        root[NameObject("/Metadata")] = writer._add_object(xmp)
    if javascript:
        action = {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
        root[NameObject("/OpenAction")] = DictionaryObject(action)
    if launch:
        # Hidden in a page annotation rather than the catalogue: the check walks everything.
        launch_action = {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")}
        annotation = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject([]),
                NameObject("/A"): DictionaryObject(launch_action),
            }
        )
        writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    if embedded:
        inner = DecodedStreamObject()
        inner.set_data(b"MZ payload")
        inner[NameObject("/Type")] = NameObject("/EmbeddedFile")
        spec = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Filespec"),
                NameObject("/EF"): DictionaryObject({NameObject("/F"): writer._add_object(inner)}),
            }
        )
        names = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("a.exe"), writer._add_object(spec)])}
        )
        root[NameObject("/Names")] = DictionaryObject({NameObject("/EmbeddedFiles"): names})
    if attached:
        # A file attachment annotation on the page: the file travels inside, with no names tree.
        annotation = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/FileAttachment"),
                NameObject("/Rect"): ArrayObject([]),
            }
        )
        writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _upload(client, case_id: int, name: str, data: bytes, **fields: str):  # type: ignore[no-untyped-def]
    return client.post(f"/cases/{case_id}/attachments/", {"file": SimpleUploadedFile(name, data), **fields})


def _stored(world: World, data: bytes, name: str = "scan.pdf") -> CaseAttachment:
    return case_attachment_add(
        acting=acting_of(world.worker_a), case=world.case, upload=SimpleUploadedFile(name, data), title=TITLE
    )


# --- Sanitising --------------------------------------------------------------------------------------


def test_a_pdf_loses_its_author_and_xmp_but_keeps_its_pages():
    original = pdf()
    assert all(secret in original for secret in PDF_SECRETS)
    clean = sanitise_pdf(original)
    for secret in PDF_SECRETS:
        assert secret not in clean.content
    reader = PdfReader(io.BytesIO(clean.content))
    assert reader.metadata is None
    assert reader.xmp_metadata is None
    assert len(reader.pages) == clean.pages == 1


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (pdf(javascript=True), "javascript"),
        (pdf(launch=True), "launch_action"),
        (pdf(embedded=True), "embedded_file"),
        (pdf(attached=True), "embedded_file"),
        (encrypted_pdf(), "encrypted"),
        (FORGED_HTML, "not_a_pdf"),
        (pdf()[:300], "damaged"),
        (b"", "empty"),
        (pdf() + b"\0" * 2000, "too_large"),
    ],
    ids=[
        "javascript",
        "launch",
        "embedded-file",
        "file-annotation",
        "encrypted",
        "html",
        "truncated",
        "empty",
        "too-large",
    ],
)
def test_active_forged_and_damaged_pdfs_are_refused_with_a_reason(data, code):
    with pytest.raises(DocumentRejected) as refused:
        sanitise_pdf(data, max_bytes=len(pdf()) + 1000)
    assert refused.value.code == code
    assert refused.value.message


def test_a_photo_comes_back_without_its_gps_position(world: World):
    client = signed_in_client(world.worker_a)
    response = _upload(client, world.case.pk, "IMG_0042.jpg", jpeg_with_gps(), title=TITLE)
    assert response.status_code == 302
    attachment = CaseAttachment.objects.get()
    assert (attachment.content_type, attachment.width, attachment.height) == ("image/jpeg", 48, 64)

    download = client.get(f"/cases/{world.case.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "image/jpeg"
    assert (
        download["Content-Disposition"] == f'attachment; filename="case-{world.case.pk}-attachment-{attachment.pk}.jpg"'
    )
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download["Cache-Control"]
    for secret in SECRETS:
        assert secret not in download.content
    image = Image.open(io.BytesIO(download.content))
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info


def test_a_pdf_comes_back_without_author_or_xmp(world: World):
    client = signed_in_client(world.worker_a)
    assert _upload(client, world.case.pk, "contract.pdf", pdf(), title=TITLE).status_code == 302
    attachment = CaseAttachment.objects.get()
    download = client.get(f"/cases/{world.case.pk}/attachments/{attachment.pk}/")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    for secret in PDF_SECRETS:
        assert secret not in download.content
    assert PdfReader(io.BytesIO(download.content)).metadata is None


def test_stored_files_are_encrypted_at_rest(world: World):
    for name, data in (("scan.pdf", pdf()), ("photo.jpg", jpeg_with_gps()), ("photo.png", noisy("PNG"))):
        attachment = _stored(world, data, name)
        with connection.cursor() as cursor:
            cursor.execute("SELECT content, title FROM cases_caseattachment WHERE id = %s", [attachment.pk])
            content, title = cursor.fetchone()
        assert content.startswith("pe1:")
        # Neither the magic bytes nor their base64 form: "%PDF-", JPEG's FF D8 FF, PNG's signature.
        for plain in ("%PDF", "JVBERi0", "/9j/", "\x89PNG", "iVBORw0"):
            assert plain not in content
        assert TITLE not in title
        assert CaseAttachment.objects.get(pk=attachment.pk).content[:4] in (b"%PDF", b"\xff\xd8\xff\xe0", b"\x89PNG")


# --- Forged files on the page: a clear message naming the file, nothing lost ---------------------------


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("contract.pdf", FORGED_HTML, "is not a PDF document"),
        ("photo.jpg", noisy("JPEG")[:2000], "seems damaged or incomplete"),
        ("invoice.pdf", pdf(javascript=True), "contains JavaScript"),
        ("page.html", FORGED_HTML, "is not a PDF document or a JPEG, PNG or WebP image"),
        ("scan.png", blank("PNG", "L", (7000, 7000)), "This photo is too large: at most 8 megapixels."),
        ("camera.jpg", blank("JPEG", "L", (10000, 8000)), "This photo is too large: at most 50 megapixels."),
    ],
    ids=["html-renamed-pdf", "truncated-jpeg", "pdf-with-javascript", "html", "png-over-8-mp", "jpeg-over-50-mp"],
)
def test_a_forged_file_is_refused_by_name_and_the_typed_title_is_kept(world: World, name, data, says):
    client = signed_in_client(world.worker_a)
    with nothing_changes(reads_audited=True):  # the case page comes back, and its read is audited
        response = _upload(client, world.case.pk, name, data, title=TITLE, description="Second page missing")
    assert response.status_code == 400
    html = response.content.decode()
    assert f"{name}: " in html
    assert says in html
    assert f'value="{TITLE}"' in html
    assert "Second page missing" in html
    assert 'data-testid="case-status"' in html  # the whole case page, not an error page
    assert not CaseAttachment.objects.exists()


def test_size_and_count_limits(world: World, settings):
    settings.PALERMO_CASE_ATTACHMENT_MAX_MB = 1
    settings.PALERMO_CASE_ATTACHMENT_MAX_COUNT = 1
    client = signed_in_client(world.worker_a)
    with nothing_changes(reads_audited=True):
        big = _upload(client, world.case.pk, "big.pdf", pdf() + b"\0" * (2**20 + 10), title=TITLE)
    assert big.status_code == 400
    assert "big.pdf: This file is larger than 1 MB" in big.content.decode()
    assert _upload(client, world.case.pk, "one.pdf", pdf(), title=TITLE).status_code == 302
    with nothing_changes(reads_audited=True):
        second = _upload(client, world.case.pk, "two.pdf", pdf(), title=TITLE)
    assert second.status_code == 400
    assert "This case holds 1 file already, the most it can hold." in second.content.decode()
    assert CaseAttachment.objects.count() == 1


# --- Authorisation ----------------------------------------------------------------------------------------


def test_only_the_case_organisation_with_the_case_in_scope_sees_files(world: World, member):
    attachment = _stored(world, pdf())
    url = f"/cases/{world.case.pk}/attachments/{attachment.pk}/"
    from django.test import Client

    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert "/login" in anonymous["Location"] or "/accounts/" in anonymous["Location"]
    other, responder = signed_in_client(world.worker_b), signed_in_client(member(Role.FIRST_RESPONDER, world.org_a))
    with nothing_changes():  # not even an audited download
        assert other.get(url).status_code == 404
        assert responder.get(url).status_code == 404  # did not open this case
    assert signed_in_client(world.worker_a).get(url).status_code == 200
    # The page lists the file to the case worker, and not to anyone else.
    assert TITLE in signed_in_client(world.worker_a).get(f"/cases/{world.case.pk}/").content.decode()
    assert signed_in_client(world.worker_b).get(f"/cases/{world.case.pk}/").status_code == 404


def test_only_case_workers_of_the_organisation_add_or_remove_files(world: World, member):
    attachment = _stored(world, pdf())
    responder, other = signed_in_client(member(Role.FIRST_RESPONDER, world.org_a)), signed_in_client(world.worker_b)
    remove = f"/cases/{world.case.pk}/attachments/{attachment.pk}/remove/"
    with nothing_changes():
        assert _upload(responder, world.case.pk, "a.pdf", pdf()).status_code == 403
        assert _upload(other, world.case.pk, "a.pdf", pdf()).status_code == 404
        assert other.post(remove).status_code == 404
        assert responder.post(remove).status_code == 403
    assert CaseAttachment.objects.count() == 1
    assert signed_in_client(world.worker_a).post(remove).status_code == 302
    assert not CaseAttachment.objects.exists()


def test_adding_downloading_and_removing_are_audited_with_ids_only(world: World):
    client = signed_in_client(world.worker_a)
    _upload(client, world.case.pk, "contract.pdf", pdf(), title=TITLE)
    attachment = CaseAttachment.objects.get()
    client.get(f"/cases/{world.case.pk}/attachments/{attachment.pk}/")
    client.post(f"/cases/{world.case.pk}/attachments/{attachment.pk}/remove/")
    entries = AuditEntry.objects.filter(action__startswith="case.attachment.").order_by("sequence")
    assert [e.action for e in entries] == ["case.attachment.add", "case.attachment.download", "case.attachment.remove"]
    assert all(e.object_id == str(attachment.pk) and e.organisation_id == world.org_a.pk for e in entries)
    assert entries[0].detail == {"case": world.case.pk, "content_type": "application/pdf", "size": attachment.size}
    for entry in entries:
        assert TITLE not in str(entry.detail)
        assert "contract" not in str(entry.detail)
    kinds = list(CaseEvent.objects.filter(case=world.case).values_list("kind", flat=True))
    assert kinds[-2:] == ["attachment_added", "attachment_removed"]


# --- API ----------------------------------------------------------------------------------------------


def test_api_adds_lists_downloads_and_deletes(world: World):
    api = api_client(world.worker_a)
    base = f"/api/v1/cases/{world.case.pk}/attachments"
    created = api.post(
        base, {"file": SimpleUploadedFile("id.jpg", jpeg_with_gps()), "title": TITLE}, format="multipart"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["title"], body["content_type"], body["width"], body["height"]) == (TITLE, "image/jpeg", 48, 64)
    assert [a["id"] for a in api.get(base).json()] == [body["id"]]

    download = api.get(body["url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"SecretPhoneMaker" not in download.content

    assert api.delete(body["url"]).status_code == 204
    assert api.get(body["url"]).status_code == 404
    assert api.get(base).json() == []


def test_api_refuses_forged_files_with_a_stable_code(world: World):
    api = api_client(world.worker_a)
    base = f"/api/v1/cases/{world.case.pk}/attachments"
    for name, data, code in (
        ("contract.pdf", FORGED_HTML, "not_a_pdf"),
        ("invoice.pdf", pdf(javascript=True), "javascript"),
        ("photo.jpg", noisy("JPEG")[:2000], "damaged"),
        ("scan.png", blank("PNG", "L", (7000, 7000)), "too_many_pixels"),
    ):
        with nothing_changes(reads_audited=True):  # the case is read (audited) to check the caller's scope
            response = api.post(base, {"file": SimpleUploadedFile(name, data)}, format="multipart")
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == code
        assert error["fields"]["file"][0].startswith(f"{name}: ")
    with nothing_changes(reads_audited=True):
        missing = api.post(base, {"title": TITLE}, format="multipart")
    assert missing.status_code == 400
    assert "file" in missing.json()["error"]["fields"]
    assert not CaseAttachment.objects.exists()


def test_api_authorisation(world: World, member):
    attachment = _stored(world, pdf())
    base = f"/api/v1/cases/{world.case.pk}/attachments"
    url = f"{base}/{attachment.pk}"
    from rest_framework.test import APIClient

    other, responder = api_client(world.worker_b), api_client(member(Role.FIRST_RESPONDER, world.org_a))
    with nothing_changes():
        assert APIClient().get(url).status_code == 401
        assert other.get(url).status_code == 404
        assert other.get(base).status_code == 404
        assert other.delete(url).status_code == 404
        assert responder.get(url).status_code == 404
        upload = responder.post(base, {"file": SimpleUploadedFile("a.pdf", pdf())}, format="multipart")
    # A role that may not add files is refused before the case is looked up: its existence stays unknown.
    assert upload.status_code == 403
    assert CaseAttachment.objects.count() == 1


# --- Referral: attachments never cross ------------------------------------------------------------------


@pytest.fixture
def referred(world: World) -> Referral:
    # Consent to everything that can be shared: attachments are still not among it.
    give_referral_consent(world, list(SHAREABLE_FIELDS), ["shelter"])
    _stored(world, pdf(), "contract.pdf")
    return referral_send(
        acting=acting_of(world.worker_a), case=world.case, to_organisation=world.org_b, services=["shelter"]
    )


def test_the_recipient_of_a_referral_never_sees_attachments(world: World, referred: Referral):
    attachment = CaseAttachment.objects.get()
    browser, api = signed_in_client(world.worker_b), api_client(world.worker_b)
    for page in (f"/referrals/{referred.pk}/", f"/referrals/{referred.pk}/summary/"):
        html = browser.get(page).content.decode()
        assert TITLE not in html
        assert "/attachments/" not in html
    body = api.get(f"/api/v1/referrals/{referred.pk}")
    assert body.status_code == 200
    assert TITLE not in body.content.decode()
    assert "attachment" not in body.content.decode()
    with nothing_changes():
        assert browser.get(f"/cases/{world.case.pk}/attachments/{attachment.pk}/").status_code == 404
        assert api.get(f"/api/v1/cases/{world.case.pk}/attachments/{attachment.pk}").status_code == 404
        assert api.get(f"/api/v1/cases/{world.case.pk}/attachments").status_code == 404
    assert not AuditEntry.objects.filter(action="case.attachment.download").exists()


def test_the_upload_form_is_protected_against_cross_site_posts(world: World):
    # The view sets its in-memory upload handlers before the CSRF check reads the body: the check must still run.
    client = signed_in_client(world.worker_a)
    client.handler.enforce_csrf_checks = True
    with nothing_changes():
        forged = _upload(client, world.case.pk, "a.pdf", pdf(), title=TITLE)
    assert forged.status_code == 403
    page = client.get(f"/cases/{world.case.pk}/")
    token = page.context["csrf_token"]
    sent = client.post(
        f"/cases/{world.case.pk}/attachments/",
        {"file": SimpleUploadedFile("a.pdf", pdf()), "title": TITLE, "csrfmiddlewaretoken": str(token)},
    )
    assert sent.status_code == 302
    assert CaseAttachment.objects.count() == 1


def test_a_truncated_photo_is_refused_even_after_a_pdf_was_rendered(world: World):
    # WeasyPrint (referral summaries) tells Pillow to accept truncated images when it is imported.
    import weasyprint  # noqa: F401

    from palermo.attachments.images import ImageRejected, sanitise_image

    with pytest.raises(ImageRejected) as refused:
        sanitise_image(noisy("JPEG")[:2000])
    assert refused.value.code == "damaged"


def test_a_real_document_with_fonts_and_links_passes_and_keeps_its_text():
    from weasyprint import HTML

    original = HTML(
        string="<title>SecretTitle</title><meta name=author content=SecretAuthorName>"
        "<h1>Employment contract</h1><p>See <a href='https://example.org/'>the law</a>.</p>"
    ).write_pdf()
    assert PdfReader(io.BytesIO(original)).metadata["/Author"] == "SecretAuthorName"
    clean = sanitise_pdf(original)
    assert PdfReader(io.BytesIO(clean.content)).metadata is None
    text = PdfReader(io.BytesIO(clean.content)).pages[0].extract_text()
    assert "Employment contract" in text
