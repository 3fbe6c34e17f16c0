"""The admin's chat as an office meets it in its first quarter: `/kunci` shows what is missing
and can be cancelled, `/buka` opens a locked quarter again with a reason, and the quarterly
target picker can be walked by typing the buttons' numbers in the terminal."""

from __future__ import annotations

import warnings
from decimal import Decimal as D

import pytest
from sqlmodel import col, select

from sicapai.handlers.port import Identity
from sicapai.models.db import transaction
from sicapai.models.operations import AuditLog
from sicapai.models.organisation import AdminGrant, ChatIdentity
from sicapai.models.performance import ChangeRequest, Indicator, Period, QuarterTarget
from sicapai.models.queries import resolve_organisation
from sicapai.models.reporting import NewRevision
from sicapai.models.review import request_change
from sicapai.runtime.conversations import Conversations
from tests.support.chat import Chat, invite
from tests.support.terminal import terminal_person, terminal_session


@pytest.fixture
async def admin(app: Conversations) -> Chat:
    chat = Chat(app, 24, "Admin Kantor")
    await chat.send(f"/start {invite(app, None, admin=True)}")
    return chat


@pytest.fixture
async def kasi(app: Conversations) -> Chat:
    chat = Chat(app, 21, "Budi")
    await chat.register("Kasi Penempatan Tenaga Kerja")
    return chat


def terminal_admin(app: Conversations, position: str) -> Identity:
    """The holder of `position` in `sicapai chat`, who is also the office's admin."""
    identity = terminal_person(app, position)
    with transaction(app.engine) as session:
        chat = session.exec(
            select(ChatIdentity).where(ChatIdentity.external_id == identity.external_id)
        ).one()
        organisation = resolve_organisation(session=session)
        session.add(AdminGrant(organisation_id=organisation.id or 0, person_id=chat.person_id))
    return identity


def labels(chat: Chat) -> list[str]:
    return [b.label for r in chat.replies for row in r.buttons for b in row]


def period(app: Conversations, quarter: int = 4) -> Period:
    with transaction(app.engine) as session:
        return session.exec(
            select(Period).where(Period.year == 2025, Period.quarter == quarter)
        ).one()


def audit(app: Conversations, action: str) -> list[AuditLog]:
    with transaction(app.engine) as session:
        return list(session.exec(select(AuditLog).where(AuditLog.action == action)))


# --- item 4: the quarterly targets, walked by typed numbers ---------------------------------


async def test_target_picker_is_walked_by_typed_numbers_in_the_terminal(
    app: Conversations,
) -> None:
    identity = terminal_admin(app, "Kepala Dinas")
    # the menu's 5th button is "Target triwulan"; the list's 9th is "Berikutnya ›", the
    # second page's 1st is the 9th indicator by code; then its four targets
    typed = "/admin\n5\n9\n1\n100; 200; 300; 400\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an SAWarning (a lookup of id None) fails the test
        out = await terminal_session(app, identity, typed)
    with transaction(app.engine) as session:
        indicators = session.exec(
            select(Indicator).where(Indicator.year == 2025).order_by(col(Indicator.code))
        ).all()
        ninth = indicators[8]
        targets = session.exec(
            select(QuarterTarget)
            .where(QuarterTarget.indicator_id == ninth.id)
            .order_by(col(QuarterTarget.quarter))
        ).all()
    assert f"Target triwulan {ninth.code} disimpan: 100; 200; 300; 400." in out
    assert [t.target for t in targets] == [D(100), D(200), D(300), D(400)]
    assert "Menu ini sudah tidak berlaku" not in out and "empat angka" not in out


async def test_targets_typed_without_a_chosen_indicator_are_not_looked_up(
    app: Conversations, admin: Chat
) -> None:
    await admin.send("/admin")
    await admin.press("Target triwulan")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        await admin.send("100; 200; 300; 400")  # on the list: no indicator chosen yet
    assert "pilih salah satu tombol" in admin.text
    with transaction(app.engine) as session:
        assert session.exec(select(QuarterTarget)).all() == []


# --- item 14: the picker's labels, shortened as /lapor's ------------------------------------


async def test_target_picker_labels_are_shortened_with_an_ellipsis(
    app: Conversations, admin: Chat
) -> None:
    await admin.send("/admin")
    await admin.press("Target triwulan")
    shown = [label for label in labels(admin) if label.startswith("IK.")]
    assert shown
    assert all(not label.endswith(" ") for label in shown)
    with transaction(app.engine) as session:
        names = {i.code: i.name for i in session.exec(select(Indicator))}
    for label in shown:
        code, _, name = label.partition(" ")
        full = names[code]
        assert name == full or (name.endswith("…") and full.startswith(name[:-1]))
    assert any(label.endswith("…") for label in shown)


# --- item 2: /kunci asks first, /buka opens again with a reason -----------------------------


async def test_kunci_shows_what_is_missing_and_batal_locks_nothing(
    app: Conversations, admin: Chat
) -> None:
    await admin.send("/kunci")
    await admin.press("TW IV 2025")
    assert "Belum dilaporkan" in admin.text and "IK.18" in admin.text
    assert "Kunci sekarang" in " ".join(labels(admin)) and "Batal" in labels(admin)
    await admin.press("Batal")
    assert "dibatalkan" in admin.text
    assert not period(app).locked and audit(app, "periode_dikunci") == []


async def test_buka_asks_a_reason_unlocks_and_keeps_change_requests_pending(
    app: Conversations, admin: Chat, kasi: Chat
) -> None:
    await admin.send("/kunci")
    await admin.press("TW IV 2025")
    await admin.press("Kunci sekarang")
    assert period(app).locked
    with transaction(app.engine) as session:  # a change the kasi asked for on the lock
        indicator = session.exec(select(Indicator).where(Indicator.code == "IK.18")).one()
        locked = session.exec(select(Period).where(Period.quarter == 4)).one()
        requester = session.exec(
            select(ChatIdentity).where(ChatIdentity.external_id == kasi.identity.external_id)
        ).one()
        request_change(
            session=session,
            indicator=indicator,
            period=locked,
            person_id=requester.person_id,
            figures=NewRevision(
                D(90), D(100), None, D(90), D(90), reason="Temuan inspektorat pada angka ini"
            ),
            evidence=[],
            now=app.clock(),
        )

    await kasi.send("/buka")
    assert "khusus untuk admin" in kasi.text
    await admin.send("/admin")
    await admin.press("Buka kunci")
    await admin.press("TW IV 2025")
    assert "alasan" in admin.text and "1 permintaan perubahan" in admin.text
    await admin.send("ok")
    assert "paling sedikit dua kata" in admin.text and "Contoh" in admin.text
    assert period(app).locked
    await admin.send("Temuan Inspektorat pada IK.18 harus diperbaiki")
    assert "dibuka kembali" in admin.text and "tetap menunggu" in admin.text
    assert not period(app).locked
    (entry,) = audit(app, "periode_dibuka")
    assert entry.detail["alasan"] == "Temuan Inspektorat pada IK.18 harus diperbaiki"
    assert entry.detail["triwulan"] == 4
    with transaction(app.engine) as session:
        (change,) = session.exec(select(ChangeRequest)).all()
    assert change.status == "menunggu"
    await admin.send("/verifikasi")
    assert any(label.startswith("Perubahan #") for label in labels(admin))

    await admin.send("/buka")
    assert "Tidak ada triwulan" in admin.text and "dikunci" in admin.text
