"""The city's own operations (事務事業編, contract §8): tables, views and writes.

Stored: the master's 組織 / 施設 / 事務事業目標 / 組織コード / 自動算定 (per master
version), the emission factor workbooks (versioned like the master) and the
rows of every エネルギー使用量 sheet as typed (unit and supplier as reported,
with the cells they came from).  Everything computed — amounts in 基準単位,
the factor chosen, provisional marks, totals, the decomposition — lives in
views over the *current* master and factor workbook, so loading new factors
recomputes every figure and nothing has to be re-submitted.
"""
from __future__ import annotations

import pandas as pd

from pipeline.ingest import contract as c
from pipeline.ingest.factors import FALLBACK_KEY, Activity, Factor, FactorSet, name_key, unit_key
from pipeline.ingest.master import Facility, MasterPlan, Organisation, OperationsTarget
from pipeline.warehouse import schema

MONTH_COLUMNS = ", ".join(f"{f} DOUBLE" for f in c.MONTH_FIELDS)

TABLES_SQL = f"""
CREATE TABLE IF NOT EXISTS m_organisations (
    master_id INTEGER, organisation_code VARCHAR, organisation_name VARCHAR, sort_order INTEGER);
CREATE TABLE IF NOT EXISTS m_department_organisations (
    master_id INTEGER, department_code VARCHAR, organisation_code VARCHAR);
CREATE TABLE IF NOT EXISTS m_facilities (
    master_id INTEGER, facility_code VARCHAR, facility_name VARCHAR, department_code VARCHAR,
    use_type VARCHAR, floor_area_m2 DOUBLE, start_year INTEGER, end_year INTEGER,
    source_cell VARCHAR, sort_order INTEGER);
CREATE TABLE IF NOT EXISTS m_operations_targets (
    master_id INTEGER, organisation_code VARCHAR, base_year INTEGER, base_t_co2 DOUBLE,
    target_year INTEGER, reduction_pct DOUBLE);
CREATE TABLE IF NOT EXISTS m_indicator_auto (
    master_id INTEGER, indicator_code VARCHAR, organisation_code VARCHAR);
CREATE TABLE IF NOT EXISTS factor_versions (
    factor_id INTEGER PRIMARY KEY, file_name VARCHAR, sha256 VARCHAR,
    loaded_at TIMESTAMP, loaded_by VARCHAR, is_current BOOLEAN);
CREATE TABLE IF NOT EXISTS f_activities (
    factor_id INTEGER, activity VARCHAR, activity_key VARCHAR, base_unit VARCHAR,
    base_unit_key VARCHAR, gas VARCHAR, gwp DOUBLE, sort_order INTEGER);
CREATE TABLE IF NOT EXISTS f_conversions (
    factor_id INTEGER, activity VARCHAR, unit VARCHAR, unit_key VARCHAR, ratio DOUBLE);
CREATE TABLE IF NOT EXISTS f_factors (
    factor_id INTEGER, fiscal_year INTEGER, activity VARCHAR, supplier VARCHAR,
    supplier_key VARCHAR, menu VARCHAR, menu_key VARCHAR, factor DOUBLE, source VARCHAR,
    source_cell VARCHAR);
CREATE TABLE IF NOT EXISTS energy_rows (
    submission_id INTEGER, row_no INTEGER, facility_code VARCHAR, facility_name_reported VARCHAR,
    activity VARCHAR, activity_key VARCHAR, supplier VARCHAR, supplier_key VARCHAR,
    menu VARCHAR, menu_key VARCHAR, unit VARCHAR, unit_key VARCHAR, unit_ratio DOUBLE,
    {MONTH_COLUMNS}, annual DOUBLE, amount DOUBLE, amount_cells VARCHAR, note VARCHAR,
    source_sheet VARCHAR, source_cell VARCHAR);
"""

_FALLBACK = FALLBACK_KEY

