"""`palermo demo`: a fictional municipality with four organisations and a user for every role.

Safe to run again: it finds what it made before instead of making it twice.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from palermo.accounts.models import User
from palermo.accounts.services import membership_add, user_create
from palermo.assistance.demo import demo_assistance
from palermo.directory.demo import create_demo_directory
from palermo.identification.models import Screening
from palermo.identification.services import (
    screening_answer,
    screening_complete,
    screening_start,
    screening_submit_for_decision,
)
from palermo.matrix.demo import create_demo_matrix
from palermo.organisations.models import Membership, Organisation, OrganisationType, Role
from palermo.organisations.services import organisation_create
from palermo.people.models import Person
from palermo.people.services import person_create
from palermo.permissions import ActingUser, Channel
from palermo.referrals.demo import demo_cases
from palermo.reporting.models import TipRoute

DEMO_PASSWORD = "palermo-demo"  # noqa: S105 - fictional accounts, usable only with PALERMO_ENV=demo
COUNTRY, REGION, MUNICIPALITY = "ZZ", "Northern Province", "Valmora"

ORGANISATIONS = [
    ("Valmora Social Services", OrganisationType.MUNICIPAL_SERVICE),
    ("Valmora Police", OrganisationType.POLICE),
    ("Valmora Labour Inspectorate", OrganisationType.LABOUR_INSPECTORATE),
    ("Safe Harbour Valmora", OrganisationType.NGO),
]

USERS = [
    ("responder@valmora.test", "Rafael Ortiz", [("Valmora Labour Inspectorate", Role.FIRST_RESPONDER)]),
    (
        "caseworker@valmora.test",
        "Clara Meier",
        [("Safe Harbour Valmora", Role.CASE_WORKER), ("Valmora Social Services", Role.CASE_WORKER)],
    ),
    ("decisions@valmora.test", "Dana Petrova", [("Valmora Social Services", Role.DECISION_MAKER)]),
    ("coordinator@valmora.test", "Colm Byrne", [("Valmora Social Services", Role.COORDINATOR)]),
    ("analyst@valmora.test", "Ana Silva", [("Valmora Social Services", Role.ANALYST)]),
    # Governs what the whole deployment shares (the fallback tip route, any organisation's routes);
    # in a real deployment the national coordinator, granted by the operator only.
    ("national@valmora.test", "Nadia Kovac", [("Valmora Social Services", Role.DEPLOYMENT_COORDINATOR)]),
    ("admin@valmora.test", "Amir Haddad", [("Safe Harbour Valmora", Role.ORG_ADMIN)]),
]

PEOPLE = [("Maria Elena", "Fictiva", datetime.date(1994, 3, 2)), ("Ion", "Exemplu", None), ("Lin", "Sample", None)]


class Command(BaseCommand):
    help = "Create (or complete) the fictional demo municipality and print how to sign in."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo is refused in production.")
        operator = ActingUser.system()
        with transaction.atomic():
            organisations = {}
            for name, kind in ORGANISATIONS:
                organisation = Organisation.objects.filter(name=name).first() or organisation_create(
                    acting=operator, name=name, type=kind, country=COUNTRY, region=REGION, municipality=MUNICIPALITY
                )
                organisations[name] = organisation
            for email, full_name, roles in USERS:
                user = User.objects.filter(email=email).first()
                if user is None:
                    user = user_create(acting=operator, email=email, full_name=full_name)
                    user.set_password(DEMO_PASSWORD)
                    user.is_demo = True
                    user.save(update_fields=["password", "is_demo"])
                for organisation_name, role in roles:
                    organisation = organisations[organisation_name]
                    if not Membership.objects.filter(user=user, organisation=organisation, role=role).exists():
                        membership_add(acting=operator, user=user, organisation=organisation, role=role)
            self._people(organisations["Safe Harbour Valmora"])
            self._screenings(organisations["Valmora Social Services"])
            demo_cases(sender=organisations["Safe Harbour Valmora"], recipient=organisations["Valmora Social Services"])
            demo_assistance(organisations["Safe Harbour Valmora"])
            if not TipRoute.objects.filter(exploitation=TipRoute.ANY).exists():
                TipRoute.objects.create(exploitation=TipRoute.ANY, organisation=organisations["Safe Harbour Valmora"])
            create_demo_directory()
            create_demo_matrix()
        self._print_logins()

    def _people(self, organisation: Organisation) -> None:
        if Person.objects.filter(organisation=organisation).exists():
            return
        membership = Membership.objects.get(
            user__email="caseworker@valmora.test", organisation=organisation, role=Role.CASE_WORKER
        )
        acting = ActingUser(user=membership.user, membership=membership, channel=Channel.CLI)
        for given, family, born in PEOPLE:
            person_create(acting=acting, given_names=given, family_name=family, date_of_birth=born)

    def _screenings(self, organisation: Organisation) -> None:
        """A referred screening, so that the decision maker has something waiting on the first visit."""
        if Screening.objects.filter(organisation=organisation).exists():
            return
        membership = Membership.objects.get(
            user__email="caseworker@valmora.test", organisation=organisation, role=Role.CASE_WORKER
        )
        acting = ActingUser(user=membership.user, membership=membership, channel=Channel.CLI)
        screening = screening_start(
            acting=acting, catalogue_id="ilo-2009-adult-labour", reference="Greenhouse, east road (fictional)", age=29
        )
        answers = {
            "deceptive_recruitment": {"dr.nature_of_job": "yes", "dr.wages": "yes"},
            "exploitative_conditions": {"ec.excessive_hours": "yes", "ec.low_or_no_salary": "yes"},
            "coercion_at_destination": {"cd.documents": "yes", "cd.threats": "yes", "cd.debt_bondage": "unknown"},
        }
        for dimension_id, given in answers.items():
            screening_answer(acting=acting, screening=screening, dimension_id=dimension_id, answers=given, notes={})
        screening_complete(
            acting=acting,
            screening=screening,
            palermo={"act": ["recruitment"], "means": ["deception"], "purpose": ["forced_labour_or_services"]},
        )
        screening_submit_for_decision(acting=acting, screening=screening)

    def _print_logins(self) -> None:
        self.stdout.write("\nPalermo demo: a fictional municipality (Valmora). Sign in at http://127.0.0.1:8000/")
        self.stdout.write(f"Every demo user's password is: {DEMO_PASSWORD}")
        self.stdout.write("The public report form (no account) is at http://127.0.0.1:8000/report/\n")
        for email, _, roles in USERS:
            described = "; ".join(f"{role.label} at {org}" for org, role in roles)
            self.stdout.write(f"  {email:<28} {described}")
        if not settings.DEMO:
            self.stdout.write(
                "\nPALERMO_ENV is not 'demo': these users must set up an authenticator app at first sign-in."
            )
        self.stdout.write("")
