"""The databases the tests run on: where PostgreSQL is, and what a test is handed."""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from sicapai.models.db import make_engine

POSTGRES_URL = os.environ.get(
    "SICAPAI_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = (
    os.environ.get("CI", "").lower() in {"1", "true", "yes"}
    or os.environ.get("SICAPAI_REQUIRE_POSTGRES") == "1"
)


def probe_postgres() -> str | None:
    """None when the server answers, else why not."""
    try:
        engine = make_engine(POSTGRES_URL)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # any failure means: not reachable
        return str(exc).splitlines()[0]
    return None


@dataclass
class Database:
    """A migrated, empty database for one test, and the URL a subprocess would use."""

    url: str
    engine: Engine
    backend: str

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)
