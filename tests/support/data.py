"""What the fault and security tests ask of the database, in one place.

Why a module of its own: every fault test ends with the same question — is the stored data
whole, and did anything change that should not have? — and answering it the same way everywhere
keeps the tests short and the checks identical on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from sicapai.models.budget import BudgetLine, BudgetRealisation
from sicapai.models.db import transaction
from sicapai.models.invites import create_invite
from sicapai.models.operations import AuditLog, DialogState
from sicapai.models.organisation import ChatIdentity
from sicapai.models.people import find_position
from sicapai.models.performance import Indicator, Period, Revision, Submission
from sicapai.models.queries import resolve_organisation
from sicapai.models.types import utcnow

# Tables whose row counts must not move when someone is refused.
GUARDED_TABLES = (
    "revision",
    "submission",
    "evidence",
    "holding",
    "invite",
    "audit_log",
    "change_request",
    "quarter_target",
    "budget_realisation",
    "person",
    "chat_identity",
    "admin_grant",
    "delegation",
)


def snapshot(engine: Engine) -> dict[str, Any]:
    """Row counts of the guarded tables plus the flags a refused action could flip."""
    with engine.connect() as conn:
        counts = {
            table: conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
            for table in GUARDED_TABLES
        }
        locked = conn.execute(text("SELECT id, locked FROM period ORDER BY id")).all()
        used = conn.execute(text("SELECT id, used_at IS NULL FROM invite ORDER BY id")).all()
        active = conn.execute(text("SELECT id, active FROM person ORDER BY id")).all()
        holdings = conn.execute(
            text("SELECT id, person_id, ended_at IS NULL FROM holding ORDER BY id")
        ).all()
        statuses = conn.execute(
            text("SELECT id, status, current_revision FROM submission ORDER BY id")
        ).all()
    return {
        "counts": counts,
        "period.locked": [tuple(r) for r in locked],
        "invite.unused": [tuple(r) for r in used],
        "person.active": [(r[0], bool(r[1])) for r in active],
        "holding.open": [tuple(r) for r in holdings],
        "submission.state": [tuple(r) for r in statuses],
    }


def invite_code(
    engine: Engine,
    position: str | None,
    *,
    admin: bool = False,
    acting: bool = False,
    now: datetime | None = None,
) -> str:
    """A fresh invite written straight into the database, as `sicapai undang` does."""
    with transaction(engine) as session:
        org = resolve_organisation(session=session)
        assert org.id is not None
        position_id = None
        if position:
            match = find_position(session=session, organisation_id=org.id, name=position)
            assert match.position is not None, match.suggestions
            position_id = match.position.id
        return create_invite(
            session=session,
            organisation_id=org.id,
            position_id=position_id,
            admin=admin,
            acting=acting,
            now=now or utcnow(),
        )


def indicator(engine: Engine, code: str) -> Indicator:
    with Session(engine) as session:
        return session.exec(select(Indicator).where(Indicator.code == code)).one()


def revisions(engine: Engine, code: str, quarter: int | None = None) -> list[Revision]:
    """Every stored revision of an indicator (in one quarter, if given), oldest first."""
    with Session(engine) as session:
        query = (
            select(Revision)
            .join(Submission, col(Submission.id) == col(Revision.submission_id))
            .join(Indicator, col(Indicator.id) == col(Submission.indicator_id))
            .join(Period, col(Period.id) == col(Submission.period_id))
            .where(Indicator.code == code)
            .order_by(col(Revision.id))
        )
        if quarter is not None:
            query = query.where(Period.quarter == quarter)
        return list(session.exec(query))


def realisations(engine: Engine, code: str) -> list[BudgetRealisation]:
    """Every stored realisation of a budget line, oldest first."""
    with Session(engine) as session:
        return list(
            session.exec(
                select(BudgetRealisation)
                .join(BudgetLine, col(BudgetLine.id) == col(BudgetRealisation.budget_line_id))
                .where(BudgetLine.code == code)
                .order_by(col(BudgetRealisation.number))
            )
        )


def person_id_of(engine: Engine, external_id: int | str) -> int | None:
    with Session(engine) as session:
        chat = session.exec(
            select(ChatIdentity).where(ChatIdentity.external_id == str(external_id))
        ).first()
        return chat.person_id if chat else None


def dialog_state(engine: Engine, person_id: int) -> DialogState | None:
    with Session(engine) as session:
        return session.get(DialogState, person_id)


@dataclass(frozen=True)
class Wholeness:
    """The result of `check_whole`: empty `problems` means nothing is half written."""

    problems: list[str]
    revisions: int


def check_whole(engine: Engine) -> Wholeness:
    """Every submission points at its newest revision, numbers run 1..n, nothing is orphaned,
    and every chat revision has the audit row written in the same transaction.

    A turn is one transaction, so a crash may lose a whole save but never leave part of one.
    """
    problems: list[str] = []
    with Session(engine) as session:
        submissions = {s.id: s for s in session.exec(select(Submission))}
        all_revisions = list(session.exec(select(Revision)))
        numbers: dict[int, list[int]] = {}
        for revision in all_revisions:
            if revision.submission_id not in submissions:
                problems.append(f"revision {revision.id} has no submission")
            numbers.setdefault(revision.submission_id, []).append(revision.number)
        for sid, submission in submissions.items():
            found = sorted(numbers.get(sid or 0, []))
            if found != list(range(1, len(found) + 1)):
                problems.append(f"submission {sid}: revision numbers {found}")
            if submission.current_revision != (found[-1] if found else 0):
                problems.append(
                    f"submission {sid}: current_revision {submission.current_revision}, "
                    f"newest revision {found[-1] if found else None}"
                )
        audits = Counter(
            (a.entity_id, (a.detail or {}).get("revisi"))
            for a in session.exec(select(AuditLog).where(AuditLog.action == "laporan_disimpan"))
        )
        for revision in all_revisions:
            if revision.source == "chat" and audits[(revision.submission_id, revision.number)] != 1:
                problems.append(
                    f"revision {revision.submission_id}/{revision.number}: "
                    f"{audits[(revision.submission_id, revision.number)]} audit rows"
                )
        chat_revisions = sum(1 for r in all_revisions if r.source == "chat")
        if sum(audits.values()) != chat_revisions:
            problems.append(f"{sum(audits.values())} save audits for {chat_revisions} revisions")
        budget = list(session.exec(select(BudgetRealisation)))
        per_line: dict[tuple[int, int], list[int]] = {}
        for row in budget:
            per_line.setdefault((row.budget_line_id, row.period_id), []).append(row.number)
        for key, found in per_line.items():
            if sorted(found) != list(range(1, len(found) + 1)):
                problems.append(f"budget line/period {key}: numbers {sorted(found)}")
    return Wholeness(problems, len(all_revisions))
