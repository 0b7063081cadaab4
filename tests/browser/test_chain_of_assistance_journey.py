"""One person's whole path, in real browsers, across two organisations.

Alpha Shelter screens a person; Alpha's decision maker finds reasonable grounds; Alpha's case worker
opens a case from the screening, records the person's consent and refers the case to Beta Clinic;
Beta's case worker accepts, seeing only what was consented; Alpha assesses a high risk, plans a
service with Beta as provider, moves the pathway, and finally closes the case with a reason.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from palermo.cases.models import Case
from palermo.identification.selectors import screening_catalogue
from palermo.identification.services import (
    screening_answer,
    screening_attach_person,
    screening_complete,
    screening_start,
    screening_submit_for_decision,
)
from palermo.organisations.models import Role
from palermo.people.services import person_create
from tests.browser.test_shell_browser import paired_member, sign_in
from tests.conftest import acting_of
from tests.factories import MembershipFactory

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def test_one_person_from_screening_to_closure_across_two_organisations(
    new_page: Callable[..., Page], artifacts: Path
) -> None:
    worker_a, device_a = paired_member(Role.CASE_WORKER, "Alpha Shelter")
    decider = MembershipFactory(role=Role.DECISION_MAKER, organisation=worker_a.organisation)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device_d = TOTPDevice.objects.create(user=decider.user, name="Authenticator app", confirmed=True)
    worker_b, device_b = paired_member(Role.CASE_WORKER, "Beta Clinic")
    today = timezone.localdate()

    # The screening, as a first contact would have left it: completed, referred, the person attached.
    acting = acting_of(worker_a)
    person = person_create(
        acting=acting, given_names="Zoravelle", family_name="Quintbury", date_of_birth=datetime.date(1994, 3, 17)
    )
    screening = screening_start(acting=acting, catalogue_id="municipal-general", reference="Night bus, platform 4")
    first = screening_catalogue(screening).dimensions[0]
    screening_answer(
        acting=acting, screening=screening, dimension_id=first.id, answers={first.indicators[0].id: "yes"}, notes={}
    )
    screening_complete(acting=acting, screening=screening, palermo={})
    screening_submit_for_decision(acting=acting, screening=screening)
    screening_attach_person(acting=acting, screening=screening, person=person)

    # Alpha's decision maker: reasonable grounds.
    d = new_page()
    sign_in(d, decider, device_d)
    d.goto(f"/screenings/{screening.pk}/decisions/")
    grounds = d.get_by_role("region", name="Reasonable-grounds decision")
    grounds.get_by_label("Positive: reasonable grounds to believe the person is a victim").check()
    grounds.get_by_label("Date of the decision").fill(today.isoformat())
    grounds.get_by_label("Reasoning", exact=True).fill("Consistent account; the employer keeps her passport.")
    grounds.get_by_role("button", name="Record the decision").click()
    expect(d.get_by_role("region", name="Decisions so far")).to_contain_text("Positive")

    # Alpha's case worker opens the case from the screening; the status follows the decision.
    a = new_page()
    sign_in(a, worker_a, device_a)
    a.goto(f"/screenings/{screening.pk}/")
    a.screenshot(path=str(artifacts / "journey-screening.png"), full_page=True)
    a.get_by_role("button", name="Open a case").click()
    expect(a.get_by_role("heading", level=1)).to_contain_text("Case C-")
    case = Case.objects.get(person=person)
    expect(a.get_by_test_id("trafficking-status")).to_contain_text("Presumed victim")

    # Consent for Beta Clinic, then the referral.
    a.get_by_role("link", name="Record consent").click()
    a.get_by_label("Referral to another organisation").check()
    a.get_by_label(re.compile(r"^Organisation")).select_option(label="Beta Clinic")
    a.get_by_label("Gave consent").check()
    a.get_by_label("Languages", exact=True).check()
    a.get_by_label("Risk level and review date").check()
    a.get_by_label("Psychological support").check()
    a.get_by_label("Language the person was informed in").fill("ro")
    a.get_by_label("In writing").check()
    a.get_by_role("button", name="Save").click()
    expect(a.get_by_text("The consent is recorded.")).to_be_visible()
    a.get_by_role("link", name="Refer the case").click()
    a.get_by_label("Refer to").select_option(label="Beta Clinic")
    a.get_by_label("Psychological support").check()
    a.get_by_label("Note for the organisation").fill("Sessions in Romanian, afternoons only.")
    a.get_by_role("button", name="Save").click()
    expect(a.get_by_test_id("referral-status")).to_have_text("Waiting for an answer")

    # Beta accepts, seeing the note and the consented fields, never the name or the date of birth.
    b = new_page()
    sign_in(b, worker_b, device_b)
    b.get_by_role("link", name="Referrals", exact=True).click()
    b.get_by_role("region", name="Received").get_by_role("link", name=case.reference).click()
    expect(b.get_by_test_id("shared")).to_contain_text("Sessions in Romanian")
    expect(b.locator("main")).not_to_contain_text("Quintbury")
    expect(b.locator("main")).not_to_contain_text("1994")
    b.get_by_role("button", name="Accept the referral").click()
    expect(b.get_by_test_id("referral-status")).to_have_text("Accepted")

    # Back at Alpha: the case page shows the referral accepted; assistance is updated on its own page.
    a.goto(f"/cases/{case.pk}/")
    expect(a.get_by_test_id("referral")).to_contain_text("Accepted")
    a.get_by_role("link", name="Update the pathway, plan and risk").click()
    review_on = today + datetime.timedelta(days=7)
    risk = a.get_by_role("region", name="Risk assessment")
    risk.get_by_text("Assess the risks").click()
    risk.get_by_label("High", exact=True).check()
    risk.get_by_label("Review by").fill(review_on.isoformat())
    risk.get_by_role("combobox", name="Threats from traffickers").select_option("high")
    risk.get_by_role("button", name="Record the assessment").click()
    expect(a.get_by_test_id("risk-high")).to_contain_text("High risk")

    # The assistance plan: Beta Clinic provides psychological support.
    plan = a.get_by_role("region", name="Assistance plan")
    plan.get_by_text("Add a service to the plan").click()
    plan.get_by_label("Type of assistance").select_option(label="Psychological support")
    plan.get_by_label(re.compile(r"^Provider")).select_option(label="Beta Clinic")
    plan.get_by_label("Start").fill(today.isoformat())
    plan.get_by_role("button", name="Add to the plan").click()
    expect(a.get_by_test_id("plan")).to_contain_text("Beta Clinic")

    # The pathway: crisis intervention under way, shown as where the person is.
    stage = a.locator("#stage-crisis_intervention")
    stage.locator("summary").first.click()
    stage.get_by_label("Status").select_option(label="In progress")
    stage.get_by_role("button", name="Save this stage").click()
    expect(a.get_by_test_id("current-stage")).to_have_text("Crisis intervention")

    # The case page shows all of it, read-only: where the person is, the high risk, the plan.
    a.goto(f"/cases/{case.pk}/")
    expect(a.get_by_test_id("current-stage")).to_have_text("Crisis intervention")
    expect(a.get_by_test_id("risk-high")).to_contain_text("High risk")
    expect(a.get_by_test_id("plan")).to_contain_text("Beta Clinic")
    a.screenshot(path=str(artifacts / "journey-case-open.png"), full_page=True)

    # Closure with a reason and a follow-up date; the history keeps every step.
    a.get_by_role("link", name="Close the case").click()
    a.get_by_label("Reason for closing").select_option(label="Assistance completed")
    a.get_by_label("Follow-up date").fill((today + datetime.timedelta(days=90)).isoformat())
    a.get_by_role("button", name="Save").click()
    expect(a.get_by_role("link", name="Reopen the case")).to_be_visible()
    history = a.get_by_test_id("history")
    for step in ("Case opened", "Consent recorded", "Referral sent", "Referral accepted", "Case closed"):
        expect(history).to_contain_text(step)
    a.screenshot(path=str(artifacts / "journey-case-closed.png"), full_page=True)

    # Beta, after all this, still sees only what the consent covers: the risk level, not the notes or name.
    b.reload()
    expect(b.get_by_test_id("shared")).to_contain_text("High")
    expect(b.locator("main")).not_to_contain_text("Zoravelle")
