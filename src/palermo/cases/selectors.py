"""Reads of cases and referrals, scoped to what the actor may see; reads of one record are audited."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from palermo.accounts.models import User
from palermo.audit.services import audit_record, audited_get
from palermo.cases.models import (
    Case,
    CaseAttachment,
    CaseEvent,
    CaseNote,
    CaseScreening,
    Consent,
    ConsentStatus,
    LegalBasis,
    Referral,
    ReferralStatus,
)
from palermo.identification.models import DecisionResult, Screening
from palermo.identification.selectors import IdentificationStatus, identification_statuses
from palermo.organisations.models import Organisation
from palermo.permissions import ROLE_CAPABILITIES, Actor, Capability, can, personal_record_scope
from palermo.related import attach_related


def case_workers_of(organisation_id: int) -> QuerySet[User]:
    """Users who may be assigned a case of the organisation: its active members whose role manages cases."""
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if Capability.CASE_MANAGE in caps]
    return User.objects.filter(
        memberships__organisation_id=organisation_id, memberships__is_active=True, memberships__role__in=roles
    ).distinct()


def case_queryset_for(actor: Actor) -> QuerySet[Case]:
    """Cases the actor's own organisation holds and the actor may see (not audited: callers audit what they show).

    Another organisation sees a case only through a referral; that goes through the referral selectors.
    """
    scope = personal_record_scope(actor)
    if scope is None:
        return Case.objects.none()
    return Case.objects.filter(**scope)


def case_get_for(*, actor: Actor, case_id: int | str) -> Case:
    """One case of the actor's organisation; 404 alike for missing and for out of scope."""
    return audited_get(
        actor=actor, queryset=case_queryset_for(actor).select_related("person"), object_id=case_id, action="case.view"
    )


def case_list_for(*, actor: Actor) -> QuerySet[Case]:
    """The case list: refused outright to roles that never see people."""
    if personal_record_scope(actor) is None:
        raise PermissionDenied("case.list")
    return case_queryset_for(actor).select_related("person").prefetch_related("assigned_to")


def case_list_audited(*, actor: Actor, cases: list[Case]) -> list[Case]:
    if cases:
        audit_record(actor=actor, action="case.list", detail={"ids": [c.pk for c in cases]})
    return cases


# --- Screenings, decisions and the derived trafficking status -----------------------------------------


def case_screenings(case: Case) -> list[Screening]:
    """Screenings of the case: linked explicitly, or recorded about the same person by the same organisation.

    With their organisation (its country sets the decision deadline) in the same query."""
    linked = CaseScreening.objects.filter(case_id=case.pk).values("screening_id")
    return list(
        Screening.objects.filter(Q(pk__in=linked) | Q(person_id=case.person_id, organisation_id=case.organisation_id))
        .select_related("organisation")
        .order_by("created_at", "id")
    )


# Strongest first: one identified-victim decision stands whatever else was decided on other screenings.
STATUS_PRECEDENCE = ("identified", "presumed", "not_a_victim", "possible")


def screening_trafficking_status(status: IdentificationStatus) -> str:
    if status.conclusive is not None:
        return "identified" if status.conclusive.result == DecisionResult.IDENTIFIED_VICTIM else "not_a_victim"
    if status.grounds is not None:
        return "presumed" if status.grounds.result == DecisionResult.POSITIVE else "not_a_victim"
    return "possible"


def case_trafficking_status(case: Case, statuses: list[IdentificationStatus] | None = None) -> str:
    """possible / presumed / identified / not_a_victim, from the current identification decisions only.

    Never typed by hand: a positive reasonable-grounds decision makes the person a presumed victim, a
    positive conclusive decision an identified one; negative decisions make them not a victim; with no
    decision at all the person is a possible victim. `statuses` are those of the case's screenings, when
    the caller has them already.
    """
    if statuses is None:
        statuses = identification_statuses(case_screenings(case))
    found = {screening_trafficking_status(s) for s in statuses}
    return next((status for status in STATUS_PRECEDENCE if status in found), "possible")


