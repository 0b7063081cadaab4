"""Anonymous reporting in a real browser: a reporter on a phone sends a tip in French and leaves no
cookie; a case worker answers it; the reporter reads the answer with the receipt and adds to it.
Also the quick exit (button, and Escape twice) and a public form that loads nothing from elsewhere."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from palermo.organisations.models import Role
from palermo.reporting.models import Tip, TipRoute
from tests.browser.test_shell_browser import assert_fits_phone_width, paired_member, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Route

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
# 20 random bytes in base32: 32 characters, shown in groups of four.
RECEIPT = re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){7}$")
NEUTRAL = "https://www.wikipedia.org/"
NEUTRAL_BODY = "<html><title>Wikipedia</title><body>neutral</body></html>"

DESCRIPTION = "Des ouvriers dorment dans l'entrepôt derrière la station-service, sans papiers."
LOCATION = "Rue du Port 4, Valmora"
ANSWER = "Merci. Une équipe est passée ; pouvez-vous dire à quelle heure arrive la camionnette ?"
ADDED = "La camionnette arrive vers 5 h, elle est blanche."


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """The live server shares this process's cache: start every test with no sends counted."""
    cache.clear()
    yield
    cache.clear()


def neutral_site(context: BrowserContext) -> None:
    """The quick exit's neutral site is outside the sandbox: answer it here, never fetch it."""

    def fulfil(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body=NEUTRAL_BODY)

    context.route(f"{NEUTRAL}**", fulfil)


def submit(page: Page, *, tap: bool = True) -> None:
    button = page.locator("main form button[type=submit]")
    if tap:
        button.tap()
    else:
        button.click()


def assert_no_cookies(page: Page) -> None:
    """Not one cookie for the site, whatever the browser fetched on its own (such as /favicon.ico)."""
    cookies = page.context.cookies()
    assert cookies == [], f"the reporter's browser keeps cookies: {[c['name'] for c in cookies]}"


# --- Tests -------------------------------------------------------------------------------------------


def test_reporter_on_a_phone_in_french_talks_with_the_case_worker_without_a_cookie(
    new_page: Callable[..., Page], artifacts: Path
) -> None:
    membership, device = paired_member(Role.CASE_WORKER, "Valmora Anti-Trafficking Unit")
    TipRoute.objects.create(exploitation=TipRoute.ANY, organisation=membership.organisation)

    reporter = new_page(**PHONE)
    reporter.goto("/report/")
    expect(reporter.locator("html")).to_have_attribute("lang", "en")
    languages = reporter.locator("header.public-header nav")
    french = languages.get_by_role("link", name="Français", exact=True)
    english = languages.get_by_role("link", name="English", exact=True)
    expect(english).to_have_attribute("aria-current", "page")
    french.tap()

    expect(reporter).to_have_url(re.compile(r"/report/fr/$"))
    expect(reporter.locator("html")).to_have_attribute("lang", "fr")
    expect(french).to_have_attribute("aria-current", "page")
    expect(english).not_to_have_attribute("aria-current", "page")
    # A message Django itself translates: the description is required.
    submit(reporter)
    expect(reporter.locator(".field-error")).to_have_text(["Ce champ est obligatoire."])
    expect(reporter.locator("html")).to_have_attribute("lang", "fr")

    reporter.locator("textarea[name=description]").fill(DESCRIPTION)
    reporter.locator("input[name=location]").fill(LOCATION)
    assert_fits_phone_width(reporter)
    reporter.screenshot(path=artifacts / "reporting-form-phone.png", full_page=True)
    submit(reporter)

    receipt_code = reporter.get_by_test_id("receipt")
    expect(receipt_code).to_have_text(RECEIPT)
    receipt = receipt_code.inner_text().strip()
    expect(reporter.locator("html")).to_have_attribute("lang", "fr")
    assert_fits_phone_width(reporter)
    reporter.screenshot(path=artifacts / "reporting-receipt-phone.png", full_page=True)
    # No cookie of any kind: nothing in the browser tells that a report was made from it.
    assert_no_cookies(reporter)
    tip = Tip.objects.get()
    assert tip.organisation == membership.organisation
    assert tip.language == "fr"

    # A case worker of the organisation the tip is routed to answers it, in another browser.
    staff = new_page()
    sign_in(staff, membership, device)
    staff.get_by_role("navigation", name="Main").get_by_role("link", name="Tips", exact=True).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Tips from the public")
    rows = staff.locator("table tbody tr")
    expect(rows).to_have_count(1)
    rows.get_by_role("link").click()
    expect(staff).to_have_url(re.compile(rf"/tips/{tip.pk}/$"))
    expect(staff.get_by_role("heading", level=1)).to_have_text("Tip")
    expect(staff.locator(".lead")).to_contain_text("written in French")
    expect(staff.locator("dl.facts")).to_contain_text(DESCRIPTION)
    expect(staff.locator("dl.facts")).to_contain_text(LOCATION)
    expect(staff.get_by_text("No messages yet.", exact=True)).to_be_visible()
    staff.get_by_label("Answer to the reporter", exact=True).fill(ANSWER)
    staff.get_by_role("button", name="Send the answer", exact=True).click()
    expect(staff.get_by_role("status")).to_have_text("Your answer is waiting for the reporter.")
    expect(staff.locator("ol.conversation li")).to_have_count(1)
    expect(staff.locator("ol.conversation li")).to_contain_text(ANSWER)

    # The reporter comes back with the receipt, reads the answer and adds information.
    reporter.locator("main a[href$='/report/fr/follow-up/']").tap()
    expect(reporter).to_have_url(re.compile(r"/report/fr/follow-up/$"))
    expect(reporter.locator("html")).to_have_attribute("lang", "fr")
    expect(reporter.locator("ol.conversation")).to_have_count(0)
    reporter.locator("input[name=receipt]").fill(receipt)
    submit(reporter)
    conversation = reporter.locator("ol.conversation li")
    expect(conversation).to_have_count(1)
    expect(conversation.first).to_have_class("theirs")
    expect(conversation.first).to_contain_text(ANSWER)
    expect(reporter.locator("input[name=receipt]")).to_have_value(receipt)

    reporter.locator("textarea[name=message]").fill(ADDED)
    submit(reporter)
    added = reporter.get_by_role("status")
    expect(added).to_be_visible()
    expect(added).not_to_have_text("Your message is added to your report.")  # the page stays in French
    expect(conversation).to_have_count(2)
    expect(conversation.nth(1)).to_have_class("mine")
    expect(conversation.nth(1)).to_contain_text(ADDED)
    expect(reporter.locator("textarea[name=message]")).to_have_value("")
    assert_fits_phone_width(reporter)
    assert_no_cookies(reporter)

    # The case worker sees the reporter's message under the answer.
    staff.reload()
    expect(staff.locator("ol.conversation li")).to_have_count(2)
    expect(staff.locator("ol.conversation li").nth(1)).to_contain_text(ADDED)


