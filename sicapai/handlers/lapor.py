"""`/lapor`: report one quarter's cumulative figures for an indicator, step by step.

The dialogue: choose the period and the indicator → see its formula, target and last
quarter's figure → type the figures the formula needs → (warnings: lower than last quarter,
capaian above 150%) → kendala and upaya when below target, faktor pendorong optional →
bukti dukung optional → the reason, for a correction → a preview → Simpan. Nothing is stored
until Simpan; then one new revision is appended and a receipt is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlmodel import select

from sicapai.handlers import texts
from sicapai.handlers.port import StoredFile
from sicapai.handlers.texts import lapor as t
from sicapai.handlers.texts.numbers import explain
from sicapai.handlers.turn import Turn
from sicapai.models.guards import Conflict
from sicapai.models.organisation import Person
from sicapai.models.performance import Evidence, Indicator, Kind, Period, QuarterTarget, Status
from sicapai.models.reporting import (
    NewRevision,
    open_periods,
    owned_indicators,
    previous_period,
    reporting_year,
    revision_for,
    save_revision,
    submission_of,
)
from sicapai.models.review import admins, request_change, reviewers_of
from sicapai.models.seeding import ensure_periods
from sicapai.models.types import ident
from sicapai.reports.capaian import achievement, criterion, is_due, quarter_target
from sicapai.reports.capaian import realisation as compute_realisation
from sicapai.reports.dates import local_datetime
from sicapai.reports.numbers import (
    Field,
    decimal_places,
    format_number,
    format_percent,
    parse_number,
)
from sicapai.reports.periods import default_quarter, quarter_end, quarter_name

CODE = "lp"
PAGE_SIZE = 8
VERY_HIGH = Decimal(150)
NUMBER_STEPS = frozenset({"pembilang", "penyebut", "nilai"})
TEXT_STEPS = frozenset({"kendala", "upaya", "pendorong", "alasan", "alasan_turun"})
FIGURE_STEPS = NUMBER_STEPS  # steps where a bare number is a figure, not a button choice


def accepts_file(step: str | None) -> bool:
    return step == "bukti"


# --- entry points -----------------------------------------------------------------------


def start(turn: Turn, args: str = "") -> None:
    """`/lapor`: the indicator list for the default period (the latest ended quarter)."""
    periods = _open_periods(turn)
    if periods is None:
        return
    today = turn.local_now().date()
    year = periods[0].year
    locked = [q for q in (1, 2, 3, 4) if q not in {p.quarter for p in periods}]
    quarter = default_quarter(year, today, locked) or periods[-1].quarter
    chosen = next((p for p in periods if p.quarter == quarter), periods[-1])
    turn.goto(CODE, "pilih", period_id=chosen.id, page=0)
    show_list(turn)


def start_on(turn: Turn, period_id: int, indicator_id: int) -> None:
    """Open the flow directly on one indicator (from a reminder or a receipt's offer)."""
    periods = _open_periods(turn)
    if periods is None:
        return
    if period_id not in {p.id for p in periods}:
        turn.say(t.PERIOD_CLOSED)
        return
    turn.goto(CODE, "pilih", period_id=period_id, page=0)
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
    indicator_id = turn.data.get("indicator_id")
    return turn.session.get(Indicator, indicator_id) if indicator_id else None


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
    pages = max(1, -(-len(indicators) // PAGE_SIZE))
    page = min(int(turn.data.get("page", 0)), pages - 1)
    shown = indicators[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
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
        label = f"{mark} {indicator.code} {_short(indicator.name, 28)}"
        buttons.append([(label, f"i:{indicator.id}")])
    nav = []
    if page > 0:
        nav.append((t.BTN_PREV_PAGE, f"pg:{page - 1}"))
    if page < pages - 1:
        nav.append((t.BTN_NEXT_PAGE, f"pg:{page + 1}"))
    if nav:
        buttons.append(nav)
    others = [p for p in _switchable_periods(turn, period.year) if p.id != period.id]
    if others:
        buttons.append([(t.period_button(p.quarter, p.locked), f"p:{p.id}") for p in others])
    turn.say(
        t.indicator_list(t.period_label(period.year, period.quarter), lines, page, pages),
        buttons,
    )


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


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


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
    prev_period = previous_period(session=turn.session, period=period)
    prev = (
        revision_for(session=turn.session, indicator_id=indicator_id, period=prev_period)
        if prev_period
        else None
    )
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
        CODE,
        "lihat",
        period_id=period.id,
        indicator_id=indicator.id,
        correction=current is not None or period.locked,
        old=_describe(indicator, current) if current else None,
        # what the person is shown now, checked again when they press Simpan
        seen_revision=current.number if current else 0,
        locked=period.locked,
    )
    if current is not None and status != Status.RETURNED:
        turn.say(t.ALREADY_REPORTED, [[(t.BTN_CHANGE, "ubah"), (t.BTN_BACK, "daftar")]])
        return
    ask_first_figure(turn, indicator, period)


def _target(turn: Turn, indicator: Indicator, period: Period) -> Decimal:

    overrides = {
        qt.quarter: qt.target
        for qt in turn.session.exec(
            select(QuarterTarget).where(QuarterTarget.indicator_id == indicator.id)
        )
    }
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
        turn.set_step("pembilang", numerator=None, denominator=None, value=None)
        turn.say(t.ask_number(indicator.numerator_label or "Pembilang", quarter))
    else:
        turn.set_step("nilai", numerator=None, denominator=None, value=None)
        turn.say(t.ask_value(quarter, indicator.unit_label))


def _field(indicator: Indicator, step: str) -> Field:
    if step == "nilai" and indicator.unit_label.lower() == "persen":
        return Field.PERCENT
    return Field.NUMBER


def on_number(turn: Turn, text: str) -> None:
    indicator, period = _indicator(turn), _period(turn)
    assert indicator is not None and period is not None
    step = turn.step or ""
    parsed = parse_number(text, field=_field(indicator, step))
    if parsed.choices:
        turn.set_step("pilih_angka", asking=step, choices=[str(c) for c in parsed.choices])
        turn.say(
            t.choose_reading(texts.esc(explain(parsed))),
            [[(format_number(c, _places(c)), f"c:{n}") for n, c in enumerate(parsed.choices)]],
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
    whole = step in ("pembilang", "penyebut") or indicator.kind == Kind.COUNT
    if whole and value != value.to_integral_value():
        turn.set_step(step)
        turn.say(t.WHOLE_NUMBER)
        return
    quarter = quarter_name(period.quarter)
    if step == "pembilang":
        turn.set_step("penyebut", numerator=str(value))
        turn.say(t.ask_number(indicator.denominator_label or "Penyebut", quarter))
        return
    if step == "penyebut":
        if value == 0:
            turn.set_step("penyebut")
            turn.say(t.ZERO_DENOMINATOR)
            return
        numerator = Decimal(turn.data["numerator"])
        if numerator > value and not indicator.may_exceed_100:
            turn.set_step("penyebut")
            turn.say(t.numerator_above(numerator, value), [[(t.BTN_REDO, "ulang")]])
            return
        turn.set_step("cek", denominator=str(value))
    else:
        turn.set_step("cek", value=str(value))
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
    lower = _lower_than_before(turn, indicator, period)
    if lower and not turn.data.get("lower_reason"):
        turn.set_step("turun")
        turn.say(lower, [[(t.BTN_CONFIRM_LOWER, "ok_turun"), (t.BTN_REDO, "ulang")]])
        return
    check_very_high(turn, indicator, period, result)


def check_very_high(turn: Turn, indicator: Indicator, period: Period, result: Computed) -> None:
    if (
        result.achievement is not None
        and result.achievement > VERY_HIGH
        and not turn.data.get("high_ok")
    ):
        turn.set_step("tinggi")
        turn.say(
            t.very_high(format_percent(result.achievement)),
            [[(t.BTN_CONFIRM_HIGH, "ok_tinggi"), (t.BTN_REDO, "ulang")]],
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


def _lower_than_before(turn: Turn, indicator: Indicator, period: Period) -> str | None:
    if indicator.kind == Kind.VALUE:
        return None
    before = previous_period(session=turn.session, period=period)
    if before is None:
        return None
    prev = revision_for(session=turn.session, indicator_id=ident(indicator), period=before)
    if prev is None:
        return None
    numerator, denominator, value = _figures(turn)
    pairs = [
        (indicator.numerator_label or "Pembilang", prev.numerator, numerator),
        (indicator.denominator_label or "Penyebut", prev.denominator, denominator),
        ("Realisasi", prev.value, value),
    ]
    for label, old, new in pairs:
        if old is not None and new is not None and new < old:
            return t.lower_than_before(label, quarter_name(before.quarter), old, new)
    return None


# --- narrative, evidence, reason --------------------------------------------------------


def ask_narrative(turn: Turn, indicator: Indicator, period: Period, result: Computed) -> None:
    if result.below_target():
        turn.set_step("kendala")
        turn.say(t.ASK_KENDALA)
    else:
        turn.set_step("pendorong", kendala=None, upaya=None)
        turn.say(t.ASK_PENDORONG, [[(t.BTN_SKIP, "lewat")]])


def on_text_answer(turn: Turn, text: str) -> None:
    step = turn.step
    answer = text.strip()
    if not answer:
        turn.say(t.EMPTY_TEXT)
        return
    if len(answer) > texts.MAX_TEXT:
        turn.say(texts.too_long(len(answer)))
        return
    indicator, period = _indicator(turn), _period(turn)
    assert indicator is not None and period is not None
    if step == "alasan_turun":
        turn.set_step("cek", lower_reason=answer)
        check_very_high(turn, indicator, period, compute(turn, indicator, period))
    elif step == "kendala":
        turn.set_step("upaya", kendala=answer)
        turn.say(t.ASK_UPAYA)
    elif step == "upaya":
        turn.set_step("pendorong", upaya=answer)
        turn.say(t.ASK_PENDORONG, [[(t.BTN_SKIP, "lewat")]])
    elif step == "pendorong":
        turn.set_step("pendorong", pendorong=answer)
        ask_evidence(turn)
    elif step == "alasan":
        turn.set_step("alasan", reason=answer)
        show_preview(turn)


def ask_evidence(turn: Turn) -> None:
    turn.set_step("bukti", files=turn.data.get("files") or [])
    turn.say(t.ASK_EVIDENCE, [[(t.BTN_SKIP, "lewat")]])


def on_file(turn: Turn, stored: StoredFile | None) -> None:
    step = turn.step
    if step == "bukti" and stored is not None:
        files = list(turn.data.get("files") or [])
        if stored.sha256 in {f.get("sha256") for f in files} | _stored_checksums(turn):
            turn.discard(stored)
            turn.say(
                t.evidence_duplicate(stored.name, len(files)),
                [[(t.BTN_DONE_FILES, "selesai_bukti")]],
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
        turn.set_step("bukti", files=files)
        turn.say(
            t.evidence_received(stored.name, len(files)), [[(t.BTN_DONE_FILES, "selesai_bukti")]]
        )
        return
    if step in NUMBER_STEPS:
        turn.say(t.FILE_INSTEAD_OF_NUMBER)
        return
    turn.say(texts.FILE_NOT_EXPECTED)


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
    if turn.data.get("correction"):
        turn.set_step("alasan")
        turn.say(t.ASK_REASON)
        return
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
    narrative = [(label, data[key]) for label, key in t.PREVIEW_NARRATIVE if data.get(key)]
    turn.set_step("pratinjau")
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
        ),
        [[(t.BTN_SAVE, "simpan"), (t.BTN_REDO, "ulang")], [(t.BTN_CANCEL, "batal")]],
    )


def _comparison(turn: Turn, indicator: Indicator, period: Period, result: Computed) -> str | None:
    before = previous_period(session=turn.session, period=period)
    if before is None or result.realisation is None:
        return None
    prev = revision_for(session=turn.session, indicator_id=ident(indicator), period=before)
    if prev is None or prev.realisation is None:
        return None
    points = indicator.kind == Kind.RATIO or indicator.unit_label.lower() == "persen"
    return t.comparison(
        before.quarter,
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
        kendala=data.get("kendala"),
        faktor_pendorong=data.get("pendorong"),
        upaya_perbaikan=data.get("upaya"),
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
    turn.set_step("alasan", correction=True, locked=True, reason=None)
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
    if indicator is None or period is None or turn.dialog != CODE:
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
                (t.report_button(following.code), f"n:{period.id}:{following.id}"),
                (t.BTN_FINISH, "selesai"),
            ]
        ],
        dialog=CODE,
    )


# --- routing ----------------------------------------------------------------------------


def on_text(turn: Turn, text: str) -> None:
    step = turn.step
    if step in NUMBER_STEPS:
        on_number(turn, text)
    elif step in TEXT_STEPS:
        on_text_answer(turn, text)
    else:
        turn.say(t.PRESS_A_BUTTON)


def on_press(turn: Turn, action: str) -> None:
    name, _, arg = action.partition(":")
    step = turn.step
    if name == "n":  # "report the next one", offered after a save (the flow has ended)
        period_id, _, indicator_id = arg.partition(":")
        if period_id.isdigit() and indicator_id.isdigit():
            start_on(turn, int(period_id), int(indicator_id))
        return
    if name == "selesai" and turn.dialog is None:
        turn.toast = t.THANKS
        return
    if turn.dialog != CODE:
        turn.say(texts.STALE_MENU)
        return
    if name == "batal":
        turn.clear()
        turn.say(texts.CANCELLED)
    elif name == "pg" and arg.isdigit():
        turn.set_step("pilih", page=int(arg))
        show_list(turn)
    elif name == "p" and arg.isdigit():
        periods = {p.id: p for p in _switchable_periods(turn, _period_here(turn).year)}
        if int(arg) not in periods:
            turn.say(t.PERIOD_CLOSED)
            return
        turn.set_step("pilih", period_id=int(arg), page=0)
        show_list(turn)
    elif name == "i" and arg.isdigit() and step == "pilih":
        choose_indicator(turn, int(arg))
    elif name == "daftar":
        turn.set_step("pilih")
        show_list(turn)
    elif name in ("ubah", "ulang") and _indicator(turn) is not None:
        for key in ("lower_reason", "high_ok", "kendala", "upaya", "pendorong"):
            turn.set_step(turn.step or "", **{key: None})
        ask_first_figure(turn, *_here(turn))
    elif name == "c" and step == "pilih_angka" and arg.isdigit():
        choices = turn.data.get("choices") or []
        if int(arg) >= len(choices):
            turn.say(texts.STALE_MENU)
            return
        asking = turn.data.get("asking", "nilai")
        indicator, period = _here(turn)
        accept_number(turn, indicator, period, asking, Decimal(choices[int(arg)]))
    elif name == "ok_turun" and step == "turun":
        turn.set_step("alasan_turun")
        turn.say(t.ASK_LOWER_REASON)
    elif name == "ok_tinggi" and step == "tinggi":
        turn.set_step("cek", high_ok=True)
        indicator, period = _here(turn)
        ask_narrative(turn, indicator, period, compute(turn, indicator, period))
    elif name == "lewat" and step == "pendorong":
        turn.set_step("pendorong", pendorong=None)
        ask_evidence(turn)
    elif name in ("lewat", "selesai_bukti") and step == "bukti":
        after_evidence(turn)
    elif name == "simpan" and step == "pratinjau":
        save(turn)
    else:
        turn.say(texts.STALE_MENU)