VIEWS_SQL = f"""
CREATE OR REPLACE VIEW v_current_factor_set AS
    SELECT factor_id FROM factor_versions WHERE is_current;
CREATE OR REPLACE VIEW v_organisations AS
    SELECT organisation_code, organisation_name, sort_order FROM m_organisations
    WHERE master_id = (SELECT master_id FROM v_current_master);
CREATE OR REPLACE VIEW v_facilities AS
    SELECT f.facility_code, f.facility_name, f.department_code, d.organisation_code, f.use_type,
           f.floor_area_m2, f.start_year, f.end_year, f.sort_order
    FROM m_facilities f LEFT JOIN m_department_organisations d
      ON d.master_id = f.master_id AND d.department_code = f.department_code
    WHERE f.master_id = (SELECT master_id FROM v_current_master);
CREATE OR REPLACE VIEW v_operations_targets AS
    SELECT organisation_code, base_year, base_t_co2, target_year, reduction_pct,
           base_t_co2 * (1 - reduction_pct / 100) AS target_t_co2
    FROM m_operations_targets
    WHERE master_id = (SELECT master_id FROM v_current_master);
CREATE OR REPLACE VIEW v_indicator_auto AS
    SELECT indicator_code, organisation_code FROM m_indicator_auto
    WHERE master_id = (SELECT master_id FROM v_current_master);
CREATE OR REPLACE VIEW v_factor_activities AS
    SELECT activity, activity_key, base_unit, base_unit_key, gas, gwp, sort_order FROM f_activities
    WHERE factor_id = (SELECT factor_id FROM v_current_factor_set);
CREATE OR REPLACE VIEW v_emission_factors AS
    SELECT fiscal_year, activity, supplier, menu, factor, source, supplier_key, menu_key, source_cell
    FROM f_factors WHERE factor_id = (SELECT factor_id FROM v_current_factor_set);

-- Every stored row of usage of an active submission, in 基準単位 (current 単位換算;
-- the ratio known at ingest where the current workbook no longer has the unit).
CREATE OR REPLACE VIEW v_energy_usage AS
    SELECT s.fiscal_year, s.department_code AS submitting_department, e.*,
           a.activity AS activity_name, a.base_unit, a.gas, a.gwp,
           e.amount * CASE WHEN e.unit_key = a.base_unit_key THEN 1.0
                           ELSE coalesce(cv.ratio, e.unit_ratio) END AS base_amount
    FROM energy_rows e JOIN v_active_submissions s USING (submission_id)
    LEFT JOIN v_factor_activities a ON a.activity_key = e.activity_key
    LEFT JOIN (SELECT * FROM f_conversions
               WHERE factor_id = (SELECT factor_id FROM v_current_factor_set)) cv
      ON cv.activity = a.activity AND cv.unit_key = e.unit_key;

-- The factor the rule of §8.2 picks for (activity, supplier, menu) in FY y: same FY first
-- (exact supplier and menu, then the supplier with blank menu, then 代替値), else the
-- latest earlier FY that has one (provisional).
CREATE OR REPLACE VIEW v_factor_choice AS
WITH electric AS (
    SELECT DISTINCT a.activity_key FROM v_emission_factors f
    JOIN v_factor_activities a ON a.activity = f.activity WHERE f.supplier_key IS NOT NULL),
base_year AS (SELECT base_year FROM v_operations_targets WHERE organisation_code IS NULL),
-- (from the base tables: cheaper than the usage view, and a key or year too many is harmless)
keys AS (SELECT DISTINCT activity_key, supplier_key, menu_key FROM energy_rows),
fys AS (SELECT DISTINCT s.fiscal_year FROM submissions s
        WHERE s.submission_id IN (SELECT DISTINCT submission_id FROM energy_rows)),
years AS (
    SELECT fiscal_year FROM fys UNION SELECT fiscal_year - 1 FROM fys
    UNION SELECT base_year FROM base_year),
candidates AS (
    SELECT k.activity_key, k.supplier_key, k.menu_key, y.fiscal_year,
           f.fiscal_year AS factor_year, f.factor, f.source,
           CASE WHEN e.activity_key IS NULL THEN 0
                WHEN k.menu_key IS NOT NULL AND f.supplier_key = k.supplier_key
                     AND f.menu_key = k.menu_key THEN 1
                WHEN f.supplier_key = '{_FALLBACK}' AND f.menu_key IS NULL THEN 3
                WHEN f.supplier_key = k.supplier_key AND f.menu_key IS NULL THEN 2
                WHEN f.supplier_key IS NULL THEN 4
           END AS priority
    FROM keys k CROSS JOIN years y
    JOIN v_factor_activities a ON a.activity_key = k.activity_key
    JOIN v_emission_factors f ON f.activity = a.activity AND f.fiscal_year <= y.fiscal_year
    LEFT JOIN electric e ON e.activity_key = k.activity_key),
ranked AS (
    SELECT *, row_number() OVER (
        PARTITION BY activity_key, supplier_key, menu_key, fiscal_year
        ORDER BY factor_year DESC, priority) AS rn
    FROM candidates WHERE priority IS NOT NULL)
SELECT activity_key, supplier_key, menu_key, fiscal_year, factor_year, factor, source,
       CASE priority WHEN 0 THEN '{c.BASIS_FACTOR_ONLY}' WHEN 1 THEN '{c.BASIS_SUPPLIER}'
                     WHEN 2 THEN '{c.BASIS_SUPPLIER}' ELSE '{c.BASIS_FALLBACK}' END AS factor_basis
FROM ranked WHERE rn = 1;

-- One row per FY × facility × activity × supplier × menu (meters added up).
CREATE OR REPLACE VIEW v_operations_priced AS
WITH usage AS (
    SELECT fiscal_year, facility_code, activity_key, supplier_key, menu_key,
           any_value(activity_name) AS activity_name, any_value(activity) AS activity_reported,
           any_value(supplier) AS supplier, any_value(menu) AS menu,
           any_value(base_unit) AS base_unit, any_value(gas) AS gas, any_value(gwp) AS gwp,
           sum(base_amount) AS amount,
           min(submission_id) AS submission_id, any_value(source_sheet) AS source_sheet,
           string_agg(amount_cells, ',' ORDER BY row_no) AS source_cells,
           any_value(submitting_department) AS submitting_department,
           any_value(facility_name_reported) AS facility_name_reported
    FROM v_energy_usage
    GROUP BY fiscal_year, facility_code, activity_key, supplier_key, menu_key),
base_year AS (SELECT base_year FROM v_operations_targets WHERE organisation_code IS NULL),
choice AS (SELECT * FROM v_factor_choice)
SELECT u.fiscal_year, u.facility_code,
       coalesce(f.facility_name, u.facility_name_reported) AS facility_name,
       coalesce(f.department_code, u.submitting_department) AS department_code,
       f.organisation_code,
       coalesce(u.activity_name, u.activity_reported) AS activity,
       u.supplier, u.menu, u.amount, u.base_unit, u.gas, u.gwp,
       ch.factor, ch.factor_year,
       CASE WHEN ch.factor IS NULL THEN NULL ELSE ch.factor_basis END AS factor_basis,
       (ch.factor_year IS NULL OR ch.factor_year < u.fiscal_year) AS provisional,
       u.amount * ch.factor * u.gwp / 1000 AS t_co2,
       u.amount * fx.factor * u.gwp / 1000 AS t_co2_fixed,
       f.floor_area_m2, f.use_type, fx.factor AS factor_fixed, ch.source AS factor_source,
       u.submission_id, u.source_sheet, u.source_cells,
       u.activity_key, u.supplier_key, u.menu_key, f.sort_order AS facility_order,
       pv.factor AS factor_previous_year        -- the rule's factor for FY − 1 (decomposition)
FROM usage u
LEFT JOIN v_facilities f ON f.facility_code = u.facility_code
LEFT JOIN choice ch
  ON ch.activity_key = u.activity_key AND ch.supplier_key IS NOT DISTINCT FROM u.supplier_key
 AND ch.menu_key IS NOT DISTINCT FROM u.menu_key AND ch.fiscal_year = u.fiscal_year
LEFT JOIN choice fx
  ON fx.activity_key = u.activity_key AND fx.supplier_key IS NOT DISTINCT FROM u.supplier_key
 AND fx.menu_key IS NOT DISTINCT FROM u.menu_key
 AND fx.fiscal_year = (SELECT base_year FROM base_year)
 AND fx.factor_year = fx.fiscal_year
LEFT JOIN choice pv
  ON pv.activity_key = u.activity_key AND pv.supplier_key IS NOT DISTINCT FROM u.supplier_key
 AND pv.menu_key IS NOT DISTINCT FROM u.menu_key AND pv.fiscal_year = u.fiscal_year - 1;

CREATE OR REPLACE VIEW v_facility_emissions AS
    SELECT fiscal_year, facility_code, facility_name, department_code, organisation_code,
           activity, supplier, menu, amount, base_unit, gas, gwp, factor, factor_year,
           factor_basis, provisional, t_co2, t_co2_fixed, floor_area_m2,
           use_type, factor_source, submission_id, source_sheet, source_cells
    FROM v_operations_priced;

CREATE OR REPLACE VIEW v_operations_emissions AS
WITH fe AS (SELECT fiscal_year, facility_code, organisation_code, amount, t_co2, t_co2_fixed, provisional
            FROM v_operations_priced),
years AS (SELECT DISTINCT fiscal_year FROM fe),
scopes AS (SELECT organisation_code, sort_order FROM v_organisations
           UNION ALL SELECT NULL, -1),
totals AS (
    SELECT fiscal_year, organisation_code, sum(t_co2) AS t_co2,
           CASE WHEN count(*) = count(t_co2_fixed) THEN sum(t_co2_fixed) END AS t_co2_fixed,
           bool_or(provisional) AS provisional,
           count(DISTINCT facility_code) FILTER (WHERE amount IS NOT NULL) AS facilities_reported
    FROM fe WHERE organisation_code IS NOT NULL GROUP BY fiscal_year, organisation_code
    UNION ALL
    SELECT fiscal_year, NULL, sum(t_co2),
           CASE WHEN count(*) = count(t_co2_fixed) THEN sum(t_co2_fixed) END,
           bool_or(provisional),
           count(DISTINCT facility_code) FILTER (WHERE amount IS NOT NULL)
    FROM fe GROUP BY fiscal_year),
used AS (
    SELECT y.fiscal_year, f.organisation_code FROM years y JOIN v_facilities f
      ON (f.start_year IS NULL OR f.start_year <= y.fiscal_year)
     AND (f.end_year IS NULL OR y.fiscal_year <= f.end_year)),
in_use AS (
    SELECT fiscal_year, organisation_code, count(*) AS n FROM used
    WHERE organisation_code IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT fiscal_year, NULL, count(*) FROM used GROUP BY fiscal_year),
joined AS (
    SELECT y.fiscal_year, s.organisation_code, s.sort_order, t.t_co2, t.t_co2_fixed,
           g.base_year, g.base_t_co2, g.target_year, g.target_t_co2,
           g.base_t_co2 + (g.target_t_co2 - g.base_t_co2)
               * CAST(y.fiscal_year - g.base_year AS DOUBLE)
               / CAST(g.target_year - g.base_year AS DOUBLE) AS expected_t_co2,
           coalesce(t.provisional, FALSE) AS provisional,
           coalesce(t.facilities_reported, 0) AS facilities_reported,
           coalesce(u.n, 0) AS facilities_in_use
    FROM years y CROSS JOIN scopes s
    LEFT JOIN totals t ON t.fiscal_year = y.fiscal_year
                      AND t.organisation_code IS NOT DISTINCT FROM s.organisation_code
    LEFT JOIN v_operations_targets g ON g.organisation_code IS NOT DISTINCT FROM s.organisation_code
    LEFT JOIN in_use u ON u.fiscal_year = y.fiscal_year
                      AND u.organisation_code IS NOT DISTINCT FROM s.organisation_code),
computed AS (
    SELECT *, (base_t_co2 - t_co2) / base_t_co2 * 100 AS reduction_pct,
           (t_co2 - base_t_co2) / (target_t_co2 - base_t_co2) * 100 AS attainment_pct
    FROM joined)
SELECT fiscal_year, organisation_code, t_co2, t_co2_fixed, base_year, base_t_co2,
       target_year, target_t_co2, expected_t_co2, reduction_pct,
       CASE
         WHEN t_co2 IS NULL THEN '{c.STATUS_UNREPORTED}'
         WHEN base_t_co2 IS NULL OR target_t_co2 IS NULL THEN NULL
         WHEN round(attainment_pct, 9) >= 100 THEN '{c.STATUS_ACHIEVED}'
         WHEN round(t_co2 - expected_t_co2, 9) <= 0 THEN '{c.STATUS_ON_TRACK}'
         WHEN t_co2 < base_t_co2 THEN '{c.STATUS_BEHIND}'
         ELSE '{c.STATUS_WORSENED}'
       END AS status,
       provisional, facilities_reported, facilities_in_use, attainment_pct, sort_order
FROM computed;

-- Year-on-year decomposition (§8.4) on facility × activity rows.
CREATE OR REPLACE VIEW v_operations_change AS
WITH rows_ AS (
    SELECT fiscal_year, facility_code, activity_key, organisation_code,
           amount, coalesce(factor * gwp, 0) AS f, coalesce(t_co2, 0) AS t,
           coalesce(factor_previous_year * gwp, 0) AS f_prev, t_co2 IS NOT NULL AS priced
    FROM v_operations_priced),
fa AS (
    SELECT fiscal_year, facility_code, activity_key, any_value(organisation_code) AS organisation_code,
           sum(coalesce(amount, 0)) AS a, sum(t) AS t,
           CASE WHEN sum(coalesce(amount, 0)) <> 0
                THEN sum(coalesce(amount, 0) * f) / sum(coalesce(amount, 0)) ELSE avg(f) END AS f
    FROM rows_ GROUP BY fiscal_year, facility_code, activity_key),
-- F_a for a row absent in FY a: the factor the rule picks for FY a for its FY b supplier and menu.
f_prev AS (
    SELECT fiscal_year, facility_code, activity_key,
           CASE WHEN sum(coalesce(amount, 0)) <> 0
                THEN sum(coalesce(amount, 0) * f_prev) / sum(coalesce(amount, 0))
                ELSE avg(f_prev) END AS f
    FROM rows_ GROUP BY fiscal_year, facility_code, activity_key),
years AS (SELECT DISTINCT fiscal_year FROM fa),
pairs AS (
    SELECT b.fiscal_year AS year_b, b.fiscal_year - 1 AS year_a, b.facility_code, b.activity_key,
           b.organisation_code, b.a AS a_b, b.f AS f_b, b.t AS t_b,
           coalesce(p.a, 0) AS a_a, coalesce(p.f, fp.f, 0) AS f_a, coalesce(p.t, 0) AS t_a
    FROM fa b
    LEFT JOIN fa p ON p.fiscal_year = b.fiscal_year - 1 AND p.facility_code = b.facility_code
                  AND p.activity_key = b.activity_key
    LEFT JOIN f_prev fp ON fp.fiscal_year = b.fiscal_year AND fp.facility_code = b.facility_code
                       AND fp.activity_key = b.activity_key
    UNION ALL
    SELECT p.fiscal_year + 1, p.fiscal_year, p.facility_code, p.activity_key, p.organisation_code,
           0, 0, 0, p.a, p.f, p.t
    FROM fa p
    WHERE p.fiscal_year + 1 IN (SELECT fiscal_year FROM years)
      AND NOT EXISTS (SELECT 1 FROM fa b WHERE b.fiscal_year = p.fiscal_year + 1
                      AND b.facility_code = p.facility_code AND b.activity_key = p.activity_key)),
scoped AS (
    SELECT year_b, year_a, organisation_code, a_b, f_b, t_b, a_a, f_a, t_a FROM pairs
    WHERE organisation_code IS NOT NULL
    UNION ALL
    SELECT year_b, year_a, NULL, a_b, f_b, t_b, a_a, f_a, t_a FROM pairs),
summed AS (
    SELECT year_b, year_a, organisation_code, sum(t_a) AS t_co2_previous, sum(t_b) AS t_co2,
           sum((a_b - a_a) * f_a) / 1000 AS usage_effect_t
    FROM scoped GROUP BY year_b, year_a, organisation_code),
-- a scope has data in a FY when v_operations_emissions has a t_co2 for it
present AS (
    SELECT DISTINCT fiscal_year, organisation_code FROM rows_
    WHERE priced AND organisation_code IS NOT NULL
    UNION ALL SELECT DISTINCT fiscal_year, NULL FROM rows_ WHERE priced)
SELECT s.year_b AS fiscal_year, s.organisation_code, s.year_a AS previous_year,
       s.t_co2_previous, s.t_co2, s.t_co2 - s.t_co2_previous AS change_t,
       s.usage_effect_t, (s.t_co2 - s.t_co2_previous) - s.usage_effect_t AS factor_effect_t
FROM summed s
WHERE EXISTS (SELECT 1 FROM present p WHERE p.fiscal_year = s.year_a
              AND p.organisation_code IS NOT DISTINCT FROM s.organisation_code)
  AND EXISTS (SELECT 1 FROM present p WHERE p.fiscal_year = s.year_b
              AND p.organisation_code IS NOT DISTINCT FROM s.organisation_code);
"""


