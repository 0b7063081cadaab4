"""Read a filled XLSX template back into actions.

The whole file is checked before anything is written; every problem is reported with the sheet,
the cell and the line, so a workshop secretary can fix the file and try again.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import IO

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from palermo.directory.models import DirectoryEntry, ResponseArea, Stage
from palermo.matrix.exports import FIRST_AREA_ROW, FIRST_STAGE_COLUMN, HEADER_ROW, SHEET_NAMES
from palermo.matrix.models import MAX_ACTION_LENGTH, STAGES, Responsible

MAX_FILE_BYTES = 5 * 1024 * 1024
BRACKETS = re.compile(r"^(?P<text>.*?)\s*\((?P<who>[^()]*)\)\s*$", re.S)
BULLET = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s+")
LANGUAGES = ("en", "fr")


class ImportProblems(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class ImportedAction:
    level: str
    area: str
    stage: str
    text: str
    responsible: list[str] = field(default_factory=list)
    actors: list[int] = field(default_factory=list)
    where: str = ""


def _labels(choices: type[Responsible] | type[ResponseArea] | type[Stage]) -> dict[str, str]:
    """Every way the code's label is written, in each language, lower-cased: label -> code."""
    found: dict[str, str] = {}
    for code in choices.values:
        found[code.lower()] = code
        for language in LANGUAGES:
            with translation.override(language):
                found[str(choices(code).label).strip().lower()] = code
    return found


def _responsible_aliases() -> dict[str, str]:
    aliases = _labels(Responsible)
    aliases.update(
        {
            "gov": "government",
            "govt": "government",
            "state": "government",
            "workers' organisations": "workers",
            "trade unions": "workers",
            "unions": "workers",
            "employers' organisations": "employers",
            "ngo": "ngos",
            "ngos": "ngos",
            "mass organisations": "ngos",
            "mass organizations": "ngos",
            "ngos/mass organizations": "ngos",
        }
    )
    return aliases


def _split_who(who: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;]", who) if part.strip()]


def read_matrix_xlsx(upload: IO[bytes]) -> list[ImportedAction]:
    """Parse the template; raise ImportProblems listing every problem found."""
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ImportProblems([_("The file is larger than 5 MB. Is it the matrix template?")])
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportProblems([_("This is not an Excel (.xlsx) file. Download the template and fill it in.")]) from None
    problems: list[str] = []
    missing = [name for name in SHEET_NAMES.values() if name not in workbook.sheetnames]
    if missing:
        raise ImportProblems(
            [
                _("The sheet “%(sheet)s” is missing. Keep the template's sheets and their names.") % {"sheet": name}
                for name in missing
            ]
        )
    areas, stages = _labels(ResponseArea), _labels(Stage)
    aliases = _responsible_aliases()
    entries = {name.strip().lower(): pk for pk, name in DirectoryEntry.objects.values_list("pk", "name")}
    found: list[ImportedAction] = []
    for level, sheet_name in SHEET_NAMES.items():
        sheet = workbook[sheet_name]
        rows = list(
            sheet.iter_rows(
                min_row=HEADER_ROW,
                max_row=FIRST_AREA_ROW + len(ResponseArea.values) - 1,
                max_col=FIRST_STAGE_COLUMN + len(STAGES) - 1,
                values_only=True,
            )
        )
        rows += [()] * (1 + len(ResponseArea.values) - len(rows))
        header = rows[0]
        for index, stage in enumerate(STAGES):
            column = FIRST_STAGE_COLUMN + index
            value = header[column - 1] if len(header) >= column else None
            if stages.get(str(value or "").strip().lower()) != stage:
                problems.append(
                    _("Sheet “%(sheet)s”, cell %(cell)s: expected the stage “%(expected)s”, found “%(found)s”.")
                    % {
                        "sheet": sheet_name,
                        "cell": f"{get_column_letter(column)}{HEADER_ROW}",
                        "expected": Stage(stage).label,
                        "found": value or "",
                    }
                )
        for area_index, area in enumerate(ResponseArea.values):
            row_number = FIRST_AREA_ROW + area_index
            row = rows[1 + area_index]
            label = row[0] if row else None
            if areas.get(str(label or "").strip().lower()) != area:
                problems.append(
                    _("Sheet “%(sheet)s”, cell %(cell)s: expected the response area “%(expected)s”, found “%(found)s”.")
                    % {
                        "sheet": sheet_name,
                        "cell": f"A{row_number}",
                        "expected": ResponseArea(area).label,
                        "found": label or "",
                    }
                )
                continue
            for index, stage in enumerate(STAGES):
                column = FIRST_STAGE_COLUMN + index
                value = row[column - 1] if len(row) >= column else None
                if value is None or not str(value).strip():
                    continue
                cell_name = f"{get_column_letter(column)}{row_number}"
                for line_number, raw in enumerate(str(value).splitlines(), start=1):
                    line = " ".join(BULLET.sub("", raw).split())  # spacing typed in a cell means nothing
                    if not line:
                        continue
                    where = _("Sheet “%(sheet)s”, cell %(cell)s, line %(line)d") % {
                        "sheet": sheet_name,
                        "cell": cell_name,
                        "line": line_number,
                    }
                    action = ImportedAction(level=level, area=area, stage=stage, text=line, where=where)
                    match = BRACKETS.match(line)
                    if match:
                        action.text = match["text"].strip()
                        for who in _split_who(match["who"]):
                            key = who.lower()
                            if key in aliases:
                                action.responsible.append(aliases[key])
                            elif key in entries:
                                action.actors.append(entries[key])
                            else:
                                problems.append(
                                    _(
                                        "%(where)s: “%(who)s” is neither Government, Workers, Employers, "
                                        "NGOs/Mass organisations nor the name of an organisation in the directory."
                                    )
                                    % {"where": where, "who": who}
                                )
                    if not action.text:
                        problems.append(
                            _("%(where)s: the action itself is missing before the brackets.") % {"where": where}
                        )
                    elif len(action.text) > MAX_ACTION_LENGTH:
                        problems.append(
                            _("%(where)s: the action is longer than %(count)d characters.")
                            % {"where": where, "count": MAX_ACTION_LENGTH}
                        )
                    found.append(action)
    workbook.close()
    if problems:
        raise ImportProblems(problems)
    if not found:
        raise ImportProblems([_("The file holds no action: every cell of both sheets is empty.")])
    return found
