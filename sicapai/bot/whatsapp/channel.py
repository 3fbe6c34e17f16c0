"""The WhatsApp adapter: webhooks in, Cloud API messages out, the conversations in between.

Incoming: every message of a webhook is recorded in the inbox under its `wamid` — with the
moment the person wrote, which opens WhatsApp's 24-hour window — in one transaction *before*
Meta gets its 200; a redelivery finds its row and does nothing, across restarts. Then each
recorded message is handled in the person's lane (`Conversations.serve`), and the turn marks its
row handled in the turn's own transaction. Rows recorded but not handled when the process
stopped are handled at the next start. Delivery reports (sent, delivered, read, failed — in any
order) are kept per message (`models.sent_messages`); a "failed" 131026 marks the contact
unreachable and tells the admins once.

Outgoing: replies are rendered within WhatsApp's limits (`render`) and sent through the number's
budget (`pacing`), replies before background sends. A reminder or a notice for someone inside
the window is an ordinary message; outside it, a reminder is the approved reminder template,
and any other notice waits in the outbox — the notice template tells the person once a day
that something waits — until their next message, which delivers it. Configuration errors (an
expired token, a paused template) alert the admins and pass the message to the person's next
channel. A send that timed out is never repeated: Meta has most likely accepted it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import update
from sqlmodel import Session, col, select

from sicapai.bot.whatsapp import errors
from sicapai.bot.whatsapp.client import CloudApi, SendTimedOut
from sicapai.bot.whatsapp.errors import CloudApiError, Policy
from sicapai.bot.whatsapp.inbound import (
    InboundMessage,
    Item,
    StatusReport,
    TemplateStatus,
    event_for,
    moment,
    parse,
)
from sicapai.bot.whatsapp.pacing import PAIR_INTERVAL, SendBudget
from sicapai.bot.whatsapp.render import CAPABILITIES, CHANNEL, Outgoing, render, template
from sicapai.handlers.port import Identity, Reply
from sicapai.handlers.texts import esc
from sicapai.handlers.texts import whatsapp as texts
from sicapai.models import chat_marks, inbox, outbox, sent_messages
from sicapai.models.db import transaction
from sicapai.models.organisation import ChatIdentity, Person
from sicapai.models.queries import organisations
from sicapai.models.review import admins
from sicapai.models.sent_messages import SentMessage
from sicapai.runtime.conversations import Conversations
from sicapai.runtime.delivery import Delivery, Sender
from sicapai.runtime.group_commit import GroupCommit
from sicapai.runtime.outbox import OutboxSender, tell_admins_unreachable
from sicapai.runtime.turns import TurnResult

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=24)
WINDOW_MARGIN = timedelta(minutes=10)  # a message sent at 23:59 of the window may land after it
NOTICE_TOLD = "wa_notice"  # the contact was sent the notice template (once a day)
ALERT_EVERY = timedelta(hours=1)
RETRY_PAUSES = (1.0, 2.0, 4.0)  # temporary trouble: three more tries
NUMBER_PAUSES = (1.0, 2.0, 4.0, 8.0)  # the number's throughput was reached
RECOVER_SINCE = timedelta(days=1)
TIER_RECOUNT = timedelta(minutes=10)  # the tier's count is read again from the database


@dataclass(frozen=True)
class WhatsAppConfig:
    api_url: str
    token: str
    phone_number_id: str
    business_account_id: str = ""
    app_secret: str = ""
    verify_token: str = ""
    reminder_template: str | None = None
    notice_template: str | None = None
    template_language: str = "id"
    rate: float = 76.0
    pair_burst: int = 3
    pair_interval: float = PAIR_INTERVAL
    pair_pause: float = PAIR_INTERVAL  # after a 131056, this recipient waits at least this long
    # Meta's messaging tier: how many people outside their window the business may reach in a
    # rolling 24 hours (250 until the business is verified); 0: no limit kept here
    messaging_limit: int = 250
    send_timeout: float = 20.0  # seconds for Meta's answer to a send (then: never resent)


@dataclass(frozen=True)
class _SentRecord:
    """A message Meta accepted, to be recorded by the writer."""

    wamid: str
    to: str
    kind: str
    template: str | None
    at: datetime


_Recorded = tuple[
    list[tuple[InboundMessage, bool]], list[int]
]  # a webhook's fresh messages, notices


class _WindowClosed(Exception):
    """131047: the person last wrote more than 24 hours ago."""


class WhatsAppChannel:
    def __init__(
        self,
        conversations: Conversations,
        config: WhatsAppConfig,
        *,
        outbox_sender: OutboxSender | None = None,
        client: CloudApi | None = None,
        budget: SendBudget | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.conversations = conversations
        self.config = config
        self.account = config.phone_number_id
        self.client = client or CloudApi(
            base_url=config.api_url,
            token=config.token,
            phone_number_id=config.phone_number_id,
            business_account_id=config.business_account_id,
            timeout=httpx.Timeout(config.send_timeout, connect=5.0),
        )
        self.budget = budget or SendBudget(
            config.rate, pair_burst=config.pair_burst, pair_interval=config.pair_interval
        )
        self.outbox = outbox_sender
        self.clock = clock or conversations.clock
        self._tasks: set[asyncio.Task[None]] = set()
        self._held: set[str] = set()  # contacts something waits for until they write
        # one writer for webhooks and sent messages, by group commit: what arrives while a
        # transaction is written goes into the next one, so a burst of webhooks (three status
        # reports for every message sent) costs a few transactions instead of one each, and a
        # webhook is answered only once its contents are stored. One writer of `sent_message`
        # in this process: a status that arrives before its message's record never races it
        # for the row (nor deadlocks with it on PostgreSQL).
        self._writer: GroupCommit[list[Item | _SentRecord], _Recorded] = GroupCommit(
            self._record, name="WhatsApp webhooks"
        )
        # the contacts' windows, read for many reminders in flight at once: one query each batch
        self._contacts: GroupCommit[str, tuple[str, datetime | None] | None] = GroupCommit(
            self._read_contacts, name="WhatsApp contacts"
        )
        self._reached: dict[str, datetime] = {}  # contacts sent a template, and when
        self._reached_at: datetime | None = None
        self._tier_lock = asyncio.Lock()

    @property
    def engine(self) -> Any:
        return self.conversations.engine

    # --- running ----------------------------------------------------------------------------
    async def start(self) -> None:
        """Handle what was recorded but not handled before the last stop."""
        rows = await asyncio.to_thread(self._unfinished)
        for message in rows:
            self._spawn(self._process(message, known=True))
        self._held |= await asyncio.to_thread(self._waiting_contacts)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.flush_records()
        await self.client.close()

    async def idle(self) -> None:
        """Wait until every update taken so far is handled (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _spawn(self, work: Any) -> None:
        task: asyncio.Task[None] = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- incoming ---------------------------------------------------------------------------
    async def on_payload(self, payload: dict[str, Any]) -> None:
        """Record everything in a webhook (raises if the database cannot: Meta retries), then
        handle its messages in the background."""
        items: list[Item | _SentRecord] = [
            i for i in parse(payload) if not isinstance(i, InboundMessage) or self._ours(i)
        ]
        if not items:
            return
        for item in items:  # Meta counts a message against the number when it arrives
            if isinstance(item, InboundMessage):
                self.budget.note_inbound()
        try:
            fresh, notices = await self._writer.submit(items)
        except Exception as exc:
            # the SQL error would quote message bodies: its kind only
            log.warning(
                "recording webhooks failed (%s); Meta delivers them again", type(exc).__name__
            )
            raise
        for message, known in fresh:
            self._spawn(self._process(message, known=known))
        if notices and self.outbox is not None:
            self._spawn(self._drain(notices))

    def _ours(self, message: InboundMessage) -> bool:
        return message.account in ("", self.account)

    def _record(self, webhooks: Sequence[list[Item | _SentRecord]]) -> list[_Recorded]:
        """One transaction for a batch of webhooks (and sent records): messages into the inbox
        one by one (each may be a redelivery), every sent record and status report of the
        batch in one set-based write."""
        now = self.clock()
        results: list[_Recorded] = []
        records: list[sent_messages.Sent] = []
        reports: list[tuple[int, StatusReport]] = []
        with transaction(self.engine) as session:
            for index, items in enumerate(webhooks):
                fresh: list[tuple[InboundMessage, bool]] = []
                notices: list[int] = []
                for item in items:
                    if isinstance(item, InboundMessage):
                        row = inbox.receive(
                            session=session,
                            channel=CHANNEL,
                            account=self.account,
                            external_id=item.wamid,
                            sender_id=item.wa_id,
                            payload=_payload(item),
                            now=now,
                        )
                        if row is not None:  # None: a redelivery, already recorded
                            fresh.append((item, self._opened(session, item, now)))
                    elif isinstance(item, _SentRecord):
                        records.append(
                            sent_messages.Sent(
                                item.wamid, item.to, item.kind, item.template, item.at
                            )
                        )
                    elif isinstance(item, StatusReport):
                        if item.message_id and item.status:
                            reports.append((index, item))
                    else:
                        notices += self._template_changed(session, item, now)
                results.append((fresh, notices))
            sent_messages.write(
                session=session,
                channel=CHANNEL,
                account=self.account,
                sent=records,
                statuses=[
                    sent_messages.Status(r.message_id, r.recipient, r.status, r.error_code, r.error)
                    for _, r in reports
                ],
                now=now,
            )
            for index, report in reports:
                results[index][1].extend(self._failed_report(session, report, now))
        return results

    def _opened(self, session: Session, item: InboundMessage, now: datetime) -> bool:
        """The person wrote: their window opens (or stays open) from when they wrote. False
        when the chat is not known yet (a registration, a link), to note after the turn."""
        wrote = min(item.sent_at or now, now)
        values: dict[str, Any] = {"last_inbound_at": wrote}
        if item.business_id:
            values["business_id"] = item.business_id
        last = col(ChatIdentity.last_inbound_at)
        result = session.execute(
            update(ChatIdentity)
            .where(
                col(ChatIdentity.channel) == CHANNEL,
                col(ChatIdentity.external_id) == item.wa_id,
                last.is_(None) | (last <= wrote),  # never back: an older message came late
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) >= 1:
            return True
        return _chat(session, item.wa_id) is not None

    def _failed_report(self, session: Session, item: StatusReport, now: datetime) -> list[int]:
        if item.status != sent_messages.FAILED:
            return []
        log.warning("WhatsApp reports message failed: code %s", item.error_code)
        if item.error_code == errors.UNDELIVERABLE:
            chat = _chat(session, item.recipient)
            return tell_admins_unreachable(session, chat, now) if chat is not None else []
        return []

    def _template_changed(self, session: Session, item: TemplateStatus, now: datetime) -> list[int]:
        log.warning("WhatsApp template %s (%s) is now %s", item.name, item.language, item.event)
        reason = texts.TEMPLATE_REASON.format(reason=esc(item.reason)) if item.reason else ""
        text = texts.TEMPLATE_CHANGED.format(
            name=esc(item.name), language=esc(item.language), event=esc(item.event), reason=reason
        )
        return _to_admins(session, text, now)

    async def _process(self, message: InboundMessage, *, known: bool) -> None:
        identity = Identity(
            channel=CHANNEL,
            external_id=message.wa_id,
            chat_id=message.wa_id,
            display_name=message.name,
            account=self.account,
            capabilities=CAPABILITIES,
        )
        event = replace(
            event_for(message.message, self._download),
            inbound_id=message.wamid,
            sent_at=message.sent_at,
        )

        async def respond(result: TurnResult) -> None:
            delivered = True
            for reply in result.replies:
                outcome = await self.send(identity.chat_id, reply)
                delivered = delivered and (outcome.ok or outcome.unknown)
            if delivered:
                await self.conversations.replied(result)

        try:
            result = await self.conversations.serve(identity, event, respond)
        except Exception:
            log.exception("a WhatsApp message could not be handled")
            return
        if not known and result.person_id is not None:
            await asyncio.to_thread(self._touch, message)  # registered or linked just now
        if self.outbox is not None:
            if result.notice_ids:
                await self.outbox.drain(result.notice_ids)
            if message.wa_id in self._held:  # what waited for the window goes out now
                self._held.discard(message.wa_id)
                await self.outbox.drain_waiting(identity)

    def _touch(self, message: InboundMessage) -> None:
        with transaction(self.engine) as session:
            self._opened(session, message, self.clock())

    async def _download(self, media_id: str, path: Path) -> None:
        limit = min(self.conversations.evidence_bytes, CAPABILITIES.file_bytes)
        await self.client.download(media_id, path, limit=limit)

    async def _drain(self, ids: list[int]) -> None:
        assert self.outbox is not None
        await self.outbox.drain(ids)

    def _unfinished(self) -> list[InboundMessage]:
        since = self.clock() - RECOVER_SINCE
        with Session(self.engine) as session:
            rows = inbox.waiting(
                session=session, channel=CHANNEL, account=self.account, since=since
            )
            return [m for m in (_from_payload(r.payload, self.account) for r in rows) if m]

    def _waiting_contacts(self) -> set[str]:
        """Contacts with notices waiting for their window (so their next message drains)."""
        with Session(self.engine) as session:
            rows = session.exec(
                select(ChatIdentity.external_id)
                .join(
                    outbox.OutboxMessage,
                    col(outbox.OutboxMessage.person_id) == col(ChatIdentity.person_id),
                )
                .where(
                    ChatIdentity.channel == CHANNEL,
                    outbox.OutboxMessage.channel == CHANNEL,
                    outbox.OutboxMessage.status == outbox.PENDING,
                )
            ).all()
            return set(rows)

    # --- outgoing ---------------------------------------------------------------------------
    async def send(
        self, to: str, reply: Reply, *, background: bool = False, kind: str = sent_messages.REPLY
    ) -> Delivery:
        """A reply in as few messages as WhatsApp's limits allow; a closed window drops it
        (a reply to a message more than a day late)."""
        try:
            return await self._send_reply(to, reply, background=background, kind=kind)
        except _WindowClosed:
            log.info("a reply was not sent: the person's 24-hour window has closed")
            return Delivery(ok=False, error="jendela 24 jam sudah tertutup")

    async def _send_reply(self, to: str, reply: Reply, *, background: bool, kind: str) -> Delivery:
        result = Delivery(ok=True)
        for outgoing in render(reply):
            result = await self._send_one(to, outgoing, background=background, kind=kind)
            if not result.ok:
                return result
        return result

    async def _send_one(
        self,
        to: str,
        outgoing: Outgoing,
        *,
        background: bool,
        kind: str,
        template_name: str | None = None,
    ) -> Delivery:
        body = outgoing.body
        if outgoing.media is not None:
            try:
                media_id = await self._with_retries(
                    lambda: self.client.upload(
                        outgoing.media or b"",
                        outgoing.mime_type or "application/octet-stream",
                        outgoing.filename or "berkas",
                    )
                )
            except CloudApiError as exc:
                return self._failed(exc)
            kind_key = outgoing.kind
            body = {**body, kind_key: {**body[kind_key], "id": media_id}}
        number_pauses = list(NUMBER_PAUSES)
        retries = list(RETRY_PAUSES)
        while True:
            await self.budget.acquire(to, background=background)
            try:
                wamid = await self.client.send(to, body)
            except SendTimedOut:
                log.warning("a WhatsApp send timed out; not resending to avoid a duplicate")
                return Delivery(ok=False, temporary=True, unknown=True, error="waktu habis")
            except CloudApiError as exc:
                policy = exc.policy
                if policy == Policy.WINDOW:
                    raise _WindowClosed from None
                if policy == Policy.PAUSE_ALL and number_pauses:
                    self.budget.pause_all(number_pauses.pop(0))
                    continue
                if policy == Policy.PAUSE_ONE and retries:
                    retries.pop(0)
                    self.budget.pause_one(to, self.config.pair_pause)
                    continue
                if policy == Policy.RETRY and retries:
                    await asyncio.sleep(retries.pop(0))
                    continue
                return await self._refused(exc)
            self._note_sent(wamid, to, kind, template_name)
            return Delivery(ok=True)

    async def _with_retries(self, call: Callable[[], Any]) -> str:
        pauses = list(RETRY_PAUSES)
        while True:
            try:
                return str(await call())
            except CloudApiError as exc:
                if exc.policy != Policy.RETRY or not pauses:
                    raise
                await asyncio.sleep(pauses.pop(0))

    async def _refused(self, exc: CloudApiError) -> Delivery:
        log.warning("WhatsApp refused a message: %s", exc)
        if exc.policy == Policy.ALERT:
            ids = await asyncio.to_thread(self._alert, exc)
            if ids and self.outbox is not None:
                self._spawn(self._drain(ids))
        return self._failed(exc)

    @staticmethod
    def _failed(exc: CloudApiError) -> Delivery:
        error = f"{exc.code}: {exc.message}"[:200]
        policy = exc.policy
        if policy == Policy.UNREACHABLE:
            return Delivery(ok=False, blocked=True, error=error)
        if policy == Policy.ALERT:
            return Delivery(ok=False, temporary=True, try_next=True, error=error)
        temporary = policy in (Policy.RETRY, Policy.PAUSE_ALL, Policy.PAUSE_ONE)
        return Delivery(ok=False, temporary=temporary, error=error)

    def _alert(self, exc: CloudApiError) -> list[int]:
        """Tell the admins, once an hour per error code: it is a setting to fix, not a person."""
        now = self.clock()
        with transaction(self.engine) as session:
            if not chat_marks.mark_once(
                session=session,
                channel=CHANNEL,
                chat_id=self.account or "-",
                kind=f"wa_alert_{exc.code}"[:20],
                now=now,
                lasts=ALERT_EVERY,
            ):
                return []
            detail = esc((exc.message or exc.details or "")[:200])
            return _to_admins(session, texts.SEND_ALERT.format(code=exc.code, detail=detail), now)

    def _note_sent(self, wamid: str, to: str, kind: str, template_name: str | None) -> None:
        """Recorded by the webhooks' writer, in its next group commit."""
        self._writer.post([_SentRecord(wamid, to, kind, template_name, self.clock())])

    async def flush_records(self) -> None:
        """Wait until everything handed to the writer is written (shutdown, tests)."""
        await self._writer.flush()

    # --- messages nobody asked for: notices and reminders -----------------------------------
    def sender(self, *, background: bool) -> Sender:
        """For the outbox (notices, `background=False`) and reminders (`True`)."""

        async def send(identity: Identity, reply: Reply) -> Delivery:
            if identity.channel != CHANNEL:
                return Delivery(ok=False)
            return await self.deliver(identity, reply, background=background)

        return send

    async def deliver(self, identity: Identity, reply: Reply, *, background: bool) -> Delivery:
        contact = await self._contacts.submit(identity.external_id)
        name, last = contact if contact is not None else ("", None)
        kind = sent_messages.REMINDER if reply.gist is not None else sent_messages.NOTICE
        if last is not None and self.clock() - last < WINDOW - WINDOW_MARGIN:
            try:
                return await self._send_reply(
                    identity.chat_id, reply, background=background, kind=kind
                )
            except _WindowClosed:
                pass  # Meta's clock says otherwise: as outside the window
        if reply.gist is not None and reply.gist.kind == "reminder":
            return await self._reminder_template(identity.chat_id, reply, background)
        return await self._hold_notice(identity, name, background)

    async def _reminder_template(self, to: str, reply: Reply, background: bool) -> Delivery:
        name = self.config.reminder_template
        assert reply.gist is not None
        if not name:
            log.warning("a reminder outside the 24-hour window needs WHATSAPP_REMINDER_TEMPLATE")
            return Delivery(ok=False, temporary=True, try_next=True, error=texts.NO_TEMPLATE)
        if not await self._within_tier(to):
            return Delivery(ok=False, temporary=True, try_next=True, error=texts.TIER_REACHED)
        opens = reply.buttons[0][0].data if reply.buttons and reply.buttons[0] else None
        body = template(name, self.config.template_language, reply.gist.params, quick_reply=opens)
        try:
            return await self._send_one(
                to,
                Outgoing(body),
                background=background,
                kind=sent_messages.REMINDER,
                template_name=name,
            )
        except _WindowClosed:  # never for a template; kept safe all the same
            return Delivery(ok=False, temporary=True, try_next=True)

    async def _hold_notice(self, identity: Identity, name: str, background: bool) -> Delivery:
        """Outside the window a notice waits for the person's next message; the notice
        template tells them, once a day, that something waits."""
        template_name = self.config.notice_template
        if not template_name:
            return Delivery(ok=False, temporary=True, try_next=True, error=texts.NO_TEMPLATE)
        live = set(self.outbox.senders) - {CHANNEL} if self.outbox is not None else set()
        elsewhere = False
        if live:
            elsewhere = await asyncio.to_thread(
                self._reachable_elsewhere, identity.external_id, live
            )
        if elsewhere:  # another app of the person takes it now: better there than waiting
            return Delivery(ok=False, temporary=True, try_next=True, error=texts.WINDOW_CLOSED)
        if not await self._within_tier(identity.chat_id):
            return Delivery(ok=False, temporary=True, try_next=True, error=texts.TIER_REACHED)
        first = await asyncio.to_thread(self._mark_told, identity.chat_id)
        if first:
            body = template(template_name, self.config.template_language, (name or "Bapak/Ibu",))
            try:
                result = await self._send_one(
                    identity.chat_id,
                    Outgoing(body),
                    background=background,
                    kind=sent_messages.NOTICE,
                    template_name=template_name,
                )
            except _WindowClosed:
                result = Delivery(ok=False, temporary=True, try_next=True)
            if not (result.ok or result.unknown):
                await asyncio.to_thread(self._unmark_told, identity.chat_id)
                return result
        self._held.add(identity.external_id)
        return Delivery(ok=False, held=True)

    async def _within_tier(self, to: str) -> bool:
        """Whether a template to `to` stays within the messaging tier: people reached by a
        template in the last 24 hours, counted from what was sent (and this process's sends
        not yet recorded). Beyond it the message is left to the person's other channel, or to
        the next reminder day, and the admins are told once a day."""
        limit = self.config.messaging_limit
        if limit <= 0:
            return True
        async with self._tier_lock:  # reminders go out several at a time
            now = self.clock()
            if self._reached_at is None or now - self._reached_at > TIER_RECOUNT:
                self._reached = await asyncio.to_thread(self._reached_recently, now)
                self._reached_at = now
            recent = {k for k, at in self._reached.items() if now - at < WINDOW}
            if to in recent or len(recent) < limit:
                self._reached[to] = now
                return True
        ids = await asyncio.to_thread(self._tier_alert, limit)
        if ids and self.outbox is not None:
            self._spawn(self._drain(ids))
        return False

    def _reached_recently(self, now: datetime) -> dict[str, datetime]:
        with Session(self.engine) as session:
            rows = session.exec(
                select(SentMessage.chat_id, SentMessage.created_at).where(
                    SentMessage.channel == CHANNEL,
                    SentMessage.account == self.account,
                    col(SentMessage.template).is_not(None),
                    col(SentMessage.created_at) >= now - WINDOW,
                )
            ).all()
        reached: dict[str, datetime] = {}
        for chat_id, at in rows:
            reached[chat_id] = max(at, reached.get(chat_id, at))
        for chat_id, at in self._reached.items():  # sends not recorded yet
            reached[chat_id] = max(at, reached.get(chat_id, at))
        return reached

    def _tier_alert(self, limit: int) -> list[int]:
        now = self.clock()
        with transaction(self.engine) as session:
            if not chat_marks.mark_once(
                session=session,
                channel=CHANNEL,
                chat_id=self.account or "-",
                kind="wa_tier",
                now=now,
                lasts=WINDOW,
            ):
                return []
            log.warning("WhatsApp messaging tier of %s people a day reached", limit)
            return _to_admins(session, texts.TIER_ALERT.format(limit=limit), now)

    def _reachable_elsewhere(self, wa_id: str, channels: set[str]) -> bool:
        with Session(self.engine) as session:
            chat = _chat(session, wa_id)
            if chat is None:
                return False
            other = session.exec(
                select(ChatIdentity.id).where(
                    ChatIdentity.person_id == chat.person_id,
                    col(ChatIdentity.channel).in_(sorted(channels)),
                    col(ChatIdentity.unreachable_at).is_(None),
                )
            ).first()
            return other is not None

    def _read_contacts(self, wa_ids: Sequence[str]) -> list[tuple[str, datetime | None] | None]:
        """Each contact's name and when they last wrote, for a batch of sends."""
        with Session(self.engine) as session:
            rows = session.exec(
                select(ChatIdentity.external_id, Person.name, ChatIdentity.last_inbound_at)
                .join(ChatIdentity, col(ChatIdentity.person_id) == col(Person.id))
                .where(
                    ChatIdentity.channel == CHANNEL,
                    col(ChatIdentity.external_id).in_(sorted(set(wa_ids))),
                )
            ).all()
        found = {wa_id: (name, last) for wa_id, name, last in rows}
        return [found.get(wa_id) for wa_id in wa_ids]

    def _mark_told(self, chat_id: str) -> bool:
        with transaction(self.engine) as session:
            return chat_marks.mark_once(
                session=session,
                channel=CHANNEL,
                chat_id=chat_id,
                kind=NOTICE_TOLD,
                now=self.clock(),
                lasts=WINDOW,
            )

    def _unmark_told(self, chat_id: str) -> None:
        with transaction(self.engine) as session:
            chat_marks.forget(session=session, channel=CHANNEL, chat_id=chat_id, kind=NOTICE_TOLD)


def _payload(item: InboundMessage) -> dict[str, Any]:
    """What the inbox keeps to handle the message after a restart."""
    return {
        "message": item.message,
        "name": item.name,
        "business_id": item.business_id,
        "wa_id": item.wa_id,
        "account": item.account,
    }


def _from_payload(payload: dict[str, Any] | None, account: str) -> InboundMessage | None:
    """The message a row of the inbox keeps (`_payload`), to handle it after a restart."""
    if not payload or not isinstance(payload.get("message"), dict):
        return None
    message = payload["message"]
    business_id = payload.get("business_id")
    return InboundMessage(
        account=str(payload.get("account") or account),
        wa_id=str(payload.get("wa_id") or message.get("from") or ""),
        name=str(payload.get("name") or ""),
        business_id=str(business_id) if business_id else None,
        wamid=str(message.get("id") or ""),
        sent_at=moment(message.get("timestamp")),
        message=message,
    )


def _chat(session: Session, wa_id: str) -> ChatIdentity | None:
    return session.exec(
        select(ChatIdentity).where(
            ChatIdentity.channel == CHANNEL, ChatIdentity.external_id == wa_id
        )
    ).first()


def _to_admins(session: Session, text: str, now: datetime) -> list[int]:
    """A notice to every admin of every office this deployment serves (the WhatsApp number
    is the deployment's, not one office's)."""
    rows = []
    for org in organisations(session=session):
        if org.id is None:
            continue
        for person in admins(session=session, organisation_id=org.id):
            if person.id is not None:
                rows.append(
                    outbox.enqueue(session=session, person_id=person.id, text=text, now=now)
                )
    session.flush()
    return [r.id for r in rows if r.id is not None]
