"""Registration with one-time invite codes, and refusing everyone else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from sicapai.handlers.registrasi import ATTEMPT_WINDOW, MAX_FAILED_ATTEMPTS
from sicapai.handlers.router import GROUP_TOLD_FOR
from sicapai.models.organisation import Holding, Person
from sicapai.runtime.conversations import Conversations
from tests.support.chat import Chat, Clock, invite
from tests.support.database import Database


async def test_stranger_is_refused_politely_and_can_do_nothing(app: Conversations) -> None:
    stranger = Chat(app)
    for text in ("/lapor", "halo", "/anggaran", "/bantuan"):
        await stranger.send(text)
        assert "belum terdaftar" in stranger.text
    await stranger.send("/start")
    assert "/start KODE" in stranger.text


async def test_invite_binds_the_position_and_greets_with_owned_indicators(
    app: Conversations,
) -> None:
    budi = Chat(app, name="Budi Santoso")
    await budi.register("Kasi Penempatan Tenaga Kerja")
    assert "Selamat datang, <b>Budi Santoso</b>" in budi.text
    assert "Kepala Seksi Penempatan Tenaga Kerja" in budi.text
    for code in ("IK.18", "IK.19", "IK.20"):
        assert code in budi.text
    await budi.send("/start")  # greeting again, no code needed
    assert "IK.19" in budi.text


async def test_a_person_may_hold_several_positions_and_plt(app: Conversations) -> None:
    budi = Chat(app)
    await budi.register("Kasi Penempatan Tenaga Kerja")
    await budi.register("Kasi Perencanaan Tenaga Kerja", acting=True)
    assert "Plt Kepala Seksi Perencanaan Tenaga Kerja" in budi.text
    assert "IK.21" in budi.text and "IK.18" in budi.text


async def test_used_expired_and_wrong_codes_are_refused_with_a_reason(
    app: Conversations, clock: Clock
) -> None:
    code = invite(app, "Kasi Transmigrasi")
    first, second = Chat(app, 1), Chat(app, 2)
    await first.send(f"/start {code}")
    assert "Selamat datang" in first.text
    await second.send(f"/start {code}")
    assert "sudah pernah dipakai" in second.text
    old = invite(app, "Kasi Transmigrasi")
    clock.now += timedelta(days=7, minutes=1)
    await second.send(f"/start {old}")
    assert "kedaluwarsa" in second.text
    await second.send("/start tidakada123")
    assert "tidak dikenal" in second.text
    await second.send("/lapor")
    assert "belum terdaftar" in second.text


async def test_guessing_is_limited_per_chat(app: Conversations) -> None:
    guesser = Chat(app, 77)
    for n in range(5):
        await guesser.send(f"/start salah{n}")
    good = invite(app, "Kasi Transmigrasi")
    await guesser.send(f"/start {good}")
    assert "Terlalu banyak percobaan" in guesser.text


async def test_admin_invite(app: Conversations) -> None:
    admin = Chat(app, 5)
    await admin.send(f"/start {invite(app, None, admin=True)}")
    assert "peran <b>admin</b>" in admin.text


async def test_deactivated_person_is_told_and_nothing_happens(app: Conversations) -> None:
    budi = Chat(app)
    await budi.register("Kasi Penempatan Tenaga Kerja")
    with app.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE person SET active = false")
    await budi.send("/lapor")
    assert "tidak aktif" in budi.text


async def test_acting_holder_replaces_the_previous_holder(app: Conversations) -> None:
    old, new = Chat(app, 1), Chat(app, 2)
    await old.register("Kasi Transmigrasi")
    await new.register("Kasi Transmigrasi", acting=True)
    await old.send("/lapor")
    assert "belum memegang jabatan" in old.text
    await new.send("/lapor")
    assert "IK.15" in new.text
    from sicapai.models.db import transaction

    with transaction(app.engine) as session:
        holdings = session.exec(select(Holding)).all()
        assert sorted((h.acting, h.ended_at is None) for h in holdings) == [
            (False, False),
            (True, True),
        ]
        assert len(session.exec(select(Person)).all()) == 2


async def test_group_chat_gets_one_pointer_to_private_chat(app: Conversations) -> None:
    from dataclasses import replace

    group = Chat(app, 9)
    group.identity = replace(group.identity, chat_id="-100123", private=False)
    await group.send("/lapor")
    assert "chat pribadi" in group.text
    await group.send("/lapor")
    assert group.replies == []


@pytest.fixture
async def restarted(
    app: Conversations, office: Database, clock: Clock, tmp_path: Path
) -> AsyncIterator[Conversations]:
    """A second service on the same database: the bot after a restart, or another process."""
    again = Conversations(office.engine, files_dir=tmp_path / "bukti", clock=clock)
    yield again
    await again.close()


async def test_the_attempt_limit_survives_a_restart_and_ends_after_the_hour(
    app: Conversations, restarted: Conversations, clock: Clock
) -> None:
    start = clock.now
    guesser = Chat(app, 78)
    for n in range(MAX_FAILED_ATTEMPTS):
        await guesser.send(f"/start salah{n}")
        assert "tidak dikenal" in guesser.text
    after = Chat(restarted, 78)  # the same chat, talking to the restarted bot
    good = invite(restarted, "Kasi Transmigrasi")
    await after.send(f"/start {good}")
    assert "Terlalu banyak percobaan" in after.text
    clock.now = start + ATTEMPT_WINDOW
    await after.send(f"/start {good}")
    assert "Terlalu banyak percobaan" in after.text
    clock.now = start + ATTEMPT_WINDOW + timedelta(seconds=1)
    await after.send(f"/start {good}")
    assert "Selamat datang" in after.text


async def test_a_group_is_told_once_by_every_process_and_again_a_month_later(
    app: Conversations, restarted: Conversations, clock: Clock
) -> None:
    here, there = Chat(app, 9), Chat(restarted, 10)
    for chat in (here, there):
        chat.identity = replace(chat.identity, chat_id="-100123", private=False)
    await here.send("/lapor")
    assert "chat pribadi" in here.text
    await there.send("/lapor")  # the other process knows the group was told
    assert there.replies == []
    clock.now += GROUP_TOLD_FOR + timedelta(minutes=1)
    await there.send("halo semua")
    assert "chat pribadi" in there.text
    await here.send("/lapor")
    assert here.replies == []
