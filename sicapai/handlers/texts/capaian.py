"""What `/capaian`, `/grafik` and `/status` say; also printed by `sicapai ringkasan`."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from sicapai.handlers.texts import esc
from sicapai.handlers.texts.lapor import CRITERION_MARK, show_figure
from sicapai.handlers.texts.markup import truncate
from sicapai.models.summaries import PeriodSummary
from sicapai.reports.capaian import Criterion, Uncomputable
from sicapai.reports.numbers import chat_percent
from sicapai.reports.periods import quarter_name

MENU_CAPAIAN = "Ringkasan capaian kinerja"
HELP_CAPAIAN = "ringkasan capaian per indikator"
MENU_STATUS = "Siapa yang sudah dan belum melapor"
HELP_STATUS = "siapa yang sudah dan belum melapor (atasan dan admin)"
PAGE_LIMIT = 3800  # characters per message, below Telegram's 4096
NO_SCOPE = (
    "Anda belum memegang jabatan yang memiliki indikator, jadi belum ada capaian untuk ditampilkan."
)
NO_DATA = (
    "Belum ada data capaian untuk {period}. Silakan pilih triwulan lain, atau tunggu sampai "
    "laporan masuk."
)
CHOOSE_SCOPE = "Capaian siapa yang ingin Anda lihat?"
CHOOSE_CHART = "Grafik apa yang Anda perlukan?"
CHOOSE_INDICATOR = "Pilih indikator untuk grafik tren:"
STATUS_ONLY_SUPERIORS = (
    "/status hanya untuk atasan (kepala bidang, sekretaris, kepala dinas) dan admin. Untuk "
    "melihat laporan Anda sendiri, ketik /lapor."
)
UNREVIEWED_NOTE = "ⓘ tanda * berarti angka belum diverifikasi atasan."


UNCOMPUTABLE = {
    Uncomputable.NO_PARTS: "pembilang dan penyebut belum diisi",
    Uncomputable.ZERO_DENOMINATOR: "penyebut 0: persentase tidak dapat dihitung",
    Uncomputable.NO_VALUE: "nilai belum diisi",
    Uncomputable.NO_REALISATION: "realisasi belum ada",
    Uncomputable.NO_TARGET: "target belum ditetapkan",
    Uncomputable.ZERO_TARGET: "target 0: capaian tidak dapat dihitung",
    Uncomputable.ZERO_ON_NEGATIVE: "realisasi 0 pada indikator negatif: capaian tidak terhingga",
    Uncomputable.NOT_REPORTED: "belum dilaporkan",
}


def _percent(value: Decimal | None) -> str:
    return chat_percent(value) if value is not None else "-"


def uncomputable(why: Uncomputable | None) -> str:
    """Why a realisasi or capaian cannot be computed, in words."""
    return UNCOMPUTABLE.get(why, "") if why is not None else ""


def period_label(year: int, quarter: int) -> str:
    return f"{quarter_name(quarter)} {year}"


def _indicator_block(summary: PeriodSummary, index: int) -> str:
    result = summary.results[index]
    spec = result.spec
    if not result.due:
        return (
            f"🗓 <b>{esc(spec.code)}</b> {esc(spec.name)}\n   indikator tahunan, dilaporkan di TW IV"
        )
    if result.reported is None:
        return f"⏳ <b>{esc(spec.code)}</b> {esc(spec.name)}\n   belum dilaporkan"
    band = result.criterion
    mark = CRITERION_MARK.get(band, "⚪") if band else "⚪"
    unreviewed = "*" if result.status != "disetujui" else ""
    realisation = show_figure(spec.kind, spec.unit_label, result.realisation.value)
    target = show_figure(spec.kind, spec.unit_label, result.target)
    achieved = (
        f"<b>{chat_percent(result.achievement.value)}</b> ({band})"
        if result.achievement.value is not None
        else f"tidak dapat dihitung ({uncomputable(result.achievement.why)})"
    )
    lines = [
        f"{mark} <b>{esc(spec.code)}</b>{unreviewed} {esc(spec.name)}",
        f"   realisasi {realisation} · target {target} · capaian {achieved}",
    ]
    comparison = summary.comparisons.get(spec.id)
    extra = []
    if comparison and comparison.last_year is not None:
        extra.append(
            f"{esc(comparison.last_year_label or '')}: "
            f"{show_figure(spec.kind, spec.unit_label, comparison.last_year)}"
        )
    if comparison and comparison.renstra_target is not None:
        extra.append(
            f"target Renstra {comparison.renstra_year}: "
            f"{show_figure(spec.kind, spec.unit_label, comparison.renstra_target)}"
            + (
                f" (tercapai {chat_percent(comparison.renstra_achievement)} dari target Renstra)"
                if comparison.renstra_achievement is not None
                else ""
            )
        )
    if extra:
        lines.append("   " + " · ".join(extra))
    return "\n".join(lines)


def summary_pages(summary: PeriodSummary, scope_label: str, read_at: str) -> list[str]:
    """The whole summary, split into messages that each fit Telegram's limit."""
    head = (
        f"<b>Capaian kinerja {period_label(summary.year, summary.quarter)}</b> — "
        f"{esc(scope_label)}\nData dibaca {esc(read_at)}"
    )
    blocks = [_indicator_block(summary, i) for i in range(len(summary.results))]
    counts = Counter(r.criterion for r in summary.due if r.criterion is not None)
    counted = " · ".join(
        f"{CRITERION_MARK[band]} {band} {counts[band]}" for band in Criterion if counts.get(band)
    )
    if counted:
        blocks.append(f"<b>Jumlah per kriteria</b>\n{counted}")
    below = [
        r for r in summary.due if r.achievement.value is not None and r.achievement.value < 100
    ]
    if below:
        lines = ["<b>Di bawah target triwulan ini</b>"]
        for r in below:
            kendala = r.reported.kendala if r.reported else None
            lines.append(
                f"• {esc(r.spec.code)} ({_percent(r.achievement.value)})"
                + (f" — kendala: {esc(kendala)}" if kendala else " — kendala belum diisi")
            )
        blocks.append("\n".join(lines))
    blocks.append(
        f"<b>Kepatuhan pelaporan</b>: {len(summary.reported)} dari {len(summary.due)} "
        "indikator sudah dilaporkan."
    )
    if any(r.reported is not None and r.status != "disetujui" for r in summary.due):
        blocks.append(UNREVIEWED_NOTE)
    return paginate(head, blocks)


def paginate(head: str, blocks: list[str]) -> list[str]:
    """Blocks packed into pages under PAGE_LIMIT; a block is never split across pages (one
    too long for a page is cut, between tags, with its open tags closed)."""
    pages: list[str] = []
    current = head
    for block in blocks:
        block = truncate(block, PAGE_LIMIT - 200)
        if len(current) + 2 + len(block) > PAGE_LIMIT:
            pages.append(current)
            current = block
        else:
            current = f"{current}\n\n{block}"
    pages.append(current)
    if len(pages) > 1:
        pages = [
            f"{page}\n\n<i>Halaman {n + 1} dari {len(pages)}</i>" for n, page in enumerate(pages)
        ]
    return pages


def chart_caption(title: str, year: int, quarter: int, read_at: str) -> str:
    return f"<b>{esc(title)}</b>\n{period_label(year, quarter)} · data dibaca {esc(read_at)}"


USE_BUTTONS_CAPAIAN = "Silakan gunakan tombol di atas, atau ketik /capaian untuk memulai lagi."
USE_BUTTONS_STATUS = "Silakan gunakan tombol di atas, atau ketik /status untuk memulai lagi."
BTN_CHART = "📊 Grafik capaian"
