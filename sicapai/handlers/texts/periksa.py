"""What the consistency check (`sicapai periksa`, `/periksa`) says about each slip it found.

Each finding is one plain sentence that names where to look — the table of the LKjIP and its
row — and then what disagrees with what, so the planner can open the document and fix it
without knowing the check's internal codes.
"""

from __future__ import annotations

from decimal import Decimal

from sicapai.reports.consistency import Finding, Slip
from sicapai.reports.numbers import chat_number, chat_percent, rupiah, table_number, table_percent
from sicapai.reports.periods import quarter_name

BUDGET_TABLE = "Tabel 3.11 (realisasi anggaran)"
PERFORMANCE_TABLE = "Tabel 3.3 (realisasi kinerja)"
REPORTS = "Laporan triwulan"
PK_TABLE = "Perjanjian Kinerja"


def _rp(value: Decimal | None) -> str:
    return rupiah(value) if value is not None else "-"


def _n(value: Decimal | None) -> str:
    return chat_number(value) if value is not None else "-"


def _pct(value: Decimal | None) -> str:
    return chat_percent(value) if value is not None else "-"


def _computed(value: Decimal | None, *, percent: bool) -> str:
    """What the figures give, with the two decimals of the table the finding points into."""
    if value is None:
        return "-"
    return table_percent(value) if percent else table_number(value)


def _where(found: Finding) -> str:
    """The table and the row the finding is about, as the planner finds them in the report."""
    match found.slip:
        case (
            Slip.SPENT_ABOVE_CEILING
            | Slip.PRINTED_ABSORPTION
            | Slip.CEILING_NOT_SUM
            | Slip.SPENT_NOT_SUM
        ):
            return f"{BUDGET_TABLE}, baris {found.subject}"
        case Slip.PRINTED_REALISATION | Slip.PRINTED_ACHIEVEMENT:
            period = f" ({quarter_name(found.quarters[0])})" if found.quarters else ""
            return f"{PERFORMANCE_TABLE}, baris {found.subject}{period}"
        case Slip.NUMERATOR_ABOVE:
            period = f" {quarter_name(found.quarters[0])}" if found.quarters else ""
            return f"{REPORTS}{period}, indikator {found.subject}"
        case Slip.CUMULATIVE_DOWN:
            return f"{REPORTS}, indikator {found.subject}"
        case Slip.PK_BUDGET:
            return f"{PK_TABLE}, indikator {found.subject}"


def finding(found: Finding) -> str:
    """One finding as one sentence: where to look, then what disagrees with what (plain)."""
    shown, expected = found.shown, found.expected
    match found.slip:
        case Slip.SPENT_ABOVE_CEILING:
            what = f"realisasi {_rp(shown)} melebihi pagu {_rp(expected)}"
        case Slip.PRINTED_ABSORPTION:
            what = (
                f"serapan yang tertulis {_pct(shown)}, padahal realisasi dibagi pagu "
                f"menghasilkan {_pct(expected)}"
            )
        case Slip.CEILING_NOT_SUM:
            what = f"pagu {_rp(shown)} tidak sama dengan jumlah pagu rinciannya {_rp(expected)}"
        case Slip.SPENT_NOT_SUM:
            what = (
                f"realisasi {_rp(shown)} tidak sama dengan jumlah realisasi rinciannya "
                f"{_rp(expected)}"
            )
        case Slip.NUMERATOR_ABOVE:
            what = (
                f"pembilang {_n(shown)} lebih besar dari penyebut {_n(expected)}, padahal "
                "persentase ini tidak dapat melebihi 100%"
            )
        case Slip.PRINTED_REALISATION:
            what = (
                f"realisasi yang tertulis {_n(shown)}, padahal hasil hitung dari angka yang "
                f"dilaporkan {_computed(expected, percent=False)}"
            )
        case Slip.PRINTED_ACHIEVEMENT:
            what = (
                f"capaian yang tertulis {_pct(shown)}, padahal hasil hitung dari realisasi dan "
                f"targetnya {_computed(expected, percent=True)}"
            )
        case Slip.CUMULATIVE_DOWN:
            after, before = found.quarters
            what = (
                f"angka kumulatif {quarter_name(after)} ({_n(shown)}) lebih kecil dari "
                f"{quarter_name(before)} ({_n(expected)}), padahal angka kumulatif tidak turun"
            )
        case Slip.PK_BUDGET:
            what = (
                f"anggaran di PK {_rp(shown)} tidak sama dengan pagu {found.other} "
                f"{_rp(expected)} di {BUDGET_TABLE}"
            )
    return f"{_where(found)}: {what}."


def headline(year: int, count: int) -> str:
    return f"Pemeriksaan {year}: {count} temuan."
