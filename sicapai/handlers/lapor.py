"""`/lapor`: report one quarter's cumulative figures for an indicator, step by step.

The dialogue: choose the period and the indicator → see its formula, target and last
quarter's figure → type the figures the formula needs → (warnings: lower than last quarter,
above a later quarter already saved, capaian above 150%) → kendala and upaya when below target
→ the reason, for a correction → a preview → Simpan. The optional faktor pendorong and bukti
dukung are added from the preview ("Tambah catatan", "Tambah bukti"), so a figure on target is
five interactions from /lapor to saved. A correction starts from the saved kendala, upaya,
pendorong and evidence and keeps them unless the person changes them. Nothing is stored until
Simpan; then one new revision is appended and a receipt is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlmodel import select

from sicapai.handlers import texts
from sicapai.handlers.flow import (
    BACK_TO_LIST,
    PAGE,
    Action,
    Command,
    Flow,
    Step,
    listing,
    number,
    two_numbers,
    typed_answer,
)
from sicapai.handlers.port import StoredFile
from sicapai.handlers.reasons import REVISION, typed_reason
from sicapai.handlers.shaping import shorten
from sicapai.handlers.texts import lapor as t
from sicapai.handlers.texts.numbers import explain
from sicapai.handlers.turn import EVIDENCE_FILES, Turn
from sicapai.models.guards import Conflict
from sicapai.models.organisation import Person
from sicapai.models.performance import Evidence, Indicator, Kind, Period, Status
from sicapai.models.reporting import (
    NewRevision,
    indicator_plan,
    next_revision,
    open_periods,
    owned_indicators,
    previous_revision,
    reporting_year,
    revision_for,
    save_revision,
    submission_of,
)
from sicapai.models.review import admins, request_change, reviewers_of
from sicapai.models.seeding import ensure_periods
from sicapai.models.types import ident
from sicapai.reports.capaian import Figures, achievement, criterion, is_due, quarter_target
from sicapai.reports.capaian import realisation as compute_realisation
from sicapai.reports.consistency import Neighbour, against_neighbours
from sicapai.reports.dates import local_datetime
from sicapai.reports.numbers import (
    Field,
    decimal_places,
    format_number,
    format_percent,
    parse_number,
)
from sicapai.reports.periods import current_quarter, quarter_end, quarter_name

PAGE_SIZE = 8
VERY_HIGH = Decimal(150)


class S(StrEnum):
    """The steps; the values are what stored dialog states carry."""

    PILIH = "pilih"  # the indicator list
    LIHAT = "lihat"  # an indicator's intro, already reported: change it or go back
    PEMBILANG = "pembilang"
    PENYEBUT = "penyebut"
    NILAI = "nilai"
    PILIH_ANGKA = "pilih_angka"  # "1.5" could be read two ways: which one?
    CEK = "cek"  # figures in, checks running (never the end of a turn)
    TURUN = "turun"  # lower than last quarter: confirm?
    ALASAN_TURUN = "alasan_turun"
    TINGGI = "tinggi"  # capaian above 150%: confirm?
    KENDALA = "kendala"
    UPAYA = "upaya"
    PENDORONG = "pendorong"
    BUKTI = "bukti"
    ALASAN = "alasan"  # why a saved figure is corrected
    PRATINJAU = "pratinjau"


class A(StrEnum):
    """The buttons' actions; the values are what buttons already sent carry."""

    NEXT = "n"  # n:<period>:<indicator>, under a receipt
    PERIOD = "p"
    INDICATOR = "i"
    CHANGE = "ubah"
    REDO = "ulang"
    READING = "c"
    LOWER_OK = "ok_turun"
    HIGH_OK = "ok_tinggi"
    SKIP = "lewat"
    FILES_DONE = "selesai_bukti"
    SAVE = "simpan"
    KEEP = "tetap"  # a correction keeps the saved kendala or upaya
    RETYPE = "ketik"  # ... or replaces it
    NOTE = "catatan"  # from the preview: faktor pendorong
    ADD_FILES = "tambah_bukti"  # from the preview: bukti dukung


FIGURES = ("numerator", "denominator", "value")
NARRATIVE = ("lower_reason", "high_ok", "kendala", "upaya", "pendorong")
KEPT = ("kendala", "upaya", "pendorong")  # what a correction starts from, as saved


# --- entry points -----------------------------------------------------------------------


def open_lapor(turn: Turn, args: str = "") -> None:
    """`/lapor`: the indicator list for the current quarter (`reports.periods.current_quarter`,
    the rule `/capaian` and `/status` follow too), even when it is locked: the list says so
    and names the earlier quarters still open with indicators to report."""
    periods = _open_periods(turn)
    if periods is None:
        return
    year = periods[0].year
    quarter = current_quarter(year, turn.local_now().date())
    switchable = _switchable_periods(turn, year)
    chosen = next((p for p in switchable if p.quarter == quarter), periods[-1])
    turn.goto(FLOW.code, S.PILIH, period_id=chosen.id, page=0)
    show_list(turn)


