"""Bounded workbook imports: files that would unpack into more than SiCapai can hold are refused
before openpyxl reads them, with one Indonesian line, on the command line and in chat.

The oversized workbooks are written here as raw XML inside a zip (the smallest valid .xlsx:
content types, relationships, workbook and sheets), so a 300,000-row sheet takes about a second
to build and is under 2 MB on disk, the shape of the original defect.
"""

from __future__ import annotations

import io
import re
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl import load_workbook as real_load_workbook
from openpyxl.utils import get_column_letter
from sqlmodel import func, select

import sicapai.excel.workbook as excel_workbook
from sicapai.excel.importer import import_workbook
from sicapai.excel.workbook import Failure, WorkbookError, open_workbook
from sicapai.handlers.texts import excel as texts
from sicapai.models.db import transaction
from sicapai.models.performance import Indicator
from sicapai.runtime.conversations import Conversations
from tests.support.chat import Chat, invite
from tests.support.cli import run_cli
from tests.support.database import Database

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS_SAY = "SiCapai menerima paling banyak 10.000 baris dan 200 kolom per lembar"

Part = str | bytes | Iterable[str]


# --- writing .xlsx files by hand ----------------------------------------------------------


def xlsx(
    sheets: Sequence[tuple[str, Part]],
    *,
    parts: Mapping[str, tuple[str, Part]] | None = None,
    sheet_rels: Mapping[int, str] | None = None,
    entries: Sequence[tuple[str, int]] | None = None,
) -> bytes:
    """A minimal valid workbook. `parts`: more members (path -> content type, content), each
    related from the workbook; `sheet_rels`: the .rels of sheet n; `entries`: the workbook's
    <sheet> list as (name, sheet number), by default one per sheet."""
    parts = dict(parts or {})
    overrides = [
        ("/xl/workbook.xml", f"{CT}.sheet.main+xml"),
        *(
            (f"/xl/worksheets/sheet{i}.xml", f"{CT}.worksheet+xml")
            for i in range(1, len(sheets) + 1)
        ),
        *((f"/{path}", kind) for path, (kind, _) in parts.items()),
    ]
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{p}" ContentType="{k}"/>' for p, k in overrides)
        + "</Types>"
    )
    package_rels = (
        f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
        f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    listed = entries or [(name, i) for i, (name, _) in enumerate(sheets, start=1)]
    workbook = (
        f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
        + "".join(
            f'<sheet name="{name}" sheetId="{n}" r:id="rId{i}"/>'
            for n, (name, i) in enumerate(listed, start=1)
        )
        + "</sheets></workbook>"
    )
    kinds = {"sharedStrings": "sharedStrings", "styles": "styles"}
    workbook_rels = (
        f'<Relationships xmlns="{PKG}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        + "".join(
            f'<Relationship Id="rIdx{n}" Type="{REL}/{kinds.get(Path(path).stem, "custom")}" '
            f'Target="/{path}"/>'
            for n, path in enumerate(parts)
        )
        + "</Relationships>"
    )
    members: list[tuple[str, Part]] = [
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", package_rels),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", workbook_rels),
        *((f"xl/worksheets/sheet{i}.xml", body) for i, (_, body) in enumerate(sheets, start=1)),
        *(
            (f"xl/worksheets/_rels/sheet{n}.xml.rels", rels)
            for n, rels in (sheet_rels or {}).items()
        ),
        *((path, body) for path, (_, body) in parts.items()),
    ]
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            with archive.open(name, "w") as stream:
                for chunk in _chunks(content):
                    stream.write(chunk)
    return target.getvalue()


def _chunks(content: Part) -> Iterator[bytes]:
    if isinstance(content, bytes):
        yield content
    elif isinstance(content, str):
        yield content.encode()
    else:
        batch: list[str] = []
        for piece in content:
            batch.append(piece)
            if len(batch) >= 2000:
                yield "".join(batch).encode()
                batch.clear()
        yield "".join(batch).encode()


def sheet(rows: Iterable[str], *, before: str = "", after: str = "", p: str = "") -> Iterator[str]:
    """A worksheet around `rows`; `p` is a namespace prefix such as "x:", as .NET writers use."""
    xmlns = f'xmlns:{p[:-1]}="{MAIN}"' if p else f'xmlns="{MAIN}"'
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><{p}worksheet {xmlns}>'
    yield f"{before}<{p}sheetData>"
    yield from rows
    yield f"</{p}sheetData>{after}</{p}worksheet>"


