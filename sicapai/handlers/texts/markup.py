"""The one markup every text of the core is written in, and its rendering for each channel.

The grammar, all of it:

    text    := ( chars | escape | element )*
    element := "<b>" text "</b>" | "<i>" text "</i>" | "<code>" text "</code>"
    escape  := "&lt;" | "&gt;" | "&amp;"
    chars   := any characters except "<" and "&"

Tags are lower case, carry no attributes and no spaces, and nest properly (any of the three
may hold the others). `texts.esc` turns whatever a person typed into `chars | escape`, so a
name or an answer can never open a tag. A bare `>` is an ordinary character, as in XML;
`esc` writes it `&gt;`. The markup happens to be a subset of Telegram's HTML, which is why it
was chosen, but it is the core's own: `parse` refuses everything outside it (`<u>`,
`<a href=…>`, `<B>`, `&quot;`, `&#39;`, a bare `&` or `<`, an unclosed `<b>`) with a
`MarkupError` that says what and where.

Renderers (each validates first, and raises `MarkupError` for a text outside the grammar):

- `to_telegram_html`: the text itself, which Telegram's parse_mode HTML reads as meant;
- `to_whatsapp`: `*bold*`, `_italic_` and `` `code` `` (WhatsApp's inline code; ``` is its
  multi-line block, which the core never writes), entities unescaped, and a person's own
  `*`, `_`, `~` and `` ` `` replaced by look-alikes that can never be a marker
  (`WHATSAPP_LOOKALIKES`);
- `to_plain`: the words without markup, for the terminal, the CLI and a platform that refused
  the markup; `lenient=True` also salvages a text outside the grammar, never raising.

`length(text, render)` measures a text as a platform counts it, for checking its limits.
Pure functions only: no I/O, no logging.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal, TypeAlias

Tag = Literal["b", "i", "code"]
Node: TypeAlias = "str | Element"  # text (already unescaped) or an element
Renderer: TypeAlias = Callable[[str], str]

_TAGS: dict[str, Tag] = {"b": "b", "i": "i", "code": "code"}
_ESCAPES = {"&lt;": "<", "&gt;": ">", "&amp;": "&"}
_SPECIAL = re.compile(r"[<&]")
_TAG_SHAPE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>")


@dataclass(frozen=True)
class Element:
    tag: Tag
    children: tuple[Node, ...]


class MarkupError(ValueError):
    """A text outside the core's markup; `position` is the index in `text` where it goes wrong."""

    def __init__(self, text: str, position: int, reason: str) -> None:
        self.text = text
        self.position = position
        self.reason = reason
        near = text[max(position - 15, 0) : position + 25]
        super().__init__(f"not valid markup: {reason} at character {position} (near {near!r})")


def parse(text: str) -> tuple[Node, ...]:
    """The text as a tiny tree, or `MarkupError` for anything outside the grammar."""
    # each open element: its tag, where it opened, and its parent's children to return to
    stack: list[tuple[Tag, int, list[Node]]] = []
    nodes: list[Node] = []  # children of the innermost open element (or the top level)
    chars: list[str] = []  # text not yet added to `nodes`
    i, n = 0, len(text)
    while i < n:
        found = _SPECIAL.search(text, i)
        if found is None:
            chars.append(text[i:])
            break
        k = found.start()
        chars.append(text[i:k])
        if text[k] == "&":
            escape = next((e for e in _ESCAPES if text.startswith(e, k)), None)
            if escape is None:
                raise MarkupError(text, k, _ampersand_problem(text, k))
            chars.append(_ESCAPES[escape])
            i = k + len(escape)
            continue
        tag = _TAG_SHAPE.match(text, k)
        if tag is None:
            raise MarkupError(
                text, k, "a '<' that starts no tag (a person's text goes through esc(): '&lt;')"
            )
        closing, name, rest = tag.group(1) == "/", tag.group(2), tag.group(3)
        if name not in _TAGS:
            raise MarkupError(
                text, k, f"unknown tag <{'/' if closing else ''}{name}> (only <b>, <i>, <code>)"
            )
        if rest:
            raise MarkupError(
                text, k, f"tag {tag.group()!r} has attributes or spaces; none allowed"
            )
        if chars:
            nodes.append("".join(chars))
            chars = []
        if not closing:
            stack.append((_TAGS[name], k, nodes))
            nodes = []
        elif not stack:
            raise MarkupError(text, k, f"</{name}> closes nothing")
        elif stack[-1][0] != name:
            opened, at, _ = stack[-1]
            raise MarkupError(
                text, k, f"</{name}> while <{opened}> (opened at character {at}) is still open"
            )
        else:
            opened, _, outer = stack.pop()
            outer.append(Element(opened, _nonempty(nodes)))
            nodes = outer
        i = tag.end()
    if stack:
        opened, at, _ = stack[-1]
        raise MarkupError(text, at, f"<{opened}> is never closed")
    if chars:
        nodes.append("".join(chars))
    return _nonempty(nodes)