def start_on(turn: Turn, period_id: int, indicator_id: int) -> None:
    """Open the flow directly on one indicator (from a reminder or a receipt's offer)."""
    periods = _open_periods(turn)
    if periods is None:
        return
    if period_id not in {p.id for p in periods}:
        turn.say(t.PERIOD_CLOSED)
        return
    turn.goto(FLOW.code, S.PILIH, period_id=period_id, page=0)
    choose_indicator(turn, indicator_id)


def _open_periods(turn: Turn) -> list[Period] | None:
    org = turn.organisation
    if org is None:
        turn.say(t.NO_POSITION)
        return None
    year = reporting_year(session=turn.session, organisation=org, configured=turn.app.year)
    if year is None:
        turn.say(t.NO_PK)
        return None
    if not owned_indicators(session=turn.session, person_id=turn.person_id, year=year):
        turn.say(t.NO_POSITION)
        return None
    periods = open_periods(
        session=turn.session, organisation=org, year=year, today=turn.local_now().date()
    )
    if not periods:
        turn.say(t.NO_OPEN_PERIOD)
        return None
    return periods


# --- the indicator list ---------------------------------------------------------------


def _period(turn: Turn) -> Period | None:
    period_id = turn.data.get("period_id")
    return turn.session.get(Period, period_id) if period_id else None


def _indicator(turn: Turn) -> Indicator | None:
    """The indicator being reported, read with its quarter targets (`_target` needs them)."""
    indicator_id = turn.data.get("indicator_id")
    plan = indicator_plan(session=turn.session, indicator_id=indicator_id) if indicator_id else None
    return plan[0] if plan else None


def _period_here(turn: Turn) -> Period:
    """The period the person is reporting for (every step after /lapor has one)."""
    period = _period(turn)
    if period is None:
        raise LookupError("no period in the dialog state")
    return period


def _here(turn: Turn) -> tuple[Indicator, Period]:
    """The indicator and period of the report in progress (every step after choosing)."""
    indicator = _indicator(turn)
    if indicator is None:
        raise LookupError("no indicator in the dialog state")
    return indicator, _period_here(turn)


def _status(turn: Turn, indicator: Indicator, period: Period) -> str:
    assert indicator.id is not None and period.id is not None
    submission = submission_of(session=turn.session, indicator_id=indicator.id, period_id=period.id)
    return submission.status if submission else Status.NOT_YET


def pending_indicators(
    turn: Turn, period: Period, *, exclude: int | None = None
) -> list[Indicator]:
    """Due indicators of this person for the period that still need a report."""
    result = []
    for indicator in owned_indicators(
        session=turn.session, person_id=turn.person_id, year=period.year
    ):
        if indicator.id == exclude or not is_due(indicator.frequency, period.quarter):
            continue
        if _status(turn, indicator, period) in (Status.NOT_YET, Status.DRAFT, Status.RETURNED):
            result.append(indicator)
    return result


