"""Benchmark: do /capaian and the XLSX export stay fast when a kabupaten's history piles up?

A kabupaten runs SiCapai for all its perangkat daerah: about 40 offices, each with about 25
indicators reported every quarter, kept for years, each report revised a few times. The reads
that touch that history are /capaian (`summarise`: one office's quarter, scope None, as the
head of office sees it), the same for the whole kabupaten, and the yearly XLSX export of one
office (`gather_export` + `build_export` + `to_bytes`). This builds such a database step by
step (1, 5, 10, 20, 40 offices, 5 years each) and times the reads after each step, on
PostgreSQL and on SQLite, to answer: does one office's /capaian slow down as the database
grows, and what does a kabupaten-wide view cost?

The data: every office is a copy of the bundled office's PK (25 indicators, 14 positions,
64 budget lines, Renstra targets, past realisations) for each year 2021–2025; every due
indicator of every quarter has a submission with 1–4 revisions (uniformly, so 2.5 on average);
every sub kegiatan has one budget realisation per quarter; years before 2025 are locked.
Rows are generated from the bundled master data and written with bulk inserts (explicit ids),
which is not how the bot writes them but gives the same tables in seconds; PostgreSQL gets
ANALYZE after each step, as autovacuum would give it soon after real use.

Kabupaten-wide is timed two ways: `summarise` for each office one after another (what the
product has), and `kabupaten_results` below, a bench-only sketch of one aggregated pass (a
handful of queries for all offices), checked to give the same figures.

Run with `python -m bench lookups [--quick] [--out FILE]`.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from bench.common import machine, markdown_table, ms, temporary_database
from sicapai.excel.export import build_export
from sicapai.excel.export_data import gather_export
from sicapai.excel.writer import to_bytes
from sicapai.models.budget import BudgetLine, BudgetRealisation, SpendingType
from sicapai.models.db import transaction
from sicapai.models.organisation import Organisation, Position, Unit
from sicapai.models.performance import (
    Goal,
    Indicator,
    Kind,
    Objective,
    PastRealisation,
    Period,
    QuarterTarget,
    RenstraTarget,
    Revision,
    Status,
    Submission,
)
from sicapai.models.queries import organisations, spec_of
from sicapai.models.seeding import MASTER_FILE, bundled_path, load_master
from sicapai.models.summaries import Comparison, summarise
from sicapai.reports.capaian import Figures, achievement, is_due, quarter_target, realisation
from sicapai.reports.summary import IndicatorResult, Reported, evaluate

YEARS = (2021, 2022, 2023, 2024, 2025)
YEAR, QUARTER = 2025, 4  # the period everything reads
STAGES = (1, 5, 10, 20, 40)
QUICK_STAGES = (1, 5)
NOW = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)
SEED = 20251231

# Tables in the order rows must be inserted (parents first).
ORDER: tuple[type[SQLModel], ...] = (
    Organisation,
    Unit,
    Position,
    Goal,
    Objective,
    BudgetLine,
    SpendingType,
    Indicator,
    QuarterTarget,
    RenstraTarget,
    PastRealisation,
    Period,
    Submission,
    Revision,
    BudgetRealisation,
)


# --------------------------------------------------------------------------- generating


def template_rows() -> dict[type[SQLModel], list[dict[str, Any]]]:
    """The bundled office, loaded by the product's own loader into a scratch database."""
    with temporary_database("sqlite") as scratch, Session(scratch.engine) as session:
        with transaction(scratch.engine) as writing:
            load_master(writing, bundled_path(MASTER_FILE))
        return {
            model: [row.model_dump() for row in session.exec(select(model))] for model in ORDER[:11]
        }


