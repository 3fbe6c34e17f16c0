"""Telegram-shaped failure answers, shared by every part of the stand-in.

Why it exists: python-telegram-bot decides between `BadRequest`, `Forbidden`, `RetryAfter`
and the rest from the HTTP status, `description` and `parameters` of the answer, so every
refusal must have exactly Telegram's shape. Parsers and method handlers raise `ApiError`
wherever they notice a problem; the HTTP layer turns it into JSON in one place.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from aiohttp import web


class ApiError(Exception):
    """A Bot API failure answer; raised inside method handlers, turned into JSON once."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = int(status)
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad(description: str) -> ApiError:
    """A 400, with the "Bad Request: " prefix Telegram puts before every such description."""
    return ApiError(HTTPStatus.BAD_REQUEST, f"Bad Request: {description}")


def entity_error(detail: str) -> ApiError:
    """The 400 Telegram answers when parse_mode markup or explicit entities are wrong."""
    return bad(f"can't parse entities: {detail}")


def too_many(retry_after: int) -> ApiError:
    """Flood control's 429; PTB reads `retry_after` from `parameters`, not the description."""
    return ApiError(
        HTTPStatus.TOO_MANY_REQUESTS,
        f"Too Many Requests: retry after {retry_after}",
        retry_after=retry_after,
    )


def json_response(body: dict[str, Any], status: int = HTTPStatus.OK) -> web.Response:
    """Telegram's JSON, kept readable (non-ASCII unescaped) for whoever debugs a failing test."""
    return web.Response(
        text=json.dumps(body, ensure_ascii=False),
        status=status,
        content_type="application/json",
    )
