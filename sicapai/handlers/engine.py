"""Runs one turn of a conversation: find the person, load their dialog state, let the flow
act, store the new state, and hand back the replies — all in one database transaction.

Database work is synchronous SQLModel, so a turn never runs on the event loop: in a small
thread pool by default, or — for the running bot — in worker processes of their own
(`sicapai.handlers.turn_workers`), so that it does not share the loop's interpreter lock.

Buttons carry `<dialog>:<version>:<action>`; the version is the person's dialog-state version,
so a button from an older menu — even one sent before a restart — is recognised as stale and
answered instead of acted on.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlmodel import Session, col, select

from sicapai.handlers import texts
from sicapai.handlers.port import (
    Button,
    Event,
    EventKind,
    Identity,
    IncomingFile,
    Reply,
    StoredFile,
)
from sicapai.handlers.turn_workers import TurnsUnavailable, TurnWorkers
from sicapai.models import inbox, outbox
from sicapai.models.db import transaction
from sicapai.models.guards import Conflict, StaleState, is_unique_violation, seam
from sicapai.models.inbox import InboundUpdate
from sicapai.models.operations import DialogState, record_audit
from sicapai.models.organisation import ChatIdentity, Organisation, Person
from sicapai.models.people import identity_of, organisation_of
from sicapai.models.types import utcnow
from sicapai.reports.chart_specs import EmptyChart, chart_from_plain, chart_to_plain

if TYPE_CHECKING:
    from sicapai.reports.chart_worker import ChartRenderer

log = logging.getLogger(__name__)

TURN_WORKERS = 4  # bench/conversations: 2, 4 and 8 threads gave the same throughput
CALLBACK_LIMIT = 64  # bytes Telegram allows in callback data
MAX_FILE_BYTES = 20 * 1024 * 1024  # what a bot may download
SAFE_SUFFIX = re.compile(r"\.[a-z0-9]{1,10}")  # kept on a stored evidence file's name


@dataclass
class Draft:
    """A reply being built; button actions are encoded once the turn's version is known."""

    text: str
    buttons: list[list[tuple[str, str, str]]] = field(default_factory=list)  # label, dialog, action
    chart: object | None = None
    document: bytes | None = None
    filename: str | None = None


@dataclass
class Notice:
    """A message for someone other than the person talking (a superior, the admin)."""

    person_id: int
    text: str


