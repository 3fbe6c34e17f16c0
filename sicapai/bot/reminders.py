"""Sending what the reminder plan says is due: once, at Telegram's pace, never rudely.

One periodic tick asks the planner (the same one `sicapai pengingat` prints) what is due
today up to now, and for each message: skips people in the middle of a flow (for up to 15
minutes), records the reminder under its unique key *before* delivery (so a restart, a
second tick or a second process cannot send it again), then delivers it through the pacer,
a few at a time.

Delivery uses the same registry of senders as the outbox (channel → sender) and the same
order of the person's chats: the channel they chose with `/saluran`, else the one they last
wrote on, then the rest; a chat that refuses (blocked) is marked and the next one is tried.
A chat on a channel nobody receives on now (the terminal) gets the reminder through the
outbox, where it waits for the person's next session; the record notes it as `menunggu`.
One reminder per person and key, whichever channel carried it (`reminder_log.channel`).
A chat where the person sent BERHENTI is not tried; with no other chat the reminder is not
sent, like one for a person nobody can reach.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from sicapai.handlers.port import Button, Gist, Reply
from sicapai.handlers.texts import pengingat as texts
from sicapai.models import outbox
from sicapai.models.calendar import calendar_config
from sicapai.models.db import transaction
from sicapai.models.operations import DialogState, ReminderLog
from sicapai.models.organisation import ChatIdentity, Organisation, Person
from sicapai.models.queries import organisations
from sicapai.models.reachability import reachable_chats_of
from sicapai.models.reminders import claim, plan_for
from sicapai.models.types import utcnow
from sicapai.reports.calendar import CalendarConfig
from sicapai.reports.reminders import PERSONAL, Planned
from sicapai.runtime.delivery import WAITING_CHANNELS, Delivery, Sender, Target, targets
from sicapai.runtime.group_commit import GroupCommit
from sicapai.runtime.outbox import tell_admins_unreachable

log = logging.getLogger(__name__)

DEFER = timedelta(minutes=15)
MAX_ATTEMPTS = 3
IN_FLIGHT = 16  # reminders delivered at once in a tick (bench/whatsapp: 8 left PostgreSQL's
# round trips, not the pace, setting the rate)
WAITING = "menunggu"  # handed to the outbox, waiting for the person on the terminal
REMINDER = "pengingat"  # the outbox row's kind


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
    waiting: int = 0  # for a person on the terminal: shown at their next `sicapai chat`


@dataclass(frozen=True)
class Due:
    planned: Planned
    targets: list[Target]  # the person's chats, best first (marked unreachable if one refuses)
    retry_of: int | None = None  # a failed log row to retry


class ReminderService:
    """Sends due reminders through the registered senders (channel → sender)."""

    def __init__(
        self,
        engine: Engine,
        senders: Mapping[str, Sender] | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
        pacer: Pacer | None = None,
        waiting: frozenset[str] = WAITING_CHANNELS,
        concurrency: int = IN_FLIGHT,
    ) -> None:
        self.engine = engine
        self.senders: dict[str, Sender] = dict(senders or {})
        self.clock = clock
        self.pacer = pacer or Pacer()
        # a channel's own pace (Telegram's 30 a second); a channel without one keeps `pacer`'s,
        # unless it paces its sends itself (`pace(channel, None)`: WhatsApp's send budget)
        self.pacers: dict[str, Pacer | None] = {}
        self.waiting = waiting  # channels whose messages wait for the person to come back
        self.concurrency = concurrency
        # the reminders in flight claim and record through a group commit each: a handful of
        # rows per transaction instead of two transactions per reminder (bench/whatsapp)
        self._claims: GroupCommit[tuple[Due, str, datetime], int | None] = GroupCommit(
            self._claim_all, name="reminder claims"
        )
        self._records: GroupCommit[tuple[int, str, Delivery], None] = GroupCommit(
            self._record_all, name="reminder records"
        )

    def register(self, channel: str, send: Sender) -> None:
        self.senders[channel] = send

    def pace(self, channel: str, rate: float | None) -> None:
        """Reminders on `channel` go at most `rate` a second (None: the sender paces)."""
        self.pacers[channel] = Pacer(rate=rate) if rate is not None else None

    async def tick(self) -> TickReport:
        now = self.clock()
        report = TickReport()
        due, deferred = await asyncio.to_thread(self._due, now)
        report.deferred = deferred
        # a few reminders in flight at once: each waits on its two transactions and a round
        # trip to the platform, and one at a time would leave a channel's pace unused
        # (bench/whatsapp: 49 a second against Meta's 80); the pacers keep the rate
        gate = asyncio.Semaphore(self.concurrency)

        async def deliver(item: Due) -> str:
            async with gate:
                return await self._deliver(item, now)

        for outcome in await asyncio.gather(*(deliver(item) for item in due)):
            if outcome == "sent":
                report.sent += 1
            elif outcome == "skipped":
                report.skipped += 1
            elif outcome == WAITING:
                report.waiting += 1
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
        hours: dict[int, CalendarConfig] = {}
        ready: list[Planned] = []
        for item in planned:
            if item.person is None:
                continue
            # never outside working time; catch-up only within the same day
            if not (item.at <= now and item.at.date() == local.date()):
                continue
            if item.year not in hours:
                hours[item.year] = calendar_config(
                    session=session, organisation=org, year=item.year
                )
            if local.time() >= hours[item.year].work_end:
                continue
            ready.append(item)
        if not ready:
            return [], 0
        # what each reminder needs, read for all of them at once: a tick that finds a
        # thousand reminders due pays a few queries, not a few thousand
        ids = sorted({item.person.id for item in ready if item.person is not None})
        people = {
            p.id: p for p in session.exec(select(Person).where(col(Person.id).in_(ids))) if p.active
        }
        # a chat where the person sent BERHENTI is skipped: their other chat, or none
        chats = reachable_chats_of(
            session=session, people=list(people.values()), for_reminders=True
        )
        logs = {
            (r.person_id, r.period_id, r.kind, r.day): r
            for r in session.exec(
                select(ReminderLog).where(
                    col(ReminderLog.person_id).in_(ids),
                    col(ReminderLog.period_id).in_(sorted({i.period_id for i in ready})),
                    col(ReminderLog.day).in_(sorted({i.day for i in ready})),
                )
            )
        }
        busy = _in_flow(session, ids, now)
        due: list[Due] = []
        deferred = 0
        for item in ready:
            assert item.person is not None
            if item.person.id not in people:
                continue
            found = targets(chats[item.person.id], self.senders, self.waiting)
            if not found:  # never registered, or every chat refused: wait for the person
                continue
            log_row = logs.get((item.person.id, item.period_id, item.kind, item.day))
            retry_of = None
            if log_row is not None:
                if log_row.status != "gagal" or log_row.attempts >= MAX_ATTEMPTS:
                    continue
                retry_of = log_row.id
            if item.kind == PERSONAL and item.person.id in busy:
                deferred += 1
                continue
            due.append(Due(item, found, retry_of))
        return due, deferred

    # --- delivering ----------------------------------------------------------------------
    async def _deliver(self, item: Due, now: datetime) -> str:
        text = texts.message(item.planned)
        claimed = await self._claims.submit((item, text, now))
        if claimed is None:
            return "skipped"
        planned = item.planned
        name = planned.person.name if planned.person is not None else ""
        gist = Gist("reminder", texts.gist(planned, name)) if planned.kind == PERSONAL else None
        reply = Reply(text=text, buttons=button_for(planned), gist=gist)
        channel = item.targets[0].channel
        result = Delivery(ok=False, blocked=True)  # if every chat refuses
        for target in item.targets:
            channel = target.channel
            if target.send is not None:
                pacer = self.pacers.get(channel, self.pacer)
                if pacer is not None:
                    await pacer.wait()
                try:
                    result = await target.send(target.identity, reply)
                except Exception:  # a sender bug must not stop the other reminders
                    log.exception("reminder delivery failed")
                    result = Delivery(ok=False, temporary=True)
            if target.send is None or result.held:  # nobody receives there now
                await asyncio.to_thread(self._wait, claimed, target, reply)
                return WAITING
            if result.try_next:
                continue  # this channel cannot carry it now: the next chat, if any
            if not result.blocked:
                break
            await asyncio.to_thread(self._unreachable, target.chat_row)  # the next chat, if any
        await self._records.submit((claimed, channel, result))
        return "sent" if result.ok else "failed"

    def _claim_all(self, items: Sequence[tuple[Due, str, datetime]]) -> list[int | None]:
        fresh = [
            (i, item, text, now)
            for i, (item, text, now) in enumerate(items)
            if item.retry_of is None
        ]
        result: list[int | None] = [None] * len(items)
        with transaction(self.engine) as session:
            for now in {now for _, _, _, now in fresh}:
                same = [(i, item, text) for i, item, text, at in fresh if at == now]
                ids = claim(
                    session=session, due=[(item.planned, text) for _, item, text in same], now=now
                )
                for (i, _, _), row_id in zip(same, ids, strict=True):
                    result[i] = row_id
            for i, (item, _, _) in enumerate(items):
                if item.retry_of is not None:
                    result[i] = _retry(session, item.retry_of)
        return result

    def _record_all(self, items: Sequence[tuple[int, str, Delivery]]) -> list[None]:
        """One UPDATE per kind of outcome in the batch (sent, uncertain, failed, refused)."""
        sent_at = self.clock()
        groups: dict[tuple[str, str, bool], list[int]] = {}
        for log_id, channel, result in items:
            if result.ok:
                status = "terkirim"
            elif result.unknown:
                status = "tidak_pasti"  # timed out: most likely delivered, not sent again
            else:
                status = "gagal"
            refused = status == "gagal" and result.blocked  # never tried again
            groups.setdefault((status, channel, refused), []).append(log_id)
        with transaction(self.engine) as session:
            for (status, channel, refused), ids in groups.items():
                attempts = col(ReminderLog.attempts)
                values: dict[str, Any] = {
                    "status": status,
                    "channel": channel,
                    "attempts": MAX_ATTEMPTS if refused else attempts + 1,
                }
                if status == "terkirim":
                    values["sent_at"] = sent_at
                session.execute(
                    update(ReminderLog).where(col(ReminderLog.id).in_(ids)).values(**values)
                )
        return [None] * len(items)

    def _unreachable(self, chat_row: int) -> None:
        """A chat refused the reminder: mark it and, once, tell the admins (in the outbox)."""
        with transaction(self.engine) as session:
            chat = session.get(ChatIdentity, chat_row)
            if chat is not None:
                tell_admins_unreachable(session, chat, self.clock())

    def _wait(self, log_id: int, target: Target, reply: Reply) -> None:
        """The person's chat is on a channel nobody receives on now (the terminal): the
        reminder goes into the outbox, where it waits for their next session, recorded as
        waiting there, with the outbox row, in one transaction (so it is never lost or
        doubled)."""
        now = self.clock()
        with transaction(self.engine) as session:
            row = session.get(ReminderLog, log_id)
            assert row is not None
            outbox.enqueue(
                session=session,
                person_id=row.person_id,
                text=reply.text,
                now=now,
                buttons=[
                    [{"label": b.label, "data": b.data} for b in line] for line in reply.buttons
                ],
                kind=REMINDER,
            )
            row.attempts += 1
            row.status = WAITING
            row.channel = target.channel
            session.add(row)


def _retry(session: Session, log_id: int) -> int | None:
    """Compare-and-swap: only one process gets to retry a failed reminder."""
    row = session.get(ReminderLog, log_id)
    assert row is not None
    changed = session.execute(
        update(ReminderLog)
        .where(
            col(ReminderLog.id) == log_id,
            col(ReminderLog.status) == "gagal",
            col(ReminderLog.attempts) == row.attempts,
        )
        .values(status="antri")
    )
    return log_id if getattr(changed, "rowcount", 0) == 1 else None


def _in_flow(session: Session, person_ids: Sequence[int], now: datetime) -> set[int]:
    """Who is in the middle of a conversation that moved within the last 15 minutes."""
    return set(
        session.exec(
            select(DialogState.person_id).where(
                col(DialogState.person_id).in_(person_ids),
                col(DialogState.dialog).is_not(None),
                col(DialogState.dialog) != "",
                col(DialogState.updated_at) > now - DEFER,
            )
        ).all()
    )
