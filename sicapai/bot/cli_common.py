"""Opening the configured database for a command, with failures as one readable line."""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, TypeAlias

from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlmodel import Session

from sicapai.handlers.texts import cli as t
from sicapai.models.db import DatabaseUrlError, make_engine, normalise_url
from sicapai.models.migrate import current_revision, head_revision
from sicapai.models.queries import years_with_pk


@contextmanager
def indonesian_argparse() -> Iterator[None]:
    """argparse words every sentence through its module's gettext `_` and `ngettext`; for the
    length of one of our parser's calls they answer from the Indonesian catalogue. Scoped to
    our parsers, so another argparse user in the process (pytest, say) keeps its language."""
    module = vars(argparse)
    saved = module["_"], module["ngettext"]
    module["_"], module["ngettext"] = t.argparse_text, t.argparse_plural
    try:
        yield
    finally:
        module["_"], module["ngettext"] = saved


class Parser(argparse.ArgumentParser):
    """argparse in Indonesian that complains in one line instead of usage plus error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        with indonesian_argparse():
            super().__init__(*args, **kwargs)

    def parse_known_args(  # type: ignore[override]  # typeshed overloads the namespace type
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        with indonesian_argparse():
            return super().parse_known_args(args, namespace)

    def parse_args(  # type: ignore[override]  # as above
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        with indonesian_argparse():
            return super().parse_args(args, namespace)

    def add_subparsers(self, **kwargs: Any) -> Any:
        with indonesian_argparse():
            return super().add_subparsers(**kwargs)

    def format_usage(self) -> str:
        with indonesian_argparse():
            return super().format_usage()

    def format_help(self) -> str:
        with indonesian_argparse():
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"sicapai: {message} {t.see_help(self.prog)}\n")


def whole_number(text: str) -> int:
    """argparse type for a count or a row number, refused in Indonesian."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t.whole_number(text)) from None


def database_url_problem(raw: str) -> str:
    """Why DATABASE_URL cannot be used, in one Indonesian line."""
    try:
        url = make_url(raw)
    except ArgumentError:
        return t.not_a_database_url(raw)
    return t.unsupported_database(url.drivername)


# what each module's add_commands receives (a string: argparse's class is not generic at run time)
Subcommands: TypeAlias = "argparse._SubParsersAction[Parser]"


class UserError(Exception):
    """A problem the operator can fix; printed as one line, exit status 2."""


def quarter_arg(text: str) -> int:
    """argparse type for --triwulan: 1-4, with an Indonesian complaint otherwise."""
    try:
        quarter = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"triwulan harus 1-4, bukan {text!r}") from None
    if quarter not in (1, 2, 3, 4):
        raise argparse.ArgumentTypeError(f"triwulan harus 1-4, bukan {quarter}")
    return quarter


def year_arg(text: str) -> int:
    """argparse type for --tahun."""
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"tahun harus angka, bukan {text!r}") from None
    if not 2000 <= year <= 2100:
        raise argparse.ArgumentTypeError(f"tahun {year} di luar jangkauan")
    return year


def require_pk_year(session: Session, organisation_id: int, year: int) -> None:
    """One clear line when the office has no PK for that year."""
    years = years_with_pk(session=session, organisation_id=organisation_id)
    if year not in years:
        known = ", ".join(map(str, years)) or "belum ada"
        raise UserError(f"tidak ada PK tahun {year} (tahun yang tersedia: {known})")


def sqlite_path(raw_url: str) -> Path | None:
    """The file behind a SQLite URL, or None for memory and non-SQLite URLs."""
    url = normalise_url(raw_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def describe_connection_error(exc: DBAPIError) -> str:
    """The first line of the driver's complaint, without the SQL or the URL's password."""
    original = str(exc.orig) if exc.orig is not None else str(exc)
    first = next((line.strip() for line in original.splitlines() if line.strip()), original)
    return first[:300]


def open_engine(raw_url: str, *, require_schema: bool = True) -> Engine:
    """An engine whose database exists and (unless asked otherwise) is migrated."""
    try:
        path = sqlite_path(raw_url)
    except DatabaseUrlError as exc:
        raise UserError(database_url_problem(raw_url)) from exc
    if path is not None:
        if require_schema and not path.exists():
            raise UserError(f"basis data {path} belum ada; jalankan `sicapai db upgrade` dulu")
        if not path.parent.exists():
            raise UserError(f"folder {path.parent} untuk basis data tidak ada")
    engine = make_engine(raw_url)
    if not require_schema:
        return engine
    try:
        at = current_revision(engine)
    except OperationalError as exc:
        engine.dispose()
        raise UserError(f"basis data tidak dapat dibuka: {describe_connection_error(exc)}") from exc
    head = head_revision()
    if at is None:
        engine.dispose()
        raise UserError("basis data masih kosong; jalankan `sicapai db upgrade` dulu")
    if at != head:
        engine.dispose()
        raise UserError(
            f"skema basis data ({at}) belum mutakhir ({head}); jalankan `sicapai db upgrade`"
        )
    return engine
