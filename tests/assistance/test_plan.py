"""The assistance plan: services of the catalogue, provider, status, dates and encrypted notes; and
what the consent projection may share of it."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from palermo.assistance.models import PathwayStage, PlanItem, RiskAssessment
from palermo.assistance.services import plan_item_add, plan_item_delete, plan_item_update, risk_assessment_record
from palermo.assistance.sharing import shared_assistance_plan, shared_risk
from palermo.organisations.models import Role
from palermo.worklist.models import Task
from tests.assistance.helpers import open_case
from tests.conftest import acting_of

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def worker(org_a, member):
    return member(Role.CASE_WORKER, org_a)


@pytest.fixture
def case(worker):
    return open_case(worker)


def test_a_plan_item_names_service_variant_provider_dates_and_keeps_notes_encrypted(worker, case, org_b):
    item = plan_item_add(
        acting=acting_of(worker),
        case=case,
        service="shelter",
        variant="origin",
        provider_organisation=org_b,
        starts_on=TODAY,
        ends_on=TODAY + 30 * DAY,
        notes="Room 4, near her cousin Maria",
    )
    assert (item.service_label, item.get_variant_display(), item.provider, item.status) == (
        "Temporary shelter or safe accommodation",
        "In the country of origin",
        org_b.name,
        "planned",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM assistance_planitem")
        assert "Maria" not in cursor.fetchone()[0]


def test_a_plan_item_goes_through_its_statuses_and_is_late_past_its_end(worker, case):
    acting = acting_of(worker)
    item = plan_item_add(
        acting=acting,
        case=case,
        service="legal",
        provider_name="Lawyers without borders",
        ends_on=TODAY - DAY,
        starts_on=TODAY - 9 * DAY,
    )
    assert item.is_late
    plan_item_update(acting=acting, item=item, status="in_progress")
    assert PlanItem.objects.get().is_late
    plan_item_update(acting=acting, item=item, status="refused")
    item = PlanItem.objects.get()
    assert (item.get_status_display(), item.is_late) == ("Refused by the person", False)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"service": "teleportation"}, "service"),
        ({"service": "legal", "variant": "moon"}, "variant"),
        ({"service": "legal", "status": "lost"}, "status"),
        ({"service": "legal", "provider_name": "Both", "provider_organisation": "org_b"}, "provider_name"),
        ({"service": "legal", "starts_on": TODAY, "ends_on": TODAY - DAY}, "ends_on"),
    ],
)
def test_bad_plan_items_are_refused_with_the_field_named(worker, case, org_b, values, field):
    if values.get("provider_organisation") == "org_b":
        values = {**values, "provider_organisation": org_b}
    with pytest.raises(ValidationError) as error:
        plan_item_add(acting=acting_of(worker), case=case, **values)
    assert list(error.value.message_dict) == [field]
    assert not PlanItem.objects.exists()


def test_only_the_owning_organisations_case_workers_change_the_plan(worker, case, org_a, org_b, member):
    item = plan_item_add(acting=acting_of(worker), case=case, service="medical")
    for membership in (member(Role.DECISION_MAKER, org_a), member(Role.CASE_WORKER, org_b)):
        with pytest.raises(PermissionDenied):
            plan_item_add(acting=acting_of(membership), case=case, service="medical")
        with pytest.raises(PermissionDenied):
            plan_item_update(acting=acting_of(membership), item=item, status="delivered")
        with pytest.raises(PermissionDenied):
            plan_item_delete(acting=acting_of(membership), item=item)
    assert PlanItem.objects.get().status == "planned"


def test_shared_values_carry_no_notes(worker, case, org_b):
    acting = acting_of(worker)
    assert shared_risk(case) is None
    assert shared_assistance_plan(case) == []
    plan_item_add(
        acting=acting, case=case, service="medical", provider_organisation=org_b, starts_on=TODAY, notes="HIV+"
    )
    risk_assessment_record(
        acting=acting,
        case=case,
        level="high",
        review_on=TODAY + 7 * DAY,
        factors=[{"kind": "health", "rating": "high", "note": "HIV+"}],
    )
    assert shared_risk(case) == {
        "level": "high",
        "assessed_on": TODAY.isoformat(),
        "review_on": (TODAY + 7 * DAY).isoformat(),
    }
    assert shared_assistance_plan(case) == [
        {
            "service": "medical",
            "service_label": "Medical care and health check-up",
            "variant": "destination",
            "provider": org_b.name,
            "status": "planned",
            "starts_on": TODAY.isoformat(),
            "ends_on": None,
        }
    ]


def test_the_demo_case_has_a_pathway_a_plan_a_high_risk_and_a_task():
    call_command("demo", stdout=io.StringIO())
    call_command("demo", stdout=io.StringIO())  # idempotent
    assert PathwayStage.objects.count() == 5
    assert PlanItem.objects.count() == 3
    assert list(RiskAssessment.objects.values_list("level", flat=True)) == ["high"]
    assert Task.objects.count() == 1
