"""CLI for the reporting calendar: `sicapai jadwal` (show and edit) and `sicapai pengingat`
(print, without sending anything, every reminder the plan would send in a window)."""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from sicapai.bot.cli_common import Subcommands, UserError, open_engine, whole_number, year_arg
from sicapai.bot.settings import Settings
from sicapai.handlers.texts import cli as cli_texts
from sicapai.handlers.texts.pengingat import line_text
from sicapai.models.calendar import (
    calendar_config,
    calendar_row,
    effective_deadline,
    update_calendar,
)
from sicapai.models.db import transaction
from sicapai.models.organisation import Organisation
from sicapai.models.queries import resolve_organisation, years_with_pk
from sicapai.models.reminders import plan_for
from sicapai.models.seeding import ensure_periods
from sicapai.models.types import ident
from sicapai.reports.calendar import day_off_reason, national_days_off, reminder_days
from sicapai.reports.dates import long_date, zone_label
from sicapai.reports.periods import quarter_name


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"tanggal harus YYYY-MM-DD, bukan {text!r}") from None


def _hhmm(text: str) -> str:
    try:
        parsed = time.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"jam harus JJ:MM, bukan {text!r}") from None
    return f"{parsed:%H:%M}"


def _days_list(text: str) -> list[int]:
    try:
        values = sorted({int(x) for x in text.split(",") if x.strip()}, reverse=True)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"daftar hari harus angka dipisah koma: {text!r}"
        ) from None
    if any(v < 0 or v > 60 for v in values):
        raise argparse.ArgumentTypeError("hari pengingat harus 0-60")
    return values


WEEKDAYS = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")


def _weekdays(text: str) -> list[int]:
    days = []
    for part in text.lower().replace("'", "").split(","):
        name = part.strip()
        if name not in WEEKDAYS:
            raise argparse.ArgumentTypeError(
                f"hari {part.strip()!r} tidak dikenal; pakai {', '.join(WEEKDAYS)}"
            )
        days.append(WEEKDAYS.index(name))
    if not days:
        raise argparse.ArgumentTypeError("sebutkan paling sedikit satu hari kerja")
    return sorted(set(days))


def cmd_jadwal(args: argparse.Namespace, settings: Settings) -> int:
    engine = open_engine(settings.database_url)
    try:
        with transaction(engine) as session:
            org = resolve_organisation(session=session, code=args.organisasi)
            assert org.id is not None
            year = args.tahun
            if year not in years_with_pk(session=session, organisation_id=org.id):
                raise UserError(f"tidak ada PK tahun {year}")
            changes = _changes(args, session, org.id, year)
            if changes:
                update_calendar(session=session, organisation_id=org.id, year=year, **changes)
            for spec in args.tenggat or []:
                quarter, _, day = spec.partition("=")
                if quarter not in {"1", "2", "3", "4"}:
                    raise UserError(f"--tenggat harus TRIWULAN=YYYY-MM-DD, bukan {spec!r}")
                period = ensure_periods(session, org, year)[int(quarter)]
                config = calendar_config(session=session, organisation=org, year=year)
                period.deadline = datetime.combine(
                    _date(day), config.deadline_time, tzinfo=ZoneInfo(org.timezone)
                )
                session.add(period)
            session.flush()
            print(_describe(session, org, year))
    finally:
        engine.dispose()
    return 0


def _changes(
    args: argparse.Namespace, session: Session, org_id: int, year: int
) -> dict[str, object]:
    changes: dict[str, object] = {}
    if args.hari_tenggat is not None:
        changes["deadline_days_after"] = args.hari_tenggat
    if args.jam_tenggat:
        changes["deadline_time"] = args.jam_tenggat
    if args.pengingat is not None:
        changes["remind_days_before"] = args.pengingat
    if args.susulan is not None:
        changes["remind_working_days_after"] = args.susulan
    if args.hari_kerja is not None:
        changes["work_days"] = args.hari_kerja
    if args.jam_kerja:
        start, _, end = args.jam_kerja.partition("-")
        start, end = _hhmm(start), _hhmm(end)
        if start >= end:
            raise UserError("jam kerja: jam mulai harus sebelum jam selesai")
        changes["work_start"], changes["work_end"] = start, end
    if args.libur or args.hapus_libur:
        row = calendar_row(session=session, organisation_id=org_id, year=year)
        days = set(row.extra_days_off if row else [])
        days |= {d.isoformat() for d in args.libur or []}
        days -= {d.isoformat() for d in args.hapus_libur or []}
        changes["extra_days_off"] = sorted(days)
    return changes


