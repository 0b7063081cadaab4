"""What users typed comes out of every spreadsheet export as text: never a formula that runs when the
file is opened (issue 12, item 8)."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from palermo.audit.services import audit_record
from palermo.matrix.services import matrix_action_add, matrix_create
from palermo.organisations.models import Organisation, Role
from tests.conftest import acting_of, signed_in_client

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)"]


def test_matrix_xlsx_writes_titles_participants_and_actions_as_text(org_a: Organisation, member) -> None:
    coordinator = member(Role.COORDINATOR, org_a)
    acting = acting_of(coordinator)
    matrix = matrix_create(
        acting=acting, title=FORMULAS[0], held_on=datetime.date(2026, 3, 12), participants="\n".join(FORMULAS[1:])
    )
    cells = [("prevention", "source"), ("safe_migration", "transit"), ("monitoring", "destination")]
    for text, (area, stage) in zip(FORMULAS, [*cells, cells[0]], strict=False):
        matrix_action_add(
            acting=acting, matrix=matrix, level="policy", area=area, stage=stage, text=text, responsible=[], actors=[]
        )
    response = signed_in_client(coordinator).get(reverse("matrix:export", args=[matrix.pk, "xlsx"]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    about, policy = workbook["About"], workbook["Policy level"]
    written = {
        about["B3"]: FORMULAS[0],
        about["B5"]: "+1+1\n-2\n@SUM(A1)",
        policy["A2"]: FORMULAS[0],
        policy["B6"]: '=HYPERLINK("http://x","y")\n@SUM(A1)',
        policy["C7"]: "+1+1",
        policy["D8"]: "-2",
    }
    for cell, text in written.items():
        assert (cell.coordinate, cell.data_type, cell.value) == (cell.coordinate, "s", text)


def test_audit_csv_writes_user_text_with_an_apostrophe_first(org_a: Organisation, member) -> None:
    admin = member(Role.ORG_ADMIN, org_a)
    for number, text in enumerate(FORMULAS):
        writer = member(Role.CASE_WORKER, org_a, user__email=f"{text}{number}@example.test")
        audit_record(acting=acting_of(writer), action="case.view")
    response = signed_in_client(admin).get("/audit/export.csv")
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO(content)))
    emails = sorted(row["actor_email"] for row in rows if row["action"] == "case.view")
    assert emails == sorted(f"'{text}{number}@example.test" for number, text in enumerate(FORMULAS))
