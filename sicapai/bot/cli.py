"""The `sicapai` command line: set-up, data loading and the admin's reports.

Every failure the operator can fix is one line on stderr and exit status 2; a traceback
means a bug in SiCapai.
"""

from __future__ import annotations

import argparse
import errno
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from sicapai.bot.cli_common import (
    Parser,
    UserError,
    describe_connection_error,
    open_engine,
    quarter_arg,
    require_pk_year,
    year_arg,
)
from sicapai.bot.commands_admin import add_commands as add_admin_commands
from sicapai.bot.commands_chat import add_commands
from sicapai.bot.commands_excel import add_commands as add_excel_commands
from sicapai.bot.commands_lookup import add_commands as add_lookup_commands
from sicapai.bot.commands_ops import add_commands as add_ops_commands
from sicapai.bot.commands_schedule import add_commands as add_schedule_commands
from sicapai.bot.settings import Settings
from sicapai.handlers.texts import cli as cli_texts
from sicapai.handlers.texts import data as data_texts
from sicapai.handlers.texts import periksa
from sicapai.models.consistency import find_problems
from sicapai.models.db import transaction
from sicapai.models.migrate import current_revision, upgrade
from sicapai.models.queries import (
    NotFound,
    current_reports,
    get_period,
    indicator_specs,
    resolve_organisation,
    years_with_pk,
)
from sicapai.models.seeding import (
    DEMO_FILE,
    MASTER_FILE,
    SeedError,
    bundled_path,
    load_demo,
    load_master,
)
from sicapai.reports.summary import evaluate, sort_by_code
from sicapai.reports.tables import capaian_rows, to_csv, to_json, to_table

Handler = Callable[[argparse.Namespace, Settings], int]


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    engine = open_engine(settings.database_url, require_schema=False)
    try:
        upgrade(engine, settings.database_url)
        print(f"Basis data siap (skema {current_revision(engine)}).")
    finally:
        engine.dispose()
    return 0


def cmd_seed(args: argparse.Namespace, settings: Settings) -> int:
    engine = open_engine(settings.database_url)
    master = Path(args.berkas) if args.berkas else bundled_path(MASTER_FILE)
    for given in (args.berkas, args.demo_berkas):
        if given and not Path(given).is_file():
            raise UserError(cli_texts.cannot_read(given, errno.ENOENT))
    try:
        with transaction(engine) as session:
            report = load_master(session, master)
            print(f"Data induk {report.organisation}: {_counts(report.counts)}.")
            if args.demo:
                org = resolve_organisation(session=session, code=args.organisasi)
                demo = Path(args.demo_berkas) if args.demo_berkas else bundled_path(DEMO_FILE)
                report = load_demo(session, demo, org)
                done = _counts(report.counts) or "sudah ada sebelumnya, tidak diubah"
                print(f"Data realisasi contoh: {done}.")
    finally:
        engine.dispose()
    return 0


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {what}" for what, n in counts.items())


def _org_and_year(session: Session, args: argparse.Namespace) -> tuple[int, int]:
    org = resolve_organisation(session=session, code=args.organisasi)
    assert org.id is not None
    require_pk_year(session, org.id, args.tahun)
    return org.id, args.tahun


def cmd_capaian(args: argparse.Namespace, settings: Settings) -> int:
    engine = open_engine(settings.database_url)
    try:
        with Session(engine) as session:
            org_id, year = _org_and_year(session, args)
            period = get_period(
                session=session, organisation_id=org_id, year=year, quarter=args.triwulan
            )
            reported = (
                current_reports(session=session, period_id=period.id)
                if period and period.id
                else {}
            )
            specs = indicator_specs(session=session, organisation_id=org_id, year=year)
    finally:
        engine.dispose()
    results = sort_by_code(
        [evaluate(spec, args.triwulan, reported.get(spec.id)) for spec in specs.values()]
    )
    rows = capaian_rows(results)
    render = {"table": to_table, "csv": to_csv, "json": to_json}[args.format]
    sys.stdout.write(render(rows) if args.format != "json" else render(rows) + "\n")
    return 0