class Turn:
    """Everything a flow needs for one event: the session, the person, their state, a clock."""

    def __init__(
        self,
        *,
        session: Session,
        identity: Identity,
        event: Event,
        person: Person | None,
        state: DialogState | None,
        now: datetime,
        app: Conversations,
    ) -> None:
        self.session = session
        self.identity = identity
        self.event = event
        self.person = person
        self.state = state  # also loads dialog, step and data (see the setter)
        self.now = now
        self.app = app
        self.drafts: list[Draft] = []
        self.notices: list[Notice] = []
        self.discarded: list[str] = []
        self.toast: str | None = None
        self.version: int | None = None  # the dialog version after the turn (set by finish)
        self._org: Organisation | None = None

    # --- who -------------------------------------------------------------------------
    @property
    def person_id(self) -> int:
        assert self.person is not None and self.person.id is not None
        return self.person.id

    @property
    def organisation(self) -> Organisation | None:
        if self._org is None and self.person is not None:
            self._org = organisation_of(session=self.session, person_id=self.person_id)
        return self._org

    @property
    def zone(self) -> ZoneInfo:
        org = self.organisation
        return ZoneInfo(org.timezone if org else self.app.default_timezone)

    def local_now(self) -> datetime:
        return self.now.astimezone(self.zone)

    # --- state -----------------------------------------------------------------------
    # A flow's moves are kept here and written to the DialogState row once, in `finish`:
    # a dirty row would make every later read of the turn flush first and would stop the
    # session from answering repeated reads from memory (`sicapai.models.memo`).
    @property
    def state(self) -> DialogState | None:
        return self._state

    @state.setter
    def state(self, state: DialogState | None) -> None:
        self._state = state
        self._dialog = state.dialog if state else None
        self._step = state.step if state else None
        self._data: dict[str, Any] = dict(state.data) if state and state.data else {}
        self._changed = False

    @property
    def dialog(self) -> str | None:
        return self._dialog

    @property
    def step(self) -> str | None:
        return self._step

    @property
    def data(self) -> dict[str, Any]:
        return dict(self._data)

    def goto(self, dialog: str, step: str, **data: Any) -> None:
        """Move to a step; `data` replaces the flow's data entirely."""
        self._dialog, self._step, self._data = dialog, step, dict(data)
        self._changed = True

    def set_step(self, step: str, **updates: Any) -> None:
        """Move within the current flow, keeping its data (plus `updates`)."""
        self._step = step
        self._data = {**self._data, **updates}
        self._changed = True

    def clear(self) -> None:
        """Leave any flow."""
        self._dialog, self._step, self._data = None, None, {}
        self._changed = True

    def become(self, person: Person) -> None:
        """The turn now speaks for `person` (they just registered): their stored state, if
        they had one, is the one this turn moves on from."""
        self.person = person
        self._org = None
        self.state = self.session.get(DialogState, self.person_id)

    def _store_state(self) -> int:
        """Write the moves of this turn as the next version, if the state is still the one
        this turn started from (compare-and-set); the version is what buttons will carry.

        Two turns of one person can only race across processes or channels; the loser raises
        `StaleState` and the engine runs it again on the fresh state.
        """
        seam("store_state")
        seen = self._state
        values = {
            "dialog": self._dialog,
            "step": self._step,
            "data": dict(self._data),
            "updated_at": self.now,
        }
        if seen is None:  # a first state: an insert that must not conflict
            state = DialogState(person_id=self.person_id, version=1, **values)
            self.session.add(state)
            self.session.flush()  # a concurrent first state fails here, on the primary key
            self._state = state
            return 1
        result = self.session.execute(
            update(DialogState)
            .where(
                col(DialogState.person_id) == seen.person_id,
                col(DialogState.version) == seen.version,
            )
            .values(version=seen.version + 1, **values)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) != 1:
            raise StaleState(f"dialog state of person {seen.person_id} moved")
        return seen.version + 1

    # --- replies ---------------------------------------------------------------------
    def say(
        self,
        text: str,
        buttons: list[list[tuple[str, str]]] | None = None,
        *,
        dialog: str | None = None,
    ) -> None:
        """Queue an HTML message; buttons are (label, action) rows owned by `dialog`."""
        owner = dialog or self._dialog or "m"
        rows = [[(label, owner, action) for label, action in row] for row in buttons or []]
        self.drafts.append(Draft(text, rows))

    def say_chart(self, chart: object, caption: str) -> None:
        """Queue a chart image; it is drawn after the turn, off the event loop."""
        self.drafts.append(Draft(caption, [], chart))

    def say_document(self, content: bytes, filename: str, caption: str) -> None:
        self.drafts.append(Draft(caption, [], None, content, filename))

    def notify(self, person_id: int, text: str) -> None:
        """A message for someone else, kept in the outbox with this turn's writes."""
        self.notices.append(Notice(person_id, text))

    def discard(self, stored: StoredFile) -> None:
        """A downloaded file the flow does not keep (a duplicate): deleted after the turn."""
        self.discarded.append(stored.path)

    def audit(self, action: str, entity: str, entity_id: int | None, **detail: Any) -> None:
        org = self.organisation
        record_audit(
            self.session,
            org.id if org else None,
            self.person.id if self.person else None,
            action,
            entity,
            entity_id,
            self.now,
            **detail,
        )

    # --- finishing -------------------------------------------------------------------
    def finish(self) -> list[Reply]:
        """Store the state (a new version if it changed) and encode every button."""
        version = self._state.version if self._state else 0
        if self._changed:
            version = self._store_state()
        self.version = version if self._state is not None else None
        replies = []
        for draft in merge_drafts(self.drafts):
            rows = [
                [
                    Button(label, encode_button(dialog, version, action))
                    for label, dialog, action in row
                ]
                for row in draft.buttons
            ]
            replies.append(
                Reply(
                    text=draft.text,
                    buttons=rows,
                    chart=draft.chart,
                    document=draft.document,
                    filename=draft.filename,
                )
            )
        if replies and self.toast:
            replies[0].answer = self.toast
        elif self.toast:
            replies.append(Reply(answer=self.toast))
        return replies


REPLIED_BATCH_SECONDS = 0.5
MERGE_LIMIT = 3800  # stay clear of Telegram's 4096 characters