@dataclass
class Generator:
    """Office after office, with ids handed out here so that inserts can be bulk."""

    template: dict[type[SQLModel], list[dict[str, Any]]]
    random: random.Random = field(default_factory=lambda: random.Random(SEED))
    next_id: dict[type[SQLModel], int] = field(default_factory=dict)
    offices: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def _id(self, model: type[SQLModel]) -> int:
        value = self.next_id.get(model, 1)
        self.next_id[model] = value + 1
        return value

    def office(self) -> dict[type[SQLModel], list[dict[str, Any]]]:
        """Every row of one more office, five years of it."""
        self.offices += 1
        k = self.offices
        out: dict[type[SQLModel], list[dict[str, Any]]] = {model: [] for model in ORDER}
        (org,) = self.template[Organisation]
        org_id = self._id(Organisation)
        out[Organisation].append(
            {**org, "id": org_id, "code": f"opd-{k:02d}", "name": f"Perangkat Daerah {k:02d}"}
        )
        units = self._copy(out, Unit, {"organisation_id": org_id}, parent="parent_id")
        positions = self._copy(
            out,
            Position,
            {"organisation_id": org_id},
            parent="superior_id",
            refs={"unit_id": units},
        )
        for year in YEARS:
            self._year(out, org_id, year, positions)
        for model, rows in out.items():
            name = str(model.__tablename__)
            self.counts[name] = self.counts.get(name, 0) + len(rows)
        return out

    def _copy(
        self,
        out: dict[type[SQLModel], list[dict[str, Any]]],
        model: type[SQLModel],
        fixed: dict[str, Any],
        *,
        parent: str | None = None,
        refs: dict[str, dict[int, int]] | None = None,
    ) -> dict[int, int]:
        """Copy the template rows of `model` with new ids; returns old id → new id."""
        mapping: dict[int, int] = {}
        rows = self.template[model]
        for row in rows:
            mapping[row["id"]] = self._id(model)
        for row in rows:
            new = {**row, **fixed, "id": mapping[row["id"]]}
            if parent and row.get(parent) is not None:
                new[parent] = mapping[row[parent]]
            for name, table in (refs or {}).items():
                if row.get(name) is not None:
                    new[name] = table[row[name]]
            out[model].append(new)
        return mapping

    def _year(
        self,
        out: dict[type[SQLModel], list[dict[str, Any]]],
        org_id: int,
        year: int,
        positions: dict[int, int],
    ) -> None:
        fixed = {"organisation_id": org_id, "year": year}
        goals = self._copy(out, Goal, fixed)
        objectives = self._copy(out, Objective, fixed, refs={"goal_id": goals})
        lines = self._copy(
            out,
            BudgetLine,
            fixed,
            parent="parent_id",
            refs={"owner_position_id": positions},
        )
        self._copy(out, SpendingType, fixed)
        indicators = self._copy(
            out,
            Indicator,
            fixed,
            refs={
                "goal_id": goals,
                "objective_id": objectives,
                "owner_position_id": positions,
                "budget_line_id": lines,
            },
        )
        self._copy(out, QuarterTarget, {}, refs={"indicator_id": indicators})
        self._copy(out, RenstraTarget, {}, refs={"indicator_id": indicators})
        shift = YEAR - year
        for row in self.template[PastRealisation]:
            out[PastRealisation].append(
                {
                    **row,
                    "id": self._id(PastRealisation),
                    "indicator_id": indicators[row["indicator_id"]],
                    "year": row["year"] - shift,
                }
            )
        locked = year < YEAR
        new_indicators = [i for i in out[Indicator] if i["year"] == year]
        subkegiatan = [
            b for b in out[BudgetLine] if b["year"] == year and b["kind"] == "subkegiatan"
        ]
        for quarter in (1, 2, 3, 4):
            period_id = self._id(Period)
            out[Period].append(
                {
                    "id": period_id,
                    "organisation_id": org_id,
                    "year": year,
                    "quarter": quarter,
                    "deadline": None,
                    "locked": locked,
                    "locked_at": datetime(year + 1, 3, 1, tzinfo=UTC) if locked else None,
                }
            )
            ended = datetime(year, 3 * quarter, 28, 2, 0, tzinfo=UTC)
            for indicator in new_indicators:
                if is_due(indicator["frequency"], quarter):
                    self._submission(out, indicator, period_id, quarter, ended)
            for line in subkegiatan:
                share = Decimal(quarter) / 4 * Decimal(self.random.randint(60, 100)) / 100
                out[BudgetRealisation].append(
                    {
                        "id": self._id(BudgetRealisation),
                        "budget_line_id": line["id"],
                        "period_id": period_id,
                        "number": 1,
                        "amount": (line["ceiling"] * share).quantize(Decimal(1)),
                        "printed_absorption": None,
                        "reason": None,
                        "person_id": None,
                        "source": "chat",
                        "created_at": ended + timedelta(days=9),
                    }
                )

    def _figures(self, indicator: dict[str, Any], quarter: int) -> Figures:
        target: Decimal = indicator["target"]
        spread = Decimal(self.random.randint(70, 130)) / 100
        if indicator["kind"] == Kind.RATIO:
            denominator = Decimal(self.random.randint(40, 2000))
            share = min(target / 100 * spread, Decimal(1)) if target else spread / 2
            numerator = (denominator * share).quantize(Decimal(1))
            return Figures(numerator=numerator, denominator=denominator)
        if indicator["kind"] == Kind.COUNT:
            return Figures(value=(target * quarter / 4 * spread).quantize(Decimal(1)))
        return Figures(value=(target * spread).quantize(Decimal("0.01")))

    def _submission(
        self,
        out: dict[type[SQLModel], list[dict[str, Any]]],
        indicator: dict[str, Any],
        period_id: int,
        quarter: int,
        ended: datetime,
    ) -> None:
        submission_id = self._id(Submission)
        revisions = self.random.randint(1, 4)
        target = quarter_target(indicator["kind"], indicator["target"], quarter)
        when = ended
        for number in range(1, revisions + 1):
            when = when + timedelta(days=1, minutes=self.random.randint(0, 600))
            figures = self._figures(indicator, quarter)
            real = realisation(
                indicator["kind"],
                numerator=figures.numerator,
                denominator=figures.denominator,
                value=figures.value,
            ).value
            ach = achievement(
                real,
                target,
                polarity=indicator["polarity"],
                negative_formula=indicator["negative_formula"],
            ).value
            out[Revision].append(
                {
                    "id": self._id(Revision),
                    "submission_id": submission_id,
                    "number": number,
                    "numerator": figures.numerator,
                    "denominator": figures.denominator,
                    "value": figures.value,
                    "realisation": real,
                    "achievement": ach,
                    "kendala": "Keterbatasan anggaran" if ach is not None and ach < 100 else None,
                    "faktor_pendorong": "Koordinasi lintas sektor" if number > 1 else None,
                    "upaya_perbaikan": None,
                    "reason": "Perbaikan data" if number > 1 else None,
                    "status": Status.SENT,
                    "printed_realisation": None,
                    "printed_achievement": None,
                    "person_id": None,
                    "source": "chat",
                    "created_at": when,
                }
            )
        out[Submission].append(
            {
                "id": submission_id,
                "indicator_id": indicator["id"],
                "period_id": period_id,
                "status": Status.APPROVED if quarter < 4 else Status.SENT,
                "current_revision": revisions,
                "review_note": None,
                "updated_at": when,
            }
        )


