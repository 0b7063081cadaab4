"""A case worker, in a real browser, records a high risk and sees it stand out, adds a service to the
assistance plan, moves the person along the pathway, meets the return stage's refusal, and finds
the review date on "my work"."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from palermo.organisations.models import Role
from tests.assistance.helpers import open_case
from tests.browser.test_shell_browser import assert_fits_phone_width, paired_member, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def test_case_worker_assesses_risk_plans_assistance_and_moves_the_pathway(page: Page, artifacts: Path) -> None:
    worker, device = paired_member(Role.CASE_WORKER, "Valmora Women's Shelter")
    case = open_case(worker)
    review_on = timezone.localdate() + datetime.timedelta(days=10)
    sign_in(page, worker, device)

    page.goto(f"/cases/{case.pk}/assistance/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Assistance for case {case.reference}")
    expect(page.get_by_test_id("current-stage")).to_have_text("No stage started yet")
    expect(page.get_by_test_id("risk-high")).to_have_count(0)

    # Risk assessment: the worker sets the level.
    risk = page.get_by_role("region", name="Risk assessment")
    risk.get_by_text("Assess the risks").click()
    risk.get_by_label("High", exact=True).check()
    risk.get_by_label("Review by").fill(review_on.isoformat())
    risk.get_by_role("combobox", name="Threats from traffickers").select_option("high")
    risk.get_by_label("Note on: Threats from traffickers").fill("The recruiter knows the town")
    risk.get_by_role("button", name="Record the assessment").click()
    expect(page.get_by_text("The risk assessment is recorded.")).to_be_visible()
    banner = page.get_by_test_id("risk-high")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("High risk")
    expect(banner.locator(f"time[datetime='{review_on.isoformat()}']")).to_be_visible()

    # Assistance plan.
    plan = page.get_by_role("region", name="Assistance plan")
    plan.get_by_text("Add a service to the plan").click()
    plan.get_by_label("Type of assistance").select_option(label="Psychological support")
    plan.get_by_label("Or a provider outside Palermo").fill("Valmora Trauma Centre")
    plan.get_by_label("Start").fill(timezone.localdate().isoformat())
    plan.get_by_role("button", name="Add to the plan").click()
    expect(page.get_by_test_id("plan")).to_contain_text("Psychological support")
    expect(page.get_by_test_id("plan")).to_contain_text("Valmora Trauma Centre")

    # The pathway: hotline done, reaching a safe place in progress.
    for code, status in (("hotline", "Done"), ("safe_place", "In progress")):
        stage = page.locator(f"#stage-{code}")
        stage.locator("summary").click()
        stage.get_by_label("Status").select_option(label=status)
        stage.get_by_role("button", name="Save this stage").click()
        expect(page.locator(".messages")).to_contain_text("Stage saved")
    expect(page.get_by_test_id("current-stage")).to_have_text("Reaching a safe place")
    expect(page.locator("#stage-safe_place")).to_have_attribute("aria-current", "step")
    expect(page.locator("#stage-hotline .stage-status")).to_contain_text("Done")

    # A stage past its planned end is late: said in words and with a mark, not only in colour.
    referral = page.locator("#stage-referral")
    referral.locator("summary").click()
    referral.get_by_label("Status").select_option(label="In progress")
    referral.get_by_label("Started on").fill((timezone.localdate() - datetime.timedelta(days=10)).isoformat())
    referral.get_by_label("Planned end").fill((timezone.localdate() - datetime.timedelta(days=1)).isoformat())
    referral.get_by_label("Information and safe travel to the provider").check()
    referral.get_by_role("button", name="Save this stage").click()
    expect(page.locator("#stage-referral .stage-status")).to_contain_text("Late")
    expect(page.locator("#stage-referral .marker")).to_have_text("!")
    expect(page.get_by_test_id("current-stage")).to_have_text("Referral to a service provider")
    expect(referral.locator(".activities")).to_contain_text("Information and safe travel to the provider")

    # Return cannot start: the page says which two things are missing.
    back = page.locator("#stage-return")
    back.locator("summary").last.click()
    back.get_by_label("Status").select_option(label="In progress")
    back.get_by_role("button", name="Save this stage").click()
    expect(page.locator("#stage-return")).to_contain_text(
        "the person's written, informed consent to return is not recorded; "
        "the receiving provider's confirmation is not recorded"
    )

    page.goto(f"/cases/{case.pk}/assistance/")
    page.locator("#assistance").screenshot(path=str(artifacts / "assistance-timeline-desktop.png"))

    # My work shows the review date.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My work").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    item = page.get_by_role("listitem").filter(has_text=f"Review the risk assessment of case {case.reference}")
    expect(item.locator(f"time[datetime='{review_on.isoformat()}']")).to_be_visible()
    page.screenshot(path=str(artifacts / "my-work-desktop.png"), full_page=True)

    # On a phone, the timeline fits the width.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/cases/{case.pk}/assistance/")
    assert_fits_phone_width(page)
    page.screenshot(path=str(artifacts / "assistance-timeline-phone.png"), full_page=True)
