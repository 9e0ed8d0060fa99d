"""Where a figure came from: file, sheet, cell and submission of every
indicator value, action row, partner row and facility energy figure.

Rows keep `source_sheet`/`source_cell`; the views v_indicator_attainment,
v_pdca_status and v_stakeholder_contributions expose `submission_id`,
`source_sheet` and `source_cell` of what the dashboard shows.  A facility
figure of 事務事業編 (v_facility_emissions) sums meters and months: it traces
to every エネルギー使用量 row behind it and the month (or 年間使用量) cells each sums.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

KIND_INDICATOR = "indicator"
KIND_ACTION = "action"
KIND_PARTNER = "partner"
KIND_ENERGY = "energy"
KINDS = (KIND_INDICATOR, KIND_ACTION, KIND_PARTNER, KIND_ENERGY)


@dataclass(frozen=True)
class Source:
    submission_id: int
    file_name: str
    sha256: str
    sheet: str
    cell: str
    status: str
    loaded_at: datetime
    loaded_by: str | None

    @property
    def location(self) -> str:
        return f"{self.sheet}!{self.cell}"


_SOURCE_COLS = ("s.submission_id, s.file_name, s.sha256, v.source_sheet, v.source_cell, s.status, "
                "s.loaded_at, s.loaded_by")


def indicator_source(con, indicator_code: str, fiscal_year: int) -> Source | None:
    """The cell behind the value the dashboard shows for an indicator in a FY (its 実績年度)."""
    row = con.execute(
        f"SELECT {_SOURCE_COLS} FROM v_indicator_attainment v JOIN submissions s USING (submission_id) "
        "WHERE v.indicator_code = ? AND v.fiscal_year = ?", [indicator_code, fiscal_year]).fetchone()
    return Source(*row) if row else None


def action_source(con, action_code: str, fiscal_year: int) -> Source | None:
    """The row behind an action's reported status in a FY (the 事業コード cell of that row)."""
    row = con.execute(
        f"SELECT {_SOURCE_COLS} FROM v_pdca_status v JOIN submissions s USING (submission_id) "
        "WHERE v.action_code = ? AND v.fiscal_year = ?", [action_code, fiscal_year]).fetchone()
    return Source(*row) if row else None


def source_years(con) -> list[int]:
    """FYs for which the dashboard shows reported figures (newest first)."""
    return [r[0] for r in con.execute(
        "SELECT DISTINCT fiscal_year FROM v_indicator_attainment WHERE submission_id IS NOT NULL "
        "UNION SELECT DISTINCT fiscal_year FROM v_pdca_status WHERE submission_id IS NOT NULL "
        "UNION SELECT DISTINCT fiscal_year FROM v_energy_usage "
        "ORDER BY 1 DESC").fetchall()]


