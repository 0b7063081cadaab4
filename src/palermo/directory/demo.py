"""Demo data for the directory and the response matrix: fictional, and safe to run again."""

from __future__ import annotations

import datetime

from palermo.directory.models import DirectoryEntry
from palermo.directory.services import directory_entry_create
from palermo.matrix.models import ResponseMatrix
from palermo.matrix.services import matrix_action_add, matrix_create
from palermo.organisations.models import Membership, Organisation, Role
from palermo.permissions import Actor, Channel

COORDINATOR_EMAIL = "coordinator@valmora.test"
MATRIX_TITLE = "Valmora coordination workshop (fictional)"

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

ACTIONS = [
    (
        "policy",
        "prevention",
        "source",
        "Fund vocational training for young people in villages of origin",
        ["government"],
    ),
    (
        "policy",
        "safe_migration",
        "transit",
        "Agree fair recruitment rules with neighbouring countries",
        ["government", "employers"],
    ),
    (
        "policy",
        "monitoring",
        "destination",
        "Joint inspection plan for farms and construction sites",
        ["government", "workers"],
    ),
    ("outreach", "prevention", "destination", "Information on workers' rights in five languages", ["workers", "ngos"]),
    ("outreach", "assistance", "destination", "Shelter, counselling and legal aid for identified victims", ["ngos"]),
    ("outreach", "monitoring", "transit", "Train bus and taxi drivers to spot and report", []),
]


def create_demo_directory_and_matrix() -> None:
    """A directory entry for each demo organisation plus two outside Palermo, and one matrix."""
    membership = Membership.objects.filter(user__email=COORDINATOR_EMAIL, role=Role.COORDINATOR).first()
    if membership is None:
        return
    actor = Actor(user=membership.user, membership=membership, channel=Channel.CLI)
    # Entries describe several organisations: deployment-wide data, so the operator writes them.
    operator = Actor.system()
    for name, linked, kind, level, stages, services, languages, hours, always, contact in ENTRIES:
        if DirectoryEntry.objects.filter(name=name).exists():
            continue
        directory_entry_create(
            actor=operator,
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
    if ResponseMatrix.objects.filter(title=MATRIX_TITLE).exists():
        return
    matrix = matrix_create(
        actor=actor,
        title=MATRIX_TITLE,
        held_on=datetime.date(2026, 3, 12),
        participants="Group 1: municipal services and police\nGroup 2: NGOs, union and employers",
        description="Who is best placed to do what and where in Valmora, for labour exploitation first.",
    )
    union = DirectoryEntry.objects.filter(name="Northern Province Workers' Union").first()
    for level, area, stage, text, responsible in ACTIONS:
        matrix_action_add(
            actor=actor,
            matrix=matrix,
            level=level,
            area=area,
            stage=stage,
            text=text,
            responsible=responsible,
            actors=[union] if union and "workers" in responsible else [],
            group="Group 1" if level == "policy" else "Group 2",
        )
