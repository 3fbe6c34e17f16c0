"""Benchmark: what does `sicapai impor` cost at the limits, and what did a 300,000-row sheet
cost before them?

`open_workbook` counts what a workbook unpacks to before openpyxl reads it
(`sicapai/excel/limits.py`): at most 10,000 rows and 200 columns per sheet, 50 MB
unpacked, 300,000 cells and 300,000 shared strings in all, 50,000 other XML elements. This
runs the real command (`python -m sicapai.bot.cli impor FILE`) in a child process against a
throw-away SQLite database holding the bundled office, and reads the child's peak resident
memory (VmHWM, read by the child as it exits) and wall time, for:

1. the bundled template as `sicapai templat` writes it: the everyday import;
2. the template at the row limit: 9,999 indicator rows under the header, 26 columns (260,000
   cells, the largest table a real template carries), every row valid, so everything loads;
3. the same rows with every cell wrong: 26 problems a row, all counted and the first 200
   reported (validation at its worst, and the largest report a person can get);
4. a budget-realisation workbook at the row limit (3 columns, every row a problem);
5. every budget at once: an "Indikator" sheet of 10,000 rows x 30 columns of distinct
   shared strings (300,000 cells and strings), 49,000 styles, about 50 MB unpacked: the most
   a crafted file can make openpyxl build and still pass the check;
6. the 300,000-row sheet of the defect (3.6 MiB, a template's Indikator sheet with 300,000
   rows of two filled cells: the import reads all 26 columns of each), refused now;
7. the same file with the check switched off, which is the behaviour before it, in a child
   whose address space is capped with RLIMIT_AS (default 2 GiB) so the machine is not hurt.

The check alone is also timed in this process for 5 and 6.

Run with `python -m bench imports [--quick] [--cap-mb N] [--out FILE]`; `--quick` skips the
baseline (7), which takes a minute or more.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from bench.common import machine, markdown_table
from sicapai.excel.columns import INDICATOR_COLUMNS, INDICATOR_SHEET, REALISATION_SHEET
from sicapai.excel.limits import BeyondLimits, check_workbook
from sicapai.excel.template_writer import build_realisation_template, build_template
from sicapai.excel.workbook import MAX_UNPACKED_BYTES, WORKBOOK_LIMITS
from sicapai.excel.writer import CellKind, to_bytes
from sicapai.handlers.texts.excel import beyond
from sicapai.models.db import make_engine, transaction
from sicapai.models.migrate import upgrade
from sicapai.models.queries import resolve_organisation
from sicapai.models.seeding import MASTER_FILE, bundled_path, load_master

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
ROWS = WORKBOOK_LIMITS.sheet_rows
DEFECT_ROWS = 300_000
WIDE_COLUMNS = 30
TIMEOUT_S = 900

# The child: `sicapai impor` as the command line runs it, optionally with the check switched off
# (what it did before the check existed) and an address-space cap, writing its own VmHWM when
# it ends. VmHWM, not wait4's ru_maxrss: a child forked from this process starts with this
# process's resident memory, which ru_maxrss keeps across exec; VmHWM is the new image's alone.
_CHILD = """
import atexit, resource, sys
report, checked, cap = sys.argv[1], sys.argv[2] == "1", int(sys.argv[3])
def peak() -> None:
    with open("/proc/self/status") as status, open(report, "w") as out:
        out.write(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
atexit.register(peak)
if cap:
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
if not checked:
    import sicapai.excel.workbook as workbook
    workbook.check_workbook = lambda data, limits: None
from sicapai.bot.cli import main
sys.exit(main(sys.argv[4:]))
"""


# --------------------------------------------------------------------------- the files


def _office(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine, url)
    with transaction(engine) as session:
        load_master(session, bundled_path(MASTER_FILE))
    engine.dispose()


def templates(url: str) -> tuple[bytes, bytes]:
    """The master-data template and a TW III realisation workbook of the bundled office."""
    engine = make_engine(url)
    with transaction(engine) as session:
        org = resolve_organisation(session=session)
        master = to_bytes(build_template(session=session, organisation=org, year=2025).workbook)
        spent = build_realisation_template(session=session, organisation=org, year=2025, quarter=3)
    engine.dispose()
    return master, to_bytes(spent.workbook)


def tall_template(master: bytes, *, wrong: bool) -> bytes:
    """The template with its Indikator sheet grown to the row limit: copies of the PK's rows
    under new codes (they load), or with a wrong value in every cell (they do not)."""
    workbook = load_workbook(io.BytesIO(master))
    ws = workbook[INDICATOR_SHEET]
    originals = [[cell.value for cell in row] for row in ws.iter_rows(min_row=2)]
    for n in range(ws.max_row + 1, ROWS + 1):
        if wrong:
            values: list[object] = []
            for column in INDICATOR_COLUMNS:
                if column.choices:
                    values.append("bukan pilihan")
                elif column.kind in (CellKind.TEXT, CellKind.CODE):
                    values.append(datetime(2025, 1, 1))
                else:
                    values.append("1,2,3")
        else:
            values = list(originals[n % len(originals)])
            values[0] = f"{values[0]}.{n:05d}"
        ws.append(values)
    return to_bytes(workbook)


def tall_realisation(spent: bytes) -> bytes:
    workbook = load_workbook(io.BytesIO(spent))
    ws = workbook[REALISATION_SHEET]
    for n in range(ws.max_row + 1, ROWS + 1):
        ws.append([f"9.{n}", f"mata anggaran {n}", "1,2,3"])
    return to_bytes(workbook)


def raw_xlsx(
    sheets: list[tuple[str, Iterable[str]]], parts: dict[str, tuple[str, Iterable[str]]]
) -> bytes:
    """A minimal package written from XML text, streamed: content types, relationships,
    workbook, sheets and the given parts (shared strings, styles)."""
    overrides = [("/xl/workbook.xml", f"{CT}.sheet.main+xml")]
    overrides += [
        (f"/xl/worksheets/sheet{i}.xml", f"{CT}.worksheet+xml") for i in range(1, len(sheets) + 1)
    ]
    overrides += [(f"/{path}", kind) for path, (kind, _) in parts.items()]
    members: list[tuple[str, Iterable[str]]] = [
        (
            "[Content_Types].xml",
            [
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
                '.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>',
                *(f'<Override PartName="{p}" ContentType="{k}"/>' for p, k in overrides),
                "</Types>",
            ],
        ),
        (
            "_rels/.rels",
            [
                f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument"'
                ' Target="xl/workbook.xml"/></Relationships>'
            ],
        ),
        (
            "xl/workbook.xml",
            [
                f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>',
                *(
                    f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
                    for i, (name, _) in enumerate(sheets, start=1)
                ),
                "</sheets></workbook>",
            ],
        ),
        (
            "xl/_rels/workbook.xml.rels",
            [
                f'<Relationships xmlns="{PKG}">',
                *(
                    f'<Relationship Id="rId{i}" Type="{REL}/worksheet" '
                    f'Target="worksheets/sheet{i}.xml"/>'
                    for i in range(1, len(sheets) + 1)
                ),
                *(
                    f'<Relationship Id="rIdp{n}" Type="{REL}/{Path(path).stem}" Target="/{path}"/>'
                    for n, path in enumerate(parts)
                ),
                "</Relationships>",
            ],
        ),
        *((f"xl/worksheets/sheet{i}.xml", body) for i, (_, body) in enumerate(sheets, start=1)),
        *((path, body) for path, (_, body) in parts.items()),
    ]
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members:
            with archive.open(name, "w") as stream:
                batch: list[str] = []
                for piece in body:
                    batch.append(piece)
                    if len(batch) >= 4096:
                        stream.write("".join(batch).encode())
                        batch.clear()
                stream.write("".join(batch).encode())
    return target.getvalue()


def defect_file() -> bytes:
    """The defect's shape: an Indikator sheet with the template's header row and 300,000 rows
    of two filled cells (kode, target tahunan), 3.6 MiB on disk."""
    headers = [c.header for c in INDICATOR_COLUMNS]

    def text(ref: str, value: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'

    def rows() -> Iterator[str]:
        yield f'<worksheet xmlns="{MAIN}"><dimension ref="A1:Z2"/><sheetData>'
        letters = [get_column_letter(c) for c in range(1, len(headers) + 1)]
        yield (
            '<row r="1">'
            + "".join(text(f"{x}1", h) for x, h in zip(letters, headers, strict=True))
            + "</row>"
        )
        for n in range(2, DEFECT_ROWS + 1):
            cells = text(f"A{n}", f"IK.{n}") + f'<c r="O{n}"><v>{n % 97}</v></c>'
            yield f'<row r="{n}">{cells}</row>'
        yield "</sheetData></worksheet>"

    return raw_xlsx([(INDICATOR_SHEET, rows())], {})


def every_budget_file() -> bytes:
    """Each budget of WORKBOOK_LIMITS filled at once, in the sheet the import reads in full."""
    limits = WORKBOOK_LIMITS
    headers = [c.header for c in INDICATOR_COLUMNS]
    headers += [f"kolom {n}" for n in range(len(headers) + 1, WIDE_COLUMNS + 1)]
    cells = ROWS * WIDE_COLUMNS
    assert cells <= limits.cells and cells <= limits.strings
    letters = [get_column_letter(c) for c in range(1, WIDE_COLUMNS + 1)]
    sheet_bytes = sum(
        len(f'<c r="{x}{n}" t="s"><v>{(n - 1) * WIDE_COLUMNS + i}</v></c>')
        for n in range(1, ROWS + 1)
        for i, x in enumerate(letters)
    )
    styles = limits.elements - 1_000  # the rest of the package has a few hundred elements
    room = MAX_UNPACKED_BYTES - sheet_bytes - styles * 5 - 200_000
    text = max(8, room // cells - len("<si><t></t></si>"))

    def sheet() -> Iterator[str]:
        yield f'<worksheet xmlns="{MAIN}"><sheetData>'
        for n in range(1, ROWS + 1):
            base = (n - 1) * WIDE_COLUMNS
            cells = "".join(
                f'<c r="{x}{n}" t="s"><v>{base + i}</v></c>' for i, x in enumerate(letters)
            )
            yield f'<row r="{n}">{cells}</row>'
        yield "</sheetData></worksheet>"

    def strings() -> Iterator[str]:
        yield f'<sst xmlns="{MAIN}">'
        yield from (f"<si><t>{h}</t></si>" for h in headers)
        pad = "x" * text
        for n in range(WIDE_COLUMNS, cells):
            yield f"<si><t>{n:07d}{pad[7:]}</t></si>"
        yield "</sst>"

    def style_sheet() -> Iterator[str]:
        yield (
            f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font/></fonts><fills count="1">'
            '<fill><patternFill/></fill></fills><borders count="1"><border/></borders><cellXfs>'
        )
        yield from ("<xf/>" for _ in range(styles))
        yield "</cellXfs></styleSheet>"

    return raw_xlsx(
        [(INDICATOR_SHEET, sheet())],
        {
            "xl/sharedStrings.xml": (f"{CT}.sharedStrings+xml", strings()),
            "xl/styles.xml": (f"{CT}.styles+xml", style_sheet()),
        },
    )


# --------------------------------------------------------------------------- running one


@dataclass
class Run:
    case: str
    file_bytes: int
    unpacked: int
    peak_mb: float
    seconds: float
    status: int
    said: str  # the first line the command printed, or the first naming a MemoryError
    lines: int  # how many lines it printed


def _unpacked(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def run_cli(
    case: str,
    data: bytes,
    url: str,
    folder: Path,
    *,
    checked: bool = True,
    cap_mb: int | None = None,
) -> Run:
    path = folder / "impor.xlsx"
    path.write_bytes(data)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SICAPAI_"))}
    env["DATABASE_URL"] = url
    hwm = folder / "vmhwm.txt"
    hwm.unlink(missing_ok=True)
    cap = (cap_mb or 0) * 1024 * 1024
    command = [sys.executable, "-c", _CHILD, str(hwm), "1" if checked else "0", str(cap)]
    out_path, err_path = folder / "stdout.txt", folder / "stderr.txt"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        began = time.monotonic()
        process = subprocess.Popen(
            [*command, "impor", str(path)], env=env, cwd=folder, stdout=out, stderr=err
        )
        try:
            status = process.wait(TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            status = process.wait()
        seconds = time.monotonic() - began
    printed = (
        out_path.read_text(errors="replace") + err_path.read_text(errors="replace")
    ).splitlines()
    peak_kb = int(hwm.read_text()) if hwm.exists() else 0
    return Run(
        case,
        len(data),
        _unpacked(data),
        peak_kb / 1024,
        seconds,
        status,
        next((line for line in printed if "MemoryError" in line), printed[0] if printed else ""),
        len(printed),
    )


def time_check(data: bytes) -> tuple[float, str]:
    began = time.perf_counter()
    try:
        check_workbook(data, WORKBOOK_LIMITS)
        verdict = "accepted"
    except BeyondLimits as exc:
        verdict = f"refused: {beyond(exc)}"
    return time.perf_counter() - began, verdict


# --------------------------------------------------------------------------- the report


def mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}"


def report(runs: list[Run], checks: list[tuple[str, float, str]], host: str) -> str:
    rows = [
        [
            r.case,
            mb(r.file_bytes),
            mb(r.unpacked),
            f"{r.peak_mb:.0f}",
            f"{r.seconds:.1f}",
            str(r.status),
            f"{r.lines:,}",
            r.said[:110].replace("|", "/"),
        ]
        for r in runs
    ]
    parts = [
        f"Machine: {host}",
        "",
        markdown_table(
            [
                "case",
                "file MiB",
                "unpacked MiB",
                "peak RSS MiB (VmHWM)",
                "wall s",
                "exit",
                "lines",
                "first line printed",
            ],
            rows,
            "lrrrrrrl",
        ),
        "",
    ]
    for case, seconds, verdict in checks:
        parts.append(f"- check alone, {case}: {seconds * 1000:.0f} ms, {verdict[:80]}")
    by_case = {r.case: r for r in runs}
    refused, baseline = (
        by_case.get("6 300,000 rows, refused"),
        by_case.get("7 300,000 rows, no check"),
    )
    if refused and baseline:
        parts.append(
            f"- refusal / no check: memory {refused.peak_mb / baseline.peak_mb:.3f} "
            f"({refused.peak_mb:.0f} / {baseline.peak_mb:.0f} MiB), time "
            f"{refused.seconds / baseline.seconds:.3f} "
            f"({refused.seconds:.1f} / {baseline.seconds:.1f} s)"
        )
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench imports",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="skip the baseline without the check")
    parser.add_argument("--cap-mb", type=int, default=2048, help="RLIMIT_AS of the baseline child")
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    host = machine(with_postgres=False)
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="sicapai-bench-imports-") as name:
        folder = Path(name)

        def fresh() -> str:
            """A new database with the bundled office for each case: loads do not pile up."""
            target = folder / f"office-{len(runs)}.db"
            url = f"sqlite:///{target}"
            _office(url)
            return url

        url = fresh()
        master, spent = templates(url)
        defect = defect_file()
        budgets = every_budget_file()
        cases: list[tuple[str, bytes, bool]] = [
            ("1 bundled template", master, True),
            ("2 template, 9,999 indicators, valid", tall_template(master, wrong=False), True),
            (
                "3 template, 9,999 indicators, every cell wrong",
                tall_template(master, wrong=True),
                True,
            ),
            ("4 realisation, 9,994 lines, all wrong", tall_realisation(spent), True),
            ("5 every budget at once", budgets, True),
            ("6 300,000 rows, refused", defect, True),
        ]
        for case, data, checked in cases:
            runs.append(run_cli(case, data, fresh(), folder, checked=checked))
            print(f"{case}: {runs[-1].peak_mb:.0f} MiB, {runs[-1].seconds:.1f} s", file=sys.stderr)
        if not args.quick:
            runs.append(
                run_cli(
                    "7 300,000 rows, no check",
                    defect,
                    fresh(),
                    folder,
                    checked=False,
                    cap_mb=args.cap_mb,
                )
            )
        checks = [
            ("every budget at once", *time_check(budgets)),
            ("300,000 rows", *time_check(defect)),
        ]
    text = report(runs, checks, host)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
