"""Reads of the catalogues: the newest loaded version of each (no personal data)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from palermo.audit.services import audit_record, audited_get
from palermo.identification.catalogues import Catalogue, parse_catalogue
from palermo.identification.deadlines import reasonable_grounds_due, recovery_period_end
from palermo.identification.models import (
    CatalogueVersion,
    DecisionResult,
    DecisionStage,
    IdentificationDecision,
    Screening,
)
from palermo.identification.rules import Evaluation, evaluate, parse_input
from palermo.organisations.models import Membership
from palermo.permissions import ROLE_CAPABILITIES, ActingUser, Capability, personal_record_scope, require

# Parsed catalogues by (id, version, digest): a stored version never changes, so this never goes stale.
_parsed: dict[tuple[str, int, str], Catalogue] = {}


def _catalogue_of(stored_id: int, key: tuple[str, int, str]) -> Catalogue:
    if key not in _parsed:
        content = CatalogueVersion.objects.values_list("content", flat=True).get(pk=stored_id)
        _parsed[key] = parse_catalogue(content, name=key[0])
    return _parsed[key]


def catalogue_list() -> list[Catalogue]:
    newest: dict[str, tuple[int, tuple[str, int, str]]] = {}
    rows = CatalogueVersion.objects.order_by("catalogue_id", "-version").values_list(
        "pk", "catalogue_id", "version", "digest"
    )
    for pk, catalogue_id, version, digest in rows:
        newest.setdefault(catalogue_id, (pk, (catalogue_id, version, digest)))
    return [_catalogue_of(pk, key) for pk, key in newest.values()]


def catalogue_get(*, catalogue_id: str, version: int | None = None) -> Catalogue | None:
    versions = CatalogueVersion.objects.filter(catalogue_id=catalogue_id)
    if version is not None:
        versions = versions.filter(version=version)
    row = versions.order_by("-version").values_list("pk", "catalogue_id", "version", "digest").first()
    if row is None:
        return None
    pk, found_id, found_version, digest = row
    return _catalogue_of(pk, (found_id, found_version, digest))


# --- Screenings: personal records, scoped like people and audited when opened ----------------------


def screening_catalogue(screening: Screening) -> Catalogue:
    stored = screening.catalogue
    return _catalogue_of(stored.pk, (stored.catalogue_id, stored.version, stored.digest))


def screening_evaluation(screening: Screening) -> Evaluation:
    """The result of a screening, worked out again from its answers in the active language.

    The catalogue version is the one the screening used, so the outcome is the stored one.
    """
    responses = screening.responses
    catalogue = screening_catalogue(screening)
    data = {
        "age": responses.get("age"),
        "answers": responses.get("answers", {}),
        "palermo": responses.get("palermo", {}),
    }
    return evaluate(catalogue, parse_input(catalogue, data))


def screening_queryset_for(acting: ActingUser) -> QuerySet[Screening]:
    scope = personal_record_scope(acting)
    if scope is None:
        return Screening.objects.none()
    return Screening.objects.filter(**scope).select_related("catalogue")


def screening_list_for(*, acting: ActingUser) -> QuerySet[Screening]:
    if personal_record_scope(acting) is None:
        raise PermissionDenied("screening.list")
    return screening_queryset_for(acting)


def screening_list_audited(*, acting: ActingUser, screenings: list[Screening]) -> list[Screening]:
    """Record that a list of screenings (their references) was shown: ids only."""
    if screenings:
        audit_record(acting=acting, action="screening.list", detail={"ids": [s.pk for s in screenings]})
    return screenings


def screening_get_for(*, acting: ActingUser, screening_id: int | str) -> Screening:
    """One screening the acting user may see; 404 alike for missing and out of scope. Audited."""
    return audited_get(
        acting=acting, queryset=screening_queryset_for(acting), object_id=screening_id, action="screening.view"
    )


# --- Identification decisions and their deadlines ---------------------------------------------------


def current_decision_among(decisions: Sequence[IdentificationDecision], stage: str) -> IdentificationDecision | None:
    """The decision of a stage that no later decision has superseded: the newest such one, or None.

    `decisions` are all the decisions of one screening. A reconsideration supersedes a decision of the
    same screening, so which ones are superseded is known from the list alone.
    """
    superseded = {decision.supersedes_id for decision in decisions}
    standing = [d for d in decisions if d.stage == stage and d.pk not in superseded]
    return max(standing, key=lambda d: (d.created_at, d.pk), default=None)


def current_decision(*, screening: Screening, stage: str) -> IdentificationDecision | None:
    """The decision of a stage that no later decision has superseded (see current_decision_among)."""
    return current_decision_among(list(IdentificationDecision.objects.filter(screening=screening)), stage)


@dataclass(frozen=True)
class IdentificationStatus:
    screening: Screening
    grounds: IdentificationDecision | None
    conclusive: IdentificationDecision | None
    grounds_due: datetime.date | None
    recovery_ends: datetime.date | None

    @property
    def grounds_overdue(self) -> bool:
        return self.grounds is None and self.grounds_due is not None and self.grounds_due < timezone.localdate()

    @property
    def in_recovery_period(self) -> bool:
        return self.recovery_ends is not None and self.recovery_ends >= timezone.localdate()


def identification_statuses(screenings: Sequence[Screening]) -> list[IdentificationStatus]:
    """The identification status of each screening, in their order, from one read of all their decisions.

    The deadline follows each screening's organisation's country: read the organisation with the
    screenings (select_related or attach_related), or it costs a query per screening.
    """
    decisions: dict[int, list[IdentificationDecision]] = {screening.pk: [] for screening in screenings}
    if screenings:
        for decision in IdentificationDecision.objects.filter(screening_id__in=list(decisions)):
            decisions[decision.screening_id].append(decision)
    return [_status_of(screening, decisions[screening.pk]) for screening in screenings]


def identification_status(screening: Screening) -> IdentificationStatus:
    return identification_statuses([screening])[0]


def _status_of(screening: Screening, decisions: Sequence[IdentificationDecision]) -> IdentificationStatus:
    grounds = current_decision_among(decisions, DecisionStage.REASONABLE_GROUNDS)
    conclusive = current_decision_among(decisions, DecisionStage.CONCLUSIVE)
    country = screening.organisation.country
    due = (
        reasonable_grounds_due(timezone.localdate(screening.submitted_for_decision_at), country)
        if screening.submitted_for_decision_at
        else None
    )
    ends = (
        recovery_period_end(grounds.decided_on)
        if grounds is not None and grounds.result == DecisionResult.POSITIVE
        else None
    )
    return IdentificationStatus(screening, grounds, conclusive, due, ends)


def identification_queue_for(*, acting: ActingUser) -> list[IdentificationStatus]:
    """Referred screenings of the acting user's organisation still waiting for a decision, soonest due first."""
    require(acting, Capability.DECISION_RECORD)
    referred = (
        screening_queryset_for(acting).filter(submitted_for_decision_at__isnull=False).select_related("organisation")
    )
    statuses = identification_statuses(list(referred))
    waiting = [s for s in statuses if s.grounds is None or (s.in_recovery_period and s.conclusive is None)]
    screening_list_audited(acting=acting, screenings=[s.screening for s in waiting])
    return sorted(waiting, key=lambda s: s.grounds_due or datetime.date.max)


def decision_history(*, screening: Screening) -> list[IdentificationDecision]:
    return list(screening.decisions.select_related("decided_by").order_by("created_at", "id"))


def decision_makers_exist(*, organisation_id: int) -> bool:
    """Whether anyone active in the organisation can take the identification decisions.

    A referred screening waits for its own organisation's decision makers; without one it would
    wait for nobody, and the first responder must be told so.
    """
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if Capability.DECISION_RECORD in caps]
    return Membership.objects.filter(
        organisation_id=organisation_id, role__in=roles, is_active=True, user__is_active=True
    ).exists()
