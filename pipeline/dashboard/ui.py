"""Streamlit glue shared by every page: shell, sidebar filters, cached queries, chart blocks.

- Filters (FY, 所管課, 基本方針, 重点対策のみ) and presentation mode live in the URL query
  parameters (`?fy=2024&dept=D01&policy=P1&present=1`), so a shared link
  reproduces the view; they are also kept in the session so switching pages
  keeps them even though page navigation clears the URL parameters.
- Queries run through `q(fn, ...)`: cached by (db path, warehouse version
  token, arguments), so a new submission shows on the next rerun without a
  restart.
- Pages never write user text as HTML: tables and markdown only.
- When another program holds the live warehouse, a notice at the top of every page says
  who (process id) and points to the read-only copy, at once; reads go on read-only when
  that program is read-only, otherwise the page stops after FOREIGN_READ_WAIT seconds and
  reruns by itself once the file is free (`_watch_holder`).
"""
from __future__ import annotations

import functools
import re
import sys
import threading
import unicodedata
import weakref
import zlib
from collections import OrderedDict
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from pipeline.analysis import chart_style, common, reference
from pipeline.ingest import normalise
from pipeline.warehouse import readonly, schema
from pipeline.texts import council as ctxt
from pipeline.texts import dashboard as txt
from pipeline.texts import warehouse as wtxt

QP_FY, QP_DEPT, QP_POLICY, QP_PRESENT = "fy", "dept", "policy", "present"
QP_PRIORITY = "priority"
_STATE = "_dashboard_filters"
_PRESENT = "_dashboard_present"
W_FY, W_DEPT, W_POLICY, W_PRESENT = "flt_fy", "flt_dept", "flt_policy", "flt_present"
W_PRIORITY = "flt_priority"

#: What a table shows for a missing value (Streamlit's own placeholder is the English "None").
BLANK = txt.BLANK
#: Row height (px) at which a table's cells wrap their text: Streamlit wraps only in rows
#: taller than 4rem; 70 px shows three lines (an opinion and its response read whole).
WRAPPED_ROW = 70

#: Both modes: metric labels wrap instead of ending in "…" (a 4-column row on a laptop cut
#: 「目標に必要なペース（年平…」), and the file uploader speaks Japanese (Streamlit has no locale).
COMMON_CSS = """
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"],
[data-testid="stMetricLabel"] p { white-space: normal !important; overflow: visible !important;
    text-overflow: clip !important; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
    content: "UPLOADER_BUTTON"; font-size: 0.875rem; }
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after { content: "UPLOADER_DROP"; font-size: 0.875rem; }
""".replace("UPLOADER_BUTTON", txt.UPLOADER_BUTTON).replace("UPLOADER_DROP", txt.UPLOADER_DROP)

# The header bar (the sidebar's >> button) stays on top of the page: in presentation mode the
# root font is 20 px, so the header is 75 px high and the top padding must clear it.
PRESENT_CSS = """
<style>
html { font-size: 20px; }
[data-testid="stMainBlockContainer"], .block-container { max-width: 100% !important;
    padding-top: 4rem !important; padding-left: 2.5rem !important; padding-right: 2.5rem !important; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.35rem; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] > div,
[data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p { font-size: 3.2rem !important; line-height: 1.2; }
[data-testid="stMetricLabel"] p { font-size: 1.3rem !important; }
[data-testid="stMetricDelta"] { font-size: 1.3rem !important; }
h1 { font-size: 2.8rem !important; }
h2, h3 { font-size: 2rem !important; }
""" + COMMON_CSS + """</style>
"""
BASE_CSS = """
<style>
[data-testid="stMetricValue"], [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p { font-size: 2.4rem; }
[data-testid="stMainBlockContainer"], .block-container { padding-top: 3rem; }
""" + COMMON_CSS + """</style>
"""


# --- Queries -----------------------------------------------------------------------

def db() -> str:
    return str(schema.db_path())


class _Memo:
    """A small process-wide LRU of results keyed by plain hashable tuples whose second and
    third items are (db path, version token).  A hit is a dict lookup: no argument hashing
    by Streamlit, no pickling.  When a write lands (a new token for a path), the entries of
    older versions of that warehouse are dropped, so memory stays bounded by one version."""

    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._data: OrderedDict = OrderedDict()
        self._tokens: dict[str, tuple] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple):
        with self._lock:
            value = self._data.get(key, _MISSING)
            if value is not _MISSING:
                self._data.move_to_end(key)
            return value

    def put(self, key: tuple, value) -> None:
        path, token = key[1], key[2]
        with self._lock:
            if self._tokens.get(path, token) != token:
                for old in [k for k in self._data if k[1] == path and k[2] != token]:
                    del self._data[old]
            self._tokens[path] = token
            self._data[key] = value
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._tokens.clear()


