"""Validation of a `/messages` body, by type, exactly to the Cloud API's published limits.

Why it exists: a stand-in more lenient than Meta lets the adapter pass its tests and then fail in
production (a fourth reply button, a 21-character title, an eleventh list row, a template with
one parameter too few). This module checks the shape of one send and nothing stateful: it
either raises the `GraphError` Meta would answer with (131008 missing, 131009 invalid, 1320xx
template errors) or returns an `Outgoing` the stand-in then puts through its stateful rules
(window, throughput, pair rate, messaging limit).

With `strict_no_html` every user-visible string is also checked for HTML tags and entities
(`<b>`, `&lt;` ...): WhatsApp shows them literally, so one reaching the wire means the
adapter's HTML-to-WhatsApp conversion missed a case. Such a send is refused with 131009 and a
detail that says so, to make the failing test obvious.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import limits as L
from .errors import (
    TEMPLATE_DISABLED,
    TEMPLATE_MISSING,
    TEMPLATE_PARAM_COUNT,
    TEMPLATE_PARAM_FORMAT,
    TEMPLATE_PARAM_VALUE,
    TEMPLATE_PAUSED,
    TEMPLATE_TOO_LONG,
    UNSUPPORTED_TYPE,
    GraphError,
    invalid,
    missing,
)
from .media import StoredMedia
from .records import Template

_HTML_TAG = re.compile(
    r"</?(?:b|i|u|s|em|strong|code|pre|a|br|p|span|div|del|ins|strike|blockquote|tg-spoiler)"
    r"(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_HTML_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|apos|nbsp|#\d+|#x[0-9a-fA-F]+);")
_PARAM_BAD = re.compile(r"[\n\t]| {5,}")
_PHONE = re.compile(r"\d{6,15}")

MediaLookup = Callable[[str], StoredMedia | None]


@dataclass
class Outgoing:
    """A send that passed validation; the stand-in adds the wamid and time when it accepts it."""

    to: str
    type: str
    kind: str
    text: str
    buttons: list[tuple[str, str]] = field(default_factory=list)
    rows: list[tuple[str, str, str]] = field(default_factory=list)
    list_button: str = ""
    media: bytes | None = None
    media_id: str | None = None
    link: str | None = None
    mime_type: str | None = None
    filename: str | None = None
    template: Template | None = None
    params: list[str] = field(default_factory=list)
    header: str = ""
    footer: str = ""


class _Checker:
    """Shared helpers for one body: strings, lengths and the HTML rule."""

    def __init__(self, strict_no_html: bool) -> None:
        self.strict_no_html = strict_no_html

    def html(self, where: str, value: str) -> None:
        if not self.strict_no_html:
            return
        found = _HTML_TAG.search(value) or _HTML_ENTITY.search(value)
        if found:
            raise invalid(
                f"HTML leaked into a WhatsApp message: {found.group(0)!r} in {where} "
                f"({value[:80]!r}); WhatsApp shows it literally, convert it to WhatsApp "
                "formatting (*bold*, _italic_, `code`) first"
            )

    def string(
        self,
        obj: Mapping[str, Any],
        key: str,
        where: str,
        *,
        low: int = 1,
        high: int,
        required: bool = True,
        visible: bool = True,
    ) -> str:
        """`obj[key]` as a string of low..high characters ("" when optional and absent)."""
        if key not in obj or obj[key] is None:
            if required:
                raise missing(where)
            return ""
        value = obj[key]
        if not isinstance(value, str):
            raise invalid(f"{where} must be a string, got {type(value).__name__}")
        if not low <= len(value) <= high:
            raise invalid(f"{where} must be {low}..{high} characters, got {len(value)}")
        if visible:
            self.html(where, value)
        return value


def _obj(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        raise missing(where)
    if not isinstance(value, dict):
        raise invalid(f"{where} must be an object, got {type(value).__name__}")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        raise missing(where)
    if not isinstance(value, list):
        raise invalid(f"{where} must be an array, got {type(value).__name__}")
    return value


def normalise_phone(to: Any) -> str:
    """The wa_id Meta derives from `to`: digits only ("+62 811-..." is accepted)."""
    if not isinstance(to, str):
        raise invalid(f"to must be a string phone number, got {type(to).__name__}")
    digits = re.sub(r"[\s\-()]", "", to).removeprefix("+")
    if not _PHONE.fullmatch(digits):
        raise invalid(f"to {to!r} is not a valid phone number")
    return digits


def parse_send(
    body: Mapping[str, Any],
    *,
    templates: Mapping[tuple[str, str], Template],
    media: MediaLookup,
    strict_no_html: bool,
) -> Outgoing:
    """Check one `/messages` body (not a mark-as-read) and describe the send."""
    check = _Checker(strict_no_html)
    product = body.get("messaging_product")
    if product is None:
        raise missing("messaging_product")
    if product != "whatsapp":
        raise invalid(f"messaging_product must be 'whatsapp', got {product!r}")
    recipient_type = body.get("recipient_type")
    if recipient_type is not None and recipient_type != "individual":
        raise invalid(f"recipient_type must be 'individual', got {recipient_type!r}")
    if "to" not in body or body["to"] in (None, ""):
        raise missing("to")
    to = normalise_phone(body["to"])
    kind = body.get("type", "text")
    if kind == "text":
        return _text(body, to, check)
    if kind == "interactive":
        return _interactive(body, to, check, media)
    if kind in ("image", "document"):
        return _media(body, to, kind, check, media)
    if kind == "template":
        return _template(body, to, check, templates)
    if isinstance(kind, str) and kind in (
        "audio",
        "video",
        "sticker",
        "location",
        "contacts",
        "reaction",
    ):
        raise GraphError(UNSUPPORTED_TYPE, f"the stand-in does not implement type {kind!r}")
    raise invalid(f"type {kind!r} is not a valid message type")


def _text(body: Mapping[str, Any], to: str, check: _Checker) -> Outgoing:
    text = _obj(body.get("text"), "text")
    value = check.string(text, "body", "text.body", high=L.MAX_TEXT_BODY)
    preview = text.get("preview_url")
    if preview is not None and not isinstance(preview, bool):
        raise invalid("text.preview_url must be a boolean")
    return Outgoing(to=to, type="text", kind="text", text=value)


def _header(
    interactive: Mapping[str, Any], check: _Checker, media: MediaLookup, *, text_only: bool
) -> str:
    if "header" not in interactive:
        return ""
    header = _obj(interactive["header"], "interactive.header")
    kind = header.get("type")
    if kind is None:
        raise missing("interactive.header.type")
    if kind == "text":
        return check.string(header, "text", "interactive.header.text", high=L.MAX_HEADER)
    if text_only or kind not in ("image", "video", "document"):
        allowed = "'text'" if text_only else "'text', 'image', 'video' or 'document'"
        raise invalid(f"interactive.header.type must be {allowed}, got {kind!r}")
    _media_ref(_obj(header.get(kind), f"interactive.header.{kind}"), f"header.{kind}", media)
    return ""


def _footer(interactive: Mapping[str, Any], check: _Checker) -> str:
    if "footer" not in interactive:
        return ""
    footer = _obj(interactive["footer"], "interactive.footer")
    return check.string(footer, "text", "interactive.footer.text", high=L.MAX_FOOTER)


def _interactive(body: Mapping[str, Any], to: str, check: _Checker, media: MediaLookup) -> Outgoing:
    interactive = _obj(body.get("interactive"), "interactive")
    kind = interactive.get("type")
    if kind is None:
        raise missing("interactive.type")
    if kind not in ("button", "list"):
        raise invalid(
            f"interactive.type {kind!r}: the stand-in implements only 'button' and 'list'"
        )
    high = L.MAX_BUTTON_BODY if kind == "button" else L.MAX_LIST_BODY
    text = check.string(
        _obj(interactive.get("body"), "interactive.body"),
        "text",
        "interactive.body.text",
        high=high,
    )
    header = _header(interactive, check, media, text_only=kind == "list")
    footer = _footer(interactive, check)
    action = _obj(interactive.get("action"), "interactive.action")
    out = Outgoing(to=to, type="interactive", kind=kind, text=text, header=header, footer=footer)
    if kind == "button":
        out.buttons = _reply_buttons(action, check)
    else:
        out.list_button = check.string(
            action, "button", "interactive.action.button", high=L.MAX_LIST_BUTTON
        )
        out.rows = _list_rows(action, check)
        out.buttons = [(row_id, title) for row_id, title, _ in out.rows]
    return out


def _reply_buttons(action: Mapping[str, Any], check: _Checker) -> list[tuple[str, str]]:
    buttons = _list(action.get("buttons"), "interactive.action.buttons")
    if not 1 <= len(buttons) <= L.MAX_BUTTONS:
        raise invalid(
            f"interactive.action.buttons must hold 1..{L.MAX_BUTTONS} buttons, got {len(buttons)}"
        )
    result: list[tuple[str, str]] = []
    for i, raw in enumerate(buttons):
        where = f"interactive.action.buttons[{i}]"
        button = _obj(raw, where)
        if button.get("type") != "reply":
            raise invalid(f"{where}.type must be 'reply', got {button.get('type')!r}")
        reply = _obj(button.get("reply"), f"{where}.reply")
        button_id = check.string(
            reply, "id", f"{where}.reply.id", high=L.MAX_BUTTON_ID, visible=False
        )
        if button_id != button_id.strip():
            raise invalid(f"{where}.reply.id {button_id!r} has leading or trailing spaces")
        title = check.string(reply, "title", f"{where}.reply.title", high=L.MAX_BUTTON_TITLE)
        if any(title == seen for _, seen in result):
            raise invalid(f"{where}.reply.title {title!r}: button titles must be unique")
        result.append((button_id, title))
    return result


def _list_rows(action: Mapping[str, Any], check: _Checker) -> list[tuple[str, str, str]]:
    sections = _list(action.get("sections"), "interactive.action.sections")
    if not 1 <= len(sections) <= L.MAX_SECTIONS:
        raise invalid(
            f"interactive.action.sections must hold 1..{L.MAX_SECTIONS} sections, "
            f"got {len(sections)}"
        )
    rows: list[tuple[str, str, str]] = []
    for s, raw_section in enumerate(sections):
        where = f"interactive.action.sections[{s}]"
        section = _obj(raw_section, where)
        check.string(
            section,
            "title",
            f"{where}.title",
            high=L.MAX_SECTION_TITLE,
            required=len(sections) > 1,
        )
        section_rows = _list(section.get("rows"), f"{where}.rows")
        if not section_rows:
            raise invalid(f"{where}.rows must hold at least one row")
        for r, raw_row in enumerate(section_rows):
            row_where = f"{where}.rows[{r}]"
            row = _obj(raw_row, row_where)
            row_id = check.string(row, "id", f"{row_where}.id", high=L.MAX_ROW_ID, visible=False)
            title = check.string(row, "title", f"{row_where}.title", high=L.MAX_ROW_TITLE)
            description = check.string(
                row,
                "description",
                f"{row_where}.description",
                low=0,
                high=L.MAX_ROW_DESCRIPTION,
                required=False,
            )
            if any(row_id == seen for seen, _, _ in rows):
                raise invalid(f"{row_where}.id {row_id!r}: row ids must be unique")
            rows.append((row_id, title, description))
    if len(rows) > L.MAX_ROWS:
        raise invalid(
            f"interactive.action.sections: at most {L.MAX_ROWS} rows in total, got {len(rows)}"
        )
    return rows


def _media_ref(obj: Mapping[str, Any], where: str, media: MediaLookup) -> StoredMedia | None:
    """Exactly one of `id` / `link`; an id must name media that exists and has not expired."""
    has_id, has_link = obj.get("id") is not None, obj.get("link") is not None
    if has_id == has_link:
        raise invalid(f"{where} needs exactly one of 'id' or 'link'")
    if has_link:
        link = obj["link"]
        if not isinstance(link, str) or not re.match(r"https?://", link):
            raise invalid(f"{where}.link must be an http(s) URL")
        return None
    media_id = obj["id"]
    if not isinstance(media_id, str):
        raise invalid(f"{where}.id must be a string")
    stored = media(media_id)
    if stored is None:
        raise invalid(f"{where}.id {media_id!r} is not an uploaded media id (unknown or expired)")
    return stored


def _media(
    body: Mapping[str, Any], to: str, kind: str, check: _Checker, media: MediaLookup
) -> Outgoing:
    obj = _obj(body.get(kind), kind)
    stored = _media_ref(obj, kind, media)
    if stored is not None and kind == "image" and not stored.is_image:
        raise invalid(f"image.id {stored.id!r} is a {stored.mime_type}, not an image")
    caption = check.string(obj, "caption", f"{kind}.caption", high=L.MAX_CAPTION, required=False)
    filename: str | None = None
    if kind == "document":
        filename = check.string(obj, "filename", "document.filename", high=240, required=False)
        filename = filename or None
    elif "filename" in obj:
        raise invalid("image.filename is not a valid parameter")
    return Outgoing(
        to=to,
        type=kind,
        kind=kind,
        text=caption,
        media=stored.data if stored else None,
        media_id=stored.id if stored else None,
        link=obj.get("link"),
        mime_type=stored.mime_type if stored else None,
        filename=filename,
    )


def find_template(
    templates: Mapping[tuple[str, str], Template], name: str, language: str
) -> Template:
    """The registry entry for a send, or the 1320xx error Meta answers for it."""
    template = templates.get((name, language))
    if template is None:
        known = sorted(lang for (n, lang) in templates if n == name)
        detail = (
            f"template {name!r} does not exist in {language!r} (it exists in {known})"
            if known
            else f"template {name!r} does not exist"
        )
        raise GraphError(TEMPLATE_MISSING, detail)
    if template.status == "PAUSED":
        raise GraphError(TEMPLATE_PAUSED, f"template {name!r} is paused")
    if template.status == "DISABLED":
        raise GraphError(TEMPLATE_DISABLED, f"template {name!r} is disabled")
    if template.status != "APPROVED":
        raise GraphError(TEMPLATE_MISSING, f"template {name!r} is {template.status}, not approved")
    return template


def _template(
    body: Mapping[str, Any],
    to: str,
    check: _Checker,
    templates: Mapping[tuple[str, str], Template],
) -> Outgoing:
    spec = _obj(body.get("template"), "template")
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        raise missing("template.name")
    language = _obj(spec.get("language"), "template.language").get("code")
    if not isinstance(language, str) or not language:
        raise missing("template.language.code")
    template = find_template(templates, name, language)
    params: list[str] = []
    payloads: dict[int, str] = {}
    seen_body = False
    for i, raw in enumerate(_list(spec.get("components", []), "template.components")):
        where = f"template.components[{i}]"
        component = _obj(raw, where)
        kind = str(component.get("type", "")).lower()
        if kind == "body":
            if seen_body:
                raise invalid(f"{where}: only one body component is allowed")
            seen_body = True
            params = _body_params(component, where, check)
        elif kind == "button":
            index, payload = _quick_reply(component, where, template)
            if index in payloads:
                raise invalid(f"{where}: button index {index} given twice")
            payloads[index] = payload
        elif kind == "header":
            raise GraphError(TEMPLATE_PARAM_COUNT, f"template {name!r} has no header parameters")
        else:
            raise invalid(f"{where}.type {component.get('type')!r} is not a template component")
    if len(params) != template.placeholders:
        raise GraphError(
            TEMPLATE_PARAM_COUNT,
            f"template {name!r} body expects {template.placeholders} parameters, got {len(params)}",
        )
    text = template.render(params)
    if len(text) > L.MAX_TEMPLATE_BODY:
        raise GraphError(
            TEMPLATE_TOO_LONG,
            f"template {name!r} body is {len(text)} characters with its parameters "
            f"(at most {L.MAX_TEMPLATE_BODY})",
        )
    buttons = [(payloads.get(i, title), title) for i, title in enumerate(template.quick_replies)]
    return Outgoing(
        to=to,
        type="template",
        kind="template",
        text=text,
        buttons=buttons,
        template=template,
        params=params,
    )


def _body_params(component: Mapping[str, Any], where: str, check: _Checker) -> list[str]:
    params: list[str] = []
    for p, raw in enumerate(_list(component.get("parameters", []), f"{where}.parameters")):
        param_where = f"{where}.parameters[{p}]"
        param = _obj(raw, param_where)
        if param.get("type") != "text":
            raise GraphError(
                TEMPLATE_PARAM_FORMAT,
                f"{param_where}.type {param.get('type')!r}: the stand-in's templates take text",
            )
        value = check.string(param, "text", f"{param_where}.text", high=L.MAX_TEMPLATE_BODY)
        if _PARAM_BAD.search(value):
            raise GraphError(
                TEMPLATE_PARAM_VALUE,
                f"{param_where}.text {value[:60]!r}: a parameter cannot contain new-line or tab "
                "characters or more than 4 consecutive spaces",
            )
        params.append(value)
    return params


def _quick_reply(component: Mapping[str, Any], where: str, template: Template) -> tuple[int, str]:
    if component.get("sub_type") != "quick_reply":
        raise invalid(
            f"{where}.sub_type {component.get('sub_type')!r}: the stand-in's templates have only "
            "quick_reply buttons"
        )
    raw_index = component.get("index")
    if raw_index is None:
        raise missing(f"{where}.index")
    try:
        index = int(raw_index)
    except (TypeError, ValueError):
        raise invalid(f"{where}.index {raw_index!r} is not a number") from None
    if not 0 <= index < len(template.quick_replies):
        raise GraphError(
            TEMPLATE_PARAM_COUNT,
            f"{where}.index {index}: template {template.name!r} has "
            f"{len(template.quick_replies)} quick-reply buttons",
        )
    parameters = _list(component.get("parameters"), f"{where}.parameters")
    if len(parameters) != 1:
        raise invalid(f"{where}.parameters must hold exactly one payload")
    param = _obj(parameters[0], f"{where}.parameters[0]")
    if param.get("type") != "payload":
        raise invalid(f"{where}.parameters[0].type must be 'payload'")
    payload = param.get("payload")
    if not isinstance(payload, str) or not 1 <= len(payload) <= L.MAX_BUTTON_ID:
        raise invalid(f"{where}.parameters[0].payload must be 1..{L.MAX_BUTTON_ID} characters")
    return index, payload


def is_mark_read(body: Mapping[str, Any]) -> bool:
    return body.get("status") == "read"