# --- master (section 8 sheets), inside store.load_master's transaction -------

def store_master(con, master_id: int, plan: MasterPlan, insert) -> None:
    """Write the master's 事務事業編 parts (nothing for a master without them)."""
    insert(con, "m_organisations", pd.DataFrame(
        [(master_id, o.code, o.name, i) for i, o in enumerate(plan.organisations.values())],
        columns=["master_id", "organisation_code", "organisation_name", "sort_order"]))
    insert(con, "m_department_organisations", pd.DataFrame(
        [(master_id, d, o) for d, o in plan.department_organisation.items()],
        columns=["master_id", "department_code", "organisation_code"]))
    insert(con, "m_facilities", pd.DataFrame(
        [(master_id, f.code, f.name, f.department_code, f.use_type, f.floor_area_m2, f.start_year,
          f.end_year, plan.cells.get((c.MASTER_FACILITIES, f.code)), i)
         for i, f in enumerate(plan.facilities.values())],
        columns=["master_id", "facility_code", "facility_name", "department_code", "use_type",
                 "floor_area_m2", "start_year", "end_year", "source_cell", "sort_order"]).astype(
        {"floor_area_m2": "float64", "start_year": "Int64", "end_year": "Int64"}))
    insert(con, "m_operations_targets", pd.DataFrame(
        [(master_id, t.organisation_code, t.base_year, t.base_t_co2, t.target_year, t.reduction_pct)
         for t in plan.operations_targets.values()],
        columns=["master_id", "organisation_code", "base_year", "base_t_co2", "target_year",
                 "reduction_pct"]).astype({"organisation_code": "object"}))
    insert(con, "m_indicator_auto", pd.DataFrame(
        [(master_id, code, org) for code, org in plan.auto_indicators.items()],
        columns=["master_id", "indicator_code", "organisation_code"]).astype({"organisation_code": "object"}))


