"""Every count and message on every role's home page matches the data, organisation by organisation:
directory organisations, people, members, the decision queue, and referrals received (by B, on B's home)."""

from __future__ import annotations

import re

import pytest

from palermo.directory.services import directory_entry_create
from palermo.organisations.models import Role
from palermo.people.services import person_create
from palermo.referrals.services import referral_accept, referral_send
from tests.cases.conftest import FAMILY_NAME, World, give_referral_consent, world  # noqa: F401
from tests.conftest import acting_of, signed_in_client, submit_screening_for_decision
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _home(membership) -> str:  # type: ignore[no-untyped-def]
    response = signed_in_client(membership).get("/")
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def _figure(page: str, heading_id: str) -> int | None:
    """The big number of the card headed by `heading_id`, or None when the card shows none."""
    card = re.search(rf'aria-labelledby="{heading_id}">(.*?)</section>', page)
    assert card, heading_id
    figure = re.search(r'<p class="figure">(\d+)</p>', card.group(1))
    return int(figure.group(1)) if figure else None


@pytest.mark.parametrize(
    ("role", "says"),
    [
        (Role.FIRST_RESPONDER, "2 organisations in the directory."),
        (Role.CASE_WORKER, "2 organisations in the directory."),
        (Role.ANALYST, "2 organisations in the directory."),
        (Role.COORDINATOR, "organisations take part in the local response."),
        (Role.DEPLOYMENT_COORDINATOR, "organisations take part in the local response."),
    ],
)
def test_the_directory_count_is_the_directory_s_entries(org_a, org_b, member, role, says):
    # Three organisations use Palermo; the directory lists two actors. The home counts what the directory lists.
    OrganisationFactory(name="Gamma Clinic")
    coordinator = member(Role.COORDINATOR, org_a)
    for name in ("Valmora Helpline", "Valmora Labour Inspectorate"):
        directory_entry_create(acting=acting_of(coordinator), name=name, actor_type="ngo", level="local", country="ZZ")
    page = _home(member(role, org_b))
    assert says in page
    if role in (Role.COORDINATOR, Role.DEPLOYMENT_COORDINATOR):
        assert _figure(page, "directory-h") == 2
    listed = signed_in_client(member(role, org_b)).get("/directory/").content.decode()
    assert len(set(re.findall(r'href="/directory/(\d+)/"', listed))) == 2


def test_people_counts_follow_each_role_s_scope_and_never_cross_organisations(org_a, org_b, member):
    responder, other_responder = member(Role.FIRST_RESPONDER, org_a), member(Role.FIRST_RESPONDER, org_a)
    person_create(acting=acting_of(responder), given_names="Ana")
    person_create(acting=acting_of(other_responder), given_names="Ion")
    person_create(acting=acting_of(member(Role.CASE_WORKER, org_b)), given_names="Elena")
    assert _figure(_home(responder), "people-h") == 1  # only the people they recorded
    assert _figure(_home(member(Role.CASE_WORKER, org_a)), "people-h") == 2
    assert _figure(_home(member(Role.DECISION_MAKER, org_a)), "people-h") == 2
    assert _figure(_home(member(Role.CASE_WORKER, org_b)), "people-h") == 1
    empty = _home(member(Role.CASE_WORKER, OrganisationFactory(name="Gamma Clinic")))
    assert _figure(empty, "people-h") is None
    assert "Nobody is recorded in your organisation yet." in empty
    assert "wait for a first responder to refer someone to you" not in empty  # referred people are not records here


def test_the_members_count_is_the_organisation_s_active_roles(org_a, org_b, member):
    admin = member(Role.ORG_ADMIN, org_a)
    member(Role.CASE_WORKER, org_a)
    member(Role.CASE_WORKER, org_a, is_active=False)
    member(Role.CASE_WORKER, org_b)
    page = _home(admin)
    assert _figure(page, "members-h") == 2
    assert "active roles in your organisation." in page


def test_the_decision_queue_lists_only_the_organisation_s_referred_screenings(org_a, org_b, member):
    submit_screening_for_decision(member(Role.FIRST_RESPONDER, org_a), reference="Bus station")
    submit_screening_for_decision(member(Role.FIRST_RESPONDER, org_a), reference="Car wash")
    submit_screening_for_decision(member(Role.FIRST_RESPONDER, org_b), reference="Harbour")
    page_a = _home(member(Role.DECISION_MAKER, org_a))
    assert len(re.findall(r'href="/screenings/\d+/decisions/"', page_a)) == 2
    assert "Harbour" not in page_a
    page_b = _home(member(Role.DECISION_MAKER, org_b))
    assert len(re.findall(r'href="/screenings/\d+/decisions/"', page_b)) == 1


def test_a_referral_received_by_b_shows_on_b_s_home_not_a_s(world: World):  # noqa: F811
    give_referral_consent(world, ["languages"], ["shelter"])
    assert "No referral is waiting for your answer." in _home(world.worker_b)
    referral = referral_send(
        acting=acting_of(world.worker_a), case=world.case, to_organisation=world.org_b, services=["shelter"]
    )
    home_b = _home(world.worker_b)
    assert _figure(home_b, "referrals-h") == 1
    assert "referral is waiting for your answer." in home_b
    assert 'href="/referrals/"' in home_b
    home_a = _home(world.worker_a)
    assert _figure(home_a, "referrals-h") is None
    assert "No referral is waiting for your answer." in home_a
    assert FAMILY_NAME not in home_b  # a count, never who

    referral_accept(acting=acting_of(world.worker_b), referral=referral)
    home_b = _home(world.worker_b)
    assert _figure(home_b, "referrals-h") is None
    assert "1 accepted referral you work on." in home_b


def test_my_work_counts_every_item_it_says_is_due(world: World):  # noqa: F811
    import datetime

    from django.utils import timezone

    from palermo.worklist.services import task_add

    later = timezone.localdate() + datetime.timedelta(days=30)
    task_add(acting=acting_of(world.worker_b), title="Call the shelter", due_on=later)
    page = _home(world.worker_b)
    assert "Nothing due." not in page
    assert "<strong>1</strong> due after this week" in page
