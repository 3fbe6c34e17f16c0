"""The admin's yearly-cycle commands from the command line: lock a quarter, list people,
deactivate one, delegate entry, set quarterly targets, read an indicator's audit log."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from sicapai.bot.cli_common import (
    Subcommands,
    UserError,
    open_engine,
    quarter_arg,
    whole_number,
    year_arg,
)
from sicapai.bot.commands_chat import _position
from sicapai.bot.commands_excel import _check_out, _write
from sicapai.bot.settings import Settings
from sicapai.excel.writer import Column, new_workbook, to_bytes, write_table
from sicapai.handlers.reasons import is_sentence
from sicapai.handlers.texts import cli as cli_texts
from sicapai.handlers.texts.numbers import explain
from sicapai.handlers.texts.pengingat import channel_name
from sicapai.models.admin import (
    TrailEntry,
    deactivate,
    delegate,
    indicator_trail,
    people,
    set_quarter_targets,
)
from sicapai.models.db import transaction
from sicapai.models.guards import Conflict
from sicapai.models.organisation import Organisation, Person
from sicapai.models.performance import Indicator, Period
from sicapai.models.queries import get_period, resolve_organisation
from sicapai.models.reachability import clear_mark, unreachable_chats
from sicapai.models.review import lock, lock_report, pending_changes, unlock
from sicapai.models.types import ident, utcnow
from sicapai.reports.dates import local_datetime
from sicapai.reports.numbers import Field, format_number, parse_number
from sicapai.reports.periods import quarter_name


def _org(session: Session, args: argparse.Namespace) -> Organisation:
    org = resolve_organisation(session=session, code=args.organisasi)
    assert org.id is not None
    return org


def _period(session: Session, args: argparse.Namespace) -> tuple[Period, str]:
    org = _org(session, args)
    label = f"{quarter_name(args.triwulan)} {args.tahun}"
    period = get_period(
        session=session, organisation_id=ident(org), year=args.tahun, quarter=args.triwulan
    )
    if period is None:
        raise UserError(cli_texts.period_missing(label))
    return period, label


def _confirmed(label: str) -> bool:
    """The admin's y/t at the terminal; end of input is a no."""
    prompt = cli_texts.confirm_lock(label)
    while True:
        try:
            answer = input(prompt).strip().lower()
        except EOFError:
            print()
            return False
        if answer in cli_texts.ANSWER_YES:
            return True
        if answer in cli_texts.ANSWER_NO:
            return False
        prompt = cli_texts.ANSWER_AGAIN


def cmd_kunci(args: argparse.Namespace, settings: Settings) -> int:
    """List what is missing, then lock only once the admin said so (`--ya` or y at the
    terminal): an admin who only wanted to see what is missing must not lock by accident."""
    engine = open_engine(settings.database_url)
    try:
        with Session(engine) as session:
            period, label = _period(session, args)
            if period.locked:
                print(cli_texts.already_locked(label))
                return 0
            report = lock_report(session=session, period=period)
        print(cli_texts.before_locking(label, report.missing, report.unreviewed))
        if not args.ya:
            if not sys.stdin.isatty():
                print(cli_texts.lock_needs_yes(label, args.tahun, args.triwulan), file=sys.stderr)
                return 1
            if not _confirmed(label):
                print(cli_texts.lock_cancelled(label))
                return 1
        with transaction(engine) as session:
            period, label = _period(session, args)
            try:
                lock(session=session, period=period, person_id=None, now=utcnow())
            except Conflict:
                raise UserError(cli_texts.locked_meanwhile(label)) from None
        print(cli_texts.locked_now(label))
    finally:
        engine.dispose()
    return 0


