from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from palermo.audit.services import audit_record
from palermo.encryption.fields import encrypted_fields
from palermo.encryption.keyring import PREFIX, keyring
from palermo.permissions import Actor


class Command(BaseCommand):
    help = "Re-encrypt every personal field with the first key of PALERMO_ENCRYPTION_KEYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        ring = keyring()
        current = f"{PREFIX}:{ring.primary_id}:"
        total = 0
        for model in apps.get_models():
            fields = encrypted_fields(model)
            if not fields:
                continue
            names = [f.attname for f in fields]
            # The raw column values tell which key each row was sealed with; the ORM would decrypt them.
            # (NULL NOT LIKE ...) is not true, so empty fields are left alone.
            where = " OR ".join(f"{field.column} NOT LIKE %s" for field in fields)
            stale = model._default_manager.extra(where=[where], params=[current + "%"] * len(fields))  # noqa: S610
            pks = list(stale.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(pks), options["batch_size"]):
                with transaction.atomic():
                    batch = model._default_manager.select_for_update().filter(
                        pk__in=pks[start : start + options["batch_size"]]
                    )
                    for row in batch:
                        row.save(update_fields=names)
                    audit_record(
                        actor=Actor.system(),
                        action="encryption.rotate",
                        detail={"model": model._meta.label_lower, "rows": len(batch)},
                    )
                done = min(start + options["batch_size"], len(pks))
                self.stdout.write(f"{model._meta.label}: {done}/{len(pks)} rows re-encrypted")
            total += len(pks)
        self.stdout.write(f"Done: {total} rows now use key {ring.primary_id!r}.")
