"""Reads of consents and legal bases, scoped through the cases the acting user may see."""

from __future__ import annotations

from typing import Any

from palermo.audit.services import audited_get
from palermo.cases.models import Case
from palermo.cases.selectors import case_queryset_for
from palermo.common.catalogue import service_label
from palermo.consent.models import Consent, LegalBasis
from palermo.consent.shareable import shareable_label
from palermo.directory.selectors import services_offered_by
from palermo.organisations.models import Organisation
from palermo.permissions import ActingUser


def consents_of(case: Case) -> list[Consent]:
    """For a case read through `case_get_for`: its consents, newest first, with who recorded them."""
    return list(case.consents.select_related("recipient", "recorded_by"))


def legal_bases_of(case: Case) -> list[LegalBasis]:
    """For a case read through `case_get_for`: its legal bases, newest first, with who decided them."""
    return list(case.legal_bases.select_related("recipient", "decided_by"))


def consent_get_for(*, acting: ActingUser, consent_id: int | str) -> Consent:
    queryset = Consent.objects.filter(case__in=case_queryset_for(acting)).select_related("case", "recipient")
    return audited_get(acting=acting, queryset=queryset, object_id=consent_id, action="consent.view")


def recipient_choices(acting: ActingUser) -> list[tuple[Organisation, list[str]]]:
    """Organisations a case may be referred (or a consent or legal basis may let information go) to,
    with the service codes each offers in the actor directory.

    Every active organisation but the acting user's own; one without a directory entry lists no services.
    """
    organisations = Organisation.objects.filter(is_active=True).order_by("name")
    if acting.membership is not None:
        organisations = organisations.exclude(pk=acting.membership.organisation_id)
    offered = services_offered_by([o.pk for o in organisations])
    return [(organisation, offered.get(organisation.pk, [])) for organisation in organisations]


def consent_panel_context(*, acting: ActingUser, case: Case) -> dict[str, Any]:
    """The case page's "Consents" section: consents and legal bases with their fields and services by label.

    Covered by the page's `case.view` audit entry. One query a list, users and organisations joined:
    the section costs the same whatever number of consents the case has."""
    return {
        "consents": [
            (c, [shareable_label(f) for f in c.fields], [service_label(s) for s in c.services])
            for c in consents_of(case)
        ],
        "legal_bases": [(b, [shareable_label(f) for f in b.fields]) for b in legal_bases_of(case)],
    }


def consent_access_ending(consent: Consent) -> dict[str, Any]:
    """What a withdrawal ends, to ask before it: which organisation stops seeing which fields, and how
    many of its referrals on this consent close. (Referral statuses by value: referrals sit above consent.)"""
    open_referrals = list(
        consent.referrals.filter(status__in=("pending", "accepted")).select_related("to_organisation")
    )
    organisations = {r.to_organisation.name for r in open_referrals}
    if consent.recipient is not None:
        organisations.add(consent.recipient.name)
    return {
        "organisations": sorted(organisations),
        "fields": [shareable_label(f) for f in consent.fields],
        "services": [service_label(s) for s in consent.services],
        "open_referrals": len(open_referrals),
    }
