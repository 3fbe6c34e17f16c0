"""What goes out on WhatsApp: charts, evidence in, a restart, the platform's limits and errors."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

from sqlmodel import select

from sicapai.models import outbox
from sicapai.models.db import transaction
from sicapai.models.organisation import ChatIdentity
from sicapai.models.performance import Evidence
from sicapai.models.queries import resolve_organisation
from sicapai.models.seeding import DEMO_FILE, bundled_path, load_demo
from sicapai.runtime.conversations import Conversations
from tests.bot.whatsapp.test_reporting import KASI, revisions
from tests.support.chat import Chat, Clock, invite
from tests.support.whatsapp import Phone, WhatsAppBot, add_templates, running
from tests.waapi import CloudApiStandIn


async def test_grafik_arrives_as_an_image_with_its_caption(
    app: Conversations, wa: CloudApiStandIn, wabot: WhatsAppBot
) -> None:
    with transaction(app.engine) as session:
        load_demo(session, bundled_path(DEMO_FILE), resolve_organisation(session=session))
    kadis = Phone(wa, "6281200000505", "Kepala")
    await kadis.register(app, "Kepala Dinas")
    await kadis.say("/grafik", "Grafik apa")
    since = len(wa.sent)
    await wa.user_presses(kadis.wa_id, "Capaian per indikator")
    image = await wa.wait_for(lambda m: m.kind == "image", 30, since=since)
    assert image.media is not None and image.media[:8] == b"\x89PNG\r\n\x1a\n"
    assert "TW IV 2025" in image.text and len(image.text) <= 1024
    assert not wa.refused


async def test_evidence_sent_from_whatsapp_is_downloaded_and_kept(
    app: Conversations, wa: CloudApiStandIn, wabot: WhatsAppBot
) -> None:
    budi = Phone(wa)
    await budi.register(app, KASI)
    await budi.up_to_evidence_of_ik18()
    content = b"%PDF-1.4 daftar hadir pelayanan antar kerja"
    await budi.send_document(content, "daftar-hadir.pdf", "diterima (1 berkas)")
    await budi.tap("Selesai kirim bukti", "Pratinjau laporan")
    await budi.tap("Simpan", "Laporan tersimpan")
    with transaction(app.engine) as session:
        (kept,) = session.exec(select(Evidence)).all()
    assert kept.filename == "daftar-hadir.pdf"
    assert kept.sha256 == hashlib.sha256(content).hexdigest()
    assert await asyncio.to_thread(Path(kept.path).read_bytes) == content


async def test_a_restart_in_the_middle_of_a_report_resumes_the_step(
    app: Conversations, wa: CloudApiStandIn, clock: Clock, tmp_path: Path
) -> None:
    budi = Phone(wa)
    async with running(app, wa):
        await budi.register(app, KASI)
        await budi.say("/lapor", "Laporan kinerja TW IV 2025")
        await budi.tap("IK.19", "s.d. TW IV")
        await budi.say("1.00O", "bukan angka")  # a slip: the letter O
        await budi.say("950", "kendala")
    second = Conversations(app.engine, files_dir=tmp_path / "bukti2", clock=clock)
    try:
        async with running(second, wa):  # the process went away mid-flow
            await budi.say("Lowongan sedikit", "upaya perbaikan")
            await budi.say("Job fair", "faktor pendorong")
            await budi.tap("Simpan", "Laporan tersimpan")
    finally:
        await second.close()
    (revision,) = revisions(app, "IK.19")
    assert revision.value == 950 and revision.kendala == "Lowongan sedikit"


async def test_the_pair_rate_is_kept_by_pacing_and_survived_when_meta_says_so(
    app: Conversations, clock: Clock
) -> None:
    async with CloudApiStandIn(clock=clock, pair_rate=(2, 0.5)) as api:
        add_templates(api)
        budi = Phone(api)
        # pacing off: Meta refuses the third quick message; the send waits and tries again
        async with running(app, api, pair_interval=0.0, pair_pause=0.6):
            await budi.register(app, KASI)
            since = len(api.sent)
            for _ in range(3):
                await api.user_sends_text(budi.wa_id, "/bantuan")
            while sum("/lapor" in m.text for m in api.sent[since:]) < 3:
                await api.wait_for(lambda m: "/lapor" in m.text, since=len(api.sent))
        assert api.count(131056) >= 1
        refused = api.count(131056)
        # pacing on, as Meta's bucket: nothing refused (someone whose bucket is full)
        sari = Phone(api, "6281200000077", "Sari")
        async with running(app, api, pair_interval=0.5, pair_burst=2):
            await sari.register(app, "Kasi Transmigrasi")
            since = len(api.sent)
            for _ in range(4):
                await api.user_sends_text(sari.wa_id, "/bantuan")
            while sum("/lapor" in m.text for m in api.sent[since:]) < 4:
                await api.wait_for(lambda m: "/lapor" in m.text, since=len(api.sent))
        assert api.count(131056) == refused, api.refused


async def test_the_numbers_throughput_reached_pauses_and_retries(
    app: Conversations, wa: CloudApiStandIn, wabot: WhatsAppBot
) -> None:
    budi = Phone(wa)
    await budi.register(app, KASI)
    wa.fail_next(130429)
    await budi.say("/bantuan", "/lapor")
    assert wa.count(130429) == 1


async def test_an_expired_token_alerts_the_admin_and_the_notice_waits(
    app: Conversations, wa: CloudApiStandIn, wabot: WhatsAppBot
) -> None:
    admin = Chat(app, 501, "Admin")
    await admin.send(f"/start {invite(app, None, admin=True)}")
    budi = Phone(wa)
    await budi.register(app, KASI)
    with transaction(app.engine) as session:
        chat = session.exec(
            select(ChatIdentity).where(ChatIdentity.external_id == budi.wa_id)
        ).one()
        row = outbox.enqueue(
            session=session, person_id=chat.person_id, text="Ada kabar.", now=app.clock()
        )
        session.flush()
        notice = row.id
    wa.revoke_token()
    await wabot.outbox.drain([notice or 0])
    await wabot.channel.idle()
    with transaction(app.engine) as session:
        kept = session.get(outbox.OutboxMessage, notice)
        assert kept is not None and kept.status == outbox.PENDING and kept.next_attempt_at
        alerts = [
            m for m in session.exec(select(outbox.OutboxMessage)).all() if "kode 190" in m.text
        ]
    assert len(alerts) == 1  # to the admin, once, however many sends fail
    wa.restore_token()
    await wabot.outbox.drain([notice or 0])


async def test_a_send_that_timed_out_is_not_sent_again(
    app: Conversations, wa: CloudApiStandIn
) -> None:
    budi = Phone(wa)
    async with running(app, wa, send_timeout=0.5) as bot:
        await budi.register(app, KASI)
        since = len(wa.sent)
        wa.delay_next(1.5)  # Meta takes the message but answers too late
        await wa.user_sends_text(budi.wa_id, "/bantuan")
        await bot.channel.idle()
        await wa.settle()
    helps = [m for m in wa.sent[since:] if "/lapor" in m.text]
    assert len(helps) == 1  # carried once, never repeated
