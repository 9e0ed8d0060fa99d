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
    # The publication edition the report comes from (None: live data, 速報).
    edition: Edition | None = None

    @property
    def edition_text(self) -> str:
        """「2024年度 公表版 第2版（… 確定）」, or the 速報 mark."""
        from pipeline.texts import publication as ptxt
        return self.edition.label if self.edition is not None else ptxt.PRELIMINARY_LONG
