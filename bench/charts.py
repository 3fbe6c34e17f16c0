"""Benchmark: does chart rendering keep the bot's event loop free?

The bot's rule is that nothing slow runs on the event loop (docs/architecture.md): a blocked
loop delays every conversation and makes APScheduler skip reminder jobs. Drawing a 25-row chart
is the slowest thing the bot does, so this measures, for each `ChartRenderer` mode:

1. the first render of a 25-row capaian chart after `start()` (process pool pre-warmed), and
   once without pre-warming, to show what the warm-up buys;
2. the reply time for the same chart again (a cache hit);
3. the longest stall of the event loop while 10 different charts render at once: a heartbeat
   task sleeps 5 ms in a loop and records how late it wakes up. Target: under 100 ms. This is
   done in 3 rounds of 10 new charts each; the table gives the median and the worst round.

Run with `python -m bench charts` (add `--out FILE` to also write the Markdown table).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sicapai.reports.capaian import criterion
from sicapai.reports.charts import (
    BudgetBar,
    BudgetChart,
    CapaianBar,
    CapaianChart,
    ChartMeta,
    EfficiencyChart,
    EfficiencyPoint,
    TrendChart,
    TrendPoint,
)
from sicapai.runtime.charts import ChartRenderer, Mode

HEARTBEAT_S = 0.005
CONCURRENT_CHARTS = 10
ROUNDS = 3
CACHE_REPEATS = 200
STALL_TARGET_MS = 100.0

# The goal indicator and the 24 PK indicators of the seed (Tabel 2.3 / 3.4), with the 2025
# capaian the report prints, a few moved down so that every kriteria band shows up.
INDICATORS: tuple[tuple[str, str, str], ...] = (
    ("T.1", "Tingkat Pengangguran Terbuka (TPT)", "98.19"),
    ("IK.01", "Persentase Pencari Kerja Yang Ditempatkan (dalam daerah, luar daerah dan luar "
     "negeri)", "131.71"),
    ("IK.02", "Persentase Pekerja yang Mendapatkan Perlindungan Sesuai Ketentuan", "123.48"),
    ("IK.03", "Nilai SAKIP Perangkat Daerah", "100.03"),
    ("IK.04", "Nilai Indeks Kepatuhan Dan Kinerja Intern (IKKI) Dinas Tenaga Kerja Dan "
     "Transmigrasi", "106.67"),
    ("IK.05", "Persentase Dokumen Perencanaan, Anggaran dan Evaluasi Perangkat Daerah Sesuai "
     "Ketentuan", "100"),
    ("IK.06", "Persentase Laporan Keuangan sesuai ketentuan", "100"),
    ("IK.07", "Persentase Administrasi Kepegawaian Yang Berkualitas", "100"),
    ("IK.08", "Persentase Administrasi Umum Yang Berkualitas", "88.5"),
    ("IK.09", "Persentase Jasa Penunjang Pelayanan Umum Yang Berkualitas", "69.32"),
    ("IK.10", "Persentase Sarana Dan Prasarana Sesuai Kebutuhan Yang Berkualitas", "79.52"),
    ("IK.11", "Persentase Peserta Pelatihan Yang Memiliki Sertifikat Kompetensi Yang Sesuai "
     "dengan Permintaan Pasar", "100"),
    ("IK.12", "Persentase Transmigran Yang Mandiri", "100"),
    ("IK.13", "Persentase Peserta Pelatihan Yang Memiliki Kompetensi/Keterampilan", "151"),
    ("IK.14", "Persentase Peningkatan Produktivitas Tenaga Kerja", "214"),
    ("IK.15", "Persentase Transmigran Yang Terlatih", "100"),
    ("IK.16", "Persentase Pencari Kerja Yang Mendapatkan Fasilitas Jaringan Pemasaran Kerja",
     "51.73"),
    ("IK.17", "Persentase Dokumen Perencanaan Tenaga Kerja Yang Disusun Sesuai Ketentuan",
     "100"),
    ("IK.18", "Persentase pelayanan antar kerja yang dijalankan sesuai prosedur", "62.76"),
    ("IK.19", "Jumlah Pencari Kerja Yang mendapatkan informasi", "176.2"),
    ("IK.20", "Persentase Calon Pekerja Migran Indonesia (CPMI) dan Pekerja Migran Indonesia "
     "Purna Yang Diberikan Fasilitas Perlindungan", "100"),
    ("IK.21", "Jumlah Dokumen Perencanaan Tenaga Kerja yang Disusun Perusahaan", "100"),
    ("IK.22", "Persentase Perusahaan yang menerapkan tata kelola kerja yang layak", "92.5"),
    ("IK.23", "Persentase perusahaan yang mematuhi aturan ketenagakerjaan (PP, PKWT & BPJS "
     "Ketenagakerjaan)", "82.22"),
    ("IK.24", "Persentase Fasilitas Perselisihan Hubungan Industrial yang diselesaikan", "45.5"),
)  # fmt: skip

# Tabel 3.11, the six programs (pagu, realisasi).
PROGRAMS: tuple[tuple[str, str, str, str], ...] = (
    ("1", "Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota", "6771413758",
     "5847942483"),
    ("2", "Program Pelatihan Kerja Dan Produktivitas Tenaga Kerja", "1767652000", "1638381500"),
    ("3", "Program Pengembangan Kawasan Transmigrasi", "261746500", "255730500"),
    ("4", "Program Penempatan Tenaga Kerja", "467328100", "241727100"),
    ("5", "Program Perencanaan Tenaga Kerja", "30200000", "29780000"),
    ("6", "Program Hubungan Industrial", "2782864500", "2052923369"),
)  # fmt: skip

# Tabel 3.7: capaian kinerja and serapan anggaran.
EFFICIENCY: tuple[tuple[str, str, str], ...] = (
    ("IK.01", "131.71", "85.70"), ("IK.02", "123.48", "73.77"), ("IK.03", "100.04", "86.36"),
    ("IK.04", "106", "86.36"), ("IK.05", "100", "92.45"), ("IK.06", "100", "88.88"),
    ("IK.07", "100", "99.99"), ("IK.08", "100", "88.97"), ("IK.09", "100", "69.32"),
    ("IK.10", "100", "79.52"), ("IK.13", "151", "92.69"), ("IK.14", "214", "92.59"),
    ("IK.16", "100", "51.73"), ("IK.18", "100", "62.76"), ("IK.19", "176", "24.28"),
)  # fmt: skip


def meta(title: str, variant: int = 0) -> ChartMeta:
    return ChartMeta(
        title=title,
        period_label="TW IV 2025",
        read_at=f"29 November 2026 10.{variant:02d} WITA",
    )


def capaian_chart(variant: int = 0) -> CapaianChart:
    """The seed's 25 indicators; `variant` shifts the values so each chart is a new one."""
    bars = []
    for index, (code, name, value) in enumerate(INDICATORS):
        achieved = Decimal(value) - Decimal(variant) * Decimal("0.37") * (index % 4)
        if code == "IK.21" and variant % 3 == 0:
            bars.append(CapaianBar(code, name, None, None))  # target 0: not computable
            continue
        band = criterion(achieved)
        bars.append(CapaianBar(code, name, achieved, None if band is None else str(band)))
    title = "Capaian Kinerja Dinas Tenaga Kerja dan Transmigrasi Kabupaten Banjar"
    return CapaianChart(meta(title, variant), tuple(bars))


