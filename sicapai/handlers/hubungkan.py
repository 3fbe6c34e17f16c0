"""`/hubungkan`: a registered person links a second app (WhatsApp or Telegram) to their account.

On the app they already use they ask for a short code; from the new app they send
`HUBUNGKAN <code>`. The new chat is nobody's yet, so the command is open to strangers. A code is
short because it is typed on a phone: it lives ten minutes, is used once, and wrong codes count
against the same per-chat limit as invite codes (`registrasi.codes_blocked`), so it cannot be
guessed. The person's other chat is told when a chat was linked, so a code someone read over
their shoulder is noticed; a chat that already belongs to someone else is never moved, and the
admins are told of the attempt.
"""

from __future__ import annotations

from sicapai.handlers import texts
from sicapai.handlers.flow import Audience, Command, Flow
from sicapai.handlers.registrasi import code_failed, codes_blocked, greet
from sicapai.handlers.texts import hubungkan as t
from sicapai.handlers.turn import Turn
from sicapai.models.links import (
    LIFETIME,
    LinkRefusal,
    create_link_code,
    link_chat,
    look_up_link_code,
)
from sicapai.models.organisation import Person
from sicapai.models.people import organisation_of
from sicapai.models.reachability import note_channel
from sicapai.models.review import admins
from sicapai.models.types import ident

CODE_MAX_LENGTH = 16  # link codes are six characters; anything much longer is not one
MINUTES = int(LIFETIME.total_seconds() // 60)


def hubungkan(turn: Turn, args: str) -> None:
    """Without a code: a member gets one, a stranger is told how. With a code: link."""
    if turn.person is not None and not turn.person.active:
        turn.say(texts.INACTIVE)
        return
    code = "".join(args.split()).upper()  # "abc 123" read off a screen is ABC123
    if not code:
        if turn.person is None:
            turn.say(t.how_to_link(MINUTES))
        else:
            issue_code(turn)
        return
    if codes_blocked(turn):
        turn.say(t.TOO_MANY_ATTEMPTS)
        return
    if len(code) > CODE_MAX_LENGTH or not (code.isascii() and code.isalnum()):
        code_failed(turn)
        turn.say(t.CODE_UNKNOWN)
        return
    found = look_up_link_code(session=turn.session, code=code, now=turn.now)
    if found.refusal is not None or found.person_id is None:
        code_failed(turn)
        if found.refusal == LinkRefusal.USED:
            turn.say(t.CODE_USED)
        elif found.refusal == LinkRefusal.EXPIRED:
            turn.say(t.code_expired(MINUTES))
        else:
            turn.say(t.CODE_UNKNOWN)
        return
    if turn.person is not None:
        if turn.person_id == found.person_id:
            turn.say(t.ALREADY_LINKED)
            return
        _refuse_held(turn, found.person_id)
        return
    owner = turn.session.get(Person, found.person_id)
    if owner is None or not owner.active:
        turn.say(texts.INACTIVE)
        return
    _link(turn, owner, code, found.channel)


def issue_code(turn: Turn) -> None:
    code = create_link_code(
        session=turn.session,
        person_id=turn.person_id,
        channel=turn.identity.channel,
        now=turn.now,
    )
    turn.audit("kode_penghubung_dibuat", "person", turn.person_id, saluran=turn.identity.channel)
    turn.say(t.code_issued(code, MINUTES))


def _link(turn: Turn, owner: Person, code: str, shown_on: str | None) -> None:
    identity = turn.identity
    chat = link_chat(
        session=turn.session,
        code=code,
        person_id=ident(owner),
        channel=identity.channel,
        external_id=identity.external_id,
        chat_id=identity.chat_id,
        display_name=identity.display_name,
        now=turn.now,
    )
    if chat is None:  # another chat used the code a moment ago
        code_failed(turn)
        turn.say(t.CODE_USED)
        return
    if owner.last_channel is None and shown_on is not None:
        # the notice below goes to the chat they last wrote on: the one that asked for the
        # code, not this new one (its own channel is noted on its next message)
        note_channel(session=turn.session, person=owner, channel=shown_on)
    turn.become(owner)
    turn.menu_changed = turn.is_admin()  # an admin's own chat lists the admin commands
    turn.audit(
        "saluran_dihubungkan",
        "chat_identity",
        ident(chat),
        saluran=identity.channel,
        dari=shown_on,
    )
    turn.say(t.linked(identity.channel))
    greet(turn)
    turn.notify(
        turn.person_id,
        t.linked_notice(identity.channel, identity.display_name, identity.external_id),
    )


def _refuse_held(turn: Turn, owner_id: int) -> None:
    """This chat is someone else's: nothing moves, the attempt counts as a wrong code, and
    the admins of both people's offices hear of it (each admin once)."""
    holder = turn.person
    owner = turn.session.get(Person, owner_id)
    assert holder is not None and owner is not None
    code_failed(turn)
    turn.say(t.HELD_BY_OTHER)
    warning = t.held_warning(holder.name, owner.name, turn.identity.channel)
    told: set[int] = set()
    for person_id in (owner_id, turn.person_id):
        org = organisation_of(session=turn.session, person_id=person_id)
        if org is None or org.id is None:
            continue
        for admin in admins(session=turn.session, organisation_id=org.id):
            if admin.id is not None and admin.id not in told:
                told.add(admin.id)
                turn.notify(admin.id, warning)
    turn.audit("hubungkan_ditolak", "person", owner_id, saluran=turn.identity.channel)


FLOW = Flow(
    code="hb",  # no steps: linking is one message on each app
    commands=(
        Command(
            "hubungkan", hubungkan, menu=t.MENU, help=t.HELP, audience=Audience.ANYONE, rank=77
        ),
    ),
)