def read_master(con, master_id: int, plan: MasterPlan) -> None:
    """Fill a MasterPlan's 事務事業編 parts from the stored master."""
    for code, name in con.execute(
            "SELECT organisation_code, organisation_name FROM m_organisations WHERE master_id = ? "
            "ORDER BY sort_order", [master_id]).fetchall():
        plan.organisations[code] = Organisation(code, name)
    plan.department_organisation.update(dict(con.execute(
        "SELECT department_code, organisation_code FROM m_department_organisations WHERE master_id = ?",
        [master_id]).fetchall()))
    for row in con.execute(
            "SELECT facility_code, facility_name, department_code, use_type, floor_area_m2, start_year, "
            "end_year FROM m_facilities WHERE master_id = ? ORDER BY sort_order", [master_id]).fetchall():
        plan.facilities[row[0]] = Facility(*row)
    for row in con.execute(
            "SELECT organisation_code, base_year, base_t_co2, target_year, reduction_pct "
            "FROM m_operations_targets WHERE master_id = ?", [master_id]).fetchall():
        plan.operations_targets[row[0]] = OperationsTarget(*row)
    plan.auto_indicators.update(dict(con.execute(
        "SELECT indicator_code, organisation_code FROM m_indicator_auto WHERE master_id = ?",
        [master_id]).fetchall()))


