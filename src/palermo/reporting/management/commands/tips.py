from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from palermo.organisations.models import Organisation
from palermo.reporting.models import Exploitation, TipRoute


class Command(BaseCommand):
    help = "Tip routing: palermo tips route ORGANISATION --exploitation FORM|any ; palermo tips routes"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        route = sub.add_parser("route", help="send tips about one suspected form of exploitation to an organisation")
        route.add_argument("organisation")
        route.add_argument("--exploitation", required=True, choices=[*Exploitation.values, TipRoute.ANY])
        sub.add_parser("routes", help="list the routes")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "routes":
            for route in TipRoute.objects.select_related("organisation").order_by("exploitation"):
                self.stdout.write(f"{route.exploitation:<22} → {route.organisation.name}")
            return
        organisation = Organisation.objects.filter(name=options["organisation"], is_active=True).first()
        if organisation is None:
            raise CommandError(f"No active organisation is named {options['organisation']!r}.", returncode=2)
        TipRoute.objects.update_or_create(exploitation=options["exploitation"], defaults={"organisation": organisation})
        self.stdout.write(f"Tips about {options['exploitation']} now go to {organisation.name}.")
