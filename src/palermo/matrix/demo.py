"""Demo data for the response matrix: fictional, and safe to run again."""

from __future__ import annotations

import datetime

from palermo.directory.demo import demo_coordinator
from palermo.directory.models import DirectoryEntry
from palermo.matrix.models import ResponseMatrix
from palermo.matrix.services import matrix_action_add, matrix_create
from palermo.permissions import ActingUser, Channel

MATRIX_TITLE = "Valmora coordination workshop (fictional)"

# level, area, stage, action, responsible
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


def create_demo_matrix() -> None:
    """One matrix of the demo coordinator's workshop, naming a directory entry (made first) as an actor."""
    membership = demo_coordinator()
    if membership is None:
        return
    acting = ActingUser(user=membership.user, membership=membership, channel=Channel.CLI)
    if ResponseMatrix.objects.filter(title=MATRIX_TITLE).exists():
        return
        return
    matrix = matrix_create(
        acting=acting,
        title=MATRIX_TITLE,
        held_on=datetime.date(2026, 3, 12),
        participants="Group 1: municipal services and police\nGroup 2: NGOs, union and employers",
        description="Who is best placed to do what and where in Valmora, for labour exploitation first.",
    )
    union = DirectoryEntry.objects.filter(name="Northern Province Workers' Union").first()
    for level, area, stage, text, responsible in ACTIONS:
        matrix_action_add(
            acting=acting,
            matrix=matrix,
            level=level,
            area=area,
            stage=stage,
            text=text,
            responsible=responsible,
            actors=[union] if union and "workers" in responsible else [],
            group="Group 1" if level == "policy" else "Group 2",
        )
