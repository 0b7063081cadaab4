"""The matrix as people read it: the grid per level, its gaps, who does what, and the two levels side by side.

Pure functions over one matrix's actions, fetched once; pages, API and exports all read these,
so they always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from palermo.directory.models import DirectoryEntry, Stage
from palermo.matrix.models import (
    AREAS,
    LEVELS,
    STAGES,
    MatrixAction,
    MatrixLevel,
    ResponseArea,
    ResponseMatrix,
    Responsible,
)


@dataclass
class Cell:
    level: str
    area: str
    stage: str
    actions: list[MatrixAction] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.level, self.area, self.stage)

    @property
    def is_empty(self) -> bool:
        return not self.actions

    @property
    def area_label(self) -> str:
        return str(ResponseArea(self.area).label)

    @property
    def stage_label(self) -> str:
        return str(Stage(self.stage).label)

    @property
    def level_label(self) -> str:
        return str(MatrixLevel(self.level).label)


@dataclass
class Row:
    area: str
    label: str
    cells: list[Cell]


@dataclass
class LevelGrid:
    level: str
    label: str
    rows: list[Row]


@dataclass
class Grid:
    matrix: ResponseMatrix
    levels: list[LevelGrid]

    def cells(self) -> list[Cell]:
        return [cell for level in self.levels for row in level.rows for cell in row.cells]

    def cell(self, level: str, area: str, stage: str) -> Cell:
        return next(c for c in self.cells() if c.key == (level, area, stage))

    def level(self, level: str) -> LevelGrid:
        return next(g for g in self.levels if g.level == level)


def matrix_actions(matrix: ResponseMatrix) -> list[MatrixAction]:
    return list(
        MatrixAction.objects.filter(matrix=matrix)
        .select_related("created_by", "updated_by")
        .prefetch_related("actors")
        .order_by("created_at", "pk")
    )


def build_grid(matrix: ResponseMatrix, actions: list[MatrixAction] | None = None) -> Grid:
    if actions is None:
        actions = matrix_actions(matrix)
    by_cell: dict[tuple[str, str, str], list[MatrixAction]] = {}
    for action in actions:
        by_cell.setdefault((action.level, action.area, action.stage), []).append(action)
    levels = [
        LevelGrid(
            level=level,
            label=str(MatrixLevel(level).label),
            rows=[
                Row(
                    area=area,
                    label=str(ResponseArea(area).label),
                    cells=[Cell(level, area, stage, by_cell.get((level, area, stage), [])) for stage in STAGES],
                )
                for area in AREAS
            ],
        )
        for level in LEVELS
    ]
    return Grid(matrix=matrix, levels=levels)


@dataclass
class Gaps:
    empty_cells: list[Cell]
    unassigned: list[MatrixAction]


def matrix_gaps(grid: Grid) -> Gaps:
    """Exactly the cells without any action, and the actions that name nobody to do them."""
    cells = grid.cells()
    return Gaps(
        empty_cells=[c for c in cells if c.is_empty],
        unassigned=[a for c in cells for a in c.actions if a.has_nobody],
    )


@dataclass
class ActorDuties:
    key: str  # an actor type code, or "entry:<id>"
    label: str
    actions: list[MatrixAction]
    entry: DirectoryEntry | None = None


def matrix_by_actor(grid: Grid) -> list[ActorDuties]:
    """What each actor type, then each named organisation, is expected to do, in grid order."""
    actions = [a for c in grid.cells() for a in c.actions]
    duties = [
        ActorDuties(key=code, label=str(label), actions=[a for a in actions if code in a.responsible])
        for code, label in Responsible.choices
    ]
    named: dict[int, ActorDuties] = {}
    for action in actions:
        for entry in action.actors.all():
            named.setdefault(entry.pk, ActorDuties(key=f"entry:{entry.pk}", label=entry.name, actions=[], entry=entry))
            named[entry.pk].actions.append(action)
    return duties + sorted(named.values(), key=lambda d: d.label.lower())


@dataclass
class Comparison:
    area: str
    area_label: str
    stage: str
    stage_label: str
    policy: list[MatrixAction]
    outreach: list[MatrixAction]

    @property
    def only_one_level(self) -> bool:
        return bool(self.policy) != bool(self.outreach)


def matrix_comparison(grid: Grid) -> list[Comparison]:
    """Each area and stage with its policy actions next to its outreach actions."""
    policy, outreach = grid.level(MatrixLevel.POLICY), grid.level(MatrixLevel.OUTREACH)
    rows = []
    for p_row, o_row in zip(policy.rows, outreach.rows, strict=True):
        for p_cell, o_cell in zip(p_row.cells, o_row.cells, strict=True):
            rows.append(
                Comparison(
                    area=p_row.area,
                    area_label=p_row.label,
                    stage=p_cell.stage,
                    stage_label=p_cell.stage_label,
                    policy=p_cell.actions,
                    outreach=o_cell.actions,
                )
            )
    return rows


def action_line(action: MatrixAction) -> str:
    """One action as the worksheet writes it: the action, then who should do it in brackets."""
    who = [*action.responsible_labels(), *(entry.name for entry in action.actors.all())]
    return f"{action.text} ({', '.join(who)})" if who else action.text
