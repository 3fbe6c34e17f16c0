"""The database reads behind the LKjIP export, and the copying of its evidence files.

`build_export` is a pure function of `ExportData`; this module fills that from one session
(every quarter's results, previous years, Renstra targets, the budget tree with the
quarter's realisation, spending types and the evidence list), and copies the evidence files
next to the workbook under the names the Bukti Dukung sheet gives them.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from sqlmodel import Session, col, select

from sicapai.excel.export_rows import (
    BudgetRow,
    EvidenceRow,
    ExportData,
    PastRow,
    RenstraRow,
    SpendingRow,
    evidence_name,
)
from sicapai.models.budget import BudgetLine, SpendingType
from sicapai.models.organisation import Organisation
from sicapai.models.performance import (
    Evidence,
    Indicator,
    PastRealisation,
    Period,
    RenstraTarget,
    Submission,
)
from sicapai.models.queries import (
    budget_lines,
    current_budget_realisations,
    current_reports,
    get_period,
    indicator_specs,
)
from sicapai.reports.summary import IndicatorResult, evaluate


def gather_export(
    *, session: Session, organisation: Organisation, year: int, quarter: int
) -> ExportData:
    """Everything `build_export` prints, read in one session."""
    org_id = organisation.id
    assert org_id is not None
    specs = indicator_specs(session=session, organisation_id=org_id, year=year)
    results: dict[int, list[IndicatorResult]] = {}
    periods: dict[int, Period] = {}
    for q in (1, 2, 3, 4):
        period = get_period(session=session, organisation_id=org_id, year=year, quarter=q)
        reported = (
            current_reports(session=session, period_id=period.id) if period and period.id else {}
        )
        if period is not None:
            periods[q] = period
        results[q] = [evaluate(spec, q, reported.get(spec.id)) for spec in specs.values()]
    indicators = list(
        session.exec(
            select(Indicator).where(Indicator.organisation_id == org_id, Indicator.year == year)
        )
    )
    codes = {i.id: i.code for i in indicators}
    names = {i.id: i.name for i in indicators}
    ids = list(codes)
    past: dict[str, list[PastRow]] = {}
    renstra: dict[str, RenstraRow] = {}
    if ids:
        for p in session.exec(
            select(PastRealisation).where(col(PastRealisation.indicator_id).in_(ids))
        ):
            past.setdefault(codes[p.indicator_id], []).append(
                PastRow(p.year, p.realisation, p.achievement)
            )
        for r in session.exec(
            select(RenstraTarget).where(col(RenstraTarget.indicator_id).in_(ids))
        ):
            renstra[codes[r.indicator_id]] = RenstraRow(r.end_year, r.target)
    lines = budget_lines(session=session, organisation_id=org_id, year=year)
    period = periods.get(quarter)
    spent = (
        current_budget_realisations(session=session, period_id=period.id)
        if period and period.id
        else {}
    )
    by_id = {line.id: line for line in lines}

    def level(line: BudgetLine) -> int:
        depth, seen = 0, {line.id}
        while line.parent_id is not None and line.parent_id in by_id and line.parent_id not in seen:
            seen.add(line.parent_id)
            line = by_id[line.parent_id]
            depth += 1
        return depth

    budget = [
        BudgetRow(
            code=line.code,
            kind=line.kind,
            name=line.name,
            level=level(line),
            ceiling=line.ceiling,
            realisation=spent[line.id].amount if line.id in spent else None,
        )
        for line in lines
    ]
    line_codes = {line.id: line.code for line in lines}
    indicator_budget = {
        i.code: line_codes[i.budget_line_id] for i in indicators if i.budget_line_id in line_codes
    }
    spending = [
        SpendingRow(s.name, s.parent_name, s.ceiling, s.realisation)
        for s in session.exec(
            select(SpendingType)
            .where(SpendingType.organisation_id == org_id, SpendingType.year == year)
            .order_by(col(SpendingType.sort_order))
        )
    ]
    evidence: list[EvidenceRow] = []
    wanted = {p.id: q for q, p in periods.items() if q <= quarter}
    if ids and wanted:
        rows = session.exec(
            select(Evidence, Submission)
            .join(Submission, col(Submission.id) == col(Evidence.submission_id))
            .where(
                col(Submission.indicator_id).in_(ids),
                col(Submission.period_id).in_(list(wanted)),
            )
            .order_by(col(Evidence.id))
        ).all()
        # by indicator and quarter; within one, in the query's order (the evidence's id)
        ordered = sorted(rows, key=lambda r: (codes[r[1].indicator_id], wanted[r[1].period_id]))
        numbers: dict[tuple[str, int], int] = {}
        for ev, sub in ordered:
            code, q = codes[sub.indicator_id], wanted[sub.period_id]
            numbers[(code, q)] = numbers.get((code, q), 0) + 1
            evidence.append(
                EvidenceRow(
                    code=code,
                    indicator=names[sub.indicator_id],
                    quarter=q,
                    revision=ev.revision_number,
                    filename=ev.filename,
                    size=ev.size,
                    sha256=ev.sha256,
                    export_name=evidence_name(code, q, numbers[(code, q)], ev.filename),
                    source_path=ev.path,
                )
            )
    return ExportData(
        organisation=organisation.name,
        year=year,
        quarter=quarter,
        results=results,
        past=past,
        renstra=renstra,
        indicator_budget=indicator_budget,
        budget=budget,
        spending=spending,
        evidence=evidence,
    )


def copy_evidence(
    data: ExportData, target: Path, *, files_dir: Path | None = None
) -> tuple[ExportData, int]:
    """Copy every evidence file to `target` under its export name; missing files are noted
    in the Bukti Dukung sheet instead of stopping the export. Returns the data and the number
    of files copied."""
    target.mkdir(parents=True, exist_ok=True)
    copied = 0
    rows: list[EvidenceRow] = []
    for row in data.evidence:
        source = Path(row.source_path)
        if not source.is_file() and files_dir is not None:
            source = files_dir / source.name
        if not source.is_file():
            rows.append(replace(row, note="berkas tidak ditemukan"))
            continue
        shutil.copyfile(source, target / row.export_name)
        copied += 1
        rows.append(replace(row, note="disalin"))
    return replace(data, evidence=rows), copied
