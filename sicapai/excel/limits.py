"""Limits on what a workbook unpacks to, counted before openpyxl builds anything from it.

openpyxl makes a Python object of about 300 bytes for every cell and parses styles, comments
and drawings into object trees, and the import reads each table sheet as a full rectangle
(`iter_rows` creates every cell up to the last row and column). None of it can be
interrupted once `load_workbook` starts, and a file that is small on disk can take gigabytes:
a 3 MB .xlsx with a 300,000-row sheet ran out of memory after 80 s, 27 KB of empty `<c/>`
cells take 700 MB and 75 KB of repeated `<xf/>` styles take 6 GB. The zip's declared sizes
and a sheet's `<dimension>` tag are written by whoever made the file, so neither is evidence.

So every member is decompressed 64 KB at a time and fed to expat without building a tree, and
what is really there is counted until the first limit is crossed: bytes, rows and columns per
sheet, cells, shared strings and all other XML elements. The counting follows openpyxl 3.1's
reader (a row without `r` follows the previous one, every child of a row is a cell, merged
ranges, hyperlinks and comments create cells) and how often it reads each part (a part
referenced from two places is loaded twice), so the counts bound what openpyxl will build.

Damage is not this module's business: a member that cannot be decompressed or parsed is
counted for the bytes it gave and left for openpyxl, which refuses it with the usual message.

A refusal is data (`BeyondLimits`: which limit, the limits, the sheet or part);
`sicapai.handlers.texts.excel` says it in Indonesian.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final
from xml.parsers import expat

from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries

CHUNK: Final = 64 * 1024
# expat holds an unfinished tag, comment or name whole and rescans it with every chunk; Excel's
# longest (a cell's 32,767 characters are text, not a tag) is far shorter
MAX_TOKEN_BYTES: Final = 1024 * 1024
_SPACE: Final = b" \t\r\n"
MAX_DEPTH: Final = 8  # deeper than openpyxl follows: workbook, sheet, drawing, chart
MAX_WEIGHT: Final = 1_000_000  # any part read this often is far past every budget

_MAIN: Final = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "
_ROW: Final = _MAIN + "row"
_STRING: Final = _MAIN + "si"
_SHEET: Final = _MAIN + "sheet"
_RANGES: Final = (_MAIN + "mergeCell", _MAIN + "hyperlink")
_COMMENT: Final = _MAIN + "comment"
_RELATIONSHIP: Final = "http://schemas.openxmlformats.org/package/2006/relationships Relationship"
_RELS_NS: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REL_ID: Final = _RELS_NS + " id"
_OFFICE_DOCUMENT: Final = _RELS_NS + "/officeDocument"
_DIGITS: Final = "0123456789"
_COLUMNS: Final[dict[str, int]] = {}  # "AB" -> 28, filled as letters are met


@dataclass(frozen=True)
class Limits:
    """The numbers, set in `sicapai.excel.workbook` next to the other import limits, so there
    is one place to read what SiCapai accepts."""

    sheet_rows: int
    sheet_columns: int
    unpacked_bytes: int
    cells: int  # all sheets: max(rows x columns, cells, rows) each, the objects openpyxl makes
    strings: int  # shared strings
    elements: int  # XML elements outside rows and shared strings: styles, drawings, comments...
    unit_elements: int  # elements inside one row or string, which openpyxl holds as one tree
    members: int


class Breach(StrEnum):
    """Which limit a file crosses; `handlers.texts.excel` words each one."""

    MEMBERS = "bagian_arsip"
    UNPACKED = "ukuran_terbuka"
    ELEMENTS = "unsur_xml"
    STRINGS = "teks_tersimpan"
    SHEET_ROWS = "baris_lembar"  # `where` is the sheet's name
    SHEET_COLUMNS = "kolom_lembar"  # `where` is the sheet's name
    CELLS = "sel"
    LONG_ELEMENT = "unsur_panjang"  # `where` is the part's path; the limit is MAX_TOKEN_BYTES
    DTD = "dtd"  # `where` is the part's path
    COMPLEX_ROW = "baris_rumit"  # `where` is the sheet's name
    COMPLEX_STRING = "teks_rumit"


class BeyondLimits(ValueError):
    """The file crosses a limit: which one, the limits it was held to, and the sheet's name or
    the part's path when the limit is theirs. No text for a person: that is the handlers'."""

    def __init__(self, breach: Breach, limits: Limits, where: str = "") -> None:
        super().__init__(breach.value, where)
        self.breach = breach
        self.limits = limits
        self.where = where

    def __reduce__(self) -> tuple[type[BeyondLimits], tuple[Breach, Limits, str]]:
        return (type(self), (self.breach, self.limits, self.where))


@dataclass
class _Sheet:
    name: str
    weight: int  # how many worksheets openpyxl makes of this part
    rows: int = 0  # <row> elements
    cells: int = 0
    counter: int = 0  # openpyxl's row counter: the row's r, else one more than the last row
    last_counter: int = 0
    last_ref: int = 0  # highest row named by a cell, merged range, hyperlink or comment
    last_column: int = 0
    # openpyxl numbers a row nested in another before its parent; then only this bounds it
    nested: bool = False
    highest_r: int = 0
    unnumbered: int = 0
    counted: int = 0  # what this sheet adds to the workbook's cells

    @property
    def height(self) -> int:
        height = max(self.last_ref, self.last_counter)
        return max(height, self.highest_r + self.unnumbered) if self.nested else height


class _RowState:
    __slots__ = ("column",)

    def __init__(self) -> None:
        self.column = 0


class _Unreadable(Exception):
    """openpyxl would fail at this point of the member, so nothing after it can be loaded."""


def check_workbook(data: bytes, limits: Limits) -> None:
    """Raise BeyondLimits at the first limit crossed; leave damaged files to openpyxl."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return
    with archive:
        _Scan(limits, archive).run()


