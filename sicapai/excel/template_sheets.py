"""Validating the table sheets of a master-data template, one function per sheet.

Each function reads its sheet's rows through a `Checker`, records a problem for every bad
cell, and adds the rows that are whole to the `MasterData` being built. References between
sheets (a position's unit, an indicator's owner and budget line, a past realisation's
indicator) are checked against what the earlier sheets and the database hold, so they are
called in dependency order by `template_validate`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from sicapai.excel.cells import YEAR_RANGE, Checker, Row, Table, choices
from sicapai.excel.columns import BUDGET_KINDS, QUARTER_KEYS, UNIT_KINDS
from sicapai.excel.problems import Issue, Problems, Reason
from sicapai.excel.template_data import (
    BudgetIn,
    IndicatorIn,
    MasterData,
    PastIn,
    PositionIn,
    SpendingIn,
    UnitIn,
    parents_first,
)
from sicapai.models.people import normalise_position_name
from sicapai.models.performance import Frequency, Kind, NegativeFormula, Polarity
from sicapai.reports.numbers import Field as NumberField

KIND_CHOICES: Final = choices(k.value for k in Kind)
POLARITY_CHOICES: Final = choices(p.value for p in Polarity)
NEGATIVE_CHOICES: Final = choices(n.value for n in NegativeFormula)
FREQUENCY_CHOICES: Final = choices(f.value for f in Frequency)
UNIT_KIND_CHOICES: Final = choices(UNIT_KINDS)
BUDGET_KIND_CHOICES: Final = choices(BUDGET_KINDS, sub_kegiatan="subkegiatan")


def validate_units(
    table: Table | None, problems: Problems, template: MasterData, db_units: set[str]
) -> set[str]:
    if table is None:
        return set(db_units)
    check = Checker(table, problems)
    seen: dict[str, int] = {}
    for row in table.rows:
        code = check.text(row, "kode", required=True, limit=64)
        name = check.text(row, "nama", required=True, limit=200)
        kind = check.choice(row, "jenis", UNIT_KIND_CHOICES, required=True)
        parent = check.text(row, "induk", limit=64)
        if code and check.repeated(seen, row, "kode", code, Issue.DUPLICATE_CODE):
            continue
        if code and name and kind:
            template.units.append(UnitIn(row.number, code, name, kind, parent))
    known = set(seen) | db_units
    for unit in template.units:
        if unit.parent and unit.parent not in known:
            check.add(unit.row, "induk", Reason(Issue.UNKNOWN_UNIT, value=unit.parent))
        elif unit.parent == unit.code:
            check.add(unit.row, "induk", Issue.OWN_PARENT_UNIT)
    _, cyclic = parents_first(template.units, lambda u: u.code, lambda u: u.parent)
    for unit in cyclic:
        if unit.parent != unit.code:
            check.add(unit.row, "induk", Issue.CIRCULAR_PARENT)
    return known


def validate_positions(
    table: Table | None,
    problems: Problems,
    template: MasterData,
    unit_codes: set[str],
    db_positions: dict[str, str],
) -> dict[str, str]:
    """Returns every known position: normalised name -> the name it is stored under."""
    known = dict(db_positions)
    if table is None:
        return known
    check = Checker(table, problems)
    seen: dict[str, int] = {}
    rows: list[tuple[Row, str, str | None, str | None, bool]] = []
    for row in table.rows:
        name = check.text(row, "nama", required=True, limit=200)
        unit = check.text(row, "unit", limit=64)
        superior = check.text(row, "atasan", limit=200)
        duty = check.flag(row, "tugas_anggaran")
        if unit and unit not in unit_codes:
            check.add(row.number, "unit", Reason(Issue.UNKNOWN_UNIT, value=unit))
        if not name:
            continue
        norm = normalise_position_name(name)
        if check.repeated(seen, row, "nama", norm, Issue.DUPLICATE_POSITION, shown=name):
            continue
        known.setdefault(norm, name)
        rows.append((row, known[norm], unit, superior, bool(duty)))
    for row, name, unit, superior, duty in rows:
        stored_superior = None
        if superior:
            stored_superior = known.get(normalise_position_name(superior))
            if stored_superior is None:
                check.add(row.number, "atasan", Reason(Issue.UNKNOWN_POSITION, value=superior))
            elif stored_superior == name:
                check.add(row.number, "atasan", Issue.OWN_SUPERIOR)
        template.positions.append(PositionIn(row.number, name, unit, stored_superior, duty))
    _, cyclic = parents_first(template.positions, lambda p: p.name, lambda p: p.superior)
    for position in cyclic:
        if position.superior != position.name:
            check.add(position.row, "atasan", Issue.CIRCULAR_SUPERIOR)
    return known


def validate_goals(table: Table | None, problems: Problems, template: MasterData) -> set[str]:
    if table is None:
        return set()
    check = Checker(table, problems)
    seen: dict[str, int] = {}
    for row in table.rows:
        code = check.text(row, "kode", required=True, limit=32)
        name = check.text(row, "nama", required=True, limit=300)
        if code and check.repeated(seen, row, "kode", code, Issue.DUPLICATE_CODE):
            continue
        if code and name:
            template.goals.append((code, name))
    return set(seen)


def _owner(check: Checker, row: Row, key: str, positions: dict[str, str]) -> str | None:
    name = check.text(row, key, limit=200)
    if not name:
        return None
    stored = positions.get(normalise_position_name(name))
    if stored is None:
        check.add(row.number, key, Reason(Issue.UNKNOWN_POSITION, value=name))
    return stored


def validate_budget(
    table: Table | None,
    problems: Problems,
    template: MasterData,
    db_lines: set[str],
    positions: dict[str, str],
) -> set[str]:
    if table is None:
        return set(db_lines)
    check = Checker(table, problems)
    seen: dict[str, int] = {}
    for row in table.rows:
        code = check.text(row, "kode", required=True, limit=40)
        kind = check.choice(row, "jenis", BUDGET_KIND_CHOICES, required=True)
        name = check.text(row, "nama", required=True, limit=400)
        parent = check.text(row, "induk", limit=40)
        ceiling = check.number(row, "pagu", kind=NumberField.RUPIAH, required=True)
        owner = _owner(check, row, "penanggung_jawab", positions)
        if code and check.repeated(seen, row, "kode", code, Issue.DUPLICATE_CODE):
            continue
        if code and kind and name and ceiling is not None:
            template.budget.append(BudgetIn(row.number, code, kind, name, parent, ceiling, owner))
    known = set(seen) | db_lines
    for line in template.budget:
        if line.parent == line.code:
            check.add(line.row, "induk", Issue.OWN_PARENT_LINE)
        elif line.parent and line.parent not in known:
            check.add(line.row, "induk", Reason(Issue.UNKNOWN_LINE, value=line.parent))
    _, cyclic = parents_first(template.budget, lambda b: b.code, lambda b: b.parent)
    for line in cyclic:
        if line.parent != line.code:
            check.add(line.row, "induk", Issue.CIRCULAR_PARENT)
    return known


def _target_kind(unit_label: str | None) -> NumberField:
    return (
        NumberField.PERCENT
        if (unit_label or "").strip().lower() == "persen"
        else (NumberField.NUMBER)
    )


def validate_indicators(
    table: Table | None,
    problems: Problems,
    template: MasterData,
    goal_codes: set[str],
    line_codes: set[str],
    positions: dict[str, str],
) -> set[str]:
    if table is None:
        return set()
    check = Checker(table, problems)
    seen: dict[str, int] = {}
    objectives: dict[str, tuple[int, str | None, str | None]] = {}
    for row in table.rows:
        code = check.text(row, "kode", required=True, limit=32)
        objective_code = check.text(row, "sasaran_kode", limit=32)
        objective_name = check.text(row, "sasaran", limit=300)
        goal_code = check.text(row, "tujuan", limit=32)
        order = check.integer(row, "urutan_laporan", low=0, high=10_000) or 0
        name = check.text(row, "nama", required=True, limit=400)
        formula = check.text(row, "formula", limit=5000) or ""
        numerator_label = check.text(row, "label_pembilang", limit=300)
        denominator_label = check.text(row, "label_penyebut", limit=300)
        unit_label = check.text(row, "satuan", required=True, limit=40)
        kind = check.choice(row, "jenis", KIND_CHOICES, required=True)
        polarity = check.choice(row, "polaritas", POLARITY_CHOICES, default=Polarity.POSITIVE)
        negative = check.choice(
            row,
            "rumus_negatif",
            NEGATIVE_CHOICES,
            default=NegativeFormula.TARGET_OVER_REALISATION,
        )
        frequency = check.choice(row, "frekuensi", FREQUENCY_CHOICES, default=Frequency.QUARTERLY)
        number_kind = _target_kind(unit_label)
        target = check.number(row, "target", kind=number_kind, required=True, negative=True)
        quarters: dict[int, Decimal] = {}
        for quarter, key in enumerate(QUARTER_KEYS, start=1):
            value = check.number(row, key, kind=number_kind, negative=True)
            if value is not None:
                quarters[quarter] = value
        owner = _owner(check, row, "penanggung_jawab", positions)
        check.flag(row, "plt")  # informational: checked, never stored
        may_exceed = check.flag(row, "bisa_lebih_100")
        budget_code = check.text(row, "kode_anggaran", limit=40)
        if budget_code and budget_code not in line_codes:
            check.add(row.number, "kode_anggaran", Reason(Issue.UNKNOWN_LINE, value=budget_code))
        pk_budget = check.number(row, "anggaran_pk", kind=NumberField.RUPIAH)
        renstra = check.number(row, "renstra_target", kind=number_kind, negative=True)
        renstra_year = check.integer(row, "renstra_tahun", low=YEAR_RANGE[0], high=YEAR_RANGE[1])
        if renstra is not None and renstra_year is None and row.blank("renstra_tahun"):
            check.add(row.number, "renstra_tahun", Issue.RENSTRA_YEAR_MISSING)
        if renstra_year is not None and renstra is None and row.blank("renstra_target"):
            check.add(row.number, "renstra_target", Issue.RENSTRA_TARGET_MISSING)
        if goal_code and goal_code not in goal_codes:
            check.add(row.number, "tujuan", Reason(Issue.UNKNOWN_GOAL, value=goal_code))
        if objective_name and not objective_code:
            check.add(row.number, "sasaran_kode", Issue.OBJECTIVE_CODE_MISSING)
        if objective_code:
            if not objective_name:
                reason = Reason(Issue.OBJECTIVE_NAME_MISSING, value=objective_code)
                check.add(row.number, "sasaran", reason)
            elif objective_code in objectives:
                first, first_name, first_goal = objectives[objective_code]
                if first_name != objective_name:
                    reason = Reason(Issue.OBJECTIVE_DIFFERS, value=objective_code, first_row=first)
                    check.add(row.number, "sasaran", reason)
                if first_goal != goal_code:
                    reason = Reason(
                        Issue.OBJECTIVE_GOAL_DIFFERS, value=objective_code, first_row=first
                    )
                    check.add(row.number, "tujuan", reason)
            else:
                objectives[objective_code] = (row.number, objective_name, goal_code)
        if code and check.repeated(seen, row, "kode", code, Issue.DUPLICATE_CODE):
            continue
        if (
            code
            and name
            and unit_label
            and kind
            and polarity
            and negative
            and frequency
            and target is not None
            and may_exceed is not None
        ):
            template.indicators.append(
                IndicatorIn(
                    row=row.number,
                    code=code,
                    objective_code=objective_code,
                    objective_name=objective_name,
                    goal_code=goal_code,
                    report_order=order,
                    name=name,
                    formula=formula,
                    numerator_label=numerator_label,
                    denominator_label=denominator_label,
                    unit_label=unit_label,
                    kind=kind,
                    polarity=polarity,
                    negative_formula=negative,
                    frequency=frequency,
                    target=target,
                    quarter_targets=quarters,
                    owner=owner,
                    may_exceed_100=may_exceed,
                    budget_code=budget_code,
                    pk_budget=pk_budget,
                    renstra_target=renstra,
                    renstra_year=renstra_year,
                )
            )
    return set(seen)


def validate_spending(
    table: Table | None, problems: Problems, template: MasterData, db_spending: set[str]
) -> None:
    if table is None:
        return
    check = Checker(table, problems)
    seen: dict[str, int] = {}
    for row in table.rows:
        name = check.text(row, "nama", required=True, limit=200)
        parent = check.text(row, "induk", limit=200)
        ceiling = check.number(row, "pagu", kind=NumberField.RUPIAH, required=True)
        spent = check.number(row, "realisasi", kind=NumberField.RUPIAH)
        if name and check.repeated(seen, row, "nama", name, Issue.DUPLICATE_SPENDING):
            continue
        if name and ceiling is not None:
            template.spending.append(SpendingIn(row.number, name, parent, ceiling, spent))
    for item in template.spending:
        if item.parent and item.parent not in seen and item.parent not in db_spending:
            check.add(item.row, "induk", Reason(Issue.UNKNOWN_SPENDING, value=item.parent))


def validate_past(
    table: Table | None, problems: Problems, template: MasterData, indicators: set[str]
) -> None:
    if table is None:
        return
    check = Checker(table, problems)
    seen: dict[str, int] = {}
    for row in table.rows:
        code = check.text(row, "kode", required=True, limit=32)
        year = check.integer(row, "tahun", required=True, low=YEAR_RANGE[0], high=YEAR_RANGE[1])
        realised = check.number(row, "realisasi", negative=True)
        achieved = check.number(row, "capaian", kind=NumberField.PERCENT, negative=True)
        if code and code not in indicators:
            check.add(row.number, "kode", Reason(Issue.UNKNOWN_INDICATOR, value=code))
            continue
        if code and year is not None:
            repeated = check.repeated(
                seen, row, "tahun", f"{code}/{year}", Issue.DUPLICATE_PAST, shown=code, year=year
            )
            if repeated:
                continue
            template.past.append(PastIn(row.number, code, year, realised, achieved))
