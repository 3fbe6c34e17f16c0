"""Bot API methods that carry files: sendPhoto, sendDocument, getFile and the download URL.

Why it exists: SiCapai uploads charts and Excel workbooks and downloads the evidence users
send. Uploads arrive as multipart parts, `attach://` references, file_ids or URLs, and
Telegram refuses empty or oversized files, photos it cannot decode or whose proportions it
rejects, and downloads over 20 MB; those rules, and serving the bytes back, belong together.
"""

from __future__ import annotations

import copy
import mimetypes
import re
from http import HTTPStatus
from typing import Any

from aiohttp import web

from .errors import ApiError, bad, json_response
from .files import (
    MAX_DOWNLOAD_BYTES,
    MAX_PHOTO_BYTES,
    MAX_UPLOAD_BYTES,
    StoredFile,
    document_dict,
    image_size,
    photo_dict,
)
from .markup import parse_reply_markup
from .params import Params
from .records import UploadedFile
from .state import BotState


class FileMethods(BotState):
    """The file-carrying sends, getFile, and the GET that downloads a published file."""

    def file_response(self, file_path: str) -> web.Response:
        """A download URL's answer: only a file getFile has given a path to can be fetched."""
        stored = self._files.at_path(file_path)
        if stored is None or stored.data is None:
            return json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, HTTPStatus.NOT_FOUND
            )
        self.downloads.append(file_path)
        return web.Response(body=stored.data, content_type="application/octet-stream")

    def _input_file(self, p: Params, name: str, kind: str) -> tuple[Any, UploadedFile | None]:
        """The file behind a photo/document parameter: an upload, a file_id or a URL."""
        upload = p.files.get(name)
        raw = p.values.get(name)
        if upload is None and isinstance(raw, str) and raw.startswith("attach://"):
            upload = p.files.get(raw.removeprefix("attach://"))
            if upload is None:
                raise bad(f"wrong HTTP URL specified: no file attached as {raw!r}")
        if upload is not None:
            if not upload.data:
                raise bad("file must be non-empty")
            if len(upload.data) > MAX_UPLOAD_BYTES:
                raise ApiError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Request Entity Too Large")
            return None, upload
        if raw is None or raw == "":
            raise bad(f"there is no {name} in the request")
        if not isinstance(raw, str):
            raise bad("wrong file identifier/HTTP URL specified")
        if re.match(r"(?i)https?://", raw):
            return raw, None
        stored = self._files.get(raw)
        if stored is None:
            raise bad("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad("type of file mismatch")
        return stored, None

    async def _send_photo(self, p: Params) -> dict[str, Any]:
        chat = self._resolve_chat(p)
        self._check_reachable(chat["id"])
        self._check_flood(chat["id"])
        source, upload = self._input_file(p, "photo", "photo")
        raw, caption, entities = self._caption(p)
        markup = parse_reply_markup(p.values.get("reply_markup"))
        reply = self._reply_target(p, chat["id"])
        if upload is not None:
            if len(upload.data) > MAX_PHOTO_BYTES:
                raise bad("PHOTO_SAVE_FILE_INVALID")
            size = image_size(upload.data)
            if size is not None:
                width, height = size
                if width + height > 10000 or max(width, height) > 20 * max(min(width, height), 1):
                    raise bad("PHOTO_INVALID_DIMENSIONS")
            sizes = self._files.store_photo(upload.data, size or (800, 600))
        elif isinstance(source, StoredFile):
            sizes = self._files.photo_sizes(source)
        else:
            sizes = self._files.store_photo(None, (800, 600))
        content: dict[str, Any] = {"photo": [photo_dict(s) for s in sizes]}
        content.update(self._content("caption", caption, entities, markup))
        if reply is not None:
            content["reply_to_message"] = reply
        message = self._new_message(chat, self.bot_user, content)
        self._record(
            "sendPhoto",
            message,
            p,
            reply_markup=markup,
            raw_text=raw,
            photo=sizes[-1].data,
            filename=upload.filename if upload is not None else None,
        )
        return copy.deepcopy(message)

    async def _send_document(self, p: Params) -> dict[str, Any]:
        chat = self._resolve_chat(p)
        self._check_reachable(chat["id"])
        self._check_flood(chat["id"])
        source, upload = self._input_file(p, "document", "document")
        raw, caption, entities = self._caption(p)
        markup = parse_reply_markup(p.values.get("reply_markup"))
        reply = self._reply_target(p, chat["id"])
        if upload is not None:
            name = upload.filename or "document"
            mime = (
                mimetypes.guess_type(name)[0] or upload.content_type or "application/octet-stream"
            )
            stored = self._files.store(upload.data, "document", file_name=name, mime_type=mime)
        elif isinstance(source, StoredFile):
            stored = source
        else:
            name = str(source).rstrip("/").rsplit("/", 1)[-1] or "document"
            stored = self._files.store(None, "document", file_name=name)
        content: dict[str, Any] = {"document": document_dict(stored)}
        content.update(self._content("caption", caption, entities, markup))
        if reply is not None:
            content["reply_to_message"] = reply
        message = self._new_message(chat, self.bot_user, content)
        self._record(
            "sendDocument",
            message,
            p,
            reply_markup=markup,
            raw_text=raw,
            document=stored.data,
            filename=stored.file_name,
        )
        return copy.deepcopy(message)

    async def _get_file(self, p: Params) -> dict[str, Any]:
        file_id = p.text("file_id")
        stored = self._files.get(file_id or "")
        if stored is None or stored.data is None:
            raise bad("wrong file_id or the file is temporarily unavailable")
        if len(stored.data) > MAX_DOWNLOAD_BYTES:
            raise bad("file is too big")
        file_path = self._files.publish(stored)
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": file_path,
        }
