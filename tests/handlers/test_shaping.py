"""Replies fitted to the channel's declared limits by the core: a channel with two buttons a
message and 40-character labels gets paged lists and shortened labels, nothing dropped."""

from __future__ import annotations

from dataclasses import replace

from sicapai.handlers.capabilities import Capabilities
from sicapai.handlers.port import Reply
from sicapai.handlers.shaping import Draft, shape, split_text
from sicapai.runtime.conversations import Conversations
from tests.support.chat import Chat

SMALL = Capabilities(
    channel="uji",
    message_length=400,
    caption_length=100,
    buttons_per_message=2,
    buttons_per_row=2,
    label_length=40,
    button_data_bytes=32,
    file_bytes=1024 * 1024,
    markup="plain",
)


def _fits(replies: list[Reply]) -> None:
    for reply in replies:
        buttons = [b for row in reply.buttons for b in row]
        assert len(buttons) <= SMALL.buttons_per_message, reply
        assert all(len(b.label) <= SMALL.label_length for b in buttons), reply
        assert all(len(b.data.encode()) <= SMALL.button_data_bytes for b in buttons), reply
        assert len(reply.text) <= SMALL.message_length, reply


async def test_a_small_channel_gets_paged_lists_and_short_labels(app: Conversations) -> None:
    kasi = Chat(app, 3001, "Budi")
    kasi.identity = replace(kasi.identity, channel="uji", capabilities=SMALL)
    await kasi.register("Kasi Penempatan Tenaga Kerja")
    await kasi.send("/lapor")
    _fits(kasi.replies)
    labels = [b.label for r in kasi.replies for row in r.buttons for b in row]
    indicators = [label for label in labels if "IK." in label]
    assert len(indicators) == 1  # one item a page: the page buttons take the rest
    assert "Berikutnya ›" in labels, labels
    assert any(label.startswith("TW") for label in labels)  # the periods follow, not dropped
    first = indicators[0]
    await kasi.press("Berikutnya ›")
    _fits(kasi.replies)
    second = [b.label for r in kasi.replies for row in r.buttons for b in row if "IK." in b.label]
    assert len(second) == 1 and second != [first]
    await kasi.press(second[0])
    _fits(kasi.replies)
    assert "Rumus:" in kasi.text


def test_buttons_beyond_a_message_follow_in_messages_of_their_own() -> None:
    long = "Kegiatan Penyusunan Rencana Tenaga Kerja Daerah Kabupaten Banjar"
    draft = Draft("Pilih satu:", [[(f"{n}. {long}", "lp", f"i:{n}")] for n in range(5)])
    replies = shape([draft], SMALL, lambda dialog, action: f"{dialog}:1:{action}")
    _fits(replies)
    assert [len([b for row in r.buttons for b in row]) for r in replies] == [2, 2, 1]
    assert replies[0].text == "Pilih satu:" and replies[1].text == "Pilihan lainnya:"
    assert replies[0].buttons[0][0].label.endswith("…")
    assert [b.data for r in replies for row in r.buttons for b in row] == [
        f"lp:1:i:{n}" for n in range(5)
    ]


def test_a_text_longer_than_a_message_is_split_at_a_line() -> None:
    lines = [f"• Baris ke-{n} dengan sedikit keterangan" for n in range(40)]
    pieces = split_text("\n".join(lines), 300)
    assert all(len(p) <= 300 for p in pieces) and len(pieces) > 1
    assert "\n".join(pieces).split("\n") == lines  # nothing lost, no line cut
