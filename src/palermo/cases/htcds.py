"""A case in the Human Trafficking Case Data Standard 2.0 (IOM, CC BY 4.0): field names and values as HTCDS has them.

Palermo stores HTCDS value names as its own codes, so `case_from_htcds(case_to_htcds(case))` gives back
every vocabulary value unchanged. Palermo-only detail (presumed vs possible victim, closure reason code)
travels in `palermo_*` fields next to the standard ones.
"""

from __future__ import annotations

from typing import Any

from palermo.cases import vocabularies
from palermo.cases.models import Case
from palermo.cases.selectors import case_trafficking_status, htcds_case_status


def case_to_htcds(case: Case) -> dict[str, Any]:
    status = case_trafficking_status(case)
    events = []
    for kind, country, locality in (
        ("Recruitment", case.recruitment_country, case.recruitment_locality),
        ("Exploitation", case.exploitation_country, case.exploitation_locality),
    ):
        if country or locality:
            events.append({"hte_Type": kind, "hte_Country": country, "hte_City": locality})
    return {
        "standard": "HTCDS 2.0",
        "attribution": vocabularies.ATTRIBUTION,
        "cas_CaseNumber": case.reference,
        "cas_Status": htcds_case_status(case),
        "cas_ReasonForCaseClosure": (
            vocabularies.label("closure_reasons", case.closure_reason) if case.closure_reason else ""
        ),
        # HTCDS looks the owner up as a user; an export leaves Palermo, so it carries the user's id, never
        # a staff member's address, and the organisation that holds the case beside it.
        "cas_CaseOwner": [f"palermo-user-{user_id}" for user_id in case.assigned_to.values_list("pk", flat=True)],
        "prs_Reference": case.person.reference,
        "vic_TraffickingStatus": vocabularies.htcds_value("trafficking_status", status),
        "vic_TypeOfExploitation": list(case.exploitation_types or []),
        "vic_MethodsOfControl": list(case.methods_of_control or []),
        "historic_trafficking_events": events,
        "palermo_CaseOwnerOrganisation": case.organisation.name,
        "palermo_TraffickingStatus": status,
        "palermo_ClosureReason": case.closure_reason,
        "palermo_FollowUpDate": case.follow_up_on.isoformat() if case.follow_up_on else None,
    }


def case_from_htcds(data: dict[str, Any]) -> dict[str, Any]:
    """The vocabulary values of an HTCDS record, as Palermo codes; unknown values are refused, not dropped."""
    types = list(data.get("vic_TypeOfExploitation") or [])
    methods = [m.strip() for m in data.get("vic_MethodsOfControl") or []]
    unknown = [v for v in types if v not in vocabularies.codes("type_of_exploitation")] + [
        v for v in methods if v not in vocabularies.codes("methods_of_control")
    ]
    if data.get("cas_Status") and data["cas_Status"] not in vocabularies.codes("case_status"):
        unknown.append(data["cas_Status"])
    if unknown:
        raise ValueError(f"values outside HTCDS 2.0: {', '.join(unknown)}")
    places = {e.get("hte_Type"): e for e in data.get("historic_trafficking_events") or []}
    return {
        "exploitation_types": types,
        "methods_of_control": methods,
        "case_status": data.get("cas_Status", ""),
        "trafficking_status": data.get("palermo_TraffickingStatus")
        or {"ActualVictimOfTrafficking": "identified", "NotAVictimOfTrafficking": "not_a_victim"}.get(
            data.get("vic_TraffickingStatus", ""), "possible"
        ),
        "closure_reason": data.get("palermo_ClosureReason", ""),
        "recruitment_country": places.get("Recruitment", {}).get("hte_Country", ""),
        "recruitment_locality": places.get("Recruitment", {}).get("hte_City", ""),
        "exploitation_country": places.get("Exploitation", {}).get("hte_Country", ""),
        "exploitation_locality": places.get("Exploitation", {}).get("hte_City", ""),
    }
