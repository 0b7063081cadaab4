"""In real browsers: a case worker at organisation A opens a case from a person's page, records the person's
consent to referral, and refers the case to organisation B; B's case worker finds it in the referral inbox,
sees only the consented information, and accepts; A then sees "Accepted"."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from palermo.organisations.models import Role
from palermo.people.services import person_create
from palermo.permissions import ActingUser, Channel
from tests.browser.test_shell_browser import assert_fits_phone_width, sign_in
from tests.factories import MembershipFactory, OrganisationFactory

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def test_case_worker_refers_with_consent_and_the_recipient_accepts(
    new_page: Callable[..., Page], artifacts: Path
) -> None:
    alpha = OrganisationFactory(name="Alpha Shelter")
    beta = OrganisationFactory(name="Beta Clinic")
    worker_a = MembershipFactory(role=Role.CASE_WORKER, organisation=alpha)
    worker_b = MembershipFactory(role=Role.CASE_WORKER, organisation=beta)
    device_a = TOTPDevice.objects.create(user=worker_a.user, name="Authenticator app", confirmed=True)
    device_b = TOTPDevice.objects.create(user=worker_b.user, name="Authenticator app", confirmed=True)
    person = person_create(
        acting=ActingUser(user=worker_a.user, membership=worker_a, channel=Channel.WEB),
        given_names="Zoravelle",
        family_name="Quintbury",
        date_of_birth=datetime.date(1994, 3, 17),
    )

    a = new_page()
    sign_in(a, worker_a, device_a)
    a.goto(f"/people/{person.pk}/")
    a.get_by_role("button", name="Open a case").click()
    expect(a.get_by_role("heading", level=1)).to_contain_text("Case C-")
    case_reference = a.get_by_role("heading", level=1).inner_text().removeprefix("Case ").strip()

    a.get_by_role("link", name="Change the exploitation details").click()
    a.get_by_label("Forced labour").check()
    a.get_by_label("Withholds documents").check()
    a.get_by_label("Country of exploitation").fill("AT")
    a.get_by_label("Place of exploitation").fill("Brindlemoor")
    a.screenshot(path=str(artifacts / "exploitation-form.png"), full_page=True)
    a.get_by_role("button", name="Save").click()
    expect(a.get_by_text("The changes are saved.")).to_be_visible()

    a.get_by_role("link", name="Record consent").click()
    a.get_by_label("Referral to another organisation").check()
    a.get_by_label(re.compile(r"^Organisation")).select_option(label="Beta Clinic")
    a.get_by_label("Gave consent").check()
    a.get_by_label("Languages", exact=True).check()
    a.get_by_label("Exploitation", exact=True).check()
    a.get_by_label("Temporary shelter or safe accommodation").check()
    a.get_by_label("Language the person was informed in").fill("ro")
    a.get_by_label("Orally").check()
    a.get_by_label("Through an interpreter").check()
    a.screenshot(path=str(artifacts / "consent-form.png"), full_page=True)
    a.get_by_role("button", name="Save").click()
    expect(a.get_by_text("The consent is recorded.")).to_be_visible()
    expect(a.get_by_test_id("consent")).to_contain_text("Beta Clinic")

    a.get_by_role("link", name="Refer the case").click()
    a.get_by_label("Refer to").select_option(label="Beta Clinic")
    a.get_by_label("Temporary shelter or safe accommodation").check()
    a.get_by_label("Note for the organisation").fill("Arrives Tuesday by train; needs a bed.")
    a.get_by_role("button", name="Save").click()
    expect(a.get_by_text("The referral is sent.")).to_be_visible()
    expect(a.get_by_test_id("referral-status")).to_have_text("Waiting for an answer")

    b = new_page()
    sign_in(b, worker_b, device_b)
    b.get_by_role("link", name="Referrals", exact=True).click()
    b.get_by_role("region", name="Received").get_by_role("link", name=case_reference).click()
    shared = b.get_by_test_id("shared")
    expect(shared).to_contain_text("Arrives Tuesday by train")
    expect(shared).to_contain_text("Languages")
    expect(shared).to_contain_text("Brindlemoor")
    expect(shared).to_contain_text("Withholds documents")
    expect(b.locator("main")).not_to_contain_text("Quintbury")
    expect(b.locator("main")).not_to_contain_text("1994")
    b.screenshot(path=str(artifacts / "referral-recipient.png"), full_page=True)
    b.get_by_role("button", name="Accept the referral").click()
    expect(b.get_by_text("You accepted the referral.")).to_be_visible()
    expect(b.get_by_test_id("referral-status")).to_have_text("Accepted")

    a.reload()
    expect(a.get_by_test_id("referral-status")).to_have_text("Accepted")
    a.get_by_role("link", name="Back to the case").click()
    expect(a.get_by_test_id("referral")).to_contain_text("Accepted")
    expect(a.get_by_test_id("history")).to_contain_text("Referral accepted")
    a.screenshot(path=str(artifacts / "case-page.png"), full_page=True)

    # Phone-first: the case page fits a phone's width without sideways scrolling.
    a.set_viewport_size({"width": 390, "height": 844})
    a.reload()
    assert_fits_phone_width(a)
    a.screenshot(path=str(artifacts / "case-page-phone.png"), full_page=True)
