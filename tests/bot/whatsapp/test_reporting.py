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
    await budi.report_ik19()
    (revision,) = revisions(app, "IK.19")
    assert revision.value == D(1000)
    assert not wa.refused, wa.refused
    for message in budi.received():
        assert "<b>" not in message.text and "</" not in message.text


async def test_a_ratio_with_a_slip_then_a_correction_keeps_both_revisions(
    app: Conversations, wa: CloudApiStandIn, wabot: WhatsAppBot
) -> None:
    budi = Phone(wa)
    await budi.register(app, KASI)
    await budi.say("lapor", "Laporan kinerja TW IV 2025")
    await budi.tap("IK.18", "s.d. TW IV?")
    await budi.say("seratus", "bukan angka")  # a slip: words, not a number
    await budi.say("100", "Total Pelayanan Antar Kerja")
    preview = await budi.say("100", "Pratinjau")
    assert "Capaian: *100%*" in preview.text
    await budi.tap("Simpan", "Laporan tersimpan")

    await budi.say("lapor", "Laporan kinerja TW IV 2025")
    await budi.tap("IK.18", "Ubah angka")
    await budi.tap("Ubah angka", "s.d. TW IV?")
    await budi.say("90", "Total Pelayanan Antar Kerja")
    await budi.say("100", "kendala")
    await budi.say("Dua berkas tertinggal", "upaya perbaikan")
    await budi.say("Melengkapi berkas", "alasan perubahan")
    await budi.say("Salah hitung jumlah pelayanan", "Pratinjau")
    await budi.tap("Simpan", "Laporan tersimpan")
    first, second = sorted(revisions(app, "IK.18"), key=lambda r: r.number)
    assert (first.numerator, second.numerator) == (D(100), D(90))
    assert second.realisation == D(90) and second.denominator == D(100)
    assert second.reason == "Salah hitung jumlah pelayanan"
    assert not wa.refused, wa.refused


async def finish(phone: Phone) -> None:
    """Answer whatever the report asks after the figures, then save."""
    for _ in range(10):
        last = phone.received()[-1]
        titles = [title for _, title in last.buttons]
        if "tersimpan" in last.text:
            return
        if any("Simpan" in t for t in titles):
            await phone.tap("Simpan", "tersimpan")
        elif any("Lewati" in t for t in titles):
            await phone.tap("Lewati", "")
        else:
            await phone.say("Catatan singkat", "")
    raise AssertionError([m.text[:80] for m in phone.received()[-3:]])


async def test_a_yearly_indicator_is_reported_in_tw_iv_over_whatsapp(
    app: Conversations, wa: CloudApiStandIn, wabot: WhatsAppBot
) -> None:
    kadis = Phone(wa, "6281200000505", "Kepala")
    await kadis.register(app, "Kepala Dinas")
    listing = await kadis.say("lapor", "Laporan kinerja TW IV 2025")
    assert listing.kind == "list" and len(listing.rows) <= 10
    await kadis.tap("IK.03", "IK.03")
    await kadis.say("65,21", "capaian")
    await finish(kadis)
    (revision,) = revisions(app, "IK.03")
    assert revision.value == D("65.21")
    assert not wa.refused, wa.refused


async def test_capaian_and_the_command_menu_on_whatsapp(
    app: Conversations, wa: CloudApiStandIn, wabot: WhatsAppBot
) -> None:
    budi = Phone(wa)
    await budi.register(app, KASI)
    menu = await budi.say("menu", "")
    assert menu.kind in ("list", "button") and len(menu.buttons) <= 10
    titles = " ".join(title for _, title in menu.buttons)
    assert "lapor" in titles.lower() or "Lapor" in titles
    await budi.say("capaian", "Belum ada data capaian untuk TW IV 2025")
    await budi.report_ik19("lapor")
    summary = await budi.say("/capaian", "IK.19")
    assert "<" not in summary.text and len(summary.text) <= 4096
    assert not wa.refused, wa.refused
