"""The annual report (年次報告書) for one FY, as data.

`build_report(db, fy)` reads everything the report shows through the named
query functions of `report_data` (warehouse views) and `council` in one
short-lived connection; `report_pdf` and `report_xlsx` only lay it out.

A FY that has been frozen (公表版, pipeline.warehouse.editions) is reported from
its latest edition, whatever was submitted afterwards, and the report says
which edition and when; an unfrozen FY is reported from the live data as 速報.
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from pipeline import council
from pipeline.analysis import attainment, common, emissions, narrative
from pipeline.report import data as rd
from pipeline.report.model import OperationsSection, PolicySection, ReportData, ReportError
from pipeline.warehouse import editions, store
from pipeline.warehouse.schema import connect


def build_report(db, fiscal_year: int, *, from_edition: bool = True,
                 edition_id: int | None = None) -> ReportData:
    """Assemble the report of one FY; raises ReportError for a FY without data.

    From the FY's latest edition (or `edition_id`) when it has one and `from_edition`;
    otherwise from the live warehouse (report.edition is None: 速報)."""
    if from_edition:
        with editions.edition_warehouse(db, fiscal_year, edition_id=edition_id) as (path, _):
            return _build(path, fiscal_year)
    return _build(db, fiscal_year)


def _build(db, fiscal_year: int) -> ReportData:
    with connect(db) as con:
        return build_from(con, fiscal_year)


def build_from(con, fiscal_year: int) -> ReportData:
    """The report of one FY from an open connection (the public site builds it in the
    connection it reads its own figures from); raises ReportError for a FY without data."""
    from pipeline.texts import report as txt
    years = rd.report_years(con)
    if fiscal_year not in years:
        raise ReportError(txt.no_data(fiscal_year, years))
    report = ReportData(
        fiscal_year=fiscal_year,
        data_date=rd.data_date(con, fiscal_year),
        generated_at=store.now(),
        emissions=rd.emissions_summary(con, fiscal_year),
        emission_totals=rd.emission_totals(con),
        status_counts={},
        pdca=rd.pdca_completion(con, fiscal_year),
        partner_summary=rd.partner_summary(con, fiscal_year),
        partners_by_type=rd.partners_by_type(con, fiscal_year),
        sources=rd.data_sources(con, fiscal_year),
        master=rd.master_source(con),
        edition=editions.edition_in_effect(con),
    )
    # the dashboard's status counts (with the previous FY, for the chart) and, from them,
    # the summary's; one query for both
    status_chart_counts = attainment.indicator_status_counts(con, common.Filters(fiscal_year=fiscal_year))
    report.status_counts = {row.status: int(row.count) for row in status_chart_counts.itertuples()}
    indicators = rd.indicator_table(con, fiscal_year)
    actions = rd.action_table(con, fiscal_year)
    partners = rd.partner_table(con, fiscal_year)
    for code, name in rd.policies(con):
        policy_indicators = indicators[indicators["policy_code"] == code].reset_index(drop=True)
        report.sections.append(PolicySection(
            code=code, name=name,
            measures=rd.measures(con, code),
            indicators=policy_indicators,
            status_counts=rd.status_counts_of(policy_indicators),
            pdca=rd.pdca_completion(con, fiscal_year, code),
            actions=actions[actions["policy_code"] == code].reset_index(drop=True),
            partner_summary=rd.partner_summary(con, fiscal_year, code),
            partners=partners[partners["policy_code"] == code].reset_index(drop=True),
        ))
    report.chart_emissions = emissions.emissions_by_sector(con, fiscal_year)
    report.chart_path = emissions.emission_path(con)
    report.chart_status = status_chart_counts
    # the dashboard's attainment table of the FY: `indicators` is that very query
    for s in report.sections:
        report.chart_attainment[s.code] = s.indicators
    report.council_previous = council_for_report(con, fiscal_year)
    report.cycle_previous = council.plan_cycle_status(con, fiscal_year - 1)
    report.narrative = narrative.narrative_for_report(con, fiscal_year)
    report.operations = operations_section(con, fiscal_year)
    return report


def operations_section(con, fiscal_year: int) -> OperationsSection | None:
    """The 事務事業編 section when the FY has an inventory (None: no section-8 master or no
    energy reports for the FY) — the page's own queries, so both show the same figures."""
    from pipeline.analysis import operations as ops
    if not ops.has_inventory(con) or fiscal_year not in ops.inventory_years(con):
        return None
    trend = ops.operations_totals(con)
    trend = trend[trend["fiscal_year"] <= fiscal_year].reset_index(drop=True)
    status = ops.operations_status(con, fiscal_year)
    by_activity = ops.activity_by_organisation(con, fiscal_year)
    return OperationsSection(
        fiscal_year=fiscal_year, provisional=ops.any_provisional(status), status=status,
        history=ops.operations_history(con, fiscal_year), trend=trend,
        by_activity=by_activity, activity_table=ops.activity_matrix(by_activity),
        changes=ops.operations_changes(con, fiscal_year), factors=ops.factor_sources(con, fiscal_year))


def council_for_report(con_or_db, fiscal_year: int) -> pd.DataFrame:
    """Published opinions (the council's and the public's) the FY's report carries: those
    on the previous FY's report, plus opinions on earlier reports that are still open."""
    frame = council.public_opinions(con_or_db)
    keep = (frame["fiscal_year"] == fiscal_year - 1) | (
        (frame["fiscal_year"] < fiscal_year - 1) & (frame["status"] != council.txt.STATUS_DONE))
    return frame[keep].reset_index(drop=True)


def write_report(db, fiscal_year: int, out: str | os.PathLike, *, from_edition: bool = True,
                 on_built=None) -> Path:
    """Write the report as .pdf or .xlsx (decided by the extension); `on_built(report)`
    is told what was built (the CLI says which edition)."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        from pipeline.texts import report as txt
        raise ReportError(txt.bad_extension(out.name))
    built = build_report(db, fiscal_year, from_edition=from_edition)
    if on_built is not None:
        on_built(built)
    data = render(built, suffix)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out


def render(report: ReportData, suffix: str) -> bytes:
    if suffix == ".pdf":
        from pipeline.report.pdf import render_pdf
        return render_pdf(report)
    from pipeline.report.xlsx import render_xlsx
    return render_xlsx(report)
