"""`build_site(db, fy, out)`: the public site of one FY as plain files (contract section 9).

    out/index.html, policy-*.html, partners.html, [operations.html], opinions.html,
        downloads.html      pages (static HTML/CSS, no script needed, relative links only)
    out/assets/         the style sheet
    out/charts/*.svg    the app's charts, each shown with a text alternative and its data
    out/report/         the annual report of the edition (PDF, XLSX)
    out/data/           open data: CSVs and datapackage.json

The data come from the FY's latest frozen edition, or from the live warehouse marked
「速報」 (pipeline.site.edition).  Everything is read in one short connection; the charts
and the PDF are then rendered in worker processes while the pages and open data are
written.  The site is built in a temporary folder next to `out` and swapped in whole, so
`out` is never half-written; an `out` that holds anything but an earlier site is refused.
"""
from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.site import charts as site_charts
from pipeline.site import content as site_content
from pipeline.site import opendata, queries, render
from pipeline.site.config import PublicationConfig, load_config
from pipeline.site.edition import Edition, edition_source
from pipeline.texts import site as txt
from pipeline.warehouse import store
from pipeline.warehouse.schema import connect


class SiteError(ValueError):
    """A site that cannot be built (Japanese message)."""


@dataclass
class BuildResult:
    out: Path
    edition: Edition
    pages: list[str]
    files: int
    seconds: float
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def public_report(report):
    """The annual report as the public gets it: who loaded each workbook is not shown
    (an account may be a person's e-mail), except the demo's own label, and only the
    opinions marked published where the warehouse records that."""
    if report.sources is not None and "loaded_by" in report.sources.columns:
        report.sources = report.sources.assign(loaded_by=[
            "demo" if isinstance(v, str) and v.startswith("demo:") else None
            for v in report.sources["loaded_by"]])
    frame = report.council_previous
    if frame is not None and "published" in frame.columns:
        report.council_previous = frame[frame["published"].fillna(False).astype(bool)].reset_index(drop=True)
    return report


def _build_report(con, fy: int):
    """The annual report from the connection the site reads (already the edition's)."""
    from pipeline.report.build import build_from
    return build_from(con, fy)


def _render_pdf(report) -> bytes:
    from pipeline.report.pdf import render_pdf
    return render_pdf(report)


def _previous_site(path: Path) -> bool:
    return (path / "index.html").is_file() and (path / "data" / "datapackage.json").is_file()


def _check_out(out: Path) -> None:
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not _previous_site(out))):
        raise SiteError(txt.out_not_empty(str(out)))


def build_site(db, fiscal_year: int, out: str | os.PathLike, *, config: PublicationConfig | None = None,
               include_report: bool = True, workers: int | None = None) -> BuildResult:
    """Write the public site of the FY to `out` (replacing an earlier site there)."""
    start = time.perf_counter()
    timings: dict[str, float] = {}
    notes: list[str] = []
    config = config or load_config()
    out = Path(out)
    _check_out(out)
    fy = int(fiscal_year)
    generated_at = store.now()
    out.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        source, edition = stack.enter_context(edition_source(db, fy))
        renderer = stack.enter_context(site_charts.Renderer(workers))
        with connect(source) as con:
            years = queries.submission_fiscal_years(con)
            if fy not in years:
                raise SiteError(txt.no_data(fy, years))
            queries.materialise(con)
            if edition.data_date is None:
                edition = Edition(edition.fiscal_year, edition.number, edition.frozen_at, edition.note,
                                  queries.data_date(con, fy))
            report = pdf_future = None
            if include_report:
                report = public_report(_build_report(con, fy))
                import pipeline.report.pdf  # noqa: F401  (imported once, before the workers fork)
                pdf_future = renderer.submit(_render_pdf, report)     # renders while we read on
            futures: dict = {}

            def emit(section_figures):      # each section's charts start rendering at once
                futures.update(renderer.render(
                    {f.key: (f.chart, f.width or site_charts.WIDTH) for f in section_figures}))
            site = site_content.collect(con, fy, config, edition, generated_at, emit)
        timings["read"] = time.perf_counter() - start
        figures = site.figures()
        missing = [f for f in figures if not any(f.key in keys for keys in futures)]
        emit(missing)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
        stack.callback(shutil.rmtree, tmp, True)          # gone after the swap, or on failure
        downloads = _write_report_xlsx(report, tmp, fy) if report is not None else []
        written = opendata.write(site.open_data, tmp / "data", config, edition, generated_at)
        (tmp / "assets").mkdir()
        for asset in render.ASSETS.iterdir():
            shutil.copy2(asset, tmp / "assets" / asset.name)
        t = time.perf_counter()
        svgs = renderer.collect(futures)
        timings["charts_wait"] = time.perf_counter() - t
        (tmp / "charts").mkdir()
        for f in figures:
            svg = svgs[f.key]
            f.svg_width, f.svg_height = svg.width, svg.height
            (tmp / f.src).write_text(svg.text, encoding="utf-8")
        if pdf_future is not None:
            t = time.perf_counter()
            pdf = _pdf_result(pdf_future, notes)
            timings["pdf_wait"] = time.perf_counter() - t
            if pdf is not None:
                name = f"report/annual-report-fy{fy}.pdf"
                (tmp / name).write_bytes(pdf)
                downloads.insert(0, {"href": name, "label": txt.REPORT_PDF, "size": txt.size(len(pdf))})
        pages = render.pages(site, {"reports": downloads, "data_files": written,
                                    "report_note": " ".join(notes)})
        for name, html in pages.items():
            (tmp / name).write_text(html, encoding="utf-8")
        _swap(tmp, out)
    files = sum(1 for p in out.rglob("*") if p.is_file())
    timings["total"] = time.perf_counter() - start
    return BuildResult(out, edition, list(pages), files, timings["total"], notes, timings)


def _pdf_result(future, notes: list[str]) -> bytes | None:
    from pipeline.report.pdf import ReportFontMissing
    try:
        return future.result()
    except ReportFontMissing:
        notes.append(txt.REPORT_SKIPPED_FONT)
        return None


def _write_report_xlsx(report, tmp: Path, fy: int) -> list[dict]:
    from pipeline.report.xlsx import render_xlsx
    data = render_xlsx(report)
    name = f"report/annual-report-fy{fy}.xlsx"
    (tmp / "report").mkdir(exist_ok=True)
    (tmp / name).write_bytes(data)
    return [{"href": name, "label": txt.REPORT_XLSX, "size": txt.size(len(data))}]


def _swap(tmp: Path, out: Path) -> None:
    """Put the new site in place of `out` in two renames (never a half-written `out`)."""
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}-{time.monotonic_ns()}"
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(out)


def zip_bytes(site_dir: str | os.PathLike, folder: str | None = None) -> bytes:
    """The site folder as one zip (every file under `folder/` in the archive)."""
    site_dir = Path(site_dir)
    folder = folder or site_dir.name
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for path in sorted(site_dir.rglob("*")):
            if path.is_file():
                z.write(path, f"{folder}/{path.relative_to(site_dir).as_posix()}")
    return buf.getvalue()


def site_zip(db, fiscal_year: int, *, config: PublicationConfig | None = None,
             include_report: bool = True) -> tuple[bytes, BuildResult]:
    """Build the FY's site in a temporary folder and return it as a zip (for the 公表 page)."""
    with tempfile.TemporaryDirectory() as tmp:
        name = f"site-fy{int(fiscal_year)}"
        result = build_site(db, fiscal_year, Path(tmp) / name, config=config,
                            include_report=include_report)
        return zip_bytes(result.out, name), result
