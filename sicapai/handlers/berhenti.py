"""`BERHENTI` / `STOP` and `MULAI`: a person stops reminders on one chat, and starts them again.

WhatsApp expects a business to honour such a word, and anyone may tire of reminders on one
app while still reporting there. It is a mark on this chat alone (`reminders_stopped_at`), read
only by the reminders (`reachable_chats(for_reminders=True)`): a reminder goes to the person's
other chat, or nowhere, while every other notice still comes here. The admins are told once, so
that somebody reminds a person who can no longer be reached. The mark's moment is the record:
no audit row, as for any other choice a person makes about their own chat.
"""

from __future__ import annotations

from sicapai.handlers.flow import Command, Flow
from sicapai.handlers.texts import berhenti as t
from sicapai.handlers.turn import Turn
from sicapai.models.organisation import ChatIdentity
from sicapai.models.reachability import linked_chats, resume_reminders, stop_reminders
from sicapai.models.review import admins


def _chats(turn: Turn) -> tuple[ChatIdentity, list[ChatIdentity]]:
    """This chat's record and the person's other chats, in delivery order (one query)."""
    chats = linked_chats(session=turn.session, person_id=turn.person_id)
    here = next(
        c
        for c in chats
        if c.channel == turn.identity.channel and c.external_id == turn.identity.external_id
    )
    return here, [c for c in chats if c is not here]


def stop_here(turn: Turn, args: str = "") -> None:
    here, others = _chats(turn)
    if not stop_reminders(session=turn.session, chat=here, now=turn.now):
        turn.say(t.ALREADY_STOPPED)
        return
    elsewhere = next(
        (c.channel for c in others if c.unreachable_at is None and c.reminders_stopped_at is None),
        None,
    )
    turn.say(t.stopped(elsewhere))
    org = turn.organisation
    person = turn.person
    assert person is not None
    if org is None or org.id is None:
        return
    notice = t.stopped_notice(person.name, here.channel)
    for admin in admins(session=turn.session, organisation_id=org.id):
        if admin.id is not None and admin.id != turn.person_id:
            turn.notify(admin.id, notice)


def start_here(turn: Turn, args: str = "") -> None:
    here, _others = _chats(turn)
    if not resume_reminders(session=turn.session, chat=here):
        turn.say(t.ALREADY_ON)
        return
    turn.say(t.STARTED)


FLOW = Flow(
    code="bh",  # no steps: one word each way
    commands=(
        Command("berhenti", stop_here, help=t.HELP_BERHENTI, rank=78),
        Command("stop", stop_here),
        Command("mulai", start_here, help=t.HELP_MULAI, rank=79),
    ),
)
