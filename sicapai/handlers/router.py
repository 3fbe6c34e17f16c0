"""Which flow handles an event: commands start flows, buttons and text go to the open one.

Every path checks who is talking first: strangers may only register, and a deactivated
person is told so and nothing else happens.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, col, select

from sicapai.handlers import (
    admin,
    anggaran,
    capaian,
    common,
    grafik,
    lapor,
    pengingat,
    registrasi,
    status,
    texts,
    verifikasi,
)
from sicapai.handlers.port import EventKind, Identity
from sicapai.handlers.turn import EVIDENCE_FILES, FileRule, Turn, decode_button
from sicapai.models.guards import Conflict
from sicapai.models.operations import DialogState
from sicapai.models.organisation import ChatIdentity

Command = Callable[[Turn, str], None]

COMMANDS: dict[str, Command] = {
    "lapor": lapor.start,
    "anggaran": anggaran.start,
    "pengingat": pengingat.start,
    "capaian": capaian.start,
    "grafik": grafik.start,
    "status": status.start,
    "verifikasi": verifikasi.start,
    "admin": admin.start,
    "kunci": admin.start_lock,
    "periksa": admin.start_check,
    "ekspor": admin.start_export,
    "impor": admin.start_import,
    "batal": common.cancel,
    "bantuan": common.help_,
    "help": common.help_,
}

FLOWS = {
    flow.CODE: flow
    for flow in (lapor, anggaran, pengingat, capaian, grafik, status, verifikasi, admin)
}
REMINDER = "r"


def file_rule(state: DialogState | None) -> FileRule | None:
    """The files the current step takes (evidence unless the flow says otherwise)."""
    if state is None or state.dialog not in FLOWS:
        return None
    flow = FLOWS[state.dialog]
    if not flow.accepts_file(state.step):
        return None
    return getattr(flow, "FILE_RULE", EVIDENCE_FILES)


def expects_typing(state: DialogState | None) -> bool:
    """Whether the current step waits for a typed figure, so "2" means 2, not button 2."""
    if state is None or state.dialog not in FLOWS:
        return False
    return state.step in FLOWS[state.dialog].FIGURE_STEPS


def dispatch(turn: Turn) -> None:
    event = turn.event
    if not turn.identity.private:
        # in a group: say once where reporting happens, and do nothing else there
        if turn.identity.chat_id not in turn.app.groups_told:
            turn.app.groups_told.add(turn.identity.chat_id)
            turn.say(texts.GROUP_ONLY_PRIVATE)
        return
    if event.kind == EventKind.COMMAND and event.command == "start":
        registrasi.start(turn, event.args)
        return
    if turn.person is None:
        turn.say(texts.STRANGER)
        return
    if not turn.person.active:
        turn.say(texts.INACTIVE)
        return
    if event.kind == EventKind.COMMAND:
        command = COMMANDS.get(event.command)
        if command is None:
            common.unknown_command(turn, event.command)
        else:
            command(turn, event.args)
    elif event.kind == EventKind.PRESS:
        press(turn, event.data)
    elif event.kind == EventKind.FILE:
        flow = FLOWS.get(turn.dialog or "")
        if flow is None:
            turn.say(texts.FILE_NOT_EXPECTED)
        else:
            flow.on_file(turn, event.stored)
    elif turn.dialog in FLOWS:
        FLOWS[turn.dialog].on_text(turn, event.text)
    else:
        common.stray_text(turn)


def press(turn: Turn, data: str) -> None:
    """A button: acted on only if it belongs to the person's current menu version."""
    decoded = decode_button(data)
    if decoded is not None and decoded[0] == REMINDER:
        pengingat.from_reminder(turn, decoded[2])
        return
    version = turn.state.version if turn.state else 0
    if decoded is None or decoded[1] != version or decoded[0] not in FLOWS:
        turn.toast = texts.STALE_TOAST
        turn.say(texts.STALE_MENU)
        return
    dialog, _, action = decoded
    FLOWS[dialog].on_press(turn, action)


def recover(turn: Turn, conflict: Conflict | None) -> None:
    """After a turn was rolled back: its flow says what changed, on fresh data. `None` means
    the person's own turns raced twice in a row; they are asked to send again."""
    if conflict is None or turn.person is None:
        turn.say(texts.RACED)
        return
    flow = FLOWS.get(turn.dialog or "")
    handler = getattr(flow, "on_conflict", None)
    if handler is None:
        turn.say(texts.CHANGED_MEANWHILE)
        return
    handler(turn, conflict)


def identity_for(session: Session, person_id: int) -> Identity | None:
    """Where to reach a person unprompted: their most recently bound chat."""
    chat = session.exec(
        select(ChatIdentity)
        .where(ChatIdentity.person_id == person_id)
        .order_by(col(ChatIdentity.id).desc())
    ).first()
    if chat is None:
        return None
    return Identity(chat.channel, chat.external_id, chat.chat_id or chat.external_id)
