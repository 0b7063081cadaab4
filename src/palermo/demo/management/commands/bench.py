"""`palermo bench seed`: fictional data at scale, for load benchmarks.

    palermo bench seed --organisations 50 --users 2000 [--people 20000] [--seed 1]
                       [--cases 20000 --referrals 2000 --notes-per-case 2]

Organisations are named "Bench NNNN …", users are bench-NNNNN@bench.palermo.test with
an unusable password (the load benchmark makes their sessions and tokens directly),
one role each, spread over the organisations so that every organisation with six
members or more has all six roles. People are spread over the organisations and
recorded by one of their case workers or first responders; their names and dates of
birth are encrypted by the model fields as always, and indexed for lookup by name.
Cases (one per person), their consents, notes, history, referrals and assistance data
come from palermo.demo.bench_cases.

Running it again tops up to the numbers asked for and never makes anything twice.
Rows are written in bulk, so one summary audit entry (`bench.seed`) stands for them.
Refused in production.
"""

from __future__ import annotations

import datetime
import random
import secrets
import time
from collections.abc import Iterator, Sequence
from typing import Any, NoReturn, TypeVar

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from palermo.accounts.models import User
from palermo.audit.services import audit_record
from palermo.demo import bench_cases, fictional, fictional_people
from palermo.hmac_keys import hmac_key
from palermo.organisations.models import Membership, Organisation, Role
from palermo.people import search
from palermo.people.models import Person, PersonSearchToken
from palermo.people.services import PERSONAL_FIELDS, person_name_index, reference_next
from palermo.permissions import ActingUser
from palermo.reporting.models import Exploitation, Tip, TipStatus

MAX_ORGANISATIONS = 9999
MAX_USERS = 99999
MAX_PEOPLE = 5_000_000
MAX_NOTES_PER_CASE = 50
SQLITE_CACHE_KIB = 1024 * 1024  # 1 GiB of page cache while seeding, for this connection only
MAX_BATCH = 10_000  # stays under SQLite's limit of variables in one `IN (…)`
# Roles that record people, and so may be a bench person's `created_by`.
RECORDING_ROLES = (Role.CASE_WORKER, Role.FIRST_RESPONDER)

T = TypeVar("T")