def htcds_case_status(case: Case) -> str:
    """cas_Status: Active, FollowUp (closed with a follow-up still ahead), Closed or ClosedReferred."""
    if case.is_open:
        return "Active"
    if case.follow_up_on and case.follow_up_on >= timezone.localdate():
        return "FollowUp"
    return "ClosedReferred" if case.closure_reason == "referred" else "Closed"


# --- Consents ----------------------------------------------------------------------------------------


def consents_of(case: Case) -> list[Consent]:
    """The case's consents, with the organisation and who recorded them: what the case page and the API show."""
    return list(case.consents.select_related("recipient", "recorded_by"))


def consent_get_for(*, actor: Actor, consent_id: int | str) -> Consent:
    queryset = Consent.objects.filter(case__in=case_queryset_for(actor)).select_related("case", "recipient")
    return audited_get(actor=actor, queryset=queryset, object_id=consent_id, action="consent.view")


# --- Referrals ---------------------------------------------------------------------------------------


def referral_access_holds(referral: Referral) -> bool:
    """Whether the recipient may see the referral now: still pending or accepted, and the consent
    (or legal basis) behind it not withdrawn. Checked on every read, so withdrawal ends access at once."""
    if referral.status not in (ReferralStatus.PENDING, ReferralStatus.ACCEPTED):
        return False
    if referral.legal_basis_id:
        return True
    return referral.consent is not None and referral.consent.status == ConsentStatus.GIVEN


def _received_queryset(actor: Actor) -> QuerySet[Referral]:
    if actor.membership is None or not can(actor, Capability.CASE_MANAGE):
        return Referral.objects.none()
    return Referral.objects.filter(
        to_organisation_id=actor.membership.organisation_id,
        status__in=[ReferralStatus.PENDING, ReferralStatus.ACCEPTED],
    ).filter(Q(legal_basis__isnull=False) | Q(consent__status=ConsentStatus.GIVEN))


def _sent_queryset(actor: Actor) -> QuerySet[Referral]:
    if actor.membership is None:
        return Referral.objects.none()
    if can(actor, Capability.REFERRAL_REVOKE) and not can(actor, Capability.PERSON_VIEW_ORGANISATION):
        # A coordinator watches the organisation's referrals (no personal data on them) to revoke stale ones.
        return Referral.objects.filter(organisation_id=actor.membership.organisation_id)
    organisation_id = actor.membership.organisation_id
    if personal_record_scope(actor) == {"organisation_id": organisation_id}:
        # Every case of the organisation is in scope, and a referral is always sent by its case's
        # organisation: no case filter. With one, PostgreSQL misjudged how many rows match (the same
        # organisation on both tables) and sorted every referral the organisation ever sent (30 ms
        # with 1,000,000 cases) instead of reading the newest 26 from the referral_sent_recent index.
        return Referral.objects.filter(organisation_id=organisation_id)
    # A narrower scope (a first responder's own cases): said outright, the organisation lets the
    # database use the referral_outbox index instead of joining every case.
    return Referral.objects.filter(organisation_id=organisation_id, case__in=case_queryset_for(actor))


def referral_queryset_for(actor: Actor) -> QuerySet[Referral]:
    """Referrals the actor's organisation sent (within the actor's case scope) or may read as recipient."""
    received = _received_queryset(actor)
    sent = _sent_queryset(actor)
    return (
        Referral.objects.filter(Q(pk__in=received.values("pk")) | Q(pk__in=sent.values("pk")))
        .select_related("case", "case__person", "organisation", "to_organisation", "consent", "legal_basis")
        .order_by("-sent_at", "-id")
    )


def referral_get_for(*, actor: Actor, referral_id: int | str) -> Referral:
    """One referral; 404 alike for missing, out of scope, and for a recipient whose access has ended."""
    return audited_get(
        actor=actor, queryset=referral_queryset_for(actor), object_id=referral_id, action="referral.view"
    )


