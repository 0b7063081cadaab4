from __future__ import annotations

import pytest

from tests.assistance.helpers import open_case
from tests.conftest import signed_in_client


@pytest.mark.django_db
def test_panel_page_renders(org_a, member):
    worker = member("case_worker", org_a)
    case = open_case(worker)
    response = signed_in_client(worker).get(f"/cases/{case.pk}/assistance/")
    assert response.status_code == 200, response.content[:3000]
    assert b"Scheme of assistance" in response.content
    assert signed_in_client(worker).get("/work/").status_code == 200
    assert signed_in_client(worker).get("/").status_code == 200