def write(engine: Engine, batches: list[dict[type[SQLModel], list[dict[str, Any]]]]) -> None:
    """Bulk inserts, parents first; on PostgreSQL the id sequences are moved past our ids."""
    with transaction(engine) as session:
        for model in ORDER:
            rows = [row for batch in batches for row in batch[model]]
            for start in range(0, len(rows), 5000):
                chunk = rows[start : start + 5000]
                session.execute(insert(model.__table__), chunk)  # type: ignore[attr-defined]
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for model in ORDER:
                table = model.__tablename__  # type: ignore[attr-defined]
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"COALESCE((SELECT max(id) FROM {table}), 1))"
                    )
                )
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))


def database_size(engine: Engine, url: str) -> int:
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar()
            return int(size or 0)
    path = url.removeprefix("sqlite:///")
    return sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))


# --------------------------------------------------------------------------- a kabupaten view


def kabupaten_results(
    session: Session, year: int, quarter: int
) -> dict[int, tuple[list[IndicatorResult], dict[int, Comparison]]]:
    """Every office's summary in one pass: the same figures as `summarise` per office, read
    with a fixed number of queries instead of about a dozen per office (bench-only sketch)."""
    indicators = session.exec(
        select(Indicator).where(col(Indicator.year).in_([year, year - 1]))
    ).all()
    names = {
        (o.organisation_id, o.year, o.id): o.name
        for o in session.exec(select(Objective).where(col(Objective.year).in_([year, year - 1])))
    }
    goal_names = {
        (g.organisation_id, g.year, g.id): g.name
        for g in session.exec(select(Goal).where(col(Goal.year).in_([year, year - 1])))
    }
    overrides: dict[int, dict[int, Decimal]] = {}
    for qt in session.exec(
        select(QuarterTarget)
        .join(Indicator, col(Indicator.id) == col(QuarterTarget.indicator_id))
        .where(col(Indicator.year).in_([year, year - 1]))
    ):
        overrides.setdefault(qt.indicator_id, {})[qt.quarter] = qt.target
    periods = {
        p.id: (p.organisation_id, p.year)
        for p in session.exec(
            select(Period).where(col(Period.year).in_([year, year - 1]), Period.quarter == quarter)
        )
    }
    reported: dict[int, Reported] = {}
    for sub, rev in session.exec(
        select(Submission, Revision)
        .join(
            Revision,
            (col(Revision.submission_id) == col(Submission.id))
            & (col(Revision.number) == col(Submission.current_revision)),
        )
        .where(col(Submission.period_id).in_(list(periods) or [0]))
    ):
        reported[sub.indicator_id] = Reported(
            figures=Figures(numerator=rev.numerator, denominator=rev.denominator, value=rev.value),
            status=sub.status,
            revision=rev.number,
            kendala=rev.kendala,
            faktor_pendorong=rev.faktor_pendorong,
            upaya_perbaikan=rev.upaya_perbaikan,
        )
    this_year = [i for i in indicators if i.year == year]
    ids = [i.id for i in this_year]
    renstra = {
        r.indicator_id: r
        for r in session.exec(select(RenstraTarget).where(col(RenstraTarget.indicator_id).in_(ids)))
    }
    past = {
        p.indicator_id: p
        for p in session.exec(
            select(PastRealisation).where(
                col(PastRealisation.indicator_id).in_(ids), PastRealisation.year == year - 1
            )
        )
    }
    results: dict[int, list[IndicatorResult]] = {}
    last: dict[tuple[int, str], Decimal | None] = {}
    for ind in indicators:
        assert ind.id is not None
        key = (ind.organisation_id, ind.year)
        objective = names.get((*key, ind.objective_id)) if ind.objective_id else None
        if objective is None and ind.goal_id:
            objective = goal_names.get((*key, ind.goal_id))
        spec = spec_of(ind, objective or "", overrides.get(ind.id, {}))
        result = evaluate(spec, quarter, reported.get(ind.id))
        if ind.year == year:
            results.setdefault(ind.organisation_id, []).append(result)
        else:
            last[(ind.organisation_id, ind.code)] = result.realisation.value
    out: dict[int, tuple[list[IndicatorResult], dict[int, Comparison]]] = {}
    for org_id, rows in results.items():
        comparisons = {}
        for r in rows:
            spec = r.spec
            last_value = last.get((org_id, spec.code))
            label = None
            if last_value is not None:
                label = f"TW {'I' * quarter if quarter < 4 else 'IV'} {year - 1}"
            if last_value is None and quarter == 4 and spec.id in past:
                if past[spec.id].realisation is not None:
                    last_value, label = past[spec.id].realisation, str(year - 1)
            target = renstra.get(spec.id)
            comparisons[spec.id] = Comparison(
                last_year=last_value,
                last_year_label=label,
                renstra_target=target.target if target else None,
                renstra_year=target.end_year if target else None,
                renstra_achievement=achievement(
                    r.realisation.value,
                    target.target,
                    polarity=spec.polarity,
                    negative_formula=spec.negative_formula,
                ).value
                if target
                else None,
            )
        ordered = sorted(rows, key=lambda r: (not r.spec.code.startswith("T."), r.spec.code))
        out[org_id] = (ordered, comparisons)
    return out


