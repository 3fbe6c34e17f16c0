"""CLI commands for Excel: `templat` writes the master-data (or budget realisation) workbook,
`impor` loads a filled one, `ekspor` writes the LKjIP tables.

The planner works in Excel, so the PK of a new year and the finance subsection's quarterly
figures arrive as workbooks; these commands are the admin's way in and out. A workbook with
problems is refused whole, with one line per problem, so it can be fixed in one pass.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlmodel import Session

from sicapai.bot.cli_common import Subcommands, UserError, open_engine, quarter_arg, year_arg
from sicapai.bot.settings import Settings
from sicapai.excel.export import build_export
from sicapai.excel.export_data import copy_evidence, gather_export
from sicapai.excel.importer import import_workbook
from sicapai.excel.template_writer import build_realisation_template, build_template
from sicapai.excel.workbook import WorkbookError
from sicapai.excel.writer import to_bytes
from sicapai.handlers.texts import cli as cli_texts
from sicapai.handlers.texts import excel as texts
from sicapai.models.db import transaction
from sicapai.models.organisation import Organisation
from sicapai.models.queries import organisations, resolve_organisation, years_with_pk
from sicapai.reports.periods import ROMAN


def _check_out(path: Path) -> None:
    """Refuse a bad output path before any work is done."""
    if path.suffix.lower() != ".xlsx":
        raise UserError(f"nama berkas keluaran harus berakhiran .xlsx, bukan {path.name!r}")
    if not path.parent.is_dir():
        raise UserError(f"folder {path.parent} tidak ada")


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise UserError(cli_texts.cannot_write(path, exc.errno)) from exc


def _office(session: Session, code: str | None) -> Organisation | None:
    """The chosen office; None only when the database has no office at all yet."""
    if not code and not organisations(session=session):
        return None
    return resolve_organisation(session=session, code=code)


def cmd_templat(args: argparse.Namespace, settings: Settings) -> int:
    out = Path(args.out)
    _check_out(out)
    engine = open_engine(settings.database_url)
    try:
        with Session(engine) as session:
            org = _office(session, args.organisasi)
            if args.triwulan is not None:
                if args.tahun is None or org is None:
                    raise UserError("templat realisasi anggaran perlu --tahun dan data induk")
                template = build_realisation_template(
                    session=session, organisation=org, year=args.tahun, quarter=args.triwulan
                )
                what = f"realisasi anggaran TW {ROMAN[args.triwulan]} {args.tahun}"
            else:
                template = build_template(session=session, organisation=org, year=args.tahun)
                what = "data induk"
    finally:
        engine.dispose()
    _write(out, to_bytes(template.workbook))
    counts = texts.counted(template.counts)
    print(f"Templat {what} ditulis ke {out}" + (f" ({counts})." if counts else "."))
    if args.triwulan is None and args.tahun is not None and not template.prefilled:
        print(f"PK tahun {args.tahun} belum ada: templat hanya berisi data organisasi.")
    return 0


def cmd_impor(args: argparse.Namespace, settings: Settings) -> int:
    source = Path(args.berkas)
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise UserError(cli_texts.cannot_read(source, exc.errno)) from exc
    engine = open_engine(settings.database_url)
    try:
        with transaction(engine) as session:
            org = (
                resolve_organisation(session=session, code=args.organisasi)
                if args.organisasi
                else None
            )
            try:
                report = import_workbook(
                    session,
                    data,
                    organisation=org,
                    year=args.tahun,
                    quarter=args.triwulan,
                    person_id=None,
                    filename=source.name,
                )
            except WorkbookError as exc:
                raise UserError(texts.workbook_error(exc)) from exc
            if not report.ok:
                session.rollback()
    finally:
        engine.dispose()
    if not report.ok:
        print(f"sicapai: {texts.headline(report)}", file=sys.stderr)
        for problem in report.problems:
            print(f"- {texts.problem(problem)}", file=sys.stderr)
        if report.more:
            print(texts.more_problems(report), file=sys.stderr)
        return 2
    print(texts.headline(report))
    for warning in report.warnings:
        print(f"Peringatan: {texts.note(warning)}")
    return 0


def cmd_ekspor(args: argparse.Namespace, settings: Settings) -> int:
    out = Path(args.out)
    _check_out(out)
    engine = open_engine(settings.database_url)
    try:
        with Session(engine) as session:
            org = resolve_organisation(session=session, code=args.organisasi)
            assert org.id is not None
            years = years_with_pk(session=session, organisation_id=org.id)
            if args.tahun not in years:
                known = ", ".join(map(str, years)) or "belum ada"
                raise UserError(f"tidak ada PK tahun {args.tahun} (tahun yang tersedia: {known})")
            data = gather_export(
                session=session, organisation=org, year=args.tahun, quarter=args.triwulan
            )
    finally:
        engine.dispose()
    copied = None
    if args.bukti:
        try:
            data, copied = copy_evidence(
                data, Path(args.bukti), files_dir=settings.sicapai_files_dir
            )
        except OSError as exc:
            raise UserError(cli_texts.cannot_copy_evidence(exc.errno)) from exc
    _write(out, to_bytes(build_export(data)))
    print(f"Ekspor LKjIP {args.tahun} s.d. TW {ROMAN[args.triwulan]} ditulis ke {out}.")
    if copied is not None:
        missing = len(data.evidence) - copied
        line = f"{copied} bukti dukung disalin ke {args.bukti}"
        print(line + (f"; {missing} berkas tidak ditemukan." if missing else "."))
    return 0


def add_commands(sub: Subcommands) -> None:
    templat = sub.add_parser(
        "templat",
        help="tulis templat Excel data induk (atau realisasi anggaran dengan --triwulan)",
    )
    templat.add_argument("--out", required=True, metavar="BERKAS", help="berkas .xlsx yang ditulis")
    templat.add_argument("--tahun", type=year_arg, help="isi templat dengan PK tahun ini")
    templat.add_argument(
        "--triwulan", type=quarter_arg, help="tulis templat realisasi anggaran triwulan ini"
    )
    templat.set_defaults(handler=cmd_templat)

    impor = sub.add_parser(
        "impor", help="muat templat data induk atau berkas realisasi anggaran (.xlsx)"
    )
    impor.add_argument("berkas", help="berkas .xlsx yang sudah diisi")
    impor.add_argument("--tahun", type=year_arg, help="tahun, bila tidak tertulis di berkas")
    impor.add_argument(
        "--triwulan", type=quarter_arg, help="triwulan realisasi anggaran, bila tidak di berkas"
    )
    impor.set_defaults(handler=cmd_impor)

    ekspor = sub.add_parser("ekspor", help="tulis tabel LKjIP (Bab III) ke Excel")
    ekspor.add_argument("--tahun", type=year_arg, required=True, help=cli_texts.HELP_TAHUN)
    ekspor.add_argument("--triwulan", type=quarter_arg, default=4, help="s.d. triwulan (baku: 4)")
    ekspor.add_argument("--out", required=True, metavar="BERKAS", help="berkas .xlsx yang ditulis")
    ekspor.add_argument(
        "--bukti", metavar="FOLDER", help="folder tujuan salinan berkas bukti dukung"
    )
    ekspor.set_defaults(handler=cmd_ekspor)