def merge_drafts(drafts: list[Draft]) -> list[Draft]:
    """Join a text without buttons to the text after it, when both fit in one message.

    "Realisasi 90%, capaian 90%" followed by "Apa kendalanya?" reads better as one message,
    and every message saved is one fewer against Telegram's 30 messages a second when
    hundreds of people report in the same minutes.
    """
    merged: list[Draft] = []
    for draft in drafts:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and not previous.buttons
            and previous.chart is None
            and previous.document is None
            and draft.chart is None
            and draft.document is None
            and previous.text
            and draft.text
            and len(previous.text) + 2 + len(draft.text) <= MERGE_LIMIT
        ):
            merged[-1] = Draft(f"{previous.text}\n\n{draft.text}", draft.buttons, None, None, None)
        else:
            merged.append(draft)
    return merged


def encode_button(dialog: str, version: int, action: str) -> str:
    data = f"{dialog}:{version}:{action}"
    if len(data.encode()) > CALLBACK_LIMIT:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def decode_button(data: str) -> tuple[str, int, str] | None:
    """(dialog, version, action), or None for data we never made."""
    parts = data.split(":", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    return parts[0], int(parts[1]), parts[2]


@dataclass(frozen=True)
class FileRule:
    """Which files a step takes, and what to say about any other file."""

    mime_types: frozenset[str]
    suffixes: frozenset[str] = frozenset()
    photos: bool = True
    refusal: str = texts.FILE_WRONG_TYPE

    def allows(self, incoming: IncomingFile) -> bool:
        if incoming.is_photo:
            return self.photos
        if (incoming.mime_type or "") in self.mime_types:
            return True
        return Path(incoming.name).suffix.lower() in self.suffixes


EVIDENCE_FILES = FileRule(texts.EVIDENCE_MIME_TYPES, frozenset({".pdf", ".jpg", ".jpeg", ".png"}))


@dataclass
class TurnResult:
    replies: list[Reply]
    notices: list[tuple[Identity | None, Reply]] = field(default_factory=list)
    notice_ids: list[int] = field(default_factory=list)  # outbox rows this turn queued
    inbound_id: int | None = None  # inbox row to mark replied once the replies are out
    repeat: bool = False  # a redelivered update: nothing was done again


class Conversations:
    """The product's conversations, independent of any channel."""

    def __init__(
        self,
        engine: Engine,
        *,
        files_dir: Path,
        clock: Callable[[], datetime] = utcnow,
        default_timezone: str = "Asia/Makassar",
        bot_username: str | None = None,
        year: int | None = None,
        charts: ChartRenderer | None = None,
        turn_processes: int = 0,
    ) -> None:
        self.engine = engine
        # Turns get a small pool of their own: a turn is mostly CPU under one GIL, so more
        # threads would not make them faster, and reminder planning in the default executor
        # never waits behind a queue of turns.
        self._turns = ThreadPoolExecutor(TURN_WORKERS, thread_name_prefix="turn")
        self.charts = charts
        self.files_dir = files_dir
        self.clock = clock
        self.default_timezone = default_timezone
        self.bot_username = bot_username
        self.year = year
        from sicapai.handlers import router  # local: router imports flows that import us
        from sicapai.handlers.registrasi import AttemptLimiter

        self.router = router
        self.invite_attempts = AttemptLimiter()
        self.groups_told: set[str] = set()
        self._replied: set[int] = set()  # inbox rows whose replies went out, to be marked
        self._replied_flush: asyncio.Task[None] | None = None
        # last: the workers copy the settings above
        self.workers = TurnWorkers(self, turn_processes) if turn_processes else None

    async def start(self) -> None:
        """Spawn and warm the turn workers, if any; without processes, turns use threads."""
        if self.workers is None:
            return
        try:
            await self.workers.start()
        except (OSError, ImportError, NotImplementedError, BrokenProcessPool) as exc:
            log.warning("turn worker processes unavailable (%s); using threads", exc)
            workers, self.workers = self.workers, None
            await workers.close()

    async def handle(self, identity: Identity, event: Event) -> TurnResult:
        """One turn; a file is downloaded only when the person's current step asks for one."""
        event = _without_nul(event)
        if event.kind == EventKind.FILE and event.file is not None:
            try:
                wanted = await asyncio.to_thread(self._step_accepts_file, identity)
            except (OperationalError, DBAPIError):
                log.exception("database unavailable")
                return TurnResult([Reply(texts.DATABASE_DOWN)])
            if wanted is not None:
                stored = await self._download(event, wanted)
                if isinstance(stored, Reply):
                    return TurnResult([stored])
                event = replace(event, stored=stored)
        # the download is done: what is left of the file (its stored copy) pickles
        event = replace(event, file=None)
        now = self.clock()
        try:
            if self.workers is not None:
                result = await self.workers.run(identity, event, now)
            else:
                loop = asyncio.get_running_loop()
                result = await loop.run_in_executor(
                    self._turns, self.run_turn, identity, event, now
                )
        except (OperationalError, DBAPIError):
            log.exception("database unavailable during a turn")
            return TurnResult([Reply(texts.DATABASE_DOWN)])
        except TurnsUnavailable:  # logged by the workers with the worker's traceback
            return TurnResult([Reply(texts.DATABASE_DOWN)])
        for reply in result.replies:
            if reply.chart is not None:
                await self._draw(reply)
        return result

    async def replied(self, result: TurnResult) -> None:
        """The channel delivered a turn's replies: a redelivery of its update sends nothing.

        Marks are written in batches (one UPDATE for every reply sent in the last half
        second): a mark lost in a crash only means a redelivered update would ask its
        question once more, while a transaction per update would cost every turn a commit.
        """
        if result.inbound_id is None:
            return
        self._replied.add(result.inbound_id)
        if self._replied_flush is None or self._replied_flush.done():
            self._replied_flush = asyncio.create_task(self._flush_later())

    async def _flush_later(self) -> None:
        await asyncio.sleep(REPLIED_BATCH_SECONDS)
        await self.flush_replied()

    async def flush_replied(self) -> None:
        """Write the marks collected so far (also on shutdown)."""
        ids, self._replied = self._replied, set()
        if not ids:
            return
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._turns, self._mark_replied, ids)
        except (OperationalError, DBAPIError):
            # only costs a repeated prompt if one of these updates comes again
            log.warning("could not record that replies were sent", exc_info=True)

    def _mark_replied(self, ids: set[int]) -> None:
        with transaction(self.engine) as session:
            inbox.mark_replied(session=session, ids=sorted(ids), now=self.clock())

    async def close(self) -> None:
        """Release the turn threads and workers and the chart workers, if any were started."""
        if self._replied_flush is not None and not self._replied_flush.done():
            self._replied_flush.cancel()
        await self.flush_replied()
        self._turns.shutdown(wait=False)
        if self.workers is not None:
            await self.workers.close()
        if self.charts is not None:
            await self.charts.close()

    async def _draw(self, reply: Reply) -> None:
        """Render a chart reply into PNG bytes, or turn it into a friendly "no data" text."""
        if self.charts is None:
            # matplotlib is imported only by the process that draws, and only when it must
            from sicapai.reports.chart_worker import ChartRenderer

            self.charts = ChartRenderer(mode="thread")
        try:
            reply.photo = await self.charts.render(reply.chart)  # type: ignore[arg-type]
        except EmptyChart as empty:
            reply.text = str(empty)
        reply.chart = None

    def expects_menu_choice(self, identity: Identity) -> bool:
        """Whether the person's current step waits for a button rather than typed input."""
        with Session(self.engine) as session:
            chat = identity_of(
                session=session, channel=identity.channel, external_id=identity.external_id
            )
            if chat is None:
                return True
            return not self.router.expects_typing(session.get(DialogState, chat.person_id))

    def _step_accepts_file(self, identity: Identity) -> FileRule | None:
        """The kind of file the person's current step wants, or None if it wants none.

        Only the person's private chat is where a step waits: a file they share in a group
        is never downloaded into the evidence folder.
        """
        if not identity.private:
            return None
        with Session(self.engine) as session:
            chat = identity_of(
                session=session, channel=identity.channel, external_id=identity.external_id
            )
            if chat is None:
                return None
            state = session.get(DialogState, chat.person_id)
            return self.router.file_rule(state)

    async def _download(self, event: Event, rule: FileRule) -> StoredFile | Reply:
        incoming = event.file
        assert incoming is not None
        if incoming.size is not None and incoming.size > MAX_FILE_BYTES:
            return Reply(texts.FILE_TOO_BIG)
        if incoming.size == 0:
            return Reply(texts.FILE_EMPTY)
        if not rule.allows(incoming):
            return Reply(rule.refusal)
        self.files_dir.mkdir(parents=True, exist_ok=True)
        suffix = Path(incoming.name).suffix.lower()
        if not SAFE_SUFFIX.fullmatch(suffix):  # a NUL, or 200 characters after a dot: no type
            suffix = ".jpg" if incoming.is_photo else ""
        target = self.files_dir / f"{utcnow():%Y%m%d%H%M%S}-{secrets.token_hex(6)}{suffix}"
        try:
            await incoming.download(target)
        except Exception:  # the channel failed to deliver the file: say so, keep the step
            log.exception("evidence download failed")
            target.unlink(missing_ok=True)
            return Reply(texts.FILE_DOWNLOAD_FAILED)
        digest, size = await asyncio.to_thread(_checksum, target)
        if size > MAX_FILE_BYTES or size == 0:
            target.unlink(missing_ok=True)
            return Reply(texts.FILE_TOO_BIG if size else texts.FILE_EMPTY)
        mime = incoming.mime_type[:100] if incoming.mime_type else incoming.mime_type
        return StoredFile(str(target), safe_file_name(incoming.name), mime, size, digest)

    # --- one turn ------------------------------------------------------------------------
    def run_turn(self, identity: Identity, event: Event, now: datetime) -> TurnResult:
        """One turn in one transaction, on whichever thread or process runs it; `now` comes
        from the caller, so a worker process keeps to the bot's clock.

        A turn that lost a race is never half applied: when the person's dialog state moved
        under it, or a unique key tells that someone else inserted the same thing first, it
        is rolled back and run once more on the fresh state; when a decision finds that what
        the person saw is no longer true (`Conflict`), it is rolled back and the flow tells
        the person what changed, on fresh data.
        """
        for _attempt in range(2):
            try:
                return self._attempt(identity, event, now)
            except StaleState:
                log.info("a turn raced another of the same person; running it again")
            except IntegrityError as exc:
                if not is_unique_violation(exc):
                    raise
                log.info("a turn raced an insert of the same key; running it again")
            except Conflict as conflict:
                return self._recover(identity, event, now, conflict)
        return self._recover(identity, event, now, None)

    def _attempt(self, identity: Identity, event: Event, now: datetime) -> TurnResult:
        with transaction(self.engine) as session:
            person, state, chat, seen = _who_and_where(session, identity, event.inbound_id)
            if seen is not None:
                return _repeat(seen, state)
            if chat is not None and chat.unreachable_at is not None:
                _reachable_again(session, chat)
            turn = Turn(
                session=session,
                identity=identity,
                event=event,
                person=person,
                state=state,
                now=now,
                app=self,
            )
            self.router.dispatch(turn)
            result = self._finish(session, turn)
        self._drop_discarded(turn)
        return result

    def _recover(
        self, identity: Identity, event: Event, now: datetime, conflict: Conflict | None
    ) -> TurnResult:
        """A fresh transaction in which the flow explains what changed (or, after a second
        lost race, the person is asked to send again); the event is not acted on."""
        with transaction(self.engine) as session:
            person, state, _chat, _seen = _who_and_where(session, identity, "")
            turn = Turn(
                session=session,
                identity=identity,
                event=event,
                person=person,
                state=state,
                now=now,
                app=self,
            )
            self.router.recover(turn, conflict)
            return self._finish(session, turn)

    def _finish(self, session: Session, turn: Turn) -> TurnResult:
        """Store the state, queue the notices and record the update, with the turn's writes."""
        replies = turn.finish()
        notices: list[tuple[Identity | None, Reply]] = []
        queued: list[outbox.OutboxMessage] = []
        for notice in turn.notices:
            queued.append(
                outbox.enqueue(
                    session=session, person_id=notice.person_id, text=notice.text, now=turn.now
                )
            )
            notices.append(
                (self.router.identity_for(session, notice.person_id), Reply(notice.text))
            )
        inbound_id = None
        if turn.event.inbound_id:
            row = inbox.record(
                session=session,
                channel=turn.identity.channel,
                account=turn.identity.account,
                external_id=turn.event.inbound_id,
                sender_id=turn.identity.external_id,
                person_id=turn.person.id if turn.person else None,
                state_version=turn.version,
                replies=[reply_to_plain(r) for r in replies],
                now=turn.now,
            )
            inbound_id = row.id
        elif queued:
            session.flush()
        return TurnResult(
            replies,
            notices,
            [q.id for q in queued if q.id is not None],
            inbound_id,
        )

    def _drop_discarded(self, turn: Turn) -> None:
        for path in turn.discarded:
            Path(path).unlink(missing_ok=True)


