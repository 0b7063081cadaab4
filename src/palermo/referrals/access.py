"""When the recipient of a referral still sees it: the rule, written once.

A recipient sees a referral while it is pending or accepted and the consent behind it is still given
(a legal basis stands until the law says otherwise). Withdrawing the consent, declining or revoking
ends access at once, because every read asks this rule: lists filter with `recipient_access()`, lists
that show the answer per row annotate it (`with_recipient_access`), and one referral is checked with the
same filter in the database (`referral_access_holds`), never with a copy of the rule in Python.
"""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from palermo.consent.models import ConsentStatus
from palermo.referrals.models import Referral, ReferralStatus

# The name of the annotation `with_recipient_access` adds: True where the recipient still sees the row.
ACCESS = "recipient_access"


def recipient_access() -> Q:
    """The rule, as a filter on referrals."""
    return Q(status__in=[ReferralStatus.PENDING, ReferralStatus.ACCEPTED]) & (
        Q(legal_basis__isnull=False) | Q(consent__status=ConsentStatus.GIVEN)
    )


def with_recipient_access(queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    """Each referral with `recipient_access` (bool) computed by the database from the same rule."""
    return queryset.annotate(**{ACCESS: ExpressionWrapper(recipient_access(), output_field=BooleanField())})


def referral_access_holds(referral: Referral) -> bool:
    """Whether the recipient may see this referral: the annotation when the row was read with it (in the
    same request), otherwise the same filter asked of the database now."""
    known = getattr(referral, ACCESS, None)
    if known is not None:
        return bool(known)
    return Referral.objects.filter(recipient_access(), pk=referral.pk).exists()