def sources_frame(con, fiscal_year: int, kind: str = KIND_INDICATOR,
                  department_code: str | None = None) -> pd.DataFrame:
    """Every figure of one kind shown for a FY, with the file, sheet and cell it came from.

    Columns: code, name, department_code, value, submission_id, file_name, sheet, cell, loaded_at.
    """
    dept_sql = " AND v.department_code = ?" if department_code else ""
    params: list = [fiscal_year] + ([department_code] if department_code else [])
    if kind == KIND_INDICATOR:
        sql = ("SELECT v.indicator_code AS code, v.indicator_name AS name, v.department_code, "
               "v.actual_value AS value, ")
        src, order = "v_indicator_attainment v", "v.sort_order"
    elif kind == KIND_ACTION:
        sql = ("SELECT v.action_code AS code, v.action_name AS name, v.department_code, "
               "concat_ws(' / ', v.implementation_status, v.self_evaluation, v.direction) AS value, ")
        src, order = "v_pdca_status v", "v.sort_order"
    elif kind == KIND_PARTNER:
        sql = ("SELECT v.action_code AS code, v.organisation AS name, v.department_code, "
               "v.stakeholder_type AS value, ")
        src, order = "v_stakeholder_contributions v", "v.action_code, v.source_cell"
    elif kind == KIND_ENERGY:
        # one row per facility × activity × supplier × menu; `cell` lists the summed cells
        sql = ("SELECT v.facility_code AS code, v.facility_name AS name, v.department_code, "
               "concat_ws(' / ', v.activity, v.supplier, v.menu, "
               "  format('{:,.0f} {}', v.amount, v.base_unit), format('{:,.3f} t-CO2', v.t_co2)) AS value, ")
        sql += ("v.submission_id, s.file_name, v.source_sheet AS sheet, v.source_cells AS cell, s.loaded_at "
                "FROM v_facility_emissions v JOIN submissions s USING (submission_id) "
                f"WHERE v.fiscal_year = ?{dept_sql} ORDER BY v.facility_code, v.activity, v.supplier, v.menu")
        return con.execute(sql, params).df()
    else:
        raise ValueError(kind)
    sql += (f"v.submission_id, s.file_name, v.source_sheet AS sheet, v.source_cell AS cell, s.loaded_at "
            f"FROM {src} JOIN submissions s USING (submission_id) "
            f"WHERE v.fiscal_year = ?{dept_sql} ORDER BY {order}, v.submission_id")
    return con.execute(sql, params).df()


def submission_rows(con, submission_id: int) -> pd.DataFrame:
    """Every row a stored version (active or superseded) holds, with sheet and cell.

    Columns: sheet, cell, code, detail — in sheet order, then row order.
    """
    return con.execute(
        "SELECT source_sheet AS sheet, source_cell AS cell, code, detail FROM ("
        " SELECT 1 AS k, source_sheet, source_cell, action_code AS code, "
        "        concat_ws(' / ', implementation_status, self_evaluation, direction) AS detail "
        " FROM action_reports WHERE submission_id = ?"
        " UNION ALL SELECT 2, source_sheet, source_cell, indicator_code, "
        "        concat_ws(' / ', CAST(actual_year AS VARCHAR), CAST(value AS VARCHAR)) "
        " FROM indicator_values WHERE submission_id = ?"
        " UNION ALL SELECT 3, source_sheet, source_cell, action_code, "
        "        concat_ws(' / ', stakeholder_type, organisation) "
        " FROM partner_rows WHERE submission_id = ?"
        " UNION ALL SELECT 4, source_sheet, source_cell, facility_code, "
        "        concat_ws(' / ', activity, supplier, menu, CAST(amount AS VARCHAR) || ' ' || unit) "
        " FROM energy_rows WHERE submission_id = ?) "
        "ORDER BY k, CAST(regexp_extract(source_cell, '[0-9]+') AS INTEGER), source_cell",
        [submission_id] * 4).df()


def facility_sources(con, fiscal_year: int, facility_code: str) -> pd.DataFrame:
    """Every エネルギー使用量 row behind a facility's figures in a FY (active submissions).

    Columns: activity, supplier, menu, unit, reported_amount (in that unit), amount (in
    基準単位), base_unit, submission_id, file_name, sha256, sheet, row_cell (the 施設コード cell),
    cells (the month or 年間使用量 cells summed), loaded_at.
    """
    return con.execute(
        "SELECT coalesce(u.activity_name, u.activity) AS activity, u.supplier, u.menu, u.unit, "
        "       u.amount AS reported_amount, u.base_amount AS amount, u.base_unit, u.submission_id, "
        "       s.file_name, s.sha256, u.source_sheet AS sheet, u.source_cell AS row_cell, "
        "       u.amount_cells AS cells, s.loaded_at "
        "FROM v_energy_usage u JOIN submissions s USING (submission_id) "
        "WHERE u.fiscal_year = ? AND u.facility_code = ? ORDER BY u.submission_id, u.row_no",
        [fiscal_year, facility_code]).df()

