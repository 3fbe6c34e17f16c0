"""A kasi reports over WhatsApp end to end, against the Cloud API stand-in."""

from __future__ import annotations

from decimal import Decimal as D

from sqlalchemy.engine import Engine
from sqlmodel import select

from sicapai.models.db import transaction
from sicapai.models.performance import Indicator, Revision, Submission
from sicapai.runtime.conversations import Conversations
from tests.support.whatsapp import Phone, WhatsAppBot
from tests.waapi import CloudApiStandIn

KASI = "Kasi Penempatan TK"


def revisions(app: Conversations, code: str) -> list[Revision]:
    return revisions_in(app.engine, code)


def revisions_in(engine: Engine, code: str) -> list[Revision]:
    with transaction(engine) as session:
        indicator = session.exec(select(Indicator).where(Indicator.code == code)).one()
        return list(
            session.exec(
                select(Revision)
                .join(Submission, Submission.id == Revision.submission_id)  # type: ignore[arg-type]
                .where(Submission.indicator_id == indicator.id)
            ).all()
        )


async def test_a_kasi_reports_a_count_over_whatsapp(
    app: Conversations, wa: CloudApiStandIn, wabot: WhatsAppBot
) -> None:
    budi = Phone(wa)
    await budi.register(app, KASI)
    await budi.say("/lapor", "Laporan kinerja TW IV 2025")
    await budi.tap("IK.19", "s.d. TW IV")
    await budi.say("1.000", "faktor pendorong")
    await budi.tap("Lewati", "bukti dukung")
    await budi.tap("Lewati", "Pratinjau")
    await budi.tap("Simpan", "Laporan tersimpan")
    (revision,) = revisions(app, "IK.19")
    assert revision.value == D(1000)
    assert not wa.refused, wa.refused
    for message in budi.received():
        assert "<b>" not in message.text and "</" not in message.text