def _describe(session: Session, org: Organisation, year: int) -> str:
    config = calendar_config(session=session, organisation=org, year=year)
    zone = zone_label(config.timezone)
    lines = [
        f"Jadwal pelaporan {year} — {org.name}",
        f"Jam kerja {config.work_start:%H.%M}–{config.work_end:%H.%M} {zone}, "
        f"{', '.join(WEEKDAYS[d].capitalize() for d in config.work_days)}; "
        f"pengingat {', '.join(map(str, config.remind_days_before))} hari sebelum tenggat, "
        f"pagi hari tenggat, lalu {config.remind_working_days_after} hari kerja sesudahnya.",
    ]
    if config.extra_days_off:
        lines.append(
            "Libur kantor: " + ", ".join(long_date(d) for d in sorted(config.extra_days_off))
        )
    for quarter, period in sorted(ensure_periods(session, org, year).items()):
        deadline = effective_deadline(period, config)
        days = reminder_days(deadline, config)
        lines.append(
            f"{quarter_name(quarter)}: tenggat {long_date(deadline.date(), weekday=True)} "
            f"{deadline:%H.%M} {zone}" + (" (diatur admin)" if period.deadline else "")
        )
        lines.append("  pengingat: " + ", ".join(f"{d.day:%d/%m}" for d in days))
        window = [
            f"{d:%d/%m} {name}"
            for d, name in sorted(national_days_off(deadline.year).items())
            if timedelta(days=-20) <= d - deadline.date() <= timedelta(days=10)
            and day_off_reason(d, config)
        ]
        if window:
            lines.append("  hari libur di sekitar tenggat: " + "; ".join(window))
    return "\n".join(lines)


def cmd_pengingat(args: argparse.Namespace, settings: Settings) -> int:
    if args.sampai < args.dari:
        raise UserError("--sampai tidak boleh sebelum --dari")
    engine = open_engine(settings.database_url)
    try:
        with Session(engine) as session:
            org = resolve_organisation(session=session, code=args.organisasi)
            asked = list(range(args.dari.year, args.sampai.year + 1))
            known = years_with_pk(session=session, organisation_id=ident(org))
            if not set(asked) & set(known):
                raise UserError(cli_texts.no_pk_in_range(asked, known))
            zone = ZoneInfo(org.timezone)
            start = datetime.combine(args.dari, time(0, 0), tzinfo=zone)
            end = datetime.combine(args.sampai + timedelta(days=1), time(0, 0), tzinfo=zone)
            planned = plan_for(session=session, organisation=org, start=start, end=end)
            session.rollback()  # printing never writes
    finally:
        engine.dispose()
    rows: list[dict[str, Any]] = [
        {
            "waktu": p.at.isoformat(),
            "jabatan": p.position,
            "penerima": p.person.name if p.person else None,
            "jenis": p.kind,
            "butir": [line_text(i) for i in p.items],
            "catatan": "belum terdaftar" if p.person is None else None,
        }
        for p in planned
    ]
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("Tidak ada pengingat dalam rentang itu (semua sudah melapor, atau di luar jadwal).")
        return 0
    for row in rows:
        who = row["penerima"] or "— belum terdaftar, perlu undangan"
        print(f"{row['waktu'][:16].replace('T', ' ')}  {row['jenis']:<9} {row['jabatan']} ({who})")
        for item in row["butir"]:
            print(f"    • {item}")
    return 0


def add_commands(sub: Subcommands) -> None:
    jadwal = sub.add_parser("jadwal", help="lihat atau ubah jadwal pelaporan dan pengingat")
    jadwal.add_argument("--tahun", type=year_arg, required=True, help=cli_texts.HELP_TAHUN)
    jadwal.add_argument(
        "--hari-tenggat", type=whole_number, help="tenggat N hari setelah triwulan berakhir"
    )
    jadwal.add_argument("--jam-tenggat", type=_hhmm, help="jam tenggat, mis. 23:59")
    jadwal.add_argument(
        "--tenggat",
        action="append",
        metavar="TW=YYYY-MM-DD",
        help="tenggat khusus satu triwulan, mis. 1=2025-04-14",
    )
    jadwal.add_argument("--pengingat", type=_days_list, help="hari sebelum tenggat, mis. 7,3,1")
    jadwal.add_argument("--susulan", type=whole_number, help="pengingat susulan: jumlah hari kerja")
    jadwal.add_argument("--jam-kerja", help="mis. 08:00-16:00")
    jadwal.add_argument(
        "--hari-kerja", type=_weekdays, help="hari kerja, mis. senin,selasa,rabu,kamis,jumat"
    )
    jadwal.add_argument("--libur", type=_date, action="append", help="tambah hari libur kantor")
    jadwal.add_argument(
        "--hapus-libur", type=_date, action="append", help=cli_texts.HELP_HAPUS_LIBUR
    )
    jadwal.set_defaults(handler=cmd_jadwal)

    pengingat = sub.add_parser("pengingat", help="tampilkan rencana pengingat tanpa mengirim")
    pengingat.add_argument("--dari", type=_date, required=True, help=cli_texts.HELP_DARI)
    pengingat.add_argument("--sampai", type=_date, required=True, help=cli_texts.HELP_SAMPAI)
    pengingat.add_argument(
        "--format", choices=("text", "json"), default="text", help=cli_texts.HELP_FORMAT
    )
    pengingat.set_defaults(handler=cmd_pengingat)
