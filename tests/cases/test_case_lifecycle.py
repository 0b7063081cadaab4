"""A case through its life: the trafficking status follows the decisions, closure and reopening keep their
history, referrals are answered or flagged when nobody answers, and the HTCDS export loses nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from palermo.cases import vocabularies
from palermo.cases.htcds import case_from_htcds, case_to_htcds
from palermo.cases.models import Case, CaseEvent
from palermo.cases.selectors import case_trafficking_status, htcds_case_status
from palermo.cases.services import case_close, case_link_screening, case_reopen, case_update_exploitation
from palermo.identification.models import Screening
from palermo.identification.selectors import screening_catalogue
from palermo.identification.services import (
    decision_record,
    screening_answer,
    screening_attach_person,
    screening_complete,
    screening_start,
    screening_submit_for_decision,
)
from palermo.organisations.models import Membership, Role
from tests.cases.conftest import World
from tests.conftest import acting_of, api_client, nothing_changes, signed_in_client


def _referred_screening(world: World, *, attach: bool = True) -> Screening:
    acting = acting_of(world.worker_a)
    screening = screening_start(acting=acting, catalogue_id="municipal-labour", reference="Orchard, night shift")
    first = screening_catalogue(screening).dimensions[0]
    screening_answer(
        acting=acting, screening=screening, dimension_id=first.id, answers={first.indicators[0].id: "yes"}, notes={}
    )
    screening_complete(acting=acting, screening=screening, palermo={})
    screening_submit_for_decision(acting=acting, screening=screening)
    if attach:
        screening_attach_person(acting=acting, screening=screening, person=world.case.person)
    return screening


def _decide(decider: Membership, screening: Screening, stage: str, result: str) -> None:
    decision_record(
        acting=acting_of(decider),
        screening=screening,
        stage=stage,
        result=result,
        decided_on=timezone.localdate(),
        reasoning="Consistent account.",
    )


def test_trafficking_status_follows_the_decisions(world: World, member) -> None:  # type: ignore[no-untyped-def]
    decider = member(Role.DECISION_MAKER, world.org_a)
    assert case_trafficking_status(world.case) == "possible"
    screening = _referred_screening(world)
    assert case_trafficking_status(world.case) == "possible"
    _decide(decider, screening, "reasonable_grounds", "positive")
    assert case_trafficking_status(world.case) == "presumed"
    _decide(decider, screening, "conclusive", "identified_victim")
    assert case_trafficking_status(world.case) == "identified"
    # A reconsideration supersedes: the status follows the current decision.
    _decide(decider, screening, "conclusive", "not_a_victim")
    assert case_trafficking_status(world.case) == "not_a_victim"
    page = signed_in_client(world.worker_a).get(f"/cases/{world.case.pk}/").content.decode()
    assert "Not a victim" in page
    assert "Orchard, night shift" in page


def test_negative_reasonable_grounds_means_not_a_victim(world: World, member) -> None:  # type: ignore[no-untyped-def]
    screening = _referred_screening(world)
    _decide(member(Role.DECISION_MAKER, world.org_a), screening, "reasonable_grounds", "negative")
    assert case_trafficking_status(world.case) == "not_a_victim"
    assert api_client(world.worker_a).get(f"/api/v1/cases/{world.case.pk}").json()["trafficking_status"] == (
        "not_a_victim"
    )


def test_a_screening_linked_explicitly_counts_too(world: World, member) -> None:  # type: ignore[no-untyped-def]
    screening = _referred_screening(world, attach=False)
    _decide(member(Role.DECISION_MAKER, world.org_a), screening, "reasonable_grounds", "positive")
    assert case_trafficking_status(world.case) == "possible"
    response = api_client(world.worker_a).post(
        f"/api/v1/cases/{world.case.pk}/screenings", {"screening": screening.pk}, format="json"
    )
    assert response.json()["trafficking_status"] == "presumed"
    assert [s["id"] for s in response.json()["screenings"]] == [screening.pk]
    case_link_screening(acting=acting_of(world.worker_a), case=world.case, screening=screening)  # twice: one link
    assert world.case.screening_links.count() == 1


def test_opening_a_case_from_a_screening_links_it(world: World) -> None:
    screening = _referred_screening(world)
    response = signed_in_client(world.worker_a).post("/cases/open/", {"screening": screening.pk})
    case = Case.objects.exclude(pk=world.case.pk).get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/"
    assert case.screening_links.get().screening == screening


def test_closing_and_reopening_keep_the_history(world: World) -> None:
    acting = acting_of(world.worker_a)
    follow_up = timezone.localdate() + datetime.timedelta(days=90)
    case_close(acting=acting, case=world.case, reason="assistance_completed", note="Back home", follow_up_on=follow_up)
    world.case.refresh_from_db()
    assert world.case.status == "closed"
    assert htcds_case_status(world.case) == "FollowUp"
    with pytest.raises(ValidationError):
        case_close(acting=acting, case=world.case, reason="other")
    case_reopen(acting=acting, case=world.case, reason="She called the hotline again")
    world.case.refresh_from_db()
    assert world.case.status == "open"
    assert world.case.follow_up_on is None
    kinds = list(CaseEvent.objects.filter(case=world.case).values_list("kind", flat=True))
    assert kinds[-2:] == ["closed", "reopened"]
    page = signed_in_client(world.worker_a).get(f"/cases/{world.case.pk}/").content.decode()
    assert "Case closed" in page
    assert "Case reopened" in page
    assert "Assistance completed" in page
    assert "She called the hotline again" in page  # in a note, encrypted, not in the event detail


def test_closure_through_the_api_needs_a_known_reason(world: World) -> None:
    client = api_client(world.worker_a)
    with nothing_changes(reads_audited=True):
        refused = client.post(f"/api/v1/cases/{world.case.pk}/close", {"reason": "bored"}, format="json")
    assert refused.status_code == 400
    assert "reason" in refused.json()["error"]["fields"]
    closed = client.post(f"/api/v1/cases/{world.case.pk}/close", {"reason": "referred"}, format="json").json()
    assert closed["status"] == "closed"
    assert closed["htcds_status"] == "ClosedReferred"
    reopened = client.post(f"/api/v1/cases/{world.case.pk}/reopen", {"reason": "new needs"}, format="json")
    assert reopened.json()["status"] == "open"


def test_notes_are_append_only(world: World) -> None:
    client = api_client(world.worker_a)
    note = client.post(f"/api/v1/cases/{world.case.pk}/notes", {"text": "First visit"}, format="json").json()
    from palermo.cases.models import CaseNote

    stored = CaseNote.objects.get(pk=note["id"])
    stored.text = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        stored.save()
    assert client.get(f"/api/v1/cases/{world.case.pk}/notes").json()[0]["author"] == world.worker_a.user_id


def test_htcds_export_round_trips_every_vocabulary_value(world: World) -> None:
    acting = acting_of(world.worker_a)
    case_update_exploitation(
        acting=acting,
        case=world.case,
        exploitation_types=list(vocabularies.codes("type_of_exploitation")),
        methods_of_control=list(vocabularies.codes("methods_of_control")),
        recruitment_country="RO",
        recruitment_locality="Iasi",
        exploitation_country="AT",
        exploitation_locality="Graz",
    )
    exported = case_to_htcds(world.case)
    assert exported["vic_TypeOfExploitation"] == list(vocabularies.codes("type_of_exploitation"))
    assert exported["cas_Status"] == "Active"
    assert exported["vic_TraffickingStatus"] == "PossibleVictimOfTrafficking"
    back = case_from_htcds(exported)
    assert back["exploitation_types"] == list(vocabularies.codes("type_of_exploitation"))
    assert back["methods_of_control"] == list(vocabularies.codes("methods_of_control"))
    assert (back["recruitment_country"], back["recruitment_locality"]) == ("RO", "Iasi")
    assert (back["exploitation_country"], back["exploitation_locality"]) == ("AT", "Graz")
    assert back["trafficking_status"] == "possible"
    for status in vocabularies.codes("case_status"):
        assert case_from_htcds({"cas_Status": status})["case_status"] == status
    for status in vocabularies.codes("trafficking_status"):
        exported = {
            "vic_TraffickingStatus": vocabularies.htcds_value("trafficking_status", status),
            "palermo_TraffickingStatus": status,
        }
        assert case_from_htcds(exported)["trafficking_status"] == status
    with pytest.raises(ValueError, match="Kidnapping"):
        case_from_htcds({"vic_TypeOfExploitation": ["Kidnapping"]})


def test_vocabularies_match_the_htcds_standard_file() -> None:
    import csv
    from pathlib import Path

    # shared/ lies beside the checkout (as on the developers' machines and in CI).
    source = Path(__file__).resolve().parents[3] / "shared" / "data" / "htcds" / "htcds-2.0-field-standards.csv"
    if not source.exists():
        pytest.skip(f"the HTCDS source file is not at {source}")
    rows = {r["Field Name including Prefix"]: r for r in csv.DictReader(source.open(encoding="utf-8"))}
    for field, vocabulary in (
        ("vic_TypeOfExploitation", "type_of_exploitation"),
        ("vic_MethodsOfControl", "methods_of_control"),
        ("cas_Status", "case_status"),
    ):
        standard = [v.strip() for v in rows[field]["Value Names (if picklist)"].split("\n") if v.strip()]
        assert list(vocabularies.codes(vocabulary)) == standard
    for vocabulary in ("type_of_exploitation", "methods_of_control", "case_status", "closure_reasons"):
        for entry in vocabularies.entries(vocabulary):
            assert entry["label"]["en"]
            assert entry["label"]["fr"]
