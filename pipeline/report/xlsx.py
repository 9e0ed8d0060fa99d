"""The annual report's tables as an Excel workbook, for staff who edit the final document.

One sheet per table, Japanese headers, number formats, column widths, frozen
header row and auto-filter.  Values are the report's (the views') figures,
unrounded: formats do the rounding, so the cells stay exact.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from pipeline.report.model import ReportData
from pipeline.ingest.normalise import is_missing
from pipeline.texts import report as txt

FMT_INT = "#,##0"
FMT_VALUE = "#,##0.##"
FMT_PCT1 = "0.0"
FMT_KT = "#,##0.0"
FMT_DATETIME = "yyyy-mm-dd hh:mm"
HEAD_FONT = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Col:
    field: str
    header: str
    width: float = 12
    fmt: str | None = None
    wrap: bool = False


def _h(key: str) -> str:
    return txt.COL[key]


INDICATOR_COLS = (
    Col("policy_code", _h("policy_code"), 10), Col("measure_code", _h("measure_code"), 10),
    Col("measure_name", _h("measure_name"), 30, wrap=True),
    Col("indicator_code", _h("indicator_code"), 10), Col("indicator_name", _h("indicator_name"), 36, wrap=True),
    Col("unit", _h("unit"), 8), Col("direction", _h("direction"), 6),
    Col("base_year", _h("base_year"), 8), Col("base_value", _h("base_value"), 12, FMT_VALUE),
    Col("target_year", _h("target_year"), 8), Col("target_value", _h("target_value"), 12, FMT_VALUE),
    Col("actual_value", _h("actual_value"), 12, FMT_VALUE),
    Col("expected_value", _h("expected_value"), 12, FMT_VALUE),
    Col("attainment_pct", _h("attainment_pct"), 10, FMT_PCT1), Col("status", _h("status"), 8),
    Col("department_name", _h("department_name"), 22),
)
ACTION_COLS = (
    Col("policy_code", _h("policy_code"), 10), Col("measure_code", _h("measure_code"), 10),
    Col("action_code", _h("action_code"), 10), Col("action_name", _h("action_name"), 36, wrap=True),
    Col("department_name", _h("department_name"), 22), Col("priority", _h("priority"), 6),
    Col("implementation_status", _h("implementation_status"), 10),
    Col("self_evaluation", _h("self_evaluation"), 8), Col("direction", _h("direction_next"), 12),
    Col("revision_text", _h("revision_text"), 44, wrap=True), Col("stages", _h("stages"), 9, FMT_INT),
)
PARTNER_COLS = (
    Col("policy_code", _h("policy_code"), 10), Col("action_code", _h("action_code"), 10),
    Col("action_name", _h("action_name"), 30, wrap=True),
    Col("stakeholder_type", _h("stakeholder_type"), 24), Col("organisation", _h("organisation"), 28),
    Col("participants", _h("participants"), 12, FMT_INT),
    Col("co2_reduction_t", _h("co2_reduction_t"), 14, FMT_VALUE),
    Col("content", _h("content"), 40, wrap=True),
)
EMISSION_COLS = (
    Col("fiscal_year", _h("fiscal_year"), 8), Col("kind", _h("kind"), 8),
    Col("kt_co2", _h("kt_co2"), 16, FMT_KT),
)
COUNCIL_COLS = (
    Col("opinion_id", _h("opinion_id"), 8), Col("fiscal_year", _h("fiscal_year"), 8),
    Col("source", _h("source"), 18), Col("level", _h("level"), 10), Col("target_code", _h("target_code"), 10),
    Col("target_name", _h("target_name"), 28, wrap=True),
    Col("opinion_text", _h("opinion_text"), 60, wrap=True),
    Col("response_text", _h("response_text"), 60, wrap=True), Col("status", _h("followup"), 10),
)
SOURCE_COLS = (
    Col("submission_id", _h("submission_id"), 8), Col("department_code", _h("department_code"), 10),
    Col("department_name", _h("department_name"), 22), Col("fiscal_year", _h("fiscal_year"), 8),
    Col("file_name", _h("file_name"), 40), Col("sha256", _h("sha256"), 20),
    Col("loaded_at", _h("loaded_at"), 17, FMT_DATETIME), Col("loaded_by", _h("loaded_by"), 14),
)


def _cell_value(v):
    if is_missing(v):
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if isinstance(v, bool):
        return txt.PRIORITY_YES if v else None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    return v


def _sheet(wb: Workbook, title: str, cols, records: list[dict]) -> None:
    ws = wb.create_sheet(title)
    for j, col in enumerate(cols, start=1):
        cell = ws.cell(1, j, col.header)
        cell.font, cell.fill = HEAD_FONT, HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(j)].width = col.width
    for i, record in enumerate(records, start=2):
        for j, col in enumerate(cols, start=1):
            cell = ws.cell(i, j, _cell_value(record.get(col.field)))
            if col.fmt:
                cell.number_format = col.fmt
            if col.wrap:
                cell.alignment = WRAP
    ws.freeze_panes = "A2"
    if records:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(records) + 1}"


def _records(frame: pd.DataFrame | None) -> list[dict]:
    return [] if frame is None else frame.to_dict("records")


def _summary_rows(r: ReportData) -> list[dict]:
    e, p, s = r.emissions, r.pdca, r.partner_summary
    rows = [
        (txt.L_EDITION, r.edition_text, None),
        (txt.COVER_DATA_DATE.split(":")[0], r.data_date, FMT_DATETIME),
        (txt.L_BASE, e.base_year, None), (txt.L_BASE + " " + _h("kt_co2"), e.base_kt, FMT_KT),
        (txt.L_LATEST, e.latest_year, None), (txt.L_LATEST + " " + _h("kt_co2"), e.latest_kt, FMT_KT),
        (txt.L_TARGET, e.target_year, None), (txt.L_TARGET + " " + _h("kt_co2"), e.target_kt, FMT_KT),
        (txt.L_PATH, e.path_kt, FMT_KT),
        (txt.L_REDUCTION + "（%）", e.reduction_pct, FMT_PCT1),
        (txt.L_ACTUAL_RATE + "（%）", e.actual_rate_pct, FMT_PCT1),
        (txt.L_NEEDED_RATE + "（%）", e.needed_rate_pct, FMT_PCT1),
        (txt.L_PACE, None if e.on_track is None else (txt.PACE_OK if e.on_track else txt.PACE_BEHIND), None),
    ]
    rows += [(f"{txt.H_STATUS}: {k}", v, FMT_INT) for k, v in r.status_counts.items()]
    rows += [(txt.L_INDICATORS_TOTAL, sum(r.status_counts.values()), FMT_INT),
             (txt.L_ACTIONS, p.actions, FMT_INT), (txt.L_REPORTED, p.reported, FMT_INT),
             (txt.L_DO, p.do, FMT_INT), (txt.L_CHECK, p.check, FMT_INT), (txt.L_ACT, p.act, FMT_INT),
             (txt.L_COMPLETE, p.complete, FMT_INT), (txt.L_COMPLETE_PCT + "（%）", p.complete_pct, FMT_PCT1),
             (txt.L_PARTNER_ROWS, s.rows, FMT_INT), (txt.L_PARTNER_ACTIONS, s.actions, FMT_INT),
             (txt.L_PARTNER_TYPES, s.types, FMT_INT), (txt.L_PARTICIPANTS, s.participants, FMT_INT),
             (txt.L_CO2, s.co2_reduction_t, FMT_VALUE)]
    return [{"item": a, "value": b, "fmt": f} for a, b, f in rows]


def _summary_sheet(wb: Workbook, r: ReportData) -> None:
    ws = wb.create_sheet(txt.SHEET_SUMMARY)
    ws.cell(1, 1, f"{txt.TITLE} {txt.fy_label(r.fiscal_year)}").font = Font(bold=True, size=14)
    for j, h in enumerate((_h("item"), _h("value")), start=1):
        cell = ws.cell(3, j, h)
        cell.font, cell.fill = HEAD_FONT, HEAD_FILL
    for i, row in enumerate(_summary_rows(r), start=4):
        ws.cell(i, 1, row["item"])
        cell = ws.cell(i, 2, _cell_value(row["value"]))
        if row["fmt"]:
            cell.number_format = row["fmt"]
    ws.column_dimensions["A"].width = 36
    ws.column_dimensions["B"].width = 36


def _policy_records(r: ReportData) -> tuple[tuple[Col, ...], list[dict]]:
    from pipeline.ingest import contract as c
    cols = (Col("policy_code", _h("policy_code"), 10),
            Col("policy_name", _h("policy_name"), 36, wrap=True)) \
        + tuple(Col(s, s, 8, FMT_INT) for s in c.STATUSES) \
        + (Col("actions", txt.L_ACTIONS, 12, FMT_INT), Col("complete", txt.L_COMPLETE, 14, FMT_INT),
           Col("partners", txt.L_PARTNER_ROWS, 10, FMT_INT),
           Col("participants", txt.L_PARTICIPANTS, 14, FMT_INT),
           Col("co2", txt.L_CO2, 16, FMT_VALUE))
    records = []
    for s in r.sections:
        records.append({"policy_code": s.code, "policy_name": s.name, **s.status_counts,
                        "actions": s.pdca.actions, "complete": s.pdca.complete,
                        "partners": s.partner_summary.rows,
                        "participants": s.partner_summary.participants,
                        "co2": s.partner_summary.co2_reduction_t})
    return cols, records


def _narrative_sheet(wb: Workbook, r: ReportData) -> None:
    """本文: each paragraph of the narrative, with whether it is HQ's saved text or the draft."""
    if r.narrative is None:
        return
    from pipeline.texts import round as rtxt
    ws = wb.create_sheet(rtxt.SHEET_NARRATIVE)
    for j, h in enumerate(rtxt.NARRATIVE_SHEET_HEADERS, start=1):
        cell = ws.cell(1, j, h)
        cell.font, cell.fill = HEAD_FONT, HEAD_FILL
    for i, p in enumerate(r.narrative.paragraphs, start=2):
        ws.cell(i, 1, p.title)
        ws.cell(i, 2, p.text).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(i, 3, p.mark)
        ws.cell(i, 4, p.saved_by or "")
        ws.cell(i, 5, p.saved_at.strftime("%Y-%m-%d %H:%M") if p.saved_at else "")
    for letter, width in zip("ABCDE", (30, 100, 16, 14, 18)):
        ws.column_dimensions[letter].width = width


