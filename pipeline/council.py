"""The environmental council's review of the annual report (審議会意見).

Closing the plan-level PDCA loop: HQ records, for the report of FY N, the
council's opinions (each about the plan, a basic policy, a measure or an
action), the city's response (対応方針) and, in later FYs, the follow-up
status (未対応 / 対応中 / 対応済).  The plan-level cycle per FY is: report
published → council reviewed → responses decided → responses carried out.

Since issue 12 an opinion also records where it comes from (意見の区分:
環境審議会, 市民, 事業者, 共創推進プラットフォーム, パブリックコメント, その他 —
contract.OPINION_SOURCES) and whether it is published (公表).  Council opinions
are published by default, the others only once HQ marks them; the annual
report and the public site show the published ones with the city's responses
(`public_opinions`, which never carries staff names).  HQ enters opinions on
the 審議会意見 page or imports them from a workbook (sheet 意見; the city's
form system export, see `OPINION_SHEET`).

Writes are HQ-only and audited (store.audit).  The tables are internal (not
part of the data contract); pipeline.warehouse.council_tables creates them.
"""
from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass, field
from datetime import date

import duckdb
import openpyxl
import pandas as pd
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline.access import auth
from pipeline.warehouse import store
from pipeline.ingest import normalise
from pipeline.ingest.contract import (
    DATE_TEXT_PATTERN, OPINION_SOURCE_COUNCIL, OPINION_SOURCES, PUBLISH_NO_WORDS, PUBLISH_YES_WORDS,
    Column, TableSheet)
from pipeline.ingest.problems import Problem, RejectedFile
from pipeline.ingest.reader import read_workbook
from pipeline.ingest.tables import parse_table
from pipeline.texts import council as txt
from pipeline.texts import validation as vtxt
from pipeline.warehouse.council_tables import TABLES_SQL
from pipeline.warehouse.schema import connect, transaction


#: The import sheet (意見).  The first eight columns are the 審議会意見 sheet of
#: issue 5, unchanged; 意見の区分, 公表, 受付日 and 受付番号 came with issue 12 and may be
#: absent (a legacy workbook: every row is a 環境審議会 opinion).  Other columns of a form
#: system export (氏名, メールアドレス, …) are ignored and never stored.
OPINION_SHEET = TableSheet(txt.SHEET, txt.COL_YEAR, (
    Column(txt.COL_YEAR, "fiscal_year", "year", True, width=10,
           note=txt.NOTE_YEAR),
    Column(txt.COL_LEVEL, "level", "choice", False, txt.LEVELS, width=12,
           note=txt.NOTE_LEVEL),
    Column(txt.COL_TARGET, "target_code", "code", False, width=12),
    Column(txt.COL_OPINION, "opinion_text", "text", True, width=60),
    Column(txt.COL_RESPONSE, "response_text", "text", False, width=60),
    Column(txt.COL_STATUS, "status", "choice", False, txt.FOLLOWUP_STATUSES, width=10),
    Column(txt.COL_STATUS_YEAR, "status_year", "year", False, width=10),
    Column(txt.COL_NOTE, "note", "text", False, width=30),
    Column(txt.COL_SOURCE, "source", "choice", False, OPINION_SOURCES, width=22,
           note=txt.NOTE_SOURCE),
    Column(txt.COL_PUBLISHED, "published", "text", False, width=8,
           note=txt.NOTE_PUBLISHED),
    Column(txt.COL_RECEIVED, "received_on", "text", False, width=12,
           note=txt.NOTE_RECEIVED),
    Column(txt.COL_REFERENCE, "reference_no", "text", False, width=14,
           note=txt.NOTE_REFERENCE),
))


class CouncilError(ValueError):
    """A council write that cannot be done (Japanese message)."""


# --- connections and roles ---------------------------------------------------

def ensure_tables(con) -> None:
    con.execute(TABLES_SQL)


class _Con:
    """Use a given connection, or open a short-lived one on a db path."""

    def __init__(self, con_or_db, write: bool = False):
        self.given = con_or_db if isinstance(con_or_db, duckdb.DuckDBPyConnection) else None
        self.db = None if self.given is not None else con_or_db
        self.write = write
        self._cm = None

    def __enter__(self):
        if self.given is not None:
            ensure_tables(self.given)
            return self.given
        self._cm = connect(self.db, write=self.write)
        con = self._cm.__enter__()
        ensure_tables(con)
        return con

    def __exit__(self, *exc):
        if self._cm is not None:
            return self._cm.__exit__(*exc)
        return False


