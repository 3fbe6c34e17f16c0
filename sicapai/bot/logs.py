"""Logging for the running bot, with the token scrubbed from every record.

httpx logs request URLs, and the Bot API puts the token in the URL; a filter on the handler
replaces it before anything is written.
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


def setup_logging(token: str | None, *secrets: str | None, verbose: bool = False) -> None:
    """`token` and every other secret (the WhatsApp token, app secret, verify token) are
    replaced wherever they would appear."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for secret in (token, *secrets):
        if secret:
            handler.addFilter(RedactToken(secret))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    logging.getLogger("httpx").setLevel(logging.INFO if verbose else logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
