"""Registration: `/start KODE` (or `DAFTAR KODE`, typed on WhatsApp) binds this chat to a
position (or the admin role).

Without a valid code nobody can do anything else; failed attempts are limited per chat so
that codes cannot be guessed. The failures are rows (`models.chat_marks`) written in the turn's
transaction, so the limit holds across restarts and for every turn worker alike. The same
limit counts wrong link codes (`handlers.hubungkan`): one chat guesses neither kind.
"""

from __future__ import annotations

from datetime import timedelta

from sicapai.handlers.flow import Audience, Command, Flow
from sicapai.handlers.texts import registrasi as t
from sicapai.handlers.turn import Turn
from sicapai.models.chat_marks import attempts_blocked, failed_attempt
from sicapai.models.invites import Refusal, redeem
from sicapai.models.people import held_positions, is_admin, shown_name
from sicapai.models.reporting import owned_indicators, reporting_year

MAX_FAILED_ATTEMPTS = 5  # within a sliding ATTEMPT_WINDOW, per chat
ATTEMPT_WINDOW = timedelta(hours=1)
CODE_MAX_LENGTH = 64


def codes_blocked(turn: Turn) -> bool:
    """Whether this chat typed too many wrong codes (invite or link) within the window."""
    return attempts_blocked(
        session=turn.session,
        channel=turn.identity.channel,
        chat_id=turn.identity.chat_id,
        now=turn.now,
        window=ATTEMPT_WINDOW,
        limit=MAX_FAILED_ATTEMPTS,
    )


def code_failed(turn: Turn) -> None:
    """Count a wrong code; the turn commits as usual, so the count stays."""
    failed_attempt(
        session=turn.session,
        channel=turn.identity.channel,
        chat_id=turn.identity.chat_id,
        now=turn.now,
        window=ATTEMPT_WINDOW,
        limit=MAX_FAILED_ATTEMPTS,
    )


def register(turn: Turn, args: str) -> None:
    """`/start` alone greets a known person; `/start KODE` registers."""
    code = args.strip()
    if not code:
        if turn.person is None or not turn.person.active:
            turn.say(t.NEED_CODE)
        else:
            greet(turn)
        return
    if codes_blocked(turn):
        turn.say(t.TOO_MANY_ATTEMPTS)
        return
    if len(code) > CODE_MAX_LENGTH or not all(c.isalnum() or c in "-_" for c in code):
        code_failed(turn)
        turn.say(t.CODE_UNKNOWN)
        return
    result = redeem(
        session=turn.session,
        code=code,
        channel=turn.identity.channel,
        external_id=turn.identity.external_id,
        chat_id=turn.identity.chat_id,
        display_name=turn.identity.display_name,
        now=turn.now,
    )
    if result.refusal is not None:
        code_failed(turn)
        turn.say(
            {
                Refusal.UNKNOWN: t.CODE_UNKNOWN,
                Refusal.USED: t.CODE_USED,
                Refusal.EXPIRED: t.CODE_EXPIRED,
            }[result.refusal]
        )
        return
    assert result.person is not None
    turn.become(result.person)
    turn.menu_changed = turn.is_admin()  # an admin's own menu lists the admin commands
    turn.clear()
    greet(turn)


def greet(turn: Turn) -> None:
    """Greet by position and list what the person owns."""
    assert turn.person is not None
    positions = held_positions(session=turn.session, person_id=turn.person_id)
    org = turn.organisation
    owned: list[str] = []
    if org is not None:
        year = reporting_year(session=turn.session, organisation=org, configured=turn.app.year)
        if year is not None:
            owned = [
                f"{i.code} {i.name}"
                for i in owned_indicators(session=turn.session, person_id=turn.person_id, year=year)
            ]
    turn.say(
        t.welcome(
            shown_name(turn.person.name),
            [(p.name, acting) for p, acting in positions],
            is_admin(session=turn.session, person_id=turn.person_id),
            owned,
        )
    )


FLOW = Flow(
    code="rg",  # no steps: registering is one message
    commands=(  # in no menu: invite links send /start, and DAFTAR is typed from the letter
        Command("start", register, audience=Audience.ANYONE),
        Command("daftar", register, audience=Audience.ANYONE),
    ),
)
