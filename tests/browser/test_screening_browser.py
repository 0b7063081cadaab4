"""A screening as a first responder does it on a phone: the guided topics, a note, the elements of
the definition, the explained result and the referral; pausing and resuming; and the answers by keyboard."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from palermo.identification.services import catalogues_load
from palermo.organisations.models import Role
from tests.browser.test_shell_browser import assert_fits_phone_width, paired_member, sign_in
from tests.factories import MembershipFactory

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
LABOUR = "Trafficking of adults for labour exploitation (ILO\u2013EC indicators, 2009)"  # an en dash, as titled
# The six topics of the ILO-EC labour catalogue, in order; the elements of the definition come seventh.
TOPICS = [
    "Deception during recruitment and travel",
    "Coercion during recruitment and travel",
    "Abuse of vulnerability at recruitment",
    "Exploitative working and living conditions",
    "Coercion at the place of work",
    "Abuse of vulnerability at the place of work",
]
STEPS = len(TOPICS) + 1
NOTE = "Works fourteen hours a day, seven days a week, in the back kitchen."

# Topic number -> (indicator position on the screen, answer). Chosen so that the three parts the rule
# needs are positive: deception at recruitment (dr.nature_of_job strong + dr.wages medium), exploitative
# conditions (ec.excessive_hours strong + ec.low_or_no_salary medium) and coercion at the place of work
# (cd.documents strong + cd.threats medium). cr.violence is the one "Don't know".
ANSWERS: dict[int, list[tuple[int, str]]] = {
    1: [(0, "Yes"), (1, "Yes"), (2, "No")],
    2: [(0, "Don't know"), (1, "No")],
    3: [(0, "No")],
    4: [(0, "Yes"), (1, "Yes")],
    5: [(0, "Yes"), (4, "Yes"), (2, "No")],
    6: [(0, "No")],
}
NOTE_ON = (4, 0)  # topic 4, first indicator (ec.excessive_hours): answered yes, so the result shows it


@pytest.fixture(autouse=True)
def _catalogues(transactional_db: None) -> None:
    """migrate loads the catalogues; load them again in case an earlier test's clean-up emptied the table."""
    catalogues_load()


@pytest.fixture
def phone(new_page: Callable[..., Page]) -> Page:
    return new_page(**PHONE)


