"""Message text and its entities as Telegram stores them, or Telegram's "can't parse entities".

Why it exists: the bot formats every message with parse_mode HTML, and a tag Telegram
refuses (an unescaped `<` or `&` in a user's name, an unclosed `<b>`) makes the real send
fail. This module parses HTML the way Telegram's parser does — supported tags only, every
tag closed and properly nested, the same entity decoding, the same error descriptions with
UTF-8 byte offsets — and turns explicit `entities` into the same form, so tests see the
visible text and UTF-16 entity offsets a user's client would.

Markdown and MarkdownV2 are deliberately not implemented (SiCapai never sends them): such a
send is refused with a 400 saying so, so that a future use is noticed at once rather than
tested against a parser nobody checked.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import bad, entity_error

# Telegram's other parse modes; refused by name so a test never passes against a guess.
UNIMPLEMENTED_PARSE_MODES = frozenset({"markdown", "markdownv2"})


@dataclass
class _Span:
    """An entity in code-point indices of the visible text; converted to UTF-16 at the end."""

    kind: str
    start: int
    end: int
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Open:
    """A start tag whose end tag has not been seen yet; its attributes shape the entity."""

    kind: str
    start: int
    extra: dict[str, Any] = field(default_factory=dict)


def _byte_offset(text: str, index: int) -> int:
    """Telegram reports parse errors in UTF-8 byte offsets of the source text."""
    return len(text[:index].encode("utf-8", "surrogatepass"))


def _utf16_prefix(text: str) -> list[int]:
    """UTF-16 position of every code-point index; entity offsets are counted in UTF-16."""
    positions = [0]
    total = 0
    for char in text:
        total += 2 if ord(char) > 0xFFFF else 1
        positions.append(total)
    return positions


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


_HTML_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
    "blockquote": "blockquote",
}
_DIGITS = "0123456789"
_HEX_DIGITS = "0123456789abcdefABCDEF"


def _decode_html_entity(text: str, pos: int, *, strict: bool) -> tuple[str, int] | None:
    """The character an entity at `pos` stands for and the index after it, else None.

    Mirrors Telegram's decoder (only lt, gt, amp, quot and numeric references); in strict
    mode the closing ';' is required, which Telegram itself does not insist on.
    """
    n = len(text)
    end = pos + 1
    if end < n and text[end] == "#":
        end += 1
        hexadecimal = end < n and text[end] in "xX"
        if hexadecimal:
            end += 1
        digits_start = end
        allowed = _HEX_DIGITS if hexadecimal else _DIGITS
        while end < n and text[end] in allowed:
            end += 1
        digits = text[digits_start:end]
        if not digits or end - pos >= 10:
            return None
        code = int(digits, 16 if hexadecimal else 10)
        if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        char = chr(code)
    else:
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        char_or_none = _HTML_ENTITIES.get(text[pos + 1 : end])
        if char_or_none is None:
            return None
        char = char_or_none
    if end < n and text[end] == ";":
        return char, end + 1
    if strict:
        return None
    return char, end


def _parse_html(text: str, *, strict_entities: bool) -> tuple[str, list[_Span]]:
    """Telegram's HTML parse mode: visible text and entities, or Telegram's error."""
    out: list[str] = []
    stack: list[_Open] = []
    spans: list[_Span] = []
    n = len(text)
    i = 0
    while i < n:
        char = text[i]
        if char == "&":
            decoded = _decode_html_entity(text, i, strict=strict_entities)
            if decoded is not None:
                out.append(decoded[0])
                i = decoded[1]
                continue
            if strict_entities:
                raise entity_error(
                    f'Character "&" must be escaped as "&amp;" (it does not start one of '
                    f"&lt; &gt; &amp; &quot; or a numeric entity) at byte offset "
                    f"{_byte_offset(text, i)}"
                )
        if char != "<":
            out.append(char)
            i += 1
            continue
        begin = _byte_offset(text, i)
        if i + 1 < n and text[i + 1] == "/":
            j = i + 2
            while j < n and not text[j].isspace() and text[j] != ">":
                j += 1
            end_name = text[i + 2 : j].lower()
            while j < n and text[j].isspace():
                j += 1
            if j >= n or text[j] != ">":
                raise entity_error(f"Unclosed end tag at byte offset {begin}")
            if not stack:
                raise entity_error(f"Unexpected end tag at byte offset {begin}")
            top = stack[-1]
            if end_name and end_name != top.kind:
                raise entity_error(
                    f'Unmatched end tag at byte offset {begin}, expected "</{top.kind}>", '
                    f'found "</{end_name}>"'
                )
            stack.pop()
            spans.extend(_html_spans(top, len(out), stack))
            i = j + 1
            continue
        j = i + 1
        while j < n and not text[j].isspace() and text[j] != ">":
            j += 1
        if j >= n:
            raise entity_error(f"Unclosed start tag at byte offset {begin}")
        name = text[i + 1 : j].lower()
        if name not in _HTML_TAGS:
            raise entity_error(f'Unsupported start tag "{name}" at byte offset {begin}')
        attributes, j = _html_attributes(text, j, name, begin)
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise entity_error(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        if name == "tg-emoji" and not attributes.get("emoji-id"):
            raise entity_error(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {begin}'
            )
        stack.append(_Open(name, len(out), attributes))
        i = j
    if stack:
        raise entity_error(f'Can\'t find end tag corresponding to start tag "{stack[-1].kind}"')
    return "".join(out), spans


def _html_attributes(text: str, j: int, tag: str, begin: int) -> tuple[dict[str, str], int]:
    """Attributes of a start tag from just after its name; returns them and the index after '>'."""
    n = len(text)
    attributes: dict[str, str] = {}
    while True:
        while j < n and text[j].isspace():
            j += 1
        if j >= n:
            raise entity_error(f"Unclosed start tag at byte offset {begin}")
        if text[j] == ">":
            return attributes, j + 1
        name_start = j
        while j < n and not text[j].isspace() and text[j] not in "=>":
            j += 1
        attribute = text[name_start:j].lower()
        if not attribute:
            raise entity_error(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
        while j < n and text[j].isspace():
            j += 1
        if j >= n:
            raise entity_error(f"Unclosed start tag at byte offset {begin}")
        if text[j] != "=":
            if tag == "blockquote" and attribute == "expandable":
                attributes[attribute] = ""
                continue
            raise entity_error(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" at byte '
                f"offset {begin}"
            )
        j += 1
        while j < n and text[j].isspace():
            j += 1
        if j >= n:
            raise entity_error(f"Unclosed start tag at byte offset {begin}")
        if text[j] in "'\"":
            quote = text[j]
            j += 1
            value: list[str] = []
            while j < n and text[j] != quote:
                if text[j] == "&":
                    decoded = _decode_html_entity(text, j, strict=False)
                    if decoded is not None:
                        value.append(decoded[0])
                        j = decoded[1]
                        continue
                value.append(text[j])
                j += 1
            if j >= n:
                raise entity_error(f"Unclosed start tag at byte offset {begin}")
            j += 1
            attributes[attribute] = "".join(value)
        else:
            token_start = j
            while j < n and (text[j].isalnum() or text[j] in ".-"):
                j += 1
            if j >= n or (not text[j].isspace() and text[j] != ">"):
                raise entity_error(
                    f"Unexpected end of name token at byte offset {_byte_offset(text, token_start)}"
                )
            attributes[attribute] = text[token_start:j].lower()


def _html_spans(tag: _Open, end: int, outer: list[_Open]) -> list[_Span]:
    """The entity a closed HTML tag produces (none when empty or meaningless)."""
    if end <= tag.start:
        return []
    attributes = tag.extra
    if tag.kind == "a":
        href = attributes.get("href")
        return [_Span("text_link", tag.start, end, {"url": href})] if href else []
    if tag.kind == "code":
        if outer and outer[-1].kind == "pre":
            # <pre><code class="language-x"> is one pre entity with a language, not two.
            language = attributes.get("class", "")
            if language.startswith("language-"):
                outer[-1].extra["language"] = language.removeprefix("language-")
            return []
        return [_Span("code", tag.start, end)]
    if tag.kind == "pre":
        language = attributes.get("language")
        return [_Span("pre", tag.start, end, {"language": language} if language else {})]
    if tag.kind == "blockquote":
        kind = "expandable_blockquote" if "expandable" in attributes else "blockquote"
        return [_Span(kind, tag.start, end)]
    if tag.kind == "tg-emoji":
        return [_Span("custom_emoji", tag.start, end, {"custom_emoji_id": attributes["emoji-id"]})]
    return [_Span(_HTML_TAGS[tag.kind], tag.start, end)]


def _spans_from_entities(text: str, entities: Any) -> list[_Span]:
    """Explicit `entities` (UTF-16 offsets) as code-point spans, so stripping works the same."""
    if not isinstance(entities, list):
        raise bad("can't parse entities JSON object")
    prefix = _utf16_prefix(text)
    spans: list[_Span] = []
    for entity in entities:
        if not isinstance(entity, dict):
            raise bad("can't parse MessageEntity: MessageEntity must be an Object")
        kind, offset, length = entity.get("type"), entity.get("offset"), entity.get("length")
        if not isinstance(kind, str) or not isinstance(offset, int) or not isinstance(length, int):
            raise bad("can't parse MessageEntity: wrong field types")
        start = bisect.bisect_left(prefix, offset)
        end = bisect.bisect_left(prefix, offset + length)
        extra = {k: v for k, v in entity.items() if k not in ("type", "offset", "length")}
        spans.append(_Span(kind, start, end, extra))
    return spans


def check_parse_mode(parse_mode: str | None) -> None:
    """Refuse the parse modes the stand-in does not implement, even where nothing is parsed.

    A caption-less photo with parse_mode Markdown is refused too: the point is to notice the
    first use of such a mode, not to mimic what Telegram would do with it.
    """
    if parse_mode is not None and parse_mode.lower() in UNIMPLEMENTED_PARSE_MODES:
        raise bad(
            f"the Bot API stand-in does not implement parse_mode {parse_mode}; SiCapai sends "
            "HTML, so add a parser to tests/botapi/entities.py before sending this mode"
        )


def format_text(
    text: str, parse_mode: str | None, entities: Any, *, strict_html: bool
) -> tuple[str, list[dict[str, Any]]]:
    """Visible text and its entities as Telegram would store them, or Telegram's 400.

    Like Telegram, leading and trailing white space is trimmed after parsing, which is why a
    message of only tags and blanks is "empty".
    """
    check_parse_mode(parse_mode)
    mode = (parse_mode or "").lower()
    if entities is not None:
        visible, spans = text, _spans_from_entities(text, entities)
    elif mode == "":
        visible, spans = text, []
    elif mode == "html":
        visible, spans = _parse_html(text, strict_entities=strict_html)
    else:
        raise bad("unsupported parse_mode")
    left = len(visible) - len(visible.lstrip())
    visible = visible.strip()
    prefix = _utf16_prefix(visible)
    result: list[dict[str, Any]] = []
    for span in spans:
        start = max(span.start - left, 0)
        end = min(span.end - left, len(visible))
        if end <= start:
            continue
        entity: dict[str, Any] = {
            "type": span.kind,
            "offset": prefix[start],
            "length": prefix[end] - prefix[start],
        }
        entity.update(span.extra)
        result.append(entity)
    result.sort(key=lambda e: (e["offset"], -e["length"]))
    return visible, result


_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/@])")


def command_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command entities Telegram attaches to a user's text; CommandHandler needs them."""
    return [
        {
            "type": "bot_command",
            "offset": _utf16_len(text[: match.start()]),
            "length": _utf16_len(match.group()),
        }
        for match in _COMMAND.finditer(text)
    ]
