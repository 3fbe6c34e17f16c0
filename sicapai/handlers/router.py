"""Which flow handles an event: commands start flows, buttons and text go to the open one.

Every path checks who is talking first: strangers may only register, and a deactivated
person is told so and nothing else happens. What each flow does is its own declaration
(`handlers.flow`); this module only reads the registry of them.

A command may be typed without its slash ("lapor", "DAFTAR KODE"): WhatsApp has no command
menu, and people there write the word. It counts as the command only where nobody waits for
typed text — no flow open, or a step that takes only buttons — so a kendala that begins with
"lapor …" stays a kendala.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlmodel import Session

from sicapai.handlers import common, registry, texts
from sicapai.handlers.flow import Audience, Flow
from sicapai.handlers.port import Event, EventKind, Identity
from sicapai.handlers.texts import admin as admin_texts
from sicapai.handlers.turn import Turn, decode_button
from sicapai.models.chat_marks import mark_group_told
from sicapai.models.guards import Conflict
from sicapai.models.reachability import linked_chats

UNKNOWN_FLOW_ENTRY = "/lapor"  # where to start again when a stored flow no longer exists
GROUP_TOLD_FOR = timedelta(days=30)  # then a message in the group is answered again


def dispatch(turn: Turn) -> None:
    turn.clears_on_entry = registry.clears
    event = turn.event
    if not turn.identity.private:
        # in a group: say once where reporting happens (again after GROUP_TOLD_FOR), and do
        # nothing else there; the mark is a row, so restarts and other workers keep to it
        if mark_group_told(
            session=turn.session,
            channel=turn.identity.channel,
            chat_id=turn.identity.chat_id,
            now=turn.now,
            lasts=GROUP_TOLD_FOR,
        ):
            turn.say(texts.GROUP_ONLY_PRIVATE)
        return
    if event.delayed:  # held up for longer than anyone remembers what they meant
        turn.say(texts.DELAYED)
        return
    event = _bare_command(turn)
    found = registry.command(event.command) if event.kind == EventKind.COMMAND else None
    if found is not None and found[1].audience == Audience.ANYONE:
        found[1].start(turn, event.args)
        return
    if turn.person is None:
        turn.say(texts.STRANGER)
        return
    if not turn.person.active:
        turn.say(texts.INACTIVE)
        return
    if event.kind == EventKind.COMMAND:
        if found is None:
            turn.say(texts.UNKNOWN_COMMAND.format(command=texts.esc(event.command[:32])))
        elif found[1].audience == Audience.ADMINS and not turn.is_admin():
            turn.say(admin_texts.ONLY_ADMIN)
        else:
            found[1].start(turn, event.args)
        return
    if event.kind == EventKind.PRESS:
        press(turn, event.data)
        return
    flow = registry.flow(turn.dialog)
    if flow is None:
        if turn.dialog is not None:
            _step_gone(turn, None)
        elif event.kind == EventKind.FILE:
            turn.say(texts.FILE_NOT_EXPECTED)
        else:
            common.nothing_open(turn)  # with the commands as buttons (WhatsApp has no menu)
        return
    step = flow.step(turn.step)
    if step is None:
        _step_gone(turn, flow)
    elif event.kind == EventKind.FILE:
        if step.on_file is None:
            flow.stray_file(turn)
        else:
            step.on_file(turn, event.stored)
    elif step.on_text is None:
        flow.stray_text(turn)
    else:
        step.on_text(turn, event.text)


def _bare_command(turn: Turn) -> Event:
    """The turn's event, as a command when it is text whose first word names one and the
    person is not in the middle of typing an answer (then `turn.event` is that command too).

    Read from the registry and the state the turn already holds: no query of its own."""
    event = turn.event
    if event.kind != EventKind.TEXT:
        return event
    words = event.text.split(maxsplit=1)
    name = words[0].lower() if words else ""
    if registry.command(name) is None:
        return event
    flow = registry.flow(turn.dialog)
    step = flow.step(turn.step) if flow is not None else None
    if step is not None and step.on_text is not None:
        return event  # an answer the step is waiting for
    command = replace(
        event,
        kind=EventKind.COMMAND,
        command=name,
        args=words[1].strip() if len(words) > 1 else "",
    )
    turn.event = command
    return command


def press(turn: Turn, data: str) -> None:
    """A button: acted on only if it belongs to the person's current menu version, names an
    action its flow still declares, and is live at the person's step."""
    decoded = decode_button(data)
    flow = registry.flow(decoded[0]) if decoded else None
    version = turn.state.version if turn.state else 0
    if decoded is None or flow is None or (flow.versioned and decoded[1] != version):
        _stale(turn)
        return
    name, _, arg = decoded[2].partition(":")
    if name not in flow.known_actions:
        _stale(turn)  # an action a newer release no longer has
        return
    step = flow.step(turn.step) if turn.dialog == flow.code else None
    action = flow.action(step, name)
    if turn.dialog == flow.code and step is None and not (action and action.outside):
        _step_gone(turn, flow)
        return
    if action is None or not action.arg(arg) or (not action.outside and step is None):
        turn.say(texts.STALE_MENU)
        return
    if flow.allowed is not None and not flow.allowed(turn):
        turn.say(texts.STALE_MENU)
        return
    if action.clears and turn.step is not None:
        turn.set_step(turn.step, **dict.fromkeys(action.clears))
    action.run(turn, arg)


def _stale(turn: Turn) -> None:
    turn.toast = texts.STALE_TOAST
    turn.say(texts.STALE_MENU)


def _step_gone(turn: Turn, flow: Flow | None) -> None:
    """A stored step (or flow) a newer release no longer has: start again, politely."""
    turn.clear()
    turn.say(texts.STEP_GONE.format(command=flow.entry if flow else UNKNOWN_FLOW_ENTRY))


def recover(turn: Turn, conflict: Conflict | None) -> None:
    """After a turn was rolled back: its flow says what changed, on fresh data. `None` means
    the person's own turns raced twice in a row; they are asked to send again."""
    turn.clears_on_entry = registry.clears
    if conflict is None or turn.person is None:
        turn.say(texts.RACED)
        return
    flow = registry.flow(turn.dialog)
    if flow is None or flow.on_conflict is None:
        turn.say(texts.CHANGED_MEANWHILE)
        return
    flow.on_conflict(turn, conflict)


def identity_for(session: Session, person_id: int) -> Identity | None:
    """Where to reach a person unprompted: their first chat in delivery order (the channel
    they chose with /saluran, else the one they last used, else the newest)."""
    chats = linked_chats(session=session, person_id=person_id)
    if not chats:
        return None
    chat = chats[0]
    return Identity(chat.channel, chat.external_id, chat.chat_id or chat.external_id)
