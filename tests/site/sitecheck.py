"""Checks of a built site shared by the unit and browser tests: links, outside
references, and text that must never be published."""
from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []     # (tag, attribute, value)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in ("href", "src", "srcset", "action", "data", "poster") and value is not None:
                self.refs.append((tag, name, value))


def parse(path: Path) -> _Refs:
    p = _Refs()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def link_problems(site: Path, allowed_external: set[str]) -> list[str]:
    """Every reference of every page: relative, to a file of the site, to an id that exists;
    outside addresses only as plain links listed in `allowed_external`."""
    problems = []
    parsed = {p: parse(p) for p in site.rglob("*.html")}
    for page, refs in parsed.items():
        for tag, attr, value in refs.refs:
            parts = urlsplit(value)
            if parts.scheme or value.startswith("//"):
                if not (tag in ("a", "link") and attr == "href" and value in allowed_external):
                    problems.append(f"{page.name}: outside reference {tag}[{attr}]={value}")
                continue
            if value.startswith("/"):
                problems.append(f"{page.name}: absolute path {value}")
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.is_file():
                problems.append(f"{page.name}: broken {tag}[{attr}]={value}")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if parts.fragment not in ids:
                    problems.append(f"{page.name}: missing anchor {value}")
    return problems


def outside_urls_in_assets(site: Path) -> list[str]:
    """URLs in CSS and SVG files that a browser would fetch (url(), @import, href)."""
    found = []
    for path in list(site.rglob("*.css")) + list(site.rglob("*.svg")):
        text = path.read_text(encoding="utf-8")
        text = text.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
            'xmlns:xlink="http://www.w3.org/1999/xlink"', "")
        for m in re.finditer(r"(url\(|@import|href=)\s*['\"]?(https?:)?//", text):
            found.append(f"{path.name}: {text[m.start():m.start() + 60]}")
    return found


def all_text(site: Path) -> dict[str, str]:
    """The readable text of every file: HTML/CSS/CSV/JSON/SVG as text, PDF and XLSX extracted."""
    out = {}
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        suffix = path.suffix.lower()
        if suffix == ".pdf":
            from pypdf import PdfReader
            out[str(path)] = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
        elif suffix == ".xlsx":
            import openpyxl
            wb = openpyxl.load_workbook(io.BytesIO(path.read_bytes()), read_only=True)
            out[str(path)] = "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                                       for v in row if v is not None)
        else:
            out[str(path)] = path.read_bytes().decode("utf-8-sig")
    return out


def leaks(site: Path, secrets: list[str]) -> list[str]:
    return [f"{Path(name).relative_to(site)}: {s}" for name, text in all_text(site).items()
            for s in secrets if s and s in text]
