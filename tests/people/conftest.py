from __future__ import annotations

import pytest

from palermo.organisations.models import Membership, Role


@pytest.fixture
def worker(org_a, member) -> Membership:
    return member(Role.CASE_WORKER, org_a)
