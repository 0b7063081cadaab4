"""A decision maker, in a real browser, finds a referred screening with its deadline, records the
reasonable-grounds decision and then the conclusive one, and sees the recovery period end."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from palermo.identification.deadlines import reasonable_grounds_due
from palermo.identification.selectors import screening_catalogue
from palermo.identification.services import (
    screening_answer,
    screening_complete,
    screening_start,
    screening_submit_for_decision,
)
from palermo.organisations.models import Role
from palermo.permissions import ActingUser, Channel
from tests.browser.test_shell_browser import sign_in
from tests.factories import MembershipFactory, OrganisationFactory

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def test_decision_maker_records_both_decisions_and_sees_the_deadlines(page: Page, artifacts: Path) -> None:
    organisation = OrganisationFactory(name="Valmora Social Services", country="AT")
    responder = MembershipFactory(role=Role.FIRST_RESPONDER, organisation=organisation)
    acting = ActingUser(user=responder.user, membership=responder, channel=Channel.WEB)
    screening = screening_start(acting=acting, catalogue_id="municipal-labour", reference="Bakery, night shift")
    first = screening_catalogue(screening).dimensions[0]
    screening_answer(
        acting=acting, screening=screening, dimension_id=first.id, answers={first.indicators[0].id: "yes"}, notes={}
    )
    screening_complete(acting=acting, screening=screening, palermo={})
    screening_submit_for_decision(acting=acting, screening=screening)
    due = reasonable_grounds_due(timezone.localdate(), "AT")

    decider = MembershipFactory(role=Role.DECISION_MAKER, organisation=organisation)
    device = TOTPDevice.objects.create(user=decider.user, name="Authenticator app", confirmed=True)
    sign_in(page, decider, device)

    queue = page.get_by_role("region", name="Waiting for your decision")
    expect(queue.get_by_role("link", name="Bakery, night shift")).to_be_visible()
    expect(queue.locator(f"time[datetime='{due.isoformat()}']")).to_be_visible()
    queue.get_by_role("link", name="Bakery, night shift").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Identification")
    expect(page.get_by_test_id("deadlines")).to_contain_text("Reasonable-grounds decision due")
    grounds = page.get_by_role("region", name="Reasonable-grounds decision")
    grounds.get_by_label("Positive: reasonable grounds to believe the person is a victim").check()
    grounds.get_by_label("Date of the decision").fill(timezone.localdate().isoformat())
    grounds.get_by_label("Reasoning", exact=True).fill("Consistent account; employer holds her papers.")
    grounds.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The decision is recorded.")).to_be_visible()

    ends = timezone.localdate() + datetime.timedelta(days=30)
    expect(page.get_by_test_id("deadlines")).to_contain_text("Recovery and reflection period ends")
    expect(page.locator(f"time[datetime='{ends.isoformat()}']").first).to_be_visible()

    conclusive = page.get_by_role("region", name="Conclusive decision on victim status")
    conclusive.get_by_label("Identified victim of trafficking").check()
    conclusive.get_by_label("Date of the decision").fill(timezone.localdate().isoformat())
    conclusive.get_by_label("Reasoning", exact=True).fill("Confirmed by the labour inspectorate's report.")
    conclusive.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_test_id("deadlines")).to_contain_text("Identified victim of trafficking")
    history = page.get_by_role("region", name="Decisions so far")
    expect(history.locator("li")).to_have_count(2)
    page.screenshot(path=str(artifacts / "decisions-desktop.png"), full_page=True)

    # The dashboard no longer lists it as overdue or waiting for reasonable grounds.
    page.goto("/")
    expect(page.get_by_text("Overdue")).to_have_count(0)
