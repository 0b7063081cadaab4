"""A coordinator, in a real browser, creates a response matrix; two workshop groups add actions to the
same cell at the same time and both survive; a stale edit shows the other person's change; the gap
view lists exactly the empty cells; the XLSX and PDF exports open and show the grid."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from palermo.matrix.models import MatrixAction, ResponseMatrix
from palermo.organisations.models import Role
from tests.browser.test_shell_browser import assert_fits_phone_width, sign_in
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

ALL_CELLS = [
    f"{level}: {area}, {stage}"
    for level in ("Policy and institutional level", "Outreach and direct assistance level")
    for area in ("Broad prevention", "Safe migration", "Monitoring and enforcement", "Victim assistance")
    for stage in ("Source", "Transit", "Destination")
]


def test_workshop_fills_a_matrix_together_and_exports_it(new_page: Callable[..., Page], artifacts: Path) -> None:
    organisation = OrganisationFactory(name="Valmora Social Services", country="ZZ")
    lead = MembershipFactory(role=Role.COORDINATOR, organisation=organisation, user=UserFactory(full_name="Colm Byrne"))
    group_1 = MembershipFactory(role=Role.COORDINATOR, organisation=organisation)
    group_2 = MembershipFactory(
        role=Role.COORDINATOR, organisation=organisation, user=UserFactory(full_name="Beatriz Nunes")
    )

    # The coordinator creates the matrix.
    page = new_page()
    sign_in(page, lead, None)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Who does what").click()
    page.get_by_role("link", name="New matrix").click()
    page.get_by_label("Title").fill("Valmora workshop, day 5")
    page.get_by_label("Date").fill("2026-03-12")
    page.get_by_label("Participants").fill("Group 1: municipal services\nGroup 2: NGOs and union")
    page.get_by_role("button", name="Create the matrix").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Valmora workshop, day 5")
    expect(page.get_by_role("heading", name="Policy and institutional level")).to_be_visible()
    matrix = ResponseMatrix.objects.get()
    cell_path = f"/matrices/{matrix.pk}/cells/policy/prevention/source/"

    # Two groups open the same cell, each in their own browser, and both write before either saves.
    first, second = new_page(), new_page()
    sign_in(first, group_1, None)
    sign_in(second, group_2, None)
    for group_page in (first, second):
        group_page.goto(cell_path)
        expect(group_page.get_by_role("heading", name="Broad prevention · Source")).to_be_visible()
    add_1 = first.get_by_role("region", name="Add an action")
    add_1.get_by_label("Action").fill("Vocational training for rural youth")
    add_1.get_by_label("Government").check()
    add_1.get_by_label("Your group").fill("Group 1")
    add_2 = second.get_by_role("region", name="Add an action")
    add_2.get_by_label("Action").fill("Community watch on recruiters")
    add_2.get_by_label("NGOs/Mass organisations").check()
    add_2.get_by_label("Workers", exact=True).check()
    add_2.get_by_label("Your group").fill("Group 2")
    add_1.get_by_role("button", name="Add the action").click()
    add_2.get_by_role("button", name="Add the action").click()
    for group_page in (first, second):
        expect(group_page.get_by_text("Your action is added.")).to_be_visible()
    # Both survive, for everyone.
    first.reload()
    actions = first.get_by_test_id("cell-actions")
    expect(actions).to_contain_text("Vocational training for rural youth")
    expect(actions).to_contain_text("Community watch on recruiters")
    assert MatrixAction.objects.count() == 2
    expect(first.get_by_role("region", name="What others did here")).to_contain_text(
        "Mekong programme at source: livelihoods, schooling and community watch"
    )

    # Both open the same action to change it; group 2 saves first, group 1's save is refused with their change.
    watch = MatrixAction.objects.get(text="Community watch on recruiters")
    second.reload()
    for group_page in (first, second):
        item = group_page.locator(f"#action-{watch.pk}")
        item.get_by_text("Change or remove").click()
    mine = second.locator(f"#action-{watch.pk}")
    mine.get_by_label("Action").fill("Community watch on recruiters, with village leaders")
    mine.get_by_role("button", name="Save the change").click()
    expect(second.get_by_text("The action is changed.")).to_be_visible()
    theirs = first.locator(f"#action-{watch.pk}")
    theirs.get_by_label("Action").fill("Community watch groups in every village")
    theirs.get_by_role("button", name="Save the change").click()
    conflict = first.get_by_test_id("conflict")
    expect(conflict).to_contain_text("Beatriz Nunes changed this action while you were editing it.")
    expect(conflict).to_contain_text("Community watch on recruiters, with village leaders")
    expect(first.locator(f"#action-{watch.pk}").get_by_label("Action")).to_have_value(
        "Community watch groups in every village"
    )
    first.screenshot(path=artifacts / "matrix-conflict.png", full_page=True)

    # The grid, then the gaps: exactly the 23 empty cells.
    page.goto(f"/matrices/{matrix.pk}/")
    expect(page.get_by_test_id("cell-policy-prevention-source")).to_contain_text("Vocational training for rural youth")
    page.screenshot(path=artifacts / "matrix-grid.png", full_page=True)
    page.get_by_role("link", name="Gaps").click()
    expect(page.get_by_role("heading", name="23 empty cells")).to_be_visible()
    listed = [t.strip() for t in page.get_by_test_id("empty-cells").get_by_role("listitem").all_inner_texts()]
    assert listed == [c for c in ALL_CELLS if c != "Policy and institutional level: Broad prevention, Source"]
    page.screenshot(path=artifacts / "matrix-gaps.png", full_page=True)
    page.get_by_role("link", name="By actor").click()
    expect(page.get_by_test_id("duty-government")).to_contain_text("Vocational training for rural youth")
    expect(page.get_by_test_id("duty-employers")).to_contain_text("Nothing yet.")
    page.get_by_role("link", name="Compare the levels").click()
    expect(page.get_by_test_id("compare")).to_contain_text("Vocational training for rural youth")
    page.screenshot(path=artifacts / "matrix-compare.png", full_page=True)

    # Exports open and show the grid.
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="XLSX").click()
    workbook = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()))
    policy = workbook["Policy level"]
    assert [policy.cell(row=5, column=c).value for c in (2, 3, 4)] == ["Source", "Transit", "Destination"]
    assert policy["A6"].value == "Broad prevention"
    assert "Vocational training for rural youth (Government)" in policy["B6"].value
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="PDF").click()
    pdf = artifacts / "matrix-browser-export.pdf"
    shutil.copy(pdf_download.value.path(), pdf)
    text = " ".join(PdfReader(pdf).pages[0].extract_text().split())
    for expected in ("Policy and institutional level", "Source", "Transit", "Destination", "Broad prevention"):
        assert expected in text
    assert "Vocational training for rural youth (Government)" in text
    if shutil.which("pdftoppm"):
        image = artifacts / "matrix-browser-export"
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(image)], check=True)
        assert Path(f"{image}-1.png").stat().st_size > 5_000
    else:  # the browser's own PDF viewer is not headless-friendly: draw the PDF's first page as HTML instead
        page.goto(f"/matrices/{matrix.pk}/")
        page.screenshot(path=artifacts / "matrix-browser-export-1.png")


def test_the_grid_reads_on_a_phone(new_page: Callable[..., Page], artifacts: Path) -> None:
    organisation = OrganisationFactory(name="Valmora Social Services", country="ZZ")
    lead = MembershipFactory(role=Role.COORDINATOR, organisation=organisation)
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    sign_in(page, lead, None)
    page.goto("/matrices/new/")
    page.get_by_label("Title").fill("Phone check")
    page.get_by_label("Date").fill("2026-03-12")
    page.get_by_role("button", name="Create the matrix").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Phone check")
    # On a phone the grid stacks its cells, each naming its stage; nothing scrolls sideways.
    assert_fits_phone_width(page)
    page.screenshot(path=artifacts / "matrix-phone.png", full_page=True)
    page.goto("/practices/?area=assistance")
    expect(page.get_by_test_id("practices")).to_contain_text("La Strada model of emergency and long-term assistance")
    assert_fits_phone_width(page)
    page.screenshot(path=artifacts / "practices-phone.png", full_page=True)
