"""Importing an exported matrix again leaves one copy of each action; a changed file updates what changed
and adds what is new; the page, the API and the audit trail say what was added, updated and unchanged."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from palermo.audit.models import AuditEntry
from palermo.matrix.models import MatrixAction, ResponseMatrix
from palermo.organisations.models import Membership
from tests.conftest import api_client, signed_in_client
from tests.matrix.test_matrix_files import download, filled  # noqa: F401  # the filled matrix fixture

pytestmark = pytest.mark.django_db


def _shape(matrix: ResponseMatrix) -> list[tuple[object, ...]]:
    return sorted(
        (a.level, a.area, a.stage, a.text, tuple(a.responsible), tuple(sorted(e.name for e in a.actors.all())))
        for a in MatrixAction.objects.filter(matrix=matrix)
    )


def _import(membership: Membership, matrix: ResponseMatrix, content: bytes):  # type: ignore[no-untyped-def]
    return signed_in_client(membership).post(
        reverse("matrix:import", args=[matrix.pk]), {"file": SimpleUploadedFile("m.xlsx", content)}, follow=True
    )


def test_importing_the_exported_file_into_the_same_matrix_twice_changes_nothing(
    filled: ResponseMatrix,  # noqa: F811
    coordinator: Membership,
) -> None:
    before = _shape(filled)
    content = download(coordinator, filled, "xlsx")
    for _attempt in range(2):
        page = _import(coordinator, filled, content).content.decode()
        assert "Import done: 0 added, 0 updated, 4 unchanged." in page
    assert _shape(filled) == before
    assert MatrixAction.objects.filter(matrix=filled).count() == 4
    details = list(AuditEntry.objects.filter(action="matrix.import").values_list("detail", flat=True))
    assert details == [{"actions": 4, "added": 0, "updated": 0, "unchanged": 4}] * 2


def test_a_changed_file_updates_changed_actions_and_adds_new_ones(
    filled: ResponseMatrix,  # noqa: F811
    coordinator: Membership,
) -> None:
    workbook = load_workbook(io.BytesIO(download(coordinator, filled, "xlsx")))
    policy = workbook["Policy level"]
    # Who does the first action changes; the second is written with other spacing and case only; one is new.
    policy["B6"] = (
        "Vocational training for rural youth (Government, Employers)\n"
        "community  watch on recruiters (NGOs/Mass organisations)\n"
        "Radio spots on safe jobs (NGOs)"
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    page = _import(coordinator, filled, buffer.getvalue()).content.decode()
    assert "Import done: 1 added, 2 updated, 2 unchanged." in page
    cell = [
        (a.text, a.responsible)
        for a in MatrixAction.objects.filter(matrix=filled, level="policy", area="prevention", stage="source")
    ]
    assert cell == [
        ("Vocational training for rural youth", ["government", "employers"]),
        ("community watch on recruiters", ["ngos"]),
        ("Radio spots on safe jobs", ["ngos"]),
    ]
    assert MatrixAction.objects.filter(matrix=filled).count() == 5


def test_a_line_written_twice_in_one_file_is_one_action(
    matrix: ResponseMatrix,
    coordinator: Membership,
) -> None:
    workbook = load_workbook(io.BytesIO(download(coordinator, matrix, "xlsx")))
    workbook["Outreach level"]["C7"] = "Border information desk (NGOs)\n- Border information desk (NGOs)"
    buffer = io.BytesIO()
    workbook.save(buffer)
    page = _import(coordinator, matrix, buffer.getvalue()).content.decode()
    assert "Import done: 1 added, 0 updated, 1 unchanged." in page
    assert MatrixAction.objects.filter(matrix=matrix).count() == 1


def test_the_api_says_what_was_added_updated_and_unchanged(
    filled: ResponseMatrix,  # noqa: F811
    coordinator: Membership,
) -> None:
    client = api_client(coordinator)
    content = client.get(f"/api/v1/matrices/{filled.pk}/export.xlsx").content
    url = f"/api/v1/matrices/{filled.pk}/import"
    for _attempt in range(2):
        answer = client.post(url, {"file": SimpleUploadedFile("m.xlsx", content)}, format="multipart")
        assert answer.status_code == 201
        assert answer.json() == {"imported": 4, "added": 0, "updated": 0, "unchanged": 4}
    assert MatrixAction.objects.filter(matrix=filled).count() == 4
