"""What a referral lets the recipient see: the one projection of a case for another organisation.

A consent for referral names fields by code (see the contract in the shared briefs). Each code maps to
a getter that reads the case; `shared_view` applies the consent and nothing else decides what crosses
to another organisation. Other apps add their codes from AppConfig.ready() with `register_shareable`.
Case notes and case attachments (files) are never shareable fields: no consent lets them cross.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palermo.audit.services import audit_record
from palermo.cases import vocabularies
from palermo.permissions import personal_record_scope

if TYPE_CHECKING:
    from palermo.cases.models import Case, Referral
    from palermo.permissions import Actor


@dataclass(frozen=True)
class SharedField:
    label: Any  # a lazily translated string
    getter: Callable[[Case], Any]  # returns JSON-ready values, preferably a dict of sub-fields


SHAREABLE_FIELDS: dict[str, SharedField] = {}


# Display labels for the sub-fields and coded values other apps' getters return (the API keeps the codes).
EXTRA_SUBFIELD_LABELS: dict[str, Any] = {}
VALUE_LABELS: dict[str, dict[str, Any]] = {}
# Sub-fields kept for API clients but not repeated on pages (e.g. a code whose label is shown beside it).
HIDDEN_SUBFIELDS: set[str] = set()


def register_shareable(
    code: str,
    label: Any,
    getter: Callable[[Case], Any],
    *,
    subfield_labels: dict[str, Any] | None = None,
    value_labels: dict[str, dict[str, Any]] | None = None,
    hidden_subfields: tuple[str, ...] = (),
) -> None:
    """Make a field shareable by consent; `value_labels` maps a sub-field to {code: label} for pages and PDFs."""
    SHAREABLE_FIELDS[code] = SharedField(label=label, getter=getter)
    EXTRA_SUBFIELD_LABELS.update(subfield_labels or {})
    VALUE_LABELS.update(value_labels or {})
    HIDDEN_SUBFIELDS.update(hidden_subfields)


def _subfield_label(key: str) -> str:
    return str(SUBFIELD_LABELS.get(key) or EXTRA_SUBFIELD_LABELS.get(key, key))


def shareable_choices() -> list[tuple[str, str]]:
    return [(code, str(field.label)) for code, field in SHAREABLE_FIELDS.items()]


def shareable_label(code: str) -> str:
    field = SHAREABLE_FIELDS.get(code)
    return str(field.label) if field else code


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _person_getter(*names: str) -> Callable[[Case], dict[str, Any]]:
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
    from palermo.cases.selectors import case_trafficking_status

    return {"trafficking_status": case_trafficking_status(case)}


def _identification(case: Case) -> dict[str, Any]:
    # Outcomes and decisions only: never the screening answers, notes or the decision's reasoning.
    from palermo.cases.selectors import case_screenings
    from palermo.identification.selectors import identification_statuses

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


register_shareable(
    "names", gettext_lazy("Names"), _person_getter("given_names", "family_name", "aliases", "name_original_script")
)
register_shareable(
    "date_of_birth", gettext_lazy("Date of birth or age"), _person_getter("date_of_birth", "estimated_age")
)
register_shareable("sex_gender", gettext_lazy("Sex and gender"), _person_getter("sex", "gender_identity"))
register_shareable("citizenships", gettext_lazy("Citizenships"), _person_getter("citizenships"))
register_shareable("languages", gettext_lazy("Languages"), _person_getter("languages", "interpreter_needed"))
register_shareable("safe_contact", gettext_lazy("Safe contact"), _person_getter("safe_contact"))
register_shareable("residence_status", gettext_lazy("Residence status"), _person_getter("residence_status"))
register_shareable("dependants", gettext_lazy("Dependants"), _person_getter("dependants"))
register_shareable("exploitation", gettext_lazy("Exploitation"), _exploitation)
register_shareable("trafficking_status", gettext_lazy("Trafficking status"), _trafficking_status)
register_shareable("identification", gettext_lazy("Identification"), _identification)

SUBFIELD_LABELS = {
    "given_names": gettext_lazy("Given names"),
    "family_name": gettext_lazy("Family name"),
    "aliases": gettext_lazy("Other names"),
    "name_original_script": gettext_lazy("Name in the original script"),
    "date_of_birth": gettext_lazy("Date of birth"),
    "estimated_age": gettext_lazy("Estimated age"),
    "sex": gettext_lazy("Sex"),
    "gender_identity": gettext_lazy("Gender identity"),
    "citizenships": gettext_lazy("Citizenships"),
    "languages": gettext_lazy("Languages"),
    "interpreter_needed": gettext_lazy("Needs an interpreter"),
    "safe_contact": gettext_lazy("Safe contact"),
    "residence_status": gettext_lazy("Residence status"),
    "dependants": gettext_lazy("Dependants"),
    "exploitation_types": gettext_lazy("Forms of exploitation"),
    "methods_of_control": gettext_lazy("Methods of control"),
    "recruitment_country": gettext_lazy("Country of recruitment"),
    "recruitment_locality": gettext_lazy("Place of recruitment"),
    "exploitation_country": gettext_lazy("Country of exploitation"),
    "exploitation_locality": gettext_lazy("Place of exploitation"),
    "trafficking_status": gettext_lazy("Trafficking status"),
    "screenings": gettext_lazy("Screenings and decisions"),
    "outcome": gettext_lazy("Screening outcome"),
    "completed_on": gettext_lazy("Screened on"),
    "reasonable_grounds": gettext_lazy("Reasonable-grounds decision"),
    "reasonable_grounds_on": gettext_lazy("Decided on"),
    "conclusive": gettext_lazy("Conclusive decision"),
    "conclusive_on": gettext_lazy("Decided on"),
}
VOCABULARY_OF = {
    "exploitation_types": "type_of_exploitation",
    "methods_of_control": "methods_of_control",
    "trafficking_status": "trafficking_status",
}


def _text(key: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key in VOCABULARY_OF:
        values = value if isinstance(value, list) else [value]
        return ", ".join(vocabularies.label(VOCABULARY_OF[key], str(v)) for v in values)
    if key in VALUE_LABELS and isinstance(value, str):
        return str(VALUE_LABELS[key].get(value, value))
    if isinstance(value, str):
        return _value_label(value)
    if isinstance(value, list):
        return "; ".join(
            ", ".join(
                f"{_subfield_label(k)}: {_text(k, v)}" for k, v in item.items() if v and k not in HIDDEN_SUBFIELDS
            )
            if isinstance(item, dict)
            else str(item)
            for item in value
        )
    return str(value)


def _value_label(value: Any) -> str:
    """Screening outcomes and decision results by their label, anything else as it is."""
    from palermo.identification.models import DecisionResult, Outcome

    labels = {**dict(Outcome.choices), **dict(DecisionResult.choices)}
    return str(labels.get(value, value))


@dataclass(frozen=True)
class SharedItem:
    code: str
    label: str
    value: Any

    @property
    def rows(self) -> list[tuple[str, str]]:
        """Sub-field label and display text, for the page and the PDF."""
        if isinstance(self.value, dict):
            return [(_subfield_label(k), _text(k, v)) for k, v in self.value.items() if k not in HIDDEN_SUBFIELDS]
        return [(self.label, _text(self.code, self.value))]


@dataclass(frozen=True)
class SharedView:
    referral: Referral
    case_reference: str
    from_organisation: str
    services: list[tuple[str, str]]
    note: str
    items: list[SharedItem]

    @property
    def field_codes(self) -> list[str]:
        return [item.code for item in self.items]

    def as_json(self) -> dict[str, Any]:
        referral = self.referral
        return {
            "id": referral.pk,
            "case_reference": self.case_reference,
            "from_organisation": {"id": referral.organisation_id, "name": self.from_organisation},
            "to_organisation": referral.to_organisation_id,
            "services": [code for code, _label in self.services],
            "status": referral.status,
            "sent_at": referral.sent_at.isoformat(),
            "acknowledge_by": referral.acknowledge_by.isoformat(),
            "note": self.note,
            "shared": {item.code: item.value for item in self.items},
        }


def covered_fields(referral: Referral) -> list[str]:
    """The fields that may cross right now: none once the consent is withdrawn."""
    from palermo.cases.selectors import referral_access_holds

    if not referral_access_holds(referral):
        return []
    basis = referral.legal_basis if referral.legal_basis_id else referral.consent
    allowed = set(basis.fields if basis else [])
    return [code for code in referral.fields if code in allowed and code in SHAREABLE_FIELDS]


def shared_view(referral: Referral, for_actor: Actor) -> SharedView:
    """The referral as the recipient may see it, audited with the field codes shown.

    Only the recipient's members (or the sender's) get anything; for the recipient the consent or legal
    basis must still hold, or this answers 404 like a referral that never existed.
    """
    from palermo.cases.selectors import referral_access_holds
    from palermo.common.catalogue import service_label

    organisation_id = for_actor.membership.organisation_id if for_actor.membership else None
    if organisation_id not in (referral.organisation_id, referral.to_organisation_id):
        raise Http404
    if organisation_id == referral.to_organisation_id and not referral_access_holds(referral):
        raise Http404
    case = referral.case
    # A sender's coordinator may manage referrals but never sees a person: the status without the content.
    sees_people = personal_record_scope(for_actor) is not None
    items = [
        SharedItem(code=code, label=shareable_label(code), value=SHAREABLE_FIELDS[code].getter(case))
        for code in (covered_fields(referral) if sees_people else [])
    ]
    audit_record(
        actor=for_actor, action="referral.shared_view", target=referral, detail={"fields": [i.code for i in items]}
    )
    return SharedView(
        referral=referral,
        case_reference=case.reference,
        from_organisation=referral.organisation.name,
        services=[(code, service_label(code)) for code in referral.services],
        note=referral.note if sees_people else "",
        items=items,
    )
