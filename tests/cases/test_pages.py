"""The case pages as a case worker uses them: open from a person, record consent, refer, and the errors they read."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from palermo.cases.models import Case, Consent, Referral
from palermo.identification.models import Screening
from palermo.identification.services import decision_record, screening_attach_person
from palermo.organisations.models import Membership, Role
from tests.cases.conftest import World, give_referral_consent
from tests.conftest import actor_of, nothing_changes, refer_screening, signed_in_client


def test_person_page_offers_to_open_a_case_and_lists_the_open_ones(world: World) -> None:
    client = signed_in_client(world.worker_a)
    page = client.get(f"/people/{world.case.person_id}/").content.decode()
    assert world.case.reference in page
    assert "Open a case" in page
    response = client.post("/cases/open/", {"person": world.case.person_id})
    new = Case.objects.exclude(pk=world.case.pk).get()
    assert response["Location"] == f"/cases/{new.pk}/"
    listing = client.get("/cases/").content.decode()
    assert new.reference in listing
    assert world.case.reference in listing


def test_another_organisations_person_cannot_get_a_case(world: World) -> None:
    client = signed_in_client(world.worker_b)
    with nothing_changes():
        response = client.post("/cases/open/", {"person": world.case.person_id})
    assert response.status_code == 404
    assert Case.objects.count() == 1


def test_consent_form_explains_what_is_missing(world: World) -> None:
    client = signed_in_client(world.worker_a)
    response = client.post(
        f"/cases/{world.case.pk}/consents/new/",
        {
            "purpose": "referral",
            "status": "given",
            "informed_language": "ro",
            "informed_how": "oral",
            "shared_fields": ["languages"],
            "interpreter": "on",
        },
    )
    assert response.status_code == 400
    assert "A consent to referral names the organisation the case goes to." in response.content.decode()
    # What was typed is kept.
    assert re.search(r'name="shared_fields" value="languages"[^>]*checked', response.content.decode())
    assert not Consent.objects.exists()
    response = client.post(
        f"/cases/{world.case.pk}/consents/new/",
        {
            "purpose": "referral",
            "organisation": world.org_b.pk,
            "status": "given",
            "informed_language": "ro",
            "informed_how": "oral",
            "shared_fields": ["languages"],
            "services": ["shelter"],
        },
    )
    assert response.status_code == 302
    assert Consent.objects.get().fields == ["languages"]


def test_referral_form_shows_the_consent_rule_that_blocks_it(world: World) -> None:
    give_referral_consent(world, ["languages"], ["medical"])
    client = signed_in_client(world.worker_a)
    form = client.get(f"/cases/{world.case.pk}/refer/").content.decode()
    assert "Beta Police" in form
    assert "Alpha Shelter</option>" not in form  # never one's own organisation
    with nothing_changes(reads_audited=True):  # the form comes back with the case, its read audited
        response = client.post(
            f"/cases/{world.case.pk}/refer/", {"to_organisation": world.org_b.pk, "services": ["shelter"], "note": "x"}
        )
    assert response.status_code == 400
    assert "does not cover the service: Temporary shelter or safe accommodation." in response.content.decode()
    assert not Referral.objects.exists()


def test_closing_from_the_page_needs_a_reason(world: World) -> None:
    client = signed_in_client(world.worker_a)
    with nothing_changes(reads_audited=True):
        assert client.post(f"/cases/{world.case.pk}/close/", {"reason": ""}).status_code == 400
    response = client.post(f"/cases/{world.case.pk}/close/", {"reason": "lost_contact", "note": ""})
    assert response.status_code == 302
    page = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert "Contact lost" in page
    assert "Reopen the case" in page


def test_decision_maker_records_a_legal_basis_shown_on_the_case(world: World, member) -> None:  # type: ignore[no-untyped-def]
    decider = member(Role.DECISION_MAKER, world.org_a)
    client = signed_in_client(decider)
    response = client.post(
        f"/cases/{world.case.pk}/legal-basis/new/",
        {
            "purpose": "referral",
            "organisation": world.org_b.pk,
            "shared_fields": ["names"],
            "provision": "Child Protection Act, art. 12",
            "note": "Duty to report",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert "Child Protection Act, art. 12" in page
    worker = signed_in_client(world.worker_a)
    with nothing_changes():
        assert worker.get(f"/cases/{world.case.pk}/legal-basis/new/").status_code == 403


def test_htcds_export_download(world: World) -> None:
    response = signed_in_client(world.worker_a).get(f"/cases/{world.case.pk}/htcds.json")
    assert response.status_code == 200
    assert response.json()["vic_TypeOfExploitation"] == ["ForcedLabour"]
    assert response.json()["cas_CaseNumber"] == world.case.reference


def test_another_app_adds_a_section_to_the_case_page(world: World, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from palermo.cases.panels import CASE_PANELS, register_case_panel

    (tmp_path / "panel_for_test.html").write_text(
        '<section data-testid="extra">Plan for {{ case.reference }}</section>'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0].get("DIRS", []), tmp_path]}]
    register_case_panel("panel_for_test.html")
    try:
        page = signed_in_client(world.worker_a).get(f"/cases/{world.case.pk}/").content.decode()
    finally:
        CASE_PANELS.remove("panel_for_test.html")
    assert f"Plan for {world.case.reference}" in page


def test_recipient_declines_from_the_page_and_the_sender_reads_why(world: World) -> None:
    from palermo.cases.services import referral_send
    from tests.conftest import actor_of

    give_referral_consent(world, ["languages"], ["shelter"])
    referral = referral_send(
        actor=actor_of(world.worker_a), case=world.case, to_organisation=world.org_b, services=["shelter"]
    )
    recipient = signed_in_client(world.worker_b)
    refused = recipient.post(f"/referrals/{referral.pk}/decline/", {"reason": ""}, follow=True)
    assert "Say why you decline" in refused.content.decode()
    response = recipient.post(f"/referrals/{referral.pk}/decline/", {"reason": "No bed free until March"})
    assert response["Location"] == "/referrals/"
    page = signed_in_client(world.worker_a).get(f"/cases/{world.case.pk}/").content.decode()
    assert "Declined" in page
    assert "No bed free until March" in page


def test_sender_revokes_from_the_page(world: World) -> None:
    from palermo.cases.services import referral_send
    from tests.conftest import actor_of

    give_referral_consent(world, ["languages"], ["shelter"])
    referral = referral_send(
        actor=actor_of(world.worker_a), case=world.case, to_organisation=world.org_b, services=["shelter"]
    )
    sender = signed_in_client(world.worker_a)
    assert "Revoke the referral" in sender.get(f"/referrals/{referral.pk}/").content.decode()
    page = sender.post(f"/referrals/{referral.pk}/revoke/", follow=True).content.decode()
    assert "The referral is revoked." in page
    recipient = signed_in_client(world.worker_b)
    with nothing_changes():  # not even an audited read
        assert recipient.get(f"/referrals/{referral.pk}/").status_code == 404


def test_the_referral_form_lists_the_services_each_organisation_offers_in_the_directory(world, member) -> None:  # type: ignore[no-untyped-def]
    from palermo.directory.models import DirectoryEntry

    DirectoryEntry.objects.create(
        name=world.org_b.name,
        actor_type="ngo",
        level="local",
        country="AT",
        services=["shelter", "legal"],
        linked_organisation=world.org_b,
        maintained_by=world.org_b,
    )
    page = signed_in_client(world.worker_a).get(f"/cases/{world.case.pk}/refer/").content.decode()
    assert f"{world.org_b.name} — Temporary shelter or safe accommodation, Legal assistance and representation" in page


def test_assigning_someone_outside_the_organisation_is_refused_and_changes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    before = set(world.case.assigned_to.values_list("pk", flat=True))
    client = signed_in_client(world.worker_a)
    response = client.post(
        f"/cases/{world.case.pk}/assign/",
        {"assigned_to": [world.worker_a.user.pk, world.worker_b.user.pk]},
        follow=True,
    )
    assert "Only case workers of this organisation can be assigned." in response.content.decode()
    assert set(world.case.assigned_to.values_list("pk", flat=True)) == before
    client.post(f"/cases/{world.case.pk}/assign/", {"assigned_to": []})
    assert world.case.assigned_to.count() == 0


def test_case_workers_are_changed_on_their_own_page(world: World, member) -> None:  # type: ignore[no-untyped-def]
    colleague = member(Role.CASE_WORKER, world.org_a)
    colleague.user.full_name = "Ilsabet Quorne"
    colleague.user.save()
    client = signed_in_client(world.worker_a)
    case_page = client.get(f"/cases/{world.case.pk}/").content.decode()
    # The case page names who is assigned and links to the page that changes it; it does not list the staff.
    assert f'href="/cases/{world.case.pk}/assign/"' in case_page
    assert "Ilsabet Quorne" not in case_page
    page = client.get(f"/cases/{world.case.pk}/assign/").content.decode()
    assert re.search(rf'value="{colleague.user.pk}"(?! checked)>\s*Ilsabet Quorne', page)
    assert f'value="{world.worker_b.user.pk}"' not in page  # another organisation's worker is never offered
    response = client.post(f"/cases/{world.case.pk}/assign/", {"assigned_to": [colleague.user.pk]}, follow=True)
    assert response.redirect_chain[-1][0] == f"/cases/{world.case.pk}/"
    assert "Ilsabet Quorne" in response.content.decode()
    assert re.search(
        rf'value="{colleague.user.pk}" checked>', client.get(f"/cases/{world.case.pk}/assign/").content.decode()
    )


def test_the_assign_page_is_for_those_who_manage_cases(world: World, member) -> None:  # type: ignore[no-untyped-def]
    analyst, outsider = signed_in_client(member(Role.ANALYST, world.org_a)), signed_in_client(world.worker_b)
    with nothing_changes():
        assert analyst.get(f"/cases/{world.case.pk}/assign/").status_code == 403
        assert outsider.get(f"/cases/{world.case.pk}/assign/").status_code == 404
        assert analyst.post(f"/cases/{world.case.pk}/assign/", {"assigned_to": []}).status_code == 403
        assert outsider.post(f"/cases/{world.case.pk}/assign/", {"assigned_to": []}).status_code == 404


def test_the_case_page_is_audited_once_with_its_assistance_panel(world: World) -> None:
    from palermo.audit.models import AuditEntry

    before = AuditEntry.objects.count()
    page = signed_in_client(world.worker_a).get(f"/cases/{world.case.pk}/").content.decode()
    assert "Scheme of assistance" in page
    entries = list(AuditEntry.objects.order_by("pk")[before:])
    assert [(e.action, e.object_id) for e in entries] == [("case.view", str(world.case.pk))]


def test_the_case_page_queries_do_not_grow_with_its_records(world: World, member) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from palermo.cases.services import case_note_add, referral_send
    from tests.conftest import actor_of

    client = signed_in_client(world.worker_a)
    client.get(f"/cases/{world.case.pk}/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/cases/{world.case.pk}/")
    colleague = member(Role.CASE_WORKER, world.org_a)
    for author in (world.worker_a, colleague, colleague):
        case_note_add(actor=actor_of(author), case=world.case, text=f"Seen by {author.user.email}")
    give_referral_consent(world, ["languages"], ["shelter"])
    give_referral_consent(world, ["citizenships"], ["legal"])
    referral_send(actor=actor_of(world.worker_a), case=world.case, to_organisation=world.org_b, services=["legal"])
    with CaptureQueriesContext(connection) as more:
        page = client.get(f"/cases/{world.case.pk}/").content.decode()
    # Every note names its author, every consent who recorded it, the referral its organisation.
    assert page.count(colleague.user.full_name or colleague.user.email) >= 2
    assert world.org_b.name in page
    # Only the organisations query is new (the opening event already named a user): one query for all of them.
    assert len(more.captured_queries) == len(few.captured_queries) + 1


def _decided_screening(world: World, decider: Membership, reference: str, *decisions: tuple[str, str]) -> Screening:
    """A referred screening about the case's person, with `decisions` (stage, result) recorded in that order."""
    screening = refer_screening(world.worker_a, reference=reference)
    screening_attach_person(actor=actor_of(world.worker_a), screening=screening, person=world.case.person)
    for stage, result in decisions:
        decision_record(
            actor=actor_of(decider),
            screening=screening,
            stage=stage,
            result=result,
            decided_on=timezone.localdate(),
            reasoning=f"{stage} {result} for {reference}",
        )
    return screening


