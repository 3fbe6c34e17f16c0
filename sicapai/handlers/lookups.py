"""What `/capaian`, `/grafik` and `/status` share: the scopes a person may see, the year,
and the quarter to show by default."""

from __future__ import annotations

from sqlmodel import col, select

from sicapai.handlers.texts import lapor as lt
from sicapai.handlers.turn import Turn
from sicapai.models.performance import Indicator
from sicapai.models.reporting import reporting_year
from sicapai.models.scopes import Scope, scopes_for
from sicapai.models.summaries import latest_quarter_with_data
from sicapai.reports.dates import local_datetime
from sicapai.reports.periods import current_quarter, quarter_name


def scopes(turn: Turn) -> list[Scope]:
    org = turn.organisation
    if org is None or org.id is None:
        return []
    return scopes_for(session=turn.session, person_id=turn.person_id, organisation_id=org.id)


def find_scope(turn: Turn, key: str) -> Scope | None:
    """Only a scope the person is allowed: a forged key finds nothing."""
    return next((s for s in scopes(turn) if s.key == key), None)


def year(turn: Turn) -> int | None:
    org = turn.organisation
    return (
        reporting_year(session=turn.session, organisation=org, configured=turn.app.year)
        if org
        else None
    )


def default_quarter_for(turn: Turn, scope: Scope, year_: int) -> int:
    """The latest quarter with data in the scope; else the current one (as `/lapor`)."""
    org = turn.organisation
    assert org is not None
    ids = {
        i
        for i in turn.session.exec(
            select(Indicator.id).where(
                col(Indicator.owner_position_id).in_(scope.position_ids),
                Indicator.year == year_,
            )
        ).all()
        if i is not None
    }
    with_data = latest_quarter_with_data(
        session=turn.session,
        organisation=org,
        year=year_,
        indicator_ids=ids,
    )
    return with_data or current_quarter(year_, turn.local_now().date()) or 4


def read_at(turn: Turn) -> str:
    org = turn.organisation
    return local_datetime(turn.now, org.timezone if org else turn.app.default_timezone)


def quarter_buttons(current: int) -> list[tuple[str, str]]:
    return [(quarter_name(q), f"q:{q}") for q in (1, 2, 3, 4) if q != current]


def page_buttons(page: int, pages: int, prefix: str = "pg") -> list[tuple[str, str]]:
    """‹ Sebelumnya / Berikutnya › for a paged answer (empty on a single page)."""
    nav = []
    if page > 0:
        nav.append((lt.BTN_PREV_PAGE, f"{prefix}:{page - 1}"))
    if page < pages - 1:
        nav.append((lt.BTN_NEXT_PAGE, f"{prefix}:{page + 1}"))
    return nav
