"""Commands that belong to no flow: leaving one, help, and hints for stray input."""

from __future__ import annotations

from sicapai.handlers import texts
from sicapai.handlers.turn import Turn


def cancel(turn: Turn, args: str = "") -> None:
    """`/batal` leaves whatever flow the person is in; nothing unconfirmed is kept."""
    if turn.dialog is None:
        turn.say(texts.NOTHING_TO_CANCEL)
        return
    turn.clear()
    turn.say(texts.CANCELLED)


def help_(turn: Turn, args: str = "") -> None:
    turn.say(texts.HELP)


def unknown_command(turn: Turn, command: str) -> None:
    turn.say(texts.UNKNOWN_COMMAND.format(command=texts.esc(command[:32])))


def stray_text(turn: Turn) -> None:
    turn.say(texts.NOTHING_OPEN)
