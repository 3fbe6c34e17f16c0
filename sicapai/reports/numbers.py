"""Read and print numbers the way Indonesians write them, without ever guessing silently.

Reporters type their figures by hand into Telegram. In Indonesian writing "." groups thousands
and "," marks decimals ("1.762" is one thousand seven hundred sixty-two, "29,71" is twenty-nine
point seven one), but many people carry the English habit over from spreadsheets and type
"29.71" or "1,762". A quarterly report that quietly turns 1.762 job seekers into 1,762, or a
2,76 % unemployment rate into 2.760 %, is worse than no report. So the parser follows one rule:
when the characters allow two readings that the bot cannot tell apart, it does not pick one; it
hands back both (`ParsedNumber.choices`) so the bot can ask the person.

The ambiguity rule, in order:

* "," is the decimal mark ("29,71", "1.762,5", "Rp2.526.926.600,00").
* "." followed by exactly one or two digits at the end, with no other "." or ",", is a decimal
  point ("29.71", "2.5"): nobody groups thousands in ones or twos, so this reading is safe.
* "." between groups of exactly three digits is a thousands separator ("1.762", "222.806",
  "2.526.926.600"); so is a single space ("1 762").
* Unless the field makes the thousands reading implausible: "2.760" in a percentage field would
  be 2760 %, so the bot asks whether 2,76 % was meant.
* "1,762" (a comma followed by exactly three digits, nothing else) is either 1,762 written the
  Indonesian way or 1762 written the English way: the bot asks.
* English-style text whose meaning is clear but whose convention is the wrong one ("1,762.50",
  "2,526,926,600") is refused with the Indonesian spelling to type instead; accepting it would
  teach people that both conventions work, and then "1,762" could never be asked about.
* A word for the scale after the figure — "rb"/"ribu", "jt"/"juta", "M"/"miliar" — multiplies
  it ("25 juta" is 25.000.000, "2,5 M" is 2.500.000.000), because that is how amounts are said
  aloud; `ParsedNumber.scaled` tells the bot to echo the full figure so the person sees what
  was read. A percentage has no scale ("5 juta%" is refused).

Printing follows the CLDR `id` locale through Babel, but every value is first rounded half up
on Decimal: Babel rounds half-even (50.065 would print "50,06") and the LKjIP rounds half up.
Values are Decimals end to end and never pass through float.

Every surface prints through the named functions at the end of this module, one rule per
surface (domain brief, "How numbers are printed"), because a reader who sees "176,2%" in the
chat and "1.762,00" in the CLI table stops trusting both:

* chat and charts trim trailing zeros: `chat_number`, `chat_percent` ("100%", "176,2%");
* tables (the CLI table, CSV, the XLSX display formats) keep two decimals on percentages:
  `table_number`, `table_percent` ("100,00%"), `XLSX_PERCENT`;
* counts are whole everywhere: `count` ("1.762", never "1.762,00"), `XLSX_COUNT`;
* rupiah without decimals: `rupiah` ("Rp 2.526.926.600").

`chat_figure` and `table_figure` pick among them by the indicator's kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
from enum import StrEnum
from typing import Final

from babel.numbers import format_decimal

from sicapai.reports.domain import Kind

__all__ = [
    "MAX_INPUT_LENGTH",
    "PERCENT_PLAUSIBLE_MAX",
    "Field",
    "ParsedNumber",
    "Problem",
    "chat_figure",
    "chat_number",
    "chat_percent",
    "count",
    "format_number",
    "format_percent",
    "format_rupiah",
    "parse_number",
    "round_half_up",
    "rupiah",
    "spell_exact",
    "table_figure",
    "table_number",
    "table_percent",
    "xlsx_format",
]

LOCALE: Final = "id"
MAX_INPUT_LENGTH: Final = 30
"""Longer text is a sentence, not a figure; refusing it also keeps error messages short."""
PERCENT_PLAUSIBLE_MAX: Final = Decimal(1000)
"""Capaian above 100 % is normal (the seed has 210 % and 800 %), above 1000 % it is a typo."""
RUPIAH_MAX_PLACES: Final = 2
"""Sen are the smallest unit anyone writes; a third decimal in money is a slip."""


class Field(StrEnum):
    """What kind of figure is asked for, because that decides which symbols and readings fit."""

    NUMBER = "number"
    PERCENT = "percent"
    RUPIAH = "rupiah"


class Problem(StrEnum):
    """Why a text is not (yet) a figure; `handlers.texts.numbers.explain` words each one."""

    EMPTY = "kosong"
    TOO_LONG = "terlalu_panjang"
    NOT_A_NUMBER = "bukan_angka"
    LONE_DASH = "tanda_saja"
    SEVERAL = "lebih_dari_satu"
    PERCENT_SIGN = "tanda_persen"  # "%" where the field is not a percentage
    RUPIAH_SIGN = "tanda_rupiah"  # "Rp" where the field is not money
    TOO_MANY_CENTS = "sen"  # a third decimal in rupiah
    MALFORMED = "tidak_terbaca"
    ENGLISH = "cara_inggris"  # `meant` holds the value, to be shown the Indonesian way
    SCALE_ON_PERCENT = "skala_persen"  # "ribu", "juta", "miliar" on a percentage
    AMBIGUOUS = "ambigu"  # `choices` holds the two readings, `mark` the separator


@dataclass(frozen=True, slots=True)
class ParsedNumber:
    """The outcome of reading one reply: a value, or a reason to ask again, never both.

    When the text has two plausible readings, `choices` holds them (value first as a decimal,
    then as thousands) and `problem` is AMBIGUOUS, so the caller can offer buttons. `shown` is
    the text as read (spaces tidied), for the message that says what was not understood.
    """

    value: Decimal | None = None
    problem: Problem | None = None
    choices: tuple[Decimal, ...] = ()
    shown: str = ""
    field: Field = Field.NUMBER
    meant: Decimal | None = None
    mark: str = ""
    scaled: bool = False  # a scale word was read ("25 juta"): echo the full figure

    def __post_init__(self) -> None:
        # Guard the invariant here so a half-filled result can never reach a handler.
        if (self.value is None) == (self.problem is None):
            raise ValueError("ParsedNumber needs exactly one of value and problem")
        if self.choices and len(self.choices) < 2:
            raise ValueError("an ambiguous ParsedNumber needs at least two choices")

    @property
    def ok(self) -> bool:
        """True when the text was understood; then `value` is set."""
        return self.value is not None

    @property
    def ambiguous(self) -> bool:
        """True when the bot should ask the person to pick one of `choices`."""
        return bool(self.choices)

    @property
    def negative(self) -> bool:
        """Negative values parse fine; whether the field allows them is the caller's call."""
        return self.value is not None and self.value < 0


