"""The capaian engine against the domain brief's own examples and edge cases."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sicapai.handlers.texts.capaian import uncomputable
from sicapai.reports.capaian import (
    Criterion,
    Figures,
    absorption,
    accumulate,
    achievement,
    criterion,
    default_quarter_target,
    efficiency,
    is_due,
    quarter_target,
    realisation,
    round2,
)


def test_ratio_realisation_from_numerator_and_denominator() -> None:
    # "Persentase Pencari Kerja Yang Ditempatkan": 882 placed of 1,762 registered
    assert round2(realisation("rasio", numerator=D(882), denominator=D(1762)).value) == D("50.06")


def test_ratio_with_zero_denominator_is_refused_with_a_reason() -> None:
    outcome = realisation("rasio", numerator=D(5), denominator=D(0))
    assert outcome.value is None
    assert "penyebut 0" in uncomputable(outcome.why)


def test_count_and_value_are_reported_as_is() -> None:
    assert realisation("jumlah", value=D(1762)).value == D(1762)
    assert realisation("nilai", value=D("80.33")).value == D("80.33")
    assert uncomputable(realisation("nilai").why) == "nilai belum diisi"


def test_positive_capaian() -> None:
    assert round2(achievement(D("29.71"), D("24.06")).value) == D("123.48")
    assert round2(achievement(D(1762), D(1000)).value) == D("176.20")


def test_negative_capaian_uses_the_seed_formula_by_default() -> None:
    # Tingkat Pengangguran Terbuka: target 2.71, realisasi 2.76
    seed = achievement(D("2.76"), D("2.71"), polarity="negatif")
    assert round2(seed.value) == D("98.19")
    other = achievement(
        D("2.76"), D("2.71"), polarity="negatif", negative_formula="dua_minus_rasio"
    )
    assert round2(other.value) == D("98.15")


def test_edge_cases_give_reasons_not_errors() -> None:
    assert uncomputable(achievement(D(5), D(0)).why) == "target 0: capaian tidak dapat dihitung"
    zero = achievement(D(0), D("2.71"), polarity="negatif")
    assert zero.value is None and "realisasi 0" in uncomputable(zero.why)
    assert uncomputable(achievement(None, D(1)).why) == "realisasi belum ada"
    assert uncomputable(achievement(D(1), None).why) == "target belum ditetapkan"


@pytest.mark.parametrize(
    ("value", "band"),
    [
        ("131.71", Criterion.VERY_HIGH),
        ("91", Criterion.VERY_HIGH),
        ("90.995", Criterion.VERY_HIGH),  # prints as 91,00
        ("90.5", Criterion.HIGH),  # in the seed's printed gap: lower bound decides
        ("82.22", Criterion.HIGH),
        ("76", Criterion.HIGH),
        ("75.99", Criterion.MEDIUM),
        ("66", Criterion.MEDIUM),
        ("65.5", Criterion.LOW),
        ("51", Criterion.LOW),
        ("50.99", Criterion.VERY_LOW),
        ("0", Criterion.VERY_LOW),
    ],
)
def test_kriteria_by_lower_bound(value: str, band: Criterion) -> None:
    assert criterion(D(value)) == band


def test_kriteria_of_nothing_is_nothing() -> None:
    assert criterion(None) is None


def test_rounding_is_half_up_on_decimals() -> None:
    assert round2(D("50.065")) == D("50.07")
    assert round2(D("50.0649")) == D("50.06")


def test_default_quarter_targets() -> None:
    assert [default_quarter_target("jumlah", D(1000), q) for q in (1, 2, 3, 4)] == [
        D(250),
        D(500),
        D(750),
        D(1000),
    ]
    # whole things get whole targets, never 0 in a quarter, the year's own at TW IV
    assert [default_quarter_target("jumlah", D(5), q) for q in (1, 2, 3, 4)] == [2, 3, 4, 5]
    assert [default_quarter_target("jumlah", D(1), q) for q in (1, 2, 3, 4)] == [1, 1, 1, 1]
    assert all(default_quarter_target("jumlah", D(5), q) % 1 == 0 for q in (1, 2, 3, 4))
    # a yearly target that is itself fractional keeps the exact split
    assert default_quarter_target("jumlah", D("2.5"), 1) == D("0.625")
    assert default_quarter_target("rasio", D(38), 2) == D(38)
    assert default_quarter_target("nilai", D("80.30"), 1) == D("80.30")
    assert quarter_target("jumlah", D(5), 2, {2: D(3)}) == D(3)
    with pytest.raises(ValueError, match="triwulan"):
        default_quarter_target("jumlah", D(5), 5)


def test_yearly_indicators_are_due_in_tw_iv_only() -> None:
    assert [is_due("tahunan", q) for q in (1, 2, 3, 4)] == [False, False, False, True]
    assert all(is_due("triwulanan", q) for q in (1, 2, 3, 4))


def test_accumulate_per_kind_with_missing_quarters() -> None:
    q1 = Figures(numerator=D(100), denominator=D(400), value=None)
    q3 = Figures(numerator=D(50), denominator=D(100), value=None)
    assert accumulate("rasio", [q1, None, q3]) == Figures(numerator=D(150), denominator=D(500))
    counts = [Figures(value=D(10)), None, Figures(value=D(5))]
    assert accumulate("jumlah", counts) == Figures(value=D(15))
    values = [Figures(value=D("78.41")), Figures(value=D("80.33"))]
    assert accumulate("nilai", values) == Figures(value=D("80.33"))
    assert accumulate("jumlah", [None, None]) is None


def test_budget_absorption_and_efficiency() -> None:
    # the seed's Tabel 3.7 idea: 131.71 - 85.70 = 46.01
    assert efficiency(D("131.71"), D("85.70")) == D("46.01")
    assert round2(absorption(D(10066484952), D(12081204858))) == D("83.32")
    assert absorption(D(1), D(0)) is None


@given(
    n=st.integers(min_value=0, max_value=10**9),
    d=st.integers(min_value=1, max_value=10**9),
    t=st.decimals(min_value=D("0.01"), max_value=D(1000), places=2),
)
def test_capaian_is_exact_decimal_arithmetic(n: int, d: int, t: D) -> None:
    real = realisation("rasio", numerator=D(n), denominator=D(d)).value
    assert real == D(n) / D(d) * 100
    assert achievement(real, t).value == real / t * 100