class _Scan:
    def __init__(self, limits: Limits, archive: zipfile.ZipFile) -> None:
        self.limits = limits
        self.archive = archive
        self.unpacked = 0
        self.cells = 0
        self.strings = 0
        self.elements = 0
        self.sheets: dict[str, _Sheet] = {}
        self.names: dict[str, str] = {}  # part -> sheet name
        self.targets: dict[str, list[str]] = {}  # part -> parts it refers to, repeats kept
        self.ids: dict[str, dict[str, str]] = {}  # part -> relationship id -> part
        self.commented: dict[str, list[str]] = {}  # comments part -> the worksheets it annotates
        self.workbook = "xl/workbook.xml"  # or what the package's relationships say
        self.entries: list[tuple[str, str]] = []  # the workbook's <sheet>: name, relationship id
        self.weights: dict[str, int] = {}

    # --- the package ----------------------------------------------------------------------

    def run(self) -> None:
        limits = self.limits
        members = [info for info in self.archive.infolist() if not info.is_dir()]
        if len(members) > limits.members:
            raise BeyondLimits(Breach.MEMBERS, limits)
        for info in members:
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                # Excel never writes bzip2 or LZMA, and zipfile cannot read those 64 KB at a time
                raise zipfile.BadZipFile(f"{info.filename}: compression {info.compress_type}")
        relations = [info for info in members if info.filename.endswith(".rels")]
        first: dict[str, tuple[int, int]] = {}  # rels part -> (bytes, elements) counted once
        for info in relations:
            bytes_before, elements_before = self.unpacked, self.elements
            self.member(info, 1, collect=self.relationship)
            first[info.filename] = (self.unpacked - bytes_before, self.elements - elements_before)
        workbook = self.workbook
        books = [info for info in members if info.filename == workbook]
        for info in books:
            self.member(info, 1, collect=self.sheet_entry)
        self.weigh(workbook)
        for path, (size, elements) in first.items():
            extra = self.weights.get(_source(path), 1) - 1
            self.add_bytes(size * extra)
            self.add_elements(elements * extra)
        done = {id(info) for info in (*relations, *books)}
        for info in members:
            if id(info) not in done:
                self.member(info, self.weights.get(info.filename, 1))

    def weigh(self, workbook: str) -> None:
        """How many times openpyxl reads each part: once per path from the workbook to it,
        and each worksheet once per <sheet> entry naming it."""
        ids = self.ids.get(workbook, {})
        sheets = [ids[rel_id] for _, rel_id in self.entries if rel_id in ids]
        for name, rel_id in self.entries:
            if rel_id in ids:
                self.names.setdefault(ids[rel_id], name)
        named = set(sheets)
        edges = [t for t in self.targets.get(workbook, []) if t not in named] + sheets
        self.targets[workbook] = edges
        level = {workbook: 1}
        self.weights = {workbook: 1}
        for _ in range(MAX_DEPTH):
            following: dict[str, int] = {}
            for source, times in level.items():
                for target in self.targets.get(source, ()):
                    following[target] = min(MAX_WEIGHT, following.get(target, 0) + times)
            for part, times in following.items():
                self.weights[part] = min(MAX_WEIGHT, self.weights.get(part, 0) + times)
            level = following
            if not level:
                break

    def relationship(self, path: str, name: str, attrs: dict[str, str]) -> None:
        if name != _RELATIONSHIP or attrs.get("TargetMode") == "External":
            return
        target = attrs.get("Target", "")
        source = _source(path)
        if target.startswith("/"):
            resolved = target[1:]
        else:
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
        self.targets.setdefault(source, []).append(resolved)
        rel_id = attrs.get("Id", "")
        self.ids.setdefault(source, {}).setdefault(rel_id, resolved)
        kind = attrs.get("Type", "")
        if kind == _OFFICE_DOCUMENT and source == "":
            self.workbook = resolved
        elif kind.endswith("/comments"):
            self.commented.setdefault(resolved, []).append(source)

    def sheet_entry(self, path: str, name: str, attrs: dict[str, str]) -> None:
        if name == _SHEET:
            self.entries.append((attrs.get("name", ""), attrs.get(_REL_ID, "")))

    # --- one member -----------------------------------------------------------------------

    def member(
        self,
        info: zipfile.ZipInfo,
        weight: int,
        collect: Callable[[str, str, dict[str, str]], None] | None = None,
    ) -> None:
        reader: _Reader | None = _Reader(self, info.filename, weight, collect)
        try:
            with self.archive.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    self.add_bytes(len(chunk) * weight)
                    if reader is not None:
                        try:
                            reader.feed(chunk)
                        except (expat.ExpatError, _Unreadable):
                            reader = None
                if reader is not None:
                    try:
                        reader.feed(b"", final=True)
                    except (expat.ExpatError, _Unreadable):
                        pass
        except BeyondLimits:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError):
            return  # damaged or encrypted: openpyxl gets no further than we did

    def sheet(self, path: str) -> _Sheet:
        found = self.sheets.get(path)
        if found is None:
            name = self.names.get(path, path)
            found = self.sheets[path] = _Sheet(name, self.weights.get(path, 1))
        return found

    # --- the budgets ----------------------------------------------------------------------

    def add_bytes(self, n: int) -> None:
        self.unpacked += n
        if self.unpacked > self.limits.unpacked_bytes:
            raise BeyondLimits(Breach.UNPACKED, self.limits)

    def add_elements(self, n: int) -> None:
        self.elements += n
        if self.elements > self.limits.elements:
            raise BeyondLimits(Breach.ELEMENTS, self.limits)

    def add_string(self, weight: int) -> None:
        self.strings += weight
        if self.strings > self.limits.strings:
            raise BeyondLimits(Breach.STRINGS, self.limits)

    def update(self, sheet: _Sheet) -> None:
        limits = self.limits
        rows = sheet.height
        if rows > limits.sheet_rows:
            raise BeyondLimits(Breach.SHEET_ROWS, limits, sheet.name)
        if sheet.last_column > limits.sheet_columns:
            raise BeyondLimits(Breach.SHEET_COLUMNS, limits, sheet.name)
        counted = max(rows * sheet.last_column, sheet.cells, sheet.rows) * sheet.weight
        self.cells += counted - sheet.counted
        sheet.counted = counted
        if self.cells > limits.cells:
            raise BeyondLimits(Breach.CELLS, limits)

    def extend(self, sheet: _Sheet, ref: str) -> None:
        """A merged range, hyperlink or comment: openpyxl creates every cell it covers."""
        try:
            _, _, column, row = range_boundaries(ref)
        except (ValueError, TypeError):
            return  # openpyxl fails on it too
        sheet.last_ref = max(sheet.last_ref, row or 0)
        sheet.last_column = max(sheet.last_column, column or 0)
        self.update(sheet)


