"""Writing cells and tables into workbooks that Indonesian offices open in Excel.

The master-data template and the LKjIP export must look alike and behave alike: real numbers
in numeric cells (so a planner can sum a column), number formats that Excel renders with the
id locale's separators (1.762 and 29,71 on an Indonesian machine), a bold frozen header,
fitted column widths, and text that can never turn into a formula. Keeping that in one module
means the two workbooks cannot drift apart. Nothing here knows about the database or about
what the workbooks mean.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

# Number formats are stored in Excel's invariant notation; Excel shows "," for "." and "."
# for "," on a machine set to Indonesian, so "#,##0.00" prints 1.762,50 there.
FMT_INTEGER: Final = "#,##0"
FMT_DECIMAL: Final = "#,##0.00##"
FMT_PERCENT: Final = "0.00"  # percent points: 131.73 shows as 131,73
FMT_RUPIAH: Final = "#,##0"
FMT_RUPIAH_SEN: Final = "#,##0.00"
FMT_YEAR: Final = "0"
FMT_TEXT: Final = "@"  # keeps codes such as "1.1" or "01" as typed

HEADER_FONT: Final = Font(bold=True)
HEADER_FILL: Final = PatternFill("solid", fgColor="D9E1F2")
TITLE_FONT: Final = Font(bold=True, size=12)
THIN: Final = Side(style="thin", color="A6A6A6")
BORDER: Final = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

MIN_WIDTH: Final = 6
MAX_WIDTH: Final = 60


class CellKind(StrEnum):
    """How a column's values are written and formatted."""

    TEXT = "text"
    CODE = "code"  # text that looks like a number ("1.1"): formatted as text
    INTEGER = "integer"
    YEAR = "year"  # an integer without a thousands separator: 2030, not 2.030
    NUMBER = "number"  # a figure: integer format when whole, two decimals otherwise
    PERCENT = "percent"  # percent points, "0.00"
    RUPIAH = "rupiah"


@dataclass(frozen=True)
class Column:
    """One column of a table: its header, how to write it, and an optional fixed width."""

    header: str
    kind: CellKind = CellKind.TEXT
    width: int | None = None
    wrap: bool = False


@dataclass(frozen=True)
class Styled:
    """A value with per-cell styling, e.g. the indented names of Tabel 3.11."""

    value: Any
    indent: int = 0
    bold: bool = False


