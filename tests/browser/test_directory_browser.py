"""The actor directory in a real browser: a coordinator adds an organisation; a first responder finds
who is open around the clock for shelter."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from palermo.organisations.models import Role
from tests.browser.test_shell_browser import sign_in
from tests.factories import MembershipFactory, OrganisationFactory

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def test_coordinator_adds_an_entry_and_a_responder_filters_for_it(
    new_page: Callable[..., Page], artifacts: Path
) -> None:
    organisation = OrganisationFactory(name="Valmora Social Services", country="ZZ")
    coordinator = MembershipFactory(role=Role.COORDINATOR, organisation=organisation)
    page = new_page()
    sign_in(page, coordinator, None)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Directory").click()
    page.get_by_role("link", name="Add an organisation").click()
    page.get_by_label("Name", exact=True).fill("Lantern Night Shelter")
    page.get_by_label("Type of actor").select_option(label="NGO or mass organisation")
    page.get_by_label("Level", exact=True).select_option(label="Local")
    page.get_by_label("Country", exact=True).fill("ZZ")
    page.get_by_label("Municipality").fill("Valmora")
    page.get_by_label("Destination", exact=True).check()
    page.get_by_label("Temporary shelter or safe accommodation").check()
    page.get_by_label("Languages").fill("en, ro")
    page.get_by_label("Open 24/7").check()
    page.get_by_label("Safe contact").fill("Ring 0800 000 001; the address is given by phone.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The directory entry is saved.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lantern Night Shelter")
    page.screenshot(path=artifacts / "directory-entry.png", full_page=True)

    responder = MembershipFactory(role=Role.FIRST_RESPONDER, organisation=OrganisationFactory(name="Beta Police"))
    device = TOTPDevice.objects.create(user=responder.user, name="Authenticator app", confirmed=True)
    other = new_page()
    sign_in(other, responder, device)
    other.goto("/directory/")
    search = other.get_by_role("search", name="Search the directory")
    search.get_by_label("Service").select_option(label="Temporary shelter or safe accommodation")
    search.get_by_label("Open 24/7").check()
    search.get_by_role("button", name="Search").click()
    table = other.get_by_test_id("directory")
    expect(table).to_contain_text("Lantern Night Shelter")
    expect(table).to_contain_text("24/7")
    other.screenshot(path=artifacts / "directory-search.png", full_page=True)
    other.get_by_role("link", name="Lantern Night Shelter").click()
    expect(other.get_by_text("Ring 0800 000 001")).to_be_visible()
    expect(other.get_by_role("link", name="Change this entry")).to_have_count(0)
