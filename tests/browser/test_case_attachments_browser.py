"""Case files in a real browser, on a phone: a forged PDF is refused by name with the title kept, a photo
is added, listed, downloaded as a file (never shown in the page) and comes back without its GPS position."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image
from playwright.sync_api import expect

from palermo.cases.services import case_open
from palermo.organisations.models import Role
from palermo.people.services import person_create
from tests.browser.test_shell_browser import assert_fits_phone_width, paired_member, sign_in
from tests.conftest import acting_of
from tests.reporting.photos import FORGED_HTML, jpeg_with_gps

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def test_a_case_worker_adds_a_photo_and_a_forged_pdf_is_refused(new_page: Callable[..., Page], artifacts: Path) -> None:
    worker, device = paired_member(Role.CASE_WORKER, "Harbour Shelter")
    person = person_create(acting=acting_of(worker), given_names="Ilvara", family_name="Dunmore")
    case = case_open(acting=acting_of(worker), person=person)
    page = new_page(**PHONE)
    sign_in(page, worker, device)
    page.goto(f"/cases/{case.pk}/")
    files = page.get_by_test_id("attachments")
    expect(files.get_by_role("heading", name="Files")).to_be_visible()

    files.get_by_label("File", exact=True).set_input_files(
        {"name": "contract.pdf", "mimeType": "application/pdf", "buffer": FORGED_HTML}
    )
    files.get_by_label("Title").fill("Work contract")
    files.get_by_role("button", name="Add the file").click()
    expect(page.get_by_text("contract.pdf: This file is not a PDF document.")).to_be_visible()
    expect(page.get_by_test_id("attachments").get_by_label("Title")).to_have_value("Work contract")
    page.get_by_test_id("attachments").get_by_text("contract.pdf:").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "case-attachment-refused-phone.png", full_page=False)

    files = page.get_by_test_id("attachments")
    files.get_by_label("File", exact=True).set_input_files(
        {"name": "IMG_0042.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}
    )
    files.get_by_label("Title").fill("Photo of the passport page")
    files.get_by_role("button", name="Add the file").click()
    expect(page.get_by_text("The file is added.")).to_be_visible()
    item = page.get_by_test_id("attachment")
    expect(item).to_contain_text("Photo of the passport page")
    expect(item).to_contain_text("Image (48\u00d764)")
    assert_fits_phone_width(page)
    item.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "case-attachments-phone.png", full_page=False)

    with page.expect_download() as download_info:
        item.get_by_role("link", name="Photo of the passport page").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".jpg")
    saved = Path(download.path()).read_bytes()
    assert b"SecretPhoneMaker" not in saved
    assert dict(Image.open(io.BytesIO(saved)).getexif()) == {}

    # Removing takes two steps, so a slip of the thumb does not delete a file.
    item.get_by_text("Remove", exact=True).click()
    item.get_by_role("button", name="Remove “Photo of the passport page” for good").click()
    expect(page.get_by_text("The file is removed.")).to_be_visible()
    expect(page.get_by_test_id("attachment")).to_have_count(0)
