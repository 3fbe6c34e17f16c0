"""The admin's chat commands: `/admin` (invites, people, deactivation, delegation, quarterly
targets, audit log), `/kunci` (lock a quarter), `/periksa` (consistency check)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlmodel import col, select

from sicapai.excel.export import build_export
from sicapai.excel.export_data import gather_export
from sicapai.excel.importer import import_workbook
from sicapai.excel.workbook import WorkbookError
from sicapai.excel.writer import to_bytes
from sicapai.handlers import lookups, texts
from sicapai.handlers.port import StoredFile
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
from sicapai.models.people import is_admin
from sicapai.models.performance import Indicator, Period
from sicapai.models.reachability import clear_mark, unreachable_chats
from sicapai.models.review import lock, lock_report
from sicapai.models.seeding import ensure_periods
from sicapai.models.types import ident
from sicapai.reports.dates import local_datetime
from sicapai.reports.numbers import Field, format_number, parse_number
from sicapai.reports.periods import quarter_end, quarter_name

CODE = "ad"
FIGURE_STEPS = frozenset({"target"})
PAGE_SIZE = 8
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_RULE = FileRule(frozenset({XLSX}), frozenset({".xlsx"}), photos=False, refusal=t.NOT_EXCEL)


def accepts_file(step: str | None) -> bool:
    return step == "impor"


def _admin(turn: Turn) -> bool:
    org = turn.organisation
    if org is None or not is_admin(
        session=turn.session, person_id=turn.person_id, organisation_id=org.id
    ):
        turn.say(t.ONLY_ADMIN)
        return False
    return True


def _org_id(turn: Turn) -> int:
    assert turn.organisation is not None and turn.organisation.id is not None
    return turn.organisation.id


def start(turn: Turn, args: str = "") -> None:
    if not _admin(turn):
        return
    turn.goto(CODE, "menu")
    turn.say(
        t.MENU,
        [
            [(t.BTN_INVITE, "m:undang"), (t.BTN_PEOPLE, "m:orang")],
            [(t.BTN_DEACTIVATE, "m:nonaktif"), (t.BTN_DELEGATE, "m:delegasi")],
            [(t.BTN_TARGETS, "m:target"), (t.BTN_AUDIT, "m:audit")],
            [(t.BTN_UNREACHABLE, "m:blokir")],
        ],
    )


# --- choosing from long lists ----------------------------------------------------------


def _pick(turn: Turn, prompt: str, items: list[tuple[str, str]], page: int, purpose: str) -> None:
    """A paged list of buttons; `items` are (label, action)."""
    pages = max(1, -(-len(items) // PAGE_SIZE))
    page = min(page, pages - 1)
    buttons = [[item] for item in items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]]
    nav = lookups.page_buttons(page, pages, f"pg:{purpose}")
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
    if purpose in ("undang", "delegasi", "wakil"):
        prompt = t.CHOOSE_POSITION
        if purpose == "wakil":
            owner = turn.session.get(Position, turn.data.get("position_id"))
            prompt = t.CHOOSE_DELEGATE.format(position=texts.esc(owner.name if owner else ""))
        items = [(p.name[:40], f"{purpose}:{p.id}") for p in _positions(turn)]
        _pick(turn, prompt, items, page, purpose)
    elif purpose == "nonaktif":
        rows = [r for r in people(session=turn.session, organisation_id=_org_id(turn)) if r.active]
        _pick(
            turn, t.CHOOSE_PERSON, [(r.name[:40], f"nonaktif:{r.id}") for r in rows], page, purpose
        )
    elif purpose in ("target", "audit"):
        items = [(f"{i.code} {i.name[:30]}", f"{purpose}:{i.id}") for i in _indicators(turn)]
        _pick(turn, t.CHOOSE_INDICATOR, items, page, purpose)


# --- the actions ------------------------------------------------------------------------


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
    turn.set_step("blokir")
    turn.say(
        t.unreachable_list([(r.name, r.channel, local_datetime(r.since, zone)) for r in rows]),
        [[(f"Hapus tanda {r.name[:30]}", f"pulih:{r.chat_id}")] for r in rows[:PAGE_SIZE]],
    )


def clear_unreachable(turn: Turn, chat_id: int) -> None:
    cleared = clear_mark(
        session=turn.session,
        organisation_id=_org_id(turn),
        chat_id=chat_id,
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
    elif conflict.detail.get("person_id"):
        turn.say(t.ALREADY_DEACTIVATED)
    else:
        turn.say(texts.CHANGED_MEANWHILE)


def confirm_deactivate(turn: Turn, person_id: int) -> None:
    person = turn.session.get(Person, person_id)
    if person is None:
        turn.say(texts.STALE_MENU)
        return
    turn.set_step("nonaktif", person_id=person_id)
    turn.say(
        t.CONFIRM_DEACTIVATE.format(name=texts.esc(person.name)), [[(t.BTN_YES, "ya_nonaktif")]]
    )


def ask_targets(turn: Turn, indicator_id: int) -> None:
    indicator = turn.session.get(Indicator, indicator_id)
    if indicator is None or indicator.organisation_id != _org_id(turn):
        turn.say(texts.STALE_MENU)
        return
    turn.set_step("target", indicator_id=indicator_id)
    yearly = lt.show_figure(indicator.kind, indicator.unit_label, indicator.target)
    turn.say(t.ASK_TARGETS.format(code=texts.esc(indicator.code), yearly=yearly))


def save_targets(turn: Turn, text: str) -> None:
    indicator = turn.session.get(Indicator, turn.data.get("indicator_id"))
    parts = [p.strip() for p in text.split(";")]
    if indicator is None or len(parts) != 4:
        turn.say(t.TARGETS_BAD)
        return
    field = Field.PERCENT if indicator.unit_label.lower() == "persen" else Field.NUMBER
    values: dict[int, Decimal] = {}
    for quarter, part in enumerate(parts, start=1):
        parsed = parse_number(part, field=field)
        if parsed.value is None or parsed.value < 0:
            turn.say(t.quarter_target_problem(quarter_name(quarter), explain(parsed)))
            return
        values[quarter] = parsed.value
    set_quarter_targets(
        session=turn.session, indicator=indicator, targets=values, by=turn.person_id, now=turn.now
    )
    turn.clear()
    shown = "; ".join(format_number(v) for v in values.values())
    turn.say(t.targets_saved(indicator.code, shown))


def show_audit(turn: Turn, indicator_id: int) -> None:
    indicator = turn.session.get(Indicator, indicator_id)
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
    if not _admin(turn):
        return
    periods = _lockable(turn)
    if not periods:
        turn.say(t.NOTHING_TO_LOCK)
        return
    turn.goto(CODE, "kunci")
    turn.say(
        t.CHOOSE_QUARTER, [[(f"{quarter_name(p.quarter)} {p.year}", f"kq:{p.id}") for p in periods]]
    )


def preview_lock(turn: Turn, period_id: int) -> None:
    period = next((p for p in _lockable(turn) if p.id == period_id), None)
    if period is None:
        turn.say(texts.STALE_MENU)
        return
    report = lock_report(session=turn.session, period=period)
    turn.set_step("kunci", period_id=period_id)
    turn.say(
        t.lock_preview(
            lt.period_label(period.year, period.quarter), report.missing, report.unreviewed
        ),
        [[(t.BTN_LOCK, "kunci_ya")]],
    )


def do_lock(turn: Turn) -> None:
    period = next((p for p in _lockable(turn) if p.id == turn.data.get("period_id")), None)
    if period is None:
        turn.say(texts.STALE_MENU)
        return
    lock(session=turn.session, period=period, person_id=turn.person_id, now=turn.now)
    turn.clear()
    turn.say(t.locked(lt.period_label(period.year, period.quarter)))


def start_check(turn: Turn, args: str = "") -> None:
    if not _admin(turn):
        return
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


# --- routing ----------------------------------------------------------------------------


def on_press(turn: Turn, action: str) -> None:
    if turn.dialog != CODE or not _admin(turn):
        turn.say(texts.STALE_MENU)
        return
    name, _, arg = action.partition(":")
    step = turn.step
    if name == "m" and arg in ("undang", "nonaktif", "delegasi", "target", "audit"):
        turn.set_step(arg)
        show_list(turn, arg)
    elif name == "m" and arg == "orang":
        list_people(turn)
    elif name == "m" and arg == "blokir":
        list_unreachable(turn)
    elif name == "pulih" and arg.isdigit() and step == "blokir":
        clear_unreachable(turn, int(arg))
    elif name == "pg":
        purpose, _, page = arg.partition(":")
        if page.isdigit():
            show_list(turn, purpose, int(page))
    elif name == "undang" and arg.isdigit():
        turn.set_step("undang", position_id=int(arg))
        turn.say(t.PLT_OR_NOT, [[("Definitif", "plt:0"), ("Plt", "plt:1")]])
    elif name == "plt" and step == "undang" and turn.data.get("position_id"):
        make_invite(turn, int(turn.data["position_id"]), arg == "1")
    elif name == "nonaktif" and arg.isdigit():
        confirm_deactivate(turn, int(arg))
    elif name == "ya_nonaktif" and step == "nonaktif":
        person = deactivate(
            session=turn.session,
            organisation_id=_org_id(turn),
            person_id=int(turn.data["person_id"]),
            by=turn.person_id,
            now=turn.now,
        )
        turn.clear()
        turn.say(t.deactivated(person.name if person else ""))
    elif name == "delegasi" and arg.isdigit():
        turn.set_step("wakil", position_id=int(arg))
        show_list(turn, "wakil")
    elif name == "wakil" and arg.isdigit() and turn.data.get("position_id"):
        owner = turn.session.get(Position, turn.data["position_id"])
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
    elif name == "target" and arg.isdigit():
        ask_targets(turn, int(arg))
    elif name == "audit" and arg.isdigit():
        show_audit(turn, int(arg))
    elif name == "eq" and arg in {"1", "2", "3", "4"} and step == "ekspor":
        export(turn, int(arg))
    elif name == "kq" and arg.isdigit():
        preview_lock(turn, int(arg))
    elif name == "kunci_ya" and step == "kunci":
        do_lock(turn)
    else:
        turn.say(texts.STALE_MENU)


def on_text(turn: Turn, text: str) -> None:
    if turn.step == "target":
        save_targets(turn, text)
    else:
        turn.say(lt.PRESS_A_BUTTON)


def on_file(turn: Turn, stored: StoredFile | None) -> None:
    if turn.step != "impor" or stored is None:
        turn.say(texts.FILE_NOT_EXPECTED)
        return
    load_workbook_file(turn, stored)


# --- /ekspor and /impor -------------------------------------------------------------------


def start_export(turn: Turn, args: str = "") -> None:
    if not _admin(turn):
        return
    year = lookups.year(turn)
    if year is None:
        turn.say(lt.NO_PK)
        return
    turn.goto(CODE, "ekspor")
    turn.say(
        t.CHOOSE_QUARTER,
        [[(f"{quarter_name(q)} {year}", f"eq:{q}") for q in (1, 2, 3, 4)]],
    )


def export(turn: Turn, quarter: int) -> None:
    org, year = turn.organisation, lookups.year(turn)
    assert org is not None and year is not None
    data = gather_export(session=turn.session, organisation=org, year=year, quarter=quarter)
    content = to_bytes(build_export(data))
    turn.clear()
    turn.say_document(
        content,
        f"lkjip-{year}-tw{quarter}.xlsx",
        t.exported(lt.period_label(year, quarter)),
    )


def start_import(turn: Turn, args: str = "") -> None:
    if not _admin(turn):
        return
    turn.goto(CODE, "impor")
    turn.say(t.ASK_WORKBOOK)


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