def require_hq(user) -> str:
    """Server-side check (auth.require_role): council records are written by HQ only.
    Returns the actor name for the audit log; raises auth.AccessDenied."""
    return auth.require_role(user, auth.ROLE_HQ).username


# --- validation helpers ------------------------------------------------------------

def targets(con_or_db, level: str) -> list[tuple[str, str]]:
    """(code, name) a council opinion of this level may point at, in master order."""
    sql = {
        txt.LEVEL_POLICY: "SELECT policy_code, policy_name FROM v_policies ORDER BY sort_order",
        txt.LEVEL_MEASURE: "SELECT measure_code, measure_name FROM v_measures ORDER BY sort_order",
        txt.LEVEL_ACTION: "SELECT action_code, action_name FROM v_actions ORDER BY sort_order",
    }.get(level)
    if sql is None:
        return []
    with _Con(con_or_db) as con:
        return [tuple(r) for r in con.execute(sql).fetchall()]


def _check_target(con, level: str, target_code: str | None) -> str | None:
    if level not in txt.LEVELS:
        raise CouncilError(txt.bad_level(level))
    if level == txt.LEVEL_PLAN:
        return None
    if not target_code:
        raise CouncilError(txt.target_required(level))
    code = target_code.strip()
    if code not in dict(targets(con, level)):
        raise CouncilError(txt.unknown_target(level, code))
    return code


def _check_status(status: str, status_year: int, fiscal_year: int) -> None:
    if status not in txt.FOLLOWUP_STATUSES:
        raise CouncilError(txt.bad_status(status))
    if status_year <= fiscal_year:
        raise CouncilError(txt.status_year_too_early(status_year, fiscal_year))


# --- writes (HQ only, audited) -----------------------------------------------------

def default_published(source: str) -> bool:
    """Council opinions are public records; the public's are published once HQ decides."""
    return source == OPINION_SOURCE_COUNCIL


def _check_source(source: str | None) -> str:
    source = source or OPINION_SOURCE_COUNCIL
    if source not in OPINION_SOURCES:
        raise CouncilError(txt.bad_source(source))
    return source


def _insert_opinion(con, fiscal_year, level, target, text, response, actor, *,
                    source: str = OPINION_SOURCE_COUNCIL, published: bool | None = None,
                    received_on: date | None = None, reference_no: str | None = None) -> int:
    new_id = con.execute("SELECT coalesce(max(opinion_id), 0) + 1 FROM council_opinions").fetchone()[0]
    stamp = store.now()
    published = default_published(source) if published is None else bool(published)
    con.execute(
        "INSERT INTO council_opinions (opinion_id, fiscal_year, level, target_code, opinion_text, "
        "response_text, response_at, response_by, recorded_at, recorded_by, source, published, "
        "received_on, reference_no) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [new_id, fiscal_year, level, target, text, response or None,
         stamp if response else None, actor if response else None, stamp, actor,
         source, published, received_on, reference_no])
    store.audit(con, actor, "council_opinion", f"{fiscal_year}:{new_id}", {
        "opinion_id": new_id, "fiscal_year": fiscal_year, "level": level, "target_code": target,
        "source": source, "published": published})
    return new_id


def add_opinion(db, fiscal_year: int, level: str, target_code: str | None, opinion_text: str,
                user, *, response_text: str | None = None, source: str = OPINION_SOURCE_COUNCIL,
                published: bool | None = None, received_on: date | None = None,
                reference_no: str | None = None) -> int:
    """Record one opinion (optionally with the city's response); returns its id.
    `published` None = the source's default (council opinions are published)."""
    actor = require_hq(user)
    text = (opinion_text or "").strip()
    if not text:
        raise CouncilError(txt.EMPTY_OPINION)
    source = _check_source(source)
    with _Con(db, write=True) as con:
        target = _check_target(con, level, target_code)
        with transaction(con):
            return _insert_opinion(
                con, int(fiscal_year), level, target, text, (response_text or "").strip(), actor,
                source=source, published=published, received_on=received_on,
                reference_no=(reference_no or "").strip() or None)


