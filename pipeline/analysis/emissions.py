"""City-wide emissions (区域施策編): inventory, path to the targets, pace; and their charts."""
from __future__ import annotations

import json
from dataclasses import dataclass

import altair as alt
import pandas as pd

# The data are aggregated figures already; big warehouses may still exceed Altair's 5,000 rows.
from pipeline.analysis.chart_style import (
    SECTOR_COLORS,
    chart_title,
    fy_axis,
    path_line,
    target_labels,
    tip,
    zero_rule,
)
from pipeline.analysis.common import fetch, pct, query
from pipeline.ingest import contract as c
from pipeline.texts import dashboard as txt


@query
def emissions_by_sector(con, until_year: int | None = None) -> pd.DataFrame:
    """Base inventory, actuals up to `until_year`, and targets, per sector (千t-CO2)."""
    sql = f"""SELECT fiscal_year, sector, kind, kt_co2 FROM v_emissions
              WHERE kind <> '{c.KIND_ACTUAL}' OR ? IS NULL OR fiscal_year <= ?"""
    df = fetch(con, sql, [until_year, until_year])
    order = {s: i for i, s in enumerate(c.SECTORS)}
    df["_o"] = df["sector"].map(order)
    return df.sort_values(["fiscal_year", "_o"]).drop(columns="_o").reset_index(drop=True)


@query
def emission_totals(con, until_year: int | None = None) -> pd.DataFrame:
    """Net total (all sectors, removals negative) per FY and kind."""
    df = emissions_by_sector(con, until_year)
    if df.empty:
        return pd.DataFrame(columns=["fiscal_year", "kind", "kt_co2"])
    return (df.groupby(["fiscal_year", "kind"], as_index=False)["kt_co2"].sum()
              .sort_values("fiscal_year").reset_index(drop=True))


@query
def sector_change(con, until_year: int | None = None) -> pd.DataFrame:
    """Per sector and inventory FY (base and actuals up to `until_year`): 千t-CO2 and % change
    from the base year."""
    df = emissions_by_sector(con, until_year)
    df = df[df["kind"].isin([c.KIND_BASE, c.KIND_ACTUAL])].copy()
    base = df[df["kind"] == c.KIND_BASE].set_index("sector")["kt_co2"]
    df["base_kt"] = df["sector"].map(base)
    df["change_pct"] = [(v - b) / abs(b) * 100 if pd.notna(b) and b != 0 else None
                        for v, b in zip(df["kt_co2"], df["base_kt"])]
    return df[["fiscal_year", "sector", "kind", "kt_co2", "base_kt", "change_pct"]].reset_index(drop=True)


@query
def emission_path(con) -> pd.DataFrame:
    """The straight path: base total, then each target total, joined by lines."""
    tot = emission_totals(con)
    path = tot[tot["kind"].isin([c.KIND_BASE, c.KIND_TARGET])]
    return path[["fiscal_year", "kt_co2"]].sort_values("fiscal_year").reset_index(drop=True)


@dataclass(frozen=True)
class EmissionPace:
    """Section 5's emission pace; rates are annual reduction rates in %."""
    base_year: int
    base_kt: float
    latest_year: int | None
    latest_kt: float | None
    target_year: int | None
    target_kt: float | None
    actual_rate_pct: float | None
    needed_rate_pct: float | None
    on_track: bool | None
    reduction_pct: float | None           # latest against base, % (positive = lower)
    target_reduction_pct: float | None


def annual_rate(start: float, end: float, years: int) -> float | None:
    """1 − (end / start)^(1 / years), in %; None when undefined."""
    if years <= 0 or start <= 0 or end <= 0:
        return None
    return (1.0 - (end / start) ** (1.0 / years)) * 100.0


