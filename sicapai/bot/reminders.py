"""Sending what the reminder plan says is due: once, at Telegram's pace, never rudely.

One periodic tick asks the planner (the same one `sicapai pengingat` prints) what is due
today up to now, and for each message: skips people in the middle of a flow (for up to 15
minutes), records the reminder under its unique key *before* delivery (so a restart, a
second tick or a second process cannot send it again), then delivers it through the pacer.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from sicapai.handlers.port import Button, Identity, Reply
from sicapai.handlers.texts import pengingat as texts
from sicapai.models.calendar import calendar_config
from sicapai.models.db import transaction
from sicapai.models.operations import DialogState, ReminderLog
from sicapai.models.organisation import ChatIdentity, Organisation, Person
from sicapai.models.queries import organisations
from sicapai.models.reachability import reachable_chats
from sicapai.models.reminders import claim, plan_for
from sicapai.models.types import ident, utcnow
from sicapai.reports.calendar import CalendarConfig
from sicapai.reports.reminders import PERSONAL, Planned
from sicapai.runtime.delivery import Delivery, Sender
from sicapai.runtime.outbox import tell_admins_unreachable

log = logging.getLogger(__name__)

DEFER = timedelta(minutes=15)
MAX_ATTEMPTS = 3


class Pacer:
    """At most `rate` sends in any one-second window, spread evenly rather than in a burst."""

    def __init__(self, rate: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.interval = 1.0 / rate
        self.clock = clock
        self._sent: deque[float] = deque()
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = self.clock()
            while self._sent and self._sent[0] <= now - 1.0:
                self._sent.popleft()
            slot = max(now, self._next)  # this send's planned moment
            if len(self._sent) >= self.rate:
                slot = max(slot, self._sent[0] + 1.0)
            if slot > now:
                await asyncio.sleep(slot - now)
            # the next slot follows the planned one, not the (always late) wake-up, so the
            # pace does not drift below the rate
            self._next = slot + self.interval
            self._sent.append(max(slot, self.clock()))


def button_for(planned: Planned) -> list[list[Button]]:
    """Reminders open /lapor on the first pending item; they carry their own target, so
    they stay valid whatever the person does in between (no dialog version)."""
    if planned.kind != PERSONAL or planned.first_item is None:
        return []
    kind, _, ident = planned.first_item.ref.partition(":")
    action = "n" if kind == "i" else "a"
    return [[Button(texts.BTN_REPORT, f"r:0:{action}:{planned.period_id}:{ident}")]]


@dataclass
class TickReport:
    sent: int = 0
    deferred: int = 0
    skipped: int = 0
    failed: int = 0


@dataclass(frozen=True)
class Due:
    planned: Planned
    identity: Identity
    chat_row: int  # the ChatIdentity it goes to (marked unreachable if it refuses)
    retry_of: int | None = None  # a failed log row to retry


class ReminderService:
    def __init__(
        self,
        engine: Engine,
        send: Sender,
        *,
        clock: Callable[[], datetime] = utcnow,
        pacer: Pacer | None = None,
    ) -> None:
        self.engine = engine
        self.send = send
        self.clock = clock
        self.pacer = pacer or Pacer()

    async def tick(self) -> TickReport:
        now = self.clock()
        report = TickReport()
        due, deferred = await asyncio.to_thread(self._due, now)
        report.deferred = deferred
        for item in due:
            outcome = await self._deliver(item, now)
            if outcome == "sent":
                report.sent += 1
            elif outcome == "skipped":
                report.skipped += 1
            else:
                report.failed += 1
        return report

    # --- what is due ---------------------------------------------------------------------
    def _due(self, now: datetime) -> tuple[list[Due], int]:
        due: list[Due] = []
        deferred = 0
        with Session(self.engine) as session:
            for org in organisations(session=session):
                items, late = self._due_for(session, org, now)
                due += items
                deferred += late
            session.rollback()  # ensure_periods may add rows; the tick never writes here
        return due, deferred

    def _due_for(self, session: Session, org: Organisation, now: datetime) -> tuple[list[Due], int]:
        config = CalendarConfig(timezone=org.timezone)
        local = now.astimezone(config.zone)
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        planned = plan_for(
            session=session,
            organisation=org,
            start=start,
            end=now + timedelta(seconds=1),
            live=True,
        )
        due: list[Due] = []
        deferred = 0
        for item in planned:
            if item.person is None:
                continue
            # never outside working time; catch-up only within the same day
            if not (item.at <= now and item.at.date() == local.date()):
                continue
            hours = calendar_config(session=session, organisation=org, year=item.year)
            if local.time() >= hours.work_end:
                continue
            person = session.get(Person, item.person.id)
            if person is None or not person.active:
                continue
            chats = [c for c in reachable_chats(session=session, person_id=item.person.id) if c.id]
            if not chats:  # never registered, or every chat refused: wait for the person
                continue
            chat = chats[0]
            identity = Identity(chat.channel, chat.external_id, chat.chat_id or chat.external_id)
            log_row = session.exec(
                select(ReminderLog).where(
                    ReminderLog.person_id == item.person.id,
                    ReminderLog.period_id == item.period_id,
                    ReminderLog.kind == item.kind,
                    ReminderLog.day == item.day,
                )
            ).first()
            retry_of = None
            if log_row is not None:
                if log_row.status != "gagal" or log_row.attempts >= MAX_ATTEMPTS:
                    continue
                retry_of = log_row.id
            if item.kind == PERSONAL and _in_flow(session, item.person.id, now):
                deferred += 1
                continue
            due.append(Due(item, identity, ident(chat), retry_of))
        return due, deferred

    # --- delivering ----------------------------------------------------------------------
    async def _deliver(self, item: Due, now: datetime) -> str:
        text = texts.message(item.planned)
        claimed = await asyncio.to_thread(self._claim, item, text, now)
        if claimed is None:
            return "skipped"
        await self.pacer.wait()
        try:
            result = await self.send(
                item.identity, Reply(text=text, buttons=button_for(item.planned))
            )
        except Exception:  # a sender bug must not stop the other reminders
            log.exception("reminder delivery failed")
            result = Delivery(ok=False, temporary=True)
        await asyncio.to_thread(self._record, claimed, item, result)
        return "sent" if result.ok else "failed"

    def _claim(self, item: Due, text: str, now: datetime) -> int | None:
        with transaction(self.engine) as session:
            if item.retry_of is None:
                return claim(session=session, planned=item.planned, text=text, now=now)
            # compare-and-swap: only one process gets to retry a failed reminder
            row = session.get(ReminderLog, item.retry_of)
            assert row is not None
            changed = session.execute(
                update(ReminderLog)
                .where(
                    col(ReminderLog.id) == item.retry_of,
                    col(ReminderLog.status) == "gagal",
                    col(ReminderLog.attempts) == row.attempts,
                )
                .values(status="antri")
            )
            return item.retry_of if getattr(changed, "rowcount", 0) == 1 else None

    def _record(self, log_id: int, item: Due, result: Delivery) -> None:
        with transaction(self.engine) as session:
            row = session.get(ReminderLog, log_id)
            assert row is not None
            row.attempts += 1
            if result.ok:
                row.status = "terkirim"
                row.sent_at = self.clock()
            elif result.unknown:
                row.status = "tidak_pasti"  # timed out: most likely delivered, not sent again
            else:
                row.status = "gagal"
                if result.blocked:
                    row.attempts = MAX_ATTEMPTS
            session.add(row)
            if result.blocked:
                chat = session.get(ChatIdentity, item.chat_row)
                if chat is not None:
                    tell_admins_unreachable(session, chat, self.clock())


def _in_flow(session: Session, person_id: int, now: datetime) -> bool:
    """In the middle of a conversation that moved within the last 15 minutes."""
    state = session.get(DialogState, person_id)
    return bool(state and state.dialog and now - state.updated_at < DEFER)