def _repeat(seen: InboundUpdate, state: DialogState | None) -> TurnResult:
    """A redelivered update: no effect. If its replies never reached the platform and nothing
    moved since, they are sent again, so the person is not left without an answer."""
    if seen.replied_at is not None:
        return TurnResult([], repeat=True)
    current = state.version if state is not None else None
    if current != seen.state_version:
        return TurnResult([], repeat=True)  # a later turn's replies are the current ones
    return TurnResult([reply_from_plain(r) for r in seen.replies], inbound_id=seen.id, repeat=True)


def reply_to_plain(reply: Reply) -> dict[str, Any]:
    """A reply as JSON-ready data, kept with the update it answers (for a re-send)."""
    plain: dict[str, Any] = {
        "text": reply.text,
        "buttons": [[{"label": b.label, "data": b.data} for b in row] for row in reply.buttons],
    }
    if reply.chart is not None:
        plain["chart"] = chart_to_plain(reply.chart)  # type: ignore[arg-type]
    if reply.document is not None:
        plain["document"] = reply.filename or "berkas"
    if reply.answer:
        plain["answer"] = reply.answer
    return plain


def reply_from_plain(plain: dict[str, Any]) -> Reply:
    text = str(plain.get("text") or "")
    if plain.get("document"):  # the bytes are not kept: say how to get the file again
        text = "\n\n".join(t for t in (text, texts.RESEND_DOCUMENT) if t)
    return Reply(
        text=text,
        buttons=[
            [Button(str(b["label"]), str(b["data"])) for b in row]
            for row in plain.get("buttons") or []
        ],
        chart=chart_from_plain(plain["chart"]) if plain.get("chart") is not None else None,
        answer=plain.get("answer"),
    )


