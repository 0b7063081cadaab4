"""The demo holds a referred case, once, however often it runs."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from palermo.cases.models import Case
from palermo.referrals.models import Referral


@pytest.mark.django_db
def test_demo_refers_one_case_from_the_shelter_to_social_services() -> None:
    call_command("demo", verbosity=0)
    call_command("demo", verbosity=0)
    referral = Referral.objects.get()
    assert referral.organisation.name == "Safe Harbour Valmora"
    assert referral.to_organisation.name == "Valmora Social Services"
    assert referral.status == "pending"
    assert Case.objects.count() == 1