def cmd_buka(args: argparse.Namespace, settings: Settings) -> int:
    """Unlock a quarter with a reason kept in the audit log; waiting change requests stay
    waiting, and the quarter's reminders resume for whoever has not reported."""
    reason = " ".join(args.alasan.split())
    if not is_sentence(reason):
        raise UserError(cli_texts.reason_too_short())
    engine = open_engine(settings.database_url)
    try:
        with transaction(engine) as session:
            period, label = _period(session, args)
            if not period.locked:
                raise UserError(cli_texts.not_locked(label))
            try:
                unlock(session=session, period=period, person_id=None, now=utcnow(), reason=reason)
            except Conflict:
                raise UserError(cli_texts.not_locked(label)) from None
            pending = [
                change
                for change in pending_changes(
                    session=session, organisation_id=period.organisation_id
                )
                if change.period_id == period.id
            ]
            missing = lock_report(session=session, period=period).missing
    finally:
        engine.dispose()
    print(cli_texts.unlocked(label, len(pending), len(missing)))
    return 0


def cmd_orang(args: argparse.Namespace, settings: Settings) -> int:
    engine = open_engine(settings.database_url)
    try:
        with Session(engine) as session:
            org = _org(session, args)
            rows = people(session=session, organisation_id=ident(org))
    finally:
        engine.dispose()
    if not rows:
        print("Belum ada orang terdaftar.")
    for row in rows:
        flags = [
            f
            for f, on in (
                ("nonaktif", not row.active),
                ("tak terjangkau", row.unreachable),
                ("admin", row.admin),
            )
            if on
        ]
        extra = f" [{', '.join(flags)}]" if flags else ""
        print(f"{row.id:>4}  {row.name}{extra} — {'; '.join(row.positions) or 'tanpa jabatan'}")
    return 0


def cmd_nonaktifkan(args: argparse.Namespace, settings: Settings) -> int:
    engine = open_engine(settings.database_url)
    try:
        with transaction(engine) as session:
            org = _org(session, args)
            person = session.get(Person, args.orang)
            known = {r.id for r in people(session=session, organisation_id=ident(org))}
            if person is None or args.orang not in known:
                raise UserError(
                    f"orang dengan nomor {args.orang} tidak ada (lihat `sicapai orang`)"
                )
            try:
                deactivate(
                    session=session,
                    organisation_id=ident(org),
                    person_id=args.orang,
                    by=None,
                    now=utcnow(),
                )
            except Conflict:
                print(f"{person.name} sudah nonaktif sebelumnya.")
                return 0
            print(f"{person.name} dinonaktifkan; data laporannya tetap tersimpan.")
    finally:
        engine.dispose()
    return 0


def cmd_terblokir(args: argparse.Namespace, settings: Settings) -> int:
    """The chats that refused delivery; `--hapus N` lifts a mark once the person unblocked."""
    engine = open_engine(settings.database_url)
    try:
        with transaction(engine) as session:
            org = _org(session, args)
            if args.hapus is not None:
                cleared = clear_mark(
                    session=session,
                    organisation_id=ident(org),
                    chat_id=args.hapus,
                    by=None,
                    now=utcnow(),
                )
                if cleared is None:
                    raise UserError(
                        f"tidak ada tanda nomor {args.hapus} (lihat `sicapai terblokir`)"
                    )
                print(
                    f"Tanda untuk {cleared.name} ({channel_name(cleared.channel)}) dihapus; "
                    "pengingat dan pemberitahuan dikirim lagi."
                )
                return 0
            rows = unreachable_chats(session=session, organisation_id=ident(org))
    finally:
        engine.dispose()
    if not rows:
        print("Semua orang dapat dihubungi bot.")
        return 0
    print("Tidak dapat dihubungi (bot diblokir atau chat ditutup):")
    for row in rows:
        when = local_datetime(row.since, org.timezone)
        print(f"{row.chat_id:>4}  {row.name} — {channel_name(row.channel)}, sejak {when}")
    print("Hapus tanda dengan `sicapai terblokir --hapus NOMOR` setelah blokirnya dibuka.")
    return 0


def cmd_delegasi(args: argparse.Namespace, settings: Settings) -> int:
    engine = open_engine(settings.database_url)
    try:
        with transaction(engine) as session:
            org = _org(session, args)
            owner = _position(session, ident(org), args.jabatan)
            helper = _position(session, ident(org), args.oleh)
            made = delegate(
                session=session,
                organisation_id=ident(org),
                position_id=ident(owner),
                delegate_id=ident(helper),
                by=None,
                now=utcnow(),
            )
            if made:
                print(f"{helper.name} kini dapat mengisi indikator {owner.name}.")
            else:
                print("Delegasi itu sudah ada.")
    finally:
        engine.dispose()
    return 0


