"""The admin's chat commands: `/admin` (invites, people, deactivation, delegation, quarterly
targets, audit log, unreachable chats), `/kunci` (lock a quarter), `/buka` (unlock one, with a
reason), `/periksa` (consistency check), `/ekspor` (the LKjIP workbook of a quarter) and
`/impor` (load a filled workbook).

Only the office's admins get here: the router refuses their commands to anyone else, and
`allowed` refuses every press of a person who is no longer an admin.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from sqlmodel import col, select

from sicapai.excel.export import build_export
from sicapai.excel.export_data import gather_export
from sicapai.excel.importer import import_workbook
from sicapai.excel.workbook import WorkbookError
from sicapai.excel.writer import to_bytes
from sicapai.handlers import lookups, texts
from sicapai.handlers.flow import (
    Action,
    Audience,
    Command,
    Flow,
    Step,
    number,
    one_of,
    quarter,
)
from sicapai.handlers.port import StoredFile
from sicapai.handlers.reasons import UNLOCK, typed_reason
from sicapai.handlers.shaping import shorten
from sicapai.handlers.texts import admin as t
from sicapai.handlers.texts import excel as xt
from sicapai.handlers.texts import lapor as lt
from sicapai.handlers.texts import periksa
from sicapai.handlers.texts.capaian import paginate
from sicapai.handlers.texts.numbers import explain
from sicapai.handlers.turn import FileRule, Turn
from sicapai.models.admin import (
    deactivate,
    delegate,
    indicator_audit,
    people,
    set_quarter_targets,
)
from sicapai.models.consistency import find_problems
from sicapai.models.guards import Conflict
from sicapai.models.invites import create_invite
from sicapai.models.organisation import Person, Position
from sicapai.models.performance import Indicator, Period
from sicapai.models.reachability import clear_mark, unreachable_chats
from sicapai.models.review import lock, lock_report, pending_changes, unlock
from sicapai.models.seeding import ensure_periods
from sicapai.models.types import ident
from sicapai.reports.dates import local_datetime
from sicapai.reports.numbers import Field, format_number, parse_number
from sicapai.reports.periods import quarter_end, quarter_name

PAGE_SIZE = 8
LABEL_NAME = 30  # characters of a name in a button, shortened as /lapor's are ("…")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXCEL_FILES = FileRule(frozenset({XLSX}), frozenset({".xlsx"}), photos=False, refusal=t.NOT_EXCEL)


class S(StrEnum):
    """The steps; the values are what stored dialog states carry."""

    MENU = "menu"  # /admin's menu
    UNDANG = "undang"  # the position list, then (with position_id) definitif or Plt
    NONAKTIF = "nonaktif"  # the person list, then (with person_id) the confirmation
    DELEGASI = "delegasi"  # the position whose indicators someone else may fill in
    WAKIL = "wakil"  # (position_id) the position that may fill them in
    TARGET = "target"  # the indicator list of the quarterly targets
    TARGET_ANGKA = "target_angka"  # (indicator_id) the four targets typed
    AUDIT = "audit"  # the indicator list of the audit log
    BLOKIR = "blokir"  # the chats marked unreachable, each with its "Hapus tanda" button
    KUNCI = "kunci"  # /kunci: the quarters, then (with period_id) the lock preview
    BUKA = "buka"  # /buka: the locked quarters
    ALASAN_BUKA = "alasan_buka"  # (period_id) the reason for unlocking, typed
    EKSPOR = "ekspor"  # /ekspor: which quarter
    IMPOR = "impor"  # /impor: waiting for the workbook


class A(StrEnum):
    """The buttons' actions; the values are what buttons already sent carry."""

    MENU = "m"  # m:<a list's purpose | orang | blokir>
    PAGE = "pg"  # pg:<purpose>:<page>
    INVITE = "undang"  # undang:<position>
    ACTING = "plt"  # plt:<0 definitif | 1 Plt>
    DEACTIVATE = "nonaktif"  # nonaktif:<person>
    DEACTIVATE_OK = "ya_nonaktif"
    DELEGATE = "delegasi"  # delegasi:<position>
    HELPER = "wakil"  # wakil:<position>
    TARGETS = "target"  # target:<indicator>
    AUDIT = "audit"  # audit:<indicator>
    UNMARK = "pulih"  # pulih:<chat>
    EXPORT = "eq"  # eq:<quarter>
    LOCK_QUARTER = "kq"  # kq:<period>
    LOCK_OK = "kunci_ya"
    UNLOCK_QUARTER = "bq"  # bq:<period>
    UNLOCK_MENU = "buka"  # the admin menu's "Buka kunci"


