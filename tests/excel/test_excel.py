"""Excel in and out: the template round trip, all-or-nothing imports, budget realisation
workbooks and the LKjIP export, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import Session, SQLModel, col, select

from sicapai.excel.cells import cell_number
from sicapai.excel.export import SHEETS, build_export
from sicapai.excel.export_data import gather_export
from sicapai.excel.importer import import_workbook
from sicapai.excel.problems import Issue, Problem, Problems, Reason
from sicapai.excel.template_writer import build_realisation_template, build_template
from sicapai.excel.workbook import WorkbookError
from sicapai.excel.writer import to_bytes
from sicapai.handlers.texts import excel as texts
from sicapai.models.budget import BudgetLine, BudgetRealisation, SpendingType
from sicapai.models.db import transaction
from sicapai.models.organisation import Holding, Organisation, Person, Position, Unit
from sicapai.models.people import bind_holding
from sicapai.models.performance import (
    Evidence,
    Goal,
    Indicator,
    Objective,
    PastRealisation,
    Period,
    QuarterTarget,
    RenstraTarget,
    Submission,
)
from sicapai.models.queries import get_period, resolve_organisation, years_with_pk
from sicapai.models.seeding import MASTER_FILE, bundled_path, load_master
from sicapai.reports.numbers import Field
from tests.support.cli import run_cli
from tests.support.database import Database

ORG = "disnakertrans-banjar"


# --- helpers -------------------------------------------------------------------------------


def _natural(session: Session, org_code: str) -> dict[str, Any]:
    """Every master-data row of an office, with ids replaced by natural keys, for comparison."""
    org = session.exec(select(Organisation).where(Organisation.code == org_code)).one()
    units = {u.id: u for u in session.exec(select(Unit).where(Unit.organisation_id == org.id))}
    positions = {
        p.id: p for p in session.exec(select(Position).where(Position.organisation_id == org.id))
    }
    goals = {g.id: g for g in session.exec(select(Goal).where(Goal.organisation_id == org.id))}
    objectives = {
        o.id: o for o in session.exec(select(Objective).where(Objective.organisation_id == org.id))
    }
    lines = {
        b.id: b
        for b in session.exec(select(BudgetLine).where(BudgetLine.organisation_id == org.id))
    }
    indicators = {
        i.id: i for i in session.exec(select(Indicator).where(Indicator.organisation_id == org.id))
    }

    def code(table: dict[Any, Any], key: Any) -> Any:
        return table[key].code if key is not None else None

    def fields(row: SQLModel, *drop: str) -> dict[str, Any]:
        data = row.model_dump()
        for name in ("id", "organisation_id", *drop):
            data.pop(name, None)
        return data

    snapshot: dict[str, Any] = {
        "organisation": fields(org),
        "unit": {
            u.code: {**fields(u, "parent_id"), "parent": code(units, u.parent_id)}
            for u in units.values()
        },
        "jabatan": {
            p.name: {
                **fields(p, "unit_id", "superior_id"),
                "unit": code(units, p.unit_id),
                "superior": positions[p.superior_id].name if p.superior_id else None,
            }
            for p in positions.values()
        },
        "tujuan": {(g.year, g.code): fields(g) for g in goals.values()},
        "sasaran": {
            (o.year, o.code): {**fields(o, "goal_id"), "goal": code(goals, o.goal_id)}
            for o in objectives.values()
        },
        "anggaran": {
            (b.year, b.code): {
                **fields(b, "parent_id", "owner_position_id"),
                "parent": code(lines, b.parent_id),
                "owner": positions[b.owner_position_id].name if b.owner_position_id else None,
            }
            for b in lines.values()
        },
        "indikator": {
            (i.year, i.code): {
                **fields(i, "goal_id", "objective_id", "owner_position_id", "budget_line_id"),
                "goal": code(goals, i.goal_id),
                "objective": code(objectives, i.objective_id),
                "owner": positions[i.owner_position_id].name if i.owner_position_id else None,
                "budget": code(lines, i.budget_line_id),
            }
            for i in indicators.values()
        },
        "jenis belanja": {
            (s.year, s.name): fields(s)
            for s in session.exec(
                select(SpendingType).where(SpendingType.organisation_id == org.id)
            )
        },
    }
    ids = list(indicators)
    key = {i.id: (i.year, i.code) for i in indicators.values()}
    snapshot["target triwulan"] = {
        (*key[q.indicator_id], q.quarter): q.target
        for q in session.exec(select(QuarterTarget).where(col(QuarterTarget.indicator_id).in_(ids)))
    }
    snapshot["renstra"] = {
        key[r.indicator_id]: (r.end_year, r.target)
        for r in session.exec(select(RenstraTarget).where(col(RenstraTarget.indicator_id).in_(ids)))
    }
    snapshot["realisasi lalu"] = {
        (*key[p.indicator_id], p.year): (p.realisation, p.achievement)
        for p in session.exec(
            select(PastRealisation).where(col(PastRealisation.indicator_id).in_(ids))
        )
    }
    return snapshot


def _wipe(db: Database) -> None:
    with db.engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())


def _template(db: Database, year: int | None = 2025) -> Workbook:
    with db.session() as session:
        org = resolve_organisation(session=session)
        workbook = build_template(session=session, organisation=org, year=year).workbook
    return load_workbook(io.BytesIO(to_bytes(workbook)))  # as a person would open it


def _row_of(ws: Any, code: str) -> int:
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=1).value == code:
            return row
    raise AssertionError(f"{code} not in {ws.title}")


def _values(ws: Any, row: int) -> tuple[Any, ...]:
    return tuple(cell.value for cell in ws[row])


def _save(workbook: Workbook, path: Path) -> Path:
    workbook.save(path)
    return path


def _import(db: Database, source: Path | bytes, **kwargs: Any) -> Any:
    options: dict[str, Any] = {
        "organisation": None,
        "year": None,
        "quarter": None,
        "person_id": None,
    }
    options.update(kwargs)
    with transaction(db.engine) as session:
        return import_workbook(session, source, **options)


# --- numbers in cells ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fmt", "kind", "expected"),
    [
        (24.06, "General", Field.NUMBER, Decimal("24.06")),
        (0.1 + 0.2, "General", Field.NUMBER, Decimal("0.3")),
        (12081204858, "#,##0", Field.RUPIAH, Decimal("12081204858")),
        (0.38, "0%", Field.PERCENT, Decimal("38")),
        ("1.762", "General", Field.NUMBER, Decimal("1762")),
        ("29,71", "General", Field.PERCENT, Decimal("29.71")),
        ("29,71%", "General", Field.PERCENT, Decimal("29.71")),
        ("Rp 2.526.926.600", "@", Field.RUPIAH, Decimal("2526926600")),
    ],
)
def test_cell_numbers(value: Any, fmt: str, kind: Field, expected: Decimal) -> None:
    assert cell_number(value, fmt, kind) == expected


@pytest.mark.parametrize("value", ["1,762", "abc", "#DIV/0!", True])
def test_cell_numbers_refused_with_a_reason(value: Any) -> None:
    refused = cell_number(value)
    assert isinstance(refused, Reason)
    reason = texts.reason(refused)
    assert isinstance(reason, str) and reason


# --- the template round trip ---------------------------------------------------------------


def test_template_round_trip_of_the_bundled_pk(db: Database, tmp_path: Path) -> None:
    with transaction(db.engine) as session:
        load_master(session, bundled_path(MASTER_FILE))
        indicators = {
            i.code: i for i in session.exec(select(Indicator).where(Indicator.year == 2025))
        }
        # Rencana Aksi overrides, so that quarter targets travel too (the seed has none).
        for quarter, target in ((1, "150"), (2, "400"), (3, "700.5"), (4, "1000")):
            session.add(
                QuarterTarget(
                    indicator_id=indicators["IK.19"].id, quarter=quarter, target=Decimal(target)
                )
            )
        session.add(QuarterTarget(indicator_id=indicators["IK.01"].id, quarter=1, target=30))
    with db.session() as session:
        before = _natural(session, ORG)
    assert len(before["indikator"]) == 25 and len(before["anggaran"]) == 64
    assert len(before["target triwulan"]) == 5

    out = tmp_path / "templat.xlsx"
    written = run_cli("templat", "--tahun", "2025", "--out", str(out), database_url=db.url)
    assert written.returncode == 0, written.stderr
    assert "25 indikator" in written.stdout and "64 mata anggaran" in written.stdout

    _wipe(db)
    loaded = run_cli("impor", str(out), database_url=db.url)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.startswith("Berkas templat.xlsx dimuat")
    assert "25 indikator" in loaded.stdout

    with db.session() as session:
        after = _natural(session, ORG)
        periods = session.exec(select(Period).where(Period.year == 2025)).all()
    for part in before:
        assert after[part] == before[part], part
    assert len(periods) == 4

    # And again: the import is idempotent.
    again = run_cli("impor", str(out), database_url=db.url)
    assert again.returncode == 0, again.stderr
    with db.session() as session:
        assert _natural(session, ORG) == before


def test_numbers_in_the_template_are_numeric_cells(seeded: Database) -> None:
    ws = _template(seeded)["Indikator"]
    row = _row_of(ws, "IK.02")
    assert ws[f"O{row}"].value == pytest.approx(24.06)
    assert ws[f"X{row}"].value == 2782864500 and ws[f"X{row}"].number_format == "#,##0"
    budget = _template(seeded)["Anggaran"]
    assert budget["A3"].value == "1.1" and budget["A3"].data_type == "s"
    assert isinstance(budget["E3"].value, int)


def test_blank_template_on_an_empty_database(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "kosong.xlsx"
    result = run_cli("templat", "--out", str(out), database_url=db.url)
    assert result.returncode == 0, result.stderr
    workbook = load_workbook(out)
    assert {"Petunjuk", "Organisasi", "Indikator", "Anggaran", "Jabatan", "Unit"} <= set(
        workbook.sheetnames
    )
    assert workbook["Indikator"].max_row == 1  # the header only


# --- problems: everything named, nothing loaded --------------------------------------------


def test_bad_rows_load_nothing_and_every_bad_cell_is_named(
    seeded: Database, tmp_path: Path
) -> None:
    workbook = _template(seeded)
    ws = workbook["Indikator"]
    assert [_row_of(ws, c) for c in ("IK.01", "IK.03", "IK.08")] == [3, 5, 10]
    # columns: kode=A, satuan=J, jenis=K, target tahunan=O, penanggung jawab=T, Renstra=Y/Z
    ws["J5"] = None  # satuan of IK.03
    ws["K6"] = "persen"  # jenis of IK.04
    ws["O7"] = "abc"  # target of IK.05
    ws["O8"] = "100,0"  # Indonesian text: fine
    ws["T8"] = "Kepala Seksi Entah"  # owner of IK.06
    ws["A9"] = "IK.01"  # duplicate code
    ws["Z3"] = None  # Renstra target without its year
    ws["W10"] = "9.9"  # budget code that does not exist
    budget = workbook["Anggaran"]
    budget["D10"] = "7.7"  # parent that does not exist
    budget["E5"] = "-5"  # negative pagu
    path = _save(workbook, tmp_path / "salah.xlsx")

    with seeded.session() as session:
        before = _natural(session, ORG)
    report = _import(seeded, path)
    expected = [
        "Indikator!Z3 (tahun akhir renstra): kosong; isi bersama target akhir renstra",
        "Indikator!J5 (satuan): kosong",
        "Indikator!K6 (jenis): “persen” tidak dikenal; pilih jumlah, nilai atau rasio",
        "Indikator!O7 (target tahunan): “abc” bukan angka. Contoh penulisan: 1.762 atau 29,71.",
        "Indikator!T8 (penanggung jawab): jabatan “Kepala Seksi Entah” tidak dikenal",
        "Indikator!A9 (kode): kode IK.01 sudah dipakai di baris 3",
        "Indikator!W10 (kode anggaran): mata anggaran 9.9 tidak ada",
        "Anggaran!E5 (pagu): tidak boleh negatif",
        "Anggaran!D10 (induk): mata anggaran 7.7 tidak ada",
    ]
    assert [texts.problem(p) for p in report.problems] == expected
    assert all(isinstance(p, Problem) and p.sheet and p.row and p.column for p in report.problems)
    assert (report.problems[1].sheet, report.problems[1].row, report.problems[1].column) == (
        "Indikator",
        5,
        "J",
    )
    assert not report.ok
    with seeded.session() as session:
        assert _natural(session, ORG) == before

    result = run_cli("impor", str(path), database_url=seeded.url)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0] == (
        f"sicapai: Berkas salah.xlsx tidak dimuat: {len(expected)} masalah "
        "(tidak ada data yang diubah)."
    )
    assert lines[1:] == [f"- {line}" for line in expected]
    with seeded.session() as session:
        assert _natural(session, ORG) == before


def test_missing_column_and_wrong_office(seeded: Database, tmp_path: Path) -> None:
    workbook = _template(seeded)
    workbook["Indikator"]["J1"] = "unit"  # the satuan header is gone
    workbook["Organisasi"]["B2"] = "dinas-lain"
    path = _save(workbook, tmp_path / "lain.xlsx")
    with seeded.session() as session:
        org = resolve_organisation(session=session)
    report = _import(seeded, path, organisation=org)
    assert [texts.problem(p) for p in report.problems] == [
        "Organisasi!B2 (kode organisasi): berkas ini untuk organisasi dinas-lain, "
        "bukan disnakertrans-banjar",
        "Indikator baris 1: kolom “satuan” tidak ada",
    ]


# --- a new year's PK next to the old one ---------------------------------------------------


def test_pk_2026_loads_next_to_2025_keeping_people_and_positions(
    seeded: Database, tmp_path: Path
) -> None:
    with transaction(seeded.engine) as session:
        org_id = resolve_organisation(session=session).id
        assert org_id is not None
        positions = {p.name: p.id for p in session.exec(select(Position)) if p.id is not None}
        ani, budi = Person(name="Ani"), Person(name="Budi")
        session.add_all([ani, budi])
        session.flush()
        assert ani.id and budi.id
        bind_holding(
            session=session,
            person_id=ani.id,
            position_id=positions["Kepala Seksi Penempatan Tenaga Kerja"],
            acting=False,
        )
        bind_holding(
            session=session,
            person_id=ani.id,
            position_id=positions["Kepala Seksi Perencanaan Tenaga Kerja"],
            acting=True,
        )
        bind_holding(
            session=session,
            person_id=budi.id,
            position_id=positions["Kepala Sub Bagian Keuangan"],
            acting=False,
        )

    def people(session: Session) -> Any:
        return (
            sorted((p.id, p.name) for p in session.exec(select(Person))),
            sorted(
                (p.id, p.name, p.unit_id, p.superior_id) for p in session.exec(select(Position))
            ),
            sorted(
                (h.person_id, h.position_id, h.acting, h.ended_at)
                for h in session.exec(select(Holding))
            ),
        )

    with seeded.session() as session:
        before_people = people(session)
        before_2025 = _natural(session, ORG)

    workbook = _template(seeded)
    assert workbook["Indikator"][f"U{_row_of(workbook['Indikator'], 'IK.21')}"].value == "ya"
    workbook["Organisasi"]["B5"] = None  # the year comes from --tahun
    ws = workbook["Indikator"]
    ws[f"O{_row_of(ws, 'IK.01')}"] = "40"
    ws[f"O{_row_of(ws, 'IK.02')}"] = "29,71"  # Indonesian text in a Persen target
    ik19 = _row_of(ws, "IK.19")
    ws[f"O{ik19}"] = "1.200"
    for letter, target in zip("PQRS", (200, "500", 800, "1.200"), strict=True):
        ws[f"{letter}{ik19}"] = target
    ws[f"T{ik19}"] = "Kasi Penempatan TK"  # abbreviations are understood
    workbook["Anggaran"]["E2"] = 7000000000
    path = _save(workbook, tmp_path / "pk2026.xlsx")

    result = run_cli("impor", str(path), "--tahun", "2026", database_url=seeded.url)
    assert result.returncode == 0, result.stderr
    assert "tahun 2026" in result.stdout

    with seeded.session() as session:
        assert people(session) == before_people
        after = _natural(session, ORG)
        assert years_with_pk(session=session, organisation_id=org_id) == [2025, 2026]
        assert len(session.exec(select(Period).where(Period.year == 2026)).all()) == 4
    for part, rows in before_2025.items():
        if isinstance(rows, dict):
            old = {
                k: v for k, v in after[part].items() if not (isinstance(k, tuple) and k[0] == 2026)
            }
            assert old == rows, part
    new = after["indikator"]
    assert sum(1 for year, _ in new if year == 2026) == 25
    assert new[(2026, "IK.01")]["target"] == Decimal("40")
    assert new[(2026, "IK.02")]["target"] == Decimal("29.71")
    assert new[(2026, "IK.19")]["target"] == Decimal("1200")
    assert new[(2026, "IK.19")]["owner"] == "Kepala Seksi Penempatan Tenaga Kerja"
    assert new[(2025, "IK.19")]["target"] == Decimal("1000")
    assert [after["target triwulan"][(2026, "IK.19", q)] for q in (1, 2, 3, 4)] == [
        Decimal(200),
        Decimal(500),
        Decimal(800),
        Decimal(1200),
    ]
    assert after["anggaran"][(2026, "1")]["ceiling"] == Decimal("7000000000")
    assert after["anggaran"][(2025, "1")]["ceiling"] == Decimal("6771413758")
    assert after["renstra"][(2026, "IK.01")] == (2030, Decimal(60))


def test_year_in_the_workbook_must_agree_with_the_option(seeded: Database, tmp_path: Path) -> None:
    path = _save(_template(seeded), tmp_path / "pk.xlsx")
    result = run_cli("impor", str(path), "--tahun", "2026", database_url=seeded.url)
    assert result.returncode == 2
    assert result.stderr.splitlines()[1] == (
        "- Organisasi!B5 (tahun): berkas untuk tahun 2025, bukan 2026 (--tahun)"
    )
    with seeded.session() as session:
        org_id = resolve_organisation(session=session).id
        assert org_id is not None
        assert years_with_pk(session=session, organisation_id=org_id) == [2025]


# --- budget realisation workbooks ----------------------------------------------------------


def _realisation_workbook(rows: list[tuple[Any, Any, Any]], header: bool = True) -> Workbook:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = "Realisasi Anggaran"
    if header:
        ws.append(["Tahun", 2025])
        ws.append(["Triwulan", "TW II"])
        ws.append([])
    ws.append(["Kode", "Nama", "Realisasi"])
    for row in rows:
        ws.append(list(row))
    return workbook


def _realisations(session: Session, quarter: int) -> dict[str, list[BudgetRealisation]]:
    org = resolve_organisation(session=session)
    assert org.id is not None
    period = get_period(session=session, organisation_id=org.id, year=2025, quarter=quarter)
    assert period is not None
    found: dict[str, list[BudgetRealisation]] = {}
    for row, line in session.exec(
        select(BudgetRealisation, BudgetLine)
        .join(BudgetLine, col(BudgetLine.id) == col(BudgetRealisation.budget_line_id))
        .where(BudgetRealisation.period_id == period.id)
        .order_by(col(BudgetRealisation.number))
    ):
        found.setdefault(line.code, []).append(row)
    return found


def test_budget_realisation_import_appends_numbers(seeded: Database, tmp_path: Path) -> None:
    with transaction(seeded.engine) as session:
        person = Person(name="Bendahara")
        session.add(person)
        session.flush()
        person_id = person.id
    workbook = _realisation_workbook(
        [("1.1.1", "diabaikan", 10_000_000), ("1.1.2", None, "2.500.000"), ("1.1.3", None, None)]
    )
    report = _import(seeded, to_bytes(workbook), person_id=person_id, filename="tw2.xlsx")
    assert report.ok, report.problems
    assert (report.kind, report.year, report.quarter) == ("realisasi anggaran", 2025, 2)
    assert report.counts == {"realisasi anggaran": 2, "baris kosong dilewati": 1}
    with seeded.session() as session:
        tw2 = _realisations(session, 2)
    assert set(tw2) == {"1.1.1", "1.1.2"}
    first = tw2["1.1.2"][0]
    assert (first.number, first.amount, first.source) == (1, Decimal(2_500_000), "impor")
    assert (first.reason, first.person_id) == ("impor berkas tw2.xlsx", person_id)

    # TW IV already has the demo figures (number 1): a changed one gets number 2.
    with seeded.session() as session:
        org = resolve_organisation(session=session)
        template = build_realisation_template(
            session=session, organisation=org, year=2025, quarter=4
        ).workbook
    ws = template["Realisasi Anggaran"]
    assert ws["B2"].value == 2025 and ws["B3"].value == 4
    changed = next(r for r in range(7, ws.max_row + 1) if ws[f"A{r}"].value == "1.2.2")
    ws[f"C{changed}"] = "166.400.000"  # the seed's 170.025.000 above pagu, corrected
    path = _save(template, tmp_path / "tw4.xlsx")
    result = run_cli("impor", str(path), database_url=seeded.url)
    assert result.returncode == 0, result.stderr
    assert "1 koreksi realisasi anggaran, 63 tidak berubah" in result.stdout
    with seeded.session() as session:
        tw4 = _realisations(session, 4)
    assert [(r.number, r.amount, r.source) for r in tw4["1.2.2"]] == [
        (1, Decimal(170_025_000), "demo"),
        (2, Decimal(166_400_000), "impor"),
    ]
    assert len(tw4["1.1.1"]) == 1


def test_budget_realisation_quarter_from_the_command_line(seeded: Database, tmp_path: Path) -> None:
    path = _save(
        _realisation_workbook([("1.1.1", None, 5_000_000)], header=False), tmp_path / "r.xlsx"
    )
    missing = run_cli("impor", str(path), database_url=seeded.url)
    assert missing.returncode == 2
    assert missing.stderr.splitlines()[1:] == [
        "- Realisasi Anggaran: tahun tidak diisi; isi sel tahun di atas tabel atau pakai --tahun",
        "- Realisasi Anggaran: triwulan tidak diisi; isi sel triwulan di atas tabel atau pakai "
        "--triwulan",
    ]
    result = run_cli(
        "impor", str(path), "--tahun", "2025", "--triwulan", "3", database_url=seeded.url
    )
    assert result.returncode == 0, result.stderr
    with seeded.session() as session:
        assert _realisations(session, 3)["1.1.1"][0].amount == Decimal(5_000_000)


def test_bad_budget_realisation_loads_nothing(seeded: Database) -> None:
    workbook = _realisation_workbook(
        [
            ("1.1.1", None, 1_000),
            ("9.9.9", None, 1_000),
            ("1.1.2", None, "abc"),
            ("1.1.1", None, 2_000),
            ("1.1.3", None, -5),
            (None, None, 7_000),
        ]
    )
    report = _import(seeded, to_bytes(workbook), filename="salah.xlsx")
    assert [texts.problem(p) for p in report.problems] == [
        "Realisasi Anggaran!A6 (kode): mata anggaran 9.9.9 tidak ada di tahun 2025",
        "Realisasi Anggaran!C7 (realisasi): “abc” bukan angka. Contoh penulisan: 1.762 atau 29,71.",
        "Realisasi Anggaran!A8 (kode): kode 1.1.1 sudah dipakai di baris 5",
        "Realisasi Anggaran!C9 (realisasi): tidak boleh negatif",
        "Realisasi Anggaran!A10 (kode): kosong",
    ]
    with seeded.session() as session:
        org = resolve_organisation(session=session)
        assert org.id is not None
        period = get_period(session=session, organisation_id=org.id, year=2025, quarter=2)
        assert period is not None
        assert not session.exec(
            select(BudgetRealisation).where(BudgetRealisation.period_id == period.id)
        ).all()


# --- a file full of errors: the first 200 problems, and how many in all --------------------


def _full_of_errors(lines: int) -> Workbook:
    """A realisation workbook whose every line names an unknown budget line and holds no
    number: two problems a line, found amount first, then code."""
    return _realisation_workbook([(f"9.{n}", None, "abc") for n in range(lines)])


def test_problems_kept_are_the_first_in_reading_order() -> None:
    problems = Problems(keep=3)
    found = [
        ("Anggaran", 2, "A"),
        ("Indikator", 9, "B"),
        ("Indikator", 3, "J"),
        ("Unit", 4, "A"),
        ("Indikator", 3, "C"),
        ("Indikator", 3, "C"),  # the same cell again: after the first, as found
    ]
    for n, (sheet, row, column) in enumerate(found):
        problems.add(Problem(sheet, row, column, Reason(Issue.EMPTY, value=str(n))))
    assert problems.total == 6
    assert [(p.sheet, p.cell, p.reason.value) for p in problems.first()] == [
        ("Unit", "A4", "3"),
        ("Indikator", "C3", "4"),
        ("Indikator", "C3", "5"),
    ]


def test_a_file_full_of_errors_reports_the_first_200_and_counts_the_rest(
    seeded: Database, tmp_path: Path
) -> None:
    path = _save(_full_of_errors(600), tmp_path / "banyak.xlsx")
    report = _import(seeded, path)
    assert (report.ok, report.problem_count, len(report.problems), report.more) == (
        False,
        1200,
        200,
        1000,
    )
    # in reading order (row, then column), not the order found (the amount is read first)
    assert [p.cell for p in report.problems[:4]] == ["A5", "C5", "A6", "C6"]
    assert report.problems[-1].cell == "C104"
    headline = (
        "Berkas banyak.xlsx tidak dimuat: 1.200 masalah (tidak ada data yang diubah). "
        "Berikut 200 masalah yang pertama."
    )
    assert texts.headline(report) == headline
    assert texts.more_problems(report) == "… dan 1.000 masalah lain"

    result = run_cli("impor", str(path), database_url=seeded.url)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 + 200 + 1
    assert lines[0] == f"sicapai: {headline}"
    assert lines[1:3] == [
        "- Realisasi Anggaran!A5 (kode): mata anggaran 9.0 tidak ada di tahun 2025",
        "- Realisasi Anggaran!C5 (realisasi): “abc” bukan angka. "
        "Contoh penulisan: 1.762 atau 29,71.",
    ]
    assert all(line.startswith("- Realisasi Anggaran!") for line in lines[1:201])
    assert lines[200] == "- Realisasi Anggaran!C104 (realisasi): “abc” bukan angka. " + (
        "Contoh penulisan: 1.762 atau 29,71."
    )
    assert lines[201] == "… dan 1.000 masalah lain"
    with seeded.session() as session:
        assert "9.0" not in _realisations(session, 2)


def test_a_report_with_every_problem_shown_says_no_more(seeded: Database) -> None:
    report = _import(seeded, to_bytes(_full_of_errors(100)), filename="pas.xlsx")
    assert (report.problem_count, len(report.problems), report.more) == (200, 200, 0)
    assert texts.headline(report) == (
        "Berkas pas.xlsx tidak dimuat: 200 masalah (tidak ada data yang diubah)."
    )
    assert texts.more_problems(report) == ""


# --- unreadable files ----------------------------------------------------------------------


def _zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "bukan excel")
    return buffer.getvalue()


def _workbook_without_known_sheets() -> bytes:
    workbook = Workbook()
    assert workbook.active is not None
    workbook.active.title = "Lembar1"
    return to_bytes(workbook)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"kode;realisasi\n1.1.1;5000\n", "bukan berkas Excel .xlsx"),
        (_zip_without_workbook(), "rusak atau bukan berkas Excel .xlsx"),
        (_workbook_without_known_sheets(), "tidak berisi lembar “Indikator”"),
    ],
    ids=["csv", "zip-lain", "lembar-asing"],
)
def test_unreadable_file_is_one_clear_line(
    seeded: Database, tmp_path: Path, content: bytes, says: str
) -> None:
    path = tmp_path / "data.xlsx"
    path.write_bytes(content)
    result = run_cli("impor", str(path), database_url=seeded.url)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith("sicapai: berkas data.xlsx ") and says in lines[0]
    with pytest.raises(WorkbookError):
        _import(seeded, content)


def test_missing_file(seeded: Database, tmp_path: Path) -> None:
    result = run_cli("impor", str(tmp_path / "tidak-ada.xlsx"), database_url=seeded.url)
    assert result.returncode == 2
    assert "tidak dapat dibaca" in result.stderr and len(result.stderr.strip().splitlines()) == 1


# --- the LKjIP export ----------------------------------------------------------------------


def test_export_matches_capaian_and_copies_evidence(seeded: Database, tmp_path: Path) -> None:
    files = tmp_path / "bukti"
    files.mkdir()
    photo = files / "20251231-abc.pdf"
    photo.write_bytes(b"%PDF-1.4 bukti penempatan")
    digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    with transaction(seeded.engine) as session:
        ik01 = session.exec(select(Indicator).where(Indicator.code == "IK.01")).one()
        submission = session.exec(
            select(Submission).where(Submission.indicator_id == ik01.id)
        ).one()
        assert submission.id is not None
        session.add(
            Evidence(
                submission_id=submission.id,
                revision_number=1,
                path=str(photo),
                filename="Daftar Penempatan.PDF",
                size=photo.stat().st_size,
                sha256=digest,
            )
        )

    out, copies = tmp_path / "lkjip.xlsx", tmp_path / "salinan"
    result = run_cli(
        "ekspor",
        "--tahun",
        "2025",
        "--out",
        str(out),
        "--bukti",
        str(copies),
        database_url=seeded.url,
    )
    assert result.returncode == 0, result.stderr
    assert "1 bukti dukung disalin" in result.stdout
    capaian = run_cli(
        "capaian",
        "--tahun",
        "2025",
        "--triwulan",
        "4",
        "--format",
        "json",
        database_url=seeded.url,
    )
    expected = {row["indikator"]: row for row in json.loads(capaian.stdout)}

    workbook = load_workbook(out)
    assert workbook.sheetnames == list(SHEETS)
    ws = workbook["Tabel 3.3"]
    assert ws["A1"].value == "Tabel 3.3 Realisasi Kinerja Tahun 2025"
    assert [c.value for c in ws[3]] == [
        "No",
        "Sasaran Strategis/Sasaran Kinerja",
        "Indikator Kinerja",
        "Target",
        "Satuan",
        "Realisasi",
        "Capaian (%)",
        "Kriteria",
    ]
    assert ws.freeze_panes == "A4" and ws["A3"].font.b
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] is not None]
    assert len(rows) == 24  # the goal row T.1 is in Tabel 3.2
    for _, sasaran, name, target, satuan, realised, achieved, band in rows:
        row = expected[name]
        assert (sasaran, satuan, band) == (row["sasaran"], row["satuan"], row["kriteria"])
        for cell, wanted in ((target, "target"), (realised, "realisasi"), (achieved, "capaian")):
            assert isinstance(cell, int | float), (name, wanted, cell)
            assert cell == row[wanted], (name, wanted)
    assert [r[0] for r in rows] == list(range(1, 25))
    first = rows[0]
    assert first[2].startswith("Persentase Pencari Kerja Yang Ditempatkan")
    assert ws["G4"].number_format == '0.00"%"' and ws["G4"].value == 131.73

    goal = workbook["Tabel 3.2"]
    assert _values(goal, 4)[3:] == (
        2.71,
        "Persen",
        2.76,
        98.19,
    )
    budget = workbook["Tabel 3.11"]
    total = _values(budget, budget.max_row)
    assert total[2:] == ("Jumlah", 12081204858, 10066484952, 83.32)
    assert budget["D4"].number_format == "#,##0"
    assert budget["C5"].alignment.indent == 2  # kegiatan under its program
    efficiency = workbook["Tabel 3.7"]
    ik02 = next(r for r in efficiency.iter_rows(min_row=4, values_only=True) if r[0] == 1)
    assert ik02[4:] == (123.5, 73.77, 49.73)
    renstra = workbook["Tabel 3.5"]
    assert _values(renstra, 4)[4:] == (
        50.06,
        60,
        2030,
        83.43,
    )
    quarters = workbook["Per Triwulan"]
    ik19 = next(r for r in quarters.iter_rows(min_row=4, values_only=True) if r[0] == "IK.19")
    assert ik19[4:8] == (250, None, None, "Belum")  # counts: 25% of 1.000 in TW I
    assert ik19[16:20] == (1000, 1762, 176.2, "Terkirim")
    t1 = next(r for r in quarters.iter_rows(min_row=4, values_only=True) if r[0] == "T.1")
    assert t1[7] == "Tidak dijadwalkan"
    narrative = workbook["Narasi"]
    assert narrative.max_row == 3 + 25
    evidence = workbook["Bukti Dukung"]
    row = _values(evidence, 4)
    assert row == (
        "IK.01",
        first[2],
        "TW IV",
        1,
        "Daftar Penempatan.PDF",
        photo.stat().st_size,
        digest,
        "IK.01_TW4_1.pdf",
        "disalin",
    )
    assert (copies / "IK.01_TW4_1.pdf").read_bytes() == photo.read_bytes()


def test_export_of_an_earlier_quarter_is_pure(seeded: Database) -> None:
    with seeded.session() as session:
        org = resolve_organisation(session=session)
        data = gather_export(session=session, organisation=org, year=2025, quarter=2)
    workbook = load_workbook(io.BytesIO(to_bytes(build_export(data))))
    ws = workbook["Tabel 3.3"]
    assert ws["A1"].value == "Tabel 3.3 Realisasi Kinerja Tahun 2025 s.d. TW II"
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] is not None]
    assert len(rows) == 24
    assert all(r[5] is None and r[6] is None for r in rows)  # nothing reported yet
    assert workbook["Narasi"].max_row == 3


def test_export_of_an_unknown_year(seeded: Database, tmp_path: Path) -> None:
    result = run_cli(
        "ekspor", "--tahun", "2019", "--out", str(tmp_path / "x.xlsx"), database_url=seeded.url
    )
    assert result.returncode == 2
    assert "2019" in result.stderr and "2025" in result.stderr
