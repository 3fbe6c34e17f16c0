"""`/anggaran`: the finance subsection reports each sub kegiatan's cumulative spending.

Choose a line → see its pagu and last quarter's figure → type the rupiah amount → warnings
(above pagu, lower than last quarter) → the reason, for a correction → preview with serapan
→ Simpan appends a new realisation number.

"Isi lewat Excel" does the whole quarter at once: the bot sends the realisation workbook
`sicapai templat` writes, the person sends it back filled, `sicapai impor`'s own check reads
it (nothing is written), a summary of what would change is shown, and Simpan saves every
changed line in the turn's one transaction, each on the number the summary was computed from.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from sicapai.excel.columns import INDICATOR_SHEET, REALISATION_SHEET
from sicapai.excel.problems import ImportKind, ImportReport
from sicapai.excel.realisation_import import RealisationPlan, check_realisation
from sicapai.excel.template_writer import build_realisation_template
from sicapai.excel.workbook import WorkbookError, open_workbook
from sicapai.excel.writer import to_bytes
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
from sicapai.handlers.texts import anggaran as t
from sicapai.handlers.texts import excel as xt
from sicapai.handlers.texts import lapor as lt
from sicapai.handlers.texts.capaian import paginate
from sicapai.handlers.texts.numbers import explain, read_as
from sicapai.handlers.turn import FileRule, Turn
from sicapai.models.budget import BudgetLine, BudgetRealisation
from sicapai.models.guards import BUDGET_CHANGED, Conflict
from sicapai.models.people import reporting_positions
from sicapai.models.performance import Period
from sicapai.models.queries import budget_lines
from sicapai.models.reporting import (
    current_budget,
    open_periods,
    owned_budget_lines,
    previous_period,
    reporting_year,
    save_budget,
)
from sicapai.models.types import ident
from sicapai.reports.capaian import absorption
from sicapai.reports.dates import local_datetime
from sicapai.reports.numbers import Field, format_percent, format_rupiah, parse_number
from sicapai.reports.periods import current_quarter, quarter_name

PAGE_SIZE = 8
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXCEL_FILES = FileRule(frozenset({XLSX}), frozenset({".xlsx"}), photos=False, refusal=t.NOT_EXCEL)


class S(StrEnum):
    """The steps; the values are what stored dialog states carry."""

    PILIH = "pilih"  # the line list
    JUMLAH = "jumlah"  # a line's intro: type the cumulative amount
    CEK = "cek"  # amount in, checks running (never the end of a turn)
    TURUN = "turun"  # lower than last quarter: confirm?
    ALASAN_TURUN = "alasan_turun"
    LEBIH = "lebih"  # above the pagu: confirm?
    ALASAN = "alasan"  # why a saved amount is corrected
    PRATINJAU = "pratinjau"
    EXCEL = "excel"  # the workbook was sent: waiting for it to come back filled
    RINGKASAN = "ringkasan"  # (excel_rows) what the workbook changes: Simpan or Batal


class A(StrEnum):
    """The buttons' actions; the values are what buttons already sent carry."""

    NEXT = "n"  # n:<period>:<line>, under a receipt
    LINE = "l"
    REDO = "ulang"
    OVER_OK = "ok_lebih"
    LOWER_OK = "ok_turun"
    SAVE = "simpan"
    EXCEL = "xl"  # "Isi lewat Excel" under the list
    SAVE_EXCEL = "simpan_xl"


def _lines(turn: Turn, year: int) -> list[BudgetLine]:
    return owned_budget_lines(session=turn.session, person_id=turn.person_id, year=year)


def open_anggaran(turn: Turn, args: str = "") -> None:
    org = turn.organisation
    year = (
        reporting_year(session=turn.session, organisation=org, configured=turn.app.year)
        if org
        else None
    )
    if org is None or year is None or not _lines(turn, year):
        turn.say(t.NO_DUTY)
        return
    periods = open_periods(
        session=turn.session, organisation=org, year=year, today=turn.local_now().date()
    )
    if not periods:
        turn.say(lt.NO_OPEN_PERIOD)
        return
    # the current quarter (as /lapor); when it is locked, the latest open one: a budget
    # figure of a locked quarter has no change request to go through
    quarter = current_quarter(year, turn.local_now().date())
    chosen = next((p for p in periods if p.quarter == quarter), periods[-1])
    turn.goto(FLOW.code, S.PILIH, period_id=chosen.id, page=0)
    show_list(turn)


