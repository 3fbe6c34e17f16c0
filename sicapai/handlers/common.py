"""Commands that belong to no conversation: leaving one, and the help."""

from __future__ import annotations

from sicapai.handlers import registry, texts
from sicapai.handlers.flow import Command, Flow, cancel
from sicapai.handlers.turn import Turn


def help_(turn: Turn, args: str = "") -> None:
    """`/bantuan`: what this person may use, as the flows declare it."""
    turn.say(registry.help_text(admin=turn.is_admin()))


FLOW = Flow(
    code="m",  # the owner of buttons sent outside any flow; it has only the shared actions
    commands=(
        Command("batal", cancel, menu=texts.MENU_BATAL, help=texts.HELP_BATAL, rank=90),
        Command("bantuan", help_, menu=texts.MENU_BANTUAN, help=texts.HELP_BANTUAN, rank=95),
        Command("help", help_),
    ),
)