def _nonempty(nodes: list[Node]) -> tuple[Node, ...]:
    return tuple(node for node in nodes if node != "")


def _ampersand_problem(text: str, k: int) -> str:
    entity = re.match(r"&#?\w*;?", text[k:])
    written = entity.group() if entity else "&"
    if written == "&":
        return "a bare '&' (write '&amp;', which esc() does)"
    return f"the entity {written!r} (only &lt; &gt; &amp;, the ones esc() writes)"


def validate(text: str) -> str:
    """The text itself, once checked to be valid markup (`MarkupError` otherwise)."""
    parse(text)
    return text


# --- renderers ------------------------------------------------------------------------


def to_telegram_html(text: str) -> str:
    """What Telegram's parse_mode HTML shows as meant: the validated text, byte for byte.

    `<b>`, `<i>`, `<code>` and `&lt; &gt; &amp;` are all Telegram HTML, and Telegram allows
    them nested, so nothing needs translating; the check keeps anything else (a tag Telegram
    knows but other channels do not, an `&quot;`) from reaching a platform at all.
    """
    return validate(text)


def to_plain(text: str, *, lenient: bool = False) -> str:
    """The words without their markup: tags removed, entities unescaped.

    `lenient=True` is for showing a text that may be outside the grammar (a bug) rather than
    failing: it then drops anything tag-shaped and unescapes every HTML entity.
    """
    try:
        return "".join(_words(parse(text)))
    except MarkupError:
        if not lenient:
            raise
        return html.unescape(re.sub(r"<[^>]+>", "", text))


def _words(nodes: tuple[Node, ...]) -> Iterator[str]:
    for node in nodes:
        if isinstance(node, str):
            yield node
        else:
            yield from _words(node.children)


WHATSAPP_MARKS: dict[Tag, str] = {"b": "*", "i": "_", "code": "`"}
# A person's own marker characters, outside code, become characters that look the same and
# that WhatsApp never reads as formatting. A zero-width joiner beside them would keep the
# original character, but whether it stops WhatsApp's parser is undocumented; a look-alike
# stops it by construction. Inside code the text is literal, so only a backtick (which would
# end the code) is replaced there, and an invite code with `_` still copies as written.
WHATSAPP_LOOKALIKES = {
    "*": "\u2217",  # ∗ ASTERISK OPERATOR
    "_": "\u02cd",  # ˍ MODIFIER LETTER LOW MACRON
    "~": "\u223c",  # ∼ TILDE OPERATOR
    "`": "\u02cb",  # ˋ MODIFIER LETTER GRAVE ACCENT
}
_OUTSIDE_CODE = str.maketrans(WHATSAPP_LOOKALIKES)
_INSIDE_CODE = str.maketrans({"`": WHATSAPP_LOOKALIKES["`"]})
_OPEN_ORDER: tuple[Tag, ...] = ("b", "i", "code")  # code innermost: nothing inside it formats

# a rendered line: text, or a marker (True for opening, the tag)
_Token: TypeAlias = "str | tuple[bool, Tag]"


def to_whatsapp(text: str) -> str:
    """WhatsApp's formatting: `*bold*`, `_italic_`, `` `code` ``; entities unescaped.

    Markers hug their words as WhatsApp requires (white space at the edge of an element moves
    outside it, an element of only white space loses its markers), every line is formatted on
    its own, the same mark is never nested in itself, and a person's `*`, `_`, `~`, `` ` ``
    cannot become a marker (`WHATSAPP_LOOKALIKES`).
    """
    lines: list[list[tuple[str, frozenset[Tag]]]] = [[]]
    for chunk, styles in _runs(parse(text), frozenset()):
        first, *others = chunk.split("\n")
        lines[-1].append((first, styles))
        lines.extend([(other, styles)] for other in others)
    return "\n".join(_whatsapp_line(line) for line in lines)


