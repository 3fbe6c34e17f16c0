"""What Meta keeps for one business phone number, and the clock every rule reads.

Why it exists: the Graph side (`graph`) and the webhook side (`users`) read and change the same
things — the 24-hour window of each user (opened by the webhooks the stand-in posts, checked by
the sends it answers), the throughput budget (inbound and outbound alike), the records tests
inspect. `StandInState` owns that state so each side can subclass it without importing the
other.

Two clocks drive the rules:

- `now()`, the stand-in clock: the injected `clock` (aware UTC) or real time, plus `offset`
  (moved by `advance`). Windows, the messaging limit, media expiry and webhook timestamps use it.
- `rate_now()`, for the sub-second rules (throughput, pair rate): real monotonic time, plus
  `offset`, plus however far an injected clock has been moved since construction. A frozen test
  clock therefore does not freeze the rolling second — the bot's own send gate paces itself in
  real time — while moving either clock still moves the rate rules too.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from .errors import SPAM_RATE, GraphError
from .limits import WINDOW_SECONDS, RollingCount, TokenBucket, UniqueRecipients
from .media import MediaStore
from .records import Refusal, SentMessage, Template, UploadedMedia
from .webhooks import WebhookPoster, sign


class StandInState:
    """The state and records shared by the Graph side and the webhook side."""

    # Meta documents no code for the messaging-limit tier; the stand-in answers with this one.
    MESSAGING_LIMIT_CODE = SPAM_RATE
    # Upload limits; class attributes so a test can shrink them (on the class or an instance).
    MAX_IMAGE_BYTES = 5 * 1024 * 1024
    MAX_DOCUMENT_BYTES = 100 * 1024 * 1024
    # Refuse image uploads whose bytes are not a JPEG/PNG, as Meta does.
    CHECK_IMAGE_BYTES = True
    # The business number users see (the `from` of interactive replies' context).
    DISPLAY_PHONE_NUMBER = "6281100000000"
    # Pause before the first status webhook of a send, so it normally follows the HTTP answer.
    STATUS_DELAY = 0.01

    def __init__(
        self,
        *,
        token: str = "wa-test-token",
        phone_number_id: str = "100200300",
        waba_id: str = "900800700",
        app_secret: str = "wa-app-secret",
        verify_token: str = "wa-verify-token",
        version: str = "v23.0",
        clock: Callable[[], datetime] | None = None,
        mps: int | None = None,
        pair_rate: tuple[int, float] | None = None,
        messaging_limit: int | None = None,
        webhook_timeout: float = 10.0,
        redelivery_delays: tuple[float, ...] = (0.2, 0.5, 1.0, 2.0),
        statuses: bool = True,
        strict_no_html: bool = True,
    ) -> None:
        self.token = token
        self.phone_number_id = phone_number_id
        self.waba_id = waba_id
        self.app_secret = app_secret
        self.verify_token = verify_token
        self.version = version
        self.mps = mps
        self.pair_rate = pair_rate
        self.messaging_limit = messaging_limit
        self.statuses = statuses
        self.strict_no_html = strict_no_html
        self.offset = 0.0
        self._clock = clock
        self._clock_origin = clock() if clock is not None else None
        self._poster = WebhookPoster(app_secret, webhook_timeout, tuple(redelivery_delays))

        # Records tests read.
        self.sent: list[SentMessage] = []
        self.refused: list[Refusal] = []
        self.status_log: list[dict[str, Any]] = []
        self.media_uploads: dict[str, UploadedMedia] = {}
        self.read_marks: list[str] = []  # wamids the bot marked as read

        # What Meta keeps.
        self._media = MediaStore()
        self._templates: dict[tuple[str, str], Template] = {}
        self._last_inbound: dict[str, datetime] = {}
        self._throughput = RollingCount(1.0)
        self._pairs: dict[str, TokenBucket] = {}
        self._reached = UniqueRecipients()
        self._unreachable: set[str] = set()
        self._inbound: dict[str, dict[str, Any]] = {}  # wamid -> the user's message object
        self._bodies: dict[str, bytes] = {}  # wamid -> the exact webhook body that carried it
        self._profiles: dict[str, tuple[str, str | None]] = {}  # wa_id -> (name, bsuid)
        self._next_template_id = 1_200_000_000_000_000 + secrets.randbelow(10**12)

        # Faults and toggles a test arms.
        self._faults: list[tuple[int, int, list[int]]] = []  # (code, http status, [times left])
        self._delays: list[float] = []
        self._token_revoked = False
        self._reorder_next = False
        self._fail_after_delivered: int | None = None
        self._duplicate_next = False
        self._drop_next = False
        self._batch_left = 0
        self._batch: list[tuple[dict[str, Any], dict[str, Any]]] = []

        self._sent_event: asyncio.Event | None = None
        self._stop_event: asyncio.Event | None = None

    # ------------------------------------------------------------------ clocks

    def now(self) -> datetime:
        """The stand-in clock (aware UTC)."""
        base = self._clock() if self._clock is not None else datetime.now(UTC)
        return base + timedelta(seconds=self.offset)

    def rate_now(self) -> float:
        """Seconds on the clock of the throughput and pair-rate rules (see the module doc)."""
        moment = time.monotonic() + self.offset
        if self._clock is not None and self._clock_origin is not None:
            moment += (self._clock() - self._clock_origin).total_seconds()
        return moment

    def advance(self, seconds: float) -> None:
        """Move the stand-in clock (also on top of an injected clock, for convenience)."""
        self.offset += seconds

    # ------------------------------------------------------------------ inspection

    def messages_to(self, wa_id: str) -> list[SentMessage]:
        return [m for m in self.sent if m.to == wa_id]

    def count(self, code: int) -> int:
        """How many refusals carried this error code."""
        return sum(1 for refusal in self.refused if refusal.code == code)

    async def wait_for(
        self,
        predicate: Callable[[SentMessage], bool],
        timeout: float = 10,  # noqa: ASYNC109 - the documented test-helper signature
        *,
        since: int = 0,
    ) -> SentMessage:
        """The first accepted send from index `since` on that matches, waiting if need be."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        index = since
        while True:
            while index < len(self.sent):
                message = self.sent[index]
                index += 1
                if predicate(message):
                    return message
            remaining = deadline - loop.time()
            if remaining <= 0:
                shown = "; ".join(m.summary() for m in self.sent[since:][-8:]) or "nothing"
                refused = "; ".join(f"{r.code}->{r.to}: {r.reason}" for r in self.refused[-4:])
                raise AssertionError(
                    f"no matching message within {timeout}s; sent since #{since}: {shown}"
                    + (f"; last refusals: {refused}" if refused else "")
                )
            if self._sent_event is None:
                self._sent_event = asyncio.Event()
            event = self._sent_event
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                pass

    # ------------------------------------------------------------------ shared rules

    def window_open(self, wa_id: str) -> bool:
        """Whether the 24-hour customer-service window of this user is open now."""
        last = self._last_inbound.get(wa_id)
        return last is not None and (self.now() - last).total_seconds() <= WINDOW_SECONDS

    def note_inbound(self, wa_id: str) -> None:
        """A user message: it (re)opens the window and uses the throughput budget."""
        self._last_inbound[wa_id] = self.now()
        self._throughput.add(self.rate_now())

    def refuse(self, error: GraphError, to: str | None) -> None:
        self.refused.append(Refusal(error.code, to, error.details))

    @staticmethod
    def new_wamid() -> str:
        return "wamid.HBgN" + secrets.token_urlsafe(30).replace("-", "A").replace("_", "B")

    def new_template_id(self) -> str:
        self._next_template_id += 1 + secrets.randbelow(97)
        return str(self._next_template_id)

    def signature(self, body: bytes) -> str:
        """`sha256=<hex hmac_sha256(app_secret, body)>` — what Meta puts in X-Hub-Signature-256."""
        return sign(self.app_secret, body)

    def _after_send(self, sent: SentMessage, category: str) -> None:
        """Schedule the status webhooks of an accepted send (the webhook side overrides it)."""

    def _fire_sent(self) -> None:
        event, self._sent_event = self._sent_event, None
        if event is not None:
            event.set()

    async def _pause(self, seconds: float) -> None:
        """Sleep, but not past stop(), so shutdown never waits on an injected delay."""
        if self._stop_event is None:
            self._stop_event = asyncio.Event()
        try:
            await asyncio.wait_for(self._stop_event.wait(), seconds)
        except TimeoutError:
            pass

    # ------------------------------------------------------------------ webhook settings

    @property
    def webhook_timeout(self) -> float:
        return self._poster.timeout

    @webhook_timeout.setter
    def webhook_timeout(self, value: float) -> None:
        self._poster.timeout = value

    @property
    def redelivery_delays(self) -> tuple[float, ...]:
        return self._poster.delays

    @redelivery_delays.setter
    def redelivery_delays(self, value: tuple[float, ...]) -> None:
        self._poster.delays = tuple(value)

    @property
    def callback_url(self) -> str | None:
        return self._poster.callback_url

    @property
    def webhook_log(self) -> list[tuple[int, dict[str, Any]]]:
        """(HTTP status the bot answered — 0 for no answer — , payload) of every POST made."""
        return self._poster.log

    @property
    def undelivered(self) -> list[dict[str, Any]]:
        """Payloads given up on after the last redelivery."""
        return self._poster.undelivered