def trend_chart() -> TrendChart:
    return TrendChart(
        meta=meta("Perkembangan Realisasi Indikator"),
        code="IK.22",
        name="Persentase Perusahaan yang menerapkan tata kelola kerja yang layak",
        unit_label="Persen",
        points=(
            TrendPoint("TW I", Decimal("12.45"), Decimal("40")),
            TrendPoint("TW II", Decimal("21.3"), Decimal("40")),
            TrendPoint("TW III", Decimal("30.17"), Decimal("40")),
            TrendPoint("TW IV", Decimal("37"), Decimal("40")),
        ),
        previous_years=((2023, Decimal("34.96")), (2024, Decimal("36.18"))),
    )


def budget_chart() -> BudgetChart:
    bars = tuple(
        BudgetBar(code, name, Decimal(ceiling), Decimal(spent))
        for code, name, ceiling, spent in PROGRAMS
    )
    return BudgetChart(meta("Serapan Anggaran per Program"), bars)


def efficiency_chart() -> EfficiencyChart:
    names = {code: name for code, name, _ in INDICATORS}
    points = tuple(
        EfficiencyPoint(code, names[code], Decimal(achieved), Decimal(spent))
        for code, achieved, spent in EFFICIENCY
    )
    return EfficiencyChart(meta("Efisiensi Penggunaan Sumber Daya"), points)


@dataclass
class ModeResult:
    mode: str
    start_s: float
    first_s: float
    cached_s: float
    wall_s: float  # median over the rounds
    stall_s: float  # median over the rounds of each round's longest stall
    worst_stall_s: float  # the longest stall seen in any round