PEOPLE = "orang"  # m:orang, the list of people (a reply, not a step)
MENU_LISTS = (S.UNDANG, S.NONAKTIF, S.DELEGASI, S.TARGET, S.AUDIT)  # m:<purpose> opens a list
LISTS = frozenset({*MENU_LISTS, S.WAKIL})  # the purposes a paged list may have


def admins_only(turn: Turn) -> bool:
    """Before every press: a person who is no longer an admin is told so."""
    if turn.is_admin():
        return True
    turn.say(t.ONLY_ADMIN)
    return False


def _org_id(turn: Turn) -> int:
    assert turn.organisation is not None and turn.organisation.id is not None
    return turn.organisation.id


def open_admin_menu(turn: Turn, args: str = "") -> None:
    """`/admin`: the menu."""
    turn.goto(FLOW.code, S.MENU)
    turn.say(
        t.MENU,
        [
            [(t.BTN_INVITE, f"{A.MENU}:{S.UNDANG}"), (t.BTN_PEOPLE, f"{A.MENU}:{PEOPLE}")],
            [
                (t.BTN_DEACTIVATE, f"{A.MENU}:{S.NONAKTIF}"),
                (t.BTN_DELEGATE, f"{A.MENU}:{S.DELEGASI}"),
            ],
            [(t.BTN_TARGETS, f"{A.MENU}:{S.TARGET}"), (t.BTN_AUDIT, f"{A.MENU}:{S.AUDIT}")],
            [(t.BTN_UNREACHABLE, f"{A.MENU}:{S.BLOKIR}"), (t.BTN_UNLOCK, A.UNLOCK_MENU)],
        ],
    )


# --- choosing from long lists ----------------------------------------------------------


def list_page(arg: str) -> bool:
    """The argument of "pg": `<purpose>:<page>`, for a list this flow shows."""
    purpose, _, page = arg.partition(":")
    return purpose in LISTS and page.isdigit()


