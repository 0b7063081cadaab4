"""Demo data for the directory: fictional, and safe to run again."""

from __future__ import annotations

from palermo.directory.models import DirectoryEntry
from palermo.directory.services import directory_entry_create
from palermo.organisations.models import Membership, Organisation, Role
from palermo.permissions import ActingUser

COORDINATOR_EMAIL = "coordinator@valmora.test"

# name, linked demo organisation, type, level, stages, services, languages, hours, 24/7, safe contact
ENTRIES = [
    (
        "Valmora Social Services",
        "Valmora Social Services",
        "government",
        "local",
        ["destination"],
        ["social", "material", "inclusion"],
        ["en", "fr"],
        "Mon-Fri 8:00-16:00",
        False,
        "Duty desk, town hall ground floor; ask for the anti-trafficking contact person.",
    ),
    (
        "Valmora Police",
        "Valmora Police",
        "government",
        "local",
        ["transit", "destination"],
        ["return_risk_assessment"],
        ["en"],
        "",
        True,
        "Emergency number 112; the anti-trafficking unit through the station's front desk.",
    ),
    (
        "Valmora Labour Inspectorate",
        "Valmora Labour Inspectorate",
        "government",
        "regional",
        ["destination"],
        [],
        ["en", "ro"],
        "Mon-Thu 9:00-15:00",
        False,
        "Online tip form of the inspectorate; anonymous reports accepted.",
    ),
    (
        "Safe Harbour Valmora",
        "Safe Harbour Valmora",
        "ngo",
        "local",
        ["destination"],
        ["hotline", "shelter", "psychological", "legal", "interpretation", "medical"],
        ["en", "fr", "ro", "bg", "uk"],
        "",
        True,
        "Hotline 0800 000 000 (free, 24/7); the shelter address is given only by phone.",
    ),
    (
        "Northern Province Workers' Union",
        None,
        "workers",
        "regional",
        ["source", "destination"],
        ["legal"],
        ["en", "ro"],
        "Tue and Thu 17:00-20:00",
        False,
        "Migrant workers' desk at the union hall; no appointment needed.",
    ),
    (
        "Valmora Chamber of Employers",
        None,
        "employers",
        "local",
        ["destination"],
        [],
        ["en"],
        "Mon-Fri 9:00-17:00",
        False,
        "Secretariat by email; ask for the fair recruitment working group.",
    ),
]


def demo_coordinator() -> Membership | None:
    """The demo coordinator, who maintains the demo's directory entries and holds its matrix."""
    return Membership.objects.filter(user__email=COORDINATOR_EMAIL, role=Role.COORDINATOR).first()


def create_demo_directory() -> None:
    """A directory entry for each demo organisation plus two outside Palermo."""
    membership = demo_coordinator()
    if membership is None:
        return
    # Entries describe several organisations: deployment-wide data, so the operator writes them.
    operator = ActingUser.system()
    for name, linked, kind, level, stages, services, languages, hours, always, contact in ENTRIES:
        if DirectoryEntry.objects.filter(name=name).exists():
            continue
        directory_entry_create(
            acting=operator,
            maintained_by=membership.organisation,
            name=name,
            linked_organisation=Organisation.objects.filter(name=linked).first() if linked else None,
            actor_type=kind,
            level=level,
            country="ZZ",
            region="Northern Province",
            municipality="Valmora",
            stages=stages,
            services=services,
            languages=languages,
            opening_hours=hours,
            always_open=always,
            safe_contact=contact,
        )