_MISSING = object()
_results = _Memo(2000)
_specs = _Memo(500)


def clear_caches() -> None:
    """Forget every cached query result and chart spec (benchmarks, tests)."""
    _results.clear()
    _specs.clear()
    st.cache_data.clear()


def _fresh(value):
    """The caller's own view of a cached result: frames are copied shallowly (pandas
    copy-on-write keeps the cached one intact), lists and dicts copied."""
    if isinstance(value, pd.DataFrame):
        return value.copy(deep=False)
    if isinstance(value, (list, dict)):
        return type(value)(value)
    return value


def _memoised(key: tuple, compute):
    try:
        value = _results.get(key)
    except TypeError:                       # an unhashable argument: no memo
        return compute()
    if value is _MISSING:
        value = compute()
        _results.put(key, value)
    return _fresh(value)


# Where each object handed out by `q` came from (query name, db, version, arguments), by
# identity and only while the object lives: `lazy` charts built from query results are
# cached by these small keys instead of hashing the frames' contents on every rerun.
_origins: dict[int, tuple[weakref.ref, tuple]] = {}
_origins_lock = threading.Lock()


def _remember(obj, key: tuple):
    try:
        ref = weakref.ref(obj, lambda _r, i=id(obj): _origins.pop(i, None))
    except TypeError:                       # ints, strings, lists, None: hashed cheaply
        return obj
    with _origins_lock:
        _origins[id(obj)] = (ref, key)
    return obj


def origin(obj) -> tuple | None:
    """The query key of an object returned by `q` in this process (None for anything else)."""
    entry = _origins.get(id(obj))
    if entry is not None and entry[0]() is obj:
        return entry[1]
    return None


def _run_query(fn, db_path: str, args: tuple, kwargs: tuple):
    with schema.connect(db_path) as con:
        return fn(con, *args, **dict(kwargs))


def _run_path(fn, db_path: str, args: tuple, kwargs: tuple):
    return fn(db_path, *args, **dict(kwargs))


def _until_changed(kind: str, run, fn, args: tuple, kwargs: dict):
    """`run(fn, db path, args, kwargs)`, memoised under the warehouse's version token."""
    path = db()
    token = schema.version_token(path)
    kw = tuple(sorted(kwargs.items()))
    key = (kind, path, token, fn.__module__, fn.__qualname__, args, kw)
    try:
        result = _memoised(key, lambda: run(fn, path, args, kw))
    except schema.WarehouseError as exc:
        _warehouse_error(exc, path)
    return _remember(result, key)


def q(fn, *args, **kwargs):
    """Run a named query of pipeline.analysis (the function itself), cached until the
    warehouse changes.

    A warm rerun costs a stat of the warehouse file (its version token) and a dict
    lookup; the database is not opened."""
    return _until_changed("q", _run_query, fn, args, kwargs)


def cached(fn, *args, **kwargs):
    """Call `fn(db_path, *args)` (any module-level pipeline function taking the warehouse
    path first), cached until the warehouse changes."""
    return _until_changed("path", _run_path, fn, args, kwargs)


def derive(fn, *args, **kwargs):
    """`fn(*args)` for a pure, module-level pipeline function of query results (a display
    frame, a summary), memoised by the results' query keys: a warm rerun skips the
    pandas work.  Computed directly when an input did not come from `q`/`derive`."""
    parts = _arg_key(args + tuple(v for _, v in sorted(kwargs.items())))
    first = _first_origin(parts) if parts is not None else None
    if first is None or "<" in fn.__qualname__:
        return fn(*args, **kwargs)
    key = ("derive", first[1], first[2], fn.__module__, fn.__qualname__, parts,
           tuple(sorted(kwargs)))
    return _remember(_memoised(key, lambda: fn(*args, **kwargs)), key)


# --- Another program holding the live warehouse -----------------------------------------

FOREIGN_READ_WAIT = 3.0     # seconds a page read waits for a read-write program before it says so
WATCH_EVERY = 2.0           # how often a page held up that way checks whether the file is free


