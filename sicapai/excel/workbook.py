"""Opening a workbook someone sent: its size, that it is a zip, the limits, then openpyxl.

Every file an import reads comes through `open_workbook`, so there is one place that decides
what SiCapai is willing to load and one kind of refusal, `WorkbookError`, which says why as a
code (`Failure`) and the file's name; `sicapai.handlers.texts.excel` words it for the command
line and the chat, each kind with the advice that fits it.
"""

from __future__ import annotations

import io
import warnings
from enum import StrEnum
from pathlib import Path, PurePath
from typing import Final

from openpyxl import Workbook, load_workbook

from sicapai.excel.limits import BeyondLimits, Limits, check_workbook

MAX_WORKBOOK_BYTES: Final = 20 * 1024 * 1024
# What a workbook may unpack to, counted before openpyxl builds it (see excel.limits).
# A template sheet has 26 columns, so 10,000 rows of it are 260,000 cells: the cell budget
# keeps that, and bounds openpyxl's load to about 270 MB at worst (docs/benchmarks.md).
MAX_SHEET_ROWS: Final = 10_000
MAX_SHEET_COLUMNS: Final = 200
MAX_UNPACKED_BYTES: Final = 50 * 1024 * 1024
WORKBOOK_LIMITS: Final = Limits(
    sheet_rows=MAX_SHEET_ROWS,
    sheet_columns=MAX_SHEET_COLUMNS,
    unpacked_bytes=MAX_UNPACKED_BYTES,
    cells=300_000,
    strings=300_000,
    elements=50_000,
    unit_elements=20_000,
    members=1_000,
)
UNNAMED: Final = "berkas"  # the name a file without one goes by (bytes from a chat)


class Failure(StrEnum):
    """Why a file is not a workbook SiCapai reads; `handlers.texts.excel` words each one."""

    UNREADABLE = "tidak_terbaca"  # the file system refused; `detail` is its reason
    TOO_BIG = "terlalu_besar"  # above MAX_WORKBOOK_BYTES
    NOT_XLSX = "bukan_xlsx"  # not a zip: an old .xls, a CSV, a PDF...
    BEYOND_LIMITS = "melebihi_batas"  # `beyond` says which limit
    DAMAGED = "rusak"  # openpyxl failed; `detail` is the exception's type
    BOTH_SHEETS = "dua_jenis"  # a template sheet and a realisation sheet in one file
    NO_KNOWN_SHEET = "lembar_asing"  # neither of them


class WorkbookError(ValueError):
    """The file cannot be read as a workbook SiCapai knows: why, and the file's name."""

    def __init__(
        self,
        failure: Failure,
        filename: str,
        *,
        detail: str = "",
        beyond: BeyondLimits | None = None,
    ) -> None:
        super().__init__(failure.value, filename)
        self.failure = failure
        self.filename = filename
        self.detail = detail
        self.beyond = beyond

    def __reduce__(
        self,
    ) -> tuple[type[WorkbookError], tuple[Failure, str], dict[str, object]]:
        return (type(self), (self.failure, self.filename), self.__dict__)


def source_name(source: Path | str | bytes, filename: str | None = None) -> str:
    """The name a file goes by in messages: the one given, the path's, or UNNAMED."""
    if filename:
        return filename
    return PurePath(source).name if not isinstance(source, bytes) else UNNAMED


def open_workbook(source: Path | str | bytes, filename: str | None = None) -> Workbook:
    """The workbook, or a WorkbookError saying why not."""
    name = source_name(source, filename)
    if isinstance(source, bytes):
        data = source
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            detail = exc.strerror or str(exc)
            raise WorkbookError(Failure.UNREADABLE, name, detail=detail) from exc
    if len(data) > MAX_WORKBOOK_BYTES:
        raise WorkbookError(Failure.TOO_BIG, name)
    if not data.startswith(b"PK"):
        raise WorkbookError(Failure.NOT_XLSX, name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it skips
            check_workbook(data, WORKBOOK_LIMITS)  # openpyxl cannot be stopped once it starts
            return load_workbook(io.BytesIO(data), data_only=True)
    except BeyondLimits as exc:
        raise WorkbookError(Failure.BEYOND_LIMITS, name, beyond=exc) from exc
    except Exception as exc:  # any failure inside a damaged file means the same to a person
        raise WorkbookError(Failure.DAMAGED, name, detail=type(exc).__name__) from exc
