"""Triage of tips by the receiving organisation: assignment, forwarding, links between tips about the same
place, and turning a tip into a draft screening or a recorded inspection request, each audited."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from palermo.audit.models import AuditEntry
from palermo.identification.models import Screening
from palermo.organisations.models import Role
from palermo.reporting.models import InspectionRequest, Tip, TipConversion, TipForward, TipLink, TipRoute
from palermo.reporting.selectors import tip_link_suggestions_for
from tests.conftest import acting_of, api_client, nothing_changes, signed_in_client


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def worker(org_a, member):
    TipRoute.objects.create(exploitation=TipRoute.ANY, organisation=org_a)
    return member(Role.CASE_WORKER, org_a)


def _tip(description: str = "Workers sleep in the warehouse", **fields: str) -> Tip:
    before = set(Tip.objects.values_list("pk", flat=True))
    response = Client().post("/report/en/", {"description": description, **fields})
    assert response.status_code == 200, response.content
    return Tip.objects.exclude(pk__in=before).get()


# --- Assignment ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_tip_is_assigned_to_a_case_worker_of_the_organisation(worker, member, org_b):
    tip = _tip()
    colleague = member(Role.CASE_WORKER, worker.organisation, user__full_name="Ana Colleague")
    client = signed_in_client(worker)
    page = client.get(f"/tips/{tip.pk}/").content.decode()
    assert "Ana Colleague" in page
    client.post(f"/tips/{tip.pk}/", {"action": "assign", "assigned_to": colleague.user_id})
    tip.refresh_from_db()
    assert tip.assigned_to == colleague.user
    mine = signed_in_client(colleague).get("/tips/", {"mine": "1"})
    assert [t.pk for t in mine.context["page_obj"].object_list] == [tip.pk]
    assert signed_in_client(worker).get("/tips/", {"mine": "1"}).context["page_obj"].paginator.count == 0
    assert AuditEntry.objects.filter(action="tip.assign", object_id=str(tip.pk)).count() == 1

    for outsider in (member(Role.CASE_WORKER, org_b), member(Role.FIRST_RESPONDER, worker.organisation)):
        with nothing_changes(reads_audited=True):  # the tip's page comes back, its read audited
            refused = client.post(f"/tips/{tip.pk}/", {"action": "assign", "assigned_to": outsider.user_id})
        assert refused.status_code == 400
    tip.refresh_from_db()
    assert tip.assigned_to == colleague.user


@pytest.mark.django_db
def test_assignment_through_the_api(worker, member, org_b):
    tip = _tip()
    api = api_client(worker)
    assert (
        api.post(f"/api/v1/tips/{tip.pk}/assign", {"assigned_to": worker.user_id}, format="json").json()["assigned_to"]
        == worker.user_id
    )
    outsider = member(Role.CASE_WORKER, org_b)
    with nothing_changes(reads_audited=True):
        refused = api.post(f"/api/v1/tips/{tip.pk}/assign", {"assigned_to": outsider.user_id}, format="json")
        me = api.post(f"/api/v1/tips/{tip.pk}/assign", {"assigned_to": "me"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {
        "assigned_to": ["Choose someone of your organisation who handles tips."]
    }
    assert me.status_code == 400
    assert api.post(f"/api/v1/tips/{tip.pk}/assign", {"assigned_to": None}, format="json").json()["assigned_to"] is None
    assert (
        api_client(outsider).post(f"/api/v1/tips/{tip.pk}/assign", {"assigned_to": None}, format="json").status_code
        == 404
    )
    assert APIClient().post(f"/api/v1/tips/{tip.pk}/assign", {}, format="json").status_code == 401
    assert (
        api_client(member(Role.ANALYST, worker.organisation))
        .post(f"/api/v1/tips/{tip.pk}/assign", {"assigned_to": None}, format="json")
        .status_code
        == 403
    )


# --- Forwarding ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_forwarding_moves_the_tip_and_ends_the_forwarders_access(worker, member, org_b):
    police = member(Role.CASE_WORKER, org_b)
    tip = _tip(location="Rue du Port 4")
    other = _tip("Another about the port", location="rue du port, 4")
    client = signed_in_client(worker)
    client.post(f"/tips/{tip.pk}/", {"action": "link", "other": other.pk})
    client.post(f"/tips/{tip.pk}/", {"action": "assign", "assigned_to": worker.user_id})
    forwarded = client.post(
        f"/tips/{tip.pk}/", {"action": "forward", "organisation": org_b.pk, "note": "A police matter"}, follow=True
    )
    assert "The tip went to Beta Police" in forwarded.content.decode()
    assert "Beta Police" in forwarded.content.decode()  # the forwarded list keeps the record
    tip.refresh_from_db()
    assert (tip.organisation, tip.status, tip.assigned_to) == (org_b, "new", None)
    assert TipLink.objects.count() == 0  # what Alpha knew about its own tips stays behind
    with nothing_changes():
        assert client.get(f"/tips/{tip.pk}/").status_code == 404
    assert tip.pk not in [t.pk for t in client.get("/tips/").context["page_obj"].object_list]

    received = signed_in_client(police).get(f"/tips/{tip.pk}/").content.decode()
    assert "Forwarded by Alpha Shelter" in received
    assert "A police matter" in received
    assert "Workers sleep in the warehouse" in received
    assert AuditEntry.objects.filter(action="tip.forward", organisation=worker.organisation).count() == 1
    assert AuditEntry.objects.filter(action="tip.forward_receive", organisation=org_b).count() == 1
    assert TipForward.objects.get().note == "A police matter"


@pytest.mark.django_db
def test_forwarding_refuses_the_own_organisation_and_one_where_nobody_reads_tips(worker, org_b):
    tip = _tip()
    api = api_client(worker)
    with nothing_changes(reads_audited=True):
        to_self = api.post(f"/api/v1/tips/{tip.pk}/forward", {"organisation": worker.organisation_id}, format="json")
        to_nobody = api.post(f"/api/v1/tips/{tip.pk}/forward", {"organisation": org_b.pk}, format="json")
        nowhere = api.post(f"/api/v1/tips/{tip.pk}/forward", {"organisation": 99999}, format="json")
    assert to_self.json()["error"]["fields"] == {"organisation": ["The tip is already with this organisation."]}
    assert to_nobody.status_code == 400
    assert "Nobody in this organisation handles tips" in to_nobody.json()["error"]["fields"]["organisation"][0]
    assert nowhere.status_code == 400
    tip.refresh_from_db()
    assert tip.organisation == worker.organisation
    assert TipForward.objects.count() == 0


@pytest.mark.django_db
def test_forwarding_through_the_api(worker, member, org_b):
    member(Role.CASE_WORKER, org_b)
    tip = _tip()
    forwarded = api_client(worker).post(
        f"/api/v1/tips/{tip.pk}/forward", {"organisation": org_b.pk, "note": "yours"}, format="json"
    )
    assert forwarded.status_code == 201
    assert forwarded.json()["to_organisation"] == org_b.pk
    api = api_client(worker)
    with nothing_changes():
        assert api.get(f"/api/v1/tips/{tip.pk}").status_code == 404


# --- Links ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_tips_about_the_same_place_are_suggested_and_linked(worker, member, org_b):
    first = _tip(location="Rue du Port 4, Valmora")
    same = _tip("Vans at night", location="  RUE DU PORT, 4 — valmora ")
    elsewhere = _tip("Elsewhere", location="Avenue Nord 9")
    assert first.place_index == same.place_index != ""
    assert "Port" not in first.place_index
    suggestions = tip_link_suggestions_for(acting=acting_of(worker), tip=first)
    assert suggestions == [same]
    assert elsewhere not in suggestions

    client = signed_in_client(worker)
    page = client.get(f"/tips/{first.pk}/").content.decode()
    assert f"Link tip {same.pk}" in page
    client.post(f"/tips/{first.pk}/", {"action": "link", "other": same.pk})
    linked = client.get(f"/tips/{same.pk}/").context
    assert [t.pk for t in linked["links"]] == [first.pk]
    assert linked["suggestions"] == []
    assert AuditEntry.objects.filter(action="tip.link").count() == 1

    # A tip of another organisation cannot be linked, nor learnt about by number.
    member(Role.CASE_WORKER, org_b)
    TipRoute.objects.create(exploitation="labour", organisation=org_b)
    theirs = _tip("Theirs", exploitation="labour", location="Rue du Port 4, Valmora")
    with nothing_changes(reads_audited=True):
        refused = client.post(f"/tips/{first.pk}/", {"action": "link", "other": theirs.pk})
        to_itself = client.post(f"/tips/{first.pk}/", {"action": "link", "other": first.pk})
    assert refused.status_code == 400
    assert "There is no tip with this number in your inbox." in refused.content.decode()
    assert theirs not in tip_link_suggestions_for(acting=acting_of(worker), tip=first)
    assert to_itself.status_code == 400

    client.post(f"/tips/{first.pk}/", {"action": "unlink", "other": same.pk})
    assert TipLink.objects.count() == 0
    assert AuditEntry.objects.filter(action="tip.unlink").count() == 1


@pytest.mark.django_db
def test_links_through_the_api(worker, member, org_b):
    first, second = _tip(location="Quay 1"), _tip("b", location="quay 1")
    api = api_client(worker)
    assert api.get(f"/api/v1/tips/{first.pk}").json()["suggested_links"] == [second.pk]
    assert api.post(f"/api/v1/tips/{first.pk}/links", {"other": second.pk}, format="json").json() == {
        "links": [second.pk]
    }
    assert api.get(f"/api/v1/tips/{second.pk}").json()["links"] == [first.pk]
    with nothing_changes(reads_audited=True):
        assert api.post(f"/api/v1/tips/{first.pk}/links", {"other": 424242}, format="json").status_code == 400
    assert (
        api_client(member(Role.CASE_WORKER, org_b)).delete(f"/api/v1/tips/{first.pk}/links/{second.pk}").status_code
        == 404
    )
    assert api.delete(f"/api/v1/tips/{first.pk}/links/{second.pk}").status_code == 204
    assert TipLink.objects.count() == 0


# --- Turning a tip into a screening or an inspection request ---------------------------------------------


@pytest.mark.django_db
def test_a_tip_becomes_a_draft_screening_linked_back_to_it(worker):
    tip = _tip(exploitation="labour")
    made = signed_in_client(worker).post(f"/tips/{tip.pk}/", {"action": "screening"})
    screening = Screening.objects.get()
    assert made.status_code == 302
    assert made.url == f"/screenings/{screening.pk}/"
    assert (screening.organisation, screening.catalogue.catalogue_id, screening.reference) == (
        worker.organisation,
        "municipal-labour",
        f"Tip {tip.pk}",
    )
    assert screening.completed_at is None
    conversion = TipConversion.objects.get()
    assert (conversion.tip, conversion.kind, conversion.object_id) == (tip, "screening", screening.pk)
    page = signed_in_client(worker).get(f"/tips/{tip.pk}/").content.decode()
    assert f'href="/screenings/{screening.pk}/"' in page
    assert AuditEntry.objects.filter(action="tip.convert", detail__kind="screening").count() == 1


@pytest.mark.django_db
def test_a_tip_becomes_a_case_of_a_person_known_only_by_a_reference(worker, member, org_b):
    from palermo.cases.models import Case

    tip = _tip(description="A girl cleans the hotel at night and never leaves", exploitation="labour")
    made = signed_in_client(worker).post(f"/tips/{tip.pk}/", {"action": "case"})
    case = Case.objects.get()
    assert made.status_code == 302
    assert made.url == f"/cases/{case.pk}/"
    assert (case.organisation, case.exploitation_types) == (worker.organisation, ["ForcedLabour"])
    assert (case.person.given_names, case.person.family_name, case.person.reference.startswith("P-")) == ("", "", True)
    # Nothing of the reporter's words is copied into the case; the note only points back at the tip.
    assert [note.text for note in case.notes.all()] == [f"Opened from anonymous tip {tip.pk}."]
    assert TipConversion.objects.get().kind == "case"
    page = signed_in_client(worker).get(f"/tips/{tip.pk}/").content.decode()
    assert f'href="/cases/{case.pk}/"' in page
    # Through the API as well; and never for someone who may not open cases.
    api = api_client(worker)
    second = api.post(f"/api/v1/tips/{tip.pk}/conversions", {"kind": "case"}, format="json")
    assert second.status_code == 201
    assert Case.objects.count() == 2
    outsider = member(Role.CASE_WORKER, org_b)
    assert (
        api_client(outsider).post(f"/api/v1/tips/{tip.pk}/conversions", {"kind": "case"}, format="json").status_code
        == 404
    )


@pytest.mark.django_db
def test_a_tip_becomes_a_recorded_inspection_request(worker, member, org_b):
    tip = _tip(location="Farm road 3", exploitation="labour")
    client = signed_in_client(worker)
    assert 'value="Farm road 3"' in client.get(f"/tips/{tip.pk}/").content.decode()
    with nothing_changes(reads_audited=True):
        missing = client.post(
            f"/tips/{tip.pk}/", {"action": "inspection_request", "target": org_b.pk, "place": "Farm road 3"}
        )
    assert missing.status_code == 400
    assert InspectionRequest.objects.count() == 0
    made = client.post(
        f"/tips/{tip.pk}/",
        {"action": "inspection_request", "target": org_b.pk, "place": "Farm road 3", "scope": "Working hours, pay"},
        follow=True,
    )
    inspection = InspectionRequest.objects.get()
    assert (inspection.organisation, inspection.target, inspection.tip, inspection.status) == (
        worker.organisation,
        org_b,
        tip,
        "recorded",
    )
    assert "Working hours, pay" in made.content.decode()
    client.post("/tips/inspections/", {"inspection": inspection.pk, "status": "sent"})
    inspection.refresh_from_db()
    assert inspection.status == "sent"
    with nothing_changes(reads_audited=True):
        assert client.post("/tips/inspections/", {"inspection": inspection.pk, "status": "lost"}).status_code == 400
    inspection.refresh_from_db()
    assert inspection.status == "sent"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "tip.convert",
        "inspection_request.record",
        "inspection_request.status",
        "inspection_request.list",
    } <= actions

    outsider = signed_in_client(member(Role.CASE_WORKER, org_b))
    analyst = signed_in_client(member(Role.ANALYST, worker.organisation))
    assert "Farm road 3" not in outsider.get("/tips/inspections/").content.decode()
    with nothing_changes():
        assert outsider.post("/tips/inspections/", {"inspection": inspection.pk, "status": "done"}).status_code == 404
        assert analyst.get("/tips/inspections/").status_code == 403


@pytest.mark.django_db
def test_conversions_through_the_api(worker, member, org_b):
    tip = _tip()
    api = api_client(worker)
    screening = api.post(f"/api/v1/tips/{tip.pk}/conversions", {"kind": "screening"}, format="json")
    assert screening.status_code == 201
    assert screening.json()["kind"] == "screening"
    assert Screening.objects.get().catalogue.catalogue_id == "municipal-general"
    with nothing_changes(reads_audited=True):
        bad = api.post(
            f"/api/v1/tips/{tip.pk}/conversions", {"kind": "inspection_request", "target": "x"}, format="json"
        )
        invoice = api.post(f"/api/v1/tips/{tip.pk}/conversions", {"kind": "invoice"}, format="json")
    assert set(bad.json()["error"]["fields"]) == {"target", "place", "scope"}
    assert invoice.status_code == 400
    made = api.post(
        f"/api/v1/tips/{tip.pk}/conversions",
        {"kind": "inspection_request", "target": org_b.pk, "place": "Quay", "scope": "Contracts"},
        format="json",
    )
    inspection_id = made.json()["object_id"]
    listed = api.get("/api/v1/inspection-requests").json()
    assert [(i["id"], i["place"], i["status"]) for i in listed] == [(inspection_id, "Quay", "recorded")]
    assert (
        api.post(f"/api/v1/inspection-requests/{inspection_id}/status", {"status": "done"}, format="json").json()[
            "status"
        ]
        == "done"
    )
    assert api.get(f"/api/v1/tips/{tip.pk}").json()["conversions"] == [
        {"kind": "screening", "object_id": Screening.objects.get().pk},
        {"kind": "inspection_request", "object_id": inspection_id},
    ]
    outsider = api_client(member(Role.CASE_WORKER, org_b))
    with nothing_changes():
        converted = outsider.post(f"/api/v1/tips/{tip.pk}/conversions", {"kind": "screening"}, format="json")
        status = outsider.post(f"/api/v1/inspection-requests/{inspection_id}/status", {"status": "sent"}, format="json")
    assert converted.status_code == 404
    assert status.status_code == 404
    assert outsider.get("/api/v1/inspection-requests").json() == []


@pytest.mark.django_db
def test_triage_cannot_mark_a_tip_forwarded_without_forwarding_it(worker):
    tip = _tip()
    api = api_client(worker)
    with nothing_changes(reads_audited=True):
        refused = api.post(f"/api/v1/tips/{tip.pk}/triage", {"status": "forwarded"}, format="json")
    assert refused.status_code == 400
    tip.refresh_from_db()
    assert tip.status == "new"


@pytest.mark.django_db
def test_new_pages_and_actions_over_anonymous_outsider_wrong_role_and_right_role(worker, member, org_b):
    tip = _tip()
    member(Role.CASE_WORKER, org_b)
    for path in ("/tips/forwarded/", "/tips/inspections/"):
        assert Client().get(path).status_code == 302
        coordinator = signed_in_client(member(Role.COORDINATOR, worker.organisation))
        with nothing_changes():
            assert coordinator.get(path).status_code == 403
        assert signed_in_client(worker).get(path).status_code == 200
    actions = [
        {"action": "assign", "assigned_to": worker.user_id},
        {"action": "forward", "organisation": org_b.pk},
        {"action": "screening"},
        {"action": "inspection_request", "target": org_b.pk, "place": "x", "scope": "y"},
    ]
    outsider = signed_in_client(member(Role.CASE_WORKER, org_b))
    wrong_role = signed_in_client(member(Role.FIRST_RESPONDER, worker.organisation))
    for data in actions:
        with nothing_changes():
            assert Client().post(f"/tips/{tip.pk}/", data).status_code == 302
            assert outsider.post(f"/tips/{tip.pk}/", data).status_code == 404
            assert wrong_role.post(f"/tips/{tip.pk}/", data).status_code == 403
    tip.refresh_from_db()
    assert (tip.organisation, tip.assigned_to) == (worker.organisation, None)
    assert TipConversion.objects.count() == TipForward.objects.count() == InspectionRequest.objects.count() == 0


@pytest.mark.django_db
def test_older_tips_get_their_place_index_from_the_command_line(worker, capsys):
    tip = _tip(location="Quay 7")
    second = _tip("b", location="quay 7")
    Tip.objects.update(place_index="")
    call_command("tips", "index-places")
    assert "2 tips indexed by place." in capsys.readouterr().out
    tip.refresh_from_db()
    second.refresh_from_db()
    assert tip.place_index == second.place_index != ""


@pytest.mark.django_db
def test_the_inbox_costs_the_same_queries_for_few_or_many_assigned_tips(worker):
    client = signed_in_client(worker)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/tips/").status_code == 200
        return len(captured)

    _tip()
    Tip.objects.update(assigned_to=worker.user)
    few = queries()
    for n in range(5):
        _tip(f"more {n}")
    Tip.objects.update(assigned_to=worker.user)
    assert queries() == few
