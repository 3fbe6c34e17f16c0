"""Replies as Cloud API messages: WhatsApp's limits, whatever the flow asked for."""

from __future__ import annotations

from datetime import UTC, datetime

from sicapai.bot.whatsapp.channel import _from_payload, _payload
from sicapai.bot.whatsapp.inbound import InboundMessage
from sicapai.bot.whatsapp.render import CAPABILITIES, render, template
from sicapai.handlers.port import Button, Reply
from sicapai.handlers.shaping import Draft, shape


def buttons(n: int, label: str = "Pilihan") -> list[list[Button]]:
    return [[Button(f"{label} {i}", f"x:1:a:{i}")] for i in range(n)]


def test_up_to_three_short_choices_are_reply_buttons() -> None:
    (message,) = render(Reply("<b>Simpan</b> laporan?", buttons(3)))
    interactive = message.body["interactive"]
    assert interactive["type"] == "button"
    assert interactive["body"]["text"] == "*Simpan* laporan?"
    assert [b["reply"]["title"] for b in interactive["action"]["buttons"]] == [
        "Pilihan 0",
        "Pilihan 1",
        "Pilihan 2",
    ]


def test_four_choices_or_a_long_title_make_a_list_with_the_whole_label_described() -> None:
    (four,) = render(Reply("Pilih:", buttons(4)))
    assert four.body["interactive"]["type"] == "list"
    label = "IK.18 Persentase pelayanan antar kerja yang dijalankan sesuai prosedur"
    drafts = [Draft("Pilih indikator:", [[(label, "lp", "i:18")]])]
    (reply,) = shape(drafts, CAPABILITIES, lambda dialog, action: f"{dialog}:1:{action}")
    (message,) = render(reply)
    (row,) = message.body["interactive"]["action"]["sections"][0]["rows"]
    assert row["title"].startswith("IK.18") and len(row["title"]) <= 24
    assert row["description"] == label and len(label) <= 72


def test_more_than_ten_choices_go_in_several_messages_of_at_most_ten() -> None:
    messages = render(Reply("Banyak pilihan", buttons(23)))
    assert [len(m.buttons) for m in messages] == [10, 10, 3]
    assert [m.body["interactive"]["type"] for m in messages] == ["list", "list", "button"]
    assert messages[0].body["interactive"]["body"]["text"] == "Banyak pilihan"


def test_equal_titles_are_made_unique() -> None:
    same = [[Button("Lewati", "a:1:x"), Button("Lewati", "a:1:y")]]
    (message,) = render(Reply("?", same))
    titles = [b["reply"]["title"] for b in message.body["interactive"]["action"]["buttons"]]
    assert titles == ["Lewati", "Lewati (2)"]


def test_a_long_body_with_buttons_becomes_a_list_and_a_caption_is_cut_to_1024() -> None:
    (message,) = render(Reply("x" * 2000, buttons(2)))
    assert message.body["interactive"]["type"] == "list"  # reply buttons allow 1,024
    image, choices = render(Reply("<b>Grafik</b> " + "y" * 1500, buttons(2), photo=b"\x89PNG"))
    assert image.body["type"] == "image" and len(image.body["image"]["caption"]) <= 1024
    assert image.body["image"]["caption"].startswith("*Grafik*")
    assert choices.body["type"] == "interactive"  # the chart's choices follow it


def test_template_parameters_carry_no_new_lines_or_runs_of_spaces() -> None:
    body = template(
        "pengingat_laporan", "id", ("Budi\nSantoso", "TW  IV     2025"), quick_reply="r"
    )
    parameters = body["template"]["components"][0]["parameters"]
    assert [p["text"] for p in parameters] == ["Budi Santoso", "TW IV 2025"]
    assert body["template"]["components"][1]["parameters"][0]["payload"] == "r"


def test_a_message_kept_in_the_inbox_comes_back_whole_after_a_restart() -> None:
    message = {"from": "6281", "id": "wamid.1", "timestamp": "1764547200", "type": "text"}
    kept = InboundMessage(
        "100", "6281", "Budi", "ID.9", "wamid.1", datetime(2025, 12, 1, tzinfo=UTC), message
    )
    assert _from_payload(_payload(kept), "100") == kept
