"""The Telegram adapter renders the core's markup at the last moment (`texts/markup.py`).

A valid text goes out as it is, with parse_mode HTML (the Application's default); a text
outside the markup — a bug in the core, never the person's doing — is not sent for Telegram to
refuse: it goes out at once as the same words in plain text.
"""

from __future__ import annotations

from typing import Any

from sicapai.bot.telegram import deliver
from sicapai.handlers.port import Reply


class RecordingBot:
    """Just enough of a bot for `deliver`: what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def send_message(self, chat_id: int, text: str, **extra: Any) -> None:
        self.sent.append({"chat_id": chat_id, "text": text, **extra})


async def test_valid_markup_is_sent_as_it_is() -> None:
    bot = RecordingBot()
    text = "Dari: <b>&lt;b&gt;A&amp;B&lt;/b&gt;</b>"
    delivery = await deliver(bot, 7, Reply(text=text))
    assert delivery.ok
    (sent,) = bot.sent
    assert sent["text"] == text and "parse_mode" not in sent  # the default: HTML


async def test_a_text_outside_the_markup_goes_out_as_plain_words() -> None:
    bot = RecordingBot()
    delivery = await deliver(bot, 7, Reply(text="<u>Laporan</u> A & B <b>tersimpan</b>"))
    assert delivery.ok
    (sent,) = bot.sent  # one send: Telegram is never asked to parse it
    assert sent["text"] == "Laporan A & B tersimpan" and sent["parse_mode"] is None
