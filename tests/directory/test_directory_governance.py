"""A directory entry linked to a Palermo organisation belongs to that organisation: nobody else can publish
an "official" entry for it, lock it out of its own entry, or change it; the deployment coordinator can,
and the organisation sees it in its own audit trail."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from palermo.audit.models import AuditEntry
from palermo.directory.models import DirectoryEntry
from palermo.directory.services import directory_entry_create, directory_entry_update
from palermo.organisations.models import Membership, Organisation, Role
from tests.conftest import acting_of, api_client, nothing_changes, signed_in_client
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

FORM = {"actor_type": "government", "level": "local", "country": "ZZ"}


def _entries() -> list[tuple[str, int | None, int]]:
    return sorted(DirectoryEntry.objects.values_list("name", "linked_organisation", "maintained_by"))


def test_another_organisation_cannot_publish_an_entry_for_it(
    org_a: Organisation, org_b: Organisation, member: Callable[..., Membership]
) -> None:
    impostor = member(Role.COORDINATOR, org_a)
    fake = {"name": "Beta Police (official)", "safe_contact": "Call 0900 111", **FORM}
    page_client, api_of_impostor = signed_in_client(impostor), api_client(impostor)
    with nothing_changes():
        with pytest.raises(PermissionDenied):
            directory_entry_create(acting=acting_of(impostor), linked_organisation=org_b, **fake)
        page = page_client.post(reverse("directory:create"), {**fake, "linked_organisation": org_b.pk, "country": "ZZ"})
        api = api_of_impostor.post("/api/v1/directory", {**fake, "linked_organisation": org_b.pk}, format="json")
    assert page.status_code == 403
    assert page.context["form"].errors["linked_organisation"] == [
        "Only this organisation's coordinators, or the deployment coordinator, can link an entry to it."
    ]
    assert api.status_code == 403
    assert DirectoryEntry.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="directory.").exists()
    # So the real organisation is not locked out: its own coordinator adds its entry.
    real = directory_entry_create(
        acting=acting_of(member(Role.COORDINATOR, org_b)), linked_organisation=org_b, name="Beta Police", **FORM
    )
    assert (real.linked_organisation, real.maintained_by) == (org_b, org_b)


def test_an_entry_cannot_be_relinked_to_another_organisation(
    org_a: Organisation, org_b: Organisation, member: Callable[..., Membership]
) -> None:
    coordinator = member(Role.COORDINATOR, org_a)
    mine = directory_entry_create(acting=acting_of(coordinator), name="Alpha", **FORM)
    client = api_client(coordinator)
    with nothing_changes():
        with pytest.raises(PermissionDenied):
            directory_entry_update(acting=acting_of(coordinator), entry=mine, linked_organisation=org_b)
        api = client.patch(f"/api/v1/directory/{mine.pk}", {"linked_organisation": org_b.pk}, format="json")
    assert api.status_code == 403
    assert _entries() == [("Alpha", None, org_a.pk)]


def test_an_entry_another_organisation_made_for_it_belongs_to_the_organisation_it_describes(
    org_a: Organisation, org_b: Organisation, member: Callable[..., Membership]
) -> None:
    # Made before this rule: Alpha's coordinator published an entry claiming Beta.
    seized = DirectoryEntry.objects.create(
        name="Beta (official)", linked_organisation=org_b, maintained_by=org_a, **FORM
    )
    edit = reverse("directory:update", args=[seized.pk])
    alpha = member(Role.COORDINATOR, org_a)
    alpha_page, alpha_api = signed_in_client(alpha), api_client(alpha)
    worker_b = signed_in_client(member(Role.CASE_WORKER, org_b))
    with nothing_changes():
        assert Client().get(edit).status_code == 302
        assert alpha_page.post(edit, {"name": "Still mine", **FORM}).status_code == 403
        assert alpha_api.patch(f"/api/v1/directory/{seized.pk}", {"name": "x"}, format="json").status_code == 403
        assert worker_b.get(edit).status_code == 403
        assert APIClient().patch(f"/api/v1/directory/{seized.pk}", {"name": "x"}, format="json").status_code == 401
    assert _entries() == [("Beta (official)", org_b.pk, org_a.pk)]
    beta = signed_in_client(member(Role.COORDINATOR, org_b))
    done = beta.post(edit, {"name": "Beta Police", **FORM, "linked_organisation": org_b.pk})
    assert done.status_code == 302, done.context["form"].errors
    # Beta takes over the maintenance of its own entry.
    assert _entries() == [("Beta Police", org_b.pk, org_b.pk)]


def test_the_deployment_coordinator_links_entries_and_the_organisation_sees_it(
    org_a: Organisation, org_b: Organisation, member: Callable[..., Membership]
) -> None:
    national = OrganisationFactory(name="National Office")
    governor = acting_of(member(Role.DEPLOYMENT_COORDINATOR, national))
    made = directory_entry_create(acting=governor, name="Beta Police", linked_organisation=org_b, **FORM)
    directory_entry_update(acting=governor, entry=made, safe_contact="Front desk")
    directory_entry_update(acting=governor, entry=made, linked_organisation=org_a)
    made.refresh_from_db()
    assert (made.linked_organisation, made.maintained_by) == (org_a, org_a)
    trail = list(
        AuditEntry.objects.filter(action__startswith="directory.")
        .order_by("pk")
        .values_list("action", "organisation__name", "detail")
    )
    assert trail == [
        ("directory.create", "National Office", {}),
        ("directory.create", "Beta Police", {}),
        ("directory.update", "National Office", {"fields": ["safe_contact"]}),
        ("directory.update", "Beta Police", {"fields": ["safe_contact"]}),
        ("directory.update", "National Office", {"fields": ["linked_organisation"]}),
        ("directory.update", "Alpha Shelter", {"fields": ["linked_organisation"]}),
        ("directory.update", "Beta Police", {"fields": ["linked_organisation"]}),
    ]
    trail_page = signed_in_client(member(Role.ORG_ADMIN, org_b)).get("/audit/?action=directory").content.decode()
    assert trail_page.count("Changed a directory entry") == 2
    assert trail_page.count("Added an organisation to the directory") == 1