def _warehouse_error(exc: schema.WarehouseError, path: str):
    if isinstance(exc, schema.WarehouseHeld):
        h = exc.holder or schema.Holder(None, None, None, None)
        _notice(wtxt.held_page(path, h.program, h.pid, schema.copy_path(path)))
        _watch_holder(path)
    else:
        st.error(str(exc))
    st.stop()


_slot: dict[int, object] = {}   # script thread -> the notice placeholder of its current run


def _notice(message: str | None) -> None:
    """Show (or clear) the warehouse notice at the top of the page."""
    slot = _slot.get(threading.get_ident())
    if slot is None:
        slot = st.empty()
        _slot[threading.get_ident()] = slot
    try:
        if message is None:
            slot.empty()
        else:
            slot.warning(message, icon=":material/lock:")
    except st.errors.StreamlitAPIException:
        pass        # e.g. a fragment's rerun cannot draw outside itself: say it next run


class _PageWaits:
    """The page's wait reporter: the notice says who holds the file while a query or a
    write waits (re-sent every second, which also lets Streamlit stop a run the user left)."""

    def __init__(self):
        self.waiting = False

    def __call__(self, notice: schema.WaitNotice) -> None:
        if notice.state == "resumed":
            if self.waiting:
                _notice(None)
            self.waiting = False
            return
        self.waiting = notice.state == "waiting"
        _notice(notice.message())


def _file_free(path: str) -> bool:
    if not sys.platform.startswith("linux"):
        return True             # no cheap probe: rerun and let the reads find out
    h = schema.holder(path)
    return h is None or bool(h.ours)


@st.fragment(run_every=WATCH_EVERY)
def _watch_holder(path: str) -> None:
    """Rerun the whole page once the other program has let go of the file."""
    if _file_free(path):
        st.rerun(scope="app")


def warehouse_notice() -> None:
    """At the top of every page: a placeholder for warehouse notices, the page's wait
    reporter, and at once a notice when a program that is not ours holds the live file."""
    _slot[threading.get_ident()] = st.empty()
    schema.wait_reporter.set(_PageWaits())
    schema.foreign_read_timeout.set(FOREIGN_READ_WAIT)
    path = db()
    readonly.ensure_copy(path)
    h = schema.holder(path)
    if h is not None and h.ours is False:
        _notice(wtxt.held(path, h.program, h.pid, h.shared, schema.copy_path(path)))
        _watch_holder(path)


# --- Shell / presentation mode ---------------------------------------------------------

def presenting() -> bool:
    if _PRESENT not in st.session_state:
        st.session_state[_PRESENT] = st.query_params.get(QP_PRESENT) == "1"
    return bool(st.session_state[_PRESENT])


def _toggle_present() -> None:
    st.session_state[_PRESENT] = bool(st.session_state[W_PRESENT])


_FILTER_AREA = "_dashboard_filter_area"


def _filter_area():
    """Where `filters()` draws: the sidebar slot app.py reserved in this run (above the
    sign-in box), or the sidebar itself when a page runs on its own (AppTest)."""
    area = st.session_state.get(_FILTER_AREA)
    return st.sidebar if area is None else area


def render_shell() -> None:
    """Called by app.py before navigation.run(): a sidebar slot for the page's filters
    (first, so 表示条件 stays above the fold on a laptop), presentation mode, caption, and
    the warehouse notice at the top of the page."""
    st.session_state[_FILTER_AREA] = st.sidebar.container()
    present = presenting()
    if present:
        st.set_page_config(layout="wide", initial_sidebar_state="collapsed")
    st.session_state[W_PRESENT] = present
    st.sidebar.toggle(txt.PRESENT_LABEL, key=W_PRESENT, help=txt.PRESENT_HELP,
                      on_change=_toggle_present)
    # Static CSS only.  st.html with nothing but a <style> goes to the page's event container
    # (no layout slot) and needs no HTML-in-markdown parser: st.markdown(unsafe_allow_html)
    # made every new viewer fetch three more script bundles (rehype-raw & co., ~200 KB).
    st.html(PRESENT_CSS if present else BASE_CSS)
    if present:
        st.query_params[QP_PRESENT] = "1"
    elif QP_PRESENT in st.query_params:
        del st.query_params[QP_PRESENT]
    st.sidebar.caption(txt.APP_TITLE)
    warehouse_notice()