# --------------------------------------------------------------------------- timing


@contextmanager
def counting(engine: Engine) -> Iterator[list[int]]:
    """Counts the SQL statements sent while the block runs."""
    seen = [0]

    def count(*_args: Any) -> None:
        seen[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def timed(action: Callable[[], object], repeats: int) -> tuple[float, float]:
    """(median, min) seconds over `repeats` runs, after one unmeasured run."""
    action()
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times), min(times)


@dataclass
class Stage:
    backend: str
    offices: int
    submissions: int
    revisions: int
    size_bytes: int
    generate_s: float
    capaian: float = math.nan
    capaian_min: float = math.nan
    capaian_queries: int = 0
    kabupaten: float = math.nan
    kabupaten_min: float = math.nan
    kabupaten_queries: int = 0
    aggregated: float = math.nan
    aggregated_min: float = math.nan
    aggregated_queries: int = 0
    same_figures: bool = False
    gather: float = math.nan
    build: float = math.nan
    to_xlsx: float = math.nan
    xlsx_bytes: int = 0

    @property
    def export(self) -> float:
        return self.gather + self.build + self.to_xlsx


def measure(engine: Engine, stage: Stage, repeats: int) -> None:
    with Session(engine) as session:
        orgs = list(organisations(session=session))
    first = orgs[0]

    def capaian() -> object:
        with Session(engine) as session:
            return summarise(
                session=session, organisation=first, year=YEAR, quarter=QUARTER, scope=None, now=NOW
            )

    def kabupaten() -> dict[int, Any]:
        with Session(engine) as session:
            return {
                org.id: summarise(
                    session=session,
                    organisation=org,
                    year=YEAR,
                    quarter=QUARTER,
                    scope=None,
                    now=NOW,
                )
                for org in orgs
            }

    def aggregated() -> dict[int, Any]:
        with Session(engine) as session:
            return kabupaten_results(session, YEAR, QUARTER)

    stage.capaian, stage.capaian_min = timed(capaian, repeats)
    few = max(3, repeats // 5)
    stage.kabupaten, stage.kabupaten_min = timed(kabupaten, few)
    stage.aggregated, stage.aggregated_min = timed(aggregated, few)
    with counting(engine) as n:
        capaian()
    stage.capaian_queries = n[0]
    with counting(engine) as n:
        one_by_one = kabupaten()
    stage.kabupaten_queries = n[0]
    with counting(engine) as n:
        together = aggregated()
    stage.aggregated_queries = n[0]
    stage.same_figures = all(
        [(r.spec.code, r.realisation.value, r.achievement.value) for r in summary.results]
        == [(r.spec.code, r.realisation.value, r.achievement.value) for r in together[org][0]]
        and {r.spec.code: summary.comparisons[r.spec.id].last_year for r in summary.results}
        == {r.spec.code: together[org][1][r.spec.id].last_year for r in together[org][0]}
        for org, summary in one_by_one.items()
    )

    gathered: list[Any] = []
    built: list[Any] = []

    def gather() -> None:
        with Session(engine) as session:
            gathered[:] = [
                gather_export(session=session, organisation=first, year=YEAR, quarter=QUARTER)
            ]

    def build() -> None:
        built[:] = [build_export(gathered[0])]

    def save() -> None:
        stage.xlsx_bytes = len(to_bytes(built[0]))

    export_repeats = max(3, repeats // 5)
    stage.gather, _ = timed(gather, export_repeats)
    stage.build, _ = timed(build, export_repeats)
    stage.to_xlsx, _ = timed(save, export_repeats)


def run_backend(backend: str, stages: tuple[int, ...], repeats: int) -> list[Stage]:
    template = template_rows()
    generator = Generator(template)
    results: list[Stage] = []
    with temporary_database(backend) as db:
        for target in stages:
            print(f"… {backend}: {target} offices", file=sys.stderr, flush=True)
            began = time.perf_counter()
            batches = [generator.office() for _ in range(target - generator.offices)]
            write(db.engine, batches)
            generated = time.perf_counter() - began
            stage = Stage(
                backend,
                target,
                generator.counts.get("submission", 0),
                generator.counts.get("revision", 0),
                database_size(db.engine, db.url),
                generated,
            )
            measure(db.engine, stage, repeats)
            results.append(stage)
    return results


# --------------------------------------------------------------------------- the report


def table(stages: list[Stage]) -> str:
    rows = []
    base = {s.backend: s for s in stages if s.offices == min(x.offices for x in stages)}
    for s in stages:
        growth = s.capaian_min / base[s.backend].capaian_min
        rows.append(
            [
                s.backend,
                str(s.offices),
                f"{s.submissions:,} / {s.revisions:,}",
                f"{s.size_bytes / 1e6:.0f} MB",
                f"{s.generate_s:.1f} s",
                f"{ms(s.capaian)} / {ms(s.capaian_min)}",
                f"{growth:.2f}×",
                f"{ms(s.kabupaten)} / {ms(s.kabupaten_min)} ({s.kabupaten_queries} q)",
                f"{ms(s.aggregated)} / {ms(s.aggregated_min)} ({s.aggregated_queries} q)"
                + ("" if s.same_figures else " ≠"),
                f"{ms(s.export)} = {ms(s.gather)} + {ms(s.build)} + {ms(s.to_xlsx)}",
            ]
        )
    return markdown_table(
        [
            "database",
            "offices",
            "submissions / revisions",
            "size",
            "generated in",
            "/capaian, one office: median / min ms",
            "min vs 1 office",
            "kabupaten, office by office: median / min ms",
            "kabupaten, one pass: median / min ms",
            "XLSX export (median) ms = gather + build + save",
        ],
        rows,
        "lrrrrrrrrr",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench lookups",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="1 and 5 offices, fewer repeats")
    parser.add_argument("--stages", type=int, nargs="+", help="offices loaded at each step")
    parser.add_argument("--backends", nargs="+", default=["postgresql", "sqlite"])
    parser.add_argument("--repeats", type=int, help="timed runs of one /capaian (median)")
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    stages = tuple(args.stages or (QUICK_STAGES if args.quick else STAGES))
    repeats = args.repeats or (5 if args.quick else 25)
    host = machine()
    results: list[Stage] = []
    for backend in args.backends:
        results += run_backend(backend, stages, repeats)
    last = results[-1]
    xlsx = f"{last.xlsx_bytes / 1024:.0f} KiB"
    notes = [
        f"- one office's /capaian: {last.capaian_queries} SQL statements (q); the XLSX of one "
        f"office-year is {xlsx}; medians over {repeats} runs of /capaian and "
        f"{max(3, repeats // 5)} of the rest, each after one unmeasured run",
        "- `≠` after a one-pass time would mean its figures differ from `summarise`'s "
        "(realisasi, capaian, last year's figure per indicator); none shown means equal",
    ]
    report = "\n".join([f"Machine: {host}", "", table(results), "", *notes])
    print(report)
    if args.out:
        args.out.write_text(report + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
