"""What `/grafik` says, and the titles of the charts it draws."""

from __future__ import annotations

from sicapai.handlers.texts import esc

KINDS = [
    ("📊 Capaian per indikator", "k:capaian"),
    ("📈 Tren satu indikator", "k:tren"),
    ("💰 Anggaran per program", "k:anggaran"),
    ("💰 Anggaran per kegiatan", "k:kegiatan"),
    ("⚖️ Efisiensi (capaian vs serapan)", "k:efisiensi"),
]
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