def _pick(turn: Turn, prompt: str, items: list[tuple[str, str]], page: int, purpose: str) -> None:
    """A paged list of buttons; `items` are (label, action)."""
    size = turn.list_size(PAGE_SIZE)
    pages = max(1, -(-len(items) // size))
    page = min(page, pages - 1)
    buttons = [[item] for item in items[page * size : (page + 1) * size]]
    nav = lookups.page_buttons(page, pages, f"{A.PAGE}:{purpose}")
    if nav:
        buttons.append(nav)
    turn.say(prompt, buttons)


def _positions(turn: Turn) -> list[Position]:
    return list(
        turn.session.exec(
            select(Position)
            .where(Position.organisation_id == _org_id(turn))
            .order_by(col(Position.id))
        )
    )


def _indicators(turn: Turn) -> list[Indicator]:
    year = lookups.year(turn)
    return list(
        turn.session.exec(
            select(Indicator)
            .where(Indicator.organisation_id == _org_id(turn), Indicator.year == year)
            .order_by(col(Indicator.code))
        )
    )


def show_list(turn: Turn, purpose: str, page: int = 0) -> None:
    if purpose in (S.UNDANG, S.DELEGASI, S.WAKIL):
        prompt = t.CHOOSE_POSITION
        if purpose == S.WAKIL:
            owner = turn.session.get(Position, turn.data.get("position_id"))
            prompt = t.CHOOSE_DELEGATE.format(position=texts.esc(owner.name if owner else ""))
        items = [(p.name, f"{purpose}:{p.id}") for p in _positions(turn)]
        _pick(turn, prompt, items, page, purpose)
    elif purpose == S.NONAKTIF:
        rows = [r for r in people(session=turn.session, organisation_id=_org_id(turn)) if r.active]
        items = [(r.name, f"{A.DEACTIVATE}:{r.id}") for r in rows]
        _pick(turn, t.CHOOSE_PERSON, items, page, purpose)
    elif purpose in (S.TARGET, S.AUDIT):
        items = [
            (f"{i.code} {shorten(i.name, LABEL_NAME)}", f"{purpose}:{i.id}")
            for i in _indicators(turn)
        ]
        _pick(turn, t.CHOOSE_INDICATOR, items, page, purpose)


def open_from_menu(turn: Turn, arg: str) -> None:
    """A button of `/admin`'s menu."""
    if arg == PEOPLE:
        list_people(turn)
    elif arg == S.BLOKIR:
        list_unreachable(turn)
    else:
        turn.set_step(arg)
        show_list(turn, arg)


def turn_page(turn: Turn, arg: str) -> None:
    purpose, _, page = arg.partition(":")
    show_list(turn, purpose, int(page))


# --- invites, people, unreachable chats ---------------------------------------------------


def choose_invite_position(turn: Turn, arg: str) -> None:
    turn.set_step(S.UNDANG, position_id=int(arg))
    turn.say(t.PLT_OR_NOT, [[("Definitif", f"{A.ACTING}:0"), ("Plt", f"{A.ACTING}:1")]])


def choose_acting(turn: Turn, arg: str) -> None:
    position_id = turn.data.get("position_id")
    if not position_id:
        turn.say(texts.STALE_MENU)
        return
    make_invite(turn, int(position_id), arg == "1")


def make_invite(turn: Turn, position_id: int, acting: bool) -> None:
    position = turn.session.get(Position, position_id)
    if position is None or position.organisation_id != _org_id(turn):
        turn.say(texts.STALE_MENU)
        return
    code = create_invite(
        session=turn.session,
        organisation_id=_org_id(turn),
        position_id=position_id,
        admin=False,
        acting=acting,
        now=turn.now,
        created_by=turn.person_id,
    )
    link = f"https://t.me/{turn.app.bot_username}?start={code}" if turn.app.bot_username else None
    turn.clear()
    turn.say(t.invite(position.name, acting, code, link))


def list_people(turn: Turn) -> None:
    rows = people(session=turn.session, organisation_id=_org_id(turn))
    lines = t.people_lines([(r.name, r.active, r.unreachable, r.positions, r.admin) for r in rows])
    turn.clear()
    for page in paginate("<b>Orang terdaftar</b>", lines or ["Belum ada."]):
        turn.say(page)


def list_unreachable(turn: Turn) -> None:
    rows = unreachable_chats(session=turn.session, organisation_id=_org_id(turn))
    if not rows:
        turn.clear()
        turn.say(t.NOBODY_UNREACHABLE)
        return
    zone = turn.organisation.timezone if turn.organisation else turn.app.default_timezone
    turn.set_step(S.BLOKIR)
    turn.say(
        t.unreachable_list([(r.name, r.channel, local_datetime(r.since, zone)) for r in rows]),
        [
            [(t.unmark_button(shorten(r.name, LABEL_NAME)), f"{A.UNMARK}:{r.chat_id}")]
            for r in rows[:PAGE_SIZE]
        ],
    )


def clear_unreachable(turn: Turn, arg: str) -> None:
    cleared = clear_mark(
        session=turn.session,
        organisation_id=_org_id(turn),
        chat_id=int(arg),
        by=turn.person_id,
        now=turn.now,
    )
    turn.clear()
    if cleared is None:
        turn.say(t.UNREACHABLE_GONE)
        return
    turn.say(t.unreachable_cleared(cleared.name, cleared.channel))


def on_conflict(turn: Turn, conflict: Conflict) -> None:
    """Another admin did the same thing first."""
    turn.clear()
    if conflict.detail.get("period_id"):
        turn.say(t.ALREADY_LOCKED)
    elif conflict.detail.get("unlocked_period_id"):
        turn.say(t.ALREADY_UNLOCKED)
    elif conflict.detail.get("person_id"):
        turn.say(t.ALREADY_DEACTIVATED)
    else:
        turn.say(texts.CHANGED_MEANWHILE)


# --- deactivation and delegation ----------------------------------------------------------


def confirm_deactivate(turn: Turn, arg: str) -> None:
    person_id = int(arg)
    person = turn.session.get(Person, person_id)
    if person is None:
        turn.say(texts.STALE_MENU)
        return
    turn.set_step(S.NONAKTIF, person_id=person_id)
    turn.say(
        t.CONFIRM_DEACTIVATE.format(name=texts.esc(person.name)),
        [[(t.BTN_YES, A.DEACTIVATE_OK)]],
    )


def do_deactivate(turn: Turn, arg: str) -> None:
    person_id = turn.data.get("person_id")
    if not person_id:
        turn.say(texts.STALE_MENU)
        return
    person = deactivate(
        session=turn.session,
        organisation_id=_org_id(turn),
        person_id=int(person_id),
        by=turn.person_id,
        now=turn.now,
    )
    turn.menu_changed = True  # a deactivated admin's own menu loses the admin commands
    turn.clear()
    turn.say(t.deactivated(person.name if person else ""))


def choose_delegated_position(turn: Turn, arg: str) -> None:
    turn.set_step(S.WAKIL, position_id=int(arg))
    show_list(turn, S.WAKIL)


def choose_helper(turn: Turn, arg: str) -> None:
    position_id = turn.data.get("position_id")
    if not position_id:
        turn.say(texts.STALE_MENU)
        return
    owner = turn.session.get(Position, position_id)
    helper = turn.session.get(Position, int(arg))
    made = (
        owner is not None
        and helper is not None
        and delegate(
            session=turn.session,
            organisation_id=_org_id(turn),
            position_id=ident(owner),
            delegate_id=ident(helper),
            by=turn.person_id,
            now=turn.now,
        )
    )
    turn.clear()
    if made and owner is not None and helper is not None:
        turn.say(t.delegated(helper.name, owner.name))
    else:
        turn.say(t.DELEGATION_EXISTS)


# --- quarterly targets and the audit log --------------------------------------------------


def ask_targets(turn: Turn, arg: str) -> None:
    indicator_id = int(arg)
    indicator = turn.session.get(Indicator, indicator_id)
    if indicator is None or indicator.organisation_id != _org_id(turn):
        turn.say(texts.STALE_MENU)
        return
    turn.set_step(S.TARGET_ANGKA, indicator_id=indicator_id)
    yearly = lt.show_figure(indicator.kind, indicator.unit_label, indicator.target)
    turn.say(t.ASK_TARGETS.format(code=texts.esc(indicator.code), yearly=yearly))


def save_targets(turn: Turn, text: str) -> None:
    indicator_id = turn.data.get("indicator_id")
    indicator = turn.session.get(Indicator, int(indicator_id)) if indicator_id else None
    if indicator is None or indicator.organisation_id != _org_id(turn):
        turn.say(texts.STALE_MENU)
        return
    parts = [p.strip() for p in text.split(";")]
    if len(parts) != 4:
        turn.say(t.TARGETS_BAD)
        return
    field = Field.PERCENT if indicator.unit_label.lower() == "persen" else Field.NUMBER
    values: dict[int, Decimal] = {}
    for which, part in enumerate(parts, start=1):
        parsed = parse_number(part, field=field)
        if parsed.value is None or parsed.value < 0:
            turn.say(t.quarter_target_problem(quarter_name(which), explain(parsed)))
            return
        values[which] = parsed.value
    set_quarter_targets(
        session=turn.session, indicator=indicator, targets=values, by=turn.person_id, now=turn.now
    )
    turn.clear()
    shown = "; ".join(format_number(v) for v in values.values())
    turn.say(t.targets_saved(indicator.code, shown))


def show_audit(turn: Turn, arg: str) -> None:
    indicator = turn.session.get(Indicator, int(arg))
    if indicator is None or indicator.organisation_id != _org_id(turn):
        turn.say(texts.STALE_MENU)
        return
    zone = turn.organisation.timezone if turn.organisation else turn.app.default_timezone
    entries = []
    for row in indicator_audit(session=turn.session, indicator=indicator):
        person = turn.session.get(Person, row.person_id) if row.person_id else None
        detail = ", ".join(
            f"{k}={v}" for k, v in (row.detail or {}).items() if k != "indikator" and v is not None
        )
        entries.append(
            (
                local_datetime(row.at, zone),
                person.name if person else "sistem",
                f"{row.action} ({detail})",
            )
        )
    turn.clear()
    for page in paginate(f"<b>{texts.esc(indicator.code)}</b>", [t.audit_lines(entries)]):
        turn.say(page)


# --- /kunci and /periksa ----------------------------------------------------------------


def _lockable(turn: Turn) -> list[Period]:
    org, year = turn.organisation, lookups.year(turn)
    if org is None or year is None:
        return []
    today = turn.local_now().date()
    return [
        p
        for q, p in sorted(ensure_periods(turn.session, org, year).items())
        if not p.locked and quarter_end(year, q) < today
    ]


def start_lock(turn: Turn, args: str = "") -> None:
    """`/kunci`: the quarters that have ended and are not locked yet."""
    periods = _lockable(turn)
    if not periods:
        turn.say(t.NOTHING_TO_LOCK)
        return
    turn.goto(FLOW.code, S.KUNCI)
    turn.say(
        t.CHOOSE_QUARTER,
        [[(f"{quarter_name(p.quarter)} {p.year}", f"{A.LOCK_QUARTER}:{p.id}") for p in periods]],
    )


def preview_lock(turn: Turn, arg: str) -> None:
    period_id = int(arg)
    period = next((p for p in _lockable(turn) if p.id == period_id), None)
    if period is None:
        turn.say(texts.STALE_MENU)
        return
    report = lock_report(session=turn.session, period=period)
    turn.set_step(S.KUNCI, period_id=period_id)
    turn.say(
        t.lock_preview(
            lt.period_label(period.year, period.quarter), report.missing, report.unreviewed
        ),
        [[(t.BTN_LOCK, A.LOCK_OK), (t.BTN_CANCEL, "batal")]],
    )


def do_lock(turn: Turn, arg: str) -> None:
    period = next((p for p in _lockable(turn) if p.id == turn.data.get("period_id")), None)
    if period is None:
        turn.say(texts.STALE_MENU)
        return
    lock(session=turn.session, period=period, person_id=turn.person_id, now=turn.now)
    turn.clear()
    turn.say(t.locked(lt.period_label(period.year, period.quarter)))


def _locked(turn: Turn) -> list[Period]:
    org, year = turn.organisation, lookups.year(turn)
    if org is None or year is None:
        return []
    return [p for _, p in sorted(ensure_periods(turn.session, org, year).items()) if p.locked]


def start_unlock(turn: Turn, args: str = "") -> None:
    """`/buka` (and the admin menu's button): the locked quarters of the reporting year."""
    periods = _locked(turn)
    if not periods:
        turn.clear()
        turn.say(t.NOTHING_TO_UNLOCK)
        return
    turn.goto(FLOW.code, S.BUKA)
    turn.say(
        t.CHOOSE_QUARTER_TO_UNLOCK,
        [
            [
                (f"{quarter_name(p.quarter)} {p.year}", f"{A.UNLOCK_QUARTER}:{p.id}")
                for p in periods
            ],
            [(t.BTN_CANCEL, "batal")],
        ],
    )


def open_unlock_from_menu(turn: Turn, arg: str) -> None:
    start_unlock(turn)


def ask_unlock_reason(turn: Turn, arg: str) -> None:
    period = next((p for p in _locked(turn) if p.id == int(arg)), None)
    if period is None:
        turn.say(texts.STALE_MENU)
        return
    waiting = _pending_in(turn, period)
    turn.set_step(S.ALASAN_BUKA, period_id=ident(period))
    turn.say(
        t.ask_unlock_reason(lt.period_label(period.year, period.quarter), waiting),
        [[(t.BTN_CANCEL, "batal")]],
    )


def _pending_in(turn: Turn, period: Period) -> int:
    return sum(
        1
        for change in pending_changes(session=turn.session, organisation_id=_org_id(turn))
        if change.period_id == period.id
    )


def do_unlock(turn: Turn, text: str) -> None:
    """The typed reason: the quarter is opened again, the reason kept in the audit log.

    Change requests waiting on the quarter stay waiting: the admin still decides them in
    /verifikasi, and nothing the reporters asked for is applied or dropped silently."""
    period = next((p for p in _locked(turn) if p.id == turn.data.get("period_id")), None)
    if period is None:
        turn.clear()
        turn.say(t.ALREADY_UNLOCKED)
        return
    if (reason := typed_reason(turn, text, UNLOCK)) is None:
        return
    unlock(
        session=turn.session, period=period, person_id=turn.person_id, now=turn.now, reason=reason
    )
    turn.clear()
    turn.say(t.unlocked(lt.period_label(period.year, period.quarter), _pending_in(turn, period)))


def start_check(turn: Turn, args: str = "") -> None:
    """`/periksa`: the consistency check of the reporting year, in chat."""
    org, year = turn.organisation, lookups.year(turn)
    assert org is not None
    if year is None:
        turn.say(lt.NO_PK)
        return
    findings = find_problems(session=turn.session, organisation=org, year=year)
    if not findings:
        turn.say(t.NO_PROBLEMS.format(year=year))
        return
    for page in paginate(
        f"<b>Pemeriksaan {year}</b>: {len(findings)} temuan",
        [f"• {texts.esc(periksa.finding(f))}" for f in findings],
    ):
        turn.say(page)


# --- /ekspor and /impor -------------------------------------------------------------------


def start_export(turn: Turn, args: str = "") -> None:
    """`/ekspor`: which quarter's LKjIP tables to send."""
    year = lookups.year(turn)
    if year is None:
        turn.say(lt.NO_PK)
        return
    turn.goto(FLOW.code, S.EKSPOR)
    turn.say(
        t.CHOOSE_QUARTER,
        [[(f"{quarter_name(q)} {year}", f"{A.EXPORT}:{q}") for q in (1, 2, 3, 4)]],
    )


def export(turn: Turn, arg: str) -> None:
    chosen = int(arg)
    org, year = turn.organisation, lookups.year(turn)
    assert org is not None and year is not None
    data = gather_export(session=turn.session, organisation=org, year=year, quarter=chosen)
    content = to_bytes(build_export(data))
    turn.clear()
    turn.say_document(
        content,
        f"lkjip-{year}-tw{chosen}.xlsx",
        t.exported(lt.period_label(year, chosen)),
    )


def start_import(turn: Turn, args: str = "") -> None:
    """`/impor`: wait for a filled workbook."""
    turn.goto(FLOW.code, S.IMPOR)
    turn.say(t.ASK_WORKBOOK)


def take_workbook(turn: Turn, stored: StoredFile | None) -> None:
    if stored is None:
        turn.say(texts.FILE_NOT_EXPECTED)
        return
    load_workbook_file(turn, stored)


def load_workbook_file(turn: Turn, stored: StoredFile) -> None:
    org = turn.organisation
    try:
        report = import_workbook(
            turn.session,
            Path(stored.path),
            organisation=org,
            year=None,
            quarter=None,
            person_id=turn.person_id,
            filename=stored.name,
            now=turn.now,
        )
    except WorkbookError as exc:
        turn.say(xt.refusal(exc))
        return
    if not report.ok:
        lines = [f"• {texts.esc(xt.problem(problem))}" for problem in report.problems]
        if report.more:
            lines.append(texts.esc(xt.more_problems(report)))
        for page in paginate(f"<b>{texts.esc(xt.headline(report))}</b>", lines):
            turn.say(page)
        turn.say(t.FIX_AND_RESEND)
        return
    turn.audit("berkas_diimpor", "workbook", None, berkas=stored.name, jenis=report.kind.value)
    turn.clear()
    notes = [f"• {texts.esc(xt.note(w))}" for w in report.warnings]
    for page in paginate(f"✅ {texts.esc(xt.headline(report))}", notes):
        turn.say(page)


# --- the flow ---------------------------------------------------------------------------

ADMINS = Audience.ADMINS

FLOW = Flow(
    code="ad",
    commands=(
        Command("admin", open_admin_menu, t.MENU_ADMIN, t.HELP_ADMIN, ADMINS, rank=80),
        Command("kunci", start_lock, t.MENU_KUNCI, t.HELP_KUNCI, ADMINS, rank=81),
        Command("buka", start_unlock, t.MENU_BUKA, t.HELP_BUKA, ADMINS, rank=81),
        Command("periksa", start_check, t.MENU_PERIKSA, t.HELP_PERIKSA, ADMINS, rank=82),
        Command("ekspor", start_export, t.MENU_EKSPOR, t.HELP_EKSPOR, ADMINS, rank=83),
        Command("impor", start_import, t.MENU_IMPOR, t.HELP_IMPOR, ADMINS, rank=84),
    ),
    steps=(
        Step(S.MENU),
        Step(S.UNDANG, presses=(Action(A.ACTING, choose_acting, arg=one_of("0", "1")),)),
        Step(S.NONAKTIF, presses=(Action(A.DEACTIVATE_OK, do_deactivate),)),
        Step(S.DELEGASI),
        Step(S.WAKIL),
        Step(S.TARGET),  # the list: a typed number is a button's in the terminal
        Step(S.TARGET_ANGKA, on_text=save_targets, typing=True),
        Step(S.AUDIT),
        Step(S.BLOKIR, presses=(Action(A.UNMARK, clear_unreachable, arg=number),)),
        Step(S.KUNCI, presses=(Action(A.LOCK_OK, do_lock),)),
        Step(S.BUKA, presses=(Action(A.UNLOCK_QUARTER, ask_unlock_reason, arg=number),)),
        Step(S.ALASAN_BUKA, on_text=do_unlock),
        Step(S.EKSPOR, presses=(Action(A.EXPORT, export, arg=quarter),)),
        Step(S.IMPOR, on_file=take_workbook, files=EXCEL_FILES),
    ),
    actions=(
        Action(A.MENU, open_from_menu, arg=one_of(*MENU_LISTS, PEOPLE, S.BLOKIR)),
        Action(A.PAGE, turn_page, arg=list_page),
        Action(A.INVITE, choose_invite_position, arg=number),
        Action(A.DEACTIVATE, confirm_deactivate, arg=number),
        Action(A.DELEGATE, choose_delegated_position, arg=number),
        Action(A.HELPER, choose_helper, arg=number),
        Action(A.TARGETS, ask_targets, arg=number),
        Action(A.AUDIT, show_audit, arg=number),
        Action(A.LOCK_QUARTER, preview_lock, arg=number),
        Action(A.UNLOCK_MENU, open_unlock_from_menu),
    ),
    on_conflict=on_conflict,
    allowed=admins_only,
)