def _screening_line(page: str, screening: Screening) -> str:
    return next(li for li in page.split("<li>") if f'href="/screenings/{screening.pk}/"' in li).split("</li>")[0]


GROUNDS = "Reasonable grounds: "
CONCLUSIVE = "Conclusive decision on victim status: "
POSITIVE = "Positive: reasonable grounds to believe the person is a victim"
NEGATIVE = "Negative: no reasonable grounds"
IDENTIFIED = "Identified victim of trafficking"
NOT_A_VICTIM = "Not a victim of trafficking"


def test_the_case_page_queries_do_not_grow_with_its_screenings_and_decisions(world: World, member) -> None:  # type: ignore[no-untyped-def]
    """Given screenings each decided at both stages, one decision of each reconsidered, when the case page
    is shown, then it reads all their decisions at once and shows the current one of each stage."""
    decider = member(Role.DECISION_MAKER, world.org_a)
    client = signed_in_client(world.worker_a)
    client.get(f"/cases/{world.case.pk}/")
    with CaptureQueriesContext(connection) as none:
        page = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert "No screening about this person yet." in page

    # The reasonable-grounds decision reconsidered: negative at first, then positive.
    grounds_reconsidered = _decided_screening(
        world,
        decider,
        "Night bus",
        ("reasonable_grounds", "negative"),
        ("reasonable_grounds", "positive"),
        ("conclusive", "not_a_victim"),
    )
    with CaptureQueriesContext(connection) as one:
        page = client.get(f"/cases/{world.case.pk}/").content.decode()
    line = _screening_line(page, grounds_reconsidered)
    assert "Night bus" in line
    assert f"{GROUNDS}{POSITIVE}" in line
    assert NEGATIVE not in line
    assert f"{CONCLUSIVE}{NOT_A_VICTIM}" in line

    plain = _decided_screening(
        world, decider, "Car wash", ("reasonable_grounds", "positive"), ("conclusive", "identified_victim")
    )
    # The conclusive decision reconsidered: identified at first, then not a victim.
    conclusive_reconsidered = _decided_screening(
        world,
        decider,
        "Harbour",
        ("reasonable_grounds", "positive"),
        ("conclusive", "identified_victim"),
        ("conclusive", "not_a_victim"),
    )
    with CaptureQueriesContext(connection) as three:
        page = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert (_screening_line(page, plain).count(POSITIVE), _screening_line(page, plain).count(IDENTIFIED)) == (1, 1)
    line = _screening_line(page, conclusive_reconsidered)
    assert f"{GROUNDS}{POSITIVE}" in line
    assert f"{CONCLUSIVE}{NOT_A_VICTIM}" in line
    assert IDENTIFIED not in line
    line = _screening_line(page, grounds_reconsidered)
    assert (f"{GROUNDS}{POSITIVE}" in line, NEGATIVE in line) == (True, False)
    # One identified victim on any screening makes the person an identified victim.
    assert '<dd data-testid="trafficking-status">Identified victim (positive conclusive decision)</dd>' in page

    # The first screening reads its organisations, catalogues and decisions, one query each; more add none.
    assert len(one.captured_queries) == len(none.captured_queries) + 3
    assert len(three.captured_queries) == len(one.captured_queries)
