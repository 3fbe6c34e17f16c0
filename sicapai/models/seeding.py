"""Loading an office's master data (PK, organisation, budget) and demo realisations from YAML.

Loading is idempotent: rows are matched on their natural keys (codes and names) and updated
in place, so `sicapai seed` can run again after the bundled file is corrected. Demo
realisations are added once; a slot that already has a revision is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from sqlmodel import Session, SQLModel, select

from sicapai.models.budget import BudgetLine, BudgetRealisation, SpendingType
from sicapai.models.memo import per_unit_of_work
from sicapai.models.organisation import Organisation, Position, Unit
from sicapai.models.performance import (
    Goal,
    Indicator,
    Objective,
    PastRealisation,
    Period,
    RenstraTarget,
    Revision,
    Status,
    Submission,
)
from sicapai.models.types import ident
from sicapai.reports.capaian import achievement, realisation

MASTER_FILE = "disnakertrans_banjar_2025.yaml"
DEMO_FILE = "demo_realisasi_2025.yaml"

Row = TypeVar("Row", bound=SQLModel)


class SeedProblem(StrEnum):
    """Why a data file cannot be loaded; `handlers.texts.data.seed_error` words it."""

    UNREADABLE = "tidak_terbaca"
    NOT_YAML = "bukan_yaml"
    UNKNOWN_SHAPE = "bentuk_asing"
    FLOAT = "angka_pecahan"
    MISSING_VALUE = "angka_kosong"
    UNKNOWN_SUPERIOR = "atasan_asing"
    MISSING_KEY = "kolom_hilang"
    UNKNOWN_OWNER = "penanggung_jawab_asing"
    INDICATOR_NOT_LOADED = "indikator_belum_dimuat"
    LINE_NOT_LOADED = "mata_anggaran_belum_dimuat"


class SeedError(ValueError):
    """The data file is not usable: `problem` says why, `detail` names the entry."""

    def __init__(self, problem: SeedProblem, **detail: object) -> None:
        super().__init__(f"{problem}: {detail}")
        self.problem = problem
        self.detail = detail


@dataclass
class LoadReport:
    """What a load did, for the one-line summary the CLI prints."""

    organisation: str = ""
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n


def bundled_path(name: str) -> Path:
    """A data file shipped inside the package."""
    return Path(str(resources.files("sicapai.data").joinpath(name)))


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except OSError as exc:
        raise SeedError(SeedProblem.UNREADABLE, path=path, why=exc.strerror) from exc
    except yaml.YAMLError as exc:
        raise SeedError(SeedProblem.NOT_YAML, path=path, why=exc) from exc
    if not isinstance(data, dict):
        raise SeedError(SeedProblem.UNKNOWN_SHAPE, path=path)
    return data


def required_dec(value: Any) -> Decimal:
    """An exact decimal that must be there (a realisation, a pagu)."""
    number = dec(value)
    if number is None:
        raise SeedError(SeedProblem.MISSING_VALUE, value=value)
    return number


def dec(value: Any) -> Decimal | None:
    """Exact decimals from the file: strings (or ints) only, never floats."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        raise SeedError(SeedProblem.FLOAT, value=value)
    return Decimal(str(value))


def upsert(session: Session, model: type[Row], keys: dict[str, Any], values: dict[str, Any]) -> Row:
    """The row with these keys, created or updated with `values`: loading the same master
    data twice (the bundled YAML, a re-imported template) changes nothing."""
    statement = select(model)
    for name, wanted in keys.items():
        statement = statement.where(getattr(model, name) == wanted)
    row = session.exec(statement).first()
    if row is None:
        row = model(**keys, **values)
    else:
        for name, wanted in values.items():
            setattr(row, name, wanted)
    session.add(row)
    session.flush()
    return row


@per_unit_of_work("period")
def ensure_periods(session: Session, organisation: Organisation, year: int) -> dict[int, Period]:
    """The four reporting periods of a year, created when missing (one query when they exist)."""
    assert organisation.id is not None
    periods = {
        p.quarter: p
        for p in session.exec(
            select(Period).where(Period.organisation_id == organisation.id, Period.year == year)
        )
    }
    for quarter in (1, 2, 3, 4):
        if quarter not in periods:
            # no deadline stored: the office's calendar computes it until the admin sets one
            period = Period(organisation_id=organisation.id, year=year, quarter=quarter)
            session.add(period)
            session.flush()
            periods[quarter] = period
    return dict(sorted(periods.items()))


