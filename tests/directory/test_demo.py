"""The demo adds directory entries for the demo organisations and one matrix, once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from palermo.directory.models import DirectoryEntry
from palermo.directory.selectors import services_offered_by
from palermo.matrix.grid import build_grid, matrix_gaps
from palermo.matrix.models import ResponseMatrix
from palermo.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_demo_directory_and_matrix_are_made_once() -> None:
    call_command("demo", stdout=io.StringIO())
    call_command("demo", stdout=io.StringIO())
    assert DirectoryEntry.objects.count() == 6
    shelter = Organisation.objects.get(name="Safe Harbour Valmora")
    assert "shelter" in services_offered_by([shelter.pk])[shelter.pk]
    matrix = ResponseMatrix.objects.get()
    gaps = matrix_gaps(build_grid(matrix))
    assert (len(gaps.empty_cells), len(gaps.unassigned)) == (18, 1)