# --- factor workbooks ----------------------------------------------------------

def load_factors(con, fs: FactorSet, data: bytes, file_name: str, loaded_by: str | None) -> tuple[int, bool]:
    """Make `fs` the current factor workbook; returns (factor_id, noop)."""
    from pipeline.warehouse import store
    sha = store.sha256_of(data)
    current = store.current_version(con, "factor_versions", "factor_id", sha)
    if current is not None:
        return current, True
    with schema.transaction(con):
        factor_id = store.add_version(con, "factor_versions", "factor_id", data, sha, file_name,
                                      loaded_by)
        store._insert(con, "f_activities", pd.DataFrame(
            [(factor_id, a.name, key, a.base_unit, unit_key(a.base_unit), a.gas, a.gwp, i)
             for i, (key, a) in enumerate(fs.activities.items())],
            columns=["factor_id", "activity", "activity_key", "base_unit", "base_unit_key", "gas",
                     "gwp", "sort_order"]))
        store._insert(con, "f_conversions", pd.DataFrame(
            [(factor_id, act, fs.conversion_units[(act, key)], key, ratio)
             for (act, key), ratio in fs.conversions.items()],
            columns=["factor_id", "activity", "unit", "unit_key", "ratio"]))
        store._insert(con, "f_factors", pd.DataFrame(
            [(factor_id, f.fiscal_year, f.activity, f.supplier, name_key(f.supplier), f.menu,
              name_key(f.menu), f.factor, f.source, f.cell) for f in fs.factors],
            columns=["factor_id", "fiscal_year", "activity", "supplier", "supplier_key", "menu",
                     "menu_key", "factor", "source", "source_cell"]).astype(
            {"supplier": "object", "supplier_key": "object", "menu": "object", "menu_key": "object",
             "source": "object"}))
        store.audit(con, loaded_by, "factors", file_name, {"factor_id": factor_id, "sha256": sha})
    return factor_id, False