def cmd_periksa(args: argparse.Namespace, settings: Settings) -> int:
    engine = open_engine(settings.database_url)
    try:
        with Session(engine) as session:
            org = resolve_organisation(session=session, code=args.organisasi)
            assert org.id is not None
            years = years_with_pk(session=session, organisation_id=org.id)
            year = args.tahun or (years[-1] if years else None)
            if year is None or year not in years:
                known = ", ".join(map(str, years)) or "belum ada"
                raise UserError(f"tidak ada PK tahun {year} (tahun yang tersedia: {known})")
            findings = find_problems(session=session, organisation=org, year=year)
    finally:
        engine.dispose()
    if not findings:
        print(f"Pemeriksaan {year}: tidak ditemukan ketidakcocokan.")
        return 0
    print(f"Pemeriksaan {year}: {len(findings)} temuan.")
    for finding in findings:
        print(f"- {periksa.finding(finding)}")
    return 1 if args.ketat else 0


def build_parser() -> Parser:
    parser = Parser(
        prog="sicapai",
        description="SiCapai: pelaporan capaian kinerja triwulanan lewat Telegram.",
    )
    parser.add_argument("--organisasi", help="kode organisasi bila ada lebih dari satu")
    sub = parser.add_subparsers(dest="command", metavar="PERINTAH", parser_class=Parser)
    sub.required = True

    db = sub.add_parser("db", help="kelola skema basis data")
    db_sub = db.add_subparsers(dest="db_command", metavar="PERINTAH", parser_class=Parser)
    db_sub.required = True
    db_sub.add_parser("upgrade", help="buat atau mutakhirkan skema di DATABASE_URL").set_defaults(
        handler=cmd_db_upgrade
    )

    seed = sub.add_parser("seed", help="muat data induk bawaan (PK, anggaran)")
    seed.add_argument("--demo", action="store_true", help="muat juga realisasi contoh 2025")
    seed.add_argument("--berkas", help="berkas data induk YAML lain")
    seed.add_argument("--demo-berkas", help="berkas realisasi contoh YAML lain")
    seed.set_defaults(handler=cmd_seed)

    capaian = sub.add_parser("capaian", help="Tabel 3.3 untuk satu triwulan")
    capaian.add_argument("--tahun", type=year_arg, required=True, help=cli_texts.HELP_TAHUN)
    capaian.add_argument(
        "--triwulan", type=quarter_arg, required=True, help=cli_texts.HELP_TRIWULAN
    )
    capaian.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help=cli_texts.HELP_FORMAT
    )
    capaian.set_defaults(handler=cmd_capaian)

    periksa = sub.add_parser("periksa", help="periksa konsistensi data tersimpan")
    periksa.add_argument("--tahun", type=year_arg, help=cli_texts.HELP_TAHUN)
    periksa.add_argument(
        "--ketat", action="store_true", help="keluar dengan status 1 bila ada temuan"
    )
    periksa.set_defaults(handler=cmd_periksa)

    add_commands(sub)
    add_schedule_commands(sub)
    add_lookup_commands(sub)
    add_excel_commands(sub)
    add_admin_commands(sub)
    add_ops_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        return _fail(_setting_problem(exc))
    handler: Handler = args.handler
    try:
        return handler(args, settings)
    except UserError as exc:
        return _fail(str(exc))
    except NotFound as exc:
        return _fail(data_texts.not_found(exc))
    except SeedError as exc:
        return _fail(data_texts.seed_error(exc))
    except OperationalError as exc:
        return _fail(f"basis data tidak dapat dihubungi: {describe_connection_error(exc)}")
    except DBAPIError as exc:
        return _fail(f"kesalahan basis data: {describe_connection_error(exc)}")
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `sicapai pengingat ... | head`
        sys.stderr.close()
        return 0


def _setting_problem(exc: ValidationError) -> str:
    """pydantic's first complaint in Indonesian: our validators' own words, or by its type."""
    error = exc.errors()[0]
    field = str(error["loc"][0]).upper() if error["loc"] else "pengaturan"
    ctx = error.get("ctx") or {}
    limit = next((ctx[k] for k in ("ge", "gt", "le", "lt") if k in ctx), None)
    if error["type"] == "value_error" and "error" in ctx:
        return f"pengaturan {field} tidak sah: {ctx['error']}"
    return cli_texts.invalid_setting(field, error["type"], limit, None)


def _fail(message: str) -> int:
    print(f"sicapai: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
