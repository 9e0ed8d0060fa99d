"""The app's Altair charts as SVG files for the static site.

The charts come from the same builders as the dashboard (pipeline.analysis.*) and get
the same theme (chart_style.configure) at a fixed width; vl-convert renders them with
the Noto Sans CJK JP font, without a browser.  The SVG names that font first and falls
back to the reader's own Japanese fonts (nothing is fetched).  Rendering is the slow
part of publishing, so the charts (and the PDF report) are rendered in worker processes.
This module imports only the standard library and vl-convert, so a worker starts fast.
"""
from __future__ import annotations

import concurrent.futures as cf
import json
import multiprocessing
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

#: Width of a chart in CSS pixels (the site's content column).
WIDTH = 720
#: The rendering font and where it is (the same as pipeline.analysis.chart_style's).
FONT = "Noto Sans CJK JP"
FONT_DIR = Path("/usr/share/fonts/opentype/noto")
#: Font stack written into the SVG text: the rendering font, then common Japanese fonts.
FONT_STACK = ("Noto Sans CJK JP, Noto Sans JP, Hiragino Sans, Hiragino Kaku Gothic ProN, "
              "Yu Gothic, Meiryo, sans-serif")

_fonts = False


@dataclass
class Svg:
    text: str
    width: int
    height: int


_theme: dict | None = None


def theme() -> dict:
    """The app's chart theme (chart_style.configure) as the spec keys it sets: config and
    autosize.  Taken once from a trivial chart: configuring each chart with Altair's
    methods copies the whole chart several times, which costs more than rendering it."""
    global _theme
    if _theme is None:
        import altair as alt

        from pipeline.analysis import chart_style
        spec = chart_style.configure(alt.Chart({"values": [{"a": 1}]}).mark_point()).to_dict()
        _theme = {k: spec[k] for k in ("config", "autosize") if k in spec}
    return _theme


#: Characters of title that fit one line per pixel of width (20-px title font, CJK).
TITLE_PX_PER_CHAR = 21
_BREAKS = "：、。）」"


def wrap_title(text: str, max_chars: int) -> list[str] | str:
    """A long chart title as lines (after a Japanese punctuation mark where one is near the
    end of a line): the app's charts sit in a wide page, the site's in a narrow column."""
    if len(text) <= max_chars:
        return text
    lines = []
    while len(text) > max_chars:
        cut = max((text.rfind(ch, max_chars // 2, max_chars) for ch in _BREAKS), default=-1)
        cut = cut + 1 if cut > 0 else max_chars
        lines.append(text[:cut])
        text = text[cut:]
    if text:
        lines.append(text)
    return lines


def _wrap(spec: dict, width: int) -> None:
    title = spec.get("title")
    limit = max(10, width // TITLE_PX_PER_CHAR)
    if isinstance(title, str):
        spec["title"] = {"text": wrap_title(title, limit)}
    elif isinstance(title, dict) and isinstance(title.get("text"), str):
        title["text"] = wrap_title(title["text"], limit)
        if isinstance(title.get("subtitle"), str):
            title["subtitle"] = wrap_title(title["subtitle"], round(limit * 1.4))


def spec_json(chart, width: int = WIDTH) -> str:
    """The Vega-Lite spec of a dashboard chart for the site: the app's theme at `width`,
    on a white background, its title wrapped to the width."""
    spec = chart.to_dict(validate=False)
    _wrap(spec, width)
    t = theme()
    own = spec.get("config", {})
    spec["config"] = {k: ({**own[k], **v} if isinstance(v, dict) and isinstance(own.get(k), dict) else v)
                      for k, v in t.get("config", {}).items()}
    spec["config"].update({k: v for k, v in own.items() if k not in spec["config"]})
    if "autosize" in t:
        spec["autosize"] = t["autosize"]
    spec["width"] = width
    spec["background"] = "white"
    return json.dumps(spec, ensure_ascii=False)


_SIZE = re.compile(r'<svg[^>]*?\bwidth="([\d.]+)"[^>]*?\bheight="([\d.]+)"')


def render_spec(spec: str) -> Svg:
    """One spec to SVG, in this process."""
    global _fonts
    import vl_convert as vlc
    if not _fonts:
        if FONT_DIR.is_dir():
            vlc.register_font_directory(str(FONT_DIR))
        _fonts = True
    svg = vlc.vegalite_to_svg(spec)
    svg = svg.replace(f'font-family="{FONT}"', f'font-family="{FONT_STACK}"')
    m = _SIZE.search(svg)
    width, height = (round(float(m.group(1))), round(float(m.group(2)))) if m else (WIDTH, 400)
    return Svg(svg, width, height)


def _render_many(items: list) -> list[Svg]:
    """Render specs, or (recipe, width) pairs: the chart is built here, in the worker."""
    out = []
    for item in items:
        if isinstance(item, tuple):
            recipe, width = item
            item = spec_json(recipe.build(), width)
        out.append(render_spec(item))
    return out


def workers() -> int:
    """Worker processes (PDCA_SITE_WORKERS; default the CPUs, at most 4; 1 = in-process)."""
    try:
        n = int(os.environ.get("PDCA_SITE_WORKERS", "0"))
    except ValueError:
        n = 0
    return n if n > 0 else max(1, min(4, os.cpu_count() or 1))


def _fork_safe() -> bool:
    """Workers are forked, never spawned: a spawned child re-runs the parent's __main__,
    which inside Streamlit (or AppTest) is the page script.  Forking is safe only from a
    plain single-threaded process (the command line) that has not started a vl-convert
    runtime (whose thread a forked child would not have); elsewhere we render in-process."""
    import threading
    return ("fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
            and not _vl_convert_started())


def _vl_convert_started() -> bool:
    if "vl_convert" not in sys.modules:
        return False
    flags = [_fonts]
    for name, attr in (("pipeline.analysis.chart_style", "_fonts_registered"),
                       ("pipeline.report.charts", "_font_ready")):
        module = sys.modules.get(name)
        flags.append(bool(getattr(module, attr, True)) if module is not None else False)
    # (every conversion in this code base goes through one of those three font loaders)
    return any(flags)


class Renderer:
    """Runs the chart renders (and other slow jobs, such as the PDF report) in forked worker
    processes, or in this process (one worker, or where forking is not safe)."""

    def __init__(self, n_workers: int | None = None):
        self.n = workers() if n_workers is None else max(1, n_workers)
        self.pool = None
        if self.n > 1 and _fork_safe():
            import vl_convert  # noqa: F401  (imported before forking, never in a child)
            theme()            # once, inherited by every worker
            self.pool = cf.ProcessPoolExecutor(self.n, mp_context=multiprocessing.get_context("fork"))
        else:
            self.n = 1

    def submit(self, fn, *args):
        if self.pool is None:
            fut = cf.Future()
            try:
                fut.set_result(fn(*args))
            except BaseException as exc:   # surfaced by .result(), as from a pool
                fut.set_exception(exc)
            return fut
        return self.pool.submit(fn, *args)

    def render(self, specs: dict, chunk: int = 3) -> dict[tuple, cf.Future]:
        """key → spec (or (recipe, width)) to (keys, future of their Svgs), spread over the
        workers."""
        keys = list(specs)
        return {tuple(keys[i:i + chunk]): self.submit(_render_many, [specs[k] for k in keys[i:i + chunk]])
                for i in range(0, len(keys), chunk)}

    @staticmethod
    def collect(futures: dict) -> dict[str, Svg]:
        out = {}
        for keys, fut in futures.items():
            out.update(zip(keys, fut.result()))
        return out

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
