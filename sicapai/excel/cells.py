"""Reading a filled sheet: the table under its header row, and typed values out of its cells.

People fill the template in Excel and in every way Excel allows: numbers as numbers or as
Indonesian text ("1.762", "29,71"), percent-formatted fractions, dates where text belongs,
"ya" or "v" or TRUE for yes, columns moved about, blank rows between. This module turns that
into exact values or into a located `Problem` per bad cell (`Checker`), so the validators
above it only decide what the values mean. Text that looks like a number goes through
`parse_number`, which refuses rather than guesses; its verdict is kept as data
(`Reason.parsed`) for `handlers.texts.numbers.explain` to word.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from sicapai.excel.columns import INFORMATIONAL, NO, NO_WORDS, YES, YES_WORDS, Col
from sicapai.excel.problems import Issue, Problem, Problems, Reason
from sicapai.reports.numbers import Field as NumberField
from sicapai.reports.numbers import parse_number

HEADER_SEARCH_ROWS: Final = 12
YEAR_RANGE: Final = (2000, 2100)
MAX_DIGITS: Final = 17  # a hundred quadrillion rupiah is a typo, and beyond Excel's precision


def at(number: int | None) -> int:
    """A read cell's row or column number (openpyxl types it optional; a cell has one)."""
    if number is None:
        raise ValueError("a cell without a position")
    return number


def norm(text: str) -> str:
    """A header or label as compared: lower case, single spaces, no asterisks."""
    return " ".join(text.replace("*", " ").lower().split())


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class Row:
    """One data row of a table sheet: its number and the raw cells by column key."""

    number: int
    values: dict[str, Any]
    formats: dict[str, str]

    def blank(self, key: str) -> bool:
        return blank(self.values.get(key))


@dataclass
class Table:
    """A table sheet located by its header row, with the column letter of every key."""

    sheet: str
    header_row: int
    letters: dict[str, str]
    headers: dict[str, str]
    rows: list[Row]


def read_table(ws: Worksheet, columns: Sequence[Col], problems: Problems) -> Table | None:
    """Find the header row by its names and read every non-blank row below it."""
    wanted = {norm(c.header): c for c in columns}
    best: tuple[int, dict[str, int]] | None = None
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, HEADER_SEARCH_ROWS)):
        found: dict[str, int] = {}
        for cell in row:
            if isinstance(cell.value, str) and norm(cell.value) in wanted:
                found.setdefault(wanted[norm(cell.value)].key, at(cell.column))
        if found and (best is None or len(found) > len(best[1])):
            best = (at(row[0].row), found)
    sheet = ws.title
    if best is None:
        problems.add(Problem(sheet, None, None, Reason(Issue.NO_HEADER_ROW)))
        return None
    header_row, positions = best
    missing = [
        c.header for c in columns if c.key not in positions and (sheet, c.key) not in INFORMATIONAL
    ]
    for header in missing:
        problems.add(Problem(sheet, header_row, None, Reason(Issue.MISSING_COLUMN, value=header)))
    if missing:
        return None
    table = Table(
        sheet=sheet,
        header_row=header_row,
        letters={key: get_column_letter(n) for key, n in positions.items()},
        headers={c.key: c.header for c in columns},
        rows=[],
    )
    for row in ws.iter_rows(min_row=header_row + 1, max_row=ws.max_row):
        values: dict[str, Any] = {}
        formats: dict[str, str] = {}
        for key, number in positions.items():
            if number - 1 < len(row):
                cell = row[number - 1]
                values[key] = cell.value
                formats[key] = cell.number_format or ""
        if all(blank(v) for v in values.values()):
            continue
        table.rows.append(Row(at(row[0].row), values, formats))
    return table


