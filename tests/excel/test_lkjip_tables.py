"""The LKjIP tables of the 2025 export of the bundled office, against the seed's own tables
(`../shared/seed/`), exact wherever the seed is right and the correct figure where it is not."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from sqlmodel import Session

from sicapai.excel.export import build_export
from sicapai.excel.export_data import gather_export
from sicapai.models.queries import resolve_organisation
from sicapai.reports.capaian import criterion
from tests.support.database import Database

# Tabel 3.1 as the seed prints it: its five kriteria, in its order. Its intervals leave gaps
# (90,5 belongs to no band) and stop at 100%; the export prints the bands as they are applied.
SEED_TABEL_3_1 = ["Sangat Tinggi", "Tinggi", "Sedang", "Rendah", "Sangat Rendah"]


def _export(db: Database) -> Workbook:
    with Session(db.engine) as session:
        organisation = resolve_organisation(session=session)
        data = gather_export(session=session, organisation=organisation, year=2025, quarter=4)
    return build_export(data)


def test_tabel_3_1_is_the_scale_the_kriteria_are_computed_with(seeded: Database) -> None:
    ws = _export(seeded)["Tabel 3.1"]
    assert ws["A1"].value == "Tabel 3.1 Skala Nilai Perangkat Daerah"
    assert [c.value for c in ws[3]] == [
        "No",
        "Interval Nilai Realisasi Kinerja",
        "Kriteria Penilaian Realisasi Kinerja",
    ]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert rows == [
        [1, "capaian ≥ 91%", "Sangat Tinggi"],
        [2, "76% ≤ capaian < 91%", "Tinggi"],
        [3, "66% ≤ capaian < 76%", "Sedang"],
        [4, "51% ≤ capaian < 66%", "Rendah"],
        [5, "capaian < 51%", "Sangat Rendah"],
    ]
    assert [r[2] for r in rows] == SEED_TABEL_3_1
    # no gap, no ceiling: each boundary and the seed's gap fall where the table says
    for value, band in [
        ("131.74", "Sangat Tinggi"),
        ("91", "Sangat Tinggi"),
        ("90.99", "Tinggi"),
        ("90.5", "Tinggi"),
        ("76", "Tinggi"),
        ("75.99", "Sedang"),
        ("66", "Sedang"),
        ("65.5", "Rendah"),
        ("51", "Rendah"),
        ("50.99", "Sangat Rendah"),
    ]:
        assert criterion(Decimal(value)) == band, value


def _row(ws: Any, name: str) -> list[Any]:
    """The first row whose Indikator Kinerja (column C) is `name`."""
    for row in ws.iter_rows(min_row=4, values_only=True):
        if row[2] == name:
            return list(row)
    raise AssertionError(f"no row {name!r}")


def test_tabel_3_4_prints_n_a_where_a_year_has_no_figure(seeded: Database) -> None:
    ws = _export(seeded)["Tabel 3.4"]
    # the seed: 2024 and 2023 both N/A for the placements; SAKIP has past scores but no
    # capaian ("belum menjadi target di indikator kinerja")
    ik01 = _row(
        ws,
        "Persentase Pencari Kerja Yang Ditempatkan (dalam daerah, luar daerah dan luar negeri)",
    )
    assert ik01[-4:] == ["N/A", "N/A", "N/A", "N/A"]
    sakip = _row(ws, "Nilai SAKIP Perangkat Daerah")
    assert sakip[-4:] == [80.15, "N/A", 78.41, "N/A"]  # real numbers beside the words
    assert all(cell is not None for cell in sakip[4:])
