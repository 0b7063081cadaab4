from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from palermo.organisations.models import Organisation
from palermo.permissions import ActingUser
from palermo.reporting.models import Exploitation, Tip, TipRoute
from palermo.reporting.services import LIMITS, area_normalise, place_index, tip_route_set


class Command(BaseCommand):
    help = (
        "Tip routing: palermo tips route ORGANISATION --exploitation FORM|any [--area AREA] ; palermo tips routes ; "
        "palermo tips index-places [--all]"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        route = sub.add_parser("route", help="send tips about one suspected form of exploitation to an organisation")
        route.add_argument("organisation")
        route.add_argument("--exploitation", required=True, choices=[*Exploitation.values, TipRoute.ANY])
        route.add_argument("--area", default="", help="a municipality or region (default: anywhere)")
        sub.add_parser("routes", help="list the routes")
        places = sub.add_parser("index-places", help="compute the place index of tips that have none (older tips)")
        places.add_argument(
            "--all", action="store_true", help="recompute every tip's place index (after a new PALERMO_HMAC_KEY)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "routes":
            for route in TipRoute.objects.select_related("organisation").order_by("area", "exploitation"):
                self.stdout.write(
                    f"{route.exploitation:<22} {route.area or 'anywhere':<24} → {route.organisation.name}"
                )
            return
        if options["action"] == "index-places":
            indexed = 0
            tips = Tip.objects.all() if options["all"] else Tip.objects.filter(place_index="")
            for tip in tips.only("pk", "content", "place_index").iterator(chunk_size=500):
                index = place_index(str(tip.content.get("location", "")))
                if index != tip.place_index:
                    Tip.objects.filter(pk=tip.pk).update(place_index=index)
                    indexed += 1
            self.stdout.write(f"{indexed} tips indexed by place.")
            return
        organisation = Organisation.objects.filter(name=options["organisation"], is_active=True).first()
        if organisation is None:
            raise CommandError(f"No active organisation is named {options['organisation']!r}.", returncode=2)
        area = area_normalise(options["area"])
        if len(area) > LIMITS["area"]:
            raise CommandError(f"Keep the area under {LIMITS['area']} characters.", returncode=2)
        held = Tip.objects.filter(organisation=None).count()
        # The operator governs the deployment: the same service as the pages, audited and delivering held tips.
        try:
            tip_route_set(
                acting=ActingUser.system(),
                organisation_id=organisation.pk,
                exploitation=options["exploitation"],
                area=area,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=2) from None
        self.stdout.write(
            f"Tips about {options['exploitation']} in {area or 'any area'} now go to {organisation.name}."
        )
        delivered = held - Tip.objects.filter(organisation=None).count()
        if delivered:
            self.stdout.write(f"{delivered} held tips delivered.")