def _runs(nodes: tuple[Node, ...], styles: frozenset[Tag]) -> Iterator[tuple[str, frozenset[Tag]]]:
    for node in nodes:
        if isinstance(node, str):
            yield node, styles
        else:
            yield from _runs(node.children, styles | {node.tag})


def _whatsapp_line(runs: list[tuple[str, frozenset[Tag]]]) -> str:
    tokens: list[_Token] = []
    stack: list[Tag] = []
    for chunk, styles in runs:
        if not chunk:
            continue
        # close every mark this run does not carry, and whatever was opened inside it
        keep = next((k for k, tag in enumerate(stack) if tag not in styles), len(stack))
        # nothing opens inside code: close it (it is always innermost) and open it again
        if "code" in stack[:keep] and styles - set(stack[:keep]):
            keep = stack.index("code")
        while len(stack) > keep:
            tokens.append((False, stack.pop()))
        for tag in _OPEN_ORDER:
            if tag in styles and tag not in stack:
                stack.append(tag)
                tokens.append((True, tag))
        tokens.append(chunk.translate(_INSIDE_CODE if "code" in styles else _OUTSIDE_CODE))
    while stack:
        tokens.append((False, stack.pop()))
    return "".join(
        token if isinstance(token, str) else WHATSAPP_MARKS[token[1]] for token in _hugged(tokens)
    )


def _hugged(tokens: list[_Token]) -> list[_Token]:
    """White space moved outside the markers next to it, and empty pairs of markers dropped."""
    changed = True
    while changed:
        changed = False
        out: list[_Token] = []
        for token in tokens:
            previous = out[-1] if out else None
            if isinstance(token, str):
                if not token:
                    continue
                if isinstance(previous, tuple) and previous[0] and token[0].isspace():
                    # an opening marker before white space: the space goes in front of it
                    core = token.lstrip()
                    out.insert(len(out) - 1, token[: len(token) - len(core)])
                    token, changed = core, True
                    if not token:
                        continue
                out.append(token)
            elif not token[0] and isinstance(previous, tuple) and previous == (True, token[1]):
                out.pop()  # an element with nothing in it
                changed = True
            elif not token[0] and isinstance(previous, str) and previous[-1:].isspace():
                core = previous.rstrip()
                out[-1] = core
                out.append(token)
                out.append(previous[len(core) :])
                changed = True
            else:
                out.append(token)
        tokens = [token for token in out if token != ""]
    return tokens


# --- measuring and cutting ---------------------------------------------------------------


def length(text: str, render: Renderer = to_plain, *, utf16: bool = False) -> int:
    """The length of `text` once rendered, as a platform's limit counts it.

    Telegram's 4096 (1024 for a caption) counts the visible text in UTF-16 code units:
    `length(text, to_plain, utf16=True)`. WhatsApp's 4096 (1024 for a caption, 20 for a
    button) counts the body it receives: `length(text, to_whatsapp)`.
    """
    rendered = render(text)
    return len(rendered.encode("utf-16-le", "surrogatepass")) // 2 if utf16 else len(rendered)


_PIECE = re.compile(r"</?(?:b|i|code)>|&(?:lt|gt|amp);|[^<&]|[<&]")


def truncate(text: str, limit: int, tail: str = "…") -> str:
    """At most `limit` characters of markup, cut between tags and entities, never inside one,
    with `tail` and the end tags of whatever was still open; the whole text when it fits."""
    if len(text) <= limit:
        return text
    kept: list[str] = []
    opened: list[str] = []
    size = len(tail)
    for piece in _PIECE.findall(text):
        closing = piece.startswith("</")
        name = piece.strip("</>") if piece.startswith("<") and len(piece) > 1 else ""
        grows = len(piece) + (len(name) + 3 if name and not closing else 0)
        if size + grows + sum(len(t) + 3 for t in opened) > limit:
            break
        kept.append(piece)
        size += len(piece)
        if name and not closing:
            opened.append(name)
        elif name and opened and opened[-1] == name:
            opened.pop()
    return "".join(kept) + tail + "".join(f"</{tag}>" for tag in reversed(opened))
