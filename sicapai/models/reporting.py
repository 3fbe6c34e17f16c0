"""Reads and writes of the reporting flows: what a person owns, what they reported, saving.

A save is append-only: a new `Revision` numbered after the current one, and the `Submission`
slot points at it. The unique (submission, number) pair makes a duplicate save impossible
even when two processes race.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import and_, exists, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from sicapai.models.budget import BudgetLine, BudgetRealisation
from sicapai.models.guards import (
    BUDGET_CHANGED,
    SUBMISSION_CHANGED,
    Conflict,
    expect_one,
    is_unique_violation,
    reflect,
    seam,
)
from sicapai.models.memo import per_unit_of_work
from sicapai.models.organisation import Organisation, Position
from sicapai.models.people import holds_indicator, reporting_positions
from sicapai.models.performance import (
    Evidence,
    Indicator,
    Period,
    QuarterTarget,
    Revision,
    Status,
    Submission,
)
from sicapai.models.queries import years_with_pk
from sicapai.models.seeding import ensure_periods
from sicapai.reports.periods import open_quarters
from sicapai.reports.periods import reporting_year as choose_year


def reporting_year(
    *, session: Session, organisation: Organisation, configured: int | None
) -> int | None:
    assert organisation.id is not None
    return choose_year(configured, years_with_pk(session=session, organisation_id=organisation.id))


def open_periods(
    *, session: Session, organisation: Organisation, year: int, today: date
) -> list[Period]:
    """Periods a person may report for: ended unlocked quarters plus the running one."""
    periods = ensure_periods(session, organisation, year)
    locked = [q for q, p in periods.items() if p.locked]
    return [periods[q] for q in open_quarters(year, today, locked)]


@per_unit_of_work("holding", "position", "delegation", "indicator")
def owned_indicators(*, session: Session, person_id: int, year: int) -> list[Indicator]:
    """Indicators of every position the person holds or enters figures for, in code order."""
    positions = reporting_positions(session=session, person_id=person_id)
    ids = [p.id for p in positions]
    if not ids:
        return []
    return list(
        session.exec(
            select(Indicator)
            .where(col(Indicator.owner_position_id).in_(ids), Indicator.year == year)
            .order_by(col(Indicator.code))
        )
    )


@per_unit_of_work("holding", "position", "delegation", "budget_line")
def owned_budget_lines(*, session: Session, person_id: int, year: int) -> list[BudgetLine]:
    """Sub kegiatan lines whose realisation this person reports (their positions' duty)."""
    positions: list[Position] = reporting_positions(session=session, person_id=person_id)
    ids = [p.id for p in positions]
    if not ids:
        return []
    return list(
        session.exec(
            select(BudgetLine)
            .where(
                col(BudgetLine.owner_position_id).in_(ids),
                BudgetLine.year == year,
                BudgetLine.kind == "subkegiatan",
            )
            .order_by(col(BudgetLine.sort_order))
        )
    )


@per_unit_of_work("submission")
def submission_of(*, session: Session, indicator_id: int, period_id: int) -> Submission | None:
    return session.exec(
        select(Submission).where(
            Submission.indicator_id == indicator_id, Submission.period_id == period_id
        )
    ).first()


def current_revision(*, session: Session, submission: Submission | None) -> Revision | None:
    if submission is None or submission.current_revision == 0:
        return None
    return session.exec(
        select(Revision).where(
            Revision.submission_id == submission.id,
            Revision.number == submission.current_revision,
        )
    ).first()


def revision_for(*, session: Session, indicator_id: int, period: Period) -> Revision | None:
    """The current revision of an indicator for a period, in one statement."""
    assert period.id is not None
    return session.exec(
        _current_revisions().where(
            Submission.indicator_id == indicator_id, Submission.period_id == period.id
        )
    ).first()


def previous_revision(*, session: Session, indicator_id: int, period: Period) -> Revision | None:
    """The current revision of the quarter before, in the same year (cumulative figures
    restart each year), in one statement: what "lower than last quarter" compares with."""
    if period.quarter == 1:
        return None
    return session.exec(
        _current_revisions()
        .join(Period, col(Period.id) == col(Submission.period_id))
        .where(
            Submission.indicator_id == indicator_id,
            Period.organisation_id == period.organisation_id,
            Period.year == period.year,
            Period.quarter == period.quarter - 1,
        )
    ).first()


def next_revision(
    *, session: Session, indicator_id: int, period: Period
) -> tuple[Period, Revision] | None:
    """The nearest later quarter of the same year that holds a revision, with its current
    revision, in one statement: a figure typed for an earlier quarter must not exceed what a
    later quarter already holds, since both count from January."""
    if period.quarter == 4:
        return None
    row = session.exec(
        select(Period, Revision)
        .join(Submission, col(Submission.period_id) == col(Period.id))
        .join(
            Revision,
            and_(
                col(Revision.submission_id) == col(Submission.id),
                col(Revision.number) == col(Submission.current_revision),
            ),
        )
        .where(
            Submission.indicator_id == indicator_id,
            Period.organisation_id == period.organisation_id,
            Period.year == period.year,
            col(Period.quarter) > period.quarter,
        )
        .order_by(col(Period.quarter))
    ).first()
    return (row[0], row[1]) if row else None


def _current_revisions() -> SelectOfScalar[Revision]:
    return select(Revision).join(
        Submission,
        and_(
            col(Submission.id) == col(Revision.submission_id),
            col(Submission.current_revision) == col(Revision.number),
        ),
    )


@per_unit_of_work("indicator", "quarter_target")
def indicator_plan(
    *, session: Session, indicator_id: int
) -> tuple[Indicator, dict[int, Decimal]] | None:
    """An indicator with its Rencana Aksi quarter targets, in one statement (a step that
    computes a capaian needs both)."""
    rows = session.exec(
        select(Indicator, QuarterTarget)
        .outerjoin(QuarterTarget, col(QuarterTarget.indicator_id) == col(Indicator.id))
        .where(Indicator.id == indicator_id)
    ).all()
    if not rows:
        return None
    return rows[0][0], {qt.quarter: qt.target for _, qt in rows if qt is not None}


@per_unit_of_work("period")
def previous_period(*, session: Session, period: Period) -> Period | None:
    """The quarter before, in the same year (cumulative figures restart each year)."""
    if period.quarter == 1:
        return None
    return session.exec(
        select(Period).where(
            Period.organisation_id == period.organisation_id,
            Period.year == period.year,
            Period.quarter == period.quarter - 1,
        )
    ).first()


@dataclass(frozen=True)
class NewRevision:
    """What a person confirmed; everything a revision stores besides who and when."""

    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    realisation: Decimal | None
    achievement: Decimal | None
    kendala: str | None = None
    faktor_pendorong: str | None = None
    upaya_perbaikan: str | None = None
    reason: str | None = None


def save_revision(
    *,
    session: Session,
    indicator: Indicator,
    period: Period,
    person_id: int,
    figures: NewRevision,
    evidence: list[dict[str, object]],
    now: datetime,
    seen_revision: int | None = None,
    guard_open: bool = False,
    guard_holder: bool = False,
) -> tuple[Submission, Revision]:
    """Append a revision (number current + 1) and point the submission at it.

    `seen_revision` is the revision the person was shown (0: none yet); the save is a
    compare-and-set on it, so a save made meanwhile by someone else (a delegate, a correction)
    is never silently overtaken: `Conflict` instead. `guard_open` also requires the period to
    be unlocked at the moment of writing, `guard_holder` that the person still holds the
    indicator's position or a delegation for it. None of the checks trusts a value read
    earlier in the turn: they are conditions of the one UPDATE that moves the slot.
    """
    assert indicator.id is not None and period.id is not None
    seam("save_revision")
    submission = session.exec(
        select(Submission)
        .where(Submission.indicator_id == indicator.id, Submission.period_id == period.id)
        .execution_options(populate_existing=True)
    ).first()
    if submission is None:
        if seen_revision:
            raise Conflict(SUBMISSION_CHANGED, indicator_id=indicator.id, period_id=period.id)
        submission = Submission(indicator_id=indicator.id, period_id=period.id)
        session.add(submission)
        try:
            session.flush()  # a concurrent first report fails here, on the unique slot
        except IntegrityError as exc:
            if not is_unique_violation(exc):
                raise
            raise Conflict(
                SUBMISSION_CHANGED, indicator_id=indicator.id, period_id=period.id
            ) from exc
    assert submission.id is not None
    seen = submission.current_revision if seen_revision is None else seen_revision
    number = seen + 1
    guard = [col(Submission.id) == submission.id, col(Submission.current_revision) == seen]
    if guard_open:
        guard.append(exists().where(col(Period.id) == period.id, col(Period.locked).is_(False)))
    if guard_holder:
        guard.append(holds_indicator(person_id=person_id, indicator=indicator))
    expect_one(
        session.execute(
            update(Submission)
            .where(*guard)
            .values(current_revision=number, status=Status.SENT, updated_at=now)
            .execution_options(synchronize_session=False)
        ),
        Conflict(SUBMISSION_CHANGED, indicator_id=indicator.id, period_id=period.id),
    )
    reflect(submission, current_revision=number, status=Status.SENT, updated_at=now)
    revision = Revision(
        submission_id=submission.id,
        number=number,
        numerator=figures.numerator,
        denominator=figures.denominator,
        value=figures.value,
        realisation=figures.realisation,
        achievement=figures.achievement,
        kendala=figures.kendala,
        faktor_pendorong=figures.faktor_pendorong,
        upaya_perbaikan=figures.upaya_perbaikan,
        reason=figures.reason,
        status=Status.SENT,
        person_id=person_id,
        source="chat",
        created_at=now,
    )
    session.add(revision)
    known = (
        set(
            session.exec(
                select(Evidence.sha256).where(Evidence.submission_id == submission.id)
            ).all()
        )
        if evidence
        else set()
    )
    for item in evidence:
        digest = str(item["sha256"])
        if digest in known:  # the same file again: one row per file and report
            continue
        known.add(digest)
        session.add(
            Evidence(
                submission_id=submission.id,
                revision_number=number,
                path=str(item["path"]),
                filename=str(item["name"]),
                mime_type=str(item["mime_type"]) if item.get("mime_type") else None,
                size=int(str(item["size"])),
                sha256=digest,
                person_id=person_id,
                created_at=now,
            )
        )
    session.flush()
    return submission, revision


def evidence_count(*, session: Session, submission_id: int) -> int:
    return len(
        session.exec(select(Evidence.id).where(Evidence.submission_id == submission_id)).all()
    )


def current_budget(*, session: Session, line_id: int, period_id: int) -> BudgetRealisation | None:
    return session.exec(
        select(BudgetRealisation)
        .where(
            BudgetRealisation.budget_line_id == line_id,
            BudgetRealisation.period_id == period_id,
        )
        .order_by(col(BudgetRealisation.number).desc())
    ).first()


def save_budget(
    *,
    session: Session,
    line: BudgetLine,
    period: Period,
    person_id: int,
    amount: Decimal,
    reason: str | None,
    now: datetime,
    seen_number: int | None = None,
) -> BudgetRealisation:
    """Append the next realisation of a line; with `seen_number` (the one the person was
    shown, 0 for none) an entry made meanwhile by someone else is a `Conflict`, and the unique
    (line, period, number) key stops two concurrent saves of the same number."""
    assert line.id is not None and period.id is not None
    seam("save_budget")
    previous = current_budget(session=session, line_id=line.id, period_id=period.id)
    current = previous.number if previous else 0
    if seen_number is not None and current != seen_number:
        raise Conflict(BUDGET_CHANGED, line_id=line.id, period_id=period.id)
    row = BudgetRealisation(
        budget_line_id=line.id,
        period_id=period.id,
        number=current + 1,
        amount=amount,
        reason=reason,
        person_id=person_id,
        source="chat",
        created_at=now,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        raise Conflict(BUDGET_CHANGED, line_id=line.id, period_id=period.id) from exc
    return row
