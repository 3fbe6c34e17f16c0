"""The Graph API calls SiCapai makes, and nothing else.

Every call goes under `base_url` (`WHATSAPP_API_URL`, the Graph API base with its version),
so the same client talks to Meta, to a proxy, or to the stand-in in the tests. The token is
sent as a bearer header and never appears in an exception or a log line. A send that timed out
raises `SendTimedOut`, never retried here: Meta has most likely accepted it already.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

import httpx

from sicapai.bot.whatsapp.errors import CloudApiError
from sicapai.runtime.downloads import FileTooBig

log = logging.getLogger(__name__)

TIMEOUT = httpx.Timeout(20.0, connect=5.0)


class SendTimedOut(Exception):
    """No answer in time: the message may or may not have gone out."""


class DownloadTooBig(FileTooBig):
    """The media is larger than the caller allows; nothing was kept."""


class CloudApi:
    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        phone_number_id: str,
        business_account_id: str = "",
        timeout: httpx.Timeout = TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.phone_number_id = phone_number_id
        self.business_account_id = business_account_id
        self._auth = {"Authorization": f"Bearer {token}"}
        self._http = httpx.AsyncClient(timeout=timeout, transport=transport, headers=self._auth)

    async def close(self) -> None:
        await self._http.aclose()

    # --- messages ---------------------------------------------------------------------------
    async def send(self, to: str, body: dict[str, Any]) -> str:
        """Send one message (`body` without `to`); returns its wamid."""
        payload = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
        payload.update(body)
        url = f"{self.base_url}/{self.phone_number_id}/messages"
        try:
            response = await self._http.post(url, json=payload)
        except httpx.TimeoutException as exc:
            raise SendTimedOut from exc
        except httpx.HTTPError as exc:  # no connection: nothing was sent
            raise CloudApiError(0, 0, type(exc).__name__) from None
        data = _json_or_error(response)
        messages = data.get("messages") or []
        if not messages or not isinstance(messages[0], dict) or "id" not in messages[0]:
            raise CloudApiError(0, response.status_code, "no message id in the answer")
        return str(messages[0]["id"])

    # --- media ------------------------------------------------------------------------------
    async def upload(self, content: bytes, mime_type: str, filename: str) -> str:
        """Upload a chart or a workbook; returns the media id to send it by."""
        url = f"{self.base_url}/{self.phone_number_id}/media"
        try:
            response = await self._http.post(
                url,
                data={"messaging_product": "whatsapp", "type": mime_type},
                files={"file": (filename, content, mime_type)},
            )
        except httpx.HTTPError as exc:
            raise CloudApiError(0, 0, type(exc).__name__) from None
        data = _json_or_error(response)
        return str(data["id"])

    async def download(self, media_id: str, path: Path, *, limit: int) -> int:
        """Save a person's file to `path` (media ids expire: done within the turn); at most
        `limit` bytes are ever written, more raises `DownloadTooBig`. Returns the size."""
        info = _json_or_error(await self._http.get(f"{self.base_url}/{media_id}"))
        size = info.get("file_size")
        if isinstance(size, int) and size > limit:
            raise DownloadTooBig
        content = bytearray()
        async with self._http.stream("GET", str(info["url"])) as response:
            if response.status_code != 200:
                await response.aread()
                raise CloudApiError(0, response.status_code, "media download refused")
            async for chunk in response.aiter_bytes():
                content += chunk
                if len(content) > limit:
                    raise DownloadTooBig
        await asyncio.to_thread(path.write_bytes, bytes(content))
        written = len(content)
        return written

    # --- templates --------------------------------------------------------------------------
    async def templates(self) -> list[dict[str, Any]]:
        """The business account's message templates (name, language, category, status)."""
        url = f"{self.base_url}/{self.business_account_id}/message_templates"
        try:
            data = _json_or_error(await self._http.get(url, params={"limit": 200}))
        except httpx.HTTPError as exc:
            raise CloudApiError(0, 0, type(exc).__name__) from None
        found = data.get("data") or []
        return [t for t in found if isinstance(t, dict)]


def _json_or_error(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        data = None
    if response.status_code == 200 and isinstance(data, dict) and "error" not in data:
        return data
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        details = error.get("error_data") or {}
        raise CloudApiError(
            int(error.get("code") or 0),
            response.status_code,
            str(error.get("message") or "")[:300],
            str(details.get("details") or "")[:300] if isinstance(details, dict) else "",
        )
    raise CloudApiError(0, response.status_code, "unexpected answer")
