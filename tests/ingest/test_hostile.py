"""Crafted hostile files through the real ingest path (`python -m pipeline ingest`).

Each file is written to disk and ingested by the CLI code in a fresh process
that reports its exit code, the JSON report and how much its peak resident
memory grew (ru_maxrss) while handling the file.  Every file must be refused
with a clear message — never accepted, never a stack trace — and within a
generous memory bound.  tests/ingest/test_safety.py covers the same checks at unit
level; these go end to end.
"""
from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pipeline.ingest import contract as c
from pipeline import load
from pipeline.texts import safety as stxt
from pipeline.texts import validation as vtxt
from tests import factories as f
from tests import operations_factories as of

ROOT = Path(__file__).resolve().parents[2]
MEMORY_BOUND_MB = 300           # generous: the 10 MB cell alone is ~10–40 MB as Python text
SMALL_MEMORY_BOUND_MB = 100     # files refused before parsing must not be inflated

_RUNNER = r"""
import contextlib, io, json, os, resource, sys
sys.path.insert(0, os.getcwd())
from pipeline.cli import main as cli
cli._load_extensions()
db, warm, target = sys.argv[1:4]
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    cli.main(["--db", db, "ingest", "--dry-run", warm])       # imports and caches warm
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
out, err = io.StringIO(), io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    rc = cli.main(["--db", db, "ingest", "--json", target])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
sys.__stdout__.write(json.dumps({"rc": rc, "reports": json.loads(out.getvalue()),
                                 "stderr": err.getvalue(), "rss_delta_mb": (peak - base) / 1024,
                                 "peak_mb": peak / 1024}))
"""

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def rezip(base: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """A copy of the zip `base` with some members replaced or added."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, data in (add or {}).items():
            dst.writestr(name, data)
    return out.getvalue()


def sheet_part(book: bytes, sheet: str) -> str:
    """The zip member holding `sheet` (openpyxl numbers sheets in order)."""
    with zipfile.ZipFile(io.BytesIO(book)) as zf:
        workbook = zf.read("xl/workbook.xml").decode()
    names = [part.split('"')[0] for part in workbook.split('<sheet name="')[1:]]
    return f"xl/worksheets/sheet{names.index(sheet) + 1}.xml"


def sheet_xml(rows: list[list[str | int]]) -> bytes:
    def cell(r, col, v):
        ref = f"{chr(65 + col)}{r}"
        if isinstance(v, int):
            return f'<c r="{ref}"><v>{v}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>'
    body = "".join(f'<row r="{r}">' + "".join(cell(r, j, v) for j, v in enumerate(row)) + "</row>"
                   for r, row in enumerate(rows, start=1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<worksheet xmlns="{SHEET_NS}"><sheetData>{body}</sheetData></worksheet>').encode()


BASE = f.submission(2023, "D01")
ACTIONS_PART = sheet_part(BASE, c.SHEET_ACTIONS)

LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                     for i in range(1, 10))
          + b']><worksheet xmlns="' + SHEET_NS.encode() + b'"><sheetData><row r="1"><c r="A1" t="inlineStr">'
          b"<is><t>&lol9;</t></is></c></row></sheetData></worksheet>")


def bomb() -> bytes:
    # 150 MB of zeros deflate to ~150 KB: refused from the sizes the zip declares.
    return rezip(BASE, add={"xl/media/image1.bin": b"\0" * (150 * 1024 * 1024)})


def hundred_thousand_rows() -> bytes:
    headers = [c.COL_ACTION_CODE, c.COL_IMPLEMENTATION, c.COL_SELF_EVALUATION, c.COL_DIRECTION_NEXT]
    rows = [headers] + [[f"A{i:06d}", "実施", "B", i] for i in range(100_000)]
    return rezip(BASE, replace={ACTIONS_PART: sheet_xml(rows)})


def ten_megabyte_cell() -> bytes:
    text = base64.b64encode(os.urandom(7_500_000)).decode()          # 10 M characters, barely compressible
    headers = list(c.ACTIONS_SHEET.headers)
    row = {c.COL_ACTION_CODE: "A001", c.COL_IMPLEMENTATION: "実施", c.COL_SELF_EVALUATION: "B",
           c.COL_DIRECTION_NEXT: "継続", c.COL_RESULT: text}
    return rezip(BASE, replace={ACTIONS_PART: sheet_xml([headers, [row.get(h, "") for h in headers]])})


def zip_of_something_else() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("readme.txt", "これはブックではありません")
        zf.writestr("data.csv", "a,b\n1,2\n")
    return out.getvalue()


def word_document() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr("word/document.xml", '<?xml version="1.0"?><document/>')
    return out.getvalue()


def encrypted() -> bytes:
    msoffcrypto = pytest.importorskip("msoffcrypto", reason="msoffcrypto-tool makes real encrypted workbooks")
    from msoffcrypto.format.ooxml import OOXMLFile
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(BASE)).encrypt("secret", out)
    data = out.getvalue()
    assert data.startswith(bytes.fromhex("d0cf11e0a1b11ae1")) and msoffcrypto
    return data


# The same attacks on the optional sheet エネルギー使用量 (contract §8.3).
ENERGY_BASE = of.d01_energy(2023, [of.energy_row("F001", "電気", "kWh", annual=1000)])
ENERGY_PART = sheet_part(ENERGY_BASE, c.SHEET_ENERGY)
ENERGY_MONTH_COLUMN = "ABCDEFGHIJKLMNOPQRST"[list(c.ENERGY_SHEET.headers).index(c.MONTH_HEADERS[0])]


def hundred_thousand_energy_rows() -> bytes:
    headers = [c.COL_FACILITY_CODE, c.COL_ACTIVITY, c.COL_UNIT, c.COL_ANNUAL]
    rows = [headers] + [["F001", "電気", "kWh", i] for i in range(100_000)]
    return rezip(ENERGY_BASE, replace={ENERGY_PART: sheet_xml(rows)})


def ten_megabyte_energy_cell() -> bytes:
    text = base64.b64encode(os.urandom(7_500_000)).decode()
    headers = list(c.ENERGY_SHEET.headers)
    row = {c.COL_FACILITY_CODE: "F001", c.COL_ACTIVITY: "電気", c.COL_UNIT: "kWh", c.MONTH_HEADERS[0]: text}
    return rezip(ENERGY_BASE, replace={ENERGY_PART: sheet_xml([headers, [row.get(h, "") for h in headers]])})


CASES = {
    # name: (builder, expected message (start), memory bound)
    "decompression-bomb": (bomb, None, SMALL_MEMORY_BOUND_MB),
    "billion-laughs-sheet": (lambda: rezip(BASE, replace={ACTIONS_PART: LAUGHS}),
                             stxt.DISALLOWED_XML, SMALL_MEMORY_BOUND_MB),
    "billion-laughs-workbook": (lambda: rezip(BASE, replace={"xl/workbook.xml": LAUGHS}),
                                stxt.DISALLOWED_XML, SMALL_MEMORY_BOUND_MB),
    "encrypted": (encrypted, stxt.ENCRYPTED, SMALL_MEMORY_BOUND_MB),
    "zip-of-something-else": (zip_of_something_else, stxt.NOT_A_WORKBOOK, SMALL_MEMORY_BOUND_MB),
    "word-document": (word_document, stxt.NOT_A_WORKBOOK, SMALL_MEMORY_BOUND_MB),
    "100000-rows": (hundred_thousand_rows, vtxt.too_many_rows(c.MAX_ROWS_PER_SHEET), MEMORY_BOUND_MB),
    "10MB-cell": (ten_megabyte_cell, None, MEMORY_BOUND_MB),
    "100000-energy-rows": (hundred_thousand_energy_rows, vtxt.too_many_rows(c.MAX_ROWS_PER_SHEET),
                           MEMORY_BOUND_MB),
    "10MB-energy-cell": (ten_megabyte_energy_cell, None, MEMORY_BOUND_MB),
}


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("hostile")
    db = d / "w.duckdb"
    of.load_ops(db)                           # facilities and factors: the energy sheet is read
    warm = d / "warm.xlsx"
    warm.write_bytes(BASE)
    return db, warm


def run_ingest(db: Path, warm: Path, target: Path) -> dict:
    run = subprocess.run([sys.executable, "-c", _RUNNER, str(db), str(warm), str(target)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    return json.loads(run.stdout)


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_file_is_refused_within_bounds(hostile_db, tmp_path, name):
    builder, message, bound_mb = CASES[name]
    data = builder()
    assert len(data) < c.MAX_FILE_BYTES
    target = tmp_path / f"{name}.xlsx"
    target.write_bytes(data)
    out = run_ingest(*hostile_db, target)
    report = out["reports"][0]
    assert out["rc"] == 1 and not report["accepted"], report
    assert report["errors"], report
    assert "Traceback" not in out["stderr"]
    messages = [e["message"] for e in report["errors"]]
    assert vtxt.INTERNAL_ERROR not in messages
    if message is not None:
        assert any(m.startswith(message[:25]) for m in messages), messages
    assert out["rss_delta_mb"] < bound_mb, (name, out["rss_delta_mb"])
    if name == "decompression-bomb":
        assert any("圧縮" in m or "展開" in m for m in messages), messages
    if name == "10MB-cell":
        located = [e for e in report["errors"] if e["sheet"] == c.SHEET_ACTIONS and e["cell"]]
        col = "ABCDEFGHIJ"[list(c.ACTIONS_SHEET.headers).index(c.COL_RESULT)]
        assert any(e["cell"] == f"{col}2" for e in located), report["errors"]
    if name == "10MB-energy-cell":
        located = [e["cell"] for e in report["errors"] if e["sheet"] == c.SHEET_ENERGY]
        assert f"{ENERGY_MONTH_COLUMN}2" in located, report["errors"]
