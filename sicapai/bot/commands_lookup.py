"""The admin's lookups from the command line: `sicapai ringkasan` and `sicapai grafik`,
the same summaries and charts the bot gives in chat."""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlmodel import Session, col, select

from sicapai.bot.cli_common import (
    Subcommands,
    UserError,
    open_engine,
    quarter_arg,
    require_pk_year,
    year_arg,
)
from sicapai.bot.settings import Settings
from sicapai.handlers.texts import capaian as t
from sicapai.handlers.texts import cli as cli_texts
from sicapai.handlers.texts import grafik
from sicapai.handlers.texts.markup import to_plain
from sicapai.models.organisation import Organisation, Position
from sicapai.models.performance import Indicator, PastRealisation
from sicapai.models.queries import (
    current_reports,
    get_period,
    indicator_specs,
    resolve_organisation,
)
from sicapai.models.scopes import ALL, Scope, unit_scope
from sicapai.models.summaries import budget_figures, efficiency_rows, summarise
from sicapai.models.types import ident, utcnow
from sicapai.reports import chart_data
from sicapai.reports.chart_specs import Chart, EmptyChart
from sicapai.reports.dates import local_datetime

CHART_KINDS = ("capaian", "tren", "anggaran", "kegiatan", "efisiensi")


def _setup(session: Session, args: argparse.Namespace) -> tuple[Organisation, Scope]:
    org = resolve_organisation(session=session, code=args.organisasi)
    assert org.id is not None
    require_pk_year(session, org.id, args.tahun)
    if getattr(args, "unit", None):
        scope = unit_scope(session=session, organisation_id=org.id, name=args.unit)
        if scope is None:
            raise UserError(f"unit {args.unit!r} tidak dikenal atau kurang spesifik")
        return org, scope
    everyone = frozenset(
        p.id
        for p in session.exec(select(Position).where(Position.organisation_id == org.id))
        if p.id
    )
    return org, Scope(ALL, "Seluruh kantor", everyone)


def cmd_ringkasan(args: argparse.Namespace, settings: Settings) -> int:
    engine = open_engine(settings.database_url)
    try:
        with Session(engine) as session:
            org, scope = _setup(session, args)
            now = utcnow()
            zone = org.timezone
            summary = summarise(
                session=session,
                organisation=org,
                year=args.tahun,
                quarter=args.triwulan,
                scope=scope,
                now=now,
            )
    finally:
        engine.dispose()
    if not summary.reported:
        print(to_plain(t.NO_DATA.format(period=t.period_label(args.tahun, args.triwulan))))
        return 0
    pages = t.summary_pages(summary, scope.label, local_datetime(now, zone))
    print("\n\n".join(to_plain(page) for page in pages))
    return 0


def cmd_grafik(args: argparse.Namespace, settings: Settings) -> int:
    if args.jenis == "tren" and not args.indikator:
        raise UserError("grafik tren memerlukan --indikator KODE, mis. --indikator IK.19")
    engine = open_engine(settings.database_url)
    try:
        with Session(engine) as session:
            org, scope = _setup(session, args)
            chart = _chart(session, org, scope, args)
    finally:
        engine.dispose()
    from sicapai.reports.charts import render_png  # matplotlib: only for this command

    try:
        png = render_png(chart)
    except EmptyChart:
        raise UserError(grafik.NO_DATA) from None
    out = Path(args.out)
    try:
        out.write_bytes(png)
    except OSError as exc:
        raise UserError(cli_texts.cannot_write(out, exc.errno)) from exc
    print(f"Grafik disimpan di {out} ({len(png) // 1024} KB).")
    return 0


def _chart(session: Session, org: Organisation, scope: Scope, args: argparse.Namespace) -> Chart:
    year, quarter = args.tahun, args.triwulan
    read_at = local_datetime(utcnow(), org.timezone)
    if args.jenis in ("anggaran", "kegiatan"):
        kind = "program" if args.jenis == "anggaran" else "kegiatan"
        figures = budget_figures(
            session=session, organisation=org, year=year, quarter=quarter, kind=kind
        )
        title = f"Anggaran per {kind}"
        return chart_data.budget_chart(
            [(f.line.code, f.line.name, f.line.ceiling, f.spent) for f in figures],
            chart_data.meta(title, year, quarter, read_at),
        )
    summary = summarise(
        session=session,
        organisation=org,
        year=year,
        quarter=quarter,
        scope=scope,
        now=utcnow(),
    )
    if args.jenis == "capaian":
        title = f"Capaian kinerja — {scope.label}"
        return chart_data.capaian_chart(
            summary.results, chart_data.meta(title, year, quarter, read_at)
        )
    if args.jenis == "efisiensi":
        rows = efficiency_rows(session=session, organisation=org, summary=summary)
        title = "Efisiensi: capaian kinerja dan serapan anggaran"
        return chart_data.efficiency_chart(
            [(result, figure.absorption) for result, figure in rows],
            chart_data.meta(title, year, quarter, read_at),
        )
    indicator = session.exec(
        select(Indicator).where(
            Indicator.organisation_id == org.id,
            Indicator.year == year,
            Indicator.code == args.indikator.upper(),
        )
    ).first()
    if indicator is None or indicator.id is None:
        raise UserError(f"indikator {args.indikator!r} tidak ada di PK {year}")
    spec = indicator_specs(session=session, organisation_id=ident(org), year=year)[indicator.id]
    by_quarter = {}
    for q in range(1, quarter + 1):
        period = get_period(session=session, organisation_id=ident(org), year=year, quarter=q)
        if period and period.id:
            by_quarter[q] = current_reports(session=session, period_id=period.id).get(indicator.id)
    past = [
        (p.year, p.realisation)
        for p in session.exec(
            select(PastRealisation)
            .where(PastRealisation.indicator_id == indicator.id)
            .order_by(col(PastRealisation.year))
        )
        if p.realisation is not None
    ]
    title = f"Tren {indicator.code}"
    return chart_data.trend_chart(
        spec, by_quarter, past, chart_data.meta(title, year, quarter, read_at)
    )


def add_commands(sub: Subcommands) -> None:
    ringkasan = sub.add_parser("ringkasan", help="ringkasan capaian satu triwulan (teks)")
    ringkasan.add_argument("--tahun", type=year_arg, required=True, help=cli_texts.HELP_TAHUN)
    ringkasan.add_argument(
        "--triwulan", type=quarter_arg, required=True, help=cli_texts.HELP_TRIWULAN
    )
    ringkasan.add_argument("--unit", help='batasi ke satu unit, mis. "Bidang Tenaga Kerja"')
    ringkasan.set_defaults(handler=cmd_ringkasan)

    grafik = sub.add_parser("grafik", help="simpan grafik PNG")
    grafik.add_argument("--jenis", choices=CHART_KINDS, required=True, help="jenis grafik")
    grafik.add_argument("--tahun", type=year_arg, required=True, help=cli_texts.HELP_TAHUN)
    grafik.add_argument("--triwulan", type=quarter_arg, required=True, help=cli_texts.HELP_TRIWULAN)
    grafik.add_argument("--indikator", help="kode indikator untuk grafik tren")
    grafik.add_argument("--unit", help='batasi ke satu unit, mis. "Bidang Tenaga Kerja"')
    grafik.add_argument("--out", required=True, metavar="BERKAS", help="berkas PNG tujuan")
    grafik.set_defaults(handler=cmd_grafik)
