"""Reads of referrals, scoped to what the acting user may see; reads of one record are audited.

Who sees a referral: the sending organisation (within the acting user's case scope), and the recipient's case
workers while the access rule holds (palermo.referrals.access, the one place that says when).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from palermo.audit.services import audited_get
from palermo.cases.models import Case
from palermo.cases.selectors import case_queryset_for
from palermo.permissions import ActingUser, Capability, can, personal_record_scope
from palermo.referrals.access import recipient_access, referral_access_holds, with_recipient_access
from palermo.referrals.models import Referral, ReferralStatus


def _received_queryset(acting: ActingUser) -> QuerySet[Referral]:
    if acting.membership is None or not can(acting, Capability.CASE_MANAGE):
        return Referral.objects.none()
    return Referral.objects.filter(recipient_access(), to_organisation_id=acting.membership.organisation_id)


def _sent_queryset(acting: ActingUser) -> QuerySet[Referral]:
    if acting.membership is None:
        return Referral.objects.none()
    if can(acting, Capability.REFERRAL_REVOKE) and not can(acting, Capability.PERSON_VIEW_ORGANISATION):
        # A coordinator watches the organisation's referrals (no personal data on them) to revoke stale ones.
        return Referral.objects.filter(organisation_id=acting.membership.organisation_id)
    organisation_id = acting.membership.organisation_id
    if personal_record_scope(acting) == {"organisation_id": organisation_id}:
        # Every case of the organisation is in scope, and a referral is always sent by its case's
        # organisation: no case filter. With one, PostgreSQL misjudged how many rows match (the same
        # organisation on both tables) and sorted every referral the organisation ever sent (30 ms
        # with 1,000,000 cases) instead of reading the newest 26 from the referral_sent_recent index.
        return Referral.objects.filter(organisation_id=organisation_id)
    # A narrower scope (a first responder's own cases): said outright, the organisation lets the
    # database use the referral_outbox index instead of joining every case.
    return Referral.objects.filter(organisation_id=organisation_id, case__in=case_queryset_for(acting))


def referral_queryset_for(acting: ActingUser) -> QuerySet[Referral]:
    """Referrals the acting user's organisation sent (within the acting user's case scope) or may read as recipient."""
    received = _received_queryset(acting)
    sent = _sent_queryset(acting)
    return (
        Referral.objects.filter(Q(pk__in=received.values("pk")) | Q(pk__in=sent.values("pk")))
        .select_related("case", "case__person", "organisation", "to_organisation", "consent", "legal_basis")
        .order_by("-sent_at", "-id")
    )


def referral_get_for(*, acting: ActingUser, referral_id: int | str) -> Referral:
    """One referral, to act on it (answer, revoke); 404 alike for missing, out of scope, and for a
    recipient whose access has ended. To show one, `referral_view_for` (palermo.referrals.sharing)."""
    return audited_get(
        acting=acting, queryset=referral_queryset_for(acting), object_id=referral_id, action="referral.view"
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


def referral_inbox_for(*, acting: ActingUser) -> QuerySet[Referral]:
    """Referrals received, for lists: only `REFERRAL_LIST_FIELDS` are loaded (nothing is decrypted)."""
    # Straight from the received set: going through referral_queryset_for (received OR sent, then
    # received again) gave the same rows through two more subqueries.
    return _referral_list(_received_queryset(acting).order_by("-sent_at", "-id"))


def referral_inbox_counts(*, acting: ActingUser) -> dict[str, int]:
    """How many referrals received the recipient may still read, by status: counts only, nothing about anyone."""
    rows = _received_queryset(acting).order_by().values_list("status").annotate(count=Count("pk"))
    return dict(rows.values_list("status", "count"))


def referral_outbox_for(*, acting: ActingUser) -> QuerySet[Referral]:
    """Referrals sent, for lists: only `REFERRAL_LIST_FIELDS` are loaded (nothing is decrypted)."""
    return _referral_list(_sent_queryset(acting).order_by("-sent_at", "-id"))


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


def referral_panel_context(*, acting: ActingUser, case: Case) -> dict[str, Any]:
    """The case page's "Referrals" section: each referral with whether it is overdue and whether the
    recipient still sees it. Covered by the page's `case.view` audit entry; one query for all of them."""
    today = timezone.localdate()
    referrals = with_recipient_access(case.referrals.select_related("to_organisation"))
    return {"referrals": [(r, referral_is_overdue(r, today), referral_access_holds(r)) for r in referrals]}
