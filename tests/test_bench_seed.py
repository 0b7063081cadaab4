"""`palermo bench seed`: fictional data at scale, encrypted and findable like any other."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from palermo.accounts.models import User
from palermo.assistance.models import PlanItem, RiskAssessment
from palermo.audit.models import AuditEntry
from palermo.cases.models import Case, CaseEvent, CaseNote
from palermo.consent.models import Consent
from palermo.demo import fictional
from palermo.demo.bench_cases import NOTE_TEXTS
from palermo.organisations.models import Membership, Organisation, Role
from palermo.people.models import Person
from palermo.people.selectors import person_find_by_name, person_search
from palermo.permissions import OPERATOR_GRANTED_ROLES, ActingUser, Channel
from palermo.referrals.models import Referral, ReferralStatus
from palermo.referrals.selectors import referral_get_for, referral_inbox_for
from palermo.referrals.sharing import shared_view

SEED = ("bench", "seed", "--organisations", "3", "--users", "20", "--people", "30")


def bench_counts() -> tuple[int, int, int, int]:
    return (
        Organisation.objects.filter(name__startswith=fictional.BENCH_PREFIX).count(),
        User.objects.filter(email__endswith=f"@{fictional.BENCH_EMAIL_DOMAIN}").count(),
        Membership.objects.filter(organisation__name__startswith=fictional.BENCH_PREFIX).count(),
        Person.objects.filter(organisation__name__startswith=fictional.BENCH_PREFIX).count(),
    )


def test_seed_creates_the_numbers_asked_for(db: None) -> None:
    call_command(*SEED, verbosity=0)
    assert bench_counts() == (3, 20, 20, 30)
    # Every role an organisation gives; the operator grants the deployment coordinator, not the seed.
    organisation_roles = set(Role.values) - OPERATOR_GRANTED_ROLES
    assert set(Membership.objects.values_list("role", flat=True)) == organisation_roles
    # 20 users over 3 organisations: at least six members each, so every organisation has every role.
    for organisation in Organisation.objects.all():
        roles = set(Membership.objects.filter(organisation=organisation).values_list("role", flat=True))
        assert roles == organisation_roles, organisation.name
    assert not any(user.has_usable_password() for user in User.objects.all())
    entry = AuditEntry.objects.get(action="bench.seed")
    assert entry.detail["people_created"] == 30


def test_seeded_people_are_encrypted_and_findable_by_name(db: None) -> None:
    call_command(*SEED, verbosity=0)
    people = list(Person.objects.select_related("organisation"))
    assert len(people) == 30
    assert len({p.organisation_id for p in people}) == 3
    assert len({(p.organisation_id, p.reference) for p in people}) == 30
    named = [p for p in people if p.name or p.name_original_script]
    assert len(named) >= 20
    for person in named:
        assert not person.display_name.startswith("pe1:")
        membership = Membership.objects.get(user_id=person.created_by_id, organisation_id=person.organisation_id)
        assert membership.role in (Role.CASE_WORKER, Role.FIRST_RESPONDER)
        case_worker = Membership.objects.filter(organisation_id=person.organisation_id, role=Role.CASE_WORKER).first()
        assert case_worker is not None
        acting = ActingUser(user=case_worker.user, membership=case_worker, channel=Channel.WEB)
        if person.name:
            found = person_find_by_name(
                acting=acting, full_name=f" {person.given_names.upper()}  {person.family_name} "
            )
            assert person.pk in set(found.values_list("pk", flat=True))
        # The tolerant search finds everyone by any form of their name (tokens written in bulk).
        assert person in person_search(acting=acting, query=person.display_name)
    # What the database holds is ciphertext, not the names.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT given_names, family_name, name_original_script, citizenships FROM people_person")
        for row in cursor.fetchall():
            assert all(value.startswith("pe1:") for value in row)


def test_second_run_does_not_duplicate(db: None) -> None:
    call_command(*SEED, verbosity=0)
    names = set(Organisation.objects.values_list("name", flat=True))
    call_command(*SEED, verbosity=0)
    assert bench_counts() == (3, 20, 20, 30)
    assert set(Organisation.objects.values_list("name", flat=True)) == names
    assert AuditEntry.objects.filter(action="bench.seed").count() == 2


def test_second_run_tops_up(db: None) -> None:
    call_command(*SEED, verbosity=0)
    call_command("bench", "seed", "--organisations", "4", "--users", "26", "--people", "40", verbosity=0)
    assert bench_counts() == (4, 26, 26, 40)


@pytest.mark.parametrize(
    "arguments",
    [
        ["--organisations", "3", "--users", "-1"],
        ["--organisations", "0", "--users", "20"],
        ["--organisations", "3", "--users", "20", "--people", "-5"],
        ["--organisations", "3", "--users", "0", "--people", "5"],
        ["--organisations", "three", "--users", "20"],
        ["--users", "20"],
    ],
)
def test_bad_arguments_are_usage_errors(db: None, arguments: list[str]) -> None:
    with pytest.raises(CommandError) as error:
        call_command("bench", "seed", *arguments, verbosity=0)
    assert error.value.returncode == 2
    assert bench_counts() == (0, 0, 0, 0)


def test_refused_in_production(db: None, settings: pytest.FixtureRequest) -> None:
    settings.PRODUCTION = True  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="production"):
        call_command(*SEED, verbosity=0)
    assert bench_counts() == (0, 0, 0, 0)


CASES_SEED = (*SEED, "--cases", "20", "--referrals", "6", "--notes-per-case", "2")


def test_seed_cases_referrals_notes_and_assistance(db: None) -> None:
    call_command(*CASES_SEED, verbosity=0)
    assert Case.objects.count() == 20
    assert Case.objects.values("person").distinct().count() == 20
    # A fifth closed, none of them referred (a referred case stays open).
    assert Case.objects.filter(status="closed").count() == 4
    assert not Referral.objects.filter(case__status="closed").exists()
    assert CaseNote.objects.count() == 40
    assert Referral.objects.count() == 6
    assert Consent.objects.count() == 26  # assistance for each case, referral for each referral
    assert RiskAssessment.objects.count() == 6  # three in ten
    assert PlanItem.objects.count() == 18
    assert CaseEvent.objects.filter(kind="opened").count() == 20
    # Chosen at random, not in step with the round-robin over organisations: every one has some of each.
    for model in (Referral, RiskAssessment):
        assert model.objects.values("case__organisation").distinct().count() == 3, model
    # Notes and exploitation details are encrypted at rest, readable through the model.
    note = CaseNote.objects.first()
    assert note is not None
    assert note.text in NOTE_TEXTS
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT text FROM {CaseNote._meta.db_table} WHERE id = %s", [note.pk])  # noqa: S608
        assert cursor.fetchone()[0] != note.text
    case = Case.objects.first()
    assert case is not None
    assert case.exploitation_types
    # The recipient of a live referral sees it in their inbox and through the shared view.
    referral = Referral.objects.exclude(status=ReferralStatus.DECLINED).select_related("case").first()
    assert referral is not None
    assert referral.organisation_id != referral.to_organisation_id
    membership = Membership.objects.filter(organisation_id=referral.to_organisation_id, role=Role.CASE_WORKER).first()
    assert membership is not None
    acting = ActingUser(user=membership.user, membership=membership, channel=Channel.WEB)
    assert referral.pk in set(referral_inbox_for(acting=acting).values_list("pk", flat=True))
    view = shared_view(referral_get_for(acting=acting, referral_id=referral.pk), acting)
    assert {"names", "exploitation"} <= set(view.field_codes)
    names = next(item.value for item in view.items if item.code == "names")
    person = referral.case.person
    assert names["family_name"] == person.family_name  # decrypted, the same as the sender sees
    entry = AuditEntry.objects.get(action="bench.seed")
    assert entry.detail["cases_created"] == 20
    assert entry.detail["referrals_created"] == 6


def test_seed_cases_again_adds_nothing_and_tops_up(db: None) -> None:
    call_command(*CASES_SEED, verbosity=0)
    call_command(*CASES_SEED, verbosity=0)
    assert (Case.objects.count(), CaseNote.objects.count(), Referral.objects.count()) == (20, 40, 6)
    call_command(*SEED, "--cases", "30", "--referrals", "9", "--notes-per-case", "1", verbosity=0)
    assert (Case.objects.count(), CaseNote.objects.count(), Referral.objects.count()) == (30, 50, 9)
    assert len(set(Case.objects.values_list("organisation_id", "reference"))) == 30


@pytest.mark.parametrize(
    "extra",
    [["--cases", "31"], ["--cases", "5", "--referrals", "6"], ["--cases", "5", "--notes-per-case", "-1"]],
)
def test_bad_case_arguments_are_usage_errors(db: None, extra: list[str]) -> None:
    with pytest.raises(CommandError) as raised:
        call_command(*SEED, *extra, verbosity=0)
    assert raised.value.returncode == 2
    assert not Case.objects.exists()