def _indicator(session: Session, org: Organisation, year: int, code: str) -> Indicator:
    indicator = session.exec(
        select(Indicator).where(
            Indicator.organisation_id == org.id,
            Indicator.year == year,
            Indicator.code == code.upper(),
        )
    ).first()
    if indicator is None:
        raise UserError(f"indikator {code!r} tidak ada di PK {year}")
    return indicator


def cmd_target(args: argparse.Namespace, settings: Settings) -> int:
    parts = [p.strip() for p in args.target.split(";")]
    if len(parts) != 4:
        raise UserError(
            '--target harus empat angka dipisah titik koma, mis. "250; 500; 750; 1.000"'
        )
    engine = open_engine(settings.database_url)
    try:
        with transaction(engine) as session:
            org = _org(session, args)
            indicator = _indicator(session, org, args.tahun, args.indikator)
            field = Field.PERCENT if indicator.unit_label.lower() == "persen" else Field.NUMBER
            values: dict[int, Decimal] = {}
            for quarter, part in enumerate(parts, start=1):
                parsed = parse_number(part, field=field)
                if parsed.value is None or parsed.value < 0:
                    raise UserError(
                        f"{quarter_name(quarter)}: {explain(parsed) or 'angka negatif'}"
                    )
                values[quarter] = parsed.value
            set_quarter_targets(
                session=session, indicator=indicator, targets=values, by=None, now=utcnow()
            )
            shown = "; ".join(format_number(v) for v in values.values())
            print(f"Target triwulan {indicator.code} disimpan: {shown}.")
    finally:
        engine.dispose()
    return 0


@dataclass(frozen=True)
class AuditRow:
    """One entry of the trail, worded: the same fields for the lines and the workbook."""

    at: datetime  # the office's local time
    when: str
    who: str
    person: str
    positions: str
    indicator: str
    quarter: str | None  # TW I .. TW IV; None for what concerns the whole year
    period: str
    action: str
    old: str | None
    new: str | None
    reason: str | None


def _shown(action: str, value: object) -> str | None:
    """A stored old or new value as people read it; targets are kept as plain decimals."""
    if value is None or value == "":
        return None
    if action == "target_triwulan_diubah":
        try:
            return format_number(Decimal(str(value)))
        except ArithmeticError:
            return str(value)
    return str(value)


def _audit_rows(entries: list[TrailEntry], indicator: Indicator, zone: str) -> list[AuditRow]:
    rows = []
    for entry in entries:
        detail = entry.detail
        period = cli_texts.audit_period(indicator.year, entry.quarter)
        reason = detail.get("alasan") or detail.get("catatan")
        rows.append(
            AuditRow(
                at=entry.at.astimezone(ZoneInfo(zone)).replace(tzinfo=None),
                when=cli_texts.audit_time(entry.at, zone),
                who=cli_texts.audit_who(entry.person, entry.positions),
                person=entry.person or cli_texts.COMMAND_LINE,
                positions="; ".join(entry.positions),
                indicator=indicator.code,
                quarter=quarter_name(entry.quarter) if entry.quarter else None,
                period=period,
                action=cli_texts.action_words(entry.action),
                old=_shown(entry.action, detail.get("lama")),
                new=_shown(entry.action, detail.get("baru")),
                reason=str(reason) if reason else None,
            )
        )
    return rows


def _audit_line(row: AuditRow) -> str:
    return cli_texts.audit_line(
        row.when,
        row.who,
        f"{row.indicator} {row.quarter}" if row.quarter else row.indicator,
        row.action,
        row.old,
        row.new,
        row.reason,
    )


def _audit_workbook(rows: list[AuditRow], zone: str) -> bytes:
    workbook = new_workbook()
    sheet = workbook.create_sheet(cli_texts.AUDIT_SHEET)
    columns = [Column(header) for header in cli_texts.audit_columns(zone)]
    columns[-1] = Column(columns[-1].header, width=50, wrap=True)
    first = write_table(
        sheet,
        columns,
        [
            (
                r.at,
                r.person,
                r.positions or None,
                r.indicator,
                r.period,
                r.action,
                r.old,
                r.new,
                r.reason,
            )
            for r in rows
        ],
    )
    for number in range(first, first + len(rows)):
        sheet.cell(row=number, column=1).number_format = "dd/mm/yyyy hh:mm"
    sheet.column_dimensions["A"].width = 18
    return to_bytes(workbook)


def cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    out = Path(args.xlsx) if args.xlsx else None
    if out is not None:
        _check_out(out)
    engine = open_engine(settings.database_url)
    try:
        with Session(engine) as session:
            org = _org(session, args)
            indicator = _indicator(session, org, args.tahun, args.indikator)
            rows = _audit_rows(
                indicator_trail(session=session, indicator=indicator), indicator, org.timezone
            )
    finally:
        engine.dispose()
    if not rows:
        print(cli_texts.NO_AUDIT)
    else:
        print(cli_texts.audit_heading(indicator.code, indicator.year, len(rows)))
        print("\n".join(_audit_line(row) for row in rows))
    if out is not None:
        _write(out, _audit_workbook(rows, org.timezone))
        print(cli_texts.audit_written(out, len(rows)))
    return 0


def add_commands(sub: Subcommands) -> None:
    kunci = sub.add_parser("kunci", help="kunci satu triwulan (perubahan perlu persetujuan)")
    kunci.add_argument("--tahun", type=year_arg, required=True, help=cli_texts.HELP_TAHUN)
    kunci.add_argument("--triwulan", type=quarter_arg, required=True, help=cli_texts.HELP_TRIWULAN)
    kunci.add_argument("--ya", action="store_true", help=cli_texts.HELP_YA)
    kunci.set_defaults(handler=cmd_kunci)

    buka = sub.add_parser("buka", help="buka kembali triwulan yang terkunci (dengan alasan)")
    buka.add_argument("--tahun", type=year_arg, required=True, help=cli_texts.HELP_TAHUN)
    buka.add_argument("--triwulan", type=quarter_arg, required=True, help=cli_texts.HELP_TRIWULAN)
    buka.add_argument("--alasan", required=True, help=cli_texts.HELP_ALASAN)
    buka.set_defaults(handler=cmd_buka)

    sub.add_parser("orang", help="daftar orang dan jabatannya").set_defaults(handler=cmd_orang)

    nonaktif = sub.add_parser("nonaktifkan", help="nonaktifkan seseorang (datanya tetap)")
    nonaktif.add_argument(
        "--orang", type=whole_number, required=True, help="nomor dari `sicapai orang`"
    )
    nonaktif.set_defaults(handler=cmd_nonaktifkan)

    blokir = sub.add_parser(
        "terblokir", help="orang yang tidak dapat dihubungi bot; hapus tandanya dengan --hapus"
    )
    blokir.add_argument("--hapus", type=whole_number, metavar="NOMOR", help="nomor dari daftar")
    blokir.set_defaults(handler=cmd_terblokir)

    wakil = sub.add_parser("delegasi", help="izinkan jabatan lain mengisi indikator sebuah jabatan")
    wakil.add_argument("--jabatan", required=True, help="jabatan pemilik indikator")
    wakil.add_argument("--oleh", required=True, help="jabatan yang mengisi atas namanya")
    wakil.set_defaults(handler=cmd_delegasi)

    target = sub.add_parser("target", help="target per triwulan (Rencana Aksi) satu indikator")
    target.add_argument("--tahun", type=year_arg, required=True, help=cli_texts.HELP_TAHUN)
    target.add_argument("--indikator", required=True, help=cli_texts.HELP_INDIKATOR)
    target.add_argument("--target", required=True, help='"TW I; TW II; TW III; TW IV"')
    target.set_defaults(handler=cmd_target)

    audit = sub.add_parser("audit", help="log audit satu indikator")
    audit.add_argument("--tahun", type=year_arg, required=True, help=cli_texts.HELP_TAHUN)
    audit.add_argument("--indikator", required=True, help=cli_texts.HELP_INDIKATOR)
    audit.add_argument("--xlsx", metavar="BERKAS", help=cli_texts.HELP_XLSX)
    audit.set_defaults(handler=cmd_audit)
