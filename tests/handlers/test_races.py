"""Two people acting on the same thing at once: every decision checks what its person saw.

Each race is driven deterministically through `sicapai.models.guards.at_seam`: the first
person's turn stops between reading what they saw and writing their decision, the second
person's whole turn runs and commits exactly there, then the first turn goes on. On SQLite
and PostgreSQL alike, the first decision must then find that what its person saw is gone:
nothing of it is applied, and the person is told plainly what changed.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal as D

import pytest
from sqlmodel import col, select

from sicapai.handlers.port import Event, EventKind
from sicapai.models.admin import delegate
from sicapai.models.db import transaction
from sicapai.models.guards import at_seam
from sicapai.models.operations import AuditLog
from sicapai.models.outbox import OutboxMessage
from sicapai.models.people import find_position
from sicapai.models.performance import ChangeRequest, Period
from sicapai.models.queries import resolve_organisation
from sicapai.runtime.conversations import Conversations
from tests.support.chat import Chat, invite, report, slot


def press_now(chat: Chat, label: str) -> Callable[[], None]:
    """The other person's press, run to its commit inside the first person's turn."""
    data = chat.button(label)

    def run() -> None:
        result = chat.app.run_turn(
            chat.identity, Event(EventKind.PRESS, data=data), chat.app.clock()
        )
        chat.result, chat.replies = result, result.replies

    return run


def audit_actions(app: Conversations, action: str) -> list[dict[str, object]]:
    with transaction(app.engine) as session:
        return [
            dict(a.detail or {})
            for a in session.exec(select(AuditLog).where(AuditLog.action == action))
        ]


def outbox_to(app: Conversations, chat: Chat) -> list[str]:
    """Every notice queued for the person behind `chat`."""
    from sicapai.models.organisation import ChatIdentity

    with transaction(app.engine) as session:
        person_id = session.exec(
            select(ChatIdentity.person_id).where(
                ChatIdentity.external_id == chat.identity.external_id
            )
        ).one()
        return [
            m.text
            for m in session.exec(
                select(OutboxMessage)
                .where(OutboxMessage.person_id == person_id)
                .order_by(col(OutboxMessage.id))
            )
        ]


@pytest.fixture
async def team(app: Conversations) -> dict[str, Chat]:
    chats = {
        "kasi": Chat(app, 31, "Budi"),
        "kabid": Chat(app, 32, "Rahmat"),
        "delegate": Chat(app, 33, "Dewi"),
        "admin": Chat(app, 34, "Admin Satu"),
        "admin2": Chat(app, 35, "Admin Dua"),
    }
    await chats["kasi"].register("Kasi Penempatan Tenaga Kerja")
    await chats["kabid"].register("Kabid Tenaga Kerja")
    await chats["delegate"].register("Kasi Perencanaan Tenaga Kerja")
    await chats["admin"].send(f"/start {invite(app, None, admin=True)}")
    await chats["admin2"].send(f"/start {invite(app, None, admin=True)}")
    return chats


async def test_an_approval_never_lands_on_a_correction_the_reviewer_did_not_see(
    app: Conversations, team: dict[str, Chat]
) -> None:
    kasi, kabid = team["kasi"], team["kabid"]
    await report(kasi, "IK.18", "100", "100")
    await kasi.press("Simpan")
    await kabid.send("/verifikasi")
    await kabid.press("IK.18")
    assert "revisi ke-1" in kabid.text
    # the kasi prepares a correction and saves it while the kabid's "Setujui" turn runs
    await report(kasi, "IK.18", "90", "100", "Dua berkas tertinggal", "Melengkapi berkas")
    await kasi.send("Salah ketik pada pembilang")
    with at_seam("review", press_now(kasi, "Simpan")) as ran:
        await kabid.press("Setujui")
    assert ran == [1] and "tersimpan" in kasi.text

    submission, revisions = slot(app, "IK.18")
    assert submission is not None and submission.status == "terkirim"
    assert submission.current_revision == 2 and len(revisions) == 2
    assert audit_actions(app, "disetujui") == []
    assert "baru saja diubah" in kabid.text and "Budi" in kabid.text and "revisi 2" in kabid.text
    assert "90 / 100 = 90%" in kabid.text  # the fresh figures, with Setujui again
    assert not any("disetujui" in n for n in outbox_to(app, kasi))

    await kabid.press("Setujui")  # now on what the kabid saw: revision 2
    submission, _ = slot(app, "IK.18")
    assert submission is not None and submission.status == "disetujui"
    assert [a["revisi"] for a in audit_actions(app, "disetujui")] == [2]


async def test_two_admins_deciding_one_change_request_end_with_one_decision(
    app: Conversations, team: dict[str, Chat]
) -> None:
    kasi, admin, admin2 = team["kasi"], team["admin"], team["admin2"]
    await report(kasi, "IK.18", "100", "100")
    await kasi.press("Simpan")
    await admin.send("/kunci")
    await admin.press("TW IV 2025")
    await admin.press("Kunci sekarang")
    await kasi.send("/lapor")  # on TW IV, locked
    await kasi.press("IK.18")
    await kasi.press("Ubah angka")
    for figure in ("90", "100", "Kendala", "Upaya"):
        await kasi.send(figure)
    await kasi.send("Temuan inspektorat")
    await kasi.press("Simpan")
    told_before = len(outbox_to(app, kasi))

    for chat in (admin, admin2):
        await chat.send("/verifikasi")
        await chat.press("Perubahan #")
    with at_seam("decide_change", press_now(admin2, "Setujui perubahan")) as ran:
        await admin.press("Tolak")
    assert ran == [1]

    with transaction(app.engine) as session:
        (change,) = session.exec(select(ChangeRequest)).all()
    assert change.status == "disetujui"
    _, revisions = slot(app, "IK.18")
    assert sorted(r.numerator for r in revisions) == [D(90), D(100)]  # applied once
    assert len(audit_actions(app, "perubahan_disetujui")) == 1
    assert audit_actions(app, "perubahan_ditolak") == []
    told = outbox_to(app, kasi)[told_before:]
    assert len(told) == 1 and "disetujui" in told[0]  # never "ditolak" as well
    assert "baru saja diputuskan" in admin.text and "Admin Dua" in admin.text


async def test_two_first_reports_of_one_indicator_are_a_conflict_not_an_outage(
    app: Conversations, team: dict[str, Chat]
) -> None:
    kasi, helper = team["kasi"], team["delegate"]
    with transaction(app.engine) as session:
        org = resolve_organisation(session=session)
        assert org.id is not None
        owner = find_position(session=session, organisation_id=org.id, name="Kasi Penempatan TK")
        deputy = find_position(session=session, organisation_id=org.id, name="Kasi Perencanaan TK")
        assert owner.position and deputy.position
        delegate(
            session=session,
            organisation_id=org.id,
            position_id=owner.position.id or 0,
            delegate_id=deputy.position.id or 0,
            by=None,
            now=app.clock(),
        )
    await report(helper, "IK.18", "100", "100")
    await report(kasi, "IK.18", "98", "100", "Kendala", "Upaya")
    assert "Pratinjau" in kasi.text and "Pratinjau" in helper.text
    with at_seam("save_revision", press_now(helper, "Simpan")) as ran:
        await kasi.press("Simpan")
    assert ran == [1] and "tersimpan" in helper.text

    _, revisions = slot(app, "IK.18")
    assert len(revisions) == 1 and revisions[0].numerator == D(100)
    assert "gangguan" not in kasi.text
    assert "baru saja disimpan" in kasi.text and "Dewi" in kasi.text
    assert "revisi 1" in kasi.text
    # the kasi's way forward is the correction path: figures again and a reason
    await kasi.press("Ubah angka")
    for figure in ("98", "100", "Kendala", "Upaya"):
        await kasi.send(figure)
    assert "alasan perubahan" in kasi.text
    await kasi.send("Angka dari rekap seksi")
    await kasi.press("Simpan")
    _, revisions = slot(app, "IK.18")
    by_number = {r.number: r for r in revisions}
    assert by_number[2].numerator == D(98) and by_number[2].reason == "Angka dari rekap seksi"


async def test_a_former_holder_cannot_save_from_an_old_preview(
    app: Conversations, team: dict[str, Chat]
) -> None:
    kasi = team["kasi"]
    await report(kasi, "IK.18", "100", "100")
    assert "Pratinjau" in kasi.text
    plt = Chat(app, 36, "Pelaksana")
    await plt.register("Kasi Penempatan Tenaga Kerja", acting=True)
    assert "Selamat datang" in plt.text
    await kasi.press("Simpan")
    assert "tidak disimpan" in kasi.text and "sudah tidak memegang jabatan" in kasi.text
    submission, revisions = slot(app, "IK.18")
    assert submission is None and revisions == []


async def test_a_quarter_locked_during_the_preview_asks_for_a_reason_first(
    app: Conversations, team: dict[str, Chat]
) -> None:
    kasi, admin = team["kasi"], team["admin"]
    await report(kasi, "IK.18", "100", "100")
    assert "Pratinjau" in kasi.text
    await admin.send("/kunci")
    await admin.press("TW IV 2025")
    await admin.press("Kunci sekarang")
    await kasi.press("Simpan")
    assert "baru saja dikunci" in kasi.text and "alasan perubahan" in kasi.text
    with transaction(app.engine) as session:
        assert session.exec(select(ChangeRequest)).all() == []
    await kasi.send("Laporan terlambat karena jaringan")
    assert "Pratinjau" in kasi.text
    await kasi.press("Simpan")
    assert "dikirim ke admin" in kasi.text
    with transaction(app.engine) as session:
        (change,) = session.exec(select(ChangeRequest)).all()
        period = session.get(Period, change.period_id)
    assert change.reason == "Laporan terlambat karena jaringan"
    assert period is not None and period.locked
    assert slot(app, "IK.18") == (None, [])


async def test_a_dialog_state_that_moved_under_a_turn_runs_it_again_on_the_fresh_state(
    app: Conversations, team: dict[str, Chat]
) -> None:
    """The same person on a second device cancels while the first one's figure is in flight:
    the figure is not applied to a step that no longer exists."""
    kasi = team["kasi"]
    await kasi.send("/lapor")
    await kasi.press("IK.18")
    other_device = Chat(app, 31, "Budi")

    def cancel() -> None:
        other_device.result = app.run_turn(
            other_device.identity, Event.from_text("/batal"), app.clock()
        )

    with at_seam("store_state", cancel) as ran:
        await kasi.send("1700")
    assert ran == [1]
    assert other_device.result is not None
    assert "dibatalkan" in other_device.result.replies[0].text
    assert "tidak sedang mengisi" in kasi.text  # re-run on the fresh state: no flow open
    assert slot(app, "IK.18") == (None, [])
