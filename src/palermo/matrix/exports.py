"""The matrix as files, laid out like the workshop worksheet: one table per level, response areas
down, stages across, one action per line with who should do it in brackets.

The XLSX file doubles as the import template: `imports.py` reads back exactly this layout.
"""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from palermo.directory.models import MatrixLevel, ResponseArea, Stage
from palermo.exports import xlsx_text
from palermo.matrix.grid import Grid, LevelGrid, action_line
from palermo.matrix.models import LEVELS, STAGES

# Sheet names stay the same in every language so that a filled file imports whatever language it
# was downloaded in; the cells inside are translated.
SHEET_NAMES = {MatrixLevel.POLICY: "Policy level", MatrixLevel.OUTREACH: "Outreach level"}
ABOUT_SHEET = "About"
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
HEADER_ROW = 5  # the stage names; response areas follow, one per row
FIRST_AREA_ROW = HEADER_ROW + 1
FIRST_STAGE_COLUMN = 2  # column B


def worksheet_title() -> str:
    return _("Who is best placed to do what and where?")


def instructions() -> str:
    return _(
        "Write one action per line. Put in brackets who should do it: Government, Workers, Employers, "
        "NGOs/Mass organisations, or the name of an organisation in the directory. "
        "Example: Inspect recruitment agencies (Government, Workers)"
    )


def _cell_text(grid_level: LevelGrid, row_index: int, column_index: int) -> str:
    cell = grid_level.rows[row_index].cells[column_index]
    return "\n".join(action_line(a) for a in cell.actions)


def matrix_xlsx(grid: Grid | None, *, blank_title: str = "") -> bytes:
    """The matrix (or, with grid=None, the blank template) as an XLSX workbook."""
    workbook = Workbook()
    thin = Side(style="thin", color="555555")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    heading = PatternFill("solid", fgColor="DCE6F0")
    wrap = Alignment(wrap_text=True, vertical="top")
    about = workbook.active
    assert about is not None
    about.title = ABOUT_SHEET
    matrix = grid.matrix if grid else None
    about["A1"] = worksheet_title()
    about["A1"].font = Font(bold=True, size=14)
    rows = [
        (_("Title"), matrix.title if matrix else blank_title),
        (_("Date"), matrix.held_on.isoformat() if matrix else ""),
        (_("Participants"), "\n".join(matrix.participant_list()) if matrix else ""),
        (_("How to fill it in"), instructions()),
    ]
    for offset, (label, value) in enumerate(rows, start=3):
        about.cell(row=offset, column=1, value=label).font = Font(bold=True)
        xlsx_text(about, offset, 2, value).alignment = wrap
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 90
    for level in LEVELS:
        sheet = workbook.create_sheet(SHEET_NAMES[MatrixLevel(level)])
        sheet["A1"] = worksheet_title()
        sheet["A1"].font = Font(bold=True, size=14)
        xlsx_text(sheet, 2, 1, matrix.title if matrix else blank_title)
        sheet["A3"] = formats.date_format(matrix.held_on, "j F Y") if matrix else ""
        sheet["A4"] = str(MatrixLevel(level).label)
        sheet["A4"].font = Font(bold=True)
        header = sheet.cell(row=HEADER_ROW, column=1, value="")
        header.border, header.fill = border, heading
        for column, stage in enumerate(STAGES, start=FIRST_STAGE_COLUMN):
            cell = sheet.cell(row=HEADER_ROW, column=column, value=str(Stage(stage).label))
            cell.font, cell.fill, cell.border = Font(bold=True), heading, border
        level_grid = grid.level(level) if grid else None
        for row_index, area in enumerate(ResponseArea.values):
            row = FIRST_AREA_ROW + row_index
            label = sheet.cell(row=row, column=1, value=str(ResponseArea(area).label))
            label.font, label.fill, label.border, label.alignment = Font(bold=True), heading, border, wrap
            for column_index in range(len(STAGES)):
                text = _cell_text(level_grid, row_index, column_index) if level_grid else ""
                cell = xlsx_text(sheet, row, FIRST_STAGE_COLUMN + column_index, text or None)
                cell.alignment, cell.border = wrap, border
            sheet.row_dimensions[row].height = 120
        sheet.column_dimensions["A"].width = 26
        for column_index in range(len(STAGES)):
            sheet.column_dimensions[get_column_letter(FIRST_STAGE_COLUMN + column_index)].width = 45
        sheet.page_setup.orientation = "landscape"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def matrix_pdf(grid: Grid) -> bytes:
    from weasyprint import HTML

    html = render_to_string("matrix/matrix_pdf.html", {"grid": grid, "heading": worksheet_title()})
    return bytes(HTML(string=html).write_pdf())


def matrix_docx(grid: Grid) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    document.add_heading(worksheet_title(), level=0)
    matrix = grid.matrix
    document.add_paragraph(f"{matrix.title} · {formats.date_format(matrix.held_on, 'j F Y')}")
    if matrix.participant_list():
        document.add_paragraph(_("Participants") + ": " + "; ".join(matrix.participant_list()))
    for index, level_grid in enumerate(grid.levels):
        if index:
            document.add_page_break()
        document.add_heading(level_grid.label, level=1)
        table = document.add_table(rows=1 + len(level_grid.rows), cols=1 + len(STAGES))
        table.style = "Table Grid"
        for column, stage in enumerate(STAGES, start=1):
            table.cell(0, column).text = str(Stage(stage).label)
            table.cell(0, column).paragraphs[0].runs[0].bold = True
        for row_index, row in enumerate(level_grid.rows, start=1):
            table.cell(row_index, 0).text = row.label
            table.cell(row_index, 0).paragraphs[0].runs[0].bold = True
            for column, cell in enumerate(row.cells, start=1):
                target = table.cell(row_index, column)
                lines = [action_line(a) for a in cell.actions]
                target.text = lines[0] if lines else ""
                for line in lines[1:]:
                    target.add_paragraph(line)
                for paragraph in target.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(9)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def matrix_file(grid: Grid, file_format: str) -> bytes:
    """The matrix in one of CONTENT_TYPES' formats (pages and API share this)."""
    if file_format == "xlsx":
        return matrix_xlsx(grid)
    if file_format == "pdf":
        return matrix_pdf(grid)
    if file_format == "docx":
        return matrix_docx(grid)
    raise ValueError(file_format)
