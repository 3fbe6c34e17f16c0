"""A local stand-in for the Telegram Bot API, so the real bot can be tested end to end offline."""

from .server import (
    DEFAULT_TOKEN,
    ApiCall,
    BotApiStandIn,
    SentMessage,
    StandInBot,
    UploadedFile,
)

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "BotApiStandIn",
    "SentMessage",
    "StandInBot",
    "UploadedFile",
]