# --- Filters -----------------------------------------------------------------------

def _state() -> dict:
    if _STATE not in st.session_state:
        qp = st.query_params
        fy = qp.get(QP_FY)
        st.session_state[_STATE] = {
            "fy": int(fy) if fy and fy.strip().isdigit() else None,
            "dept": qp.get(QP_DEPT) or "",
            "policy": qp.get(QP_POLICY) or "",
            "priority": qp.get(QP_PRIORITY) == "1",
        }
    return st.session_state[_STATE]


def _store(widget: str, name: str) -> None:
    _state()[name] = st.session_state[widget]


def _choice(widget: str, name: str, options: list, label: str, fmt) -> object:
    state = _state()
    value = state.get(name)
    if value not in options:
        value = options[-1] if name == "fy" else options[0]
        state[name] = value
    st.session_state[widget] = value
    return _filter_area().selectbox(label, options, key=widget, format_func=fmt,
                                    on_change=_store, args=(widget, name))


def _sync_url(f: common.Filters) -> None:
    wanted = {QP_FY: str(f.fiscal_year) if f.fiscal_year is not None else None,
              QP_DEPT: f.department, QP_POLICY: f.policy,
              QP_PRIORITY: "1" if f.priority else None}
    for key, value in wanted.items():
        current = st.query_params.get(key)
        if value and current != value:
            st.query_params[key] = value
        elif not value and current is not None:
            del st.query_params[key]


def year_options() -> list[int]:
    years = q(reference.fiscal_years)
    return years or [normalise.reporting_year()]


def _filter_names(depts: pd.DataFrame, pols: pd.DataFrame) -> tuple[dict, dict]:
    return (dict(zip(depts["department_code"].tolist(), depts["department_name"].tolist())),
            dict(zip(pols["policy_code"].tolist(), pols["policy_name"].tolist())))


def filters(*, year: bool = True) -> common.Filters:
    """Render the sidebar filters and return the selection (kept in the URL)."""
    area = _filter_area()
    area.subheader(txt.FILTERS_HEADER)
    years = year_options()
    dept_names, pol_names = derive(_filter_names, q(reference.departments), q(reference.policies))
    fy = _choice(W_FY, "fy", years, txt.FY_LABEL, txt.fy) if year else None
    dept = _choice(W_DEPT, "dept", [""] + list(dept_names), txt.DEPARTMENT_LABEL,
                   lambda code: dept_names.get(code, txt.ALL) if code else txt.ALL)
    policy = _choice(W_POLICY, "policy", [""] + list(pol_names), txt.POLICY_LABEL,
                     lambda code: f"{code} {pol_names[code]}" if code in pol_names else txt.ALL)
    st.session_state[W_PRIORITY] = bool(_state().get("priority"))
    priority = area.toggle(txt.PRIORITY_LABEL, key=W_PRIORITY, help=txt.PRIORITY_HELP,
                           on_change=_store, args=(W_PRIORITY, "priority"))
    f = common.Filters(fy if year else _state().get("fy"), dept or None, policy or None,
                       bool(priority))
    _sync_url(f)
    area.caption(txt.SHARE_HINT)
    return f


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:])")


def plain_text(text: str) -> None:
    """Prose that came from the warehouse (names typed in workbooks) as plain text: every
    Markdown/HTML character escaped, so nothing in a name can format or link."""
    st.markdown(_MD_SPECIAL.sub(r"\\\1", text))


def priority_only() -> bool:
    """Only the 重点対策のみ toggle (pages without the other filters, e.g. 年次報告書's text),
    sharing the sidebar's state and URL parameter."""
    area = _filter_area()
    st.session_state[W_PRIORITY] = bool(_state().get("priority"))
    value = bool(area.toggle(txt.PRIORITY_LABEL, key=W_PRIORITY, help=txt.PRIORITY_HELP,
                             on_change=_store, args=(W_PRIORITY, "priority")))
    if value:
        st.query_params[QP_PRIORITY] = "1"
    elif QP_PRIORITY in st.query_params:
        del st.query_params[QP_PRIORITY]
    return value


