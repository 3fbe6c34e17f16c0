"""What the stand-in records of the bot's calls, in the shape tests assert on.

Why it exists: these types are the stand-in's public vocabulary (exported from
`tests.waapi`); the adapter's tests read them while validation and the handlers produce them.
Keeping them apart from both lets either side change freely.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

_PLACEHOLDER = re.compile(r"\{\{(\d+)\}\}")


@dataclass(frozen=True)
class SentMessage:
    """One accepted `/messages` send, as the user would see it.

    `text` is the text body, the interactive body text, the media caption, or a template's body
    with its parameters substituted. `buttons` holds (id, title) of reply buttons, of list rows
    or of a template's quick replies (the id is the payload the bot gave, else the title);
    `rows` holds (id, title, description) of list rows. `payload` is the raw JSON body.
    """

    wamid: str
    to: str
    type: str
    kind: str
    text: str
    buttons: list[tuple[str, str]] = field(default_factory=list)
    rows: list[tuple[str, str, str]] = field(default_factory=list)
    list_button: str = ""
    media: bytes | None = None
    filename: str | None = None
    template: str | None = None
    params: list[str] = field(default_factory=list)
    at: datetime = field(default_factory=lambda: datetime.fromtimestamp(0, UTC))
    payload: dict[str, Any] = field(default_factory=dict)
    # Beyond the brief: what else a test may want to assert on.
    header: str = ""
    footer: str = ""
    media_id: str | None = None
    link: str | None = None
    mime_type: str | None = None
    language: str | None = None

    def button(self, label: str) -> str:
        """The id of the first button (or row) whose title contains `label`."""
        for button_id, title in self.buttons:
            if label in title:
                return button_id
        raise LookupError(
            f"no button containing {label!r} in {self.wamid}; "
            f"titles: {[title for _, title in self.buttons]}"
        )

    def summary(self) -> str:
        """One line for failure messages."""
        extra = f" {[title for _, title in self.buttons]}" if self.buttons else ""
        name = f" {self.template}" if self.template else ""
        return f"{self.kind}{name}->{self.to}: {self.text[:60]!r}{extra}"


class Refusal(NamedTuple):
    """One refused call: Meta's error code, the recipient (None if the call had none), why."""

    code: int
    to: str | None
    reason: str


class UploadedMedia(NamedTuple):
    """A file the bot uploaded through `POST /{phone_number_id}/media`."""

    data: bytes
    mime_type: str
    filename: str | None


@dataclass
class Template:
    """One message template in the stand-in's registry (what WhatsApp Manager would hold)."""

    name: str
    body: str
    language: str
    category: str
    status: str
    quick_replies: tuple[str, ...]
    id: str

    @property
    def placeholders(self) -> int:
        """How many distinct {{n}} placeholders the body has, i.e. the parameters it takes."""
        return len(set(_PLACEHOLDER.findall(self.body)))

    def render(self, params: list[str]) -> str:
        """The body with {{n}} replaced by the n-th parameter."""
        return _PLACEHOLDER.sub(lambda m: params[int(m.group(1)) - 1], self.body)

    def as_graph(self) -> dict[str, Any]:
        """The template as `GET /{waba_id}/message_templates` lists it."""
        components: list[dict[str, Any]] = [{"type": "BODY", "text": self.body}]
        if self.quick_replies:
            components.append(
                {
                    "type": "BUTTONS",
                    "buttons": [
                        {"type": "QUICK_REPLY", "text": text} for text in self.quick_replies
                    ],
                }
            )
        return {
            "name": self.name,
            "language": self.language,
            "category": self.category,
            "status": self.status,
            "id": self.id,
            "components": components,
        }


def check_template_body(body: str) -> int:
    """The parameter count of a template body; ValueError if WhatsApp Manager would refuse it."""
    numbers = sorted({int(n) for n in _PLACEHOLDER.findall(body)})
    if numbers != list(range(1, len(numbers) + 1)):
        raise ValueError(f"placeholders must be {{{{1}}}}..{{{{n}}}} without gaps, got {numbers}")
    if not body.strip():
        raise ValueError("a template body cannot be empty")
    if len(body) > 1024:
        raise ValueError("a template body is at most 1024 characters")
    return len(numbers)
