"""The web shell as a person sees it in a real browser: signing in with a second factor,
the dashboard of each role, the language switch, signing out, keyboard use and a phone screen."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from palermo.accounts.services import recovery_codes_generate
from palermo.organisations.models import Membership, Role
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

# django-otp throttles a device for 1 s after one wrong code (OTP_*_THROTTLE_FACTOR = 1).
THROTTLE_WAIT_MS = 1_200


# --- Helpers -----------------------------------------------------------------------------------------


def code_for(key: bytes, step: int = 30, t0: int = 0, digits: int = 6, drift: int = 0) -> str:
    """What an authenticator app shows right now for this secret."""
    return f"{TOTP(key, step, t0, digits, drift).token():0{digits}d}"


def device_code(device: TOTPDevice) -> str:
    return code_for(device.bin_key, device.step, device.t0, device.digits, device.drift)


def wrong_code(device: TOTPDevice) -> str:
    """Six digits that the device accepts in no window it tolerates (now, one step before or after)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    accepted = set()
    for drift in (-1, 0, 1):
        totp.drift = device.drift + drift
        accepted.add(f"{totp.token():06d}")
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in accepted)


def paired_member(role: str, organisation_name: str | None = None) -> tuple[Membership, TOTPDevice]:
    organisation = OrganisationFactory(**({"name": organisation_name} if organisation_name else {}))
    membership = MembershipFactory(role=role, organisation=organisation)
    device = TOTPDevice.objects.create(user=membership.user, name="Authenticator app", confirmed=True)
    return membership, device


def password_step(page: Page, email: str) -> None:
    page.goto("/login/")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue", exact=True).click()


def enter_code(page: Page, code: str) -> None:
    expect(page).to_have_url(re.compile(r"/login/code/$"))
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_role("button", name="Sign in", exact=True).click()


def sign_in(page: Page, membership: Membership, device: TOTPDevice | None) -> None:
    """Both steps through the real forms; ends on the dashboard."""
    password_step(page, membership.user.email)
    if device is not None:
        enter_code(page, device_code(device))
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_test_id("acting")).to_have_text(
        f"{membership.organisation.name} · {membership.get_role_display()}"
    )


def main_nav_links(page: Page) -> list[str]:
    return [text.strip() for text in page.get_by_role("navigation", name="Main").get_by_role("link").all_inner_texts()]


def assert_fits_phone_width(page: Page, width: int = 390) -> None:
    """No sideways scrolling. A mobile browser widens its viewport to fit content that overflows,
    so both widths are compared with the phone's, not only with each other."""
    size = page.evaluate("() => ({scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth})")
    assert size["innerWidth"] == width, size
    assert size["scrollWidth"] <= size["innerWidth"], size


# --- Tests -------------------------------------------------------------------------------------------


