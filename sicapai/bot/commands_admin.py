"""The admin's yearly-cycle commands from the command line: lock a quarter, list people,
deactivate one, delegate entry, set quarterly targets, read an indicator's audit log."""

from __future__ import annotations

import argparse
from decimal import Decimal

from sqlmodel import Session, select

from sicapai.bot.cli_common import Subcommands, UserError, open_engine, quarter_arg, year_arg
from sicapai.bot.commands_chat import _position
from sicapai.bot.settings import Settings
from sicapai.handlers.texts.numbers import explain
from sicapai.handlers.texts.pengingat import channel_name
from sicapai.models.admin import deactivate, delegate, indicator_audit, people, set_quarter_targets
from sicapai.models.db import transaction
from sicapai.models.guards import Conflict
from sicapai.models.organisation import Organisation, Person
from sicapai.models.performance import Indicator
from sicapai.models.queries import get_period, resolve_organisation
from sicapai.models.reachability import clear_mark, unreachable_chats
from sicapai.models.review import lock, lock_report
from sicapai.models.types import ident, utcnow
from sicapai.reports.dates import local_datetime
from sicapai.reports.numbers import Field, format_number, parse_number
from sicapai.reports.periods import quarter_name


def _org(session: Session, args: argparse.Namespace) -> Organisation:
    org = resolve_organisation(session=session, code=args.organisasi)
    assert org.id is not None
    return org


def cmd_kunci(args: argparse.Namespace, settings: Settings) -> int:
    engine = open_engine(settings.database_url)
    try:
        with transaction(engine) as session:
            org = _org(session, args)
            period = get_period(
                session=session, organisation_id=ident(org), year=args.tahun, quarter=args.triwulan
            )
            label = f"{quarter_name(args.triwulan)} {args.tahun}"
            if period is None:
                raise UserError(f"periode {label} tidak ada")
            if period.locked:
                print(f"{label} sudah terkunci sejak sebelumnya.")
                return 0
            report = lock_report(session=session, period=period)
            print(f"Sebelum mengunci {label}:")
            print(f"- belum dilaporkan ({len(report.missing)}): {', '.join(report.missing) or '-'}")
            print(
                f"- belum diverifikasi ({len(report.unreviewed)}): "
                f"{', '.join(report.unreviewed) or '-'}"
            )
            try:
                lock(session=session, period=period, person_id=None, now=utcnow())
            except Conflict:
                raise UserError(f"{label} baru saja dikunci oleh admin lain") from None
            print(f"{label} dikunci. Perubahan berikutnya memerlukan alasan dan persetujuan admin.")
    finally:
        engine.dispose()
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


def cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    engine = open_engine(settings.database_url)
    try:
        with Session(engine) as session:
            org = _org(session, args)
            indicator = _indicator(session, org, args.tahun, args.indikator)
            rows = indicator_audit(session=session, indicator=indicator, limit=200)
            names = {p.id: p.name for p in session.exec(select(Person))}
            zone = org.timezone
            lines = [
                f"{local_datetime(row.at, zone)}  {names.get(row.person_id, 'sistem')}: "
                f"{row.action} "
                + ", ".join(f"{k}={v}" for k, v in (row.detail or {}).items() if k != "indikator")
                for row in rows
            ]
    finally:
        engine.dispose()
    print("\n".join(lines) if lines else "Belum ada catatan audit untuk indikator ini.")
    return 0


def add_commands(sub: Subcommands) -> None:
    kunci = sub.add_parser("kunci", help="kunci satu triwulan (perubahan perlu persetujuan)")
    kunci.add_argument("--tahun", type=year_arg, required=True)
    kunci.add_argument("--triwulan", type=quarter_arg, required=True)
    kunci.set_defaults(handler=cmd_kunci)

    sub.add_parser("orang", help="daftar orang dan jabatannya").set_defaults(handler=cmd_orang)

    nonaktif = sub.add_parser("nonaktifkan", help="nonaktifkan seseorang (datanya tetap)")
    nonaktif.add_argument("--orang", type=int, required=True, help="nomor dari `sicapai orang`")
    nonaktif.set_defaults(handler=cmd_nonaktifkan)

    blokir = sub.add_parser(
        "terblokir", help="orang yang tidak dapat dihubungi bot; hapus tandanya dengan --hapus"
    )
    blokir.add_argument("--hapus", type=int, metavar="NOMOR", help="nomor dari daftar")
    blokir.set_defaults(handler=cmd_terblokir)

    wakil = sub.add_parser("delegasi", help="izinkan jabatan lain mengisi indikator sebuah jabatan")
    wakil.add_argument("--jabatan", required=True, help="jabatan pemilik indikator")
    wakil.add_argument("--oleh", required=True, help="jabatan yang mengisi atas namanya")
    wakil.set_defaults(handler=cmd_delegasi)

    target = sub.add_parser("target", help="target per triwulan (Rencana Aksi) satu indikator")
    target.add_argument("--tahun", type=year_arg, required=True)
    target.add_argument("--indikator", required=True)
    target.add_argument("--target", required=True, help='"TW I; TW II; TW III; TW IV"')
    target.set_defaults(handler=cmd_target)

    audit = sub.add_parser("audit", help="log audit satu indikator")
    audit.add_argument("--tahun", type=year_arg, required=True)
    audit.add_argument("--indikator", required=True)
    audit.set_defaults(handler=cmd_audit)