def current_factors(con) -> FactorSet | None:
    """The current factor workbook as a FactorSet (what submissions are checked against)."""
    row = con.execute("SELECT factor_id FROM factor_versions WHERE is_current").fetchone()
    if row is None:
        return None
    factor_id = row[0]
    fs = FactorSet()
    for activity, key, base_unit, gas, gwp in con.execute(
            "SELECT activity, activity_key, base_unit, gas, gwp FROM f_activities "
            "WHERE factor_id = ? ORDER BY sort_order", [factor_id]).fetchall():
        fs.activities[key] = Activity(activity, base_unit, gas, gwp)
    for activity, unit, key, ratio in con.execute(
            "SELECT activity, unit, unit_key, ratio FROM f_conversions WHERE factor_id = ?",
            [factor_id]).fetchall():
        fs.conversions[(activity, key)] = ratio
        fs.conversion_units[(activity, key)] = unit
    fs.factors = [Factor(*r) for r in con.execute(
        "SELECT fiscal_year, activity, supplier, menu, factor, source, source_cell FROM f_factors "
        "WHERE factor_id = ? ORDER BY fiscal_year, activity", [factor_id]).fetchall()]
    fs._index()
    return fs


def factor_history(con) -> pd.DataFrame:
    return con.execute(
        "SELECT factor_id, file_name, sha256, loaded_at, loaded_by, is_current "
        "FROM factor_versions ORDER BY factor_id").df()


