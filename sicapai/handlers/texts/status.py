"""What `/status` says: who has and has not reported each item of a quarter.

The marks are `/lapor`'s own (`texts.lapor.STATUS_MARK`), so a mark means the same on every
screen, and the legend under the list names every one of them.
"""

from __future__ import annotations

from sicapai.handlers.texts import esc
from sicapai.handlers.texts.capaian import paginate, period_label
from sicapai.handlers.texts.lapor import STATUS_MARK, STATUS_WORD
from sicapai.reports.domain import PENDING_STATUSES, Status

# the order the legend reads, from nothing done to approved
LEGEND_ORDER = (Status.NOT_YET, Status.DRAFT, Status.SENT, Status.RETURNED, Status.APPROVED)
LEGEND_WORD = {Status.SENT: "terkirim, menunggu verifikasi"}
UNKNOWN_MARK = STATUS_MARK[Status.NOT_YET]
NOBODY_REGISTERED = "<i>belum terdaftar</i>"


def legend() -> str:
    """Every mark the list may carry, with its word."""
    return " · ".join(
        f"{STATUS_MARK[status]} {LEGEND_WORD.get(status, STATUS_WORD[status])}"
        for status in LEGEND_ORDER
    )


def position_block(
    position: str, names: list[str], vacant: bool, items: list[tuple[str, str]]
) -> str:
    """One position: its people (none shown for a placeholder), then its items' marks.

    "belum terdaftar" is said only where it matters: nobody holds the position and something
    of it is still to be reported."""
    marks = ", ".join(
        f"{STATUS_MARK.get(status, UNKNOWN_MARK)} {esc(code)}" for code, status in items
    )
    if names:
        who = " (" + ", ".join(esc(name) for name in names) + ")"
    elif vacant and any(status in PENDING_STATUSES for _, status in items):
        who = f" ({NOBODY_REGISTERED})"
    else:
        who = ""
    return f"<b>{esc(position)}</b>{who}\n{marks}"


def status_pages(
    blocks: list[str], done: int, total: int, scope_label: str, year: int, quarter: int
) -> list[str]:
    head = f"<b>Status pelaporan {period_label(year, quarter)}</b> — {esc(scope_label)}"
    summary = f"Sudah melapor: {done} dari {total} butir.\nTanda: {legend()}"
    return paginate(head, [*blocks, summary])
