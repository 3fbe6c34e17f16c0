"""The files one bot token can reach: uploads, users' documents and photos, by id and by path.

Why it exists: SiCapai downloads the evidence users send (getFile, then the file URL) and
uploads charts and workbooks; Telegram hands out opaque file_ids, serves bytes only after
getFile has given a file_path, refuses photos it cannot decode, and makes several sizes of
each photo. Keeping that bookkeeping here lets the send methods, the download route and the
test hooks (`user_document`, `user_photo`) share one store.
"""

from __future__ import annotations

import hashlib
import secrets
import struct
from dataclasses import dataclass
from typing import Any

from .errors import bad

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF, JPEG or BMP, None for a WebP; raise if not an image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    if data.startswith(b"BM") and len(data) >= 26:
        width, height = struct.unpack("<ii", data[18:26])
        return abs(width), abs(height)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return None
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
                i += 1 if marker == 0xFF else 2
                continue
            (length,) = struct.unpack(">H", data[i + 2 : i + 4])
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return width, height
            i += 2 + length
    raise bad("IMAGE_PROCESS_FAILED")


@dataclass
class StoredFile:
    """A file the stand-in holds, reachable by file_id and, after getFile, by file_path."""

    file_id: str
    file_unique_id: str
    data: bytes | None
    kind: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None
    file_path: str | None = None

    @property
    def size(self) -> int | None:
        return None if self.data is None else len(self.data)


def photo_dict(stored: StoredFile) -> dict[str, Any]:
    """One PhotoSize as Telegram delivers it in a message's `photo` array."""
    result: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "width": stored.width,
        "height": stored.height,
    }
    if stored.size is not None:
        result["file_size"] = stored.size
    return result


def document_dict(stored: StoredFile) -> dict[str, Any]:
    """A Document as Telegram delivers it; optional fields are omitted, not null."""
    result: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
    }
    if stored.file_name:
        result["file_name"] = stored.file_name
    if stored.mime_type:
        result["mime_type"] = stored.mime_type
    if stored.size is not None:
        result["file_size"] = stored.size
    return result


class FileStore:
    """Every file of one bot token; file_ids are unguessable, as on Telegram."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._photo_sizes: dict[str, list[StoredFile]] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._counter = 0

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def at_path(self, file_path: str) -> StoredFile | None:
        """The file a download URL names; only files getFile has answered for have a path."""
        return self._by_path.get(file_path)

    def photo_sizes(self, stored: StoredFile) -> list[StoredFile]:
        """All sizes of the photo `stored` is one of, as a resend by file_id delivers them."""
        return self._photo_sizes.get(stored.file_id, [stored])

    def store(
        self,
        data: bytes | None,
        kind: str,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int | None = None,
        height: int | None = None,
    ) -> StoredFile:
        """Keep a file; `data` is None for one sent by URL, which the stand-in never fetches."""
        self._counter += 1
        prefix = "AgAC" if kind == "photo" else "BQAC"
        unique_seed = data if data is not None else secrets.token_bytes(8)
        unique = hashlib.sha1(unique_seed + f"{width}x{height}".encode()).hexdigest()[:16]
        stored = StoredFile(
            file_id=f"{prefix}{self._counter:04d}{secrets.token_urlsafe(18)}",
            file_unique_id=f"AQAD{unique}",
            data=data,
            kind=kind,
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
        )
        self._by_id[stored.file_id] = stored
        return stored

    def store_photo(self, data: bytes | None, size: tuple[int, int]) -> list[StoredFile]:
        """The sizes Telegram would make of one photo (all serving the original bytes)."""
        width, height = size
        longest = max(width, height, 1)
        targets = [t for t in (90, 320, 800, 1280) if t < longest] + [min(longest, 2560)]
        sizes: list[StoredFile] = []
        for target in targets:
            scale = target / longest
            sizes.append(
                self.store(
                    data,
                    "photo",
                    width=max(1, round(width * scale)),
                    height=max(1, round(height * scale)),
                )
            )
        for stored in sizes:
            self._photo_sizes[stored.file_id] = sizes
        return sizes

    def publish(self, stored: StoredFile) -> str:
        """The file_path getFile answers with, from then on served by the download URL."""
        if stored.file_path is None:
            folder = "photos" if stored.kind == "photo" else "documents"
            suffix = ".jpg" if stored.kind == "photo" else ""
            if stored.file_name and "." in stored.file_name:
                suffix = "." + stored.file_name.rsplit(".", 1)[-1]
            stored.file_path = f"{folder}/file_{len(self._by_path)}{suffix}"
            self._by_path[stored.file_path] = stored
        return stored.file_path
