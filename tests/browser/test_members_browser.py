"""The members page in a real browser: an admin invites, the new member answers the link."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from palermo.organisations.models import Membership, Role
from tests.browser.test_shell_browser import paired_member, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def test_an_admin_invites_and_the_new_member_accepts_by_choosing_a_password(new_page: Callable[..., Page]) -> None:
    admin, device = paired_member(Role.ORG_ADMIN, "Alpha Shelter")
    page = new_page()
    sign_in(page, admin, device)
    page.goto("/organisations/members/")
    page.get_by_label("Email address", exact=True).fill("Nia@Example.test")
    page.get_by_label("Role", exact=True).select_option("analyst")
    page.get_by_role("button", name="Invite", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("An invitation for nia@example.test as Analyst is ready.")
    link = page.get_by_test_id("invitation-link").inner_text()
    expect(page.get_by_role("table").nth(1)).to_contain_text("nia@example.test")
    assert not Membership.objects.filter(user__email="nia@example.test").exists()

    invitee = new_page()
    invitee.goto(link)
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Invitation")
    invitee.get_by_label("Full name (optional)", exact=True).fill("Nia")
    invitee.get_by_label("Password", exact=True).fill("my own long passphrase")
    invitee.get_by_label("Password again", exact=True).fill("my own long passphrase")
    invitee.get_by_role("button", name="Create my account", exact=True).click()
    expect(invitee).to_have_url(re.compile(r"/login/\?next="))
    invitee.get_by_label("Email address", exact=True).fill("nia@example.test")
    invitee.get_by_label("Password", exact=True).fill("my own long passphrase")
    invitee.get_by_role("button", name="Continue", exact=True).click()
    expect(invitee).to_have_url(re.compile(r"/$"))
    expect(invitee.get_by_test_id("acting")).to_have_text("Alpha Shelter · Analyst")