# What the referral lists (inbox page, API list, work items) show or check: codes, dates and names of
# organisations. Loading whole rows decrypted every referred person and case in the list for nothing
# (with 400 rows, most of the inbox page's time); a list that needs more must ask for it here.
REFERRAL_LIST_FIELDS = (
    "status",
    "services",
    "sent_at",
    "acknowledge_by",
    "legal_basis",
    "case__reference",
    "organisation__name",
    "to_organisation__name",
    "consent__status",
)


def _referral_list(queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    return (
        queryset.select_related(None)
        .select_related("case", "organisation", "to_organisation", "consent")
        .only(*REFERRAL_LIST_FIELDS)
    )


def referral_inbox_for(*, actor: Actor) -> QuerySet[Referral]:
    """Referrals received, for lists: only `REFERRAL_LIST_FIELDS` are loaded (nothing is decrypted)."""
    # Straight from the received set: going through referral_queryset_for (received OR sent, then
    # received again) gave the same rows through two more subqueries.
    return _referral_list(_received_queryset(actor).order_by("-sent_at", "-id"))


def referral_outbox_for(*, actor: Actor) -> QuerySet[Referral]:
    """Referrals sent, for lists: only `REFERRAL_LIST_FIELDS` are loaded (nothing is decrypted)."""
    return _referral_list(_sent_queryset(actor).order_by("-sent_at", "-id"))


class ReferralRow(NamedTuple):
    """One line of a referral list: references, names of organisations, codes and dates, nothing personal.

    A named tuple: a page makes 50 of them, and a frozen dataclass took a millisecond for that."""

    pk: int
    case_reference: str
    organisation_id: int
    organisation_name: str
    to_organisation_id: int
    to_organisation_name: str
    status: str
    status_label: str
    services: list[str]
    sent_at: datetime.datetime
    acknowledge_by: datetime.date
    overdue: bool


_ROW_COLUMNS = (
    "pk",
    "case__reference",
    "organisation_id",
    "organisation__name",
    "to_organisation_id",
    "to_organisation__name",
    "status",
    "services",
    "sent_at",
    "acknowledge_by",
)


def referral_row_values(queryset: QuerySet[Referral]) -> QuerySet[Referral, tuple[Any, ...]]:
    """The columns a referral list shows, as plain values; slice it, then make `referral_rows` of the slice."""
    return queryset.values_list(*_ROW_COLUMNS)


class ReferralRowPages:
    """A referral list for a paginator: its slices are the lines' values, and count() counts referrals alone.

    Counting through `referral_row_values` kept the joins to cases and organisations that only the
    lines need; on a million cases that count took 38 ms, more than the rest of the request.
    """

    ordered = True

    def __init__(self, queryset: QuerySet[Referral]) -> None:
        self._queryset = queryset

    def count(self) -> int:
        return self._queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> QuerySet[Referral, tuple[Any, ...]]:
        return referral_row_values(self._queryset)[index]


def referral_rows(values: Iterable[tuple[Any, ...]]) -> list[ReferralRow]:
    """Lines of a referral list (from `referral_inbox_for` or `referral_outbox_for`, through `referral_row_values`).

    Plain values: the lists are the busiest pages after the case page, and building model instances
    with their related objects took longer than the query itself.
    """
    labels = {code: str(label) for code, label in ReferralStatus.choices}
    today = timezone.localdate()
    return [
        ReferralRow(
            pk=pk,
            case_reference=reference,
            organisation_id=organisation_id,
            organisation_name=organisation_name,
            to_organisation_id=to_organisation_id,
            to_organisation_name=to_organisation_name,
            status=status,
            status_label=labels.get(status, status),
            services=services,
            sent_at=sent_at,
            acknowledge_by=acknowledge_by,
            overdue=_unanswered_past(status, acknowledge_by, today),
        )
        for (
            pk,
            reference,
            organisation_id,
            organisation_name,
            to_organisation_id,
            to_organisation_name,
            status,
            services,
            sent_at,
            acknowledge_by,
        ) in values
    ]


def referral_is_overdue(referral: Referral, today: datetime.date | None = None) -> bool:
    """Nobody answered by the acknowledgement deadline."""
    return _unanswered_past(referral.status, referral.acknowledge_by, today or timezone.localdate())


def _unanswered_past(status: str, acknowledge_by: datetime.date, today: datetime.date) -> bool:
    return status == ReferralStatus.PENDING and acknowledge_by < today


def referral_recipient_choices(actor: Actor) -> list[tuple[Organisation, list[str]]]:
    """Organisations a case may be referred to, with the service codes each offers in the actor directory.

    Every active organisation but the actor's own; one without a directory entry lists no services.
    """
    from palermo.directory.selectors import services_offered_by

    organisations = Organisation.objects.filter(is_active=True).order_by("name")
    if actor.membership is not None:
        organisations = organisations.exclude(pk=actor.membership.organisation_id)
    offered = services_offered_by([o.pk for o in organisations])
    return [(organisation, offered.get(organisation.pk, [])) for organisation in organisations]


# --- Attachments -------------------------------------------------------------------------------------


@dataclass
class CaseRecords:
    """The lists the case page shows, each row with the people and organisations it names attached."""

    consents: list[Consent]
    legal_bases: list[LegalBasis]
    referrals: list[Referral]
    events: list[CaseEvent]
    notes: list[CaseNote]
    attachments: list[CaseAttachment]


def case_page_records(case: Case) -> CaseRecords:
    """Consents, legal bases, referrals, history, notes and files of one case, for its page.

    The same reads as the API's (`consents_of`, `case_attachments`, the case's related managers). The
    lists without a selector of their own are read without joins, then the users and organisations they
    name are read once for all of them and attached: a query per list, whatever its length.
    """
    records = CaseRecords(
        # Through the case's related managers: each row's `case` is this case, without a query.
        consents=consents_of(case),
        legal_bases=list(case.legal_bases.all()),
        referrals=list(case.referrals.all()),
        events=list(case.events.all()),
        notes=list(case.notes.all()),
        attachments=list(case_attachments(case)),
    )
    attach_related(
        User.objects.only("id", "email", "full_name"),
        (records.legal_bases, ("decided_by",)),
        (records.events, ("by",)),
        (records.notes, ("author",)),
    )
    attach_related(
        Organisation.objects.all(),
        (records.legal_bases, ("recipient",)),
        (records.referrals, ("to_organisation",)),
    )
    consents = {consent.pk: consent for consent in records.consents}
    for referral in records.referrals:
        if referral.consent_id in consents:  # a referral's consent is one of its case's
            referral.consent = consents[referral.consent_id]
    return records


def case_attachments(case: Case) -> QuerySet[CaseAttachment]:
    """The case's files, newest first, without their content (it is decrypted whenever a row is loaded).

    Only for a case read through `case_get_for`; a referral never reaches this (see sharing.py)."""
    return case.attachments.defer("content").select_related("uploaded_by")


def case_attachment_get_for(
    *, actor: Actor, case_id: int | str, attachment_id: int | str, to_remove: bool = False
) -> CaseAttachment:
    """One file of a case the actor may see, its read audited as a download; 404 alike for missing and forbidden.

    Scoped by the actor's own cases only: another organisation never gets a case's files, referral or not.
    `to_remove` fetches it for `case_attachment_remove`, which audits the removal instead of a download."""
    try:
        case_pk = int(case_id)
    except (TypeError, ValueError):
        raise Http404 from None
    queryset = CaseAttachment.objects.filter(case__in=case_queryset_for(actor), case_id=case_pk)
    queryset = queryset.select_related("case")
    if to_remove:
        try:
            return queryset.defer("content").get(pk=int(attachment_id))
        except (CaseAttachment.DoesNotExist, TypeError, ValueError):
            raise Http404 from None
    return audited_get(actor=actor, queryset=queryset, object_id=attachment_id, action="case.attachment.download")
