"""The webhook done right: signatures, the handshake, at most once, statuses, late messages."""

from __future__ import annotations

import httpx
from sqlmodel import select

from sicapai.models import sent_messages
from sicapai.models.db import transaction
from sicapai.models.inbox import InboundUpdate
from sicapai.models.organisation import ChatIdentity
from sicapai.models.outbox import OutboxMessage
from sicapai.models.sent_messages import SentMessage
from sicapai.runtime.conversations import Conversations
from tests.bot.whatsapp.test_reporting import KASI, revisions
from tests.support.chat import Chat, invite
from tests.support.whatsapp import Phone, WhatsAppBot
from tests.waapi import CloudApiStandIn
from tests.waapi.webhooks import encode, envelope, messages_value


def session_chat(app: Conversations, external_id: str) -> ChatIdentity:
    with transaction(app.engine) as session:
        return session.exec(
            select(ChatIdentity).where(ChatIdentity.external_id == external_id)
        ).one()


def text_body(api: CloudApiStandIn, wa_id: str, wamid: str, text: str) -> bytes:
    message = {
        "from": wa_id,
        "id": wamid,
        "timestamp": str(int(api.now().timestamp())),
        "type": "text",
        "text": {"body": text},
    }
    contacts = [{"profile": {"name": "Palsu"}, "wa_id": wa_id}]
    value = messages_value(api.phone_number_id, "6281100000000", contacts, [message])
    return encode(envelope(api.waba_id, "messages", value))


async def test_a_redelivered_webhook_stores_one_revision_and_sends_no_second_reply(
    app: Conversations, wa: CloudApiStandIn, wabot: WhatsAppBot
) -> None:
    budi = Phone(wa)
    await budi.register(app, KASI)
    await budi.say("/lapor", "Laporan kinerja TW IV 2025")
    await budi.tap("IK.19", "s.d. TW IV")
    since = len(wa.sent)
    wamid = await wa.user_sends_text(budi.wa_id, "1.000")
    await budi.expect("faktor pendorong", since)
    await wabot.channel.idle()
    replies = len(wa.sent)
    assert await wa.redeliver(wamid) == 200
    assert await wa.redeliver(wamid) == 200
    await wabot.channel.idle()
    assert len(wa.sent) == replies  # nothing answered twice
    await budi.tap("Simpan", "Laporan tersimpan")
    assert len(revisions(app, "IK.19")) == 1
    with transaction(app.engine) as session:
        rows = session.exec(select(InboundUpdate).where(InboundUpdate.external_id == wamid)).all()
    assert len(rows) == 1 and rows[0].status == "diproses"


async def test_unsigned_or_forged_webhooks_are_refused_and_do_nothing(
    app: Conversations, wa: CloudApiStandIn, wabot: WhatsAppBot
) -> None:
    body = text_body(wa, "6281299999999", "wamid.forged-1", "/bantuan")
    assert await wa.post_webhook(body, None) == 401
    assert await wa.post_webhook(body, "sha256=" + "0" * 64) == 403
    forged = body.replace(b"/bantuan", b"/lapor!!")
    assert await wa.post_webhook(forged, wa.signature(body)) == 403  # signed other bytes
    await wabot.channel.idle()
    assert wa.sent == []
    with transaction(app.engine) as session:
        assert session.exec(select(InboundUpdate)).all() == []
    # a message Meta signs with the app secret is taken
    await Phone(wa, "6281299999999").say("/bantuan", "belum terdaftar")


async def test_the_handshake_health_and_nothing_else(
    wa: CloudApiStandIn, wabot: WhatsAppBot
) -> None:
    assert await wa.subscribe(wabot.url, verify_token="salah") is False
    assert await wa.subscribe(wabot.url) is True
    base = f"http://127.0.0.1:{wabot.web.port}"
    async with httpx.AsyncClient() as client:
        assert (await client.get(f"{base}/healthz")).status_code == 200
        assert (await client.get(f"{base}/admin")).status_code == 404
        assert (await client.post(f"{base}/webhook/telegram", content=b"{}")).status_code == 404
        big = b"{" + b" " * (4 * 1024 * 1024 + 10) + b"}"
        response = await client.post(
            f"{base}/webhook/whatsapp", content=big, headers={"X-Hub-Signature-256": "x"}
        )
        assert response.status_code == 413


async def test_statuses_in_any_order_keep_the_furthest_and_an_undeliverable_contact_is_marked(
    app: Conversations, wa: CloudApiStandIn, wabot: WhatsAppBot
) -> None:
    admin = Chat(app, 501, "Admin")
    await admin.send(f"/start {invite(app, None, admin=True)}")
    budi = Phone(wa)
    await budi.register(app, KASI)
    wa.reorder_statuses()
    reply = await budi.say("/bantuan", "/lapor")
    await wa.settle()
    await wabot.channel.idle()
    await wabot.channel.flush_records()
    with transaction(app.engine) as session:
        row = sent_messages.find(
            session=session, channel="whatsapp", account=wa.phone_number_id, message_id=reply.wamid
        )
        assert row is not None and row.status == sent_messages.READ and row.kind == "reply"
    # WhatsApp reports a later message undeliverable (the person left WhatsApp)
    wa.set_unreachable(budi.wa_id)
    await budi.say("/bantuan", "/lapor")
    await wa.settle()
    await wabot.channel.idle()
    with transaction(app.engine) as session:
        chat = session.exec(
            select(ChatIdentity).where(ChatIdentity.external_id == budi.wa_id)
        ).one()
        assert chat.unreachable_at is not None
        failed = session.exec(
            select(SentMessage).where(SentMessage.status == sent_messages.FAILED)
        ).all()
        assert [f.error_code for f in failed] == [131026]
        warnings = session.exec(select(OutboxMessage)).all()
    # the office's admin is told, once
    (warning,) = [w for w in warnings if "tidak dapat dikirim lewat WhatsApp" in w.text]
    admin_chat = session_chat(app, admin.identity.external_id)
    assert warning.person_id == admin_chat.person_id


async def test_a_message_held_up_for_hours_is_answered_not_replayed(
    app: Conversations, wa: CloudApiStandIn, wabot: WhatsAppBot
) -> None:
    budi = Phone(wa)
    await budi.register(app, KASI)
    await budi.say("/lapor", "Laporan kinerja TW IV 2025")
    wa.advance(-3 * 3600)  # Meta delivers it three hours after Budi sent it
    await budi.tap("IK.19", "tertunda")
    wa.advance(3 * 3600)
    await budi.say("/lapor", "Laporan kinerja TW IV 2025")
