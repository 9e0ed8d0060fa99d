"""Every Japanese string the code shows lives in pipeline/texts (UI words) or in
pipeline/ingest/contract.py (data words: sheet, column and status names).

Docstrings and comments may use Japanese terms; string literals elsewhere may not.
The demo content (illustrative plan data) and the date grammar of normalise.py
(令和, 年度, …: words read from workbooks) are data too.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
ALLOWED = ("pipeline/texts/", "pipeline/demo/", "pipeline/ingest/contract.py",
           "pipeline/ingest/normalise.py")
SQL_COMMENT = re.compile(r"--[^\n]*")


def _sources():
    for path in sorted([*ROOT.glob("pipeline/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"]):
        rel = path.relative_to(ROOT).as_posix()
        if not rel.startswith(ALLOWED):
            yield rel, path


def _docstrings(tree) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def test_no_japanese_string_literals_outside_texts_and_contract():
    stray = []
    for rel, path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        stray += [f"{rel}:{node.lineno}: {node.value[:30]!r}" for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and id(node) not in docs and JAPANESE.search(SQL_COMMENT.sub("", node.value))]
    assert not stray, "\n".join(stray)
