"""Tabel 3.1, the scale that turns a capaian into its kriteria, written from the bounds the
kriteria are computed with, so the table printed in the report is the rule applied.

The seed prints closed intervals with gaps ("76 % ≤ 90%", "91% ≤ 100%": where is 90,5? and
is 131% not Sangat Tinggi?); the bands here are half-open by lower bound, as
`reports.capaian.criterion` applies them, with no gap and no ceiling.
"""

from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook

from sicapai.excel.writer import CellKind, Column, write_table
from sicapai.reports.capaian import CRITERION_BOUNDS, Criterion
from sicapai.reports.numbers import chat_percent

TITLE = "Tabel 3.1 Skala Nilai Perangkat Daerah"
COLUMNS = [
    Column("No", CellKind.INTEGER),
    Column("Interval Nilai Realisasi Kinerja", width=30),
    Column("Kriteria Penilaian Realisasi Kinerja", width=30),
]


def scale_rows() -> list[tuple[str, Criterion]]:
    """Each band's interval in words, highest first, the last one open below. The bounds are
    whole, so they read as the seed prints them ("91%"), not as a table figure ("91,00%")."""
    rows: list[tuple[str, Criterion]] = []
    upper: Decimal | None = None
    for bound, band in CRITERION_BOUNDS:
        low = chat_percent(bound)
        if upper is None:
            rows.append((f"capaian ≥ {low}", band))
        else:
            rows.append((f"{low} ≤ capaian < {chat_percent(upper)}", band))
        upper = bound
    assert upper is not None
    rows.append((f"capaian < {chat_percent(upper)}", Criterion.VERY_LOW))
    return rows


def criteria_sheet(workbook: Workbook) -> None:
    body = [
        [number, interval, str(band)] for number, (interval, band) in enumerate(scale_rows(), 1)
    ]
    write_table(workbook.create_sheet("Tabel 3.1"), COLUMNS, body, title=TITLE)
