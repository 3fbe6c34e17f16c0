"""A local stand-in for the Telegram Bot API, so the real bot can be tested end to end offline.

Why it exists: the bot can never reach Telegram from here, and mocking python-telegram-bot's
methods would only test our own assumptions about Telegram. This stand-in speaks the Bot API
over HTTP instead, so the real `telegram.ext.Application` (polling, sending, editing,
uploading, downloading) — or a separate `sicapai run` process started with
TELEGRAM_BASE_URL=<base_url> — runs against it unchanged, and tests can act as users and
inspect what the bot sent.

What it checks, answering like Telegram does and with Telegram's own error descriptions
(python-telegram-bot turns those into `BadRequest`, `Forbidden`, `RetryAfter`, ...):

- message text 1..4096 characters after entity parsing, captions up to 1024;
- `parse_mode` HTML, parsed the way Telegram's parser does: supported tags only, every tag
  closed and properly nested, `<` and `&` escaped (Markdown and MarkdownV2, which SiCapai
  never sends, are refused with a 400 saying the stand-in does not implement them);
- inline keyboards: callback_data 1..64 bytes per button, at most 100 buttons;
- edits: "message is not modified", "message to edit not found", only the bot's own messages;
- answerCallbackQuery: text up to 200 characters, each query answered at most once;
- flood control: optional global and per-chat send limits, answered with 429 + retry_after;
- blocked users (403), long polls that conflict with each other (409), and whatever faults a
  test injects (`fail_next`, `delay_next`).

Deliberate simplifications are listed on `BotApiStandIn`.

The modules, each importing only those above it:

- `errors`: Telegram-shaped failure answers; `records`: what tests read (`SentMessage`, ...);
- `entities`: HTML to text + entities; `markup`: keyboards; `params`: reading a call;
  `files`: the file store and image checks;
- `state`: what Telegram keeps for one token; `methods_bot`, `methods_messages`,
  `methods_files`: the Bot API methods; `bot`: `StandInBot`, dispatch and test hooks;
- `server`: the aiohttp server, `BotApiStandIn`.
"""

from .bot import StandInBot
from .records import ApiCall, SentMessage, UploadedFile
from .server import BotApiStandIn
from .state import DEFAULT_TOKEN

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "BotApiStandIn",
    "SentMessage",
    "StandInBot",
    "UploadedFile",
]
