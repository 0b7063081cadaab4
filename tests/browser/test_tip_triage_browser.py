"""Tips in a real browser: a reporter on a phone attaches a photo (its GPS and camera data never stored);
a recipient links two tips about the same place, assigns one to a colleague and forwards it; a coordinator
routes tips by area."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from PIL import Image
from playwright.sync_api import Page, expect

from palermo.organisations.models import Role
from palermo.reporting.models import Tip, TipForward, TipLink, TipPhoto, TipRoute
from tests.browser.test_reporting_browser import PHONE, RECEIPT, assert_no_cookies, submit
from tests.browser.test_shell_browser import assert_fits_phone_width, paired_member, sign_in
from tests.conftest import tip_reader
from tests.factories import MembershipFactory, OrganisationFactory
from tests.reporting.photos import FORGED_HTML, SECRETS, jpeg_with_gps

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def test_a_reporter_on_a_phone_attaches_a_photo_whose_location_is_never_stored(
    new_page: Callable[..., Page], artifacts: Path
) -> None:
    organisation = OrganisationFactory(name="Valmora Anti-Trafficking Unit")
    TipRoute.objects.create(exploitation=TipRoute.ANY, organisation=organisation)
    TipRoute.objects.create(exploitation="labour", area="Valmora", organisation=organisation)
    reporter = new_page(**PHONE)
    reporter.goto("/report/en/")
    reporter.locator("textarea[name=description]").fill("Workers are locked in at night.")
    reporter.locator("select[name=area]").select_option("Valmora")
    photos = reporter.get_by_label("Photos")
    # First a forged "photo": the reporter is told calmly, and nothing they wrote is lost.
    photos.set_input_files([{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": FORGED_HTML}])
    submit(reporter)
    expect(reporter.locator(".error-summary")).to_contain_text("Your report has not been sent yet")
    expect(reporter.locator(".field-error")).to_have_text(["IMG_0001.jpg: This file is not a JPEG, PNG or WebP photo."])
    expect(reporter.locator("textarea[name=description]")).to_have_value("Workers are locked in at night.")
    expect(reporter.locator("select[name=area]")).to_have_value("Valmora")
    assert_fits_phone_width(reporter)
    reporter.screenshot(path=artifacts / "tip-photo-refused-phone.png", full_page=True)
    assert Tip.objects.count() == 0

    reporter.get_by_label("Photos").set_input_files(
        [{"name": "IMG_0042.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}]
    )
    submit(reporter)
    expect(reporter.get_by_test_id("receipt")).to_have_text(RECEIPT)
    assert_no_cookies(reporter)

    tip = Tip.objects.get()
    assert tip.area == "Valmora"
    photo = TipPhoto.objects.get(tip=tip)
    stored = Image.open(io.BytesIO(photo.content))
    assert dict(stored.getexif()) == {}
    assert not {"exif", "icc_profile", "xmp", "comment"} & set(stored.info)
    for secret in SECRETS:
        assert secret not in photo.content


def test_a_recipient_links_assigns_and_forwards_a_tip(new_page: Callable[..., Page], artifacts: Path) -> None:
    membership, device = paired_member(Role.CASE_WORKER, "Valmora Anti-Trafficking Unit")
    colleague = MembershipFactory(
        role=Role.CASE_WORKER, organisation=membership.organisation, user__full_name="Ana Colleague"
    )
    police = OrganisationFactory(name="Valmora Police")
    MembershipFactory(role=Role.CASE_WORKER, organisation=police)
    TipRoute.objects.create(exploitation=TipRoute.ANY, organisation=membership.organisation)
    Client().post("/report/en/", {"description": "A van comes at 5am", "location": "Rue du Port 4"})
    Client().post("/report/en/", {"description": "Windows covered", "location": "rue du port, 4"})
    first, second = Tip.objects.order_by("pk")

    staff = new_page()
    sign_in(staff, membership, device)
    staff.goto(f"/tips/{first.pk}/")
    expect(staff.locator("dl.facts")).to_contain_text("A van comes at 5am")
    staff.get_by_role("button", name=f"Link tip {second.pk}", exact=True).click()
    expect(staff.get_by_role("status")).to_have_text("The tips are linked.")
    expect(staff.locator("ul.links li")).to_have_count(1)
    expect(staff.locator("ul.links")).to_contain_text(f"Tip {second.pk}")

    staff.get_by_label("Assigned to").select_option(label="Ana Colleague")
    staff.get_by_role("button", name="Assign", exact=True).click()
    expect(staff.get_by_role("status")).to_have_text("Saved.")
    expect(staff.get_by_label("Assigned to")).to_have_value(str(colleague.user_id))
    staff.screenshot(path=artifacts / "tip-triage-desktop.png", full_page=True)

    staff.get_by_label("Forward to", exact=True).select_option(label="Valmora Police")
    staff.get_by_label("Note for them").fill("Night-time transport; please check the van.")
    staff.get_by_role("button", name="Forward", exact=True).click()
    expect(staff).to_have_url(re.compile(r"/tips/forwarded/$"))
    expect(staff.get_by_role("status")).to_have_text("The tip went to Valmora Police. It is no longer in your inbox.")
    expect(staff.locator("table tbody tr")).to_have_count(1)
    expect(staff.locator("table tbody tr")).to_contain_text("Valmora Police")

    first.refresh_from_db()
    assert (first.organisation, first.status, first.assigned_to) == (police, "new", None)
    assert TipForward.objects.get().note == "Night-time transport; please check the van."
    assert TipLink.objects.count() == 0
    response = staff.goto(f"/tips/{first.pk}/")
    assert response is not None
    assert response.status == 404


def test_the_deployment_coordinator_routes_tips_by_area(new_page: Callable[..., Page], artifacts: Path) -> None:
    membership, device = paired_member(Role.DEPLOYMENT_COORDINATOR, "National Coordination")
    # A route reaches someone who may triage tips: both organisations have a case worker.
    tip_reader(membership.organisation)
    tip_reader(OrganisationFactory(name="Valmora Labour Inspectorate"))
    OrganisationFactory(name="Valmora Sports Club")  # nobody there triages tips
    page = new_page()
    sign_in(page, membership, device)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tip routes", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("tips that match no route reach nobody")
    page.get_by_label("Organisation that receives the tips", exact=True).select_option(label="Valmora Sports Club")
    page.get_by_role("button", name="Save the route", exact=True).click()
    expect(page.get_by_text("Nobody in Valmora Sports Club may triage tips")).to_be_visible()
    assert not TipRoute.objects.exists()
    page.get_by_label("Organisation that receives the tips", exact=True).select_option(label="National Coordination")
    page.get_by_role("button", name="Save the route", exact=True).click()
    page.get_by_label("Organisation that receives the tips", exact=True).select_option(
        label="Valmora Labour Inspectorate"
    )
    page.get_by_label("Suspected form of exploitation", exact=True).select_option("labour")
    page.get_by_label("Area").fill("Valmora")
    page.get_by_role("button", name="Save the route", exact=True).click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("Valmora Labour Inspectorate")
    page.screenshot(path=artifacts / "tip-routes-desktop.png", full_page=True)
    assert TipRoute.objects.get(exploitation="labour").area == "Valmora"