def rows(
    count: int,
    columns: int = 2,
    *,
    row_refs: bool = True,
    cell_refs: bool = True,
    value: str = "<v>1</v>",
    kind: str = "",
    p: str = "",
) -> Iterator[str]:
    """`count` rows of `columns` cells, numbered or not, as different writers do."""
    letters = [get_column_letter(c) for c in range(1, columns + 1)]
    t = f' t="{kind}"' if kind else ""
    value = value.replace("<", f"<{p}").replace(f"<{p}/", f"</{p}")
    for n in range(1, count + 1):
        row = f'<{p}row r="{n}">' if row_refs else f"<{p}row>"
        if cell_refs:
            cells = "".join(f'<{p}c r="{letter}{n}"{t}>{value}</{p}c>' for letter in letters)
        else:
            cells = f"<{p}c{t}>{value}</{p}c>" * columns
        yield row + cells + f"</{p}row>"


def one_sheet(body: Part, name: str = "Indikator", **kwargs: Any) -> bytes:
    return xlsx([(name, body)], **kwargs)


def strings(count: int) -> Iterator[str]:
    yield f'<sst xmlns="{MAIN}">'
    for n in range(count):
        yield f"<si><t>teks {n}</t></si>"
    yield "</sst>"


STRINGS_PART = "xl/sharedStrings.xml"
STRINGS_CT = f"{CT}.sharedStrings+xml"


def _zip_bomb() -> bytes:
    """One 60 MB member of repeated bytes: 60 KB on disk."""
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as stream:
            block = b"A" * (1024 * 1024)
            for _ in range(60):
                stream.write(block)
    return target.getvalue()


# --- the files ----------------------------------------------------------------------------

_cache: dict[str, bytes] = {}


def file(key: str) -> bytes:
    """Each oversized file once per test session: the 300,000-row sheet takes a second."""
    if key not in _cache:
        _cache[key] = OVERSIZED[key][0]()
    return _cache[key]


OVERSIZED: dict[str, tuple[Callable[[], bytes], str]] = {
    "300000-baris": (
        lambda: one_sheet(sheet(rows(300_000))),
        f"lembar “Indikator” berisi lebih dari 10.000 baris; {ROWS_SAY}",
    ),
    "dimensi-bohong": (
        lambda: one_sheet(sheet(rows(10_001), before='<dimension ref="A1:B2"/>')),
        f"lembar “Indikator” berisi lebih dari 10.000 baris; {ROWS_SAY}",
    ),
    "201-kolom": (
        lambda: one_sheet(sheet(rows(3, 201))),
        f"lembar “Indikator” berisi lebih dari 200 kolom; {ROWS_SAY}",
    ),
    "bom-zip": (
        _zip_bomb,
        "isinya lebih dari 50 MB setelah dibuka dari arsip .xlsx; "
        "SiCapai menerima paling banyak 50 MB",
    ),
}


