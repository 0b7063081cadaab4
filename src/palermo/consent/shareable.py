"""Every field a consent or legal basis can let cross to another organisation: its code, its label and
how it is read from a case. This is the whole list, on purpose in one place: a field is shareable
only if it is written here (the API documents the same codes, and `tests/consent` checks both agree).

Case notes and case files are never shareable: no consent lets them cross. What a recipient finally
sees (covered fields, while the consent holds) is palermo.referrals.sharing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from palermo.assistance.models import PlanStatus, RiskLevel, ServiceVariant
from palermo.assistance.sharing import shared_assistance_plan, shared_risk
from palermo.cases.models import Case
from palermo.cases.selectors import case_screenings, case_trafficking_status
from palermo.identification.selectors import identification_statuses


@dataclass(frozen=True)
class SharedField:
    label: Any  # a lazily translated string
    getter: Callable[[Case], Any]  # returns JSON-ready values, preferably a dict of sub-fields


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _person(*names: str) -> Callable[[Case], dict[str, Any]]:
    # getattr with a default: the Person fields arrive on another branch, and the code must work before and after.
    def getter(case: Case) -> dict[str, Any]:
        return {name: _jsonable(getattr(case.person, name, None)) for name in names}

    return getter


def _exploitation(case: Case) -> dict[str, Any]:
    return {
        "exploitation_types": list(case.exploitation_types or []),
        "methods_of_control": list(case.methods_of_control or []),
        "recruitment_country": case.recruitment_country,
        "recruitment_locality": case.recruitment_locality,
        "exploitation_country": case.exploitation_country,
        "exploitation_locality": case.exploitation_locality,
    }


def _trafficking_status(case: Case) -> dict[str, Any]:
    return {"trafficking_status": case_trafficking_status(case)}


def _identification(case: Case) -> dict[str, Any]:
    # Outcomes and decisions only: never the screening answers, notes or the decision's reasoning.
    screenings = []
    for status in identification_statuses(case_screenings(case)):
        screening = status.screening
        screenings.append(
            {
                "outcome": screening.outcome,
                "completed_on": _jsonable(screening.completed_at.date() if screening.completed_at else None),
                "reasonable_grounds": status.grounds.result if status.grounds else None,
                "reasonable_grounds_on": _jsonable(status.grounds.decided_on if status.grounds else None),
                "conclusive": status.conclusive.result if status.conclusive else None,
                "conclusive_on": _jsonable(status.conclusive.decided_on if status.conclusive else None),
            }
        )
    return {"screenings": screenings}


# Code -> label and getter, in the order forms list them.
SHAREABLE_FIELDS: dict[str, SharedField] = {
    "names": SharedField(_("Names"), _person("given_names", "family_name", "aliases", "name_original_script")),
    "date_of_birth": SharedField(_("Date of birth or age"), _person("date_of_birth", "estimated_age")),
    "sex_gender": SharedField(_("Sex and gender"), _person("sex", "gender_identity")),
    "citizenships": SharedField(_("Citizenships"), _person("citizenships")),
    "languages": SharedField(_("Languages"), _person("languages", "interpreter_needed")),
    "safe_contact": SharedField(_("Safe contact"), _person("safe_contact")),
    "residence_status": SharedField(_("Residence status"), _person("residence_status")),
    "dependants": SharedField(_("Dependants"), _person("dependants")),
    "exploitation": SharedField(_("Exploitation"), _exploitation),
    "trafficking_status": SharedField(_("Trafficking status"), _trafficking_status),
    "identification": SharedField(_("Identification"), _identification),
    # The level and dates of the current risk assessment, and the assistance plan; never a note.
    "risk": SharedField(_("Risk level and review date"), shared_risk),
    "assistance_plan": SharedField(_("Assistance plan"), shared_assistance_plan),
}

# Labels of the sub-fields the getters return, for pages and PDFs (the API keeps the keys).
SUBFIELD_LABELS: dict[str, Any] = {
    "given_names": _("Given names"),
    "family_name": _("Family name"),
    "aliases": _("Other names"),
    "name_original_script": _("Name in the original script"),
    "date_of_birth": _("Date of birth"),
    "estimated_age": _("Estimated age"),
    "sex": _("Sex"),
    "gender_identity": _("Gender identity"),
    "citizenships": _("Citizenships"),
    "languages": _("Languages"),
    "interpreter_needed": _("Needs an interpreter"),
    "safe_contact": _("Safe contact"),
    "residence_status": _("Residence status"),
    "dependants": _("Dependants"),
    "exploitation_types": _("Forms of exploitation"),
    "methods_of_control": _("Methods of control"),
    "recruitment_country": _("Country of recruitment"),
    "recruitment_locality": _("Place of recruitment"),
    "exploitation_country": _("Country of exploitation"),
    "exploitation_locality": _("Place of exploitation"),
    "trafficking_status": _("Trafficking status"),
    "screenings": _("Screenings and decisions"),
    "outcome": _("Screening outcome"),
    "completed_on": _("Screened on"),
    "reasonable_grounds": _("Reasonable-grounds decision"),
    "reasonable_grounds_on": _("Decided on"),
    "conclusive": _("Conclusive decision"),
    "conclusive_on": _("Decided on"),
    "level": _("Risk level"),
    "assessed_on": _("Assessed on"),
    "review_on": _("Review by"),
    "service_label": _("Type of assistance"),
    "variant": _("Where"),
    "provider": _("Provider"),
    "starts_on": _("Start"),
    "ends_on": _("End"),
}
# Coded sub-field values shown by their label on pages and PDFs.
VALUE_LABELS: dict[str, dict[str, Any]] = {
    "level": dict(RiskLevel.choices),
    "status": dict(PlanStatus.choices),
    "variant": dict(ServiceVariant.choices),
}
# Sub-fields kept for API clients but not repeated on pages (a code whose label is shown beside it).
HIDDEN_SUBFIELDS = frozenset({"service"})


def shareable_choices() -> list[tuple[str, str]]:
    return [(code, str(field.label)) for code, field in SHAREABLE_FIELDS.items()]


def shareable_label(code: str) -> str:
    field = SHAREABLE_FIELDS.get(code)
    return str(field.label) if field else code


def subfield_label(key: str) -> str:
    return str(SUBFIELD_LABELS.get(key, key))