def set_published(db, opinion_id: int, published: bool, user) -> None:
    """Mark an opinion as published (shown in the report and on the public site) or not."""
    actor = require_hq(user)
    with _Con(db, write=True) as con:
        if con.execute("SELECT 1 FROM council_opinions WHERE opinion_id = ?",
                       [opinion_id]).fetchone() is None:
            raise CouncilError(txt.UNKNOWN_OPINION)

        with transaction(con):
            con.execute("UPDATE council_opinions SET published = ? WHERE opinion_id = ?",
                        [bool(published), opinion_id])
            store.audit(con, actor, "council_publish", str(opinion_id),
                        {"opinion_id": opinion_id, "published": bool(published)})


def set_response(db, opinion_id: int, response_text: str, user) -> None:
    """Record (or revise) the city's response 対応方針 to an opinion."""
    actor = require_hq(user)
    text = (response_text or "").strip()
    if not text:
        raise CouncilError(txt.EMPTY_RESPONSE)
    with _Con(db, write=True) as con:
        if con.execute("SELECT 1 FROM council_opinions WHERE opinion_id = ?",
                       [opinion_id]).fetchone() is None:
            raise CouncilError(txt.UNKNOWN_OPINION)

        with transaction(con):
            con.execute("UPDATE council_opinions SET response_text = ?, response_at = ?, "
                        "response_by = ? WHERE opinion_id = ?",
                        [text, store.now(), actor, opinion_id])
            store.audit(con, actor, "council_response", str(opinion_id), {"opinion_id": opinion_id})


def set_status(db, opinion_id: int, status: str, status_year: int, user, *, note: str | None = None) -> None:
    """Record the follow-up status of an opinion in a later FY."""
    actor = require_hq(user)
    with _Con(db, write=True) as con:
        row = con.execute("SELECT fiscal_year FROM council_opinions WHERE opinion_id = ?",
                          [opinion_id]).fetchone()
        if row is None:
            raise CouncilError(txt.UNKNOWN_OPINION)
        _check_status(status, int(status_year), row[0])

        with transaction(con):
            con.execute("INSERT INTO council_followups VALUES (?, ?, ?, ?, ?, ?)",
                        [opinion_id, int(status_year), status, note or None, store.now(), actor])
            store.audit(con, actor, "council_status", str(opinion_id), {
                "opinion_id": opinion_id, "status": status, "status_year": int(status_year)})


def record_cycle(db, fiscal_year: int, *, published: date | None = None,
                 reviewed: date | None = None, user) -> None:
    """Record when the FY's report was published and when the council reviewed it."""
    actor = require_hq(user)
    with _Con(db, write=True) as con:
        with transaction(con):
            con.execute(
                "INSERT INTO council_cycle VALUES (?, ?, ?, ?, ?) ON CONFLICT (fiscal_year) DO UPDATE "
                "SET report_published = coalesce(excluded.report_published, report_published), "
                "council_reviewed = coalesce(excluded.council_reviewed, council_reviewed), "
                "recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by",
                [int(fiscal_year), published, reviewed, store.now(), actor])
            store.audit(con, actor, "council_cycle", str(fiscal_year), {
                "published": str(published) if published else None,
                "reviewed": str(reviewed) if reviewed else None})


# --- reads ----------------------------------------------------------------------------

_OPINIONS_SQL = """
WITH latest AS (
    SELECT opinion_id, status, status_year, note,
           row_number() OVER (PARTITION BY opinion_id
                              ORDER BY status_year DESC, recorded_at DESC) AS rn
    FROM council_followups),
names AS (
    SELECT '{policy}' AS level, policy_code AS code, policy_name AS name FROM v_policies
    UNION ALL SELECT '{measure}', measure_code, measure_name FROM v_measures
    UNION ALL SELECT '{action}', action_code, action_name FROM v_actions)
SELECT o.opinion_id, o.fiscal_year, coalesce(o.source, '{council}') AS source,
       coalesce(o.published, FALSE) AS published, o.received_on, o.reference_no,
       o.level, o.target_code, n.name AS target_name,
       o.opinion_text, o.response_text, o.response_at,
       coalesce(l.status, '{open}') AS status, l.status_year, l.note AS status_note,
       o.recorded_at, o.recorded_by
FROM council_opinions o
LEFT JOIN latest l ON l.opinion_id = o.opinion_id AND l.rn = 1
LEFT JOIN names n ON n.level = o.level AND n.code = o.target_code
""".format(policy=txt.LEVEL_POLICY, measure=txt.LEVEL_MEASURE, action=txt.LEVEL_ACTION,
           open=txt.STATUS_OPEN, council=OPINION_SOURCE_COUNCIL)