class _Refused(Exception):
    """Carries the reason out of the nested reading steps."""

    def __init__(self, problem: Problem, meant: Decimal | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.meant = meant


@dataclass(frozen=True, slots=True)
class _Ambiguous:
    as_decimal: Decimal
    as_thousands: Decimal
    mark: str


_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_WHITESPACE = re.compile(r"\s+")  # Unicode-aware: catches NBSP, narrow NBSP, thin space.
_LONE_DASHES = frozenset({"-", "\u2013", "\u2014"})
_SHAPE = re.compile(
    r"""
    (?P<sign>[-+]\ ?)?
    (?P<rp>rp\.?\ ?)?
    (?P<sign2>[-+]\ ?)?
    (?P<body>[0-9](?:[0-9.,\ ]*[0-9])?)
    (?P<nocents>,-{1,2})?
    (?P<scale>\ ?(?:ribu|rb|juta|jt|miliar|milyar|m)\b\.?)?
    (?P<pct>\ ?(?:%|persen))?
    """,
    re.IGNORECASE | re.ASCII | re.VERBOSE,
)
SCALES: Final = {
    "ribu": 3,
    "rb": 3,
    "juta": 6,
    "jt": 6,
    "miliar": 9,
    "milyar": 9,
    "m": 9,
}
"""Scale words as offices write amounts, by the power of ten each stands for."""
_NUMBERISH_TOKEN = re.compile(r"[-+]?(?:rp\.?)?[0-9][0-9.,]*%?", re.IGNORECASE | re.ASCII)
_THOUSANDS_HEAD = re.compile(r"[1-9][0-9]{0,2}", re.ASCII)
_GROUPED_DOTS = re.compile(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+", re.ASCII)
_GROUPED_COMMAS = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+", re.ASCII)
_GROUPED_SPACES = re.compile(
    r"(?P<whole>[1-9][0-9]{0,2}(?:\ [0-9]{3})+)(?:(?P<mark>[.,])(?P<frac>[0-9]+))?",
    re.ASCII | re.VERBOSE,
)


def parse_number(text: str, *, field: Field = Field.NUMBER) -> ParsedNumber:
    """Read a figure typed by a person; refuse or ask rather than guess (see module docstring).

    Never raises on any text, so handlers can feed it raw message text.
    """
    shown = _normalise(text)
    if not shown:
        return ParsedNumber(problem=Problem.EMPTY, field=field)
    if len(shown) > MAX_INPUT_LENGTH:
        short = shown[: MAX_INPUT_LENGTH - 3].rstrip() + "…"
        return ParsedNumber(problem=Problem.TOO_LONG, shown=short, field=field)
    try:
        return _parse(shown, field)
    except _Refused as refusal:
        return ParsedNumber(problem=refusal.problem, shown=shown, field=field, meant=refusal.meant)


def _normalise(text: str) -> str:
    """Telegram clients paste NBSPs, thin spaces and Unicode minus signs; treat them plainly."""
    text = _INVISIBLE.sub("", text).replace("\u2212", "-")
    return _WHITESPACE.sub(" ", text).strip()


def _parse(shown: str, field: Field) -> ParsedNumber:
    match = _SHAPE.fullmatch(shown)
    if match is None:
        raise _Refused(_why_not_a_number(shown))
    if match["sign"] and match["sign2"]:
        raise _Refused(Problem.NOT_A_NUMBER)
    _check_symbols(shown, field, has_rp=bool(match["rp"]), has_pct=bool(match["pct"]))
    body = match["body"]
    if match["nocents"]:
        # "Rp 50.000,-" is the usual way of writing whole rupiah; elsewhere ",-" means nothing.
        if field is not Field.RUPIAH or "," in body:
            raise _Refused(Problem.NOT_A_NUMBER)
    negative = (match["sign"] or match["sign2"] or "").strip() == "-"
    power = _scale(match["scale"], field, has_nocents=bool(match["nocents"]))

    # a scaled amount may carry more decimals than sen ("1,2345 juta"): checked once scaled
    reading = _read_body(body, shown, Field.NUMBER if power and field is Field.RUPIAH else field)
    if isinstance(reading, _Ambiguous):
        first, second = (
            _signed(_scaled(reading.as_decimal, power, field), negative),
            _signed(_scaled(reading.as_thousands, power, field), negative),
        )
        return ParsedNumber(
            problem=Problem.AMBIGUOUS,
            choices=(first, second),
            shown=shown,
            field=field,
            mark=reading.mark,
            scaled=bool(power),
        )
    value = _signed(_scaled(reading, power, field), negative)
    if power:  # what was typed and how, for the echo of the full figure
        return ParsedNumber(value=value, scaled=True, shown=shown, field=field)
    return ParsedNumber(value=value)


def _scale(word: str | None, field: Field, *, has_nocents: bool) -> int:
    """The power of ten a scale word stands for (0 without one)."""
    if not word:
        return 0
    if field is Field.PERCENT:
        raise _Refused(Problem.SCALE_ON_PERCENT)
    scale = word.strip().rstrip(".").lower()
    if has_nocents or (scale == "m" and field is not Field.RUPIAH):
        # "50.000,- juta" means nothing, and "25 m" of people may be metres, not miliar
        raise _Refused(Problem.NOT_A_NUMBER)
    return SCALES[scale]


def _scaled(value: Decimal, power: int, field: Field) -> Decimal:
    if not power:
        return value
    result = value.scaleb(power)
    if field is Field.RUPIAH and decimal_places(result.normalize()) > RUPIAH_MAX_PLACES:
        raise _Refused(Problem.TOO_MANY_CENTS)
    # "25 juta" is 25000000, not 2.5E+7: keep the plain digits the rest of the bot prints
    return result.quantize(Decimal(1)) if result == result.to_integral_value() else result


def _signed(value: Decimal, negative: bool) -> Decimal:
    """Apply the sign, but never hand out a negative zero ("-0" is just 0)."""
    if negative and value != 0:
        return -value
    return value.copy_abs()


def _why_not_a_number(shown: str) -> Problem:
    """Pick the most useful reason, because "bukan angka" alone does not help with "12 dan 13"."""
    if shown in _LONE_DASHES:
        return Problem.LONE_DASH
    numbers = [token for token in shown.split(" ") if _NUMBERISH_TOKEN.fullmatch(token)]
    if len(numbers) >= 2:
        return Problem.SEVERAL
    return Problem.NOT_A_NUMBER


def _check_symbols(shown: str, field: Field, *, has_rp: bool, has_pct: bool) -> None:
    """A "%" in a count or "Rp" in a percentage means the person answers a different question."""
    if has_pct and field is not Field.PERCENT:
        raise _Refused(Problem.PERCENT_SIGN)
    if has_rp and field is not Field.RUPIAH:
        raise _Refused(Problem.RUPIAH_SIGN)


def _read_body(body: str, shown: str, field: Field) -> Decimal | _Ambiguous:
    """Apply the ambiguity rule to the digits and separators, in the module docstring's order."""
    if " " in body:
        return _read_space_grouped(body, shown, field)
    dots, commas = body.count("."), body.count(",")
    if dots == 0 and commas == 0:
        return Decimal(body)
    if dots == 0 and commas == 1:
        whole, frac = body.split(",")
        if len(frac) == 3 and _THOUSANDS_HEAD.fullmatch(whole):
            return _Ambiguous(Decimal(f"{whole}.{frac}"), Decimal(whole + frac), ",")
        return _decimal(whole, frac, shown, field)
    if commas == 0:
        return _read_dots_only(body, dots, shown, field)
    last_dot, last_comma = body.rfind("."), body.rfind(",")
    if commas == 1 and last_comma > last_dot:
        # Indonesian in full: "1.762,5", "2.526.926.600,00".
        whole, frac = body.split(",")
        if _GROUPED_DOTS.fullmatch(whole):
            return _decimal(whole.replace(".", ""), frac, shown, field)
        raise _Refused(Problem.MALFORMED)
    if dots == 0 and _GROUPED_COMMAS.fullmatch(body):
        raise _Refused(Problem.ENGLISH, Decimal(body.replace(",", "")))
    if dots == 1 and last_dot > last_comma:
        whole, frac = body.split(".")
        if _GROUPED_COMMAS.fullmatch(whole):
            raise _Refused(Problem.ENGLISH, Decimal(f"{whole.replace(',', '')}.{frac}"))
    raise _Refused(Problem.MALFORMED)


def _read_dots_only(body: str, dots: int, shown: str, field: Field) -> Decimal | _Ambiguous:
    """Dots alone are thousands in groups of three, or a decimal point before one or two digits."""
    if dots == 1:
        whole, frac = body.split(".")
        if len(frac) in (1, 2):
            return _decimal(whole, frac, shown, field)
    if not _GROUPED_DOTS.fullmatch(body):
        raise _Refused(Problem.MALFORMED)
    value = Decimal(body.replace(".", ""))
    if field is Field.PERCENT and dots == 1 and value > PERCENT_PLAUSIBLE_MAX:
        whole, frac = body.split(".")
        return _Ambiguous(Decimal(f"{whole}.{frac}"), value, ".")
    return value


def _read_space_grouped(body: str, shown: str, field: Field) -> Decimal:
    """Spaces group thousands ("1 762"), but "12 13" is two numbers the bot must not merge."""
    match = _GROUPED_SPACES.fullmatch(body)
    if match is None:
        raise _Refused(Problem.SEVERAL)
    whole = match["whole"].replace(" ", "")
    frac = match["frac"]
    if frac is None:
        return Decimal(whole)
    if match["mark"] == "." and len(frac) > 2:
        raise _Refused(Problem.MALFORMED)
    return _decimal(whole, frac, shown, field)


def _decimal(whole: str, frac: str, shown: str, field: Field) -> Decimal:
    """Build the value from its digits so no float ever touches it."""
    if field is Field.RUPIAH and len(frac) > RUPIAH_MAX_PLACES:
        raise _Refused(Problem.TOO_MANY_CENTS)
    return Decimal(f"{whole}.{frac}")


def spell_exact(value: Decimal, field: Field, *, strip: bool = False) -> str:
    """Spell a value the Indonesian way without rounding, so the question shows the exact digits."""
    text = format(value.copy_abs(), "f")
    whole, _, frac = text.partition(".")
    if strip:
        frac = frac.rstrip("0")
    grouped = f"{int(whole):,}".replace(",", ".")
    digits = f"{grouped},{frac}" if frac else grouped
    sign = "-" if value < 0 else ""
    if field is Field.PERCENT:
        return f"{sign}{digits}%"
    if field is Field.RUPIAH:
        return f"{sign}Rp {digits}"
    return f"{sign}{digits}"


def _require_decimal(value: Decimal | int) -> Decimal:
    """Floats are refused outright: they are how 50.065 turns into 50.06 before anyone notices."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"expected Decimal or int, got {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"cannot print {number}")
    return number


def decimal_places(value: Decimal) -> int:
    """How many digits a decimal has after its point as written ("50.05" has 2, "176" 0)."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def round_half_up(value: Decimal | int, places: int = 2) -> Decimal:
    """Round as the LKjIP does (half up), never half-even and never via float."""
    if places < 0:
        raise ValueError("places must be zero or more")
    number = _require_decimal(value)
    # Enough precision for any figure: the default 28 digits would fail on very large values.
    context = Context(prec=max(28, number.adjusted() + places + 2))
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=context)
    return rounded.copy_abs() if rounded == 0 else rounded


def format_number(value: Decimal | int, places: int | None = None) -> str:
    """Print in the id locale; `places=None` drops trailing zeros because reports print "100"."""
    rounded = round_half_up(value, 2 if places is None else places)
    if places is None:
        pattern = "#,##0.##"
    else:
        pattern = "#,##0" + ("." + "0" * places if places else "")
    # Already rounded half up, so Babel's half-even rounding has nothing left to round.
    return format_decimal(rounded, format=pattern, locale=LOCALE)


def format_percent(value: Decimal | int, places: int | None = None) -> str:
    """`value` is already in percent points (29.71, not 0.2971), as the report tables are."""
    return format_number(value, places) + "%"


def format_rupiah(value: Decimal | int) -> str:
    """Print as the seed does ("Rp 2.526.926.600"); sen only appear when there are some."""
    rounded = round_half_up(value, 2)
    places = 0 if rounded == rounded.to_integral_value() else 2
    sign = "-" if rounded < 0 else ""
    return f"{sign}Rp {format_number(rounded.copy_abs(), places)}"


# --- the one rule per surface -------------------------------------------------------------

XLSX_PERCENT: Final = '0.00"%"'
"""Two decimals and a literal "%": the cell holds percent points (131.73), so Excel's own "%"
(which multiplies by 100) must not be used."""
XLSX_COUNT: Final = "#,##0"
XLSX_NUMBER: Final = "#,##0.00"
"""Excel stores formats in its invariant notation and shows the id separators (1.762,50)."""


def chat_number(value: Decimal | int) -> str:
    """A figure in a chat reply or on a chart: trailing zeros trimmed ("80,3", "1.762")."""
    return format_number(value)


def chat_percent(value: Decimal | int) -> str:
    """A percentage in a chat reply or on a chart: "100%", "176,2%", "131,71%"."""
    return format_percent(value)


def table_number(value: Decimal | int) -> str:
    """A score or index in a table: two decimals, as the report's tables print them."""
    return format_number(value, 2)


def table_percent(value: Decimal | int) -> str:
    """A percentage in a table: always two decimals ("100,00%", "131,73%")."""
    return format_percent(value, 2)


def count(value: Decimal | int) -> str:
    """People, documents, cases: whole numbers on every surface ("1.762", never "1.762,00").

    A count is whole unless a split target made it fractional (5 documents a year is 3,75 by
    TW III); that one keeps its decimals trimmed rather than being rounded into a false figure.
    """
    number = _require_decimal(value)
    if number == number.to_integral_value():
        return format_number(number, 0)
    return format_number(number)


def rupiah(value: Decimal | int) -> str:
    """Money on every surface: "Rp 2.526.926.600"; sen appear only when a figure has them."""
    return format_rupiah(value)


def chat_figure(value: Decimal | int, kind: str) -> str:
    """An indicator's target or realisasi in the chat or on a chart, by the indicator's kind."""
    if kind == Kind.RATIO:
        return chat_percent(value)
    if kind == Kind.COUNT:
        return count(value)
    return chat_number(value)


def table_figure(value: Decimal | int, kind: str) -> str:
    """An indicator's target or realisasi in a table, by the indicator's kind."""
    if kind == Kind.RATIO:
        return table_percent(value)
    if kind == Kind.COUNT:
        return count(value)
    return table_number(value)


def xlsx_format(kind: str) -> str:
    """The display format of an indicator's target or realisasi cell in a workbook."""
    if kind == Kind.RATIO:
        return XLSX_PERCENT
    if kind == Kind.COUNT:
        return XLSX_COUNT
    return XLSX_NUMBER