class _Parser(CommandParser):
    """Bad arguments are a usage error (exit status 2) from call_command too, not only from the shell."""

    def error(self, message: str) -> NoReturn:
        if self.called_from_command_line:
            super().error(message)
        raise CommandError(f"Error: {message}", returncode=2)


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Command(BaseCommand):
    help = "Benchmark data: palermo bench seed --organisations N --users N [--people N] [--seed N]"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=_Parser)
        seed = sub.add_parser("seed", help="create (or top up) fictional organisations, users and people")
        seed.add_argument("--organisations", type=int, required=True, help=f"1 to {MAX_ORGANISATIONS}")
        seed.add_argument("--users", type=int, required=True, help=f"0 to {MAX_USERS}, one role each")
        seed.add_argument("--people", type=int, default=0, help="people records in all (default 0)")
        seed.add_argument("--tips", type=int, default=0, help="tips from the public in all (default 0)")
        seed.add_argument("--cases", type=int, default=0, help="cases in all, one per person (default 0)")
        seed.add_argument("--referrals", type=int, default=0, help="referrals in all, made with new cases (default 0)")
        seed.add_argument("--notes-per-case", type=int, default=0, help="case notes on each new case (default 0)")
        seed.add_argument("--seed", type=int, default=1, help="varies names and dates (default 1)")
        seed.add_argument("--batch-size", type=int, default=2000, help="rows per insert and transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Benchmark data is refused in production (PALERMO_ENV=production).")
        self.verbosity = options["verbosity"]
        if options["action"] == "seed":
            self.seed(
                organisations=options["organisations"],
                users=options["users"],
                people=options["people"],
                tips=options["tips"],
                cases=options["cases"],
                referrals=options["referrals"],
                notes_per_case=options["notes_per_case"],
                seed=options["seed"],
                batch_size=options["batch_size"],
            )

    # --- seed ---------------------------------------------------------------------------------

    def seed(
        self,
        *,
        organisations: int,
        users: int,
        people: int,
        seed: int,
        batch_size: int,
        tips: int = 0,
        cases: int = 0,
        referrals: int = 0,
        notes_per_case: int = 0,
    ) -> None:
        self._check(organisations=organisations, users=users, people=people, batch_size=batch_size)
        if not 0 <= tips <= MAX_PEOPLE:
            raise CommandError(f"--tips must be between 0 and {MAX_PEOPLE}, not {tips}.", returncode=2)
        self._check_cases(people=people, cases=cases, referrals=referrals, notes_per_case=notes_per_case)
        self.started = time.monotonic()
        self.batch_size = batch_size
        if connection.vendor == "sqlite":
            # The search tokens go into their index in random order: with SQLite's default 2 MB page
            # cache, every batch re-reads the index from the file once it outgrows the cache.
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        bench_organisations, organisations_created = self._organisations(organisations)
        users_created = self._users(bench_organisations, users, seed)
        people_created = self._people(bench_organisations, people, seed)
        tips_created = self._tips(bench_organisations, tips, seed)
        cases_created = bench_cases.seed_cases(
            organisations=bench_organisations,
            cases=cases,
            referrals=referrals,
            notes_per_case=notes_per_case,
            seed=seed,
            batch_size=batch_size,
            progress=self._progress,
        )
        detail = {
            "organisations": organisations,
            "users": users,
            "people": people,
            "seed": seed,
            "organisations_created": organisations_created,
            "users_created": users_created,
            "memberships_created": users_created,
            "people_created": people_created,
            "tips_created": tips_created,
            "cases": cases,
            "referrals": referrals,
            "notes_per_case": notes_per_case,
            **{f"{name}_created": count for name, count in cases_created.items()},
        }
        audit_record(acting=ActingUser.system(), action="bench.seed", detail=detail)
        self.stdout.write(
            f"Bench data: {organisations} organisations ({organisations_created} new), "
            f"{users} users ({users_created} new), {people} people ({people_created} new), "
            f"{cases} cases ({cases_created['cases']} new, with {cases_created['referrals']} referrals, "
            f"{cases_created['notes']} notes) in {self._elapsed():.1f} s."
        )

    def _check(self, *, organisations: int, users: int, people: int, batch_size: int) -> None:
        problems = []
        if not 1 <= organisations <= MAX_ORGANISATIONS:
            problems.append(f"--organisations must be between 1 and {MAX_ORGANISATIONS}, not {organisations}.")
        if not 0 <= users <= MAX_USERS:
            problems.append(f"--users must be between 0 and {MAX_USERS}, not {users}.")
        if not 0 <= people <= MAX_PEOPLE:
            problems.append(f"--people must be between 0 and {MAX_PEOPLE}, not {people}.")
        if people > 0 and users == 0:
            problems.append("--people needs --users 1 or more: someone must have recorded them.")
        if not 1 <= batch_size <= MAX_BATCH:
            problems.append(f"--batch-size must be between 1 and {MAX_BATCH}, not {batch_size}.")
        if problems:
            raise CommandError(" ".join(problems), returncode=2)

    def _check_cases(self, *, people: int, cases: int, referrals: int, notes_per_case: int) -> None:
        problems = []
        if not 0 <= cases <= people:
            problems.append(f"--cases must be between 0 and --people ({people}): one case per person, not {cases}.")
        if not 0 <= referrals <= cases:
            problems.append(f"--referrals must be between 0 and --cases ({cases}), not {referrals}.")
        if not 0 <= notes_per_case <= MAX_NOTES_PER_CASE:
            problems.append(f"--notes-per-case must be between 0 and {MAX_NOTES_PER_CASE}, not {notes_per_case}.")
        if problems:
            raise CommandError(" ".join(problems), returncode=2)

    def _elapsed(self) -> float:
        return time.monotonic() - self.started

    def _progress(self, what: str, done: int, total: int) -> None:
        if self.verbosity >= 1:
            self.stdout.write(f"  {what:<13} {done:>8}/{total:<8} {self._elapsed():7.1f} s")
            self.stdout.flush()

    def _organisations(self, count: int) -> tuple[list[Organisation], int]:
        """Bench organisations 1…count, in that order, creating those missing."""
        specs = [fictional.organisation_spec(index) for index in range(1, count + 1)]
        existing = {o.name: o for o in Organisation.objects.filter(name__startswith=fictional.BENCH_PREFIX)}
        missing = []
        for spec in specs:
            if spec.name not in existing:
                organisation = Organisation(
                    name=spec.name,
                    type=spec.type,
                    country=spec.country,
                    region=spec.region,
                    municipality=spec.municipality,
                )
                organisation.full_clean(validate_unique=False)
                missing.append(organisation)
        with transaction.atomic():
            Organisation.objects.bulk_create(missing, batch_size=self.batch_size)
        if missing:
            self._progress("organisations", len(missing), len(missing))
        by_name = {o.name: o for o in Organisation.objects.filter(name__startswith=fictional.BENCH_PREFIX)}
        return [by_name[spec.name] for spec in specs], len(missing)

    def _users(self, organisations: list[Organisation], count: int, seed: int) -> int:
        """Bench users 1…count with one membership each; user i joins organisation i mod N."""
        existing = set(
            User.objects.filter(email__endswith=f"@{fictional.BENCH_EMAIL_DOMAIN}").values_list("email", flat=True)
        )
        missing = [index for index in range(1, count + 1) if fictional.user_email(index) not in existing]
        done = 0
        for chunk in _chunks(missing, self.batch_size):
            with transaction.atomic():
                new_users = []
                for index in chunk:
                    rng = random.Random(f"{seed}-user-{index}")  # noqa: S311 - fictional values
                    new_users.append(
                        User(
                            email=fictional.user_email(index),
                            full_name=fictional.staff_full_name(rng),
                            password=make_password(None),  # unusable: bench users never sign in by password
                        )
                    )
                User.objects.bulk_create(new_users)
                ids = dict(User.objects.filter(email__in=[u.email for u in new_users]).values_list("email", "pk"))
                memberships = []
                for index in chunk:
                    position, slot = divmod(index - 1, len(organisations))
                    memberships.append(
                        Membership(
                            user_id=ids[fictional.user_email(index)],
                            organisation=organisations[slot],
                            role=fictional.role_for(position),
                        )
                    )
                Membership.objects.bulk_create(memberships)
            done += len(chunk)
            self._progress("users", done, len(missing))
        return len(missing)

    def _tips(self, organisations: list[Organisation], count: int, seed: int) -> int:
        """Top bench tips up to `count`, spread over the bench organisations as their recipients."""
        existing = Tip.objects.filter(organisation__name__startswith=fictional.BENCH_PREFIX).count()
        wanted = count - existing
        if wanted <= 0:
            return 0
        rng = random.Random(f"{seed}-tips-{existing}")  # noqa: S311 - fictional values
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        done = 0
        for chunk in _chunks(range(existing, count), self.batch_size):
            rows = []
            for number in chunk:
                content: dict[str, Any] = {
                    "description": f"Bench tip {number}: " + rng.choice(fictional.TIP_TEXTS),
                    "location": f"Street {rng.randrange(1, 400)}",
                }
                rows.append(
                    Tip(
                        organisation=organisations[number % len(organisations)],
                        language=rng.choice(("en", "fr", "ro")),
                        exploitation=rng.choice(Exploitation.values),
                        content=content,  # type: ignore[misc]  # encrypted JSON, typed as text
                        receipt_digest=secrets.token_hex(32),
                        status=rng.choice(TipStatus.values),
                        received_at=now - datetime.timedelta(hours=rng.randrange(24 * 365)),
                    )
                )
            with transaction.atomic():
                Tip.objects.bulk_create(rows)
            done += len(rows)
            self._progress("tips", done, wanted)
        return wanted

    def _people(self, organisations: list[Organisation], count: int, seed: int) -> int:
        """Top bench people up to `count`, round-robin over organisations that have someone to record them.

        Names in several scripts (palermo.demo.fictional_people), encrypted by the model fields as
        always, with their references and search tokens; tokens go in with COPY on PostgreSQL.
        """
        existing = Person.objects.filter(organisation__name__startswith=fictional.BENCH_PREFIX).count()
        wanted = count - existing
        if wanted <= 0:
            return 0
        recorders: dict[int, list[int]] = {}
        for organisation_id, user_id in (
            Membership.objects.filter(
                organisation__in=organisations, role__in=RECORDING_ROLES, is_active=True, user__is_active=True
            )
            .order_by("pk")
            .values_list("organisation_id", "user_id")
        ):
            recorders.setdefault(organisation_id, []).append(user_id)
        targets = [o for o in organisations if o.pk in recorders]
        if not targets:
            raise CommandError(
                "No bench organisation has a case worker or first responder to record people: "
                "give more --users (at least one per organisation).",
                returncode=2,
            )
        year = timezone.localdate().year
        numbers = {o.pk: _last_reference_number(o.pk, year) for o in targets}
        key = hmac_key(search.PURPOSE)
        rng = random.Random(f"{seed}-people-{existing}")  # noqa: S311 - fictional values
        done = 0
        for chunk in _chunks(range(existing, count), self.batch_size):
            rows, fields_of = [], []
            for number in chunk:
                organisation = targets[number % len(targets)]
                fields = fictional_people.person_fields(rng)
                numbers[organisation.pk] += 1
                values = {name: (empty() if callable(empty) else empty) for name, empty in PERSONAL_FIELDS.items()}
                values.update(fields)
                rows.append(
                    Person(
                        organisation=organisation,
                        created_by_id=rng.choice(recorders[organisation.pk]),
                        reference=f"P-{year}-{numbers[organisation.pk]:05d}",
                        name_index=person_name_index(values["given_names"], values["family_name"]),
                        **values,
                    )
                )
                fields_of.append(fields)
            with transaction.atomic():
                # bulk_create goes through the fields' get_db_prep_value: the values are encrypted.
                Person.objects.bulk_create(rows)
                tokens = [
                    (person.organisation_id, person.pk, kind, token)
                    for person, fields in zip(rows, fields_of, strict=True)
                    for kind, token in search.fields_tokens(fields, key)
                ]
                _insert_tokens(tokens)
            done += len(rows)
            self._progress("people", done, wanted)
        bench_cases.analyse(Person, PersonSearchToken)
        return wanted


def _last_reference_number(organisation_id: int, year: int) -> int:
    last = reference_next(organisation_id, year)
    return int(last.rsplit("-", 1)[1]) - 1


def _insert_tokens(rows: list[tuple[int, int, int, int]]) -> None:
    table = PersonSearchToken._meta.db_table
    columns = "organisation_id, person_id, kind, token"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s)", rows)  # noqa: S608 - our names
