"""`/verifikasi`: a superior approves or returns the figures their sections sent; the admin
also decides change requests on locked periods."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from sicapai.handlers import lookups
from sicapai.handlers.flow import BACK_TO_LIST, Action, Command, Flow, Step, listing, number
from sicapai.handlers.reasons import RETURN_NOTE, typed_reason
from sicapai.handlers.texts import lapor as lt
from sicapai.handlers.texts import verifikasi as t
from sicapai.handlers.turn import Turn
from sicapai.models.guards import ALREADY_DECIDED, Conflict
from sicapai.models.organisation import Person
from sicapai.models.people import is_admin, shown_name
from sicapai.models.performance import (
    ChangeRequest,
    Indicator,
    Period,
    Revision,
    Status,
    Submission,
)
from sicapai.models.reporting import current_revision, evidence_count, revision_for
from sicapai.models.review import (
    approve,
    decide_change,
    may_review,
    pending_changes,
    reporters_of,
    send_back,
    waiting_for,
)
from sicapai.models.types import ident
from sicapai.reports.numbers import format_percent


class S(StrEnum):
    """The steps; the values are what stored dialog states carry."""

    DAFTAR = "daftar"  # what waits for the person's decision
    LIHAT = "lihat"  # one submission: approve or return it
    CATATAN = "catatan"  # returning it: the note for the reporter
    PERUBAHAN = "perubahan"  # one change request on a locked period (the admin's)


class A(StrEnum):
    """The buttons' actions; the values are what buttons already sent carry."""

    SUBMISSION = "v"  # v:<submission>
    CHANGE = "c"  # c:<change request>
    LIST = BACK_TO_LIST  # back to the list, made afresh ("daftar", from `listing`)
    APPROVE = "ok"
    RETURN = "kembali"
    APPROVE_CHANGE = "ok_ubah"
    REJECT_CHANGE = "tolak_ubah"


def _org_id(turn: Turn) -> int | None:
    """The person's office; None for someone who holds nothing any more and is no admin."""
    org = turn.organisation
    return ident(org) if org is not None else None


PAGE_SIZE = 8  # items on one page of the list (fewer where a message takes fewer buttons)


@dataclass(frozen=True)
class Entry:
    """One line of the list and its button, under the heading of its group."""

    group: str
    line: str
    button: tuple[str, str]


def open_verifikasi(turn: Turn, args: str = "") -> None:
    turn.goto(FLOW.code, S.DAFTAR, page=0)
    show_list(turn)


def _reporter(turn: Turn, revision: Revision | None) -> str:
    """Who saved the revision under review; figures nobody typed say where they came from."""
    person = (
        turn.session.get(Person, revision.person_id) if revision and revision.person_id else None
    )
    if person is not None:
        return shown_name(person.name)
    return t.source_name(revision.source if revision else "")


def _entries(turn: Turn, org_id: int) -> list[Entry]:
    """Change requests first (a locked quarter waits on them), then the submissions by
    quarter, oldest first within each."""
    entries = []
    if is_admin(session=turn.session, person_id=turn.person_id, organisation_id=org_id):
        for change in pending_changes(session=turn.session, organisation_id=org_id):
            indicator = turn.session.get(Indicator, change.indicator_id)
            requester = turn.session.get(Person, change.person_id)
            entries.append(
                Entry(
                    t.GROUP_CHANGES,
                    t.change_line(
                        ident(change),
                        indicator.code if indicator else "",
                        shown_name(requester.name) if requester else "-",
                    ),
                    (t.change_button(ident(change)), f"{A.CHANGE}:{change.id}"),
                )
            )
    items = waiting_for(session=turn.session, person_id=turn.person_id, organisation_id=org_id)
    items.sort(key=lambda item: (item.period.year, item.period.quarter))
    for item in items:
        period = lt.period_label(item.period.year, item.period.quarter)
        revision = current_revision(session=turn.session, submission=item.submission)
        entries.append(
            Entry(
                period,
                t.item_line(item.indicator.code, item.indicator.name, _reporter(turn, revision)),
                (f"{item.indicator.code} {period}", f"{A.SUBMISSION}:{item.submission.id}"),
            )
        )
    return entries