def exactly(text: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def indicators(page: Page) -> Locator:
    return page.locator("fieldset.indicator")


def answer(page: Page, position: int, text: str) -> None:
    """Tap the answer's label, as a finger would, and check that its radio is now chosen."""
    fieldset = indicators(page).nth(position)
    fieldset.locator("label.answer").filter(has_text=exactly(text)).tap()
    expect(fieldset.get_by_role("radio", name=text, exact=True)).to_be_checked()


def expect_topic(page: Page, step: int) -> None:
    expect(page.locator("#progress-label")).to_have_text(f"Topic {step} of {STEPS}")
    expect(page.locator("progress")).to_have_attribute("value", str(step))
    if step <= len(TOPICS):
        expect(page.get_by_role("heading", level=1)).to_have_text(TOPICS[step - 1])
    else:
        expect(page.get_by_role("heading", level=1)).to_have_text("Elements of the definition")


def tap_button(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).tap()


def start_screening(page: Page, reference: str, age: int) -> None:
    """From the dashboard to topic 1 of the labour catalogue."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Your field work")
    page.get_by_role("link", name="Start a screening", exact=True).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a screening")
    page.locator("label.choice-card").filter(has_text=LABOUR).tap()
    expect(page.get_by_role("radio", name=LABOUR)).to_be_checked()
    page.get_by_role("textbox", name=re.compile(r"^Reference")).fill(reference)
    page.get_by_role("spinbutton", name=re.compile(r"^Age")).fill(str(age))
    assert_fits_phone_width(page)
    tap_button(page, "Begin")
    expect_topic(page, 1)


# --- Tests -------------------------------------------------------------------------------------------


def test_first_responder_screens_on_a_phone_and_refers(phone: Page, artifacts: Path) -> None:
    page = phone
    membership, device = paired_member(Role.FIRST_RESPONDER)
    # Someone in the organisation takes the decisions, so the referral reaches a person.
    MembershipFactory(role=Role.DECISION_MAKER, organisation=membership.organisation)
    sign_in(page, membership, device)
    start_screening(page, reference="Car wash, ring road", age=34)

    for step in range(1, len(TOPICS) + 1):
        expect_topic(page, step)
        for position, text in ANSWERS[step]:
            answer(page, position, text)
        if step == NOTE_ON[0]:
            fieldset = indicators(page).nth(NOTE_ON[1])
            note = fieldset.get_by_role("textbox", name="Note", exact=True)
            expect(note).to_be_hidden()  # inside the closed "Add a note"
            fieldset.get_by_text("Add a note", exact=True).tap()
            expect(note).to_be_visible()
            note.fill(NOTE)
            assert_fits_phone_width(page)
            page.screenshot(path=artifacts / "screening-topic-phone.png", full_page=True)
        tap_button(page, "Next")

    expect_topic(page, STEPS)
    for element in ("Recruitment", "Deception", "Forced labour or services"):
        page.locator("label.choice").filter(has_text=exactly(element)).tap()
        expect(page.get_by_role("checkbox", name=element, exact=True)).to_be_checked()
    assert_fits_phone_width(page)
    tap_button(page, "See the result")

    expect(page.get_by_role("heading", level=1)).to_have_text("Screening result")
    expect(page.locator(".lead")).to_have_text(f"{LABOUR} · Car wash, ring road · age 34")
    expect(page.get_by_test_id("outcome")).to_have_text("Trafficking indicated")
    explanation = page.get_by_test_id("explanation")
    expect(explanation).to_contain_text("Trafficking is indicated")
    expect(explanation).to_contain_text(
        f"Positive dimensions: {TOPICS[0]}, {TOPICS[3]}, {TOPICS[4]}."  # in the catalogue's order
    )
    expect(explanation).to_contain_text("1 answer is unknown")
    expect(explanation).to_contain_text("(act, means, purpose) are all recorded")
    expect(page.get_by_text(f"Note: {NOTE}", exact=True)).to_be_visible()
    # The "Don't know" answer is listed to be asked again.
    expect(page.get_by_role("heading", name="Ask again about")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="The person was beaten, injured or sexually")).to_have_count(1)
    next_step = page.get_by_role("region", name="What to do next")
    expect(next_step).to_contain_text("Refer the person now for a reasonable-grounds decision.")
    assert_fits_phone_width(page)
    page.screenshot(path=artifacts / "screening-result-phone.png", full_page=True)

    next_step.get_by_role("button", name="Refer for an identification decision", exact=True).tap()
    expect(page.get_by_role("status")).to_have_text("Referred for an identification decision.")
    expect(next_step).to_contain_text("Referred for an identification decision on ")
    expect(page.get_by_role("button", name="Refer for an identification decision")).to_have_count(0)
    assert_fits_phone_width(page)


def test_a_paused_screening_goes_on_where_it_stopped(phone: Page) -> None:
    page = phone
    membership, device = paired_member(Role.FIRST_RESPONDER)
    sign_in(page, membership, device)
    start_screening(page, reference="Orchard, north gate", age=41)

    answer(page, 0, "Yes")
    tap_button(page, "Next")
    expect_topic(page, 2)
    tap_button(page, "Save and pause")

    expect(page.get_by_role("heading", level=1)).to_have_text("Screenings")
    expect(page.get_by_role("status")).to_have_text("Saved. You can go on with this screening later from the list.")
    row = page.get_by_role("row").filter(has_text="Orchard, north gate")
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell").nth(2)).to_have_text("In progress")
    assert_fits_phone_width(page)
    row.get_by_role("link", name="Orchard, north gate", exact=True).tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("Screening in progress")
    page.get_by_role("link", name="Go on where you stopped", exact=True).tap()
    expect_topic(page, 2)
    tap_button(page, "Back")
    expect_topic(page, 1)
    first = indicators(page).first
    expect(first.get_by_role("radio", name="Yes", exact=True)).to_be_checked()
    expect(first.get_by_role("radio", name="No", exact=True)).not_to_be_checked()
    expect(indicators(page).nth(1).get_by_role("radio", name="Yes", exact=True)).not_to_be_checked()


def test_answers_can_be_given_by_keyboard_and_every_radio_is_named(phone: Page) -> None:
    page = phone
    membership, device = paired_member(Role.FIRST_RESPONDER)
    sign_in(page, membership, device)
    start_screening(page, reference="Keyboard", age=25)

    count = indicators(page).count()
    assert count >= 2, count
    for name in ("Yes", "No", "Don't know"):
        expect(page.get_by_role("radio", name=name, exact=True)).to_have_count(count)
    # Each group of three is named by its question (the legend), and each note box is labelled.
    for position in range(count):
        fieldset = indicators(page).nth(position)
        legend = fieldset.locator("legend").inner_text().strip()
        assert legend, position
        expect(page.get_by_role("group", name=legend.splitlines()[0].strip())).to_have_count(1)
    expect(page.get_by_role("textbox", name="Note", exact=True, include_hidden=True)).to_have_count(count)

    # Skip link, then into the form: the first radio group is the first stop in the main content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    first = indicators(page).first
    expect(first.get_by_role("radio", name="Yes", exact=True)).to_be_focused()
    page.keyboard.press("Space")
    expect(first.get_by_role("radio", name="Yes", exact=True)).to_be_checked()
    # Arrow keys move the choice within the group.
    page.keyboard.press("ArrowRight")
    expect(first.get_by_role("radio", name="No", exact=True)).to_be_checked()
    expect(first.get_by_role("radio", name="Yes", exact=True)).not_to_be_checked()

    # One Tab leaves the group (to its "Add a note"), the next reaches the second question.
    page.keyboard.press("Tab")
    expect(first.get_by_text("Add a note", exact=True)).to_be_focused()
    page.keyboard.press("Tab")
    second = indicators(page).nth(1)
    expect(second.get_by_role("radio", name="Yes", exact=True)).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(second.get_by_role("radio", name="Don't know", exact=True)).to_be_checked()

    # The choices are really sent: Next by keyboard, then Back, and they are still chosen.
    page.get_by_role("button", name="Next", exact=True).focus()
    page.keyboard.press("Enter")
    expect_topic(page, 2)
    page.get_by_role("button", name="Back", exact=True).focus()
    page.keyboard.press("Enter")
    expect_topic(page, 1)
    expect(indicators(page).first.get_by_role("radio", name="No", exact=True)).to_be_checked()
    expect(indicators(page).nth(1).get_by_role("radio", name="Don't know", exact=True)).to_be_checked()
