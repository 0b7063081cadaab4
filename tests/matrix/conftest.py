from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

from palermo.matrix.models import ResponseMatrix
from palermo.matrix.services import matrix_create
from palermo.organisations.models import Membership, Organisation, Role
from tests.conftest import acting_of


@pytest.fixture
def coordinator(org_a: Organisation, member: Callable[..., Membership]) -> Membership:
    return member(Role.COORDINATOR, org_a)


@pytest.fixture
def matrix(coordinator: Membership) -> ResponseMatrix:
    return matrix_create(
        acting=acting_of(coordinator),
        title="Valmora workshop, day 5",
        held_on=datetime.date(2026, 3, 12),
        participants="Group 1\nGroup 2",
    )
