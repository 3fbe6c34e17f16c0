"""A turn's drafts fitted to the channel they go out on (`handlers.capabilities`).

Flows write what they mean — a text, its buttons in rows — and never count characters or
buttons for a platform. Here, once per turn: short texts are merged (one message fewer against
a platform's sending budget when hundreds report at once), a text too long is split at a line,
labels are shortened, rows are cut to the row width, and buttons beyond one message's share
follow in messages of their own, so no choice is ever dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sicapai.handlers import texts
from sicapai.handlers.capabilities import Capabilities
from sicapai.handlers.port import Button, Reply
from sicapai.handlers.texts import markup
from sicapai.reports.chart_specs import Chart

MARGIN = 100  # characters kept free below a message's length, for a renderer's additions

Encode = Callable[[str, str], str]  # (dialog, action) -> the data a button carries


@dataclass
class Draft:
    """A reply being built; button actions are encoded once the turn's version is known."""

    text: str
    buttons: list[list[tuple[str, str, str]]] = field(default_factory=list)  # label, dialog, action
    chart: Chart | None = None
    document: bytes | None = None
    filename: str | None = None


def shape(drafts: list[Draft], caps: Capabilities, encode: Encode) -> list[Reply]:
    replies: list[Reply] = []
    for draft in merge_drafts(drafts, caps.message_length - MARGIN):
        rows = [
            [
                _button(label, caps.label_length, encode(dialog, action))
                for label, dialog, action in row
            ]
            for row in draft.buttons
        ]
        if any(len(b.data.encode()) > caps.button_data_bytes for row in rows for b in row):
            raise ValueError(f"button data too long for {caps.channel or 'this channel'}")
        chunks = _button_chunks(rows, caps)
        if draft.chart is not None or draft.document is not None:
            replies.append(
                Reply(
                    text=markup.truncate(draft.text, caps.caption_length),
                    chart=draft.chart,
                    document=draft.document,
                    filename=draft.filename,
                )
            )
            continue
        pieces = split_text(draft.text, caps.message_length - MARGIN)
        for piece in pieces[:-1]:
            replies.append(Reply(text=piece))
        replies.append(Reply(text=pieces[-1], buttons=chunks[0] if chunks else []))
        replies.extend(Reply(text=texts.MORE_CHOICES, buttons=chunk) for chunk in chunks[1:])
    return replies


def merge_drafts(drafts: list[Draft], limit: int) -> list[Draft]:
    """Join a text without buttons to the text after it, when both fit in one message
    ("Realisasi 90%, capaian 90%" followed by "Apa kendalanya?" reads better as one)."""
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
            and len(previous.text) + 2 + len(draft.text) <= limit
        ):
            merged[-1] = Draft(f"{previous.text}\n\n{draft.text}", draft.buttons, None, None, None)
        else:
            merged.append(draft)
    return merged


def split_text(text: str, limit: int) -> list[str]:
    """A text in pieces of at most `limit` characters, cut between paragraphs, else between
    lines, else (a single line longer than a message) at the limit."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current:
        pieces.append(current)
    return [p.strip("\n") for p in pieces if p.strip()] or [text[:limit]]


def _button(label: str, limit: int, data: str) -> Button:
    short = shorten(label, limit)
    return Button(short, data, full=label if short != label else "")


def shorten(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _button_chunks(rows: list[list[Button]], caps: Capabilities) -> list[list[list[Button]]]:
    """Rows cut to the row width, then grouped into messages of at most the buttons a
    message may carry (a row is never split across two messages)."""
    width = max(1, caps.buttons_per_row)
    per_message = max(1, caps.buttons_per_message)
    narrow = [
        row[i : i + min(width, per_message)]
        for row in rows
        for i in range(0, len(row), min(width, per_message))
    ]
    chunks: list[list[list[Button]]] = []
    count = per_message
    for row in narrow:
        if count + len(row) > per_message:
            chunks.append([])
            count = 0
        chunks[-1].append(row)
        count += len(row)
    return chunks
