"""Tabel 3.3 (realisasi kinerja) as rows, and its three printed forms: table, CSV, JSON.

Numbers are rounded half up to two decimals once, here, so every form agrees; each form then
prints them by the table rule of `reports.numbers` (percentages with two decimals, counts
whole), so a count of 1.762 job seekers never reads "1.762,00".
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from decimal import Decimal
from typing import Any

from sicapai.reports.capaian import round2
from sicapai.reports.domain import Kind
from sicapai.reports.numbers import count, table_figure, table_percent
from sicapai.reports.summary import IndicatorResult

TABLE_KEYS = (
    "kode",
    "sasaran",
    "indikator",
    "satuan",
    "target",
    "realisasi",
    "capaian",
    "kriteria",
)
KIND_KEY = "jenis"
"""Each row also carries its indicator's kind, which decides how target and realisasi print;
it is not one of the table's columns (TABLE_KEYS), so no printed form shows it."""
FIGURE_KEYS = ("target", "realisasi")


def capaian_rows(results: list[IndicatorResult]) -> list[dict[str, Any]]:
    """One dict per indicator with exactly TABLE_KEYS; missing figures are None."""
    rows = []
    for result in results:
        spec = result.spec
        rows.append(
            {
                "kode": spec.code,
                "sasaran": spec.objective,
                "indikator": spec.name,
                "satuan": spec.unit_label,
                "target": round2(result.target),
                "realisasi": _maybe_round(result.realisation.value),
                "capaian": _maybe_round(result.achievement.value),
                "kriteria": str(result.criterion) if result.criterion else None,
                KIND_KEY: spec.kind,
            }
        )
    return rows


def _maybe_round(value: Decimal | None) -> Decimal | None:
    return round2(value) if value is not None else None


def _json_number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def to_json(rows: list[dict[str, Any]]) -> str:
    """A list of objects; numbers are JSON numbers in percent points (131.71, not 1.3171)."""
    return json.dumps(
        [{k: _json_number(row[k]) for k in TABLE_KEYS} for row in rows],
        ensure_ascii=False,
        indent=2,
    )


def _csv_cell(key: str, value: Any, kind: str) -> str:
    """No thousands separator and no "%": Indonesian Excel must read the cell as a number in
    percent points, as the JSON gives it; but a count is whole there too ("1762")."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        if kind == Kind.COUNT and key in FIGURE_KEYS and value == value.to_integral_value():
            return str(int(value))
        return format(round2(value), "f").replace(".", ",")
    return str(value)


def to_csv(rows: list[dict[str, Any]]) -> str:
    """Semicolon-separated with the decimal comma, as Excel in the id locale expects."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(TABLE_KEYS)
    for row in rows:
        kind = str(row.get(KIND_KEY, ""))
        writer.writerow([_csv_cell(key, row[key], kind) for key in TABLE_KEYS])
    return buffer.getvalue()


def _cell(key: str, value: Any, kind: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, Decimal):
        if key == "capaian":
            return table_percent(value)
        if key in FIGURE_KEYS:
            return table_figure(value, kind) if kind else count(value)
    return str(value)


def to_table(rows: list[dict[str, Any]], *, width: int = 34) -> str:
    """A plain-text table for a terminal; long names wrap within their column."""
    headers = [
        "Kode",
        "Sasaran",
        "Indikator",
        "Satuan",
        "Target",
        "Realisasi",
        "Capaian",
        "Kriteria",
    ]
    wrapped: list[list[list[str]]] = []
    for row in rows:
        kind = str(row.get(KIND_KEY, ""))
        cells = [_cell(k, row[k], kind) for k in TABLE_KEYS]
        wrapped.append(
            [textwrap.wrap(c, width) or [""] if i in (1, 2) else [c] for i, c in enumerate(cells)]
        )
    widths = [len(h) for h in headers]
    for wrapped_cells in wrapped:
        for i, lines in enumerate(wrapped_cells):
            widths[i] = max(widths[i], *(len(line) for line in lines))
    numeric = {4, 5, 6}

    def line(parts: list[str]) -> str:
        out = []
        for i, part in enumerate(parts):
            out.append(part.rjust(widths[i]) if i in numeric else part.ljust(widths[i]))
        return " | ".join(out).rstrip()

    rule = "-+-".join("-" * w for w in widths)
    output = [line(headers), rule]
    for wrapped_cells in wrapped:
        height = max(len(lines) for lines in wrapped_cells)
        for n in range(height):
            output.append(line([lines[n] if n < len(lines) else "" for lines in wrapped_cells]))
    return "\n".join(output) + "\n"