def opinions(con_or_db, fiscal_year: int | None = None) -> pd.DataFrame:
    """Opinions (of one FY, or all), with response and latest follow-up status."""
    with _Con(con_or_db) as con:
        sql = _OPINIONS_SQL + (" WHERE o.fiscal_year = ?" if fiscal_year is not None else "")
        params = [fiscal_year] if fiscal_year is not None else []
        return con.execute(sql + " ORDER BY o.fiscal_year, o.opinion_id", params).df()


#: What the public may see of an opinion: no staff names (recorded_by, response_by),
#: no internal note, no form reference number.
PUBLIC_COLUMNS = ("opinion_id", "fiscal_year", "source", "received_on", "level", "target_code",
                  "target_name", "opinion_text", "response_text", "status", "status_year")


def public_opinions(con_or_db, fiscal_year: int | None = None) -> pd.DataFrame:
    """The published opinions (of one FY, or all) with the city's responses and follow-up,
    in PUBLIC_COLUMNS: what the annual report and the public site show."""
    frame = opinions(con_or_db, fiscal_year)
    frame = frame[frame["published"].astype(bool)]
    return frame[list(PUBLIC_COLUMNS)].reset_index(drop=True)


def latest_opinion_year(con_or_db) -> int | None:
    """The latest FY that has any opinion (what the council page opens on), else None."""
    with _Con(con_or_db) as con:
        row = con.execute("SELECT max(fiscal_year) FROM council_opinions").fetchone()
    return None if row is None or row[0] is None else int(row[0])


def open_opinions(con_or_db, fiscal_year: int | None = None) -> pd.DataFrame:
    """Opinions not yet 対応済 (latest status), optionally only those of one FY."""
    frame = opinions(con_or_db, fiscal_year)
    return frame[frame["status"] != txt.STATUS_DONE].reset_index(drop=True)


@dataclass
class CycleStatus:
    """The plan-level Check/Act cycle for the report of one FY."""
    fiscal_year: int
    report_published: date | None = None
    council_reviewed: date | None = None
    opinions: int = 0
    council_opinions: int = 0     # of them, the 環境審議会's
    responded: int = 0
    done: int = 0
    open: int = 0

    @property
    def published(self) -> bool:
        return self.report_published is not None

    @property
    def reviewed(self) -> bool:
        return self.council_reviewed is not None or self.council_opinions > 0

    @property
    def responses_decided(self) -> bool:
        return self.reviewed and self.responded == self.opinions

    @property
    def responses_carried_out(self) -> bool:
        return self.responses_decided and self.done == self.opinions

    @property
    def steps(self) -> dict[str, bool]:
        return dict(zip(txt.CYCLE_STEPS, (self.published, self.reviewed,
                                          self.responses_decided, self.responses_carried_out)))


def plan_cycle_status(con_or_db, fiscal_year: int) -> CycleStatus:
    """Report published, council reviewed, responses decided, responses carried out."""
    with _Con(con_or_db) as con:
        out = CycleStatus(int(fiscal_year))
        row = con.execute("SELECT report_published, council_reviewed FROM council_cycle "
                          "WHERE fiscal_year = ?", [fiscal_year]).fetchone()
        if row:
            out.report_published, out.council_reviewed = row
        frame = opinions(con, fiscal_year)
    out.opinions = len(frame)
    out.council_opinions = int((frame["source"] == OPINION_SOURCE_COUNCIL).sum())
    out.responded = int(frame["response_text"].fillna("").str.strip().ne("").sum())
    out.done = int((frame["status"] == txt.STATUS_DONE).sum())
    out.open = out.opinions - out.done
    return out


def plan_cycle_table(con_or_db, fiscal_years: list[int]) -> pd.DataFrame:
    """One row per FY: the four cycle steps as booleans plus opinion counts."""
    rows = []
    with _Con(con_or_db) as con:
        for fy in fiscal_years:
            s = plan_cycle_status(con, fy)
            rows.append({"fiscal_year": fy, **s.steps, "opinions": s.opinions,
                         "responded": s.responded, "done": s.done, "open": s.open})
    return pd.DataFrame(rows, columns=["fiscal_year", *txt.CYCLE_STEPS, "opinions", "responded",
                                       "done", "open"])


# --- workbook import --------------------------------------------------------------------

@dataclass
class ImportResult:
    file_name: str
    problems: list[Problem] = field(default_factory=list)
    added: int = 0
    updated: int = 0

    @property
    def accepted(self) -> bool:
        return not self.problems


