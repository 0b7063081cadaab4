"""Recording and finding a person on a phone: the duplicate warning, then a search typed in Cyrillic."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from palermo.organisations.models import Role
from palermo.people.models import Person
from palermo.people.services import person_create
from tests.browser.test_shell_browser import assert_fits_phone_width, paired_member, sign_in
from tests.conftest import acting_of

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def test_record_meet_a_duplicate_then_find_in_cyrillic(new_page: Callable[..., Page], artifacts: Path) -> None:
    worker, device = paired_member(Role.CASE_WORKER, "Alpha Shelter")
    existing = person_create(acting=acting_of(worker), given_names="Olena", family_name="Petrenko", citizenships=["UA"])
    page = new_page(**PHONE)
    sign_in(page, worker, device)

    page.goto("/people/new/")
    page.get_by_label("Given names").fill("Olena")
    page.get_by_label("Family name").fill("Petrenco")
    page.get_by_label("Languages").select_option(["uk"])
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="This person may already be recorded")).to_be_visible()
    expect(page.get_by_role("link", name="Olena Petrenko")).to_be_visible()
    assert_fits_phone_width(page)
    page.screenshot(path=artifacts / "people-duplicates.png", full_page=True)
    assert Person.objects.count() == 1

    page.get_by_label("I checked: this is a different person").check()
    page.get_by_role("button", name="Record as a new person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Olena Petrenco")
    page.screenshot(path=artifacts / "people-detail.png", full_page=True)

    page.goto("/people/")
    page.get_by_label("Name").fill("Олена Петренко")
    page.get_by_label("Citizenship").select_option("UA")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("link", name="Olena Petrenko")).to_be_visible()
    expect(page.get_by_text(existing.reference)).to_be_visible()
    assert "Петренко" not in page.url
    assert_fits_phone_width(page)
    page.screenshot(path=artifacts / "people-search.png", full_page=True)
