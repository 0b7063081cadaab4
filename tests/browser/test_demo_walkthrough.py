"""The README's "five minutes per role", walked in a real browser on the demo that `make run` builds.

Each step is one the README tells a newcomer to take, and each check is what it says they will see.
If the README or the demo changes, this test says which walk no longer holds. The hand-overs between
organisations are walked from both sides: a referral sent by the shelter must reach Social Services,
and a tip sent by the public must reach the organisation the fallback route names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.test_shell_browser import main_nav_links

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

PASSWORD = "palermo-demo"


@pytest.fixture
def demo(settings) -> None:  # type: ignore[no-untyped-def]
    """The demo as `make run` makes it: PALERMO_ENV=demo, so the seeded users may skip the second factor."""
    settings.DEMO = True
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - closed with the process


def sign_in(page: Page, who: str) -> None:
    page.goto("/login/")
    page.get_by_label("Email address", exact=True).fill(f"{who}@valmora.test")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(page).to_have_url(re.compile(r"/$"))


def act_for(page: Page, organisation: str, role: str) -> None:
    page.get_by_test_id("acting").click()
    page.get_by_label("Act for").select_option(label=f"{organisation} · {role}")
    page.get_by_role("button", name="Switch", exact=True).click()
    expect(page.get_by_test_id("acting")).to_contain_text(organisation)


def test_first_responder_walk(demo: None, new_page: Callable[..., Page], artifacts: Path) -> None:
    page = new_page()
    sign_in(page, "responder")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your field work")
    page.get_by_role("link", name="Start a screening").click()
    page.get_by_label(re.compile("Trafficking of adults for labour exploitation")).check()
    page.get_by_label("Reference (optional)").fill("car wash, Tuesday")
    page.get_by_role("button", name="Begin").click()
    expect(page.get_by_text("Topic 1 of 7")).to_be_visible()
    page.get_by_role("radio", name="Yes").first.check()
    while page.get_by_role("button", name="Next").count():
        page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name=re.compile("See the result|Finish")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Screening result")
    expect(page.get_by_test_id("outcome")).to_be_visible()
    # The inspectorate has no decision maker: the page says a referral would wait for nobody.
    expect(page.get_by_test_id("nobody-decides")).to_contain_text("Nobody in Valmora Labour Inspectorate")
    page.screenshot(path=str(artifacts / "walk-responder-result.png"), full_page=True)
    page.get_by_role("link", name="Directory").click()
    expect(page.get_by_text("Safe Harbour Valmora").first).to_be_visible()


def test_decision_maker_walk(demo: None, new_page: Callable[..., Page]) -> None:
    page = new_page()
    sign_in(page, "decisions")
    waiting = page.get_by_role("region", name="Waiting for your decision")
    expect(waiting).to_contain_text("Greenhouse, east road (fictional)")
    waiting.get_by_role("link", name="Greenhouse, east road (fictional)").click()
    grounds = page.get_by_role("region", name="Reasonable-grounds decision")
    grounds.get_by_role("radio", name=re.compile("^Positive")).check()
    grounds.get_by_label("Reasoning").fill("Interview on arrival, documents held by the employer.")
    grounds.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text(re.compile("recovery and reflection period", re.IGNORECASE)).first).to_be_visible()


def test_case_worker_walk_across_two_organisations(demo: None, new_page: Callable[..., Page], artifacts: Path) -> None:
    page = new_page()
    sign_in(page, "caseworker")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases").click()
    page.get_by_role("link", name="C-2026-00001").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Case C-2026-00001")
    expect(page.locator("main").get_by_text("Maria Elena Fictiva").first).to_be_visible()
    expect(page.locator("main").get_by_text("Valmora Social Services").first).to_be_visible()  # the referral

    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    for query in ("Fictiva", "Фиктива"):
        page.get_by_role("search").get_by_role("textbox").first.fill(query)
        page.get_by_role("button", name="Find").click()
        expect(page.get_by_role("link", name="Maria Elena Fictiva")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tips").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tips from the public")

    # The other side of the hand-over: the same person acting for Social Services receives the referral.
    act_for(page, "Valmora Social Services", "Case worker")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Referrals").click()
    received = page.get_by_role("region", name="Received")
    expect(received).to_contain_text("C-2026-00001")
    received.get_by_role("link").first.click()
    page.screenshot(path=str(artifacts / "walk-caseworker-received-referral.png"), full_page=True)
    page.get_by_role("button", name="Accept the referral").click()
    expect(page.get_by_text(re.compile("accepted", re.IGNORECASE)).first).to_be_visible()


def test_coordinator_analyst_and_admin_walks(demo: None, new_page: Callable[..., Page]) -> None:
    page = new_page()
    sign_in(page, "coordinator")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Who does what").click()
    page.get_by_role("link", name=re.compile("Valmora coordination workshop")).click()
    page.get_by_role("link", name="Gaps").first.click()
    expect(page.get_by_test_id("empty-cells")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name=re.compile(r"\d+ empty cells?"))).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tip routes").click()
    expect(page.locator("main").get_by_text("Safe Harbour Valmora").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("are set by the deployment coordinator")

    national = new_page()
    sign_in(national, "national")
    national.get_by_role("navigation", name="Main").get_by_role("link", name="Tip routes").click()
    expect(national.locator("main")).to_contain_text("As deployment coordinator you set every route")

    analyst = new_page()
    sign_in(analyst, "analyst")
    expect(analyst.get_by_role("heading", level=1)).to_have_text("Statistics")
    assert "People" not in main_nav_links(analyst)
    assert "Cases" not in main_nav_links(analyst)

    admin = new_page()
    sign_in(admin, "admin")
    admin.get_by_role("navigation", name="Main").get_by_role("link", name="Members").click()
    expect(admin.get_by_text("caseworker@valmora.test").first).to_be_visible()
    admin.get_by_role("navigation", name="Main").get_by_role("link", name="Audit trail").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Audit trail")


def test_a_tip_from_the_public_reaches_the_case_worker(demo: None, new_page: Callable[..., Page]) -> None:
    public = new_page()
    public.goto("/report/")
    public.get_by_label(re.compile("What did you see")).fill("Workers sleep in the greenhouse on the east road.")
    public.get_by_role("button", name=re.compile("Send")).click()
    expect(public.get_by_text(re.compile("receipt", re.IGNORECASE)).first).to_be_visible()

    page = new_page()
    sign_in(page, "caseworker")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tips").click()
    tips = page.get_by_role("table", name="Tips")
    expect(tips.get_by_role("row")).to_have_count(2)  # the header and the tip just sent
    tips.get_by_role("link").first.click()
    expect(page.locator("main")).to_contain_text("Workers sleep in the greenhouse on the east road.")
