"""The per-turn memo: a turn's repeated reads are answered from memory until it writes, by
whatever route the write goes; sessions that did not opt in never remember anything."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, text, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from sicapai.models.memo import remember_reads
from sicapai.models.organisation import Holding, Person
from sicapai.models.people import bind_holding, find_position, held_positions
from sicapai.models.queries import resolve_organisation
from tests.support.database import Database


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def holder(office: Database) -> int:
    with Session(office.engine) as session:
        org = resolve_organisation(session=session)
        assert org.id is not None
        position = find_position(
            session=session, organisation_id=org.id, name="Kasi Transmigrasi"
        ).position
        assert position is not None and position.id is not None
        person = Person(name="Sari")
        session.add(person)
        session.flush()
        assert person.id is not None
        bind_holding(session=session, person_id=person.id, position_id=position.id, acting=False)
        session.commit()
        return person.id


def test_a_turn_remembers_until_a_core_write_on_its_connection(office: Database) -> None:
    person = holder(office)
    with Session(office.engine) as session, counting(office.engine) as statements:
        remember_reads(session)
        assert len(held_positions(session=session, person_id=person)) == 1
        asked = len(statements)
        assert len(held_positions(session=session, person_id=person)) == 1
        assert len(statements) == asked  # answered from memory
        session.connection().execute(
            update(Holding)
            .where(col(Holding.person_id) == person)
            .values(ended_at=text("CURRENT_TIMESTAMP"))
        )
        assert held_positions(session=session, person_id=person) == []  # read afresh
        session.rollback()


def test_raw_sql_on_the_connection_forgets_too(office: Database) -> None:
    person = holder(office)
    with Session(office.engine) as session:
        remember_reads(session)
        assert len(held_positions(session=session, person_id=person)) == 1
        session.connection().execute(
            text("UPDATE holding SET ended_at = CURRENT_TIMESTAMP WHERE person_id = :p"),
            {"p": person},
        )
        assert held_positions(session=session, person_id=person) == []
        session.rollback()


def test_an_orm_enabled_write_also_forgets(office: Database) -> None:
    person = holder(office)
    with Session(office.engine) as session:
        remember_reads(session)
        assert len(held_positions(session=session, person_id=person)) == 1
        session.execute(
            update(Holding)
            .where(col(Holding.person_id) == person)
            .values(ended_at=text("CURRENT_TIMESTAMP"))
        )
        assert held_positions(session=session, person_id=person) == []
        session.rollback()


def test_sessions_that_did_not_opt_in_read_afresh(office: Database) -> None:
    person = holder(office)
    with Session(office.engine) as session, counting(office.engine) as statements:
        held_positions(session=session, person_id=person)
        asked = len(statements)
        held_positions(session=session, person_id=person)
        assert len(statements) == 2 * asked
        assert not session.info
