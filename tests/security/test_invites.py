"""Invite codes are the only way in, so they must be hard to guess, short-lived, single-use,
stored only as a hash, and protected against guessing by a per-chat attempt limit."""

from __future__ import annotations

import base64
import hashlib
import math
from datetime import timedelta

from sqlalchemy import text
from sqlmodel import Session, SQLModel, select

from sicapai.handlers.texts import registrasi as t
from sicapai.models.db import transaction
from sicapai.models.invites import INVITE_LIFETIME, create_invite
from sicapai.models.operations import Invite
from sicapai.models.organisation import ChatIdentity
from sicapai.models.queries import resolve_organisation
from sicapai.runtime.conversations import Conversations
from tests.support.chat import Chat, Clock, invite
from tests.support.data import person_id_of, snapshot
from tests.support.database import Database

URLSAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
POSITION = "Kasi Transmigrasi"


def registered(db: Database, user_id: int) -> bool:
    return person_id_of(db.engine, user_id) is not None


async def test_a_code_works_once(app: Conversations, office: Database) -> None:
    code = invite(app, POSITION)
    first, second = Chat(app, 4001), Chat(app, 4002)
    await first.send(f"/start {code}")
    assert "Selamat datang" in first.text
    before = snapshot(office.engine)
    await second.send(f"/start {code}")
    assert second.text == t.CODE_USED
    await first.send(f"/start {code}")  # not even twice by the same chat
    assert first.text == t.CODE_USED
    assert snapshot(office.engine) == before
    assert not registered(office, 4002)
    with Session(office.engine) as session:
        (row,) = session.exec(select(Invite)).all()
    assert row.used_at is not None and row.used_by_person_id == person_id_of(office.engine, 4001)


async def test_a_code_expires_after_seven_days(
    app: Conversations, office: Database, clock: Clock
) -> None:
    assert timedelta(days=7) == INVITE_LIFETIME
    start = clock.now
    in_time, too_late = invite(app, POSITION), invite(app, "Kasi Penempatan Tenaga Kerja")
    clock.now = start + INVITE_LIFETIME - timedelta(minutes=1)
    on_time = Chat(app, 4011)
    await on_time.send(f"/start {in_time}")
    assert "Selamat datang" in on_time.text
    clock.now = start + INVITE_LIFETIME
    late = Chat(app, 4012)
    before = snapshot(office.engine)
    await late.send(f"/start {too_late}")
    assert late.text == t.CODE_EXPIRED
    assert snapshot(office.engine) == before and not registered(office, 4012)


def test_codes_carry_at_least_96_random_bits(office: Database) -> None:
    with transaction(office.engine) as session:
        org = resolve_organisation(session=session)
        assert org.id is not None
        codes = [
            create_invite(
                session=session,
                organisation_id=org.id,
                position_id=None,
                admin=False,
                acting=False,
                now=Clock().now,
            )
            for _ in range(200)
        ]
    assert len(set(codes)) == 200
    for code in codes:
        assert set(code) <= URLSAFE
        assert len(code) * math.log2(len(URLSAFE)) >= 96
        assert len(base64.urlsafe_b64decode(code + "=" * (-len(code) % 4))) * 8 >= 96
    # 3200 characters from a 64-character alphabet: a uniform source uses nearly all of them
    assert len(set("".join(codes))) >= 60


async def test_only_a_sha256_of_the_code_is_stored(app: Conversations, office: Database) -> None:
    codes = [invite(app, POSITION), invite(app, None, admin=True)]
    used = Chat(app, 4021)
    await used.send(f"/start {codes[0]}")
    assert "Selamat datang" in used.text
    with Session(office.engine) as session:
        hashes = {row.code_hash for row in session.exec(select(Invite))}
    assert hashes == {hashlib.sha256(code.encode()).hexdigest() for code in codes}
    # the plain code is nowhere: not in the invite table, nor in any other table
    with office.engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            dump = repr(conn.execute(text(f'SELECT * FROM "{table.name}"')).all())
            for code in codes:
                assert code not in dump, f"plain invite code found in table {table.name}"


async def test_guessing_is_limited_per_chat_for_an_hour(
    app: Conversations, office: Database, clock: Clock
) -> None:
    start = clock.now
    guesser = Chat(app, 4031)
    for n in range(5):
        await guesser.send(f"/start tebakan{n}")
        assert guesser.text == t.CODE_UNKNOWN
    valid = invite(app, POSITION)
    before = snapshot(office.engine)
    await guesser.send(f"/start {valid}")  # the sixth attempt, with a good code
    assert guesser.text == t.TOO_MANY_ATTEMPTS
    assert snapshot(office.engine) == before and not registered(office, 4031)

    neighbour = Chat(app, 4032)  # another chat is not held back by this one's guesses
    await neighbour.send(f"/start {valid}")
    assert "Selamat datang" in neighbour.text

    later = invite(app, "Kasi Penempatan Tenaga Kerja")
    clock.now = start + timedelta(minutes=59)
    await guesser.send(f"/start {later}")
    assert guesser.text == t.TOO_MANY_ATTEMPTS
    clock.now = start + timedelta(hours=1, minutes=1)
    await guesser.send(f"/start {later}")
    assert "Selamat datang" in guesser.text
    with Session(office.engine) as session:
        bound = session.exec(
            select(ChatIdentity).where(ChatIdentity.external_id.in_(["4031", "4032"]))  # type: ignore[attr-defined]
        ).all()
    assert len(bound) == 2
