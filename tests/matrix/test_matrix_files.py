"""Exports in the worksheet's layout (XLSX, PDF, DOCX) and import of a filled template."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from palermo.audit.models import AuditEntry
from palermo.directory.services import directory_entry_create
from palermo.matrix.exports import matrix_xlsx
from palermo.matrix.grid import build_grid
from palermo.matrix.models import MatrixAction, ResponseMatrix
from palermo.matrix.services import matrix_action_add
from palermo.organisations.models import Membership, Organisation, Role
from tests.conftest import acting_of, nothing_changes, signed_in_client

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def filled(matrix: ResponseMatrix, coordinator: Membership) -> ResponseMatrix:
    acting = acting_of(coordinator)
    union = directory_entry_create(
        acting=acting, name="Valmora Workers' Union", actor_type="workers", level="local", country="ZZ"
    )
    for level, area, stage, text, responsible, actors in [
        ("policy", "prevention", "source", "Vocational training for rural youth", ["government"], []),
        ("policy", "prevention", "source", "Community watch on recruiters", ["ngos"], []),
        ("policy", "monitoring", "destination", "Labour inspection of farms", ["government", "workers"], [union]),
        ("outreach", "assistance", "destination", "Shelter and legal aid", [], []),
    ]:
        matrix_action_add(
            acting=acting,
            matrix=matrix,
            level=level,
            area=area,
            stage=stage,
            text=text,
            responsible=responsible,
            actors=actors,
        )
    return matrix


def download(membership: Membership, matrix: ResponseMatrix, file_format: str) -> bytes:
    response = signed_in_client(membership).get(reverse("matrix:export", args=[matrix.pk, file_format]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(f'attachment; filename="matrix-{matrix.pk}-')
    return response.content


def test_xlsx_export_has_the_worksheet_layout(filled: ResponseMatrix, coordinator: Membership) -> None:
    workbook = load_workbook(io.BytesIO(download(coordinator, filled, "xlsx")))
    assert workbook.sheetnames == ["About", "Policy level", "Outreach level"]
    policy = workbook["Policy level"]
    assert policy["A1"].value == "Who is best placed to do what and where?"
    assert policy["A2"].value == "Valmora workshop, day 5"
    assert [policy.cell(row=5, column=c).value for c in (2, 3, 4)] == ["Source", "Transit", "Destination"]
    assert [policy.cell(row=r, column=1).value for r in range(6, 10)] == [
        "Broad prevention",
        "Safe migration",
        "Monitoring and enforcement",
        "Victim assistance",
    ]
    assert policy["B6"].value == (
        "Vocational training for rural youth (Government)\nCommunity watch on recruiters (NGOs/Mass organisations)"
    )
    assert policy["D8"].value == "Labour inspection of farms (Government, Workers, Valmora Workers' Union)"
    assert policy["C6"].value is None
    assert workbook["Outreach level"]["D9"].value == "Shelter and legal aid"
    assert workbook["About"]["B5"].value == "Group 1\nGroup 2"
    assert AuditEntry.objects.filter(action="matrix.export", detail={"format": "xlsx"}).count() == 1


def test_pdf_export_shows_the_grid_and_renders_to_an_image(filled: ResponseMatrix, coordinator: Membership) -> None:
    content = download(coordinator, filled, "pdf")
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 2  # one page per level, landscape
    # Cells wrap their text: compare with line breaks folded into spaces.
    first, second = (" ".join(page.extract_text().split()) for page in reader.pages)
    for text in ("Who is best placed to do what and where?", "Policy and institutional level", "Source", "Transit"):
        assert text in first
    assert "Destination" in first
    assert "Victim assistance" in first
    assert "Vocational training for rural youth (Government)" in first
    assert "Outreach and direct assistance level" in second
    assert "Shelter and legal aid" in second
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert width > height
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "matrix-export.pdf"
    pdf.write_bytes(content)
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(ARTIFACTS / "matrix-export")],
            check=True,
        )
        assert (ARTIFACTS / "matrix-export-1.png").stat().st_size > 5_000


def test_docx_export_has_a_table_per_level(filled: ResponseMatrix, coordinator: Membership) -> None:
    document = Document(io.BytesIO(download(coordinator, filled, "docx")))
    assert len(document.tables) == 2
    policy = document.tables[0]
    assert [c.text for c in policy.rows[0].cells] == ["", "Source", "Transit", "Destination"]
    assert policy.cell(1, 0).text == "Broad prevention"
    assert policy.cell(1, 1).text.splitlines() == [
        "Vocational training for rural youth (Government)",
        "Community watch on recruiters (NGOs/Mass organisations)",
    ]


def test_an_exported_matrix_imports_back_into_another_identically(
    filled: ResponseMatrix, coordinator: Membership
) -> None:
    from palermo.matrix.services import matrix_create

    content = download(coordinator, filled, "xlsx")
    target = matrix_create(acting=acting_of(coordinator), title="Copy", held_on=filled.held_on)
    response = signed_in_client(coordinator).post(
        reverse("matrix:import", args=[target.pk]), {"file": SimpleUploadedFile("m.xlsx", content)}
    )
    assert response.status_code == 302

    def shape(matrix: ResponseMatrix) -> list[tuple[object, ...]]:
        return [
            (a.level, a.area, a.stage, a.text, a.responsible, [e.name for e in a.actors.all()])
            for c in build_grid(matrix).cells()
            for a in c.actions
        ]

    assert shape(target) == shape(filled)
    imported = {"actions": 4, "added": 4, "updated": 0, "unchanged": 0}
    assert AuditEntry.objects.filter(action="matrix.import", detail=imported).count() == 1


def test_the_blank_template_downloads_and_imports_a_filled_copy(
    matrix: ResponseMatrix, coordinator: Membership
) -> None:
    client = signed_in_client(coordinator)
    template = client.get(reverse("matrix:template"))
    assert template.status_code == 200
    workbook = load_workbook(io.BytesIO(template.content))
    workbook["Policy level"]["C7"] = (
        "- Bilateral agreement on recruitment (Government; Employers)\n\n- Hotline at the border"
    )
    workbook["Outreach level"]["B6"] = "Theatre in schools (ngos)"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post(
        reverse("matrix:import", args=[matrix.pk]), {"file": SimpleUploadedFile("filled.xlsx", buffer.getvalue())}
    )
    assert response.status_code == 302
    actions = [(a.level, a.area, a.stage, a.text, a.responsible) for a in MatrixAction.objects.order_by("pk")]
    assert actions == [
        ("policy", "safe_migration", "transit", "Bilateral agreement on recruitment", ["government", "employers"]),
        ("policy", "safe_migration", "transit", "Hotline at the border", []),
        ("outreach", "prevention", "source", "Theatre in schools", ["ngos"]),
    ]


def _upload(membership: Membership, matrix: ResponseMatrix, content: bytes) -> str:
    client = signed_in_client(membership)
    with nothing_changes():
        response = client.post(
            reverse("matrix:import", args=[matrix.pk]), {"file": SimpleUploadedFile("bad.xlsx", content)}
        )
    assert response.status_code == 400
    assert MatrixAction.objects.count() == 0  # nothing half-imported
    return response.content.decode().replace("&#x27;", "'")


def test_import_names_the_sheet_cell_and_line_of_each_problem_and_imports_nothing(
    matrix: ResponseMatrix, coordinator: Membership
) -> None:
    workbook = load_workbook(io.BytesIO(matrix_xlsx(None)))
    workbook["Policy level"]["B6"] = "Good line (Government)\nBad line (Polce)"
    workbook["Outreach level"]["A8"] = "Enforcement"
    buffer = io.BytesIO()
    workbook.save(buffer)
    body = _upload(coordinator, matrix, buffer.getvalue())
    assert "Nothing was imported" in body
    assert (
        "Sheet “Policy level”, cell B6, line 2: “Polce” is neither Government, Workers, Employers, "
        "NGOs/Mass organisations nor the name of an organisation in the directory." in body
    )
    assert (
        "Sheet “Outreach level”, cell A8: expected the response area “Monitoring and enforcement”, "
        "found “Enforcement”." in body
    )


def test_import_refuses_a_file_that_is_not_the_template(matrix: ResponseMatrix, coordinator: Membership) -> None:
    assert "This is not an Excel (.xlsx) file." in _upload(coordinator, matrix, b"name,stage\nx,y\n")
    other = Workbook()
    other.active.title = "Sheet1"  # type: ignore[union-attr]
    buffer = io.BytesIO()
    other.save(buffer)
    body = _upload(coordinator, matrix, buffer.getvalue())
    assert "The sheet “Policy level” is missing." in body
    assert "The sheet “Outreach level” is missing." in body
    assert "The file holds no action" in _upload(coordinator, matrix, matrix_xlsx(None))


def test_only_contributors_may_import(
    matrix: ResponseMatrix, org_a: Organisation, member: Callable[..., Membership]
) -> None:
    client = signed_in_client(member(Role.ANALYST, org_a))
    with nothing_changes():
        response = client.post(
            reverse("matrix:import", args=[matrix.pk]), {"file": SimpleUploadedFile("m.xlsx", matrix_xlsx(None))}
        )
    assert response.status_code == 403


def test_api_exports_and_imports_like_the_pages(
    filled: ResponseMatrix, coordinator: Membership, org_a: Organisation, member: Callable[..., Membership]
) -> None:
    from tests.conftest import api_client

    client = api_client(coordinator)
    xlsx = client.get(f"/api/v1/matrices/{filled.pk}/export.xlsx")
    assert xlsx.status_code == 200
    assert load_workbook(io.BytesIO(xlsx.content))["Policy level"]["B6"].value.startswith("Vocational training")
    pdf = client.get(f"/api/v1/matrices/{filled.pk}/export.pdf")
    assert "Policy and institutional level" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert client.get(f"/api/v1/matrices/{filled.pk}/export.odt").status_code == 404

    workbook = load_workbook(io.BytesIO(matrix_xlsx(None)))
    workbook["Outreach level"]["C7"] = "Border information desk (NGOs)"
    buffer = io.BytesIO()
    workbook.save(buffer)
    url = f"/api/v1/matrices/{filled.pk}/import"
    created = client.post(url, {"file": SimpleUploadedFile("w.xlsx", buffer.getvalue())}, format="multipart")
    assert created.status_code == 201
    assert created.json() == {"imported": 1, "added": 1, "updated": 0, "unchanged": 0}
    with nothing_changes():
        bad = client.post(url, {"file": SimpleUploadedFile("w.xlsx", b"nope")}, format="multipart")
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"] == {
        "file": ["This is not an Excel (.xlsx) file. Download the template and fill it in."]
    }
    reader = api_client(member(Role.ANALYST, org_a))
    with nothing_changes():
        denied = reader.post(url, {"file": SimpleUploadedFile("w.xlsx", buffer.getvalue())}, format="multipart")
    assert denied.status_code == 403
    assert MatrixAction.objects.filter(matrix=filled).count() == 5