# --- energy rows ----------------------------------------------------------------

ENERGY_COLUMNS = ["submission_id", "row_no", "facility_code", "facility_name_reported", "activity",
                  "activity_key", "supplier", "supplier_key", "menu", "menu_key", "unit", "unit_key",
                  "unit_ratio", *c.MONTH_FIELDS, "annual", "amount", "amount_cells", "note",
                  "source_sheet", "source_cell"]
ENERGY_TYPES = {"unit_ratio": "float64", "annual": "float64", "amount": "float64",
                **{m: "float64" for m in c.MONTH_FIELDS}}


def energy_tuples(submission_id: int, rows) -> list[tuple]:
    """energy_rows tuples of one submission's validated エネルギー使用量 rows."""
    return [(submission_id, i, r.facility_code, r.facility_name, r.activity, name_key(r.activity),
             r.supplier, name_key(r.supplier), r.menu, name_key(r.menu), r.unit, unit_key(r.unit),
             r.unit_ratio, *r.months, r.annual, r.amount, r.amount_cells, r.note, r.source_sheet,
             r.source_cell) for i, r in enumerate(rows)]


def energy_history(con) -> dict[tuple[int, str, str], float]:
    """(FY, facility, activity key) -> amount in 基準単位 over active submissions (the
    previous-FY comparison of the エネルギー使用量 check)."""
    return {(fy, fac, act): amount for fy, fac, act, amount in con.execute(
        "SELECT fiscal_year, facility_code, activity_key, sum(base_amount) FROM v_energy_usage "
        "WHERE base_amount IS NOT NULL GROUP BY ALL").fetchall()}


