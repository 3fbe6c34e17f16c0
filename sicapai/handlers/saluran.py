"""`/saluran`: the channels a person is linked to, where their notices go, and choosing one.

Notices and reminders go to the channel the person chooses here, or — "Otomatis" — to the one
they last wrote on; when that one cannot take a message, to their other channels
(`models.reachability.in_delivery_order`, used by the outbox and the reminders alike).
"""

from __future__ import annotations

import re
from enum import StrEnum

from sicapai.handlers.flow import Action, Command, Flow, Step, leave_with
from sicapai.handlers.texts import saluran as t
from sicapai.handlers.turn import Turn
from sicapai.models.organisation import ChatIdentity
from sicapai.models.reachability import choose_channel, linked_chats

TERMINAL = "terminal"  # `sicapai chat`: its messages wait there until the person opens it


class S(StrEnum):
    """The steps; the values are what stored dialog states carry."""

    PILIH = "pilih"  # the linked channels, each with its button


class A(StrEnum):
    """The buttons' actions; the values are what buttons already sent carry."""

    CHOOSE = "c"  # c:<channel>
    AUTOMATIC = "otomatis"


def channel_code(arg: str) -> bool:
    """A channel button's argument: a channel's code ("telegram", "terminal")."""
    return re.fullmatch(r"[a-z][a-z0-9_]{0,19}", arg) is not None


def _channels(chats: list[ChatIdentity]) -> list[str]:
    """Each linked channel once, in delivery order."""
    return list(dict.fromkeys(c.channel for c in chats))


def open_saluran(turn: Turn, args: str = "") -> None:
    person = turn.person
    assert person is not None
    chats = linked_chats(session=turn.session, person_id=turn.person_id)
    channels = _channels(chats)
    unreachable = {
        channel
        for channel in channels
        if all(c.unreachable_at is not None for c in chats if c.channel == channel)
    }
    now_to = next((c.channel for c in chats if c.unreachable_at is None), None)
    lines = [
        t.channel_line(
            channel, last=channel == person.last_channel, unreachable=channel in unreachable
        )
        for channel in channels
    ]
    turn.goto(FLOW.code, S.PILIH)
    buttons = [
        [(t.choose_button(channel, channel == person.preferred_channel), f"{A.CHOOSE}:{channel}")]
        for channel in channels
    ]
    buttons.append([(t.automatic_button(person.preferred_channel is None), A.AUTOMATIC)])
    buttons.append([(t.BTN_CANCEL, "batal")])
    turn.say(
        t.overview(
            lines,
            now_to=now_to,
            preferred=person.preferred_channel,
            terminal=TERMINAL in channels,
            one=len(channels) == 1,
        ),
        buttons,
    )


def choose(turn: Turn, arg: str) -> None:
    person = turn.person
    assert person is not None
    chats = [
        c for c in linked_chats(session=turn.session, person_id=turn.person_id) if c.channel == arg
    ]
    if not chats:
        turn.say(t.NOT_LINKED)
        return
    choose_channel(session=turn.session, person=person, channel=arg)
    turn.audit("saluran_dipilih", "person", turn.person_id, saluran=arg)
    turn.clear()
    turn.say(t.chosen(arg, unreachable=all(c.unreachable_at is not None for c in chats)))


def automatic(turn: Turn, arg: str) -> None:
    person = turn.person
    assert person is not None
    choose_channel(session=turn.session, person=person, channel=None)
    turn.audit("saluran_dipilih", "person", turn.person_id, saluran="otomatis")
    turn.clear()
    turn.say(t.automatic(person.last_channel))


# --- the flow ---------------------------------------------------------------------------

FLOW = Flow(
    code="sl",
    commands=(Command("saluran", open_saluran, menu=t.MENU, help=t.HELP, rank=75),),
    steps=(
        Step(
            S.PILIH,
            presses=(Action(A.CHOOSE, choose, arg=channel_code), Action(A.AUTOMATIC, automatic)),
        ),
    ),
    stray_text=leave_with(t.USE_BUTTONS),
    stray_file=leave_with(t.USE_BUTTONS),
)