def start_on(turn: Turn, period_id: int, line_id: int) -> None:
    """Open the flow on one line (from a reminder or a receipt's offer) if its period is open:
    the ids come from button data, which a client can forge."""
    org = turn.organisation
    year = (
        reporting_year(session=turn.session, organisation=org, configured=turn.app.year)
        if org
        else None
    )
    periods = (
        open_periods(
            session=turn.session, organisation=org, year=year, today=turn.local_now().date()
        )
        if org is not None and year is not None
        else []
    )
    if period_id not in {p.id for p in periods}:
        turn.say(lt.PERIOD_CLOSED)
        return
    turn.goto(FLOW.code, S.PILIH, period_id=period_id, page=0)
    choose_line(turn, line_id)


def _period(turn: Turn) -> Period:
    period = turn.session.get(Period, turn.data.get("period_id"))
    assert period is not None
    return period


def _line(turn: Turn) -> BudgetLine | None:
    line_id = turn.data.get("line_id")
    return turn.session.get(BudgetLine, line_id) if line_id else None


def show_list(turn: Turn) -> None:
    period = _period(turn)
    lines = _lines(turn, period.year)
    size = turn.list_size(PAGE_SIZE)
    pages = max(1, -(-len(lines) // size))
    page = min(int(turn.data.get("page", 0)), pages - 1)
    text_lines, buttons = [], []
    for line in lines[page * size : (page + 1) * size]:
        assert line.id is not None and period.id is not None
        current = current_budget(session=turn.session, line_id=line.id, period_id=period.id)
        if current is None:
            note, mark = t.NOT_REPORTED, "⏳"
        else:
            rate = absorption(current.amount, line.ceiling)
            note = t.amount_note(
                format_rupiah(current.amount), format_percent(rate) if rate is not None else None
            )
            mark = "✅"
        text_lines.append(t.list_line(mark, line.code, line.name, note))
        buttons.append([(f"{mark} {line.code} {_short(line.name, 28)}", f"{A.LINE}:{line.id}")])
    nav = []
    if page > 0:
        nav.append((lt.BTN_PREV_PAGE, f"{PAGE}:{page - 1}"))
    if page < pages - 1:
        nav.append((lt.BTN_NEXT_PAGE, f"{PAGE}:{page + 1}"))
    if nav:
        buttons.append(nav)
    buttons.append([(t.BTN_EXCEL, A.EXCEL)])
    turn.say(
        t.line_list(lt.period_label(period.year, period.quarter), text_lines, page, pages), buttons
    )


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def choose_line(turn: Turn, line_id: int) -> None:
    period = _period(turn)
    lines = {line.id: line for line in _lines(turn, period.year)}
    line = lines.get(line_id)
    if line is None:
        turn.say(t.NOT_YOURS)
        return
    assert period.id is not None
    current = current_budget(session=turn.session, line_id=line_id, period_id=period.id)
    before = previous_period(session=turn.session, period=period)
    prev = (
        current_budget(session=turn.session, line_id=line_id, period_id=before.id)
        if before and before.id
        else None
    )
    turn.set_step(
        S.JUMLAH,
        line_id=line_id,
        correction=current is not None,
        old=format_rupiah(current.amount) if current else None,
        amount=None,
        reason=None,
        over_ok=False,
    )
    turn.say(
        t.intro(
            line.code,
            line.name,
            lt.period_label(period.year, period.quarter),
            format_rupiah(line.ceiling),
            format_rupiah(prev.amount) if prev else None,
            format_rupiah(current.amount) if current else None,
        ),
        [[(lt.BTN_BACK, BACK_TO_LIST)]],
    )


def on_amount(turn: Turn, text: str) -> None:
    parsed = parse_number(text, field=Field.RUPIAH)
    if parsed.value is None:
        turn.say(texts.esc(explain(parsed)))
        return
    if parsed.value < 0:
        turn.say(lt.NEGATIVE)
        return
    turn.set_step(S.CEK, amount=str(parsed.value))
    if note := read_as(parsed):  # "20 juta": the full figure, before anything else is asked
        turn.say(note)
    checks(turn)


def checks(turn: Turn) -> None:
    line, period = _line(turn), _period(turn)
    assert line is not None and line.id is not None
    amount = Decimal(turn.data["amount"])
    before = previous_period(session=turn.session, period=period)
    prev = (
        current_budget(session=turn.session, line_id=line.id, period_id=before.id)
        if before and before.id
        else None
    )
    if (
        before is not None
        and prev is not None
        and amount < prev.amount
        and not turn.data.get("lower_reason")
    ):
        turn.set_step(S.TURUN)
        turn.say(
            t.lower_than_before(
                quarter_name(before.quarter),
                format_rupiah(prev.amount),
                format_rupiah(amount),
            ),
            [[(t.BTN_CONFIRM_LOWER, A.LOWER_OK), (lt.BTN_REDO, A.REDO)]],
        )
        return
    if amount > line.ceiling and not turn.data.get("over_ok"):
        turn.set_step(S.LEBIH)
        turn.say(
            t.over_ceiling(format_rupiah(amount), format_rupiah(line.ceiling)),
            [[(t.BTN_CONFIRM_OVER, A.OVER_OK), (lt.BTN_REDO, A.REDO)]],
        )
        return
    if turn.data.get("correction") and not turn.data.get("reason"):
        turn.set_step(S.ALASAN)
        turn.say(t.ASK_REASON)
        return
    show_preview(turn)


def show_preview(turn: Turn) -> None:
    line, period = _line(turn), _period(turn)
    assert line is not None
    amount = Decimal(turn.data["amount"])
    rate = absorption(amount, line.ceiling)
    warnings = []
    if amount > line.ceiling:
        warnings.append(t.ABOVE_CEILING_WARNING)
    reason = "; ".join(r for r in (turn.data.get("reason"), turn.data.get("lower_reason")) if r)
    turn.set_step(S.PRATINJAU)
    turn.say(
        t.preview(
            line.code,
            line.name,
            lt.period_label(period.year, period.quarter),
            format_rupiah(amount),
            format_rupiah(line.ceiling),
            format_percent(rate) if rate is not None else "-",
            warnings,
            reason or None,
        ),
        [[(lt.BTN_SAVE, A.SAVE), (lt.BTN_REDO, A.REDO)], [(lt.BTN_CANCEL, "batal")]],
    )


def save(turn: Turn) -> None:
    line, period = _line(turn), _period(turn)
    assert line is not None
    if period.locked:
        turn.clear()
        turn.say(lt.PERIOD_CLOSED)
        return
    amount = Decimal(turn.data["amount"])
    reason = "; ".join(r for r in (turn.data.get("reason"), turn.data.get("lower_reason")) if r)
    row = _save_line(turn, line, period, amount, reason or None, old=turn.data.get("old"))
    rate = absorption(amount, line.ceiling)
    zone = turn.organisation.timezone if turn.organisation else turn.app.default_timezone
    turn.clear()
    turn.say(
        t.receipt(
            line.code,
            line.name,
            lt.period_label(period.year, period.quarter),
            format_rupiah(amount),
            format_percent(rate) if rate is not None else "-",
            row.number,
            local_datetime(turn.now, zone),
        )
    )
    pending = [
        other
        for other in _lines(turn, period.year)
        if other.id != line.id
        and current_budget(session=turn.session, line_id=ident(other), period_id=ident(period))
        is None
    ]
    if not pending:
        turn.say(t.ALL_DONE.format(period=lt.period_label(period.year, period.quarter)))
        return
    following = pending[0]
    turn.say(
        t.next_offer(following.code, following.name),
        [
            [
                (lt.report_button(following.code), f"{A.NEXT}:{period.id}:{following.id}"),
                (lt.BTN_FINISH, "selesai"),
            ]
        ],
        dialog=FLOW.code,
    )


# --- text and files ----------------------------------------------------------------------


def answer_reason(turn: Turn, text: str) -> None:
    if (answer := typed_answer(turn, text)) is not None:
        turn.set_step(S.CEK, reason=answer)
        checks(turn)


def answer_lower_reason(turn: Turn, text: str) -> None:
    if (answer := typed_answer(turn, text)) is not None:
        turn.set_step(S.CEK, lower_reason=answer)
        checks(turn)


def wait_for_workbook(turn: Turn, text: str) -> None:
    turn.say(t.EXCEL_WAITING, [[(lt.BTN_CANCEL, "batal")]])


def file_instead_of_number(turn: Turn, stored: StoredFile | None) -> None:
    turn.say(lt.FILE_INSTEAD_OF_NUMBER)


# --- buttons ----------------------------------------------------------------------------


def report_next(turn: Turn, arg: str) -> None:
    """ "Laporkan <next>" under a receipt: the flow has ended, this opens it again."""
    period_id, _, line_id = arg.partition(":")
    start_on(turn, int(period_id), int(line_id))


def pick_line(turn: Turn, arg: str) -> None:
    choose_line(turn, int(arg))


def redo(turn: Turn, arg: str) -> None:
    """ "Ubah angka" at a warning or the preview: type the amount again. Explicit rather
    than `clears`, which would store None where `over_ok` has always been False."""
    if _line(turn) is None:
        turn.say(texts.STALE_MENU)
        return
    turn.set_step(S.JUMLAH, amount=None, over_ok=False, lower_reason=None)
    turn.say(t.RETYPE)


def confirm_over(turn: Turn, arg: str) -> None:
    turn.set_step(S.CEK, over_ok=True)
    checks(turn)


def confirm_lower(turn: Turn, arg: str) -> None:
    turn.set_step(S.ALASAN_TURUN)
    turn.say(t.ASK_LOWER_REASON)


def press_save(turn: Turn, arg: str) -> None:
    save(turn)


# --- "Isi lewat Excel" --------------------------------------------------------------------

SUMMARY_NAME = 60  # characters of a line's name in the summary
FOREIGN_SHOWN = 20  # cells of other positions' lines named before "…"


def _open_periods(turn: Turn) -> list[Period]:
    org = turn.organisation
    year = (
        reporting_year(session=turn.session, organisation=org, configured=turn.app.year)
        if org
        else None
    )
    if org is None or year is None:
        return []
    return open_periods(
        session=turn.session, organisation=org, year=year, today=turn.local_now().date()
    )


def send_workbook(turn: Turn, arg: str) -> None:
    """The list's "Isi lewat Excel": the quarter's workbook as `sicapai templat --tahun
    --triwulan` writes it, pre-filled with what is saved, so only changed cells change."""
    period, org = _period(turn), turn.organisation
    if org is None or not _lines(turn, period.year):
        turn.clear()
        turn.say(t.NO_DUTY)
        return
    template = build_realisation_template(
        session=turn.session, organisation=org, year=period.year, quarter=period.quarter
    )
    label = lt.period_label(period.year, period.quarter)
    turn.set_step(S.EXCEL, excel_rows=None)
    turn.say_document(
        to_bytes(template.workbook),
        f"realisasi-anggaran-{period.year}-tw{period.quarter}.xlsx",
        t.excel_caption(label, sum(template.counts.values())),
    )
    turn.say(t.excel_how(label), [[(lt.BTN_BACK, BACK_TO_LIST), (lt.BTN_CANCEL, "batal")]])


def take_workbook(turn: Turn, stored: StoredFile | None) -> None:
    """A workbook sent back: `sicapai impor`'s check, then the summary; nothing is written
    here, so every refusal leaves the step waiting for a corrected file."""
    if stored is None:
        turn.say(t.NOT_EXCEL)
        return
    turn.discard(stored)  # read in this turn; the figures, not the file, are what is kept
    org = turn.organisation
    if org is None or not _lines(turn, _period(turn).year):
        turn.clear()
        turn.say(t.NO_DUTY)
        return
    cancel_row = [[(lt.BTN_CANCEL, "batal")]]
    try:
        workbook = open_workbook(Path(stored.path), stored.name)
    except WorkbookError as exc:
        turn.say(t.excel_refused(xt.workbook_error(exc)), cancel_row)
        return
    sheets = set(workbook.sheetnames)
    if INDICATOR_SHEET in sheets or REALISATION_SHEET not in sheets:
        turn.say(t.excel_wrong_kind(stored.name, INDICATOR_SHEET in sheets), cancel_row)
        return
    report = ImportReport(kind=ImportKind.REALISATION, filename=stored.name)
    plan = check_realisation(
        turn.session,
        workbook[REALISATION_SHEET],
        report,
        organisation=org,
        year=None,  # the workbook says which quarter; it must be one open for reporting
        quarter=None,
    )
    if plan is None:
        problems = [f"• {texts.esc(xt.problem(problem))}" for problem in report.problems]
        if report.more:
            problems.append(texts.esc(xt.more_problems(report)))
        for page in paginate(f"<b>{texts.esc(xt.headline(report))}</b>", problems):
            turn.say(page)
        turn.say(t.EXCEL_RESEND, cancel_row)
        return
    period = next(
        (p for p in _open_periods(turn) if (p.year, p.quarter) == (plan.year, plan.quarter)),
        None,
    )
    if period is None:
        turn.say(t.excel_period_closed(lt.period_label(plan.year, plan.quarter)), cancel_row)
        return
    if foreign := _foreign_cells(turn, plan):
        turn.say(t.excel_not_yours(foreign), cancel_row)
        return
    turn.set_step(
        S.EXCEL,
        period_id=period.id,
        excel_rows=[[ident(row.line), str(row.amount), 0] for row in plan.rows],
        excel_file=stored.name,
        excel_skipped=plan.skipped,
        excel_notes=[xt.note(warning) for warning in report.warnings],
    )
    show_summary(turn)


def _foreign_cells(turn: Turn, plan: RealisationPlan) -> list[str]:
    """The cells that would change a line none of the person's positions reports."""
    owned = {p.id for p in reporting_positions(session=turn.session, person_id=turn.person_id)}
    cells = [
        f"{REALISATION_SHEET}!{row.cell} ({row.line.code})"
        for row in plan.rows
        if not row.unchanged and row.line.owner_position_id not in owned
    ]
    return cells[:FOREIGN_SHOWN] + (["…"] if len(cells) > FOREIGN_SHOWN else [])


def show_summary(turn: Turn) -> None:
    """What Simpan would change, against what is saved now; the numbers seen here are the
    ones Simpan's compare-and-set holds to."""
    period = _period(turn)
    assert period.id is not None
    rows: list[list[Any]] = []
    changes: list[str] = []
    unchanged = 0
    for line_id, amount_text, _seen in turn.data.get("excel_rows") or []:
        line = turn.session.get(BudgetLine, line_id)
        assert line is not None
        amount = Decimal(amount_text)
        current = current_budget(session=turn.session, line_id=line_id, period_id=period.id)
        rows.append([line_id, amount_text, current.number if current else 0])
        if current is not None and current.amount == amount:
            unchanged += 1
            continue
        old = format_rupiah(current.amount) if current else None
        changes.append(
            t.change_line(line.code, _short(line.name, SUMMARY_NAME), old, format_rupiah(amount))
        )
    cancel_row = [[(lt.BTN_CANCEL, "batal")]]
    if not changes:
        turn.set_step(S.EXCEL, excel_rows=None)
        turn.say(t.EXCEL_NOTHING_CHANGED, cancel_row)
        return
    turn.set_step(S.RINGKASAN, excel_rows=rows)
    label = lt.period_label(period.year, period.quarter)
    head = t.excel_summary(
        turn.data["excel_file"], label, len(changes), unchanged, turn.data["excel_skipped"]
    )
    turn.say(head + "\n\n" + "\n".join(changes))  # the core splits a long text at a line
    notes = turn.data.get("excel_notes") or []
    if notes:
        turn.say("\n".join([t.EXCEL_WARNINGS, *(f"• {texts.esc(note)}" for note in notes)]))
    turn.say(t.EXCEL_CONFIRM, [[(t.BTN_SAVE_ALL, A.SAVE_EXCEL), (lt.BTN_CANCEL, "batal")]])


def save_workbook(turn: Turn, arg: str) -> None:
    """Simpan under the summary: every changed line in this one transaction, each only if
    its number is still the one the summary showed; otherwise none (`on_conflict`)."""
    period = _period(turn)
    rows = turn.data.get("excel_rows")
    if not rows:
        turn.say(texts.STALE_MENU)
        return
    if period.locked:
        turn.clear()
        turn.say(lt.PERIOD_CLOSED)
        return
    owned = {ident(line) for line in _all_owned_lines(turn, period.year)}
    reason = t.excel_reason(turn.data["excel_file"])
    saved = unchanged = 0
    for line_id, amount_text, seen in rows:
        line = turn.session.get(BudgetLine, line_id)
        assert line is not None and period.id is not None
        amount = Decimal(amount_text)
        current = current_budget(session=turn.session, line_id=line_id, period_id=period.id)
        if (current.number if current else 0) != seen:
            raise Conflict(BUDGET_CHANGED, line_id=line_id, period_id=period.id)
        if current is not None and current.amount == amount:
            unchanged += 1
            continue
        if line_id not in owned:  # the position was handed over since the summary
            turn.clear()
            turn.say(t.NO_DUTY)
            return
        old = format_rupiah(current.amount) if current else None
        _save_line(turn, line, period, amount, reason, old=old, seen=seen)
        saved += 1
    turn.clear()
    turn.say(t.excel_saved(lt.period_label(period.year, period.quarter), saved, unchanged))


def _save_line(
    turn: Turn,
    line: BudgetLine,
    period: Period,
    amount: Decimal,
    reason: str | None,
    *,
    old: str | None,
    seen: int | None = None,
) -> BudgetRealisation:
    """One line's new realisation and its audit entry, the same for a typed figure and a
    workbook row; `seen`: the revision number the person was shown (compare-and-set)."""
    row = save_budget(
        session=turn.session,
        line=line,
        period=period,
        person_id=turn.person_id,
        amount=amount,
        reason=reason,
        now=turn.now,
        seen_number=seen,
    )
    turn.audit(
        "anggaran_disimpan",
        "budget_realisation",
        row.id,
        kode=line.code,
        periode=f"{period.year}-TW{period.quarter}",
        revisi=row.number,
        lama=old,
        baru=format_rupiah(amount),
        alasan=reason,
    )
    return row


def _all_owned_lines(turn: Turn, year: int) -> list[BudgetLine]:
    """Every line (program, kegiatan, sub kegiatan) of the person's positions: the workbook
    carries them all, as `sicapai impor` reads them."""
    owned = {p.id for p in reporting_positions(session=turn.session, person_id=turn.person_id)}
    org = turn.organisation
    if org is None or org.id is None:
        return []
    return [
        line
        for line in budget_lines(session=turn.session, organisation_id=org.id, year=year)
        if line.owner_position_id in owned
    ]


def on_conflict(turn: Turn, conflict: Conflict) -> None:
    """Simpan found a line saved by someone else since the summary: nothing was written;
    the same figures are compared again with what is saved now."""
    if conflict.what == BUDGET_CHANGED and turn.step == S.RINGKASAN and turn.data.get("excel_rows"):
        turn.say(t.EXCEL_CHANGED_MEANWHILE)
        show_summary(turn)
        return
    turn.say(texts.CHANGED_MEANWHILE)


# --- the flow ---------------------------------------------------------------------------

FLOW = Flow(
    code="ag",
    commands=(Command("anggaran", open_anggaran, menu=t.MENU, help=t.HELP, rank=20),),
    steps=(
        # buttons: a line (an action of the flow), paging; the filled workbook, too
        Step(S.PILIH, on_file=take_workbook, files=EXCEL_FILES),
        Step(S.JUMLAH, on_amount, file_instead_of_number, typing=True),
        Step(S.CEK),
        Step(S.TURUN, presses=(Action(A.LOWER_OK, confirm_lower),)),
        Step(S.ALASAN_TURUN, answer_lower_reason),
        Step(S.LEBIH, presses=(Action(A.OVER_OK, confirm_over),)),
        Step(S.ALASAN, answer_reason),
        Step(S.PRATINJAU, presses=(Action(A.SAVE, press_save),)),
        Step(S.EXCEL, wait_for_workbook, take_workbook, files=EXCEL_FILES),
        Step(
            S.RINGKASAN,
            on_file=take_workbook,
            files=EXCEL_FILES,
            presses=(Action(A.SAVE_EXCEL, save_workbook),),
        ),
    ),
    actions=(
        *listing(S.PILIH, show_list),
        Action(A.LINE, pick_line, arg=number),
        Action(A.REDO, redo),
        Action(A.NEXT, report_next, arg=two_numbers, outside=True),
        Action(A.EXCEL, send_workbook),
    ),
    on_conflict=on_conflict,
)