def cell_value(value: Any) -> Any:
    """A value openpyxl writes as a real number, text or blank.

    Decimals become int when whole and float otherwise: an Excel cell is a double anyway,
    and `float(Decimal("131.73"))` is the double nearest 131.73, which reads back as 131.73.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        if value == value.to_integral_value() and abs(value) < 2**53:
            return int(value)
        return float(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def number_format(kind: CellKind, value: Any) -> str | None:
    """The number format for one value of a column."""
    if kind in (CellKind.TEXT, CellKind.CODE):
        return FMT_TEXT if kind is CellKind.CODE else None
    if kind is CellKind.PERCENT:
        return FMT_PERCENT
    whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if kind is CellKind.RUPIAH:
        return FMT_RUPIAH if whole or value is None else FMT_RUPIAH_SEN
    if kind is CellKind.INTEGER:
        return FMT_INTEGER
    if kind is CellKind.YEAR:
        return FMT_YEAR
    return FMT_INTEGER if whole or value is None else FMT_DECIMAL


def put(ws: Worksheet, row: int, column: int, value: Any, kind: CellKind = CellKind.TEXT) -> Cell:
    """Write one cell safely: numbers as numbers, text never parsed as a formula."""
    styled = value if isinstance(value, Styled) else None
    raw = styled.value if styled else value
    if kind is CellKind.CODE and raw is not None and not isinstance(raw, str):
        raw = str(raw)
    written = cell_value(raw)
    cell = ws.cell(row=row, column=column)
    if not isinstance(cell, Cell):
        raise ValueError(f"{cell.coordinate} is inside a merged range and cannot be written")
    cell.value = written
    if isinstance(written, str) and written.startswith("="):
        cell.data_type = "s"  # untrusted text: "=HYPERLINK(...)" must stay text
    fmt = number_format(kind, written)
    if fmt:
        cell.number_format = fmt
    if styled and (styled.indent or styled.bold):
        cell.alignment = Alignment(indent=styled.indent, wrap_text=True, vertical="top")
        if styled.bold:
            cell.font = Font(bold=True)
    return cell


def _display_length(value: Any, kind: CellKind) -> int:
    """Roughly how many characters Excel shows, to fit the column width."""
    raw = value.value if isinstance(value, Styled) else value
    if raw is None:
        return 0
    if isinstance(raw, Decimal | int | float) and not isinstance(raw, bool):
        number = float(raw)
        if kind is CellKind.PERCENT:
            return len(f"{number:.2f}")
        if number.is_integer():
            return len(f"{number:,.0f}")
        return len(f"{number:,.2f}")
    text = str(raw)
    longest = max((len(line) for line in text.splitlines()), default=0)
    indent = value.indent * 2 if isinstance(value, Styled) else 0
    return longest + indent


def write_table(
    ws: Worksheet,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    title: str | None = None,
    groups: Sequence[tuple[str, int]] | None = None,
    start_row: int = 1,
) -> int:
    """Write an optional title row, optional group headers, the header row and the rows.

    `groups` are (label, span) pairs over the columns, merged above the header (the
    "Tahun 2025" over Realisasi and Capaian). The header stays frozen and the widths are
    fitted. Returns the number of the first data row.
    """
    row_no = start_row
    if title:
        ws.cell(row=row_no, column=1, value=cell_value(title)).font = TITLE_FONT
        row_no += 2 if not groups else 1
    if groups:
        col = 1
        for label, span in groups:
            if label:
                cell = ws.cell(row=row_no, column=col, value=cell_value(label))
                _style_header(cell)
                if span > 1:
                    ws.merge_cells(
                        start_row=row_no,
                        start_column=col,
                        end_row=row_no,
                        end_column=col + span - 1,
                    )
                for extra in range(col, col + span):
                    ws.cell(row=row_no, column=extra).border = BORDER
                    ws.cell(row=row_no, column=extra).fill = HEADER_FILL
            col += span
        row_no += 1
    header_row = row_no
    for index, column in enumerate(columns, start=1):
        _style_header(ws.cell(row=header_row, column=index, value=column.header))
    widths = [len(c.header) for c in columns]
    first_data = header_row + 1
    for offset, values in enumerate(rows):
        current = first_data + offset
        for index, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = put(ws, current, index, value, column.kind)
            cell.border = BORDER
            if column.wrap and not isinstance(value, Styled):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            widths[index - 1] = max(widths[index - 1], _display_length(value, column.kind))
    for index, column in enumerate(columns, start=1):
        fitted = column.width or min(max(widths[index - 1] + 2, MIN_WIDTH), MAX_WIDTH)
        ws.column_dimensions[get_column_letter(index)].width = fitted
    ws.freeze_panes = f"A{first_data}"
    return first_data


def _style_header(cell: Cell) -> None:
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.border = BORDER
    cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")


def add_choices(
    ws: Worksheet, column: int, choices: Sequence[str], *, first_row: int = 2, last_row: int = 1000
) -> None:
    """A drop-down of allowed values; typing anything else is refused by Excel itself."""
    letter = get_column_letter(column)
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(choices) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Isian tidak dikenal",
        error="Pilih salah satu: " + ", ".join(choices),
    )
    validation.add(f"{letter}{first_row}:{letter}{last_row}")
    ws.add_data_validation(validation)


def set_column_format(ws: Worksheet, column: int, kind: CellKind) -> None:
    """Give a whole column a number format, so "1.1" typed into a code cell stays text.

    The format goes on the column itself (Excel applies it to cells typed later), not on a
    thousand empty cells that would bloat the file and the rows a reader has to scan.
    """
    fmt = number_format(kind, None)
    if fmt:
        ws.column_dimensions[get_column_letter(column)].number_format = fmt


def new_workbook() -> Workbook:
    """A workbook without its default empty sheet."""
    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    return workbook


def to_bytes(workbook: Workbook) -> bytes:
    """The workbook as .xlsx bytes, for a file or a chat document."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
