from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from palermo.accounts.services import api_token_create
from palermo.organisations.management.commands.create_organisation import _message
from palermo.organisations.models import Membership
from palermo.permissions import Actor


class Command(BaseCommand):
    help = "API tokens: palermo token create EMAIL --organisation NAME [--role ROLE] [--days N] [--name NAME]"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("email")
        create.add_argument("--organisation", required=True)
        create.add_argument("--role", help="needed when the user has several roles there")
        create.add_argument("--days", type=int, default=90)
        create.add_argument("--name", default="command line")

    def handle(self, *args: Any, **options: Any) -> None:
        memberships = Membership.objects.filter(
            user__email=options["email"].strip().lower(),
            organisation__name=options["organisation"],
            is_active=True,
            user__is_active=True,
        ).select_related("organisation")
        if options["role"]:
            memberships = memberships.filter(role=options["role"])
        found = list(memberships)
        if not found:
            raise CommandError(f"{options['email']} has no active role at {options['organisation']!r}.", returncode=2)
        if len(found) > 1:
            roles = ", ".join(m.role for m in found)
            raise CommandError(f"Several roles ({roles}): choose one with --role.", returncode=2)
        try:
            token, clear = api_token_create(
                actor=Actor.system(), membership=found[0], name=options["name"], days=options["days"]
            )
        except ValidationError as error:
            raise CommandError(_message(error), returncode=2) from None
        self.stderr.write(f"Token for {found[0]} until {token.expires_at:%Y-%m-%d}. It is shown only now:")
        self.stdout.write(clear)
