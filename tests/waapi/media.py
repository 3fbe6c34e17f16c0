"""The media store: files the bot uploaded and files the test users sent, behind media ids.

Why it exists: both directions of a file go through ids on WhatsApp. The bot uploads a chart or
an XLSX (`POST /{phone_number_id}/media`) and sends the id; a user's document arrives as an id
the bot resolves (`GET /{media_id}`) to a short-lived URL it downloads with its bearer token.
Ids expire (30 days for uploads, 7 for inbound media) and download URLs after a few minutes,
all on the stand-in clock, so a test can show what happens to an id kept too long.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from .errors import MEDIA_UPLOAD, GraphError
from .limits import DOWNLOAD_URL_TTL_SECONDS

IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})
DOCUMENT_TYPES = frozenset(
    {
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-excel",
        "text/plain",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
)
_MAGIC = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}


@dataclass(frozen=True)
class StoredMedia:
    """One media id: its bytes and what `GET /{media_id}` says about them."""

    id: str
    data: bytes
    mime_type: str
    filename: str | None
    expires_at: datetime
    inbound: bool

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith("image/")


def check_upload(
    data: bytes, mime_type: str, *, max_image: int, max_document: int, check_bytes: bool
) -> None:
    """Refuse what Meta refuses at upload: a type off the whitelist, too large, not an image."""
    if mime_type in IMAGE_TYPES:
        limit = max_image
    elif mime_type in DOCUMENT_TYPES:
        limit = max_document
    else:
        allowed = ", ".join(sorted(IMAGE_TYPES | DOCUMENT_TYPES))
        raise GraphError(
            MEDIA_UPLOAD, f"Param file must be a file with one of the following types: {allowed}"
        )
    if not data:
        raise GraphError(MEDIA_UPLOAD, "the uploaded file is empty")
    if len(data) > limit:
        raise GraphError(
            MEDIA_UPLOAD,
            f"file size {len(data)} bytes exceeds the {limit} byte limit for {mime_type}",
        )
    magic = _MAGIC.get(mime_type)
    if check_bytes and magic is not None and not data.startswith(magic):
        raise GraphError(MEDIA_UPLOAD, f"the file's bytes are not a {mime_type} image")


class MediaStore:
    """Media ids and download tokens; time comes in as an argument (the stand-in clock)."""

    def __init__(self) -> None:
        self._media: dict[str, StoredMedia] = {}
        self._urls: dict[str, tuple[str, datetime]] = {}
        self._next = 1_000_000_000_000_000 + secrets.randbelow(10**12)

    def _new_id(self) -> str:
        self._next += 1 + secrets.randbelow(97)
        return str(self._next)

    def add(
        self,
        data: bytes,
        mime_type: str,
        filename: str | None,
        *,
        now: datetime,
        ttl_seconds: float,
        inbound: bool,
    ) -> StoredMedia:
        media = StoredMedia(
            id=self._new_id(),
            data=data,
            mime_type=mime_type,
            filename=filename,
            expires_at=now + timedelta(seconds=ttl_seconds),
            inbound=inbound,
        )
        self._media[media.id] = media
        return media

    def get(self, media_id: str, now: datetime) -> StoredMedia | None:
        """The media behind an id, None if unknown, deleted or expired."""
        media = self._media.get(media_id)
        if media is None or now >= media.expires_at:
            return None
        return media

    def delete(self, media_id: str) -> bool:
        return self._media.pop(media_id, None) is not None

    def url_token(self, media_id: str, now: datetime) -> str:
        """An opaque token for `/media-download/<token>`, valid for a few minutes."""
        token = secrets.token_urlsafe(24)
        self._urls[token] = (media_id, now + timedelta(seconds=DOWNLOAD_URL_TTL_SECONDS))
        return token

    def by_token(self, token: str, now: datetime) -> StoredMedia | None:
        entry = self._urls.get(token)
        if entry is None or now >= entry[1]:
            return None
        return self.get(entry[0], now)
