"""Writes to a case's assistance: permission first, then validation, the change and its audit entry.

`case` always comes from `case_get_for` (scoped to the acting user); the services check again that it
belongs to the acting user's organisation, since only the owning organisation manages its assistance.
Audit details hold ids, codes and field names, never what a worker wrote.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.assistance.models import (
    FactorRating,
    PathwayStage,
    PlanItem,
    PlanStatus,
    RecoveryPeriod,
    ReturnPreparation,
    ReviewEvent,
    RiskAssessment,
    RiskFactor,
    RiskFactorKind,
    RiskLevel,
    RiskReview,
    ServiceVariant,
    StageStatus,
)
from palermo.audit.services import audit_record
from palermo.cases.models import Case
from palermo.common import catalogue
from palermo.organisations.models import Membership, Organisation
from palermo.permissions import ActingUser, Capability, require

RETURN_STAGE = "return"
MAX_ACTIVITY_LENGTH = 300
MAX_NOTE_LENGTH = 20000


def _require_manage(acting: ActingUser, case: Case) -> None:
    require(acting, Capability.CASE_MANAGE)
    if acting.membership is None or case.organisation_id != acting.membership.organisation_id:
        raise PermissionDenied("case.manage")


def _check_dates(errors: dict[str, list[str]], start_field: str, start: Any, end_field: str, end: Any) -> None:
    if start is not None and end is not None and end < start:
        errors.setdefault(end_field, []).append(_("This date is before the start date."))


def _validate_responsible_user(case: Case, user_id: int | None) -> None:
    if user_id is None:
        return
    if not Membership.objects.filter(organisation_id=case.organisation_id, user_id=user_id, is_active=True).exists():
        raise ValidationError({"responsible_user": [_("Choose someone from the organisation that holds the case.")]})


def return_stage_missing(case: Case) -> list[str]:
    """What the return stage still needs before it can start or finish, in words a worker understands."""
    preparation = ReturnPreparation.objects.filter(case=case).first()
    missing: list[str] = []
    if preparation is None or not preparation.has_consent:
        missing.append(_("the person's written, informed consent to return is not recorded"))
    if preparation is None or not preparation.has_confirmation:
        missing.append(_("the receiving provider's confirmation is not recorded"))
    return missing


@transaction.atomic
def pathway_stage_update(
    *,
    acting: ActingUser,
    case: Case,
    stage: str,
    status: str,
    started_on: datetime.date | None = None,
    planned_end: datetime.date | None = None,
    completed_on: datetime.date | None = None,
    activities: list[str] | None = None,
    responsible_organisation: Organisation | None = None,
    responsible_name: str = "",
    responsible_user_id: int | None = None,
) -> PathwayStage:
    """Record where one stage of the scheme stands for the case.

    A stage in progress keeps its start date, or gets today's, unless one is given; a finished one
    likewise gets today as its end.
    The return stage cannot start or finish without the consent and the confirmation (see
    `return_stage_missing`).
    """
    _require_manage(acting, case)
    assert acting.user is not None
    if stage not in catalogue.STAGE_CODES:
        raise ValidationError({"stage": [_("There is no such stage in the scheme of assistance.")]})
    if status not in StageStatus.values:
        raise ValidationError({"status": [_("Choose a status from the list.")]})
    today = timezone.localdate()
    existing = PathwayStage.objects.filter(case=case, stage=stage).first()
    if status in (StageStatus.IN_PROGRESS, StageStatus.DONE) and started_on is None:
        started_on = existing.started_on if existing and existing.started_on else today
    if status == StageStatus.DONE and completed_on is None:
        completed_on = existing.completed_on if existing and existing.completed_on else today
    if status in (StageStatus.NOT_STARTED, StageStatus.IN_PROGRESS):
        completed_on = None
    errors: dict[str, list[str]] = {}
    _check_dates(errors, "started_on", started_on, "completed_on", completed_on)
    _check_dates(errors, "started_on", started_on, "planned_end", planned_end)
    if completed_on is not None and completed_on > today:
        errors.setdefault("completed_on", []).append(_("A stage cannot be finished in the future."))
    activities = _clean_activities(stage, activities or [], errors)
    responsible_name = responsible_name.strip()
    if responsible_organisation is not None and responsible_name:
        errors.setdefault("responsible_name", []).append(
            _("Choose an organisation in Palermo or name an actor outside it, not both.")
        )
    if len(responsible_name) > 200:
        errors.setdefault("responsible_name", []).append(_("Keep the name under 200 characters."))
    if errors:
        raise ValidationError(errors)
    _validate_responsible_user(case, responsible_user_id)
    if stage == RETURN_STAGE and status in (StageStatus.IN_PROGRESS, StageStatus.DONE):
        missing = return_stage_missing(case)
        if missing:
            raise ValidationError(
                {
                    "status": [
                        _("The return stage cannot start or finish: %(missing)s.") % {"missing": "; ".join(missing)}
                    ]
                }
            )
    row, _created = PathwayStage.objects.select_for_update().get_or_create(
        case=case,
        stage=stage,
        defaults={"organisation_id": case.organisation_id, "updated_by": acting.user},
    )
    row.status = status
    row.started_on = started_on
    row.planned_end = planned_end
    row.completed_on = completed_on
    row.activities = activities
    row.responsible_organisation = responsible_organisation
    row.responsible_name = responsible_name
    row.responsible_user_id = responsible_user_id
    row.updated_by = acting.user
    row.save()
    audit_record(
        acting=acting,
        action="pathway.update",
        target=case,
        detail={"stage": stage, "status": status, "row": row.pk, "activities": len(activities)},
    )
    return row


def _clean_activities(stage: str, activities: list[str], errors: dict[str, list[str]]) -> list[str]:
    known = next(s for s in catalogue.stages() if s.code == stage)
    cleaned: list[str] = []
    for activity in activities:
        activity = str(activity).strip()
        if not activity:
            continue
        if activity.startswith("catalogue:"):
            index = activity.removeprefix("catalogue:")
            if not index.isdigit() or int(index) >= len(known.activities):
                errors.setdefault("activities", []).append(_("Unknown activity: %(key)s.") % {"key": activity})
                continue
        elif len(activity) > MAX_ACTIVITY_LENGTH:
            errors.setdefault("activities", []).append(
                _("Describe each activity in under %(n)d characters.") % {"n": MAX_ACTIVITY_LENGTH}
            )
            continue
        if activity not in cleaned:
            cleaned.append(activity)
    return cleaned


@transaction.atomic
def recovery_period_start(*, acting: ActingUser, case: Case, started_on: datetime.date) -> RecoveryPeriod:
    """Start the recovery and reflection period by hand, e.g. after a decision taken outside Palermo."""
    _require_manage(acting, case)
    assert acting.user is not None
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": [_("The period cannot start in the future.")]})
    period, _created = RecoveryPeriod.objects.update_or_create(
        case=case,
        defaults={"organisation_id": case.organisation_id, "started_on": started_on, "recorded_by": acting.user},
    )
    audit_record(acting=acting, action="recovery_period.start", target=case, detail={"period": period.pk})
    return period


def _preparation(case: Case) -> ReturnPreparation:
    preparation, _created = ReturnPreparation.objects.select_for_update().get_or_create(
        case=case, defaults={"organisation_id": case.organisation_id}
    )
    return preparation


@transaction.atomic
def return_consent_record(
    *, acting: ActingUser, case: Case, given_on: datetime.date, language: str
) -> ReturnPreparation:
    """Record that the person gave written, informed consent to return: when, in which language, by whom."""
    _require_manage(acting, case)
    errors: dict[str, list[str]] = {}
    if given_on > timezone.localdate():
        errors["given_on"] = [_("Consent cannot be given in the future.")]
    language = language.strip().lower()
    if not language or len(language) > 16:
        errors["language"] = [_("Say in which language the person was informed (for example uk or ro).")]
    if errors:
        raise ValidationError(errors)
    preparation = _preparation(case)
    preparation.consent_given_on = given_on
    preparation.consent_language = language
    preparation.consent_recorded_by = acting.user
    preparation.save(update_fields=["consent_given_on", "consent_language", "consent_recorded_by"])
    audit_record(acting=acting, action="return.consent_record", target=case)
    return preparation


@transaction.atomic
def return_confirmation_record(
    *,
    acting: ActingUser,
    case: Case,
    confirmed_on: datetime.date,
    organisation: Organisation | None = None,
    provider_name: str = "",
) -> ReturnPreparation:
    """Record that a provider in the country of origin confirmed it will receive and assist the person."""
    _require_manage(acting, case)
    provider_name = provider_name.strip()
    errors: dict[str, list[str]] = {}
    if confirmed_on > timezone.localdate():
        errors["confirmed_on"] = [_("A confirmation cannot be dated in the future.")]
    if (organisation is None) == (not provider_name):
        errors["provider_name"] = [
            _("Choose the receiving organisation in Palermo or name one outside it (one of the two).")
        ]
    if len(provider_name) > 200:
        errors["provider_name"] = [_("Keep the name under 200 characters.")]
    if errors:
        raise ValidationError(errors)
    preparation = _preparation(case)
    preparation.confirmation_on = confirmed_on
    preparation.confirmation_organisation = organisation
    preparation.confirmation_provider_name = provider_name
    preparation.confirmation_recorded_by = acting.user
    preparation.save(
        update_fields=[
            "confirmation_on",
            "confirmation_organisation",
            "confirmation_provider_name",
            "confirmation_recorded_by",
        ]
    )
    audit_record(
        acting=acting,
        action="return.confirmation_record",
        target=case,
        detail={"organisation": organisation.pk if organisation else None},
    )
    return preparation


# --- Assistance plan --------------------------------------------------------------------------------------

PLAN_FIELDS = (
    "service",
    "variant",
    "provider_organisation",
    "provider_name",
    "status",
    "starts_on",
    "ends_on",
    "notes",
)


def _validate_plan_item(item: PlanItem) -> None:
    errors: dict[str, list[str]] = {}
    if item.service not in catalogue.SERVICE_CODES:
        errors["service"] = [_("Choose a type of assistance from the list.")]
    if item.variant not in ServiceVariant.values:
        errors["variant"] = [_("Say whether the service is in the country of origin or of destination.")]
    if item.status not in PlanStatus.values:
        errors["status"] = [_("Choose a status from the list.")]
    item.provider_name = item.provider_name.strip()
    if item.provider_organisation_id and item.provider_name:
        errors["provider_name"] = [_("Choose a provider in Palermo or name one outside it, not both.")]
    if len(item.provider_name) > 200:
        errors["provider_name"] = [_("Keep the name under 200 characters.")]
    if len(item.notes) > MAX_NOTE_LENGTH:
        errors["notes"] = [_("Notes are limited to %(n)d characters.") % {"n": MAX_NOTE_LENGTH}]
    _check_dates(errors, "starts_on", item.starts_on, "ends_on", item.ends_on)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_item_add(
    *,
    acting: ActingUser,
    case: Case,
    service: str,
    variant: str = ServiceVariant.DESTINATION,
    provider_organisation: Organisation | None = None,
    provider_name: str = "",
    status: str = PlanStatus.PLANNED,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    notes: str = "",
) -> PlanItem:
    _require_manage(acting, case)
    assert acting.user is not None
    item = PlanItem(
        organisation_id=case.organisation_id,
        case=case,
        service=service,
        variant=variant,
        provider_organisation=provider_organisation,
        provider_name=provider_name,
        status=status,
        starts_on=starts_on,
        ends_on=ends_on,
        notes=notes,
        created_by=acting.user,
    )
    _validate_plan_item(item)
    item.save()
    audit_record(acting=acting, action="plan_item.add", target=item, detail={"case": case.pk})
    return item


@transaction.atomic
def plan_item_update(*, acting: ActingUser, item: PlanItem, **changes: Any) -> PlanItem:
    """Change some fields of a plan item; `item` comes from `plan_item_get_for`."""
    _require_manage(acting, item.case)
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed.")] for name in sorted(unknown)})
    for name, value in changes.items():
        setattr(item, name, value)
    _validate_plan_item(item)
    item.save(update_fields=[*changes, "updated_at"])
    audit_record(acting=acting, action="plan_item.update", target=item, detail={"fields": sorted(changes)})
    return item


@transaction.atomic
def plan_item_delete(*, acting: ActingUser, item: PlanItem) -> None:
    """Remove an item entered by mistake; a service that did not happen is cancelled, not deleted."""
    _require_manage(acting, item.case)
    audit_record(acting=acting, action="plan_item.delete", target=item.case, detail={"item": item.pk})
    item.delete()


# --- Risk ----------------------------------------------------------------------------------------------------


@transaction.atomic
def risk_assessment_record(
    *,
    acting: ActingUser,
    case: Case,
    level: str,
    review_on: datetime.date,
    factors: list[dict[str, str]],
    assessed_on: datetime.date | None = None,
) -> RiskAssessment:
    """Record a new assessment; it answers every review still open on the case.

    `level` is the worker's judgement: nothing here derives it from the factors. Each factor is
    {"kind", "rating", "note"} and, for kind "other", a "label" naming it.
    """
    _require_manage(acting, case)
    assert acting.user is not None
    today = timezone.localdate()
    assessed_on = assessed_on or today
    errors: dict[str, list[str]] = {}
    if level not in RiskLevel.values:
        errors["level"] = [_("Set the overall risk level: low, medium or high.")]
    if assessed_on > today:
        errors["assessed_on"] = [_("An assessment cannot be dated in the future.")]
    if review_on < assessed_on:
        errors["review_on"] = [_("The review date must be on or after the assessment.")]
    clean: list[RiskFactor] = []
    for number, factor in enumerate(factors, start=1):
        kind = str(factor.get("kind", ""))
        rating = str(factor.get("rating", ""))
        label = str(factor.get("label", "") or "").strip()
        note = str(factor.get("note", "") or "").strip()
        if kind not in RiskFactorKind.values:
            errors.setdefault("factors", []).append(_("Factor %(n)d: unknown kind of risk.") % {"n": number})
            continue
        if rating not in FactorRating.values:
            errors.setdefault("factors", []).append(_("Factor %(n)d: choose a rating.") % {"n": number})
            continue
        if kind == RiskFactorKind.OTHER and not label:
            errors.setdefault("factors", []).append(_("Factor %(n)d: name the risk you add.") % {"n": number})
            continue
        if len(note) > MAX_NOTE_LENGTH or len(label) > 200:
            errors.setdefault("factors", []).append(_("Factor %(n)d: the text is too long.") % {"n": number})
            continue
        clean.append(
            RiskFactor(kind=kind, label=label if kind == RiskFactorKind.OTHER else "", rating=rating, note=note)
        )
    if errors:
        raise ValidationError(errors)
    assessment = RiskAssessment.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        assessed_on=assessed_on,
        level=level,
        review_on=review_on,
        assessed_by=acting.user,
    )
    for risk_factor in clean:
        risk_factor.assessment = assessment
    RiskFactor.objects.bulk_create(clean)
    answered = list(
        RiskReview.objects.select_for_update().filter(case=case, answered_by__isnull=True).values_list("pk", flat=True)
    )
    RiskReview.objects.filter(pk__in=answered).update(answered_by=assessment)
    audit_record(
        acting=acting,
        action="risk.assess",
        target=assessment,
        detail={"case": case.pk, "factors": [f.kind for f in clean], "answers_reviews": answered},
    )
    return assessment


@transaction.atomic
def risk_review_request(
    *, acting: ActingUser, case: Case, event: str, due_on: datetime.date, note: str = ""
) -> RiskReview:
    """Ask for a review because of an event (a court hearing, a return, an incident), due by a date."""
    _require_manage(acting, case)
    assert acting.user is not None
    errors: dict[str, list[str]] = {}
    if event not in ReviewEvent.values:
        errors["event"] = [_("Choose the event that calls for a review.")]
    if len(note) > MAX_NOTE_LENGTH:
        errors["note"] = [_("Notes are limited to %(n)d characters.") % {"n": MAX_NOTE_LENGTH}]
    if errors:
        raise ValidationError(errors)
    review = RiskReview.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        event=event,
        due_on=due_on,
        note=note.strip(),
        requested_by=acting.user,
    )
    audit_record(acting=acting, action="risk.review_request", target=review, detail={"case": case.pk, "event": event})
    return review
