"""What the consistency check (`sicapai periksa`, `/periksa`) says about each slip it found."""

from __future__ import annotations

from decimal import Decimal

from sicapai.reports.consistency import Finding, Slip
from sicapai.reports.numbers import format_number, format_percent, format_rupiah
from sicapai.reports.periods import quarter_name


def _rp(value: Decimal | None) -> str:
    return format_rupiah(value) if value is not None else "-"


def _n(value: Decimal | None, places: int | None = None) -> str:
    if value is None:
        return "-"
    return format_number(value, places) if places is not None else format_number(value)


def _pct(value: Decimal | None) -> str:
    return format_percent(value) if value is not None else "-"


def finding(found: Finding) -> str:
    """One finding as one line: the item, then what disagrees with what (plain text)."""
    subject = found.subject
    if found.quarters and found.slip is not Slip.CUMULATIVE_DOWN:
        subject = f"{subject} ({quarter_name(found.quarters[0])})"
    shown, expected = found.shown, found.expected
    match found.slip:
        case Slip.SPENT_ABOVE_CEILING:
            what = f"realisasi {_rp(shown)} melebihi pagu {_rp(expected)}"
        case Slip.PRINTED_ABSORPTION:
            what = f"serapan tercetak {_pct(shown)}, dari angkanya {_pct(expected)}"
        case Slip.CEILING_NOT_SUM:
            what = f"pagu {_rp(shown)} tidak sama dengan jumlah pagu rinciannya {_rp(expected)}"
        case Slip.SPENT_NOT_SUM:
            what = (
                f"realisasi {_rp(shown)} tidak sama dengan jumlah realisasi rinciannya "
                f"{_rp(expected)}"
            )
        case Slip.NUMERATOR_ABOVE:
            what = f"pembilang {_n(shown)} lebih besar dari penyebut {_n(expected)}"
        case Slip.PRINTED_REALISATION:
            what = f"realisasi tercetak {_n(shown)}, dari angkanya {_n(expected, 2)}"
        case Slip.PRINTED_ACHIEVEMENT:
            what = f"capaian tercetak {_n(shown)}, dari angkanya {_n(expected, 2)}"
        case Slip.CUMULATIVE_DOWN:
            after, before = found.quarters
            what = (
                f"angka kumulatif {quarter_name(after)} ({_n(shown)}) lebih kecil dari "
                f"{quarter_name(before)} ({_n(expected)})"
            )
        case Slip.PK_BUDGET:
            what = (
                f"anggaran di PK {_rp(shown)} tidak sama dengan pagu {found.other} {_rp(expected)}"
            )
    return f"{subject}: {what}"


def headline(year: int, count: int) -> str:
    return f"Pemeriksaan {year}: {count} temuan."
