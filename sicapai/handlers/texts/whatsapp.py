"""What the WhatsApp channel itself says: the list button, and the texts of the two message
templates an office submits to Meta (docs/operations.md quotes them; they must match)."""

from __future__ import annotations

LIST_BUTTON = "Pilih"  # the button that opens a list of choices (at most 20 characters)
CHOOSE = "Silakan pilih:"  # the body of choices that follow an image or a document
IMAGE_NAME = "grafik.png"

# The approved UTILITY templates (names set by WHATSAPP_REMINDER_TEMPLATE and
# WHATSAPP_NOTICE_TEMPLATE). Placeholders never start or end a template (Meta refuses that).
REMINDER_TEMPLATE = (
    "Yth. {{1}}, laporan capaian kinerja {{2}} jatuh tempo pada {{3}}. Masih ada {{4}} "
    "indikator yang belum dilaporkan. Balas pesan ini atau ketuk tombol di bawah untuk "
    "melapor melalui SiCapai."
)
REMINDER_BUTTON = "Lapor sekarang"
NOTICE_TEMPLATE = (
    "Yth. {{1}}, ada pemberitahuan baru untuk Anda di SiCapai. Balas pesan ini untuk melihatnya."
)

# --- what the office's admins are told -------------------------------------------------------
TEMPLATE_CHANGED = (
    "⚠️ <b>Templat WhatsApp berubah status</b>\n"
    "Templat <code>{name}</code> ({language}) kini berstatus <b>{event}</b>{reason}. "
    "Selama templat ini tidak berstatus APPROVED, pengingat dan pemberitahuan untuk orang yang "
    "lebih dari 24 jam tidak menulis di WhatsApp dikirim lewat saluran lain mereka, atau "
    "menunggu sampai mereka menulis lagi. Periksa templat di WhatsApp Manager."
)
TEMPLATE_REASON = " (alasan: {reason})"
SEND_ALERT = (
    "⚠️ <b>Pengiriman WhatsApp bermasalah</b>\n"
    "Meta menolak pesan dengan kode {code}: {detail}. Pesan yang tertunda akan dicoba lagi "
    "nanti dan, bila ada, dikirim lewat saluran lain penerimanya. Periksa pengaturan "
    "WhatsApp (token, templat) dengan <code>sicapai cek</code>."
)
NO_TEMPLATE = "templat untuk pesan di luar 24 jam belum diatur"
WINDOW_CLOSED = "lebih dari 24 jam sejak penerima terakhir menulis di WhatsApp"
TIER_REACHED = "batas harian WhatsApp untuk orang di luar 24 jam tercapai"
TIER_ALERT = (
    "⚠️ <b>Batas harian WhatsApp tercapai</b>\n"
    "Hari ini SiCapai sudah mengirim templat ke {limit} orang yang lebih dari 24 jam tidak "
    "menulis, batas yang diberikan Meta untuk akun bisnis ini. Pengingat selebihnya dikirim "
    "lewat saluran lain penerimanya bila ada, atau dicoba lagi pada jadwal pengingat "
    "berikutnya; siapa yang belum menerima terlihat di <code>sicapai pengingat</code>. "
    "Verifikasi bisnis di Meta menaikkan batas ini (2.000, lalu 10.000 orang sehari)."
)
