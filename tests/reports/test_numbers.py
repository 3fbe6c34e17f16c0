"""Indonesian number parsing and printing: the examples of the domain brief, then properties.

The examples pin down the ambiguity rule (never guess silently); the properties check that
whatever the bot prints, it can read back, and that no text at all makes the parser raise.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sicapai.handlers.texts.numbers import explain
from sicapai.reports.numbers import (
    MAX_INPUT_LENGTH,
    Field,
    ParsedNumber,
    Problem,
    format_number,
    format_percent,
    format_rupiah,
    parse_number,
    round_half_up,
)

D = Decimal

ACCEPTED: list[tuple[str, Field, Decimal]] = [
    ("1.762", Field.NUMBER, D("1762")),
    ("1762", Field.NUMBER, D("1762")),
    ("29.71", Field.NUMBER, D("29.71")),
    ("2.5", Field.NUMBER, D("2.5")),
    ("222.806", Field.NUMBER, D("222806")),
    ("2.526.926.600", Field.NUMBER, D("2526926600")),
    ("1.762,5", Field.NUMBER, D("1762.5")),
    ("0,5", Field.NUMBER, D("0.5")),
    ("80,33", Field.NUMBER, D("80.33")),
    ("1762,500", Field.NUMBER, D("1762.5")),
    ("0,762", Field.NUMBER, D("0.762")),
    ("1.762,500", Field.NUMBER, D("1762.5")),
    ("12,3456", Field.NUMBER, D("12.3456")),
    ("0", Field.NUMBER, D("0")),
    ("-0", Field.NUMBER, D("0")),
    ("-5", Field.NUMBER, D("-5")),
    ("-1.762,5", Field.NUMBER, D("-1762.5")),
    ("- 12", Field.NUMBER, D("-12")),
    ("\u22125", Field.NUMBER, D("-5")),
    ("+7", Field.NUMBER, D("7")),
    ("  1.762  ", Field.NUMBER, D("1762")),
    ("\u00a01.762\u00a0", Field.NUMBER, D("1762")),
    ("1.762\u200b", Field.NUMBER, D("1762")),
    ("1 762", Field.NUMBER, D("1762")),
    ("1\u00a0762", Field.NUMBER, D("1762")),
    ("1\u202f762", Field.NUMBER, D("1762")),
    ("2 526 926 600", Field.NUMBER, D("2526926600")),
    ("1 762,5", Field.NUMBER, D("1762.5")),
    ("1 762.5", Field.NUMBER, D("1762.5")),
    ("29,71%", Field.PERCENT, D("29.71")),
    ("29,71", Field.PERCENT, D("29.71")),
    ("29.71%", Field.PERCENT, D("29.71")),
    ("50,05 %", Field.PERCENT, D("50.05")),
    ("50,05\u00a0%", Field.PERCENT, D("50.05")),
    ("100%", Field.PERCENT, D("100")),
    ("1.000%", Field.PERCENT, D("1000")),
    ("210 persen", Field.PERCENT, D("210")),
    ("-2,5%", Field.PERCENT, D("-2.5")),
    ("2.760,5%", Field.PERCENT, D("2760.5")),
    ("Rp 2.526.926.600", Field.RUPIAH, D("2526926600")),
    ("Rp2.526.926.600,00", Field.RUPIAH, D("2526926600")),
    ("Rp. 2.526.926.600", Field.RUPIAH, D("2526926600")),
    ("rp 1.762", Field.RUPIAH, D("1762")),
    ("RP1762", Field.RUPIAH, D("1762")),
    ("2.526.926.600", Field.RUPIAH, D("2526926600")),
    ("Rp 50.000,-", Field.RUPIAH, D("50000")),
    ("Rp 1.762,50", Field.RUPIAH, D("1762.5")),
    ("-Rp 1.762", Field.RUPIAH, D("-1762")),
    ("Rp -1.762", Field.RUPIAH, D("-1762")),
]


@pytest.mark.parametrize(("text", "field", "expected"), ACCEPTED)
def test_accepted(text: str, field: Field, expected: Decimal) -> None:
    result = parse_number(text, field=field)
    assert result.ok, explain(result)
    assert result.value == expected
    assert result.problem is None
    assert result.choices == ()
    assert not result.ambiguous


def test_values_are_exact_decimals_with_the_digits_given() -> None:
    assert str(parse_number("29,71%", field=Field.PERCENT).value) == "29.71"
    assert str(parse_number("Rp2.526.926.600,00", field=Field.RUPIAH).value) == "2526926600.00"
    assert str(parse_number("0,1").value) == "0.1"  # not 0.1000000000000000055...


def test_negative_flag() -> None:
    assert parse_number("-5").negative
    assert parse_number("-5").ok
    assert not parse_number("5").negative
    assert not parse_number("-0").negative
    assert not parse_number("abc").negative


REFUSED: list[tuple[str, Field, str]] = [
    # (text, field, a word the reason must contain)
    ("12a", Field.NUMBER, "bukan angka"),
    ("abc", Field.NUMBER, "bukan angka"),
    ("", Field.NUMBER, "Belum ada angka"),
    ("   ", Field.NUMBER, "Belum ada angka"),
    ("-", Field.NUMBER, "bukan angka"),
    ("--5", Field.NUMBER, "bukan angka"),
    ("+-5", Field.NUMBER, "bukan angka"),
    ("1" * (MAX_INPUT_LENGTH + 1), Field.NUMBER, "terlalu panjang"),
    ("12 dan 13", Field.NUMBER, "lebih dari satu angka"),
    ("12 13", Field.NUMBER, "lebih dari satu angka"),
    ("12% 13%", Field.PERCENT, "lebih dari satu angka"),
    ("1.76.2", Field.NUMBER, "tidak bisa dibaca"),
    ("12.3456", Field.NUMBER, "tidak bisa dibaca"),
    ("1762.500", Field.NUMBER, "tidak bisa dibaca"),
    ("0.760", Field.NUMBER, "tidak bisa dibaca"),
    ("01.762", Field.NUMBER, "tidak bisa dibaca"),
    ("1..2", Field.NUMBER, "tidak bisa dibaca"),
    ("17.62,5", Field.NUMBER, "tidak bisa dibaca"),
    ("1,2,3", Field.NUMBER, "tidak bisa dibaca"),
    ("1 762.500", Field.NUMBER, "tidak bisa dibaca"),
    ("1,762.50", Field.NUMBER, "cara Inggris"),
    ("2,526,926,600", Field.RUPIAH, "cara Inggris"),
    ("12%", Field.NUMBER, "%"),
    ("12%", Field.RUPIAH, "%"),
    ("Rp 29,71", Field.PERCENT, "Rp"),
    ("Rp 1.762", Field.NUMBER, "Rp"),
    ("1.762,-", Field.NUMBER, "bukan angka"),
    ("Rp 1.762,505", Field.RUPIAH, "sen"),
    (",5", Field.NUMBER, "bukan angka"),
    ("12.", Field.NUMBER, "bukan angka"),
    ("\u0661\u0662", Field.NUMBER, "bukan angka"),  # Arabic-Indic digits are not typed here
]


@pytest.mark.parametrize(("text", "field", "reason"), REFUSED)
def test_refused(text: str, field: Field, reason: str) -> None:
    result = parse_number(text, field=field)
    assert not result.ok
    assert result.value is None
    assert result.choices == ()
    assert result.problem is not None
    assert reason in explain(result)


@pytest.mark.parametrize(
    ("text", "field"),
    [(text, field) for text, field, _ in REFUSED if text.strip() and len(text) <= MAX_INPUT_LENGTH],
)
def test_refusal_names_the_input(text: str, field: Field) -> None:
    error = explain(parse_number(text, field=field))
    assert error is not None
    assert f"“{' '.join(text.split())}”" in error


def test_too_long_input_is_shown_shortened() -> None:
    error = explain(parse_number("1" * 500))
    assert error is not None
    assert "“" + "1" * 20 in error
    assert "1" * 40 not in error


def test_english_style_error_shows_the_indonesian_spelling() -> None:
    error = explain(parse_number("1,762.50"))
    assert error is not None
    assert "1.762,50" in error
    rupiah_error = explain(parse_number("2,526,926,600", field=Field.RUPIAH))
    assert rupiah_error is not None
    assert "Rp 2.526.926.600" in rupiah_error


AMBIGUOUS: list[tuple[str, Field, tuple[Decimal, Decimal]]] = [
    ("1,762", Field.NUMBER, (D("1.762"), D("1762"))),
    ("1,762", Field.PERCENT, (D("1.762"), D("1762"))),
    ("Rp 1,762", Field.RUPIAH, (D("1.762"), D("1762"))),
    ("222,806", Field.NUMBER, (D("222.806"), D("222806"))),
    ("-1,762", Field.NUMBER, (D("-1.762"), D("-1762"))),
    ("2.760", Field.PERCENT, (D("2.760"), D("2760"))),
    ("2.760%", Field.PERCENT, (D("2.76"), D("2760"))),
    ("12.345 %", Field.PERCENT, (D("12.345"), D("12345"))),
    ("-2.760%", Field.PERCENT, (D("-2.76"), D("-2760"))),
]


@pytest.mark.parametrize(("text", "field", "choices"), AMBIGUOUS)
def test_ambiguous(text: str, field: Field, choices: tuple[Decimal, Decimal]) -> None:
    result = parse_number(text, field=field)
    assert not result.ok
    assert result.ambiguous
    assert result.value is None
    assert result.choices == choices
    assert result.problem is not None
    assert f"“{text}”" in explain(result)
    assert "Mana yang dimaksud?" in explain(result)


def test_ambiguous_choices_keep_the_digits_typed() -> None:
    choices = parse_number("2.760", field=Field.PERCENT).choices
    assert str(choices[0]) == "2.760"
    assert str(choices[1]) == "2760"


def test_ambiguity_message_spells_both_readings() -> None:
    error = explain(parse_number("1,762"))
    assert error is not None
    assert "1,762 (koma sebagai tanda desimal)" in error
    assert "1.762 (koma sebagai pemisah ribuan)" in error
    percent_error = explain(parse_number("2.760", field=Field.PERCENT))
    assert percent_error is not None
    assert "2,76%" in percent_error
    assert "2.760% tidak lazim" in percent_error


def test_thousands_reading_is_plausible_outside_percent() -> None:
    assert parse_number("2.760").value == D("2760")
    assert parse_number("Rp 2.760", field=Field.RUPIAH).value == D("2760")
    assert parse_number("1.000", field=Field.PERCENT).value == D("1000")


def test_parsed_number_invariants() -> None:
    with pytest.raises(ValueError):
        ParsedNumber()
    with pytest.raises(ValueError):
        ParsedNumber(value=D(1), problem=Problem.NOT_A_NUMBER)
    with pytest.raises(ValueError):
        ParsedNumber(problem=Problem.AMBIGUOUS, choices=(D(1),))


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (D("50.065"), 2, D("50.07")),
        (D("0.125"), 2, D("0.13")),
        (D("-0.125"), 2, D("-0.13")),
        (D("50.056"), 2, D("50.06")),
        (D("2.5"), 0, D("3")),
        (D("-0.001"), 2, D("0")),
        (D("12345678901234567890123456789.005"), 2, D("12345678901234567890123456789.01")),
        (7, 2, D("7")),
    ],
)
def test_round_half_up(value: Decimal, places: int, expected: Decimal) -> None:
    rounded = round_half_up(value, places)
    assert rounded == expected
    assert rounded.as_tuple().exponent == -places
    assert not rounded.is_signed() or rounded != 0


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        round_half_up(50.065)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_number(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        format_number(D("NaN"))


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (D("1762"), None, "1.762"),
        (D("80.33"), None, "80,33"),
        (D("100"), None, "100"),
        (D("100.00"), None, "100"),
        (D("12.5"), None, "12,5"),
        (D("12.50"), None, "12,5"),
        (D("50.056"), None, "50,06"),
        (D("50.065"), None, "50,07"),
        (D("100"), 2, "100,00"),
        (D("0.125"), 2, "0,13"),
        (D("1762.5"), 0, "1.763"),
        (D("2526926600"), None, "2.526.926.600"),
        (D("-1762.5"), None, "-1.762,5"),
        (D("-0.001"), None, "0"),
        (D("0"), None, "0"),
        (1762, None, "1.762"),
    ],
)
def test_format_number(value: Decimal, places: int | None, expected: str) -> None:
    assert format_number(value, places) == expected


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (D("29.71"), None, "29,71%"),
        (D("100"), None, "100%"),
        (D("131.7105"), None, "131,71%"),
        (D("50.065"), None, "50,07%"),
        (D("50.05"), None, "50,05%"),
        (D("210"), 2, "210,00%"),
        (D("-2.5"), None, "-2,5%"),
    ],
)
def test_format_percent(value: Decimal, places: int | None, expected: str) -> None:
    assert format_percent(value, places) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("2526926600"), "Rp 2.526.926.600"),
        (D("2526926600.00"), "Rp 2.526.926.600"),
        (D("12081204858"), "Rp 12.081.204.858"),
        (D("1762.5"), "Rp 1.762,50"),
        (D("1762.005"), "Rp 1.762,01"),
        (D("1762.004"), "Rp 1.762"),
        (D("-1762"), "-Rp 1.762"),
        (D("0"), "Rp 0"),
    ],
)
def test_format_rupiah(value: Decimal, expected: str) -> None:
    assert format_rupiah(value) == expected


def test_half_up_examples_from_the_brief() -> None:
    assert format_percent(D("50.065")) == "50,07%"
    assert format_number(D("0.125"), 2) == "0,13"


# Up to two decimals: the printer rounds to two, so "1,762"-style output never arises from it.
two_places = st.decimals(
    min_value=0, max_value=D(10) ** 13, places=2, allow_nan=False, allow_infinity=False
)
percent_points = st.decimals(
    min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False
)
whole_rupiah = st.integers(min_value=0, max_value=10**13).map(Decimal)


@given(two_places)
def test_number_round_trip(value: Decimal) -> None:
    assert parse_number(format_number(value)).value == value


@given(two_places)
def test_negative_number_round_trip(value: Decimal) -> None:
    assert parse_number(format_number(-value)).value == -value


@given(two_places)
def test_number_round_trip_with_fixed_places(value: Decimal) -> None:
    assert parse_number(format_number(value, 2)).value == value


@given(percent_points)
def test_percent_round_trip(value: Decimal) -> None:
    assert parse_number(format_percent(value), field=Field.PERCENT).value == value


@given(whole_rupiah)
def test_rupiah_round_trip(value: Decimal) -> None:
    assert parse_number(format_rupiah(value), field=Field.RUPIAH).value == value


@given(two_places)
def test_rupiah_with_sen_round_trip(value: Decimal) -> None:
    assert parse_number(format_rupiah(value), field=Field.RUPIAH).value == value


def _check_outcome(result: ParsedNumber) -> None:
    assert isinstance(result, ParsedNumber)
    if result.ok:
        assert isinstance(result.value, Decimal)
        assert result.problem is None
        assert result.choices == ()
    else:
        assert isinstance(explain(result), str)
        assert explain(result)
        assert result.choices == () or len(result.choices) >= 2


@given(st.text(), st.sampled_from(Field))
def test_parser_never_raises_on_any_text(text: str, field: Field) -> None:
    _check_outcome(parse_number(text, field=field))


@given(st.from_regex(r"\A[-+ ]?(Rp\.? ?)?[0-9., ]{1,14}( ?%|,-)?\Z"), st.sampled_from(Field))
def test_parser_never_raises_on_number_like_text(text: str, field: Field) -> None:
    _check_outcome(parse_number(text, field=field))