def show_list(turn: Turn) -> None:
    """What waits for the person's decision, grouped and paged."""
    org_id = _org_id(turn)
    entries = _entries(turn, org_id) if org_id is not None else []
    if not entries:
        turn.clear()
        turn.say(t.NOTHING)
        return
    size = turn.list_size(PAGE_SIZE)
    pages = -(-len(entries) // size)
    page = min(int(turn.data.get("page") or 0), pages - 1)
    shown = entries[page * size : (page + 1) * size]
    groups: list[tuple[str, list[str]]] = []
    for entry in shown:
        if not groups or groups[-1][0] != entry.group:
            groups.append((entry.group, []))
        groups[-1][1].append(entry.line)
    buttons = [[entry.button] for entry in shown]
    nav = lookups.page_buttons(page, pages)
    if nav:
        buttons.append(nav)
    turn.set_step(S.DAFTAR, page=page)
    turn.say(t.listing(groups, len(entries), page, pages), buttons)


def _describe(indicator: Indicator, figures: dict[str, object]) -> str:
    def figure(key: str) -> Decimal | None:
        value = figures.get(key)
        return Decimal(str(value)) if value is not None else None

    return lt.describe_figures(
        indicator.kind,
        indicator.unit_label,
        figure("numerator"),
        figure("denominator"),
        figure("value"),
        figure("realisation"),
    )


def _fields(revision: object) -> dict[str, object]:
    return {
        key: getattr(revision, key) for key in ("numerator", "denominator", "value", "realisation")
    }


def show_submission(turn: Turn, submission_id: int) -> None:
    submission = turn.session.get(Submission, submission_id)
    indicator = turn.session.get(Indicator, submission.indicator_id) if submission else None
    if (
        submission is None
        or indicator is None
        or not may_review(session=turn.session, person_id=turn.person_id, indicator=indicator)
    ):
        turn.say(t.NOT_YOURS)
        return
    if submission.status != Status.SENT:
        turn.say(t.ALREADY_DECIDED)
        return
    period = turn.session.get(Period, submission.period_id)
    revision = current_revision(session=turn.session, submission=submission)
    assert period is not None and revision is not None
    narrative = [
        (label, text)
        for label, text in ((label, getattr(revision, key)) for label, key in t.NARRATIVE_LABELS)
        if text
    ]
    turn.set_step(S.LIHAT, submission_id=submission_id, revision=revision.number)
    turn.say(
        t.detail(
            indicator.code,
            indicator.name,
            lt.period_label(period.year, period.quarter),
            _reporter(turn, revision),
            revision.number,
            _describe(indicator, _fields(revision)),
            format_percent(revision.achievement) if revision.achievement is not None else "-",
            narrative,
            evidence_count(session=turn.session, submission_id=submission_id),
        ),
        [[(t.BTN_APPROVE, A.APPROVE), (t.BTN_RETURN, A.RETURN)], [(t.BTN_LIST, A.LIST)]],
    )


def _current(turn: Turn) -> tuple[Submission, Indicator, Period] | None:
    """The submission on screen, if it is still the revision the reviewer saw."""
    submission = turn.session.get(Submission, turn.data.get("submission_id"))
    if submission is None:
        return None
    indicator = turn.session.get(Indicator, submission.indicator_id)
    period = turn.session.get(Period, submission.period_id)
    if (
        indicator is None
        or period is None
        or not may_review(session=turn.session, person_id=turn.person_id, indicator=indicator)
    ):
        return None
    if submission.status != Status.SENT or submission.current_revision != turn.data.get("revision"):
        return None
    return submission, indicator, period


def decide(turn: Turn, approve_it: bool, note: str | None = None) -> None:
    current = _current(turn)
    if current is None:
        turn.clear()
        turn.say(t.ALREADY_DECIDED)
        return
    submission, indicator, period = current
    label = lt.period_label(period.year, period.quarter)
    reviewer = shown_name(turn.person.name) if turn.person else ""
    seen = int(turn.data.get("revision") or 0)
    if approve_it:
        approve(
            session=turn.session,
            submission=submission,
            person_id=turn.person_id,
            now=turn.now,
            seen_revision=seen,
        )
        turn.say(t.approved(indicator.code, label))
        message = t.to_reporter_approved(indicator.code, label, reviewer)
    else:
        send_back(
            session=turn.session,
            submission=submission,
            person_id=turn.person_id,
            note=note or "",
            now=turn.now,
            seen_revision=seen,
        )
        turn.say(t.returned(indicator.code, label))
        message = t.to_reporter_returned(indicator.code, label, reviewer, note or "")
    for person in reporters_of(session=turn.session, indicator=indicator):
        if person.id is not None and person.id != turn.person_id:
            turn.notify(person.id, message)
    open_verifikasi(turn)


def show_change(turn: Turn, change_id: int) -> None:
    change = turn.session.get(ChangeRequest, change_id)
    org_id = _org_id(turn)
    if (
        change is None
        or org_id is None
        or not is_admin(session=turn.session, person_id=turn.person_id, organisation_id=org_id)
    ):
        turn.say(t.NOT_YOURS)
        return
    if change.status != "menunggu":
        turn.say(t.ALREADY_DECIDED)
        return
    indicator = turn.session.get(Indicator, change.indicator_id)
    period = turn.session.get(Period, change.period_id)
    requester = turn.session.get(Person, change.person_id)
    assert indicator is not None and period is not None
    old = revision_for(session=turn.session, indicator_id=ident(indicator), period=period)
    payload = change.payload
    turn.set_step(S.PERUBAHAN, change_id=change_id, revision=old.number if old else 0)
    turn.say(
        t.change_detail(
            change_id,
            indicator.code,
            lt.period_label(period.year, period.quarter),
            shown_name(requester.name) if requester else "-",
            _describe(indicator, _fields(old)) if old else t.NO_OLD_FIGURES,
            _describe(indicator, payload),
            change.reason,
        ),
        [
            [(t.BTN_APPROVE_CHANGE, A.APPROVE_CHANGE), (t.BTN_REJECT_CHANGE, A.REJECT_CHANGE)],
            [(t.BTN_LIST, A.LIST)],
        ],
    )


def decide_on_change(turn: Turn, approve_it: bool) -> None:
    change = turn.session.get(ChangeRequest, turn.data.get("change_id"))
    org_id = _org_id(turn)
    if (
        change is None
        or change.status != "menunggu"
        or org_id is None
        or not is_admin(session=turn.session, person_id=turn.person_id, organisation_id=org_id)
    ):
        turn.say(t.ALREADY_DECIDED)
        return
    decide_change(
        session=turn.session,
        request=change,
        person_id=turn.person_id,
        approve_it=approve_it,
        now=turn.now,
        seen_revision=int(turn.data.get("revision") or 0),
    )
    indicator = turn.session.get(Indicator, change.indicator_id)
    period = turn.session.get(Period, change.period_id)
    assert indicator is not None and period is not None
    turn.say(t.change_decided(ident(change), approve_it))
    turn.notify(
        change.person_id,
        t.to_requester(indicator.code, lt.period_label(period.year, period.quarter), approve_it),
    )
    open_verifikasi(turn)


def on_conflict(turn: Turn, conflict: Conflict) -> None:
    """A decision lost a race: say what happened instead, on fresh data, and show the list."""
    if conflict.what == ALREADY_DECIDED and conflict.detail.get("change_id"):
        change = turn.session.get(ChangeRequest, conflict.detail["change_id"])
        who = turn.session.get(Person, change.decided_by) if change and change.decided_by else None
        turn.say(
            t.change_decided_meanwhile(
                conflict.detail["change_id"],
                shown_name(who.name) if who else None,
                change.status if change else "",
            )
        )
    elif turn.step == S.PERUBAHAN:  # the slot moved under the change request
        turn.say(t.CHANGE_SLOT_MOVED)
    else:
        submission = turn.session.get(Submission, turn.data.get("submission_id"))
        revision = current_revision(session=turn.session, submission=submission)
        who = (
            turn.session.get(Person, revision.person_id)
            if revision and revision.person_id
            else None
        )
        turn.say(
            t.review_moved(
                shown_name(who.name) if who else None,
                revision.number if revision else 0,
                submission.status if submission else "",
            )
        )
        if submission is not None and submission.status == Status.SENT:
            show_submission(turn, ident(submission))
            return
    open_verifikasi(turn)


# --- buttons and the note ----------------------------------------------------------------


def pick_submission(turn: Turn, arg: str) -> None:
    show_submission(turn, int(arg))


def pick_change(turn: Turn, arg: str) -> None:
    show_change(turn, int(arg))


def press_approve(turn: Turn, arg: str) -> None:
    decide(turn, True)


def press_return(turn: Turn, arg: str) -> None:
    turn.set_step(S.CATATAN)
    turn.say(t.ASK_NOTE)


def press_approve_change(turn: Turn, arg: str) -> None:
    decide_on_change(turn, True)


def press_reject_change(turn: Turn, arg: str) -> None:
    decide_on_change(turn, False)


def answer_note(turn: Turn, text: str) -> None:
    if (note := typed_reason(turn, text, RETURN_NOTE)) is not None:
        decide(turn, False, note)


# --- the flow ---------------------------------------------------------------------------

FLOW = Flow(
    code="vf",
    commands=(Command("verifikasi", open_verifikasi, menu=t.MENU, help=t.HELP, rank=70),),
    steps=(
        Step(S.DAFTAR),  # buttons: a submission or a change request (actions of the flow)
        Step(
            S.LIHAT,
            presses=(Action(A.APPROVE, press_approve), Action(A.RETURN, press_return)),
        ),
        Step(S.CATATAN, answer_note),
        Step(
            S.PERUBAHAN,
            presses=(
                Action(A.APPROVE_CHANGE, press_approve_change),
                Action(A.REJECT_CHANGE, press_reject_change),
            ),
        ),
    ),
    actions=(
        Action(A.SUBMISSION, pick_submission, arg=number),
        Action(A.CHANGE, pick_change, arg=number),
        *listing(S.DAFTAR, show_list),  # "pg:<page>", and "daftar" back to the list
    ),
    on_conflict=on_conflict,
)
