from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from palermo.accounts.models import User
from palermo.accounts.services import membership_add, user_create, user_set_password
from palermo.organisations.management.commands.create_organisation import _message
from palermo.organisations.models import Organisation, Role
from palermo.permissions import ActingUser


class Command(BaseCommand):
    help = (
        "Give a user (created if new) a role in an organisation. The password comes from "
        "PALERMO_PASSWORD or is asked for; it is never an argument, so it stays out of shell history."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--organisation", required=True, help="organisation name")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--name", default="", help="the user's full name")
        parser.add_argument("--no-password", action="store_true", help="create without a password (set one later)")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(name=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"No organisation is named {options['organisation']!r}.", returncode=2)
        acting = ActingUser.system()
        email = options["email"].strip().lower()
        try:
            with transaction.atomic():
                user = User.objects.filter(email=email).first()
                if user is None:
                    user = user_create(acting=acting, email=email, full_name=options["name"])
                    if not options["no_password"]:
                        user_set_password(user=user, password=self._password())
                membership = membership_add(acting=acting, user=user, organisation=organisation, role=options["role"])
        except ValidationError as error:
            raise CommandError(_message(error), returncode=2) from None
        self.stdout.write(f"{user.email} is {membership.get_role_display()} at {organisation.name}.")

    def _password(self) -> str:
        password = os.environ.get("PALERMO_PASSWORD")
        if password:
            return password
        if not os.isatty(0):
            raise CommandError("Set PALERMO_PASSWORD, or run in a terminal to be asked.", returncode=2)
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Again: "):
            raise CommandError("The passwords differ.", returncode=2)
        return first