def test_first_sign_in_pairs_an_authenticator_and_shows_recovery_codes(page: Page, artifacts: Path) -> None:
    membership = MembershipFactory(role=Role.CASE_WORKER, organisation=OrganisationFactory(name="Alpha Shelter"))

    page.goto("/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Palermo")
    page.screenshot(path=artifacts / "login.png", full_page=True)
    page.get_by_label("Email address", exact=True).fill(membership.user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue", exact=True).click()

    # A case worker sees personal records: the password alone does not let them in.
    expect(page).to_have_url(re.compile(r"/login/set-up/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Protect your account with a second step")
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    expect(qr).to_be_visible()
    # The image really draws (a broken image would only show its alt text).
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code image does not render"
    secret = page.get_by_test_id("totp-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+", secret), secret
    page.screenshot(path=artifacts / "totp-setup.png", full_page=True)

    # Type what an authenticator app given this key by hand would show.
    compact = secret.replace(" ", "")
    key = base64.b32decode(compact + "=" * (-len(compact) % 8))
    page.get_by_label("Code from the app", exact=True).fill(code_for(key))
    page.get_by_role("button", name="Confirm and sign in", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    codes = page.get_by_test_id("recovery-codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    texts = [text.strip() for text in codes.all_inner_texts()]
    assert all(re.fullmatch(r"[0-9a-f]{6}-[0-9a-f]{6}", text) for text in texts), texts
    assert len(set(texts)) == 10

    page.get_by_role("link", name="I have saved them — continue").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_test_id("acting")).to_have_text("Alpha Shelter · Case worker")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your organisation's people")
    page.screenshot(path=artifacts / "dashboard-desktop.png", full_page=True)


def test_code_step_rejects_a_wrong_code_and_accepts_the_right_one(page: Page) -> None:
    membership, device = paired_member(Role.CASE_WORKER)

    password_step(page, membership.user.email)
    enter_code(page, wrong_code(device))
    expect(page.get_by_text("That code is not right, or it was already used.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login/code/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    expect(page.get_by_test_id("acting")).to_have_count(0)
    # Still not signed in: the dashboard sends back to the password step.
    # (Checked without leaving the code step: a second tab shares the cookies.)
    other = page.context.new_page()
    other.goto("/")
    expect(other).to_have_url(re.compile(r"/login/\?next=/$"))
    other.close()

    page.wait_for_timeout(THROTTLE_WAIT_MS)
    enter_code(page, device_code(device))
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_test_id("acting")).to_have_text(f"{membership.organisation.name} · Case worker")


def test_a_recovery_code_signs_in_exactly_once(page: Page) -> None:
    membership, _device = paired_member(Role.CASE_WORKER)
    first, second = recovery_codes_generate(user=membership.user)[:2]

    password_step(page, membership.user.email)
    enter_code(page, first)
    expect(page.get_by_test_id("acting")).to_have_text(f"{membership.organisation.name} · Case worker")

    page.context.clear_cookies()
    password_step(page, membership.user.email)
    enter_code(page, first)
    expect(page.get_by_text("That code is not right, or it was already used.")).to_be_visible()
    expect(page.get_by_test_id("acting")).to_have_count(0)

    # The rejection is about that one code: an unused one still works.
    page.wait_for_timeout(THROTTLE_WAIT_MS)
    enter_code(page, second)
    expect(page.get_by_test_id("acting")).to_have_text(f"{membership.organisation.name} · Case worker")


ROLE_DASHBOARDS = [
    # role, needs the code step, home heading, links in the main navigation
    (Role.FIRST_RESPONDER, True, "Your field work", ["Home", "My work", "People", "Screenings", "Cases", "Directory"]),
    (
        Role.CASE_WORKER,
        True,
        "Your organisation's people",
        ["Home", "My work", "People", "Screenings", "Cases", "Referrals", "Tips", "Directory"],
    ),
    (
        Role.DECISION_MAKER,
        True,
        "Identification decisions",
        ["Home", "My work", "People", "Screenings", "Cases", "Directory"],
    ),
    (Role.COORDINATOR, False, "Coordination", ["Home", "Referrals", "Tip routes", "Directory", "Who does what"]),
    (Role.ANALYST, False, "Statistics", ["Home", "Directory", "Who does what"]),
    (Role.ORG_ADMIN, True, "Your organisation", ["Home", "Directory", "Members", "Audit trail"]),
]


@pytest.mark.parametrize(
    ("role", "second_factor", "heading", "links"), ROLE_DASHBOARDS, ids=[str(row[0]) for row in ROLE_DASHBOARDS]
)
def test_each_role_gets_its_own_dashboard_and_only_the_pages_it_may_open(
    page: Page, role: str, second_factor: bool, heading: str, links: list[str]
) -> None:
    if second_factor:
        membership, device = paired_member(role)
    else:
        # Roles that never see a person sign in with a password alone.
        membership, device = MembershipFactory(role=role), None
    sign_in(page, membership, device)

    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator(".lead")).to_have_text(
        f"You are acting for {membership.organisation.name} as {membership.get_role_display()}."
    )
    assert main_nav_links(page) == links
    expect(page.get_by_role("link", name="Home", exact=True)).to_have_attribute("aria-current", "page")

    # A link that is not shown leads to a page the role may not open, and the other way round.
    pages = {
        "My work": reverse("worklist:my_work"),
        "People": reverse("people:list"),
        "Screenings": reverse("identification:list"),
        "Cases": reverse("cases:list"),
        "Referrals": reverse("referrals:list"),
        "Directory": reverse("directory:list"),
        "Members": reverse("organisations:members"),
        "Audit trail": reverse("audit:list"),
    }
    for name, path in pages.items():
        response = page.goto(path)
        assert response is not None
        if name in links:
            assert response.status == 200, (name, response.status)
        else:
            assert response.status == 403, (name, response.status)
            expect(page.get_by_role("heading", level=1)).to_have_text("Your role cannot open this page")


def test_switching_to_french_translates_the_pages_and_survives_sign_in(page: Page) -> None:
    membership, device = paired_member(Role.CASE_WORKER)

    page.goto("/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Language", exact=True).select_option(label="Français")
    page.get_by_role("button", name="Change language", exact=True).click()

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#language-select")).to_have_value("fr")
    # A message Django itself translates: the error for an empty required field.
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".field-error").first).to_have_text("Ce champ est obligatoire.")

    # Labels may be translated by now, so fill the fields by their names.
    page.locator("input[name=email]").fill(membership.user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/login/code/$"))
    page.locator("input[name=code]").fill(device_code(device))
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_test_id("acting")).to_contain_text(membership.organisation.name)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#language-select")).to_have_value("fr")
    # The project's own catalogue (src/palermo/locale/fr): "Home" in the main navigation.
    expect(page.locator("nav.mainnav a").first).to_have_text("Accueil")


def test_sign_out_from_the_acting_menu_ends_the_session(page: Page) -> None:
    membership, device = paired_member(Role.CASE_WORKER)
    sign_in(page, membership, device)

    sign_out = page.get_by_role("button", name="Sign out", exact=True)
    expect(sign_out).to_be_hidden()  # inside the closed acting menu
    page.get_by_test_id("acting").click()
    expect(sign_out).to_be_visible()
    sign_out.click()

    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_role("status")).to_contain_text("You are signed out.")
    expect(page.get_by_test_id("acting")).to_have_count(0)

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Palermo")


