"""A person's second app, their own stop of reminders, and what Meta tells about a contact."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from sicapai.handlers.port import Identity, Reply
from sicapai.models import outbox
from sicapai.models.db import transaction
from sicapai.models.organisation import ChatIdentity
from sicapai.models.outbox import OutboxMessage
from sicapai.runtime.conversations import Conversations
from sicapai.runtime.delivery import Delivery
from tests.bot.whatsapp.test_reporting import KASI
from tests.support.chat import Chat, Clock, invite
from tests.support.whatsapp import Phone, WhatsAppBot, chat_of
from tests.waapi import CloudApiStandIn


async def test_a_telegram_user_links_whatsapp_with_a_short_code(
    app: Conversations, wa: CloudApiStandIn, wabot: WhatsAppBot
) -> None:
    on_telegram = Chat(app, 31, "Budi")
    await on_telegram.register(KASI)
    phone = Phone(wa, "6281200000031", "Budi WA")
    await phone.say("HUBUNGKAN SALAH1", "tidak dikenal")
    await phone.link_from(on_telegram)
    await phone.say("lapor", "Laporan kinerja TW IV 2025")  # as the same person
    with transaction(app.engine) as session:
        telegram = session.exec(select(ChatIdentity).where(ChatIdentity.external_id == "31")).one()
        assert chat_of(session, phone.wa_id).person_id == telegram.person_id


async def test_berhenti_stops_whatsapp_reminders_and_the_admin_is_told(
    app: Conversations, wa: CloudApiStandIn, wabot: WhatsAppBot
) -> None:
    admin = Chat(app, 501, "Admin")
    await admin.send(f"/start {invite(app, None, admin=True)}")
    budi = Phone(wa)
    await budi.register(app, KASI)
    await budi.say("BERHENTI", "MULAI")
    with transaction(app.engine) as session:
        assert chat_of(session, budi.wa_id).reminders_stopped_at is not None
        told = [m.text for m in session.exec(select(OutboxMessage)).all()]
    assert any("Budi" in text and "pengingat" in text for text in told), told
    await budi.say("mulai", "kembali dikirim")
    with transaction(app.engine) as session:
        assert chat_of(session, budi.wa_id).reminders_stopped_at is None


async def test_the_business_scoped_id_is_kept_and_a_template_review_alerts_the_admin(
    app: Conversations, wa: CloudApiStandIn, wabot: WhatsAppBot
) -> None:
    admin = Chat(app, 501, "Admin")
    await admin.send(f"/start {invite(app, None, admin=True)}")
    budi = Phone(wa)
    await budi.register(app, KASI)
    await wa.user_sends_text(budi.wa_id, "/bantuan", bsuid="ID.1234567890")
    await wabot.channel.idle()
    with transaction(app.engine) as session:
        assert chat_of(session, budi.wa_id).business_id == "ID.1234567890"
    assert (
        await wa.template_status_update("pengingat_laporan", "id", "PAUSED", "LOW_QUALITY") == 200
    )
    await wabot.channel.idle()
    with transaction(app.engine) as session:
        alerts = [m.text for m in session.exec(select(OutboxMessage)).all() if "PAUSED" in m.text]
    assert len(alerts) == 1 and "pengingat_laporan" in alerts[0] and "LOW_QUALITY" in alerts[0]


async def test_a_photo_as_evidence_from_whatsapp(
    app: Conversations, wa: CloudApiStandIn, wabot: WhatsAppBot
) -> None:
    budi = Phone(wa)
    await budi.register(app, KASI)
    await budi.up_to_evidence_of_ik18()
    since = len(wa.sent)
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\xff\xd9"
    await wa.user_sends_image(budi.wa_id, jpeg)
    await budi.expect("diterima (1 berkas)", since)


async def test_with_the_whatsapp_token_refused_a_notice_goes_to_the_persons_telegram(
    app: Conversations, wa: CloudApiStandIn, wabot: WhatsAppBot
) -> None:
    on_telegram = Chat(app, 31, "Budi")
    await on_telegram.register(KASI)
    phone = Phone(wa, "6281200000031", "Budi WA")
    await phone.link_from(on_telegram)
    await phone.say("/bantuan", "/lapor")  # WhatsApp is now the channel last used
    await wabot.channel.idle()
    carried: list[tuple[Identity, Reply]] = []

    async def telegram(identity: Identity, reply: Reply) -> Delivery:
        carried.append((identity, reply))
        return Delivery(ok=True)

    wabot.outbox.register("telegram", telegram)
    with transaction(app.engine) as session:
        person = chat_of(session, phone.wa_id).person_id
        row = outbox.enqueue(session=session, person_id=person, text="Ada kabar.", now=app.clock())
        session.flush()
        notice = row.id
    wa.revoke_token()
    await wabot.outbox.drain([notice or 0])
    assert [(i.channel, r.text) for i, r in carried] == [("telegram", "Ada kabar.")]
    assert wa.count(190) >= 1


async def test_outside_the_window_a_notice_goes_to_the_persons_telegram_instead_of_waiting(
    app: Conversations, wa: CloudApiStandIn, wabot: WhatsAppBot, clock: Clock
) -> None:
    on_telegram = Chat(app, 31, "Budi")
    await on_telegram.register(KASI)
    phone = Phone(wa, "6281200000031", "Budi WA")
    await phone.link_from(on_telegram)  # WhatsApp: the last used
    await wabot.channel.idle()  # the "a chat was linked" notice has had its try
    carried: list[str] = []

    async def telegram(identity: Identity, reply: Reply) -> Delivery:
        carried.append(reply.text)
        return Delivery(ok=True)

    wabot.outbox.register("telegram", telegram)
    clock.now += timedelta(hours=30)
    with transaction(app.engine) as session:
        person = chat_of(session, phone.wa_id).person_id
        row = outbox.enqueue(session=session, person_id=person, text="Ada kabar.", now=clock.now)
        session.flush()
        notice = row.id
    since = len(wa.sent)
    await wabot.outbox.drain([notice or 0])
    assert carried == ["Ada kabar."]
    assert wa.sent[since:] == []  # no template: nothing waits on WhatsApp