@query
def emission_pace(con, until_year: int | None = None) -> EmissionPace | None:
    tot = emission_totals(con, until_year)
    base = tot[tot["kind"] == c.KIND_BASE]
    if base.empty:
        return None
    base_year, base_kt = int(base["fiscal_year"].iloc[0]), float(base["kt_co2"].iloc[0])
    actual = tot[(tot["kind"] == c.KIND_ACTUAL) & (tot["fiscal_year"] > base_year)]
    latest_year = latest_kt = None
    if not actual.empty:
        last = actual.sort_values("fiscal_year").iloc[-1]
        latest_year, latest_kt = int(last["fiscal_year"]), float(last["kt_co2"])
    after = latest_year or base_year
    targets = tot[(tot["kind"] == c.KIND_TARGET) & (tot["fiscal_year"] > after)
                  & (tot["kt_co2"] > 0)].sort_values("fiscal_year")
    target_year = target_kt = None
    if not targets.empty:
        target_year, target_kt = int(targets["fiscal_year"].iloc[0]), float(targets["kt_co2"].iloc[0])
    actual_rate = (annual_rate(base_kt, latest_kt, latest_year - base_year)
                   if latest_year is not None else None)
    needed_rate = (annual_rate(base_kt, target_kt, target_year - base_year)
                   if target_year is not None else None)
    on_track = (actual_rate >= needed_rate - 1e-12
                if actual_rate is not None and needed_rate is not None else None)
    return EmissionPace(
        base_year, base_kt, latest_year, latest_kt, target_year, target_kt, actual_rate,
        needed_rate, on_track,
        pct(base_kt - latest_kt, base_kt) if latest_kt is not None else None,
        pct(base_kt - target_kt, base_kt) if target_kt is not None else None)


def biggest_cut(changes: pd.DataFrame) -> tuple[str, float, int] | None:
    """The emitting sector with the largest cut from base at its latest inventory FY."""
    data = changes[(changes["kind"] == c.KIND_ACTUAL) & (changes["sector"] != c.REMOVAL_SECTOR)
                   & changes["change_pct"].notna()]
    if data.empty:
        return None
    latest = data[data["fiscal_year"] == data["fiscal_year"].max()]
    row = latest.sort_values("change_pct", kind="stable").iloc[0]
    return str(row["sector"]), float(row["change_pct"]), int(row["fiscal_year"])


def emissions_chart(emissions: pd.DataFrame, path: pd.DataFrame, title: str,
                    subtitle: str | None = None, height: int = 420):
    """Stacked bars by sector (base and actuals), the straight path to the targets as a line."""
    bars_df = emissions[emissions["kind"] != c.KIND_TARGET].copy()
    targets = emissions[emissions["kind"] == c.KIND_TARGET]
    target_tot = targets.groupby("fiscal_year", as_index=False)["kt_co2"].sum()
    sectors = [s for s in c.SECTORS if s in set(emissions["sector"])]
    color = alt.Color("sector:N", title=txt.COLUMNS["sector"],
                      scale=alt.Scale(domain=sectors, range=[SECTOR_COLORS[s] for s in sectors]),
                      sort=sectors)
    x = alt.X("fiscal_year:Q", axis=fy_axis(), scale=alt.Scale(nice=False, padding=20))
    bars = alt.Chart(bars_df).mark_bar(size=18).encode(
        x=x, y=alt.Y("sum(kt_co2):Q", title=txt.COLUMNS["kt_co2"], stack="zero"),
        color=color, order=alt.Order("sector_order:Q"),
        tooltip=[tip("fiscal_year", txt.COLUMNS["fiscal_year"], "d"),
                 tip("kind", txt.COLUMNS["kind"], kind="N"),
                 tip("sector", txt.COLUMNS["sector"], kind="N"),
                 tip("kt_co2", txt.COLUMNS["kt_co2"], ",.1f")],
    ).transform_calculate(
        sector_order="indexof(" + json.dumps(list(c.SECTORS), ensure_ascii=False) + ", datum.sector)")
    layers = [bars]
    if not path.empty:
        layers.append(path_line(path.assign(series=txt.KIND_PATH), x, "kt_co2", [
            tip("series", txt.COLUMNS["series"], kind="N"),
            tip("fiscal_year", txt.COLUMNS["fiscal_year"], "d"),
            tip("kt_co2", txt.COLUMNS["kt_co2"], ",.0f")]))
    if not target_tot.empty:
        target_tot = target_tot.assign(label=[txt.target_label(v) for v in target_tot["kt_co2"]])
        layers.append(target_labels(target_tot, x, "kt_co2"))
    return alt.layer(*layers).properties(title=chart_title(title, subtitle), height=height)


