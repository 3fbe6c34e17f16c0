"""What the LKjIP export shows, detached from the database: plain rows and `ExportData`.

`export_data.gather_export` reads them in one session, `export.build_export` prints them; with
this in between, the workbook can be built (and tested) without a database, and the reads
happen in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from sicapai.reports.summary import IndicatorResult


@dataclass(frozen=True)
class PastRow:
    """One previous year's realisation and capaian of an indicator (Tabel 3.4)."""

    year: int
    realisation: Decimal | None
    achievement: Decimal | None


@dataclass(frozen=True)
class RenstraRow:
    """The end-of-Renstra target of an indicator (Tabel 3.5)."""

    end_year: int
    target: Decimal


@dataclass(frozen=True)
class BudgetRow:
    """One line of Tabel 3.11 with its cumulative realisation up to the exported quarter."""

    code: str
    kind: str
    name: str
    level: int
    ceiling: Decimal
    realisation: Decimal | None


@dataclass(frozen=True)
class SpendingRow:
    """One line of Tabel 3.10 (by type of spending)."""

    name: str
    parent_name: str | None
    ceiling: Decimal
    realisation: Decimal | None


@dataclass(frozen=True)
class EvidenceRow:
    """One bukti dukung file and the name it gets in the exported evidence folder."""

    code: str
    indicator: str
    quarter: int
    revision: int
    filename: str
    size: int
    sha256: str
    export_name: str
    source_path: str = ""
    note: str = ""


@dataclass(frozen=True)
class ExportData:
    """Everything the workbook shows, detached from the database.

    `results` holds, for each quarter 1-4, every indicator evaluated against that quarter's
    current reports; the Bab III tables use `results[quarter]`.
    """

    organisation: str
    year: int
    quarter: int
    results: dict[int, list[IndicatorResult]]
    past: dict[str, list[PastRow]] = field(default_factory=dict)
    renstra: dict[str, RenstraRow] = field(default_factory=dict)
    indicator_budget: dict[str, str] = field(default_factory=dict)  # indicator -> line code
    budget: list[BudgetRow] = field(default_factory=list)
    spending: list[SpendingRow] = field(default_factory=list)
    evidence: list[EvidenceRow] = field(default_factory=list)


def evidence_name(code: str, quarter: int, number: int, filename: str) -> str:
    """`<kode>_TW<q>_<n><ext>`, safe as a file name on any system."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", code).strip("-") or "indikator"
    suffix = PurePath(filename).suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", suffix):
        suffix = ""
    return f"{safe}_TW{quarter}_{number}{suffix}"
