"""Logging for the running bot, with the token scrubbed from every record.

httpx logs request URLs, and the Bot API puts the token in the URL; a filter on the handler
replaces it before anything is written.

A bot that cannot reach the Bot API at start-up ends with one line saying so (`cmd_run`);
python-telegram-bot logs the same failure first with three chained tracebacks, which only
buries that line. Unless `--verbose`, that one record is dropped, as are the migration
checker's routine INFO lines.
"""

from __future__ import annotations

import logging
import sys

REDACTED = "<TOKEN>"


class RedactToken(logging.Filter):
    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secret:
            return True
        message = record.getMessage()
        if self.secret in message:
            record.msg = message.replace(self.secret, REDACTED)
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            if self.secret in text:
                record.exc_text = text.replace(self.secret, REDACTED)
                record.exc_info = None
        return True


class QuietStartupFailure(logging.Filter):
    """Drop PTB's "Network Retry Loop (Bootstrap …) … Aborting." record with its tracebacks:
    the start-up error it reports is caught by `cmd_run` and said in one Indonesian line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("telegram"):
            return True
        head = str(record.args[0]) if isinstance(record.args, tuple) and record.args else ""
        return not (head.startswith("Network Retry Loop (Bootstrap") and "Aborting" in record.msg)


def setup_logging(token: str | None, *secrets: str | None, verbose: bool = False) -> None:
    """`token` and every other secret (the WhatsApp token, app secret, verify token) are
    replaced wherever they would appear."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for secret in (token, *secrets):
        if secret:
            handler.addFilter(RedactToken(secret))
    if not verbose:
        handler.addFilter(QuietStartupFailure())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    logging.getLogger("httpx").setLevel(logging.INFO if verbose else logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.INFO if verbose else logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