def parse_date(value) -> date | None:
    """受付日 as a form export or a person writes it: an Excel date (read as ISO text),
    2025-06-30, 2025/6/30, 2025.6.30, 2025年6月30日, full-width digits.  ValueError otherwise."""
    import re
    text = normalise.nfkc(value).strip() if value is not None else ""
    if not text:
        return None
    m = re.fullmatch(DATE_TEXT_PATTERN, text)
    if not m:
        raise ValueError(text)
    return date(int(m[1]), int(m[2]), int(m[3]))


_YES = set(PUBLISH_YES_WORDS)
_NO = set(PUBLISH_NO_WORDS)


def parse_published(value) -> bool | None:
    """公表: ○ → True, × → False, blank → None (the source's default); ValueError otherwise."""
    text = normalise.nfkc(value).strip().upper() if value is not None else ""
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(text)


def import_workbook(db, data: bytes, file_name: str, user) -> ImportResult:
    """Import opinions (with source, response, status, 公表) from an 意見 workbook (or a
    legacy 審議会意見 one), whole or not at all; every error names its cell.

    A row with a 受付番号 updates the stored opinion of the same 意見の区分 and 受付番号;
    a row without one updates the opinion with the same (年度, 意見の区分, 対象区分,
    対象コード, 意見); otherwise it is added.
    """
    actor = require_hq(user)
    result = ImportResult(file_name)
    try:
        book = read_workbook(data, file_name, [txt.SHEET, txt.LEGACY_SHEET])
    except RejectedFile as exc:
        result.problems.append(exc.problem)
        return result
    sheet = txt.SHEET if txt.SHEET in book.sheets else txt.LEGACY_SHEET
    grid = book.sheets.get(sheet)
    if grid is None:
        result.problems.append(Problem(txt.SHEET, None, vtxt.missing_sheet(txt.SHEET)))
        return result
    table = parse_table(grid, dataclasses.replace(OPINION_SHEET, name=sheet))
    result.problems.extend(table.problems)
    with _Con(db, write=True) as con:
        checked = []
        for row in table.rows:
            if not row.ok:
                continue
            v = dict(row.values)
            v["level"] = v.get("level") or txt.LEVEL_PLAN
            v["source"] = v.get("source") or OPINION_SOURCE_COUNCIL
            problems = []
            for field_name, parse, message in (
                    ("received_on", parse_date, txt.bad_date),
                    ("published", parse_published, txt.bad_published)):
                try:
                    v[field_name] = parse(v.get(field_name))
                except ValueError:
                    problems.append(Problem(sheet, row.cells.get(field_name),
                                            message(v.get(field_name))))
            try:
                target = _check_target(con, v["level"], v.get("target_code"))
            except CouncilError as exc:
                problems.append(Problem(sheet, row.cells.get("target_code"), str(exc)))
            status_year = v.get("status_year")
            if v.get("status"):
                status_year = status_year or v["fiscal_year"] + 1
                try:
                    _check_status(v["status"], status_year, v["fiscal_year"])
                except CouncilError as exc:
                    problems.append(Problem(sheet, row.cells.get("status_year"), str(exc)))
            if problems:
                result.problems.extend(problems)
                continue
            checked.append((v, target, status_year))
        if result.problems:
            return result

        with transaction(con):
            for v, target, status_year in checked:
                if v.get("reference_no"):
                    found = con.execute(
                        "SELECT opinion_id FROM council_opinions WHERE coalesce(source, ?) = ? "
                        "AND reference_no = ?",
                        [OPINION_SOURCE_COUNCIL, v["source"], v["reference_no"]]).fetchone()
                else:
                    found = con.execute(
                        "SELECT opinion_id FROM council_opinions WHERE fiscal_year = ? AND level = ? "
                        "AND coalesce(target_code, '') = ? AND opinion_text = ? "
                        "AND coalesce(source, ?) = ?",
                        [v["fiscal_year"], v["level"], target or "", v["opinion_text"],
                         OPINION_SOURCE_COUNCIL, v["source"]]).fetchone()
                if found is None:
                    oid = _insert_opinion(con, v["fiscal_year"], v["level"], target,
                                          v["opinion_text"], v.get("response_text"), actor,
                                          source=v["source"], published=v.get("published"),
                                          received_on=v.get("received_on"),
                                          reference_no=v.get("reference_no"))
                    result.added += 1
                else:
                    oid = found[0]
                    result.updated += 1
                    con.execute(
                        "UPDATE council_opinions SET fiscal_year = ?, level = ?, target_code = ?, "
                        "opinion_text = ?, received_on = coalesce(?, received_on) WHERE opinion_id = ?",
                        [v["fiscal_year"], v["level"], target, v["opinion_text"],
                         v.get("received_on"), oid])
                    if v.get("response_text"):
                        con.execute("UPDATE council_opinions SET response_text = ?, response_at = ?, "
                                    "response_by = ? WHERE opinion_id = ? AND "
                                    "coalesce(response_text, '') <> ?",
                                    [v["response_text"], store.now(), actor, oid, v["response_text"]])
                    if v.get("published") is not None:
                        con.execute("UPDATE council_opinions SET published = ? WHERE opinion_id = ?",
                                    [v["published"], oid])
                if v.get("status"):
                    con.execute("INSERT INTO council_followups VALUES (?, ?, ?, ?, ?, ?)",
                                [oid, status_year, v["status"], v.get("note"), store.now(), actor])
            store.audit(con, actor, "council_import", file_name,
                        {"added": result.added, "updated": result.updated})
    return result


