"""Unanswered referrals on "my work": for the recipient's case workers and for the sender."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from palermo.permissions import ActingUser
from palermo.referrals.access import recipient_access
from palermo.referrals.models import Referral, ReferralStatus
from palermo.referrals.selectors import referral_inbox_for, referral_outbox_for
from palermo.worklist.items import WorkItem


def _unanswered_received(acting: ActingUser) -> QuerySet[Referral]:
    return referral_inbox_for(acting=acting).filter(status=ReferralStatus.PENDING)


def _awaiting_answer(acting: ActingUser) -> QuerySet[Referral]:
    # Only those the recipient still sees: once consent is withdrawn nobody is expected to answer.
    return referral_outbox_for(acting=acting).filter(recipient_access(), status=ReferralStatus.PENDING)


def referral_due_dates(acting: ActingUser) -> Iterable[datetime.date]:
    if acting.membership is None:
        return []
    # The same rows as referral_work_items, only their dates, in one statement (UNION ALL, no order).
    received = _unanswered_received(acting).order_by().values_list("acknowledge_by", flat=True)
    sent = _awaiting_answer(acting).order_by().values_list("acknowledge_by", flat=True)
    return list(received.union(sent, all=True))


def referral_work_items(acting: ActingUser) -> Iterable[WorkItem]:
    if acting.membership is None:
        return []
    items = []
    for referral in _unanswered_received(acting):
        items.append(
            WorkItem(
                kind="referral.unanswered",
                title=_("Answer the referral of case %(case)s from %(org)s")
                % {"case": referral.case.reference, "org": referral.organisation.name},
                due=referral.acknowledge_by,
                url=reverse("referrals:detail", kwargs={"referral_id": referral.pk}),
                case_reference=referral.case.reference,
            )
        )
    for referral in _awaiting_answer(acting):
        items.append(
            WorkItem(
                kind="referral.awaiting_answer",
                title=_("%(org)s has not yet answered the referral of case %(case)s")
                % {"case": referral.case.reference, "org": referral.to_organisation.name},
                due=referral.acknowledge_by,
                url=reverse("referrals:detail", kwargs={"referral_id": referral.pk}),
                case_reference=referral.case.reference,
            )
        )
    return items