def load_master(session: Session, path: Path) -> LoadReport:
    """Organisation, units, positions, goals, objectives, indicators and the budget tree."""
    data = read_yaml(path)
    report = LoadReport()
    try:
        org_data = data["organisasi"]
        year = int(data["tahun"])
        organisation = upsert(
            session,
            Organisation,
            {"code": org_data["kode"]},
            {"name": org_data["nama"], "timezone": org_data.get("zona_waktu", "Asia/Makassar")},
        )
        report.organisation = organisation.name
        org_id = organisation.id
        units: dict[str, Unit] = {}
        for item in data.get("unit", []):
            parent = units.get(item["induk"]) if item.get("induk") else None
            units[item["kode"]] = upsert(
                session,
                Unit,
                {"organisation_id": org_id, "code": item["kode"]},
                {
                    "name": item["nama"],
                    "kind": item["jenis"],
                    "parent_id": parent.id if parent else None,
                },
            )
            report.add("unit")
        positions: dict[str, Position] = {}
        for item in data.get("jabatan", []):
            superior = positions.get(item["atasan"]) if item.get("atasan") else None
            if item.get("atasan") and superior is None:
                raise SeedError(
                    SeedProblem.UNKNOWN_SUPERIOR, superior=item["atasan"], position=item["nama"]
                )
            unit = units.get(item["unit"]) if item.get("unit") else None
            positions[item["nama"]] = upsert(
                session,
                Position,
                {"organisation_id": org_id, "name": item["nama"]},
                {
                    "unit_id": unit.id if unit else None,
                    "superior_id": superior.id if superior else None,
                    "budget_duty": bool(item.get("tugas_anggaran", False)),
                },
            )
            report.add("jabatan")
        goals: dict[str, Goal] = {}
        for item in data.get("tujuan", []):
            goals[item["kode"]] = upsert(
                session,
                Goal,
                {"organisation_id": org_id, "year": year, "code": item["kode"]},
                {"name": item["nama"]},
            )
        objectives: dict[str, Objective] = {}
        for item in data.get("sasaran", []):
            goal = goals.get(item.get("tujuan") or "")
            objectives[item["kode"]] = upsert(
                session,
                Objective,
                {"organisation_id": org_id, "year": year, "code": item["kode"]},
                {"name": item["nama"], "goal_id": goal.id if goal else None},
            )
        budget: dict[str, BudgetLine] = {}
        for order, item in enumerate(data.get("anggaran", [])):
            parent_line = budget.get(item["induk"]) if item.get("induk") else None
            owner = positions.get(item.get("penanggung_jawab") or "")
            budget[str(item["kode"])] = upsert(
                session,
                BudgetLine,
                {"organisation_id": org_id, "year": year, "code": str(item["kode"])},
                {
                    "kind": item["jenis"],
                    "name": item["nama"],
                    "ceiling": dec(item["pagu"]),
                    "parent_id": parent_line.id if parent_line else None,
                    "owner_position_id": owner.id if owner else None,
                    "sort_order": order,
                },
            )
            report.add("mata anggaran")
        for order, item in enumerate(data.get("jenis_belanja", []) or []):
            upsert(
                session,
                SpendingType,
                {"organisation_id": org_id, "year": year, "name": item["nama"]},
                {
                    "parent_name": item.get("induk"),
                    "ceiling": dec(item["pagu"]),
                    "realisation": dec(item.get("realisasi")),
                    "sort_order": order,
                },
            )
        for item in data.get("indikator", []):
            _load_indicator(session, item, org_id, year, positions, goals, objectives, budget)
            report.add("indikator")
        ensure_periods(session, organisation, year)
    except KeyError as exc:
        raise SeedError(SeedProblem.MISSING_KEY, path=path.name, key=exc.args[0]) from exc
    return report


