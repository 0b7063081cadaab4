"""Text that users typed, written to spreadsheets as text and never as a formula.

A spreadsheet program runs a cell that starts with `=`, `+`, `-` or `@` as a formula; in a CSV file
it cannot tell text from a formula, so such a value gets a leading apostrophe (as the OWASP guidance
on CSV injection says), which the program shows as text. In XLSX every cell has a type: user text is
written as a string cell, which no program evaluates, and keeps its exact value.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

# A tab or carriage return first can push a formula to the next cell or line in some programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """A CSV field that a spreadsheet shows as the text it is; numbers and dates pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_safe(value) for value in values]


def xlsx_text(sheet: Worksheet, row: int, column: int, value: str | None) -> Cell:
    """Write a text cell that is never a formula, whatever it starts with."""
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell
