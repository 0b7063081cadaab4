from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from palermo.accounts.models import ApiToken
from palermo.accounts.services import api_token_create, api_token_revoke
from palermo.organisations.management.commands.create_organisation import _message
from palermo.organisations.models import Membership
from palermo.permissions import ActingUser

COLUMNS = ["id", "name", "owner", "organisation", "role", "created", "last used", "state"]


def _when(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "never"


def _state(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return "revoked"
    return "active" if token.expires_at > timezone.now() else "expired"


class Command(BaseCommand):
    help = (
        "API tokens: palermo token create EMAIL --organisation NAME [--role ROLE] [--days N] [--name NAME]; "
        "palermo token list [--email EMAIL]; palermo token revoke ID"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("email")
        create.add_argument("--organisation", required=True)
        create.add_argument("--role", help="needed when the user has several roles there")
        create.add_argument("--days", type=int, default=90)
        create.add_argument("--name", default="command line")
        listing = sub.add_parser("list", help="list tokens (never their secret), newest first")
        listing.add_argument("--email", help="only this user's tokens")
        revoke = sub.add_parser("revoke", help="end a token at once")
        revoke.add_argument("id", help="the id shown by `palermo token list`")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self._list(options["email"])
        elif options["action"] == "revoke":
            self._revoke(options["id"])
        else:
            self._create(options)

    def _list(self, email: str | None) -> None:
        tokens = ApiToken.objects.select_related("membership__user", "membership__organisation").order_by(
            "-created_at", "-pk"
        )
        if email:
            tokens = tokens.filter(membership__user__email=email.strip().lower())
        # Tab-separated, so that scripts can cut columns; the secret and its prefix are never shown.
        self.stdout.write("\t".join(COLUMNS))
        for token in tokens:
            row = [
                str(token.pk),
                token.name,
                token.membership.user.email,
                token.membership.organisation.name,
                token.membership.role,
                _when(token.created_at),
                _when(token.last_used_at),
                _state(token),
            ]
            self.stdout.write("\t".join(row))

    def _revoke(self, wanted: str) -> None:
        token = None
        if wanted.isdigit():
            token = ApiToken.objects.select_related("membership__user").filter(pk=int(wanted)).first()
        if token is None:
            raise CommandError(f"No token has the id {wanted}. See `palermo token list`.", returncode=2)
        if token.revoked_at is not None:
            self.stdout.write(f"Token {token.pk} was already revoked.")
            return
        api_token_revoke(acting=ActingUser.system(), token=token)
        self.stdout.write(f"Token {token.pk} ({token.name} of {token.membership.user.email}) is revoked.")

    def _create(self, options: dict[str, Any]) -> None:
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
                acting=ActingUser.system(), membership=found[0], name=options["name"], days=options["days"]
            )
        except ValidationError as error:
            raise CommandError(_message(error), returncode=2) from None
        self.stderr.write(f"Token for {found[0]} until {token.expires_at:%Y-%m-%d}. It is shown only now:")
        self.stdout.write(clear)
