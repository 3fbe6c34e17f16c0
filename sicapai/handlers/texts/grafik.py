"""What `/grafik` says, and the titles of the charts it draws."""

from __future__ import annotations

from sicapai.handlers.texts import esc

MENU = "Grafik capaian dan anggaran"
HELP = "grafik capaian, tren, anggaran dan efisiensi"
KIND_LABELS = {  # by `grafik.Kind`, the charts on offer
    "capaian": "📊 Capaian per indikator",
    "tren": "📈 Tren satu indikator",
    "anggaran": "💰 Anggaran per program",
    "kegiatan": "💰 Anggaran per kegiatan",
    "efisiensi": "⚖️ Efisiensi (capaian vs serapan)",
}
USE_BUTTONS = "Silakan gunakan tombol di atas, atau ketik /grafik untuk memulai lagi."
NO_DATA = "Belum ada data untuk digambar pada periode ini."
EFFICIENCY_TITLE = "Efisiensi: capaian kinerja dan serapan anggaran"


def capaian_title(scope: str) -> str:
    return f"Capaian kinerja — {scope}"


def trend_title(code: str) -> str:
    return f"Tren {code}"


def trend_caption(code: str, name: str) -> str:
    return f"{trend_title(code)} {esc(name)}"


def budget_title(kind: str) -> str:
    """`kind` is "program" or "kegiatan"."""
    return f"Anggaran per {kind}"
