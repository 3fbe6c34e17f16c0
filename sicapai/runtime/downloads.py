"""Fetching a file a person sent, when (and only when) their step asks for one.

Checked before anything is kept: the size the platform announced and the size that arrived
(at most the product's limit, itself within what the channel's platform lets a bot fetch;
never empty), the kind the step accepts; stored under a random name in the
evidence folder with its SHA-256, and shown by its base name only.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import secrets
from pathlib import Path

from sicapai.handlers import texts
from sicapai.handlers.port import IncomingFile, Reply, StoredFile
from sicapai.handlers.turn import FileRule
from sicapai.models.types import utcnow

log = logging.getLogger(__name__)

EVIDENCE_BYTES = 20 * 1024 * 1024  # the product's limit on one evidence file (a setting)
SAFE_SUFFIX = re.compile(r"\.[a-z0-9]{1,10}")  # kept on a stored evidence file's name


class FileTooBig(Exception):
    """Raised by a channel's download that stopped at the limit (the platform announced no
    size beforehand, as WhatsApp's webhooks do not)."""


async def download(
    incoming: IncomingFile, rule: FileRule, files_dir: Path, *, limit: int = EVIDENCE_BYTES
) -> StoredFile | Reply:
    """Fetch a file a step asked for into `files_dir`, or the reply that says why not."""
    if incoming.size is not None and incoming.size > limit:
        return Reply(texts.file_too_big(limit))
    if incoming.size == 0:
        return Reply(texts.FILE_EMPTY)
    if not rule.allows(incoming):
        return Reply(rule.refusal)
    await asyncio.to_thread(files_dir.mkdir, parents=True, exist_ok=True)
    suffix = Path(incoming.name).suffix.lower()
    if not SAFE_SUFFIX.fullmatch(suffix):  # a NUL, or 200 characters after a dot: no type
        suffix = ".jpg" if incoming.is_photo else ""
    target = files_dir / f"{utcnow():%Y%m%d%H%M%S}-{secrets.token_hex(6)}{suffix}"
    try:
        await incoming.download(target)
    except FileTooBig:
        target.unlink(missing_ok=True)
        return Reply(texts.file_too_big(limit))
    except Exception:  # the channel failed to deliver the file: say so, keep the step
        log.exception("evidence download failed")
        target.unlink(missing_ok=True)
        return Reply(texts.FILE_DOWNLOAD_FAILED)
    digest, size = await asyncio.to_thread(_checksum, target)
    if size > limit or size == 0:
        target.unlink(missing_ok=True)
        return Reply(texts.file_too_big(limit) if size else texts.FILE_EMPTY)
    mime = incoming.mime_type[:100] if incoming.mime_type else incoming.mime_type
    return StoredFile(str(target), safe_file_name(incoming.name), mime, size, digest)


UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]")


def safe_file_name(name: str) -> str:
    """The base name a person's file is shown by: no folders (`../../etc/passwd.pdf` is
    `passwd.pdf`), no control characters, nothing a table cannot hold."""
    base = re.split(r"[\\/]", name)[-1]
    base = UNSAFE_NAME.sub("", base).strip().lstrip(".").strip()
    return base[:255] or "berkas"


def _checksum(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size
