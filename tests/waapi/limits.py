"""WhatsApp's numeric limits, and the small counters that enforce the rate rules.

Why it exists: the figures come from the design brief (`whatsapp-and-scale.md` §1.2 and §1.5)
and are what the real Cloud API enforces; putting them in one place keeps the validator and
the stand-in's rules from disagreeing. The counters take the time as a plain float argument so
the stand-in decides which clock drives them (see `StandInState.rate_now`).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

# --- message shapes (characters, counted in code points)
MAX_TEXT_BODY = 4096
MAX_BUTTON_BODY = 1024
MAX_LIST_BODY = 4096
MAX_HEADER = 60
MAX_FOOTER = 60
MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_BUTTON_ID = 256
MAX_LIST_BUTTON = 20
MAX_SECTIONS = 10
MAX_ROWS = 10  # across all sections
MAX_SECTION_TITLE = 24
MAX_ROW_TITLE = 24
MAX_ROW_DESCRIPTION = 72
MAX_ROW_ID = 200
MAX_CAPTION = 1024
MAX_TEMPLATE_BODY = 1024
MAX_QUICK_REPLIES = 10
MAX_QUICK_REPLY_TEXT = 25

# --- time rules (seconds)
WINDOW_SECONDS = 24 * 3600
MESSAGING_LIMIT_SECONDS = 24 * 3600
UPLOAD_TTL_SECONDS = 30 * 24 * 3600
INBOUND_MEDIA_TTL_SECONDS = 7 * 24 * 3600
DOWNLOAD_URL_TTL_SECONDS = 5 * 60


class RollingCount:
    """Events inside the last `window` seconds (throughput: inbound and outbound alike)."""

    def __init__(self, window: float = 1.0) -> None:
        self.window = window
        self._times: deque[float] = deque()

    def count(self, now: float) -> int:
        while self._times and self._times[0] <= now - self.window:
            self._times.popleft()
        return len(self._times)

    def add(self, now: float) -> None:
        self._times.append(now)


@dataclass
class TokenBucket:
    """`burst` tokens, one more every `per` seconds (the pair rate of one recipient)."""

    burst: int
    per: float
    tokens: float = -1.0
    last: float = 0.0

    def take(self, now: float) -> bool:
        if self.tokens < 0:
            self.tokens, self.last = float(self.burst), now
        elapsed = max(0.0, now - self.last)
        self.tokens = min(float(self.burst), self.tokens + elapsed / self.per)
        self.last = max(self.last, now)
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False

    def wait(self) -> float:
        """Seconds until the next token (for the refusal's details)."""
        return max(0.0, (1.0 - self.tokens) * self.per)


class UniqueRecipients:
    """Recipients reached outside their window in the last `window` seconds (messaging limit)."""

    def __init__(self, window: float = MESSAGING_LIMIT_SECONDS) -> None:
        self.window = window
        self._last: dict[str, float] = {}

    def active(self, now: float) -> set[str]:
        return {wa_id for wa_id, at in self._last.items() if at > now - self.window}

    def allows(self, wa_id: str, now: float, limit: int) -> bool:
        active = self.active(now)
        return wa_id in active or len(active) < limit

    def add(self, wa_id: str, now: float) -> None:
        self._last[wa_id] = now