def test_quick_exit_button_leaves_for_a_neutral_site_and_forgets_the_form(page: Page, live_server: Any) -> None:
    neutral_site(page.context)
    # Something before the form in the history, to see what Back returns to.
    page.goto("/login/")
    page.goto("/report/en/")
    page.locator("textarea[name=description]").fill("They took her passport.")
    page.evaluate(
        """() => { sessionStorage.setItem('draft', 'They took her passport.');
                   localStorage.setItem('draft', 'They took her passport.'); }"""
    )

    page.get_by_role("link", name="Leave this page now", exact=True).click()
    expect(page).to_have_url(NEUTRAL)
    expect(page).to_have_title("Wikipedia")

    # location.replace(): Back skips the form and returns to the page before it.
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"/report/"))
    expect(page).to_have_url(re.compile(r"/login/$"))

    # Nothing kept in the browser for the report's origin, in this tab or any other.
    page.goto("/report/en/")
    stored = "() => ({session: sessionStorage.length, local: localStorage.length})"
    assert page.evaluate(stored) == {"session": 0, "local": 0}
    other = page.context.new_page()
    other.goto(f"{live_server.url}/report/en/")
    assert other.evaluate(stored) == {"session": 0, "local": 0}
    other.close()


def test_quick_exit_by_pressing_escape_twice(page: Page) -> None:
    neutral_site(page.context)
    page.goto("/report/en/")
    description = page.locator("textarea[name=description]")
    description.fill("Men sleep in the warehouse.")  # the focus is in the field, as while writing

    # One Escape does nothing; nor does a second one more than a second later.
    page.keyboard.press("Escape")
    page.wait_for_timeout(1_200)
    expect(page).to_have_url(re.compile(r"/report/en/$"))
    expect(description).to_have_value("Men sleep in the warehouse.")

    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    expect(page).to_have_url(NEUTRAL)
    expect(page).to_have_title("Wikipedia")


def test_the_public_form_loads_nothing_from_another_site(page: Page, live_server: Any) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto("/report/")
    page.goto("/report/fr/")
    page.locator("textarea[name=description]").fill("Des enfants vendent des fleurs la nuit.")
    submit(page, tap=False)
    expect(page.get_by_test_id("receipt")).to_have_text(RECEIPT)

    origin = f"{live_server.url}/"
    foreign = [url for url in requested if not url.startswith(origin)]
    assert not foreign, foreign
    paths = {re.sub(r"^https?://[^/]+", "", url) for url in requested}
    assert {"/report/", "/report/fr/", "/static/palermo/palermo.css", "/static/palermo/quick-exit.js"} <= paths, paths
    assert_no_cookies(page)