def url_choice(param: str, options: list[str], label: str, *, key: str, format_func=str,
               help: str | None = None, container=None, radio: bool = False) -> str:
    """A page's own selectbox (or horizontal radio) kept in the URL (`?param=value`; the
    first option is the default and leaves the URL clean) and in the session, so a shared
    link reproduces the view and switching pages keeps the choice, like the sidebar filters."""
    state = f"_url_choice_{param}"
    if state not in st.session_state:
        st.session_state[state] = st.query_params.get(param) or options[0]
    if st.session_state[state] not in options:
        st.session_state[state] = options[0]
    st.session_state[key] = st.session_state[state]

    def keep() -> None:
        st.session_state[state] = st.session_state[key]

    where = container or st
    if radio:
        value = where.radio(label, options, key=key, format_func=format_func, help=help,
                            on_change=keep, horizontal=True)
    else:
        value = where.selectbox(label, options, key=key, format_func=format_func, help=help,
                                on_change=keep)
    if value != options[0]:
        if st.query_params.get(param) != value:
            st.query_params[param] = value
    elif param in st.query_params:
        del st.query_params[param]
    return value


def content_key(prefix: str, labels) -> str:
    """A widget key that changes whenever `labels` (the option labels) change.

    The browser keeps showing the label it drew for the selected option even when the
    script now formats that option differently (e.g. a version's status after a restore);
    a new key makes a new widget with fresh labels."""
    digest = zlib.crc32("\x1f".join(map(str, labels)).encode("utf-8"))
    return f"{prefix}_{digest:08x}"


# --- Empty states ------------------------------------------------------------------

def require_master() -> None:
    if not q(reference.has_master):
        st.info(txt.NO_MASTER)
        st.stop()


def require_submissions() -> None:
    require_master()
    if not q(reference.fiscal_years):
        st.info(txt.NO_SUBMISSIONS)
        st.stop()


def empty(message: str = txt.NO_MATCH) -> None:
    st.info(message)


# --- Numbers / metrics ------------------------------------------------------------------

def fmt_num(value, digits: int = 0, suffix: str = "") -> str:
    if normalise.is_missing(value):
        return "—"
    return f"{value:,.{digits}f}{suffix}"


def fmt_delta(value, digits: int = 0, suffix: str = "") -> str | None:
    if normalise.is_missing(value):
        return None
    return f"{value:+,.{digits}f}{suffix}"


def metric(col, label: str, kpi: common.Kpi, *, digits: int = 0, suffix: str = "",
           delta_suffix: str | None = None, inverse: bool = False) -> None:
    """st.metric of a KPI with its change from the previous FY (none when there is no previous)."""
    dsuffix = suffix if delta_suffix is None else delta_suffix
    col.metric(label, fmt_num(kpi.value, digits, suffix),
               fmt_delta(kpi.change, digits, dsuffix) if kpi.previous is not None else None,
               delta_color="inverse" if inverse else "normal",
               help=txt.NO_PREVIOUS if kpi.previous is None else None)


# --- Chart block --------------------------------------------------------------------------

def labelled(data: pd.DataFrame) -> pd.DataFrame:
    """The frame with Japanese column headers, for tables and CSV."""
    return data.rename(columns={k: v for k, v in txt.COLUMNS.items() if k in data.columns})


