"""Reads of cases, scoped to what the acting user may see; reads of one record are audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
)
from palermo.identification.models import DecisionResult, Screening
from palermo.identification.selectors import IdentificationStatus, identification_statuses
from palermo.permissions import ROLE_CAPABILITIES, ActingUser, Capability, personal_record_scope
from palermo.related import attach_related


def case_workers_of(organisation_id: int) -> QuerySet[User]:
    """Users who may be assigned a case of the organisation: its active members whose role manages cases."""
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if Capability.CASE_MANAGE in caps]
    return User.objects.filter(
        memberships__organisation_id=organisation_id, memberships__is_active=True, memberships__role__in=roles
    ).distinct()


def case_queryset_for(acting: ActingUser) -> QuerySet[Case]:
    """Cases of the acting user's organisation that the acting user may see (not audited: callers audit what they show).

    Another organisation sees a case only through a referral; that goes through the referral selectors.
    """
    scope = personal_record_scope(acting)
    if scope is None:
        return Case.objects.none()
    return Case.objects.filter(**scope)


def case_get_for(*, acting: ActingUser, case_id: int | str) -> Case:
    """One case of the acting user's organisation; 404 alike for missing and for out of scope."""
    return audited_get(
        acting=acting,
        queryset=case_queryset_for(acting).select_related("person"),
        object_id=case_id,
        action="case.view",
    )


def case_list_for(*, acting: ActingUser) -> QuerySet[Case]:
    """The case list: refused outright to roles that never see people."""
    if personal_record_scope(acting) is None:
        raise PermissionDenied("case.list")
    return case_queryset_for(acting).select_related("person").prefetch_related("assigned_to")


def case_list_audited(*, acting: ActingUser, cases: list[Case]) -> list[Case]:
    if cases:
        audit_record(acting=acting, action="case.list", detail={"ids": [c.pk for c in cases]})
    return cases


# --- Screenings, decisions and the derived trafficking status -----------------------------------------


def case_screenings(case: Case) -> list[Screening]:
    """Screenings of the case: linked explicitly, or recorded about the same person by the same organisation.

    With their organisation (its country sets the decision deadline) in the same query."""
    return cases_screenings([case])[case.pk]


def cases_screenings(cases: Sequence[Case]) -> dict[int, list[Screening]]:
    """`case_screenings` of many cases (a page of the case list) in one query, two when there are several
    cases (which link is whose); each case's list oldest first."""
    if not cases:
        return {}
    linked = CaseScreening.objects.filter(case_id__in=[case.pk for case in cases])
    screenings = list(
        Screening.objects.filter(
            Q(pk__in=linked.values("screening_id"))
            | Q(
                person_id__in={case.person_id for case in cases},
                organisation_id__in={case.organisation_id for case in cases},
            )
        )
        .select_related("organisation")
        .order_by("created_at", "id")
    )
    if len(cases) == 1:
        return {cases[0].pk: screenings}  # every screening found is the one case's
    links = set(linked.values_list("case_id", "screening_id"))
    return {
        case.pk: [
            s
            for s in screenings
            if (case.pk, s.pk) in links or (s.person_id == case.person_id and s.organisation_id == case.organisation_id)
        ]
        for case in cases
    }


def cases_identification(cases: Sequence[Case]) -> dict[int, list[IdentificationStatus]]:
    """The identification status of every screening of each case (by case id), from one read of all their
    decisions: a page of the case list costs the same queries however many cases and screenings it shows."""
    screenings = cases_screenings(cases)
    unique = {screening.pk: screening for found in screenings.values() for screening in found}
    statuses = {status.screening.pk: status for status in identification_statuses(list(unique.values()))}
    return {case_id: [statuses[s.pk] for s in found] for case_id, found in screenings.items()}


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


# --- Attachments -------------------------------------------------------------------------------------


@dataclass
class CaseRecords:
    """The lists the case page shows, each row with the people it names attached.

    Consents, legal bases and referrals are the consent and referral apps' sections (case panels)."""

    events: list[CaseEvent]
    notes: list[CaseNote]
    attachments: list[CaseAttachment]


def case_page_records(case: Case) -> CaseRecords:
    """History, notes and files of one case, for its page.

    The same reads as the API's (`case_attachments`, the case's related managers). The lists are read
    without joins, then the users they name are read once for all of them and attached: a query per
    list, whatever its length. Consents, legal bases and referrals are the sections of the consent and
    referrals apps (case panels), read by their own selectors.
    """
    records = CaseRecords(
        # Through the case's related managers: each row's `case` is this case, without a query.
        events=list(case.events.all()),
        notes=list(case.notes.all()),
        attachments=list(case_attachments(case)),
    )
    attach_related(
        User.objects.only("id", "email", "full_name"),
        (records.events, ("by",)),
        (records.notes, ("author",)),
    )
    return records


def case_attachments(case: Case) -> QuerySet[CaseAttachment]:
    """The case's files, newest first, without their content (it is decrypted whenever a row is loaded).

    Only for a case read through `case_get_for`; a referral never reaches this (see palermo.referrals.sharing)."""
    return case.attachments.defer("content").select_related("uploaded_by")


def case_attachment_get_for(
    *, acting: ActingUser, case_id: int | str, attachment_id: int | str, to_remove: bool = False
) -> CaseAttachment:
    """One file of a case the acting user may see, its read audited as a download; 404 alike for missing and forbidden.

    Scoped by the acting user's own cases only: another organisation never gets a case's files, referral or not.
    `to_remove` fetches it for `case_attachment_remove`, which audits the removal instead of a download."""
    try:
        case_pk = int(case_id)
    except (TypeError, ValueError):
        raise Http404 from None
    queryset = CaseAttachment.objects.filter(case__in=case_queryset_for(acting), case_id=case_pk)
    queryset = queryset.select_related("case")
    if to_remove:
        try:
            return queryset.defer("content").get(pk=int(attachment_id))
        except (CaseAttachment.DoesNotExist, TypeError, ValueError):
            raise Http404 from None
    return audited_get(acting=acting, queryset=queryset, object_id=attachment_id, action="case.attachment.download")