FMT_T = "#,##0.0"
FMT_FACTOR = "0.######"


def _operations_sheets(wb: Workbook, r: ReportData) -> None:
    """事務事業編 (where the FY has an inventory): every scope's totals by FY up to the FY,
    t-CO2 per organisation and activity, the decomposition, the factors and their 出典."""
    section = r.operations
    if section is None:
        return
    from pipeline.texts import operations as otxt
    h = otxt.REPORT_COL

    def cols(*spec) -> tuple[Col, ...]:
        return tuple(Col(field, h[field], width, fmt) for field, width, fmt in spec)

    _sheet(wb, otxt.REPORT_SHEET_TOTALS, cols(
        ("fiscal_year", 8, None), ("organisation_name", 16, None), ("t_co2", 14, FMT_T),
        ("provisional_mark", 6, None), ("t_co2_fixed", 16, FMT_T), ("base_year", 8, None),
        ("base_t_co2", 14, FMT_T), ("target_year", 8, None), ("target_t_co2", 14, FMT_T),
        ("expected_t_co2", 14, FMT_T), ("reduction_pct", 10, FMT_PCT1), ("status", 8, None),
        ("facilities_reported", 10, FMT_INT), ("facilities_in_use", 10, FMT_INT)),
        _records(section.history))
    _sheet(wb, otxt.REPORT_SHEET_ACTIVITY, cols(
        ("organisation_name", 16, None), ("activity", 24, None), ("t_co2", 14, FMT_T),
        ("provisional_mark", 6, None)), _records(section.by_activity))
    _sheet(wb, otxt.REPORT_SHEET_CHANGE, cols(
        ("organisation_name", 16, None), ("previous_year", 8, None), ("t_co2_previous", 16, FMT_T),
        ("fiscal_year", 8, None), ("t_co2", 14, FMT_T), ("change_t", 14, FMT_T),
        ("usage_effect_t", 18, FMT_T), ("factor_effect_t", 18, FMT_T)), _records(section.changes))
    _sheet(wb, otxt.REPORT_SHEET_FACTORS, cols(
        ("activity", 24, None), ("supplier", 20, None), ("menu", 16, None), ("gas", 6, None),
        ("base_unit", 8, None), ("factor_year", 8, None), ("factor", 12, FMT_FACTOR),
        ("factor_basis", 10, None), ("factor_source", 36, None), ("amount", 16, FMT_INT),
        ("t_co2", 14, FMT_T), ("provisional_mark", 6, None)), _records(section.factors))


def render_xlsx(report: ReportData) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    _summary_sheet(wb, report)
    _narrative_sheet(wb, report)
    _sheet(wb, txt.SHEET_EMISSIONS, EMISSION_COLS, _records(report.emission_totals))
    cols, records = _policy_records(report)
    _sheet(wb, txt.SHEET_POLICIES, cols, records)
    concat = lambda attr: pd.concat([getattr(s, attr) for s in report.sections], ignore_index=True) \
        if report.sections else pd.DataFrame()
    _sheet(wb, txt.SHEET_INDICATORS, INDICATOR_COLS, _records(concat("indicators")))
    _sheet(wb, txt.SHEET_ACTIONS, ACTION_COLS, _records(concat("actions")))
    _sheet(wb, txt.SHEET_PARTNERS, PARTNER_COLS, _records(concat("partners")))
    _operations_sheets(wb, report)
    _sheet(wb, txt.SHEET_COUNCIL, COUNCIL_COLS, _records(report.council_previous))
    _sheet(wb, txt.SHEET_SOURCES, SOURCE_COLS, _records(report.sources))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
