"""What a conversation flow works with: one `Turn` per incoming event, and its tools.

A flow reads the person, their dialog state and the event from the turn, queues replies
(`say`), notices to others (`notify`) and audit entries, and moves the state (`goto`,
`set_step`, `clear`). Nothing is sent or stored by the flow itself: the runtime
(`sicapai.runtime.turns`) writes the state, the notices and the record of the update with the
flow's own writes in one transaction, and only then are the replies sent.

Buttons carry `<dialog>:<version>:<action>`; the version is the person's dialog-state version,
so a button from an older menu — even one sent before a restart — is recognised as stale and
answered instead of acted on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import Session, col

from sicapai.handlers import texts
from sicapai.handlers.port import Event, Identity, IncomingFile, Reply, StoredFile
from sicapai.handlers.shaping import Draft, shape
from sicapai.models.guards import StaleState, seam
from sicapai.models.operations import DialogState, record_audit
from sicapai.models.organisation import Organisation, Person
from sicapai.models.people import is_admin, organisation_of
from sicapai.reports.chart_specs import Chart


class TurnSettings(Protocol):
    """What a flow may know of the running system: its settings. Anything a flow keeps lives
    in the database (`turn.session`), so every process and every restart sees the same."""

    @property
    def default_timezone(self) -> str: ...

    @property
    def bot_username(self) -> str | None: ...

    @property
    def year(self) -> int | None: ...

    @property
    def evidence_bytes(self) -> int: ...


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
        app: TurnSettings,
    ) -> None:
        self.session = session
        self.identity = identity
        self.event = event
        self.person = person
        self.state = state  # also loads dialog, step and data (see the setter)
        self.now = now
        self.app = app
        self.caps = identity.capabilities  # what the channel's platform accepts
        self.drafts: list[Draft] = []
        self.notices: list[Notice] = []
        self.discarded: list[str] = []
        self.toast: str | None = None
        self.menu_changed = False  # the turn changed who is an admin (their command menu)
        self.version: int | None = None  # the dialog version after the turn (set by finish)
        self._org: Organisation | None = None
        # what entering a step forgets, from the flows' declarations (set by the router)
        self.clears_on_entry: Callable[[str | None, str | None], tuple[str, ...]] = _no_clears

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

    def is_admin(self) -> bool:
        """Whether the person is an admin of the office they work for."""
        org = self.organisation
        return org is not None and is_admin(
            session=self.session, person_id=self.person_id, organisation_id=org.id
        )

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
        """Move within the current flow, keeping its data (plus `updates`); entering another
        step first forgets what that step's declaration `clears`."""
        cleared = (
            dict.fromkeys(self.clears_on_entry(self._dialog, step)) if step != self._step else {}
        )
        self._step = step
        self._data = {**self._data, **cleared, **updates}
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
        values: dict[str, Any] = {
            "dialog": self._dialog,
            "step": self._step,
            "data": dict(self._data),
            "updated_at": self.now,
        }
        if seen is None:  # a first state: an insert that must not conflict
            state = DialogState(
                person_id=self.person_id,
                version=1,
                dialog=self._dialog,
                step=self._step,
                data=dict(self._data),
                updated_at=self.now,
            )
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

    def evidence_mb(self) -> int:
        """The largest evidence file this person may send here, in whole MB: the product's
        setting, within what the channel's platform lets a bot fetch."""
        return max(1, min(self.app.evidence_bytes, self.caps.file_bytes) // (1024 * 1024))

    def list_size(self, wanted: int, reserved: int = 3) -> int:
        """Items on one page of a button list on this channel: `wanted`, or fewer where a
        message takes fewer buttons (`reserved` for the page buttons beside them: previous,
        next and Batal — seven items and those three fill a WhatsApp list's ten rows)."""
        return max(1, min(wanted, self.caps.buttons_per_message - reserved))

    # --- replies ---------------------------------------------------------------------
    def say(
        self,
        text: str,
        buttons: list[list[tuple[str, str]]] | None = None,
        *,
        dialog: str | None = None,
    ) -> None:
        """Queue a message in the core's markup (`texts/markup.py`); buttons are (label,
        action) rows owned by `dialog`."""
        owner = dialog or self._dialog or "m"
        rows = [[(label, owner, action) for label, action in row] for row in buttons or []]
        self.drafts.append(Draft(text, rows))

    def say_chart(self, chart: Chart, caption: str) -> None:
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
        replies = shape(
            self.drafts,
            self.caps,
            lambda dialog, action: encode_button(dialog, version, action),
        )
        if replies and self.toast:
            replies[0].answer = self.toast
        elif self.toast:
            replies.append(Reply(answer=self.toast))
        return replies


def _no_clears(dialog: str | None, step: str | None) -> tuple[str, ...]:
    return ()


def encode_button(dialog: str, version: int, action: str) -> str:
    return f"{dialog}:{version}:{action}"


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