def _assert_not_loaded(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every call that reaches openpyxl's load_workbook, which still works as before."""
    calls: list[Any] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real_load_workbook(*args, **kwargs)

    monkeypatch.setattr(excel_workbook, "load_workbook", spy)
    return calls


@contextmanager
def refused_saying(pattern: str) -> Iterator[None]:
    """A WorkbookError whose message, as SiCapai words it, matches `pattern` (re.search)."""
    with pytest.raises(WorkbookError) as refused:
        yield
    message = texts.workbook_error(refused.value)
    assert re.search(pattern, message), message


def _indicators(db: Database) -> int:
    with db.session() as session:
        return int(session.exec(select(func.count()).select_from(Indicator)).one())


# --- the command line and chat, as a person sees them --------------------------------------


@pytest.mark.parametrize("key", list(OVERSIZED))
def test_cli_refuses_an_oversized_workbook_in_one_line(
    office: Database, tmp_path: Path, key: str
) -> None:
    path = tmp_path / "data.xlsx"
    path.write_bytes(file(key))
    before = _indicators(office)
    result = run_cli("impor", str(path), database_url=office.url)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line == f"sicapai: berkas data.xlsx tidak dimuat: {OVERSIZED[key][1]}"
    assert _indicators(office) == before


@pytest.mark.parametrize("key", ["300000-baris", "bom-zip"])
async def test_chat_impor_answers_with_the_limit_and_loads_nothing(
    app: Conversations, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    calls = _assert_not_loaded(monkeypatch)
    admin = Chat(app, 24, "Admin")
    await admin.send(f"/start {invite(app, None, admin=True)}")
    await admin.send("/impor")
    await admin.send_file(file(key), "pk-2026.xlsx", XLSX)
    assert f"berkas pk-2026.xlsx tidak dimuat: {OVERSIZED[key][1]}" in admin.text, admin.text
    assert calls == []
    assert "✅" not in admin.text


@pytest.mark.parametrize("key", list(OVERSIZED))
async def test_chat_impor_of_an_oversized_file_does_not_call_it_no_excel(
    app: Conversations, key: str
) -> None:
    admin = Chat(app, 24, "Admin")
    await admin.send(f"/start {invite(app, None, admin=True)}")
    await admin.send("/impor")
    await admin.send_file(file(key), "pk-2026.xlsx", XLSX)
    assert f"berkas pk-2026.xlsx tidak dimuat: {OVERSIZED[key][1]}" in admin.text, admin.text
    assert "bukan berkas Excel" not in admin.text
    assert "Tidak ada data yang diubah" in admin.text
    # still waiting for a workbook: a file that is not one is still called that
    await admin.send_file(b"kode;realisasi\n1.1.1;5000\n", "data.xlsx", XLSX)
    assert "berkas data.xlsx bukan berkas Excel .xlsx" in admin.text, admin.text


@pytest.mark.parametrize(
    ("failure", "says"),
    [
        (Failure.UNREADABLE, "kirim ulang"),
        (Failure.TOO_BIG, "terlalu besar (lebih dari 20 MB)"),
        (Failure.BEYOND_LIMITS, "melebihi batas"),
        (Failure.NOT_XLSX, "bukan berkas Excel .xlsx"),
        (Failure.DAMAGED, "rusak atau bukan berkas Excel .xlsx yang sah"),
        (Failure.BOTH_SHEETS, "dalam berkas terpisah"),
        (Failure.NO_KNOWN_SHEET, "sicapai templat"),
    ],
)
def test_each_refusal_gets_its_own_advice_in_chat(failure: Failure, says: str) -> None:
    text = texts.refusal(WorkbookError(failure, "data.xlsx", detail="BadZipFile"))
    assert text.startswith("Mohon maaf, berkas data.xlsx ") and says in text, text
    assert text.count("\n\n") == 1  # the reason, then what to do
    says_no_excel = "bukan berkas Excel" in text
    assert says_no_excel == (failure in (Failure.NOT_XLSX, Failure.DAMAGED)), text


def _full_of_errors(lines: int) -> bytes:
    """A realisation workbook whose every line is wrong twice (an unknown code, no number)."""
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = "Realisasi Anggaran"
    ws.append(["Tahun", 2025])
    ws.append(["Triwulan", 2])
    ws.append([])
    ws.append(["Kode", "Nama", "Realisasi"])
    for n in range(lines):
        ws.append([f"9.{n}", None, "abc"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


async def test_chat_impor_of_a_file_full_of_errors_shows_200_and_counts_the_rest(
    app: Conversations,
) -> None:
    admin = Chat(app, 24, "Admin")
    await admin.send(f"/start {invite(app, None, admin=True)}")
    await admin.send("/impor")
    await admin.send_file(_full_of_errors(600), "realisasi.xlsx", XLSX)
    text = admin.text
    assert "Berkas realisasi.xlsx tidak dimuat: 1.200 masalah" in text, text[:500]
    assert "Berikut 200 masalah yang pertama." in text
    assert text.count("• Realisasi Anggaran!") == 200
    assert "• Realisasi Anggaran!C104 (realisasi)" in text
    assert "Realisasi Anggaran!A105" not in text
    assert "… dan 1.000 masalah lain" in text
    assert text.index("Realisasi Anggaran!C104") < text.index("… dan 1.000 masalah lain")
    assert "✅" not in text and "Tidak ada data yang dimuat" in text


@pytest.mark.parametrize("key", list(OVERSIZED))
def test_refused_before_openpyxl_reads_anything(
    office: Database, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    calls = _assert_not_loaded(monkeypatch)
    with transaction(office.engine) as session, pytest.raises(WorkbookError) as refused:
        import_workbook(
            session,
            file(key),
            organisation=None,
            year=None,
            quarter=None,
            person_id=None,
            filename="data.xlsx",
        )
    assert texts.workbook_error(refused.value) == (
        f"berkas data.xlsx tidak dimuat: {OVERSIZED[key][1]}"
    )
    assert calls == []


def test_a_zip_bomb_is_never_held_in_memory() -> None:
    data = file("bom-zip")
    assert len(data) < 1024 * 1024  # 60 MB of "A" in a few dozen kilobytes
    tracemalloc.start()
    try:
        with refused_saying("lebih dari 50 MB"):
            open_workbook(data, "bom.xlsx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024  # chunks of 64 KB, never the member


# --- the edges: exactly at the limit is accepted, one over is not ----------------------------

ENCODINGS = {
    # how openpyxl and Excel write: every row and cell numbered, shared strings
    "r-semua": {"kind": "s", "value": "<v>0</v>"},
    # rows and cells counted on from the previous one, as some writers do
    "tanpa-r": {"row_refs": False, "cell_refs": False},
    # rows without r, cells with r: the row number comes from the cell
    "r-di-sel": {"row_refs": False},
    # inline strings
    "inline": {"kind": "inlineStr", "value": "<is><t>teks</t></is>"},
    # prefixed elements (x:row, x:c), as .NET writers produce
    "prefiks": {"p": "x:", "cell_refs": False},
}


def _edge(count: int, columns: int, encoding: str) -> bytes:
    options: dict[str, Any] = dict(ENCODINGS[encoding])
    p = options.get("p", "")
    parts = {STRINGS_PART: (STRINGS_CT, "".join(strings(1)))} if options.get("kind") == "s" else {}
    return one_sheet(sheet(rows(count, columns, **options), p=p), parts=parts)


@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_exactly_10000_rows_and_200_columns_are_accepted(
    monkeypatch: pytest.MonkeyPatch, encoding: str
) -> None:
    calls = _assert_not_loaded(monkeypatch)
    tall = open_workbook(_edge(10_000, 2, encoding), "tinggi.xlsx")
    wide = open_workbook(_edge(3, 200, encoding), "lebar.xlsx")
    assert (tall["Indikator"].max_row, tall["Indikator"].max_column) == (10_000, 2)
    assert (wide["Indikator"].max_row, wide["Indikator"].max_column) == (3, 200)
    assert len(calls) == 2


@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_one_row_or_column_more_is_refused(monkeypatch: pytest.MonkeyPatch, encoding: str) -> None:
    calls = _assert_not_loaded(monkeypatch)
    with refused_saying(re.escape("lebih dari 10.000 baris")):
        open_workbook(_edge(10_001, 2, encoding), "tinggi.xlsx")
    with refused_saying("lebih dari 200 kolom"):
        open_workbook(_edge(3, 201, encoding), "lebar.xlsx")
    assert calls == []


def test_a_dimension_that_claims_more_is_not_believed_either() -> None:
    data = one_sheet(sheet(rows(2), before='<dimension ref="A1:XFD1048576"/>'))
    assert open_workbook(data, "kecil.xlsx")["Indikator"].max_row == 2


# --- cells that exist only as a reference, and the rest of what openpyxl builds -------------

COMMENTS = (
    f'<comments xmlns="{MAIN}"><authors><author>a</author></authors><commentList>'
    '<comment ref="A10001" authorId="0"><text><t>catatan</t></text></comment>'
    "</commentList></comments>"
)
COMMENT_RELS = (
    f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/comments" '
    'Target="../comments1.xml"/></Relationships>'
)


def _styles(xfs: int) -> str:
    return (
        f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font/></fonts><fills count="1"><fill>'
        '<patternFill/></fill></fills><borders count="1"><border/></borders><cellXfs>'
        + "<xf/>" * xfs
        + "</cellXfs></styleSheet>"
    )


REFUSED: dict[str, tuple[Callable[[], bytes], str]] = {
    "sel-gabungan": (
        lambda: one_sheet(
            sheet(rows(2), after='<mergeCells><mergeCell ref="A1:A10001"/></mergeCells>')
        ),
        "lebih dari 10.000 baris",
    ),
    "tautan": (
        lambda: one_sheet(
            sheet(rows(2), after='<hyperlinks><hyperlink ref="A1:GS1"/></hyperlinks>')
        ),
        "lebih dari 200 kolom",
    ),
    "komentar": (
        lambda: one_sheet(
            sheet(rows(2)),
            parts={"xl/comments1.xml": (f"{CT}.comments+xml", COMMENTS)},
            sheet_rels={1: COMMENT_RELS},
        ),
        "lebih dari 10.000 baris",
    ),
    # one cell in the far corner: the import reads the whole rectangle, two million cells
    "sel-di-pojok": (
        lambda: one_sheet(sheet(['<row r="10000"><c r="GR10000"><v>1</v></c></row>'])),
        "isinya lebih dari 300.000 sel di semua lembar",
    ),
    # 400,000 empty cells are 1.6 MB of XML and 130 MB of openpyxl objects
    "sel-kosong": (
        lambda: xlsx(
            [(f"L{n}", sheet(rows(5_000, 20, value="", cell_refs=False))) for n in range(4)]
        ),
        "isinya lebih dari 300.000 sel di semua lembar",
    ),
    # the same 200,000-cell part listed as two sheets is loaded twice
    "lembar-kembar": (
        lambda: xlsx([("A", sheet(rows(10_000, 20)))], entries=[("A", 1), ("B", 1)]),
        "isinya lebih dari 300.000 sel di semua lembar",
    ),
    "teks-tersimpan": (
        lambda: one_sheet(sheet(rows(1)), parts={STRINGS_PART: (STRINGS_CT, strings(300_001))}),
        "isinya lebih dari 300.000 teks tersimpan",
    ),
    # 60,000 empty styles: 300 KB of XML, 6 GB at 10 million
    "gaya": (
        lambda: one_sheet(
            sheet(rows(1)), parts={"xl/styles.xml": (f"{CT}.styles+xml", _styles(60_000))}
        ),
        "isinya lebih dari 50.000 unsur XML di luar sel",
    ),
    "baris-rumit": (
        lambda: one_sheet(
            sheet(['<row r="1"><c r="A1" t="inlineStr"><is>' + "<t/>" * 20_001 + "</is></c></row>"])
        ),
        "lembar “Indikator” memuat baris dengan lebih dari 20.000 unsur XML",
    ),
    "dtd": (
        lambda: one_sheet(
            '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>'
            f'<worksheet xmlns="{MAIN}"><sheetData/></worksheet>'
        ),
        "bagian “xl/worksheets/sheet1.xml” memuat deklarasi DTD",
    ),
    "seribu-bagian": (
        lambda: one_sheet(
            sheet(rows(1)),
            parts={f"xl/x{n}.xml": ("application/xml", "<x/>") for n in range(1_000)},
        ),
        "arsipnya berisi lebih dari 1.000 bagian",
    ),
}


@pytest.mark.parametrize("key", list(REFUSED))
def test_everything_openpyxl_would_build_is_counted(
    monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    make, says = REFUSED[key]
    calls = _assert_not_loaded(monkeypatch)
    with pytest.raises(WorkbookError) as refused:
        open_workbook(make(), "data.xlsx")
    message = texts.workbook_error(refused.value)
    assert message.startswith("berkas data.xlsx tidak dimuat: ") and says in message, message
    assert "\n" not in message
    assert calls == []


def test_damaged_files_still_get_the_damage_message() -> None:
    good = one_sheet(sheet(rows(2)))
    truncated = good[: len(good) // 2]
    with refused_saying(re.escape("rusak atau bukan berkas Excel .xlsx yang sah")):
        open_workbook(truncated, "rusak.xlsx")
    broken_xml = one_sheet(f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">')
    with refused_saying(re.escape("rusak atau bukan berkas Excel .xlsx yang sah")):
        open_workbook(broken_xml, "rusak.xlsx")
