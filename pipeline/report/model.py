"""The annual report as data: what build.py assembles and pdf.py / xlsx.py lay out.

Its own module so that the renderers and the builder both import it and never each other."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from pipeline import council
from pipeline.analysis.narrative import ReportNarrative
from pipeline.report import data as rd
from pipeline.warehouse.editions import Edition


class ReportError(ValueError):
    """A report that cannot be made (Japanese message)."""


@dataclass
class PolicySection:
    code: str
    name: str
    measures: pd.DataFrame
    indicators: pd.DataFrame
    status_counts: dict[str, int]
    pdca: rd.PdcaCompletion
    actions: pd.DataFrame
    partner_summary: rd.PartnerSummary
    partners: pd.DataFrame


@dataclass
class OperationsSection:
    """The 事務事業編 figures of the FY (analysis.operations on the section-8 views)."""
    fiscal_year: int
    provisional: bool
    status: pd.DataFrame            # every scope in the FY: emissions, base, path, target, status
    history: pd.DataFrame           # every scope and FY up to the FY (the XLSX sheet)
    trend: pd.DataFrame             # the whole government up to the FY (the chart)
    by_activity: pd.DataFrame       # per organisation and 活動区分 (t-CO2), long
    activity_table: pd.DataFrame    # the same, one row per 活動区分, a column per organisation
    changes: pd.DataFrame           # v_operations_change of the FY, every scope
    factors: pd.DataFrame           # the factors used and their 出典


@dataclass
class ReportData:
    fiscal_year: int
    data_date: datetime | None
    generated_at: datetime
    emissions: rd.EmissionsSummary
    emission_totals: pd.DataFrame
    status_counts: dict[str, int]
    pdca: rd.PdcaCompletion
    partner_summary: rd.PartnerSummary
    partners_by_type: pd.DataFrame
    sections: list[PolicySection] = field(default_factory=list)
    sources: pd.DataFrame | None = None
    master: tuple | None = None
    council_previous: pd.DataFrame | None = None     # opinions on earlier reports
    # The dashboard's query results behind its charts (same charts in the PDF).
    chart_emissions: pd.DataFrame | None = None
    chart_path: pd.DataFrame | None = None
    chart_status: pd.DataFrame | None = None
    chart_attainment: dict[str, pd.DataFrame] = field(default_factory=dict)
    cycle_previous: council.CycleStatus | None = None
    # The narrative: HQ's saved text where there is one, else the draft (analysis.narrative).
    narrative: ReportNarrative | None = None
    # 事務事業編 (contract section 8) where the FY has an inventory.
    operations: OperationsSection | None = None
    # The publication edition the report comes from (None: live data, 速報).
    edition: Edition | None = None

    @property
    def edition_text(self) -> str:
        """「2024年度 公表版 第2版（… 確定）」, or the 速報 mark."""
        from pipeline.texts import publication as ptxt
        return self.edition.label if self.edition is not None else ptxt.PRELIMINARY_LONG