# v_indicator_attainment (schema.py) reads v_operations_emissions: it follows these views.
schema.DDL_PARTS.extend((TABLES_SQL, VIEWS_SQL, schema.ATTAINMENT_VIEW_SQL))
# The read-only copy for other tools carries the names behind the codes and the factors used.
schema.REFERENCE_VIEWS.extend(v for v in ("v_organisations", "v_facilities", "v_operations_targets",
                                          "v_emission_factors") if v not in schema.REFERENCE_VIEWS)


# --- the pre-filled form ----------------------------------------------------------

def template_energy(con, plan: MasterPlan, department_code: str, fiscal_year: int):
    """The エネルギー使用量 part of a department's pre-filled form (None without facilities):
    its facilities in use, one row per meter of each one's last report before `fiscal_year`."""
    from pipeline.ingest.template import TemplateEnergy, TemplateEnergyRow
    if not plan.has_operations:
        return None
    facilities = plan.department_facilities(department_code, fiscal_year)
    last = {}
    if facilities:
        for code, activity, supplier, menu, unit in con.execute(
                "WITH rows_ AS (SELECT u.*, max(u.fiscal_year) OVER (PARTITION BY u.facility_code) AS last "
                "               FROM v_energy_usage u WHERE u.fiscal_year < ? "
                "               AND u.facility_code IN (SELECT unnest(?::VARCHAR[]))) "
                "SELECT facility_code, coalesce(activity_name, activity), supplier, menu, unit FROM rows_ "
                "WHERE fiscal_year = last ORDER BY facility_code, submission_id, row_no",
                [fiscal_year, [f.code for f in facilities]]).fetchall():
            last.setdefault(code, []).append((activity, supplier, menu, unit))
    rows = []
    for facility in facilities:
        for activity, supplier, menu, unit in last.get(facility.code, [(None, None, None, None)]):
            rows.append(TemplateEnergyRow(facility.code, facility.name, activity, supplier, menu, unit))
    factors = current_factors(con)
    activities, suppliers = [], []
    if factors is not None:
        for activity in factors.activities.values():
            others = [u for (a, _), u in factors.conversion_units.items() if a == activity.name]
            activities.append((activity.name, activity.base_unit, tuple(others)))
        for activity in sorted(factors.electric):
            suppliers.extend(factors.suppliers.get(activity, {}).values())
    return TemplateEnergy(tuple(rows), tuple(activities), tuple(dict.fromkeys(suppliers)))
