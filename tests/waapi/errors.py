"""Meta-shaped failure answers, shared by every part of the Cloud API stand-in.

Why it exists: the WhatsApp adapter decides whether to retry, pause, fall back to a template or
give up from the `code` (and HTTP status) of Meta's error object, so every refusal must carry
exactly Meta's shape: `{"error": {"message": "(#CODE) Title", "type", "code", "error_data":
{"messaging_product", "details"}, "error_subcode"?, "fbtrace_id"}}`. Validators and handlers
raise `GraphError` wherever they notice a problem; the HTTP layer turns it into JSON in one
place, and the stand-in records it as a `Refusal`.
"""

from __future__ import annotations

import json
import secrets
from http import HTTPStatus
from typing import Any

from aiohttp import web

# Meta's codes the stand-in answers with. Titles follow Meta's error-code table (and pywa's
# `errors.py`); the `details` of each refusal say what exactly was wrong.
INVALID_PARAMETER = 100
UNKNOWN_PATH = 2500
AUTH = 190
THROUGHPUT = 130429
MISSING_PARAMETER = 131008
INVALID_VALUE = 131009
UNDELIVERABLE = 131026
RE_ENGAGEMENT = 131047
SPAM_RATE = 131048
UNSUPPORTED_TYPE = 131051
MEDIA_UPLOAD = 131053
PAIR_RATE = 131056
TEMPLATE_PARAM_COUNT = 132000
TEMPLATE_MISSING = 132001
TEMPLATE_TOO_LONG = 132005
TEMPLATE_PARAM_VALUE = 132008
TEMPLATE_PARAM_FORMAT = 132012
TEMPLATE_PAUSED = 132015
TEMPLATE_DISABLED = 132016

TITLES: dict[int, str] = {
    INVALID_PARAMETER: "Invalid parameter",
    UNKNOWN_PATH: "Unknown path components",
    AUTH: "Invalid OAuth access token",
    THROUGHPUT: "Rate limit hit",
    MISSING_PARAMETER: "Required parameter is missing",
    INVALID_VALUE: "Parameter value is not valid",
    UNDELIVERABLE: "Message undeliverable",
    RE_ENGAGEMENT: "Re-engagement message",
    SPAM_RATE: "Spam rate limit hit",
    UNSUPPORTED_TYPE: "Message type unknown",
    MEDIA_UPLOAD: "Media upload error",
    PAIR_RATE: "(Business Account, Consumer Account) pair rate limit hit",
    TEMPLATE_PARAM_COUNT: "Number of parameters does not match the expected number of params",
    TEMPLATE_MISSING: "Template name does not exist in the translation",
    TEMPLATE_TOO_LONG: "Translated text too long",
    TEMPLATE_PARAM_VALUE: "Template parameter value is not valid",
    TEMPLATE_PARAM_FORMAT: "Parameter format does not match format in the created template",
    TEMPLATE_PAUSED: "Template is paused",
    TEMPLATE_DISABLED: "Template is disabled",
    4: "Application request limit reached",
    80007: "Rate limit issues",
    131000: "Something went wrong",
    131016: "Service unavailable",
    131049: "This message was not delivered to maintain healthy ecosystem engagement",
}


def fbtrace_id() -> str:
    """A random trace id in the style Meta puts on every error (useless here, but present)."""
    return "A" + secrets.token_urlsafe(16).replace("-", "x").replace("_", "y")


class GraphError(Exception):
    """A Graph API failure answer; raised inside handlers, turned into JSON once."""

    def __init__(
        self,
        code: int,
        details: str,
        *,
        http_status: int = HTTPStatus.BAD_REQUEST,
        title: str | None = None,
        subcode: int | None = None,
        error_type: str = "OAuthException",
        message: str | None = None,
    ) -> None:
        super().__init__(f"({code}) {details}")
        self.code = int(code)
        self.details = details
        self.http_status = int(http_status)
        self.title = title or TITLES.get(self.code, "Stand-in injected error")
        self.subcode = subcode
        self.error_type = error_type
        self.message = message or f"(#{self.code}) {self.title}"

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "message": self.message,
            "type": self.error_type,
            "code": self.code,
            "error_data": {"messaging_product": "whatsapp", "details": self.details},
            "fbtrace_id": fbtrace_id(),
        }
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        return {"error": error}


def missing(param: str) -> GraphError:
    """131008: a required parameter is absent."""
    return GraphError(MISSING_PARAMETER, f"The parameter {param} is required.")


def invalid(details: str) -> GraphError:
    """131009: a parameter is present but its value (type, length, choice) is not allowed."""
    return GraphError(INVALID_VALUE, details)


def unauthorized(details: str) -> GraphError:
    """HTTP 401 with code 190, what Meta answers for a missing, wrong or revoked token."""
    return GraphError(AUTH, details, http_status=HTTPStatus.UNAUTHORIZED)


def no_such_object(method: str, object_id: str) -> GraphError:
    """Meta's answer for an id that does not exist (or has expired): code 100, subcode 33."""
    text = (
        f"Unsupported {method} request. Object with ID '{object_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation. Please read "
        "the Graph API documentation at https://developers.facebook.com/docs/graph-api"
    )
    return GraphError(
        INVALID_PARAMETER,
        f"no object {object_id!r} here (unknown, deleted or expired)",
        subcode=33,
        error_type="GraphMethodException",
        message=text,
    )


def json_response(body: dict[str, Any], status: int = HTTPStatus.OK) -> web.Response:
    """Meta's JSON, kept readable (non-ASCII unescaped) for whoever debugs a failing test."""
    return web.Response(
        text=json.dumps(body, ensure_ascii=False),
        status=status,
        content_type="application/json",
    )