def test_keyboard_reaches_the_skip_link_first_and_every_control_has_a_label(page: Page) -> None:
    page.goto("/login/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None
    assert box["x"] >= 0, box  # moved on screen once focused
    assert box["y"] >= 0, box
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    controls = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea')]
              .filter(el => el.type !== 'hidden')
              .map(el => ({id: el.id, labels: [...(el.labels || [])].map(l => l.innerText.trim())}))"""
    )
    assert {c["id"] for c in controls} == {"language-select", "id_email", "id_password"}, controls
    for control in controls:
        assert len(control["labels"]) == 1, control
        assert control["labels"][0], control
        found = page.get_by_label(control["labels"][0], exact=True)
        expect(found).to_have_count(1)
        expect(found).to_have_id(control["id"])
    # The sign-in fields' labels are on screen, not only for screen readers.
    expect(page.locator("label[for=id_email]")).to_be_visible()
    expect(page.locator("label[for=id_password]")).to_be_visible()
    for name in ("Change language", "Continue"):
        expect(page.get_by_role("button", name=name, exact=True)).to_be_visible()


def test_phone_screen_has_no_horizontal_scroll(new_page: Callable[..., Page], artifacts: Path) -> None:
    membership, device = paired_member(
        Role.ORG_ADMIN, "Association for the Protection and Support of Victims of Exploitation, Northern Region"
    )
    page = new_page(viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True, has_touch=True)

    page.goto("/login/")
    assert_fits_phone_width(page)

    sign_in(page, membership, device)
    assert_fits_phone_width(page)
    page.screenshot(path=artifacts / "dashboard-mobile.png", full_page=True)
