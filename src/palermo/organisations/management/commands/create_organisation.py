from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from palermo.organisations.models import OrganisationType
from palermo.organisations.services import organisation_create
from palermo.permissions import ActingUser


class Command(BaseCommand):
    help = "Register an organisation: palermo create-organisation NAME --type TYPE --country CC"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--type", required=True, choices=OrganisationType.values)
        parser.add_argument("--country", required=True, help="ISO 3166-1 alpha-2 code, e.g. AT")
        parser.add_argument("--region", default="")
        parser.add_argument("--municipality", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = organisation_create(
                acting=ActingUser.system(),
                name=options["name"],
                type=options["type"],
                country=options["country"],
                region=options["region"],
                municipality=options["municipality"],
            )
        except ValidationError as error:
            raise CommandError(_message(error), returncode=2) from None
        self.stdout.write(f"Created organisation {organisation.name} (id {organisation.pk}).")


def _message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
    return " ".join(error.messages)