class Checker:
    """Reads typed values out of one table's cells, recording a Problem for each bad cell."""

    def __init__(self, table: Table, problems: Problems) -> None:
        self.table = table
        self.problems = problems

    def add(self, row: int, key: str, reason: Reason | Issue) -> None:
        self.problems.add(
            Problem(
                self.table.sheet,
                row,
                self.table.letters.get(key),
                reason if isinstance(reason, Reason) else Reason(reason),
                self.table.headers.get(key, key),
            )
        )

    def repeated(
        self,
        seen: dict[str, int],
        row: Row,
        key: str,
        value: str,
        issue: Issue,
        *,
        shown: str | None = None,
        year: int | None = None,
    ) -> bool:
        """Record a value as seen, or a problem when an earlier row already used it."""
        first = seen.get(value)
        if first is not None:
            reason = Reason(issue, value=shown or value, first_row=first, year=year)
            self.add(row.number, key, reason)
            return True
        seen[value] = row.number
        return False

    def text(
        self, row: Row, key: str, *, required: bool = False, limit: int | None = None
    ) -> str | None:
        value = row.values.get(key)
        if blank(value):
            if required:
                self.add(row.number, key, Issue.EMPTY)
            return None
        if isinstance(value, bool):
            text = YES if value else NO
        elif isinstance(value, float):
            text = str(int(value)) if value.is_integer() else f"{value:.15g}"
        elif isinstance(value, datetime | date):
            self.add(row.number, key, Issue.DATE_NOT_TEXT)
            return None
        else:
            text = " ".join(str(value).split())
        if limit is not None and len(text) > limit:
            self.add(row.number, key, Reason(Issue.TOO_LONG, number=len(text), high=limit))
            return None
        return text

    def number(
        self,
        row: Row,
        key: str,
        *,
        kind: NumberField = NumberField.NUMBER,
        required: bool = False,
        negative: bool = False,
    ) -> Decimal | None:
        value = row.values.get(key)
        if blank(value):
            if required:
                self.add(row.number, key, Issue.EMPTY)
            return None
        parsed = cell_number(value, row.formats.get(key, ""), kind)
        if isinstance(parsed, Reason):
            self.add(row.number, key, parsed)
            return None
        if parsed < 0 and not negative:
            self.add(row.number, key, Issue.NEGATIVE)
            return None
        return parsed

    def integer(
        self,
        row: Row,
        key: str,
        *,
        required: bool = False,
        low: int | None = None,
        high: int | None = None,
    ) -> int | None:
        number = self.number(row, key, required=required, negative=low is not None and low < 0)
        if number is None:
            return None
        if number != number.to_integral_value():
            self.add(row.number, key, Issue.NOT_WHOLE)
            return None
        whole = int(number)
        if (low is not None and whole < low) or (high is not None and whole > high):
            self.add(row.number, key, Reason(Issue.OUT_OF_RANGE, number=whole, low=low, high=high))
            return None
        return whole

    def choice(
        self,
        row: Row,
        key: str,
        choices: Mapping[str, str],
        *,
        required: bool = False,
        default: str | None = None,
    ) -> str | None:
        value = row.values.get(key)
        if blank(value):
            if required:
                self.add(row.number, key, Issue.EMPTY)
            return default
        text = " ".join(str(value).split())
        found = choices.get(choice_key(text))
        if found is None:
            allowed = tuple(sorted(set(choices.values())))
            self.add(row.number, key, Reason(Issue.UNKNOWN_CHOICE, value=text, choices=allowed))
        return found

    def flag(self, row: Row, key: str, *, default: bool = False) -> bool | None:
        value = row.values.get(key)
        if blank(value):
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            if value in (0, 1):
                return bool(value)
        elif str(value).strip().lower() in YES_WORDS:
            return True
        elif str(value).strip().lower() in NO_WORDS:
            return False
        self.add(row.number, key, Reason(Issue.UNKNOWN_FLAG, value=str(value)))
        return None


def choice_key(text: str) -> str:
    return text.strip().lower().replace(" ", "_").replace("-", "_")


def choices(values: Iterable[str], **aliases: str) -> dict[str, str]:
    """A choice column's table: how a value may be typed -> the value."""
    table = {choice_key(v): v for v in values}
    table.update({choice_key(k): v for k, v in aliases.items()})
    return table


def cell_number(
    value: Any, number_format: str = "", kind: NumberField = NumberField.NUMBER
) -> Decimal | Reason:
    """A cell's number as an exact Decimal, or the reason it is not one.

    A numeric cell is a double; at most 15 significant digits of it mean anything (that is
    what Excel shows), so 24.06 comes back as Decimal("24.06"), not 24.059999999999998.
    A cell formatted as percent holds a fraction (0.38 for 38%) and is scaled to points.
    """
    if isinstance(value, bool):
        return Reason(Issue.BOOLEAN_NOT_NUMBER)
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return Reason(Issue.NOT_A_NUMBER)
        number = Decimal(f"{value:.15g}")
    elif isinstance(value, datetime | date):
        return Reason(Issue.DATE_NOT_NUMBER)
    elif isinstance(value, Decimal):
        number = value
    else:
        text = str(value)
        if text.startswith("#"):  # an Excel error value such as #DIV/0! or #REF!
            return Reason(Issue.EXCEL_ERROR, value=text.strip())
        parsed = parse_number(text, field=kind)
        if not parsed.ok or parsed.value is None:
            return Reason(Issue.UNREADABLE_NUMBER, parsed=parsed)
        number = parsed.value
        number_format = ""  # typed text is already in percent points
    if "%" in number_format:
        number = number * 100
    if number.adjusted() > MAX_DIGITS:
        return Reason(Issue.NUMBER_TOO_BIG)
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    return number


def whole_year(value: Any) -> int | None:
    """A cell's value as a year in YEAR_RANGE, or None."""
    parsed = cell_number(value)
    if isinstance(parsed, Reason) or parsed != parsed.to_integral_value():
        return None
    whole = int(parsed)
    return whole if YEAR_RANGE[0] <= whole <= YEAR_RANGE[1] else None