#: Vertical room one end-of-line label needs, in pixels: 14-px text, or 19-px in
#: presentation mode (the chart is the same height there, so the room is for the larger).
LABEL_GAP_PX = 22


def spread_labels(values: list[float], all_values: list[float], height: int, gap_px: float) -> list[float]:
    """Y positions for end-of-line labels at `values`, moved apart just enough that no two
    are closer than `gap_px` pixels on a plot `height` pixels tall whose axis covers
    `all_values` and zero.  Returned in the order of `values`; labels that crowd each other
    are spread evenly around their own centre, the others stay where they are."""
    if not values:
        return []
    lo, hi = min(min(all_values), 0.0), max(max(all_values), 0.0)
    span = (hi - lo) * 1.25 or 1.0          # the axis is rounded outwards ("nice")
    gap = gap_px * span / height
    order = sorted(range(len(values)), key=lambda i: values[i])
    clusters: list[list[float]] = []            # ideal positions, bottom to top

    def start(c: list[float]) -> float:         # lowest label of a cluster centred on its ideals
        return sum(v - k * gap for k, v in enumerate(c)) / len(c)

    for i in order:
        clusters.append([float(values[i])])
        while len(clusters) > 1 and start(clusters[-1]) < start(clusters[-2]) + len(clusters[-2]) * gap:
            top = clusters.pop()
            clusters[-1].extend(top)
    placed = [start(c) + k * gap for c in clusters for k in range(len(c))]
    out = [0.0] * len(values)
    for i, y in zip(order, placed):
        out[i] = y
    return out


def sector_change_chart(df: pd.DataFrame, title: str, height: int = 380):
    """Each sector's change from the base year, as lines over the inventory years."""
    sectors = [s for s in c.SECTORS if s in set(df["sector"]) and s != c.REMOVAL_SECTOR]
    data = df[df["sector"].isin(sectors)]
    x = alt.X("fiscal_year:Q", axis=fy_axis(), scale=alt.Scale(nice=False, padding=10))
    base = alt.Chart(data).encode(
        x=x, y=alt.Y("change_pct:Q", title=txt.CHANGE_FROM_BASE),
        color=alt.Color("sector:N", title=txt.COLUMNS["sector"],
                        scale=alt.Scale(domain=sectors, range=[SECTOR_COLORS[s] for s in sectors]),
                        sort=sectors),
        tooltip=[tip("sector", txt.COLUMNS["sector"], kind="N"),
                 tip("fiscal_year", txt.COLUMNS["fiscal_year"], "d"),
                 tip("kt_co2", txt.COLUMNS["kt_co2"], ",.1f"),
                 tip("change_pct", txt.CHANGE_FROM_BASE, "+.1f")])
    zero = zero_rule("y")
    lines = base.mark_line(strokeWidth=3, point=alt.OverlayMarkDef(size=70, filled=True))
    last = data.sort_values("fiscal_year").groupby("sector").tail(1)
    last = last.assign(label_y=spread_labels(last["change_pct"].tolist(), data["change_pct"].tolist(),
                                             height, LABEL_GAP_PX))
    labels = alt.Chart(last).mark_text(align="left", dx=8, fontSize=14).encode(
        x=x, y=alt.Y("label_y:Q"), text="sector:N",
        color=alt.Color("sector:N", legend=None,
                        scale=alt.Scale(domain=sectors, range=[SECTOR_COLORS[s] for s in sectors])))
    return alt.layer(zero, lines, labels).properties(title=chart_title(title), height=height)