def show_list(turn: Turn) -> None:
    period = _period(turn)
    assert period is not None
    indicators = owned_indicators(session=turn.session, person_id=turn.person_id, year=period.year)
    size = turn.list_size(PAGE_SIZE)
    pages = max(1, -(-len(indicators) // size))
    page = min(int(turn.data.get("page", 0)), pages - 1)
    shown = indicators[page * size : (page + 1) * size]
    lines, buttons = [], []
    for indicator in shown:
        if not is_due(indicator.frequency, period.quarter):
            lines.append(t.list_line("🗓", indicator.code, indicator.name, t.YEARLY_NOTE))
            continue
        status = _status(turn, indicator, period)
        mark = t.STATUS_MARK.get(status, "•")
        lines.append(
            t.list_line(mark, indicator.code, indicator.name, t.STATUS_WORD.get(status, status))
        )
        label = f"{mark} {indicator.code} {shorten(indicator.name, 28)}"
        buttons.append([(label, f"{A.INDICATOR}:{indicator.id}")])
    nav = []
    if page > 0:
        nav.append((t.BTN_PREV_PAGE, f"{PAGE}:{page - 1}"))
    if page < pages - 1:
        nav.append((t.BTN_NEXT_PAGE, f"{PAGE}:{page + 1}"))
    if nav:
        buttons.append(nav)
    others = [p for p in _switchable_periods(turn, period.year) if p.id != period.id]
    if others:
        buttons.append(
            [(t.period_button(p.quarter, p.locked), f"{A.PERIOD}:{p.id}") for p in others]
        )
    text = t.indicator_list(t.period_label(period.year, period.quarter), lines, page, pages)
    if period.locked:
        still_open = [
            (p.quarter, n)
            for p in others
            if not p.locked
            and p.quarter < period.quarter
            and (n := len(pending_indicators(turn, p)))
        ]
        text += "\n\n" + t.locked_period_note(period.quarter, still_open)
    turn.say(text, buttons)


def _switchable_periods(turn: Turn, year: int) -> list[Period]:
    """Open periods plus locked ones: a locked period can still get a change request."""
    org = turn.organisation
    assert org is not None
    today = turn.local_now().date()
    periods = ensure_periods(turn.session, org, year)
    open_ids = {
        p.id for p in open_periods(session=turn.session, organisation=org, year=year, today=today)
    }
    return [
        p
        for q, p in sorted(periods.items())
        if p.id in open_ids or (p.locked and quarter_end(year, q) < today)
    ]


# --- choosing an indicator --------------------------------------------------------------


def choose_indicator(turn: Turn, indicator_id: int) -> None:
    period = _period(turn)
    assert period is not None
    owned = {
        i.id: i
        for i in owned_indicators(session=turn.session, person_id=turn.person_id, year=period.year)
    }
    indicator = owned.get(indicator_id)
    if indicator is None:
        turn.say(t.NOT_YOURS)
        return
    if not is_due(indicator.frequency, period.quarter):
        turn.say(t.NOT_DUE)
        return
    current = revision_for(session=turn.session, indicator_id=indicator_id, period=period)
    prev = previous_revision(session=turn.session, indicator_id=indicator_id, period=period)
    target = _target(turn, indicator, period)
    label = t.period_label(period.year, period.quarter)
    turn.say(
        t.intro(
            indicator.code,
            indicator.name,
            indicator.formula,
            label,
            t.show_figure(indicator.kind, indicator.unit_label, target),
            _describe(indicator, prev) if prev else None,
            _describe(indicator, current) if current else None,
        )
    )
    status = _status(turn, indicator, period)
    submission = submission_of(
        session=turn.session, indicator_id=indicator_id, period_id=ident(period)
    )
    if status == Status.RETURNED and submission is not None and submission.review_note:
        turn.say(t.returned_note(submission.review_note))
    if period.locked:
        turn.say(t.LOCKED_NOTICE)
    turn.goto(
        FLOW.code,
        S.LIHAT,
        period_id=period.id,
        indicator_id=indicator.id,
        correction=current is not None or period.locked,
        old=_describe(indicator, current) if current else None,
        kept=_saved_narrative(current),
        # what the person is shown now, checked again when they press Simpan
        seen_revision=current.number if current else 0,
        locked=period.locked,
    )
    if current is not None and status != Status.RETURNED:
        turn.say(t.ALREADY_REPORTED, [[(t.BTN_CHANGE, A.CHANGE), (t.BTN_BACK, BACK_TO_LIST)]])
        return
    ask_first_figure(turn, indicator, period)


def _saved_narrative(current: Any) -> dict[str, str]:
    """The narrative of the revision being corrected: a correction of the figures alone must
    not lose it (the export's Narasi sheet reads the current revision)."""
    if current is None:
        return {}
    saved = {
        "kendala": current.kendala,
        "upaya": current.upaya_perbaikan,
        "pendorong": current.faktor_pendorong,
    }
    return {key: text for key, text in saved.items() if text}


def _answer(turn: Turn, key: str) -> str | None:
    """A narrative answer as it will be saved: typed in this pass, else kept from the
    revision being corrected."""
    data = turn.data
    typed = data.get(key)
    return typed if typed else (data.get("kept") or {}).get(key)


def _target(turn: Turn, indicator: Indicator, period: Period) -> Decimal:
    plan = indicator_plan(session=turn.session, indicator_id=ident(indicator))
    overrides = plan[1] if plan else {}
    return quarter_target(indicator.kind, indicator.target, period.quarter, overrides)


def _describe(indicator: Indicator, revision: Any) -> str:
    return t.describe_figures(
        indicator.kind,
        indicator.unit_label,
        revision.numerator,
        revision.denominator,
        revision.value,
        revision.realisation,
    )


# --- figures --------------------------------------------------------------------------


def ask_first_figure(turn: Turn, indicator: Indicator, period: Period) -> None:
    quarter = quarter_name(period.quarter)
    if indicator.kind == Kind.RATIO:
        turn.set_step(S.PEMBILANG)
        turn.say(t.ask_number(indicator.numerator_label or "Pembilang", quarter))
    else:
        turn.set_step(S.NILAI)
        turn.say(t.ask_value(quarter, indicator.unit_label))


def _field(indicator: Indicator, step: str) -> Field:
    if step == S.NILAI and indicator.unit_label.lower() == "persen":
        return Field.PERCENT
    return Field.NUMBER


def on_number(turn: Turn, text: str) -> None:
    indicator, period = _indicator(turn), _period(turn)
    assert indicator is not None and period is not None
    step = turn.step or ""
    parsed = parse_number(text, field=_field(indicator, step))
    if parsed.choices:
        turn.set_step(S.PILIH_ANGKA, asking=step, choices=[str(c) for c in parsed.choices])
        turn.say(
            t.choose_reading(texts.esc(explain(parsed))),
            [
                [
                    (format_number(c, _places(c)), f"{A.READING}:{n}")
                    for n, c in enumerate(parsed.choices)
                ]
            ],
        )
        return
    if parsed.value is None:
        turn.say(texts.esc(explain(parsed)))
        return
    accept_number(turn, indicator, period, step, parsed.value)


def _places(value: Decimal) -> int:
    return decimal_places(value)


def accept_number(
    turn: Turn, indicator: Indicator, period: Period, step: str, value: Decimal
) -> None:
    if value < 0:
        turn.set_step(step)
        turn.say(t.NEGATIVE)
        return
    whole = step in (S.PEMBILANG, S.PENYEBUT) or indicator.kind == Kind.COUNT
    if whole and value != value.to_integral_value():
        turn.set_step(step)
        turn.say(t.WHOLE_NUMBER)
        return
    quarter = quarter_name(period.quarter)
    if step == S.PEMBILANG:
        turn.set_step(S.PENYEBUT, numerator=str(value))
        turn.say(t.ask_number(indicator.denominator_label or "Penyebut", quarter))
        return
    if step == S.PENYEBUT:
        if value == 0:
            turn.set_step(S.PENYEBUT)
            turn.say(t.ZERO_DENOMINATOR)
            return
        numerator = Decimal(turn.data["numerator"])
        if numerator > value and not indicator.may_exceed_100:
            turn.set_step(S.PENYEBUT)
            turn.say(t.numerator_above(numerator, value), [[(t.BTN_REDO, A.REDO)]])
            return
        turn.set_step(S.CEK, denominator=str(value))
    else:
        turn.set_step(S.CEK, value=str(value))
    after_figures(turn, indicator, period)


@dataclass(frozen=True)
class Computed:
    realisation: Decimal | None
    achievement: Decimal | None
    target: Decimal

    def below_target(self) -> bool:
        return self.achievement is not None and self.achievement < 100


def _figures(turn: Turn) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    data = turn.data

    def figure(key: str) -> Decimal | None:
        return Decimal(data[key]) if data.get(key) is not None else None

    return figure("numerator"), figure("denominator"), figure("value")


def compute(turn: Turn, indicator: Indicator, period: Period) -> Computed:
    numerator, denominator, value = _figures(turn)
    real = compute_realisation(
        indicator.kind, numerator=numerator, denominator=denominator, value=value
    ).value
    target = _target(turn, indicator, period)
    ach = achievement(
        real, target, polarity=indicator.polarity, negative_formula=indicator.negative_formula
    ).value
    return Computed(real, ach, target)


def after_figures(turn: Turn, indicator: Indicator, period: Period) -> None:
    """Show the computed capaian, then the warnings that need a confirmation."""
    result = compute(turn, indicator, period)
    turn.say(_computed_line(indicator, result))
    slip = _neighbour_slip(turn, indicator, period)
    if slip and not turn.data.get("lower_reason"):
        text, extra, later = slip
        turn.set_step(S.TURUN, above_later=later)
        turn.say(text, [[(t.BTN_CONFIRM_LOWER, A.LOWER_OK), (t.BTN_REDO, A.REDO)], *extra])
        return
    check_very_high(turn, indicator, period, result)


def check_very_high(turn: Turn, indicator: Indicator, period: Period, result: Computed) -> None:
    if (
        result.achievement is not None
        and result.achievement > VERY_HIGH
        and not turn.data.get("high_ok")
    ):
        turn.set_step(S.TINGGI)
        turn.say(
            t.very_high(format_percent(result.achievement)),
            [[(t.BTN_CONFIRM_HIGH, A.HIGH_OK), (t.BTN_REDO, A.REDO)]],
        )
        return
    ask_narrative(turn, indicator, period, result)


def _computed_line(indicator: Indicator, result: Computed) -> str:
    band = criterion(result.achievement)
    return t.computed_line(
        t.show_figure(indicator.kind, indicator.unit_label, result.realisation),
        format_percent(result.achievement) if result.achievement is not None else "-",
        t.band_words(band),
    )


def _neighbour_slip(
    turn: Turn, indicator: Indicator, period: Period
) -> tuple[str, list[list[tuple[str, str]]], bool] | None:
    """The cumulative figures against the quarter before and the nearest later quarter
    already saved: the warning, the extra buttons of its way forward, and whether it is the
    later quarter the figure exceeds."""
    if indicator.kind == Kind.VALUE:
        return None
    prev = previous_revision(session=turn.session, indicator_id=ident(indicator), period=period)
    later = next_revision(session=turn.session, indicator_id=ident(indicator), period=period)
    later_period = later[0] if later else None
    numerator, denominator, value = _figures(turn)
    slips = against_neighbours(
        indicator.kind,
        Figures(numerator, denominator, value),
        earlier=(period.quarter - 1, _stored(prev)) if prev else None,
        later=(later[0].quarter, _stored(later[1])) if later else None,
    )
    if not slips:
        return None
    slip = slips[0]
    labels = {
        "numerator": indicator.numerator_label or "Pembilang",
        "denominator": indicator.denominator_label or "Penyebut",
        "value": "Realisasi",
    }
    text = t.neighbour_slip(
        slip.code, labels[slip.part], period.quarter, slip.quarter, slip.stored, slip.entered
    )
    extra: list[list[tuple[str, str]]] = []
    above_later = slip.code == Neighbour.ABOVE_LATER
    if above_later and later_period is not None and not later_period.locked:
        fix = f"{A.NEXT}:{later_period.id}:{indicator.id}"
        extra.append([(t.fix_later_button(later_period.quarter), fix)])
    return text, extra, above_later


def _stored(revision: Any) -> Figures:
    return Figures(revision.numerator, revision.denominator, revision.value)


# --- narrative, evidence, reason --------------------------------------------------------


def ask_narrative(turn: Turn, indicator: Indicator, period: Period, result: Computed) -> None:
    """Kendala and upaya are required below target; everything optional waits at the preview."""
    if result.below_target():
        ask_kendala(turn)
    else:
        turn.set_step(S.CEK, kendala=None, upaya=None)
        after_narrative(turn)


def _keep_or_change() -> list[list[tuple[str, str]]]:
    return [[(t.BTN_KEEP, A.KEEP), (t.BTN_RETYPE, A.RETYPE)]]


def ask_kendala(turn: Turn) -> None:
    turn.set_step(S.KENDALA)
    kept = (turn.data.get("kept") or {}).get("kendala")
    if kept:
        turn.say(t.kept_answer("Kendala", kept), _keep_or_change())
    else:
        turn.say(t.ASK_KENDALA)


def ask_upaya(turn: Turn) -> None:
    turn.set_step(S.UPAYA)
    kept = (turn.data.get("kept") or {}).get("upaya")
    if kept:
        turn.say(t.kept_answer("Upaya perbaikan", kept), _keep_or_change())
    else:
        turn.say(t.ASK_UPAYA)


def after_narrative(turn: Turn) -> None:
    """A correction asks its reason once; then, and for a first report at once, the preview."""
    if turn.data.get("correction") and not turn.data.get("reason"):
        turn.set_step(S.ALASAN)
        turn.say(t.ASK_REASON)
        return
    show_preview(turn)


def answer_lower_reason(turn: Turn, text: str) -> None:
    if (answer := typed_answer(turn, text)) is not None:
        turn.set_step(S.CEK, lower_reason=answer)
        indicator, period = _here(turn)
        check_very_high(turn, indicator, period, compute(turn, indicator, period))


def answer_kendala(turn: Turn, text: str) -> None:
    if (answer := typed_answer(turn, text)) is not None:
        turn.set_step(S.KENDALA, kendala=answer)
        ask_upaya(turn)


def keep_kendala(turn: Turn, arg: str) -> None:
    turn.set_step(S.KENDALA, kendala=None)  # None: the saved one is used
    ask_upaya(turn)


def retype_kendala(turn: Turn, arg: str) -> None:
    turn.say(t.ASK_KENDALA_AGAIN)


def answer_upaya(turn: Turn, text: str) -> None:
    if (answer := typed_answer(turn, text)) is not None:
        turn.set_step(S.UPAYA, upaya=answer)
        after_narrative(turn)


def keep_upaya(turn: Turn, arg: str) -> None:
    turn.set_step(S.UPAYA, upaya=None)
    after_narrative(turn)


def retype_upaya(turn: Turn, arg: str) -> None:
    turn.say(t.ASK_UPAYA_AGAIN)


def ask_pendorong(turn: Turn, arg: str = "") -> None:
    """ "Tambah catatan" at the preview: the optional faktor pendorong."""
    turn.set_step(S.PENDORONG)
    current = _answer(turn, "pendorong")
    text = t.kept_pendorong(current) if current else t.ASK_PENDORONG
    turn.say(text, [[(t.BTN_SKIP, A.SKIP)]])


def answer_pendorong(turn: Turn, text: str) -> None:
    if (answer := typed_answer(turn, text)) is not None:
        turn.set_step(S.PENDORONG, pendorong=answer)
        show_preview(turn)


def skip_pendorong(turn: Turn, arg: str) -> None:
    """Lewati keeps what there is (on a correction, the saved text): it never erases."""
    show_preview(turn)


def answer_reason(turn: Turn, text: str) -> None:
    if (answer := typed_reason(turn, text, REVISION)) is not None:
        turn.set_step(S.ALASAN, reason=answer)
        show_preview(turn)


def ask_evidence(turn: Turn, arg: str = "") -> None:
    """ "Tambah bukti" at the preview: the optional bukti dukung."""
    turn.set_step(S.BUKTI, files=turn.data.get("files") or [])
    saved = len(_stored_checksums(turn))
    ask = t.ASK_EVIDENCE.format(mb=turn.evidence_mb())
    turn.say(f"{ask}\n{t.kept_files(saved)}" if saved else ask, [[(t.BTN_SKIP, A.SKIP)]])


def take_evidence(turn: Turn, stored: StoredFile | None) -> None:
    if stored is None:
        turn.say(texts.FILE_NOT_EXPECTED)
        return
    files = list(turn.data.get("files") or [])
    if stored.sha256 in {f.get("sha256") for f in files} | _stored_checksums(turn):
        turn.discard(stored)
        turn.say(
            t.evidence_duplicate(stored.name, len(files)),
            [[(t.BTN_DONE_FILES, A.FILES_DONE)]],
        )
        return
    files.append(
        {
            "path": stored.path,
            "name": stored.name,
            "mime_type": stored.mime_type,
            "size": stored.size,
            "sha256": stored.sha256,
        }
    )
    turn.set_step(S.BUKTI, files=files)
    turn.say(t.evidence_received(stored.name, len(files)), [[(t.BTN_DONE_FILES, A.FILES_DONE)]])


def file_instead_of_number(turn: Turn, stored: StoredFile | None) -> None:
    turn.say(t.FILE_INSTEAD_OF_NUMBER)


def _stored_checksums(turn: Turn) -> set[str]:
    """Checksums of the evidence already kept for this indicator and period."""
    indicator, period = _indicator(turn), _period(turn)
    if indicator is None or period is None or period.id is None or indicator.id is None:
        return set()
    submission = submission_of(session=turn.session, indicator_id=indicator.id, period_id=period.id)
    if submission is None:
        return set()
    return set(
        turn.session.exec(
            select(Evidence.sha256).where(Evidence.submission_id == submission.id)
        ).all()
    )


def after_evidence(turn: Turn) -> None:
    show_preview(turn)


# --- preview and save -------------------------------------------------------------------


def _figure_lines(indicator: Indicator, turn: Turn) -> list[str]:
    numerator, denominator, _ = _figures(turn)
    if indicator.kind != Kind.RATIO:
        return []
    top = texts.esc(indicator.numerator_label or "Pembilang")
    bottom = texts.esc(indicator.denominator_label or "Penyebut")
    return [
        f"{top}: {format_number(numerator or 0)}",
        f"{bottom}: {format_number(denominator or 0)}",
    ]


def show_preview(turn: Turn) -> None:
    indicator, period = _indicator(turn), _period(turn)
    assert indicator is not None and period is not None
    result = compute(turn, indicator, period)
    band = criterion(result.achievement)
    data = turn.data
    answers = {
        key: _answer(turn, key) if key in KEPT else data.get(key) for _, key in t.PREVIEW_NARRATIVE
    }
    narrative = [(label, text) for label, key in t.PREVIEW_NARRATIVE if (text := answers[key])]
    saved_files = len(_stored_checksums(turn)) if data.get("correction") else 0
    kept = bool(data.get("kept")) or saved_files > 0
    turn.set_step(S.PRATINJAU)
    turn.say(
        t.preview(
            code=indicator.code,
            name=indicator.name,
            period=t.period_label(period.year, period.quarter),
            figure_lines=_figure_lines(indicator, turn),
            realisation=t.show_figure(indicator.kind, indicator.unit_label, result.realisation),
            target=t.show_figure(indicator.kind, indicator.unit_label, result.target),
            achievement=format_percent(result.achievement)
            if result.achievement is not None
            else "-",
            criterion=t.band_words(band),
            comparison=_comparison(turn, indicator, period, result),
            narrative=narrative,
            files=len(data.get("files") or []),
            reason=data.get("reason"),
            warnings=[],
            saved_files=saved_files,
            kept=kept,
        ),
        [
            [(t.BTN_SAVE, A.SAVE)],
            [(t.BTN_ADD_NOTE, A.NOTE), (t.BTN_ADD_FILES, A.ADD_FILES)],
            [(t.BTN_REDO, A.REDO), (t.BTN_CANCEL, "batal")],
        ],
    )


def _comparison(turn: Turn, indicator: Indicator, period: Period, result: Computed) -> str | None:
    if result.realisation is None:
        return None
    prev = previous_revision(session=turn.session, indicator_id=ident(indicator), period=period)
    if prev is None or prev.realisation is None:
        return None
    points = indicator.kind == Kind.RATIO or indicator.unit_label.lower() == "persen"
    return t.comparison(
        period.quarter - 1,
        t.show_figure(indicator.kind, indicator.unit_label, prev.realisation),
        t.show_figure(indicator.kind, indicator.unit_label, result.realisation),
        result.realisation - prev.realisation,
        points,
    )


def save(turn: Turn) -> None:
    indicator, period = _indicator(turn), _period(turn)
    assert indicator is not None and period is not None
    if period.locked and not turn.data.get("locked"):
        _locked_meanwhile(turn, period)
        return
    result = compute(turn, indicator, period)
    numerator, denominator, value = _figures(turn)
    data = turn.data
    reason_parts = [data.get("reason"), data.get("lower_reason")]
    figures = NewRevision(
        numerator=numerator,
        denominator=denominator,
        value=value,
        realisation=result.realisation,
        achievement=result.achievement,
        kendala=_answer(turn, "kendala"),
        faktor_pendorong=_answer(turn, "pendorong"),
        upaya_perbaikan=_answer(turn, "upaya"),
        reason="; ".join(p for p in reason_parts if p) or None,
    )
    if period.locked:
        request_locked_change(turn, indicator, period, figures)
        return
    submission, revision = save_revision(
        session=turn.session,
        indicator=indicator,
        period=period,
        person_id=turn.person_id,
        figures=figures,
        evidence=list(data.get("files") or []),
        now=turn.now,
        seen_revision=int(data.get("seen_revision") or 0),
        guard_open=True,
        guard_holder=True,
    )
    turn.audit(
        "laporan_disimpan",
        "submission",
        submission.id,
        indikator=indicator.code,
        periode=f"{period.year}-TW{period.quarter}",
        revisi=revision.number,
        lama=data.get("old"),
        baru=_describe(indicator, revision),
        alasan=revision.reason,
    )
    band = criterion(result.achievement)
    zone = turn.organisation.timezone if turn.organisation else turn.app.default_timezone
    turn.clear()
    turn.say(
        t.receipt(
            code=indicator.code,
            name=indicator.name,
            period=t.period_label(period.year, period.quarter),
            figure_lines=_figure_lines_from(indicator, numerator, denominator),
            realisation=t.show_figure(indicator.kind, indicator.unit_label, result.realisation),
            achievement=format_percent(result.achievement)
            if result.achievement is not None
            else "-",
            criterion=str(band) if band else t.NOT_COMPUTABLE,
            revision=revision.number,
            when=local_datetime(turn.now, zone),
            old=data.get("old"),
        )
    )
    notify_reviewers(turn, indicator, period, _describe(indicator, revision))
    offer_next(turn, period, exclude=indicator.id)


def _locked_meanwhile(turn: Turn, period: Period) -> None:
    """Locked while the person was at the preview: a change request needs a reason first."""
    turn.set_step(S.ALASAN, correction=True, locked=True, reason=None)
    turn.say(t.LOCKED_MEANWHILE.format(period=t.period_label(period.year, period.quarter)))


def _still_true(turn: Turn, indicator: Indicator, period: Period) -> bool:
    """After a save lost its compare-and-set: which of what the person saw is no longer so?
    Each "no" is explained and the person shown the way forward; nothing was stored."""
    owned = owned_indicators(session=turn.session, person_id=turn.person_id, year=period.year)
    if indicator.id not in {i.id for i in owned}:
        turn.clear()
        turn.say(t.NO_LONGER_YOURS.format(code=texts.esc(indicator.code)))
        return False
    if period.locked and not turn.data.get("locked"):
        _locked_meanwhile(turn, period)
        return False
    current = revision_for(session=turn.session, indicator_id=ident(indicator), period=period)
    seen = int(turn.data.get("seen_revision") or 0)
    if (current.number if current else 0) != seen:
        who = turn.session.get(Person, current.person_id) if current and current.person_id else None
        turn.say(
            t.changed_meanwhile(
                indicator.code, who.name if who else None, current.number if current else 0
            )
        )
        choose_indicator(turn, ident(indicator))
        return False
    return True


def on_conflict(turn: Turn, conflict: Conflict) -> None:
    """A save lost a race: tell the person what changed, on the fresh data."""
    indicator, period = _indicator(turn), _period(turn)
    if indicator is None or period is None or turn.dialog != FLOW.code:
        turn.say(texts.CHANGED_MEANWHILE)
        return
    if _still_true(turn, indicator, period):  # the race is over by now: show it fresh
        turn.say(texts.CHANGED_MEANWHILE)
        choose_indicator(turn, ident(indicator))


def notify_reviewers(turn: Turn, indicator: Indicator, period: Period, figures: str) -> None:
    """Tell the superior (or the admin, for the head of office) at once."""
    who = turn.person.name if turn.person else ""
    for reviewer in reviewers_of(session=turn.session, indicator=indicator):
        if reviewer.id is not None and reviewer.id != turn.person_id:
            turn.notify(
                reviewer.id,
                t.review_request(
                    indicator.code,
                    indicator.name,
                    t.period_label(period.year, period.quarter),
                    who,
                    figures,
                ),
            )


def request_locked_change(
    turn: Turn, indicator: Indicator, period: Period, figures: NewRevision
) -> None:
    org = turn.organisation
    request = request_change(
        session=turn.session,
        indicator=indicator,
        period=period,
        person_id=turn.person_id,
        figures=figures,
        evidence=list(turn.data.get("files") or []),
        now=turn.now,
    )
    turn.clear()
    turn.say(t.CHANGE_REQUESTED)
    assert org is not None, "a person who reports works for an office"
    for admin in admins(session=turn.session, organisation_id=ident(org)):
        if admin.id is not None:
            turn.notify(
                admin.id,
                t.change_request_notice(
                    indicator.code,
                    t.period_label(period.year, period.quarter),
                    turn.person.name if turn.person else "",
                    figures.reason or "",
                    ident(request),
                ),
            )


def _figure_lines_from(
    indicator: Indicator, numerator: Decimal | None, denominator: Decimal | None
) -> list[str]:
    if indicator.kind != Kind.RATIO or numerator is None or denominator is None:
        return []
    return [f"{format_number(numerator)} / {format_number(denominator)}"]


def offer_next(turn: Turn, period: Period, *, exclude: int | None) -> None:
    pending = pending_indicators(turn, period, exclude=exclude)
    if not pending:
        turn.say(t.ALL_DONE.format(period=t.period_label(period.year, period.quarter)))
        return
    following = pending[0]
    turn.say(
        t.next_offer(following.code, following.name),
        [
            [
                (t.report_button(following.code), f"{A.NEXT}:{period.id}:{following.id}"),
                (t.BTN_FINISH, "selesai"),
            ]
        ],
        dialog=FLOW.code,
    )


# --- buttons that are not a step's own ------------------------------------------------------


def report_next(turn: Turn, arg: str) -> None:
    """ "Laporkan <next>" under a receipt: the flow has ended, this opens it again."""
    period_id, _, indicator_id = arg.partition(":")
    start_on(turn, int(period_id), int(indicator_id))


def switch_period(turn: Turn, arg: str) -> None:
    periods = {p.id: p for p in _switchable_periods(turn, _period_here(turn).year)}
    if int(arg) not in periods:
        turn.say(t.PERIOD_CLOSED)
        return
    turn.set_step(S.PILIH, period_id=int(arg), page=0)
    show_list(turn)


def pick_indicator(turn: Turn, arg: str) -> None:
    choose_indicator(turn, int(arg))


def redo(turn: Turn, arg: str) -> None:
    """ "Ubah" on an indicator already reported, "Ulangi" at a warning or the preview."""
    if _indicator(turn) is None:
        turn.say(texts.STALE_MENU)
        return
    ask_first_figure(turn, *_here(turn))


def take_reading(turn: Turn, arg: str) -> None:
    choices = turn.data.get("choices") or []
    if int(arg) >= len(choices):
        turn.say(texts.STALE_MENU)
        return
    indicator, period = _here(turn)
    accept_number(
        turn, indicator, period, turn.data.get("asking", S.NILAI), Decimal(choices[int(arg)])
    )


def confirm_lower(turn: Turn, arg: str) -> None:
    turn.set_step(S.ALASAN_TURUN)
    turn.say(t.ASK_ABOVE_LATER_REASON if turn.data.get("above_later") else t.ASK_LOWER_REASON)


def confirm_high(turn: Turn, arg: str) -> None:
    turn.set_step(S.CEK, high_ok=True)
    indicator, period = _here(turn)
    ask_narrative(turn, indicator, period, compute(turn, indicator, period))


def evidence_done(turn: Turn, arg: str) -> None:
    after_evidence(turn)


def press_save(turn: Turn, arg: str) -> None:
    save(turn)


# --- the flow ---------------------------------------------------------------------------

FLOW = Flow(
    code="lp",
    commands=(Command("lapor", open_lapor, menu=t.MENU, help=t.HELP, rank=10),),
    steps=(
        Step(S.PILIH, presses=(Action(A.INDICATOR, pick_indicator, arg=number),)),
        Step(S.LIHAT),  # buttons: Ubah (an action of the flow), Kembali ke daftar
        Step(S.PEMBILANG, on_number, file_instead_of_number, typing=True, clears=FIGURES),
        Step(S.PENYEBUT, on_number, file_instead_of_number, typing=True),
        Step(S.NILAI, on_number, file_instead_of_number, typing=True, clears=FIGURES),
        Step(S.PILIH_ANGKA, presses=(Action(A.READING, take_reading, arg=number),)),
        Step(S.CEK),
        Step(S.TURUN, presses=(Action(A.LOWER_OK, confirm_lower),)),
        Step(S.ALASAN_TURUN, answer_lower_reason),
        Step(S.TINGGI, presses=(Action(A.HIGH_OK, confirm_high),)),
        Step(
            S.KENDALA,
            answer_kendala,
            presses=(Action(A.KEEP, keep_kendala), Action(A.RETYPE, retype_kendala)),
        ),
        Step(
            S.UPAYA,
            answer_upaya,
            presses=(Action(A.KEEP, keep_upaya), Action(A.RETYPE, retype_upaya)),
        ),
        Step(S.PENDORONG, answer_pendorong, presses=(Action(A.SKIP, skip_pendorong),)),
        Step(
            S.BUKTI,
            on_file=take_evidence,
            files=EVIDENCE_FILES,
            presses=(Action(A.SKIP, evidence_done), Action(A.FILES_DONE, evidence_done)),
        ),
        Step(S.ALASAN, answer_reason),
        Step(
            S.PRATINJAU,
            on_file=take_evidence,  # a file sent at the preview is evidence at once
            files=EVIDENCE_FILES,
            presses=(
                Action(A.SAVE, press_save),
                Action(A.NOTE, ask_pendorong),
                Action(A.ADD_FILES, ask_evidence),
            ),
        ),
    ),
    actions=(
        *listing(S.PILIH, show_list),
        Action(A.PERIOD, switch_period, arg=number),
        Action(A.CHANGE, redo, clears=NARRATIVE),
        Action(A.REDO, redo, clears=NARRATIVE),
        Action(A.NEXT, report_next, arg=two_numbers, outside=True),
    ),
    on_conflict=on_conflict,
)