async def _timed(action: Callable[[], Awaitable[object]]) -> float:
    began = time.perf_counter()
    await action()
    return time.perf_counter() - began


async def _max_stall_during(work: Callable[[], Awaitable[object]]) -> tuple[float, float]:
    """Run `work()` while a heartbeat sleeps 5 ms in a loop: (longest lateness, wall time).

    `work` is a factory so that nothing starts before the heartbeat has settled.
    """
    stop = asyncio.Event()
    worst = 0.0

    async def heartbeat() -> None:
        nonlocal worst
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(HEARTBEAT_S)
            worst = max(worst, time.perf_counter() - before - HEARTBEAT_S)

    beat = asyncio.create_task(heartbeat())
    await asyncio.sleep(HEARTBEAT_S * 4)  # let the heartbeat settle
    began = time.perf_counter()
    await work()
    wall = time.perf_counter() - began
    stop.set()
    await beat
    return worst, wall


async def measure(mode: Mode) -> ModeResult:
    renderer = ChartRenderer(mode=mode)
    start_s = await _timed(renderer.start)
    chart = capaian_chart()
    first_s = await _timed(lambda: renderer.render(chart))
    hits = []
    for _ in range(CACHE_REPEATS):
        hits.append(await _timed(lambda: renderer.render(chart)))
    stalls, walls = [], []
    for round_ in range(ROUNDS):
        first_variant = 1 + round_ * CONCURRENT_CHARTS
        charts = [capaian_chart(v) for v in range(first_variant, first_variant + CONCURRENT_CHARTS)]
        stall_s, wall_s = await _max_stall_during(
            lambda charts=charts: asyncio.gather(*(renderer.render(item) for item in charts))
        )
        stalls.append(stall_s)
        walls.append(wall_s)
    assert renderer.renders == 1 + ROUNDS * CONCURRENT_CHARTS, renderer.renders  # all drawn
    assert renderer.cache_hits == CACHE_REPEATS
    effective = renderer.mode
    await renderer.close()
    return ModeResult(
        effective, start_s, first_s, statistics.median(hits), statistics.median(walls),
        statistics.median(stalls), max(stalls),
    )  # fmt: skip


async def measure_cold_process() -> float:
    """First render in process mode without `start()`: spawning and imports on the clock."""
    renderer = ChartRenderer(mode="process")
    try:
        return await _timed(lambda: renderer.render(capaian_chart()))
    finally:
        await renderer.close()


async def idle_stall() -> float:
    stall, _ = await _max_stall_during(lambda: asyncio.sleep(1.0))
    return stall


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; load average before the run: {load}"
    )


def table(results: list[ModeResult], cold_s: float, idle_s: float) -> str:
    ms = 1000.0
    lines = [
        "| mode | start() incl. warm-up | first 25-row chart | cached reply (median) "
        f"| {CONCURRENT_CHARTS} charts at once, wall | longest loop stall (median / worst "
        f"of {ROUNDS}) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.mode} | {r.start_s * ms:.0f} ms | {r.first_s * ms:.0f} ms "
            f"| {r.cached_s * 1e6:.0f} µs | {r.wall_s * ms:.0f} ms "
            f"| {r.stall_s * ms:.1f} / {r.worst_stall_s * ms:.1f} ms |"
        )
    by_mode = {r.mode: r for r in results}
    lines.append("")
    lines.append(f"- process mode, first chart without pre-warming: {cold_s * ms:.0f} ms")
    lines.append(f"- heartbeat lateness with the loop idle (noise floor): {idle_s * ms:.1f} ms")
    if "process" in by_mode and "thread" in by_mode and by_mode["thread"].stall_s > 0:
        ratio = by_mode["process"].worst_stall_s / by_mode["thread"].worst_stall_s
        lines.append(f"- process-mode stall / thread-mode stall (worst of each): {ratio:.3f}")
    for r in results:
        verdict = "meets" if r.worst_stall_s * ms < STALL_TARGET_MS else "misses"
        lines.append(f"- {r.mode}: {verdict} the {STALL_TARGET_MS:.0f} ms stall target")
    return "\n".join(lines)


async def run() -> str:
    host = machine()
    idle_s = await idle_stall()
    results = [await measure(mode) for mode in ("process", "thread", "inline")]
    cold_s = await measure_cold_process()
    return f"Machine: {host}\n\n" + table(results, cold_s, idle_s)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench charts", description=__doc__)
    parser.add_argument("--out", type=Path, help="also write the Markdown table to this file")
    args = parser.parse_args(argv)
    report = asyncio.run(run())
    print(report)
    if args.out:
        args.out.write_text(report + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
