"""Charts to draw in the tests: the seed's long names, every kriteria band, each kind."""

from __future__ import annotations

import dataclasses
import io
from decimal import Decimal

from PIL import Image

from sicapai.reports.chart_specs import (
    BudgetBar,
    BudgetChart,
    CapaianBar,
    CapaianChart,
    Chart,
    ChartMeta,
    EfficiencyChart,
    EfficiencyPoint,
    TrendChart,
    TrendPoint,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TEN_MB = 10 * 1024 * 1024
D = Decimal

META = ChartMeta("Capaian Kinerja Dinas", "TW IV 2025", "29 November 2026 10.00 WITA")
NAMES = (
    "Persentase Pencari Kerja Yang Ditempatkan (dalam daerah, luar daerah dan luar negeri)",
    "Persentase Pekerja yang Mendapatkan Perlindungan Sesuai Ketentuan",
    "Nilai SAKIP Perangkat Daerah",
    "Persentase Calon Pekerja Migran Indonesia (CPMI) dan Pekerja Migran Indonesia Purna Yang "
    "Diberikan Fasilitas Perlindungan",
    "Jumlah Pencari Kerja Yang mendapatkan informasi",
)
BANDS = ("Sangat Tinggi", "Tinggi", "Sedang", "Rendah", "Sangat Rendah")


def capaian(rows: int, meta: ChartMeta = META) -> CapaianChart:
    values = (D("131.73"), D("88.5"), D("70"), D("55.25"), D("45"))
    bars = tuple(
        CapaianBar(f"IK.{i + 1:02d}", NAMES[i % 5], values[i % 5], BANDS[i % 5])
        for i in range(rows)
    )
    return CapaianChart(meta, bars)


def trend(unit: str = "Persen") -> TrendChart:
    return TrendChart(
        meta=META,
        code="IK.22",
        name="Persentase Perusahaan yang menerapkan tata kelola kerja yang layak",
        unit_label=unit,
        points=(
            TrendPoint("TW I", D("12.45"), D("40")),
            TrendPoint("TW II", D("21.3"), D("40")),
            TrendPoint("TW III", None, D("40")),
            TrendPoint("TW IV", None, None),
        ),
        previous_years=((2023, D("34.96")), (2024, D("36.18"))),
    )


def budget() -> BudgetChart:
    return BudgetChart(
        META,
        (
            BudgetBar("1", "Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota",
                      D("6771413758"), D("5847942483")),
            BudgetBar("4", "Program Penempatan Tenaga Kerja", D("467328100"), D("241727100")),
            BudgetBar("1.2", "Penatausahaan dan Pengujian/Verifikasi Keuangan SKPD",
                      D("166400000"), D("170025000")),
            BudgetBar("4.3", "Job Fair/Bursa Kerja", D("143860000"), None),
        ),
    )  # fmt: skip


def efficiency() -> EfficiencyChart:
    return EfficiencyChart(
        META,
        (
            EfficiencyPoint("IK.01", NAMES[0], D("131.71"), D("85.70")),
            EfficiencyPoint("IK.09", "Persentase Jasa Penunjang", D("57.5"), D("70")),
            EfficiencyPoint("IK.07", "Persentase Administrasi Kepegawaian", D("100"), D("100")),
        ),
    )


def png_size(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as image:
        image.verify()
    with Image.open(io.BytesIO(png)) as image:
        return image.size


EMPTY: dict[str, Chart] = {
    "no bars": CapaianChart(META, ()),
    "no capaian": CapaianChart(META, (CapaianBar("IK.01", "x", None, None),)),
    "no realisasi": dataclasses.replace(
        trend(), points=(TrendPoint("TW I", None, D(1)),), previous_years=()
    ),
    "no spending": BudgetChart(META, (BudgetBar("1", "Program", D(100), None),)),
    "no points": EfficiencyChart(META, ()),
}
