"""The domain's vocabulary: kinds of indicator, polarity, frequency, a submission's status.

Plain enums without any database: the pure arithmetic in `reports/` speaks them without
loading a single table, and the SQLModel tables in `models/` store their values.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """How the figure is made."""

    RATIO = "rasio"  # numerator / denominator x 100
    COUNT = "jumlah"  # people, documents, cases: accumulate over quarters
    VALUE = "nilai"  # a score or index reported as is: the latest counts


class Polarity(StrEnum):
    POSITIVE = "positif"
    NEGATIVE = "negatif"


class NegativeFormula(StrEnum):
    """The two capaian formulas offices use for lower-is-better indicators."""

    TARGET_OVER_REALISATION = "target_per_realisasi"  # the seed's: target / realisasi x 100
    TWO_MINUS_RATIO = "dua_minus_rasio"  # (2 - realisasi / target) x 100


class Frequency(StrEnum):
    QUARTERLY = "triwulanan"
    YEARLY = "tahunan"


class Status(StrEnum):
    """Where a submission stands; belum, draf and dikembalikan count as pending."""

    NOT_YET = "belum"
    DRAFT = "draf"
    SENT = "terkirim"
    RETURNED = "dikembalikan"
    APPROVED = "disetujui"


PENDING_STATUSES = frozenset({Status.NOT_YET, Status.DRAFT, Status.RETURNED})