def csv_bytes(data: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with BOM, so Excel opens the Japanese correctly."""
    return data.to_csv(index=False).encode("utf-8-sig")


@dataclass(frozen=True)
class LazyChart:
    """A chart to build with `builder(*args, **kwargs)` (a chart function of
    pipeline.analysis), cached as a spec."""
    builder: object
    args: tuple
    kwargs: tuple
    key: tuple | None = None

    def build(self):
        return self.builder(*self.args, **dict(self.kwargs))


_SIMPLE = (str, int, float, bool, type(None))


def _arg_key(value):
    """A small hashable stand-in for a chart input: plain values as themselves, query
    results by their query key; None when the value has neither (hash its contents)."""
    if isinstance(value, _SIMPLE) or isinstance(value, common.Filters):
        return ("v", value)
    if isinstance(value, tuple):
        parts = tuple(_arg_key(v) for v in value)
        return None if any(p is None for p in parts) else ("t", parts)
    key = origin(value)
    return None if key is None else key


def lazy(builder, *args, key: tuple | None = None, **kwargs) -> LazyChart:
    """Defer building an Altair chart: the Vega-Lite spec is cached by its inputs, so a
    warm rerun neither builds nor validates the chart again.

    Inputs that came from `q` (query results) are keyed by their query and the warehouse
    version, not by hashing their contents; other frames are hashed.  `key` (optional):
    cache by this key and the warehouse version instead; it must identify the inputs.
    """
    kw = tuple(sorted(kwargs.items()))
    return LazyChart(builder, args, kw, key)


def _auto_key(chart: LazyChart) -> tuple | None:
    """(builder, argument keys) when every input is plain or a query result with at least
    one query result among them; None otherwise."""
    parts = _arg_key(chart.args + tuple(v for _, v in chart.kwargs))
    if parts is None or _first_origin(parts) is None:
        return None
    return (chart.builder.__module__, chart.builder.__qualname__, parts, tuple(k for k, _ in chart.kwargs))


def _first_origin(parts) -> tuple | None:
    if isinstance(parts, tuple) and parts and parts[0] in ("q", "path", "derive"):
        return parts
    if isinstance(parts, tuple):
        for p in parts:
            found = _first_origin(p)
            if found is not None:
                return found
    return None


def _with_arrow_datasets(spec: dict) -> dict:
    """Serialise the spec's named datasets to Arrow IPC once, at caching time, exactly as
    st.vega_lite_chart would on every call (it passes bytes through unchanged).  It is
    Streamlit's own conversion: what it refuses here, st.vega_lite_chart would refuse too."""
    from streamlit import dataframe_util
    datasets = spec.get("datasets")
    if isinstance(datasets, dict):
        spec["datasets"] = {name: values if isinstance(values, bytes)
                            else dataframe_util.convert_anything_to_arrow_bytes(values)
                            for name, values in datasets.items()}
    return spec


def _build_spec(chart: LazyChart, present: bool) -> dict:
    return _with_arrow_datasets(chart_style.to_spec(chart.build(), present))


def _lazy_hash(chart: LazyChart) -> tuple:
    """What Streamlit hashes for a LazyChart: the builder by name, the inputs by content."""
    return (chart.builder.__module__, chart.builder.__qualname__, chart.args, chart.kwargs, chart.key)


@st.cache_data(show_spinner=False, max_entries=500, hash_funcs={LazyChart: _lazy_hash})
def _spec(chart: LazyChart, present: bool) -> dict:
    return _build_spec(chart, present)


def _spec_memo(key: tuple, chart: LazyChart, present: bool) -> dict:
    """Specs are shared, not copied: st.vega_lite_chart copies the top level before it
    takes the datasets out, and its only nested edit (null legend titles) is idempotent."""
    key = key + (present,)
    try:
        spec = _specs.get(key)
    except TypeError:                       # an unhashable explicit key: hash the inputs
        return _spec(chart, present)
    if spec is _MISSING:
        spec = _build_spec(chart, present)
        _specs.put(key, spec)
    return spec


def _spec_of(chart: LazyChart, present: bool) -> dict:
    if chart.key is not None:
        path = db()
        return _spec_memo(("spec", path, schema.version_token(path), chart.builder.__module__,
                           chart.builder.__qualname__, chart.key),
                          chart, present)
    parts = _auto_key(chart)
    if parts is not None:
        # the query keys inside carry their own (path, token); the memo is keyed by the
        # first one so a new warehouse version drops the old specs
        first = _first_origin(parts)
        return _spec_memo(("spec", first[1], first[2], parts), chart, present)
    return _spec(chart, present)


class PngExportError(RuntimeError):
    """The chart could not be rendered to PNG (the cause is chained)."""


def _png(chart, present: bool) -> bytes:
    """The PNG download, rendered when the button is clicked.

    A failure raises: no file is saved, Streamlit shows its "failed to generate" notice
    under the button and logs this error with its cause (never an empty PNG)."""
    try:
        if isinstance(chart, LazyChart):
            chart = chart.build()
        png = chart_style.to_png(chart, present)
    except Exception as exc:
        raise PngExportError(f"PNG export failed: {exc!r}") from exc
    if not png:
        raise PngExportError("PNG export returned no bytes")
    return png


def chart_block(chart, data: pd.DataFrame | None, title: str, filename: str, *,
                columns=None) -> None:
    """The chart (full width), then an expander with its data, CSV and PNG downloads.

    `chart` is an Altair chart or a `lazy(builder, ...)` (cached; use it on pages).
    What the expander holds (table and downloads) is rendered only while it is open;
    `columns` picks which of the data's columns the table and the CSV show.
    """
    if data is None or len(data) == 0:
        st.info(txt.NO_DATA)
        return
    present = presenting()
    if isinstance(chart, LazyChart):
        st.vega_lite_chart(_spec_of(chart, present), width="stretch", theme=None)
    else:
        st.altair_chart(chart_style.configure(chart, present), width="stretch", theme=None, alt=title)
    box = st.expander(txt.DATA_EXPANDER, key=f"exp_{filename}", on_change="rerun")
    if not box.open:
        # Closed (as every viewer first sees it): nothing inside is sent or drawn.  The two
        # buttons and their columns cost the browser about a tenth of a page switch per
        # chart and pulled two more script bundles into every new viewer's first load.
        return
    with box:
        left, right = st.columns(2)
        cols = tuple(columns) if columns is not None else None
        left.download_button(txt.CSV_BUTTON, data=functools.partial(_table_csv, data, cols, None),
                             file_name=f"{filename}.csv", mime="text/csv", on_click="ignore",
                             key=f"csv_{filename}", icon=":material/download:")
        right.download_button(txt.PNG_BUTTON, data=functools.partial(_png, chart, present),
                              file_name=f"{filename}.png", mime="image/png", on_click="ignore",
                              key=f"png_{filename}", icon=":material/image:")
        if not chart_style.cjk_font_available():
            right.caption(txt.PNG_NO_FONT)
        st.dataframe(_table_view(data, cols, None), hide_index=True, placeholder=BLANK)


def _table_view(data: pd.DataFrame, columns: tuple | None, rename: tuple | None) -> pd.DataFrame:
    """The shown table: `columns` picked, `rename` applied, then the Japanese headers."""
    if columns is not None:
        data = data[list(columns)]
    if rename:
        data = data.rename(columns=dict(rename))
    return labelled(data)


def _arrow_view(data: pd.DataFrame, columns: tuple | None, rename: tuple | None):
    """The shown table as the Arrow table st.dataframe would build from it (Streamlit's own
    conversion), so a warm rerun serialises it without going through pandas again."""
    from streamlit import dataframe_util
    return dataframe_util.convert_pandas_df_to_arrow_table(_table_view(data, columns, rename))


def _arrow(data: pd.DataFrame):
    from streamlit import dataframe_util
    return dataframe_util.convert_pandas_df_to_arrow_table(data)


def dataframe(data: pd.DataFrame, **kwargs) -> None:
    """st.dataframe of a query or `derive` result, converted to Arrow once per version."""
    # Streamlit's own conversion (with its type fixes), so nothing to fall back to
    st.dataframe(derive(_arrow, data), **{"placeholder": BLANK, **kwargs})


def _table_csv(data: pd.DataFrame, columns: tuple | None, rename: tuple | None) -> bytes:
    return csv_bytes(_table_view(data, columns, rename))


def text_width(text: str) -> float:
    """Width of `text` in full-width characters (ASCII and half-width kana count ~half):
    how much of a table column a message takes."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in str(text))


def opinion_columns() -> dict:
    """Column widths for council.opinions_display: the opinion and the response get the room,
    numbers and short words stay narrow (a 1366-px laptop shows the short list whole)."""
    h = ctxt.HEADERS
    small = ("published", "status_year", "level", "target_code")
    widths = {**{h[k]: "small" for k in small}, h["opinion_id"]: 60, h["fiscal_year"]: 70, h["status"]: 70,
              h["source"]: 100, h["target"]: 150, h["target_name"]: 150, h["opinion_text"]: 240,
              h["response_text"]: 190}
    return {name: st.column_config.Column(width=w) for name, w in widths.items()}


def table(data: pd.DataFrame, filename: str, *, columns=None, rename: dict | None = None,
          **kwargs) -> None:
    """A plain table with its CSV download (for lists rather than charts).

    `columns` (which to show, in order) and `rename` (extra headers) are applied here, so a
    table of a query result is converted once per warehouse version, not on every rerun."""
    cols = tuple(columns) if columns is not None else None
    ren = tuple(rename.items()) if rename else None
    st.dataframe(derive(_arrow_view, data, cols, ren), hide_index=True, **{"placeholder": BLANK, **kwargs})
    st.download_button(txt.CSV_BUTTON, data=functools.partial(_table_csv, data, cols, ren),
                       file_name=f"{filename}.csv", mime="text/csv", on_click="ignore",
                       key=f"csv_{filename}", icon=":material/download:")