class _Reader:
    """Counts one member as expat streams it; holds one chunk and the open elements' kinds."""

    def __init__(
        self,
        scan: _Scan,
        path: str,
        weight: int,
        collect: Callable[[str, str, dict[str, str]], None] | None,
    ) -> None:
        self.scan = scan
        self.path = path
        self.weight = weight
        self.collect = collect
        self.stack: list[_RowState | None] = [None]
        self.unit_depth = 0  # len(stack) inside the outermost open row or shared string
        self.unit_elements = 0
        self.unit_limit = scan.limits.unit_elements
        self.current: _Sheet | None = None
        self.fed = 0
        self.sniffing = True  # until the first byte that is not white space
        self.owners = scan.commented.get(path, [])
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.StartDoctypeDeclHandler = self.doctype

    def feed(self, chunk: bytes, final: bool = False) -> None:
        if self.sniffing and chunk:
            head = chunk.removeprefix(b"\xef\xbb\xbf") if not self.fed else chunk
            if head.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
                self.sniffing = False  # UTF-16
            elif head.lstrip(_SPACE):
                self.sniffing = False
                if not head.lstrip(_SPACE).startswith(b"<"):
                    raise _Unreadable("not XML")  # an image, or bytes openpyxl cannot parse
        self.fed += len(chunk)
        self.parser.Parse(chunk, final)
        if self.fed - self.parser.CurrentByteIndex > MAX_TOKEN_BYTES:
            raise BeyondLimits(Breach.LONG_ELEMENT, self.scan.limits, self.path)

    def doctype(self, *_: object) -> None:
        # Entities declared in a DTD expand beyond the bytes counted; a package has none.
        raise BeyondLimits(Breach.DTD, self.scan.limits, self.path)

    def sheet(self) -> _Sheet:
        if self.current is None:
            self.current = self.scan.sheet(self.path)
        return self.current

    def start(self, name: str, attrs: dict[str, str]) -> None:
        stack = self.stack
        if self.unit_depth:
            self.unit_elements += 1
            if self.unit_elements > self.unit_limit:
                self.too_complex()
        parent = stack[-1]
        if parent is not None:  # openpyxl reads every child of a row as a cell
            self.cell(parent, attrs.get("r"))
        if name == _ROW:
            self.row(attrs.get("r"), nested=parent is not None)
            stack.append(_RowState())
            if not self.unit_depth:
                self.unit_depth = len(stack)
            return
        stack.append(None)
        if self.unit_depth:
            return
        if name == _STRING:
            self.unit_depth = len(stack)
            self.scan.add_string(self.weight)
            return
        self.scan.add_elements(self.weight)
        if "ref" in attrs:
            if name in _RANGES:
                self.scan.extend(self.sheet(), attrs["ref"])
            elif name == _COMMENT:
                for owner in self.owners:
                    self.scan.extend(self.scan.sheet(owner), attrs["ref"])
        if self.collect is not None:
            self.collect(self.path, name, attrs)

    def end(self, name: str) -> None:
        if len(self.stack) == self.unit_depth:
            self.unit_depth = 0
            self.unit_elements = 0
        self.stack.pop()

    def row(self, ref: str | None, *, nested: bool) -> None:
        sheet = self.sheet()
        sheet.rows += 1
        sheet.nested = sheet.nested or nested
        if ref is None:
            sheet.counter += 1
            sheet.unnumbered += 1
        else:
            try:  # as openpyxl reads r: "12", or "12.0" from some writers
                sheet.counter = int(ref)
            except ValueError:
                try:
                    value = float(ref)
                except ValueError:
                    raise _Unreadable(ref) from None
                if not value.is_integer():
                    raise _Unreadable(ref) from None
                sheet.counter = int(value)
            sheet.highest_r = max(sheet.highest_r, sheet.counter)
        sheet.last_counter = max(sheet.last_counter, sheet.counter)
        self.scan.update(sheet)

    def cell(self, row: _RowState, ref: str | None) -> None:
        sheet = self.current or self.sheet()  # set by the row
        sheet.cells += 1
        grew = sheet.cells * sheet.weight > sheet.counted
        if ref:
            letters = ref.rstrip(_DIGITS)
            column = _COLUMNS.get(letters) or _column(letters)
            digits = ref[len(letters) :]
            if column and digits.isascii() and digits.isdigit():
                number = int(digits)
            else:  # "$A$1", " A1" and the like: exactly as openpyxl does, or fail as it would
                try:
                    number, column = coordinate_to_tuple(ref)
                except (ValueError, TypeError, IndexError) as exc:
                    raise _Unreadable(ref) from exc
            row.column = column
            if number > sheet.last_ref:
                sheet.last_ref = number
                grew = True
        else:
            row.column += 1
        if row.column > sheet.last_column:
            sheet.last_column = row.column
            grew = True
        if grew:
            self.scan.update(sheet)

    def too_complex(self) -> None:
        if self.stack[self.unit_depth - 1] is not None:
            raise BeyondLimits(Breach.COMPLEX_ROW, self.scan.limits, self.sheet().name)
        raise BeyondLimits(Breach.COMPLEX_STRING, self.scan.limits)


def _column(letters: str) -> int:
    """A column's number from its letters (A-ZZZ, any case, as openpyxl); 0 if not one."""
    if not 0 < len(letters) <= 3 or not letters.isascii() or not letters.isalpha():
        return 0
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    if letters.isupper():  # at most 18,278 keys, whatever the file holds
        _COLUMNS[letters] = number
    return number


def _source(rels_path: str) -> str:
    """The part a .rels part describes: xl/_rels/workbook.xml.rels -> xl/workbook.xml."""
    folder, filename = posixpath.split(rels_path)
    return posixpath.join(posixpath.dirname(folder), filename[: -len(".rels")])