def council_template() -> bytes:
    """A blank 意見 workbook with headers and drop-down lists (OPINION_SHEET)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = txt.SHEET
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for j, column in enumerate(OPINION_SHEET.columns, start=1):
        cell = ws.cell(1, j, column.header)
        cell.font, cell.fill = bold, fill
        ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width = column.width
        choices = column.choices or (txt.PUBLISHED_MARKS if column.field == "published" else ())
        if choices:
            letter = openpyxl.utils.get_column_letter(j)
            dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"',
                                allow_blank=True)
            dv.add(f"{letter}2:{letter}500")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    notes = wb.create_sheet(txt.HOWTO_SHEET)
    notes.append([txt.HOWTO_COLUMN, txt.HOWTO_REQUIRED, txt.HOWTO_NOTE])
    for cell in notes[1]:
        cell.font, cell.fill = bold, fill
    for column in OPINION_SHEET.columns:
        allowed = " / ".join(column.choices) if column.choices else ""
        notes.append([column.header, txt.HOWTO_YES if column.required else "",
                      "　".join(x for x in (allowed, column.note) if x)])
    notes.append([])
    for line in txt.HOWTO_LINES:
        notes.append([line])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 8
    notes.column_dimensions["C"].width = 90
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- display frames (pages show these as they are) ----------------------------------------

def cycle_display(table: pd.DataFrame) -> pd.DataFrame:
    """plan_cycle_table with Japanese headers and 済/未 marks."""
    out = table.copy()
    for step in txt.CYCLE_STEPS:
        out[step] = [txt.CYCLE_DONE if v else txt.CYCLE_NOT_DONE for v in out[step]]
    return out[["fiscal_year", *txt.CYCLE_STEPS]].rename(columns={"fiscal_year": txt.CYCLE_YEAR})


#: The short list (PDCA page, the council page's open opinions): what a reader needs to follow
#: an opinion up, narrow enough for a 1366-px laptop without scrolling sideways.
SHORT_COLUMNS = ("opinion_id", "fiscal_year", "source", "target", "opinion_text", "response_text", "status")
#: One FY's list (the council page): the FY goes, whether it is published comes in.
YEAR_COLUMNS = ("opinion_id", "source", "published", "target", "opinion_text", "response_text", "status")


def opinions_display(frame: pd.DataFrame, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """opinions/open_opinions with Japanese headers, in the page's column order (or `columns`):
    dates as dates, times to the minute, blanks empty (never "None"/"NaT"); `target` is the
    target's name, or the level when the opinion is on the whole plan."""
    out = frame.copy()
    out["target"] = [name if isinstance(name, str) and name else level
                     for name, level in zip(out["target_name"], out["level"])] if len(out) else []
    for column, fmt in (("received_on", "%Y-%m-%d"), ("response_at", "%Y-%m-%d %H:%M"),
                        ("recorded_at", "%Y-%m-%d %H:%M")):
        if column in out.columns:
            out[column] = [v.strftime(fmt) if not normalise.is_missing(v) else "" for v in out[column]]
    keep = list(columns) if columns is not None else [k for k in txt.HEADERS if k in frame.columns]
    out = out[keep]
    for column in keep:
        if column != "published" and (out[column].dtype.kind not in "iub" or out[column].isna().any()):
            out[column] = ["" if normalise.is_missing(v) else str(v) for v in out[column]]
    return out.rename(columns=txt.HEADERS)
