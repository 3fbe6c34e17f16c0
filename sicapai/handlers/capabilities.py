"""What a channel's platform accepts, declared once by each adapter.

The core shapes every reply by these figures, never by one platform's constants: it merges
a turn's short texts up to the message length, splits a text that is too long at a line, sends
buttons beyond a message's share in follow-up messages, puts at most `buttons_per_row` in a
row, shortens labels, and sizes the pages of a list (`Turn.list_size`). Each adapter renders
the neutral markup (`handlers.texts.markup`) its own way, so lengths here count the characters
a person reads, which the markup's tags do not add to.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Capabilities:
    channel: str
    message_length: int  # characters of one text message
    caption_length: int  # characters under a photo or a document
    buttons_per_message: int
    buttons_per_row: int
    label_length: int  # characters of a button's label
    button_data_bytes: int  # bytes of what a button carries back (callback data, reply id)
    file_bytes: int  # the largest file a bot may fetch from the platform
    markup: str  # how the adapter renders texts: "html", "whatsapp", "plain"


# Where a channel has said nothing (a notice built from the database, a test's chat): figures
# every platform SiCapai speaks to accepts.
GENERIC = Capabilities(
    channel="",
    message_length=4000,
    caption_length=1000,
    buttons_per_message=100,
    buttons_per_row=8,
    label_length=64,
    button_data_bytes=64,
    file_bytes=20 * 1024 * 1024,
    markup="html",
)
