"""`palermo people reindex`: rebuild the name search tokens, e.g. after PALERMO_HMAC_KEY changed.

    palermo people reindex [--batch-size 1000] [--organisation ID]

Tokens are keyed digests (see palermo.people.search): under a new key the old ones match
nothing, so every person's tokens and exact-name index are computed again from the
decrypted fields, batch by batch, each batch in its own transaction. Searches made while
it runs find only the people already done. One audit entry per batch, with counts only.
Pin PALERMO_RECORD_HMAC_KEY before replacing the key, or the audit chain breaks: see
docs/key-rotation.md.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from palermo.audit.services import audit_record
from palermo.people.models import Person, PersonSearchToken
from palermo.people.search import tokens_for
from palermo.people.services import person_name_index
from palermo.permissions import ActingUser


class Command(BaseCommand):
    help = "People records: `reindex` rebuilds the name search tokens (after a new PALERMO_HMAC_KEY)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        reindex = sub.add_parser("reindex", help="rebuild every person's search tokens")
        reindex.add_argument("--batch-size", type=int, default=1000, help="people per transaction (default 1000)")
        reindex.add_argument("--organisation", type=int, help="only this organisation's people (its id)")

    def handle(self, *args: Any, **options: Any) -> None:
        size = options["batch_size"]
        if not 1 <= size <= 10_000:
            raise CommandError("--batch-size must be between 1 and 10000.", returncode=2)
        people = Person.objects.order_by("pk")
        if options["organisation"] is not None:
            people = people.filter(organisation_id=options["organisation"])
        pks = list(people.values_list("pk", flat=True))
        for start in range(0, len(pks), size):
            with transaction.atomic():
                batch = list(Person.objects.select_for_update().filter(pk__in=pks[start : start + size]))
                PersonSearchToken.objects.filter(person_id__in=[p.pk for p in batch]).delete()
                PersonSearchToken.objects.bulk_create(t for person in batch for t in tokens_for(person))
                for person in batch:
                    person.name_index = person_name_index(person.given_names, person.family_name)
                Person.objects.bulk_update(batch, ["name_index"])
                audit_record(acting=ActingUser.system(), action="person.reindex", detail={"people": len(batch)})
            done = min(start + size, len(pks))
            if options["verbosity"] >= 1:
                self.stdout.write(f"people reindexed: {done}/{len(pks)}")
        self.stdout.write(f"Done: {len(pks)} people reindexed.")
