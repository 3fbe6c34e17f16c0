"""Meta's error codes, sorted by what the send path does about them.

The codes and their meanings are Meta's (mirrored in pywa's `errors.py`); the policy is ours:
a number-wide limit pauses every send, the pair rate delays one recipient, a closed window
turns a notice into a template, an undeliverable contact is marked unreachable, and
configuration errors (a token, a template) alert the admin and are left to retry later — a
person's other channel carries the message meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

THROUGHPUT = 130429  # the number's messages per second
PAIR_RATE = 131056  # too many messages to one person in a short time
WINDOW_CLOSED = 131047  # more than 24 hours since the person last wrote
UNDELIVERABLE = 131026  # not on WhatsApp, an old app, terms not accepted, blocked
TOKEN_EXPIRED = 190
APP_RATE = frozenset({4, 80007})
TEMPORARY = frozenset({1, 2, 131000, 131016})
QUALITY = frozenset({131048, 131064, 368, 131031})


class Policy(StrEnum):
    PAUSE_ALL = "pause_all"  # wait, then retry: every send from the number waits too
    PAUSE_ONE = "pause_one"  # wait at least six seconds for this recipient, then retry
    RETRY = "retry"  # temporary trouble: retry with a growing pause, a few times
    WINDOW = "window"  # send a template instead (reminders, notices), or drop (a late reply)
    UNREACHABLE = "unreachable"  # give up on this chat; the admin is told once
    ALERT = "alert"  # a configuration problem: alert the admin, try again later
    GIVE_UP = "give_up"  # a bug or a refusal that repeating will not change


@dataclass
class CloudApiError(Exception):
    """An error answer of the Graph API (or no usable answer at all: `code` 0)."""

    code: int
    http_status: int
    message: str = ""
    details: str = ""

    def __str__(self) -> str:
        return f"WhatsApp API error {self.code} (HTTP {self.http_status}): {self.message}"

    @property
    def policy(self) -> Policy:
        return policy(self.code, self.http_status)


def policy(code: int, http_status: int = 400) -> Policy:
    if code == THROUGHPUT or code in APP_RATE:
        return Policy.PAUSE_ALL
    if code == PAIR_RATE:
        return Policy.PAUSE_ONE
    if code == WINDOW_CLOSED:
        return Policy.WINDOW
    if code == UNDELIVERABLE:
        return Policy.UNREACHABLE
    if code == TOKEN_EXPIRED or 132000 <= code < 133000 or code in QUALITY:
        return Policy.ALERT
    if code in TEMPORARY or http_status >= 500 or code == 0:
        return Policy.RETRY
    return Policy.GIVE_UP
