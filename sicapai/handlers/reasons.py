"""The one rule for a reason a person types: a correction's reason, a change request's, a
reviewer's return note and the admin's reason for unlocking a quarter.

These reasons are read later by someone who was not there — the reporter, the admin, an
Inspektorat reviewer reading the audit trail — so "ok" or "x" tells them nothing. The rule is
deliberately small, a short sentence: at least two words and at least ten letters in all
("Salah ketik" passes; "ok", "x", "salah" and "ok ok" do not). Anything longer than
`texts.MAX_TEXT` is refused as every typed answer is (`flow.typed_answer`).
"""

from __future__ import annotations

from sicapai.handlers.flow import typed_answer
from sicapai.handlers.texts import common as t
from sicapai.handlers.turn import Turn

MIN_WORDS = 2  # words that contain at least one letter
MIN_LETTERS = 10  # letters in the whole reason, digits and punctuation not counted

# what each kind of reason is called in the refusal, and the example it gives
REVISION = t.REASON_REVISION
RETURN_NOTE = t.REASON_RETURN_NOTE
UNLOCK = t.REASON_UNLOCK


def is_sentence(text: str) -> bool:
    """Whether `text` says enough to stand as a reason on its own."""
    words = [word for word in text.split() if any(c.isalpha() for c in word)]
    letters = sum(1 for c in text if c.isalpha())
    return len(words) >= MIN_WORDS and letters >= MIN_LETTERS


def typed_reason(turn: Turn, text: str, kind: t.ReasonKind) -> str | None:
    """The reason as kept, or None after telling the person what a reason needs."""
    answer = typed_answer(turn, text)
    if answer is None:
        return None
    if not is_sentence(answer):
        turn.say(t.reason_too_short(kind))
        return None
    return answer
