"""The case pages as a case worker uses them: open from a person, record consent, refer, and the errors they read."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from palermo.cases.models import Case
from palermo.identification.models import Screening
from palermo.identification.services import decision_record, screening_attach_person
from palermo.organisations.models import Membership, Organisation, Role
from tests.cases.conftest import World, give_referral_consent
from tests.conftest import acting_of, api_client, nothing_changes, signed_in_client, submit_screening_for_decision


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


def test_closing_from_the_page_needs_a_reason(world: World) -> None:
    client = signed_in_client(world.worker_a)
    with nothing_changes(reads_audited=True):
        assert client.post(f"/cases/{world.case.pk}/close/", {"reason": ""}).status_code == 400
    response = client.post(f"/cases/{world.case.pk}/close/", {"reason": "lost_contact", "note": ""})
    assert response.status_code == 302
    page = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert "Contact lost" in page
    assert "Reopen the case" in page


def test_htcds_export_download(world: World) -> None:
    response = signed_in_client(world.worker_a).get(f"/cases/{world.case.pk}/htcds.json")
    assert response.status_code == 200
    assert response.json()["vic_TypeOfExploitation"] == ["ForcedLabour"]
    assert response.json()["cas_CaseNumber"] == world.case.reference


def test_the_htcds_export_names_no_staff_e_mail(world: World) -> None:
    """An export travels outside Palermo: the case owner is a user lookup, never the person's address."""
    world.case.assigned_to.add(world.worker_a.user)
    page = signed_in_client(world.worker_a).get(f"/cases/{world.case.pk}/htcds.json")
    api = api_client(world.worker_a).get(f"/api/v1/cases/{world.case.pk}/htcds")
    for response in (page, api):
        assert response.status_code == 200
        assert world.worker_a.user.email not in response.content.decode()
        assert "@" not in response.content.decode()
        assert response.json()["cas_CaseOwner"] == [f"palermo-user-{world.worker_a.user_id}"]
        assert response.json()["palermo_CaseOwnerOrganisation"] == world.org_a.name


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

    from palermo.cases.services import case_note_add
    from palermo.referrals.services import referral_send
    from tests.conftest import acting_of

    client = signed_in_client(world.worker_a)
    client.get(f"/cases/{world.case.pk}/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/cases/{world.case.pk}/")
    colleague = member(Role.CASE_WORKER, world.org_a)
    for author in (world.worker_a, colleague, colleague):
        case_note_add(acting=acting_of(author), case=world.case, text=f"Seen by {author.user.email}")
    give_referral_consent(world, ["languages"], ["shelter"])
    give_referral_consent(world, ["citizenships"], ["legal"])
    referral_send(acting=acting_of(world.worker_a), case=world.case, to_organisation=world.org_b, services=["legal"])
    with CaptureQueriesContext(connection) as more:
        page = client.get(f"/cases/{world.case.pk}/").content.decode()
    # Every note names its author, every consent who recorded it, the referral its organisation.
    assert page.count(colleague.user.full_name or colleague.user.email) >= 2
    assert world.org_b.name in page
    # Nothing new: the users share one query (the opening event already named one), and the consents and
    # referrals sections read their organisations and authors with their own rows.
    assert len(more.captured_queries) == len(few.captured_queries)