def _who_and_where(
    session: Session, identity: Identity, inbound_id: str
) -> tuple[Person | None, DialogState | None, ChatIdentity | None, InboundUpdate | None]:
    """The person behind a chat, their dialog state, the chat's record and — if this update
    was handled before — its record: one statement, because every turn asks."""
    statement = (
        select(Person, DialogState, ChatIdentity)
        .join(ChatIdentity, col(ChatIdentity.person_id) == col(Person.id))
        .outerjoin(DialogState, col(DialogState.person_id) == col(Person.id))
        .where(
            ChatIdentity.channel == identity.channel,
            ChatIdentity.external_id == identity.external_id,
        )
    )
    if not inbound_id:
        row = session.exec(statement).first()
        return (row[0], row[1], row[2], None) if row else (None, None, None, None)
    found = session.exec(
        statement.add_columns(InboundUpdate).outerjoin(
            InboundUpdate,
            (col(InboundUpdate.channel) == identity.channel)
            & (col(InboundUpdate.account) == identity.account)
            & (col(InboundUpdate.external_id) == inbound_id),
        )
    ).first()
    if found is not None:
        return found[0], found[1], found[2], found[3]
    # a stranger (no chat record yet): the update may still have been handled before
    seen = inbox.find(
        session=session, channel=identity.channel, account=identity.account, external_id=inbound_id
    )
    return None, None, None, seen


def _reachable_again(session: Session, chat: ChatIdentity) -> None:
    """The person wrote on this channel: whatever refused delivery there is over."""
    session.execute(
        update(ChatIdentity)
        .where(col(ChatIdentity.id) == chat.id)
        .values(unreachable_at=None)
        .execution_options(synchronize_session=False)
    )
    chat.unreachable_at = None


UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]")


def safe_file_name(name: str) -> str:
    """The base name a person's file is shown by: no folders (`../../etc/passwd.pdf` is
    `passwd.pdf`), no control characters, nothing a table cannot hold."""
    base = re.split(r"[\\/]", name)[-1]
    base = UNSAFE_NAME.sub("", base).strip().lstrip(".").strip()
    return base[:255] or "berkas"


def _without_nul(event: Event) -> Event:
    """PostgreSQL text cannot hold a NUL character (SQLite can). Nobody types one on purpose,
    and one kept in a dialog would make every save fail with "sedang ada gangguan"."""
    if "\x00" not in event.text and "\x00" not in event.args:
        return event
    return replace(event, text=event.text.replace("\x00", ""), args=event.args.replace("\x00", ""))


def _checksum(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size
