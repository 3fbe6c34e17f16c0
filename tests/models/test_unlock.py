"""Unlocking a quarter is a decision like locking it: one guarded write, its reason audited,
and a second admin unlocking the same quarter at once is told it was already done."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from sicapai.models.db import transaction
from sicapai.models.guards import Conflict
from sicapai.models.operations import AuditLog
from sicapai.models.queries import resolve_organisation
from sicapai.models.review import lock, unlock
from sicapai.models.seeding import ensure_periods
from tests.support.database import Database

NOW = datetime(2025, 4, 20, 2, 0, tzinfo=UTC)


def test_unlock_opens_the_quarter_and_audits_the_reason(office: Database) -> None:
    with transaction(office.engine) as session:
        period = ensure_periods(session, resolve_organisation(session=session), 2025)[1]
        lock(session=session, period=period, person_id=None, now=NOW)
        unlock(session=session, period=period, person_id=None, now=NOW, reason="Koreksi data BPS")
        assert not period.locked and period.locked_at is None
        with pytest.raises(Conflict):
            unlock(session=session, period=period, person_id=None, now=NOW, reason="Lagi dong ya")
    with transaction(office.engine) as session:
        (entry,) = session.exec(select(AuditLog).where(AuditLog.action == "periode_dibuka"))
        assert entry.detail == {"tahun": 2025, "triwulan": 1, "alasan": "Koreksi data BPS"}


def test_unlock_without_a_reason_keeps_the_old_signature(office: Database) -> None:
    with transaction(office.engine) as session:
        period = ensure_periods(session, resolve_organisation(session=session), 2025)[2]
        lock(session=session, period=period, person_id=None, now=NOW)
        unlock(session=session, period=period, person_id=None, now=NOW)
        assert not period.locked
