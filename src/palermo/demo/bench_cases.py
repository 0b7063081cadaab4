"""Cases, consents, referrals, notes and assistance for `palermo bench seed`, in bulk.

One case per bench person (people in id order, those without a case first), opened by a case worker
of the person's organisation and assigned to them. Around each new case: its history (CaseEvent), a
consent to assistance, `notes_per_case` notes, and, chosen at random among the new cases, a share closed,
a share with a risk assessment (four standard factors) and three plan items, and referrals to another
bench organisation with a matching consent to referral (so the recipient's shared view works), some
pending, some accepted, some declined. Everything said about a person goes through the encrypted model
fields, as in the application, in one `bulk_create` per table and batch.

Only new cases get consents, notes, referrals and assistance: running the seed again with the same
numbers adds nothing, and asking for more cases tops up with the same proportions.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Exists, Model, OuterRef
from django.utils import timezone

from palermo.assistance.models import (
    STANDARD_FACTORS,
    FactorRating,
    PlanItem,
    PlanStatus,
    RiskAssessment,
    RiskFactor,
    RiskLevel,
)
from palermo.cases import vocabularies
from palermo.cases.models import Case, CaseEvent, CaseEventKind, CaseNote, CaseStatus
from palermo.consent.models import Consent, ConsentPurpose, ConsentStatus, InformedHow
from palermo.organisations.models import Membership, Organisation, Role
from palermo.people.models import Person
from palermo.referrals.models import Referral, ReferralStatus

# What a referral shares and asks for: codes registered in cases.sharing and the assistance catalogue.
REFERRAL_FIELDS = ["names", "date_of_birth", "exploitation", "risk", "assistance_plan"]
REFERRAL_SERVICES = (["shelter", "medical"], ["psychological"], ["shelter", "material"], ["medical"])
ASSISTANCE_SERVICES = ["shelter", "medical", "psychological", "material"]
COUNTRIES = ("RO", "BG", "NG", "VN", "UA", "AL", "BR", "MD", "PH", "IN")
NOTE_TEXTS = (
    "Met at the shelter; needs an interpreter for the next interview.",
    "Called the lawyer about the residence permit appointment.",
    "Accompanied to the clinic; follow-up in two weeks.",
    "Says the employer still keeps the passport. Told the police liaison.",
    "Asked about sending money home; explained the options.",
    "Feels safe in the new accommodation; sleeping better.",
    "Missed the appointment; reached by phone in the evening.",
)
DECLINE_TEXTS = ("No place in our shelter this month.", "Outside the area we cover.")
CLOSURE_REASONS = ("assistance_completed", "referred", "returned_or_relocated", "lost_contact")


@dataclass(frozen=True)
class Shares:
    """The share of new cases closed, and with assistance data (risk assessment and plan), chosen at random."""

    closed: float = 0.2
    assisted: float = 0.3


def _pick(count: int, among: Sequence[int], rng: random.Random) -> set[int]:
    """Exactly `count` of `among`, chosen at random (so not in step with the organisations' round-robin)."""
    return set(rng.sample(among, max(0, min(count, len(among)))))


def _case_workers(organisations: list[Organisation]) -> dict[int, list[int]]:
    workers: dict[int, list[int]] = {}
    for organisation_id, user_id in (
        Membership.objects.filter(
            organisation__in=organisations, role=Role.CASE_WORKER, is_active=True, user__is_active=True
        )
        .order_by("pk")
        .values_list("organisation_id", "user_id")
    ):
        workers.setdefault(organisation_id, []).append(user_id)
    return workers


def _last_case_number(organisation_id: int, year: int) -> int:
    prefix = f"C-{year}-"
    last = (
        Case.objects.filter(organisation_id=organisation_id, reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    return int(last.removeprefix(prefix)) if last else 0


def seed_cases(
    *,
    organisations: list[Organisation],
    cases: int,
    referrals: int,
    notes_per_case: int,
    seed: int,
    batch_size: int,
    progress: Callable[[str, int, int], None],
    shares: Shares = Shares(),
) -> dict[str, int]:
    """Top bench cases up to `cases`; returns what was created, by table."""
    created = dict.fromkeys(("cases", "notes", "events", "consents", "referrals", "risk_assessments", "plan_items"), 0)
    existing = Case.objects.filter(organisation__in=organisations).count()
    wanted = cases - existing
    if wanted <= 0:
        return created
    workers = _case_workers(organisations)
    if not workers:
        return created
    existing_referrals = Referral.objects.filter(organisation__in=organisations).count()
    rng = random.Random(f"{seed}-cases-{existing}")  # noqa: S311 - fictional values
    everyone = range(wanted)
    refer = _pick(referrals - existing_referrals, everyone, rng)
    # A referred case stays open: the closed ones are chosen among the others.
    close = _pick(round(shares.closed * wanted), [i for i in everyone if i not in refer], rng)
    assist = _pick(round(shares.assisted * wanted), everyone, rng)
    recipients = [o for o in organisations if o.pk in workers]
    year = timezone.localdate().year
    numbers = {o.pk: _last_case_number(o.pk, year) for o in organisations}
    types = vocabularies.codes("type_of_exploitation")
    controls = vocabularies.codes("methods_of_control")
    today = timezone.localdate()
    now = timezone.now()
    without_case = (
        Person.objects.filter(organisation_id__in=list(workers))
        .filter(~Exists(Case.objects.filter(person=OuterRef("pk"))))
        .order_by("pk")
    )
    index = 0
    last_pk = 0
    while index < wanted:
        people = list(
            without_case.filter(pk__gt=last_pk).values_list("pk", "organisation_id")[: min(batch_size, wanted - index)]
        )
        if not people:
            break
        last_pk = people[-1][0]
        with transaction.atomic():
            rows: list[Case] = []
            for person_id, organisation_id in people:
                numbers[organisation_id] += 1
                closed = index + len(rows) in close
                rows.append(
                    Case(
                        organisation_id=organisation_id,
                        person_id=person_id,
                        created_by_id=rng.choice(workers[organisation_id]),
                        reference=f"C-{year}-{numbers[organisation_id]:05d}",
                        status=CaseStatus.CLOSED if closed else CaseStatus.OPEN,
                        closed_at=now if closed else None,
                        closure_reason=rng.choice(CLOSURE_REASONS) if closed else "",
                        exploitation_types=rng.sample(types, rng.choice((1, 1, 2))),  # type: ignore[misc]  # encrypted JSON, typed as text
                        methods_of_control=rng.sample(controls, rng.randint(1, 3)),
                        recruitment_country=rng.choice(COUNTRIES),
                        exploitation_country=rng.choice(COUNTRIES),
                    )
                )
            # bulk_create goes through the fields' get_db_prep_value: the values are encrypted.
            Case.objects.bulk_create(rows)
            Case.assigned_to.through.objects.bulk_create(
                [Case.assigned_to.through(case_id=c.pk, user_id=c.created_by_id) for c in rows]
            )
            consents = [
                Consent(
                    organisation_id=c.organisation_id,
                    case=c,
                    purpose=ConsentPurpose.ASSISTANCE,
                    services=ASSISTANCE_SERVICES,
                    status=ConsentStatus.GIVEN,
                    informed_language="en",
                    informed_how=InformedHow.WRITTEN,
                    recorded_by_id=c.created_by_id,
                )
                for c in rows
            ]
            referred = []
            for offset, case in enumerate(rows):
                if index + offset in refer:
                    others = [o for o in recipients if o.pk != case.organisation_id]
                    if others:
                        referred.append((case, rng.choice(others)))
            referral_consents = [
                Consent(
                    organisation_id=case.organisation_id,
                    case=case,
                    purpose=ConsentPurpose.REFERRAL,
                    recipient=recipient,
                    fields=REFERRAL_FIELDS,
                    services=ASSISTANCE_SERVICES,
                    status=ConsentStatus.GIVEN,
                    informed_language="en",
                    informed_how=InformedHow.ORAL,
                    recorded_by_id=case.created_by_id,
                )
                for case, recipient in referred
            ]
            Consent.objects.bulk_create(consents + referral_consents)
            referral_rows = []
            for (case, recipient), consent in zip(referred, referral_consents, strict=True):
                roll = rng.random()
                status = (
                    ReferralStatus.PENDING
                    if roll < 0.5
                    else ReferralStatus.ACCEPTED
                    if roll < 0.85
                    else ReferralStatus.DECLINED
                )
                answered = status != ReferralStatus.PENDING
                referral_rows.append(
                    Referral(
                        organisation_id=case.organisation_id,
                        case=case,
                        to_organisation=recipient,
                        services=rng.choice(REFERRAL_SERVICES),
                        fields=REFERRAL_FIELDS,
                        note="Please call before the first visit." if rng.random() < 0.5 else "",
                        consent=consent,
                        sent_by_id=case.created_by_id,
                        acknowledge_by=today + datetime.timedelta(days=rng.randint(-5, 10)),
                        status=status,
                        answered_by_id=rng.choice(workers[recipient.pk]) if answered else None,
                        answered_at=now if answered else None,
                        decline_reason=rng.choice(DECLINE_TEXTS) if status == ReferralStatus.DECLINED else "",
                    )
                )
            Referral.objects.bulk_create(referral_rows)
            events = []
            for case in rows:
                events.append(CaseEvent(case=case, kind=CaseEventKind.OPENED, by_id=case.created_by_id, detail={}))
            for consent in consents + referral_consents:
                detail = {"consent": consent.pk, "purpose": consent.purpose, "status": consent.status}
                events.append(
                    CaseEvent(
                        case=consent.case, kind=CaseEventKind.CONSENT, by_id=consent.recorded_by_id, detail=detail
                    )
                )
            for referral in referral_rows:
                detail = {"referral": referral.pk, "to": referral.to_organisation_id}
                events.append(
                    CaseEvent(
                        case=referral.case, kind=CaseEventKind.REFERRAL_SENT, by_id=referral.sent_by_id, detail=detail
                    )
                )
                if referral.status != ReferralStatus.PENDING:
                    kind = (
                        CaseEventKind.REFERRAL_ACCEPTED
                        if referral.status == ReferralStatus.ACCEPTED
                        else CaseEventKind.REFERRAL_DECLINED
                    )
                    events.append(
                        CaseEvent(
                            case=referral.case,
                            kind=kind,
                            by_id=referral.answered_by_id,
                            detail={"referral": referral.pk},
                        )
                    )
            for case in rows:
                if not case.is_open:
                    detail = {"reason": case.closure_reason, "follow_up_on": None}
                    events.append(
                        CaseEvent(case=case, kind=CaseEventKind.CLOSED, by_id=case.created_by_id, detail=detail)
                    )
            CaseEvent.objects.bulk_create(events)
            notes = [
                CaseNote(case=case, author_id=case.created_by_id, text=rng.choice(NOTE_TEXTS))
                for case in rows
                for _ in range(notes_per_case)
            ]
            CaseNote.objects.bulk_create(notes)
            assisted = [case for offset, case in enumerate(rows) if index + offset in assist]
            assessments = [
                RiskAssessment(
                    organisation_id=case.organisation_id,
                    case=case,
                    assessed_on=today - datetime.timedelta(days=rng.randrange(90)),
                    level=rng.choice(RiskLevel.values),
                    review_on=today + datetime.timedelta(days=rng.randrange(-10, 60)),
                    assessed_by_id=case.created_by_id,
                )
                for case in assisted
            ]
            RiskAssessment.objects.bulk_create(assessments)
            RiskFactor.objects.bulk_create(
                [
                    RiskFactor(assessment=assessment, kind=kind, rating=rng.choice(FactorRating.values))
                    for assessment in assessments
                    for kind in STANDARD_FACTORS
                ]
            )
            plan_items = [
                PlanItem(
                    organisation_id=case.organisation_id,
                    case=case,
                    service=service,
                    status=rng.choice(PlanStatus.values),
                    starts_on=today - datetime.timedelta(days=rng.randrange(60)),
                    ends_on=today + datetime.timedelta(days=rng.randrange(-10, 120)),
                    notes="Arranged by phone." if rng.random() < 0.3 else "",
                    created_by_id=case.created_by_id,
                )
                for case in assisted
                for service in rng.sample(ASSISTANCE_SERVICES, 3)
            ]
            PlanItem.objects.bulk_create(plan_items)
        index += len(rows)
        created["cases"] += len(rows)
        created["notes"] += len(notes)
        created["events"] += len(events)
        created["consents"] += len(consents) + len(referral_consents)
        created["referrals"] += len(referral_rows)
        created["risk_assessments"] += len(assessments)
        created["plan_items"] += len(plan_items)
        progress("cases", index, wanted)
    analyse(
        Case, Case.assigned_to.through, CaseNote, CaseEvent, Consent, Referral, RiskAssessment, RiskFactor, PlanItem
    )
    return created


def analyse(*models: type[Model]) -> None:
    """Fresh statistics, and on PostgreSQL a visibility map, for tables just written in bulk: the
    benchmark then measures the plans and index-only scans a running system has, not those of the
    hours before autovacuum gets round to them."""
    with connection.cursor() as cursor:
        # VACUUM cannot run inside a transaction (as under the tests); ANALYZE alone can.
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        for model in models:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"VACUUM ANALYZE {table}" if vacuum else f"ANALYZE {table}")