def _decided_screening(world: World, decider: Membership, reference: str, *decisions: tuple[str, str]) -> Screening:
    """A referred screening about the case's person, with `decisions` (stage, result) recorded in that order."""
    screening = submit_screening_for_decision(world.worker_a, reference=reference)
    screening_attach_person(acting=acting_of(world.worker_a), screening=screening, person=world.case.person)
    for stage, result in decisions:
        decision_record(
            acting=acting_of(decider),
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

    # The first screening adds one query, its decisions (its organisation comes with it); more add none.
    assert len(one.captured_queries) == len(none.captured_queries) + 1
    assert len(three.captured_queries) == len(one.captured_queries)


def test_the_case_page_shows_its_sections_in_the_same_order(world: World) -> None:
    """Assistance, consents and referrals come from their own apps (case panels) and keep their place."""
    page = signed_in_client(world.worker_a).get(f"/cases/{world.case.pk}/").content.decode()
    ids = re.findall(r'<h2 id="([a-z-]+)-h"', page)
    sections = [
        "person",
        "status",
        "exploitation",
        "screenings",
        "consents",
        "referrals",
        "attachments",
        "notes",
        "history",
    ]
    assert [i for i in ids if i in sections] == sections
    assert ids.index("screenings") < ids.index("assistance") < ids.index("consents")


def _one_of_each(world: World, decider: Membership, member, round: int) -> Organisation:  # type: ignore[no-untyped-def]
    """One more of every record the case page lists, each naming a new user or organisation where it names one:
    a screening with decisions at both stages, a note, a consent, a legal basis, a referral, a file, a plan
    item and a risk assessment (with an open review)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from palermo.assistance.services import plan_item_add, risk_assessment_record, risk_review_request
    from palermo.cases.services import case_attachment_add, case_note_add
    from palermo.consent.services import legal_basis_record
    from palermo.referrals.services import referral_send
    from tests.factories import OrganisationFactory
    from tests.reporting.photos import blank

    partner = OrganisationFactory(name=f"Partner {round}")
    author = member(Role.CASE_WORKER, world.org_a)
    acting = acting_of(author)
    _decided_screening(
        world, decider, f"Round {round}", ("reasonable_grounds", "positive"), ("conclusive", "identified_victim")
    )
    case_note_add(acting=acting, case=world.case, text=f"Note of round {round}")
    give_referral_consent(world, ["languages"], ["shelter"], recipient=partner)
    referral_send(acting=acting, case=world.case, to_organisation=partner, services=["shelter"])
    legal_basis_record(
        acting=acting_of(decider), case=world.case, purpose="referral", provision=f"Act {round}", recipient=partner
    )
    upload = SimpleUploadedFile(f"scan-{round}.png", blank("PNG", "RGB", (8, 8)))
    case_attachment_add(acting=acting, case=world.case, upload=upload, title=f"File of round {round}")
    plan_item_add(acting=acting, case=world.case, service="shelter", provider_organisation=partner)
    today = timezone.localdate()
    risk_assessment_record(acting=acting, case=world.case, level="low", review_on=today, factors=[])
    risk_review_request(acting=acting, case=world.case, event="return", due_on=today)
    return partner


def test_the_case_page_and_api_cost_the_same_queries_for_one_or_three_of_each_record(world: World, member) -> None:  # type: ignore[no-untyped-def]
    """Given a case with one of everything, then with three of everything, the case page and the case API each
    run as many queries the second time as the first: nothing is read once per screening, decision, note,
    consent, legal basis, referral, file, plan item or assessment."""
    decider = member(Role.DECISION_MAKER, world.org_a)
    page_client = signed_in_client(world.worker_a)
    api = api_client(world.worker_a)
    path, api_path = f"/cases/{world.case.pk}/", f"/api/v1/cases/{world.case.pk}"

    def measured() -> tuple[str, int, dict[str, object], int]:
        # The first request of a session or token warms caches and notes when the token was used.
        page_client.get(path)
        api.get(api_path)
        with CaptureQueriesContext(connection) as on_page:
            page = page_client.get(path).content.decode()
        with CaptureQueriesContext(connection) as on_api:
            body = api.get(api_path).json()
        return page, len(on_page.captured_queries), body, len(on_api.captured_queries)

    partners = [_one_of_each(world, decider, member, 0)]
    page, page_once, body, api_once = measured()
    assert partners[0].name in page
    assert len(body["screenings"]) == 1
    partners += [_one_of_each(world, decider, member, n) for n in (1, 2)]
    page, page_thrice, body, api_thrice = measured()
    # Everything is shown: three of each, each with the organisation it names.
    for n, partner in enumerate(partners):
        assert (f"Round {n}" in page, f"Note of round {n}" in page, f"File of round {n}" in page) == (True,) * 3
        assert page.count(partner.name) >= 3  # its consent, legal basis and referral (and plan item)
    assert [s["conclusive"] for s in body["screenings"]] == ["identified_victim"] * 3
    assert body["trafficking_status"] == "identified"
    assert (page_thrice, api_thrice) == (page_once, api_once)