def _load_indicator(
    session: Session,
    item: dict[str, Any],
    org_id: int | None,
    year: int,
    positions: dict[str, Position],
    goals: dict[str, Goal],
    objectives: dict[str, Objective],
    budget: dict[str, BudgetLine],
) -> None:
    owner_name = item.get("penanggung_jawab")
    owner = positions.get(owner_name or "")
    if owner_name and owner is None:
        raise SeedError(SeedProblem.UNKNOWN_OWNER, owner=owner_name, code=item["kode"])
    objective = objectives.get(item.get("sasaran") or "")
    goal = goals.get(item.get("tujuan") or "")
    line = budget.get(str(item.get("anggaran") or ""))
    indicator = upsert(
        session,
        Indicator,
        {"organisation_id": org_id, "year": year, "code": item["kode"]},
        {
            "report_order": int(item.get("urutan_laporan", 0)),
            "goal_id": goal.id if goal else None,
            "objective_id": objective.id if objective else None,
            "name": item["nama"],
            "formula": item.get("formula") or "",
            "numerator_label": item.get("label_pembilang"),
            "denominator_label": item.get("label_penyebut"),
            "unit_label": item["satuan"],
            "kind": item["jenis"],
            "polarity": item.get("polaritas", "positif"),
            "negative_formula": item.get("rumus_negatif") or "target_per_realisasi",
            "frequency": item.get("frekuensi", "triwulanan"),
            "target": dec(item["target"]),
            "may_exceed_100": bool(item.get("bisa_lebih_100", False)),
            "owner_position_id": owner.id if owner else None,
            "budget_line_id": line.id if line else None,
            "pk_budget": dec(item.get("anggaran_pk")),
        },
    )
    renstra = item.get("target_akhir_renstra")
    if renstra:
        upsert(
            session,
            RenstraTarget,
            {"indicator_id": indicator.id},
            {"end_year": int(renstra["tahun"]), "target": dec(renstra["target"])},
        )
    for past in item.get("realisasi_lalu") or []:
        upsert(
            session,
            PastRealisation,
            {"indicator_id": indicator.id, "year": int(past["tahun"])},
            {"realisation": dec(past.get("realisasi")), "achievement": dec(past.get("capaian"))},
        )


def load_demo(session: Session, path: Path, organisation: Organisation) -> LoadReport:
    """The year's realisations as the seed reports them, stored as revision 1 of each slot."""
    data = read_yaml(path)
    report = LoadReport(organisation=organisation.name)
    year, quarter = int(data["tahun"]), int(data["triwulan"])
    period = ensure_periods(session, organisation, year)[quarter]
    indicators = {
        i.code: i
        for i in session.exec(
            select(Indicator).where(
                Indicator.organisation_id == organisation.id, Indicator.year == year
            )
        )
    }
    for item in data.get("indikator", []):
        indicator = indicators.get(item["kode"])
        if indicator is None:
            raise SeedError(SeedProblem.INDICATOR_NOT_LOADED, code=item["kode"])
        submission = upsert(
            session,
            Submission,
            {"indicator_id": indicator.id, "period_id": period.id},
            {},
        )
        if submission.current_revision > 0:
            continue
        numerator, denominator, value = (
            dec(item.get("pembilang")),
            dec(item.get("penyebut")),
            dec(item.get("nilai")),
        )
        realised = realisation(
            indicator.kind, numerator=numerator, denominator=denominator, value=value
        ).value
        achieved = achievement(
            realised,
            indicator.target,
            polarity=indicator.polarity,
            negative_formula=indicator.negative_formula,
        ).value
        printed = item.get("dicetak") or {}
        session.add(
            Revision(
                submission_id=ident(submission),
                number=1,
                numerator=numerator,
                denominator=denominator,
                value=value if numerator is None else None,
                realisation=realised,
                achievement=achieved,
                kendala=item.get("kendala"),
                faktor_pendorong=item.get("faktor_pendorong"),
                upaya_perbaikan=item.get("upaya_perbaikan"),
                status=Status.SENT,
                printed_realisation=dec(printed.get("realisasi")),
                printed_achievement=dec(printed.get("capaian")),
                source="demo",
            )
        )
        submission.current_revision = 1
        submission.status = Status.SENT
        session.add(submission)
        report.add("realisasi indikator")
    lines = {
        b.code: b
        for b in session.exec(
            select(BudgetLine).where(
                BudgetLine.organisation_id == organisation.id, BudgetLine.year == year
            )
        )
    }
    for item in data.get("anggaran", []):
        line = lines.get(str(item["kode"]))
        if line is None:
            raise SeedError(SeedProblem.LINE_NOT_LOADED, code=item["kode"])
        exists = session.exec(
            select(BudgetRealisation).where(
                BudgetRealisation.budget_line_id == line.id,
                BudgetRealisation.period_id == period.id,
            )
        ).first()
        if exists is not None:
            continue
        session.add(
            BudgetRealisation(
                budget_line_id=ident(line),
                period_id=ident(period),
                number=1,
                amount=required_dec(item["realisasi"]),
                printed_absorption=dec(item.get("serapan_dicetak")),
                source="demo",
            )
        )
        report.add("realisasi anggaran")
    session.flush()
    return report
