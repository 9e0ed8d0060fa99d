"""The drafted narrative: each sentence rule with hand-made figures (empty FYs, single-year
data), the paragraphs from a small warehouse, and every number of the demo's text checked
against the contract views."""
from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from pipeline.analysis import narrative as nar
from pipeline.analysis.emissions import EmissionPace
from pipeline.ingest import contract as c
from pipeline.texts import round as txt
from pipeline.warehouse import round as wround
from pipeline.warehouse.schema import connect
from tests import factories as f

STATUSES = list(c.STATUSES)


def pace(**kw):
    base = dict(base_year=2013, base_kt=2000.0, latest_year=2020, latest_kt=1750.0, target_year=2030,
                target_kt=980.0, actual_rate_pct=1.89, needed_rate_pct=4.1, on_track=False,
                reduction_pct=12.5, target_reduction_pct=51.0)
    base.update(kw)
    return EmissionPace(**base)


def totals(*rows):
    return pd.DataFrame(rows, columns=["fiscal_year", "kind", "kt_co2"])


def counts(current: dict, previous: dict | None = None):
    rows = []
    for s in STATUSES:
        p = None if previous is None else previous.get(s, 0)
        rows.append({"status": s, "count": current.get(s, 0), "previous": p,
                     "change": None if p is None else current.get(s, 0) - p})
    return pd.DataFrame(rows)


# --- sentence rules -------------------------------------------------------------------------

def test_no_base_inventory():
    assert nar.emission_sentences(None, totals(), 2024) == [txt.EMISSIONS_NO_BASE]


def test_base_only_claims_no_change():
    out = nar.emission_sentences(pace(latest_year=None, latest_kt=None, actual_rate_pct=None,
                                      on_track=None, reduction_pct=None), totals(), 2024)
    assert out == ["区域の温室効果ガス排出量は、基準年度（2013年度）が2,000.0千t-CO2です。"
                   "2024年度までの実績はまだ計画マスタに登録されていないため、増減は記載していません。"]


def test_single_actual_says_so_and_judges_the_pace():
    out = nar.emission_sentences(pace(), totals((2013, "基準", 2000.0), (2020, "実績", 1750.0)), 2024)
    assert out[0] == ("区域の温室効果ガス排出量（森林吸収を差し引いた正味の量）は、最新の実績である2020年度に"
                      "1,750.0千t-CO2で、基準年度（2013年度）の2,000.0千t-CO2から12.5%減少しました。")
    assert out[1] == txt.EMISSIONS_ONE_ACTUAL
    assert out[2] == ("基準年度からの年平均削減率は1.9%で、2030年度の目標（980.0千t-CO2）の達成に必要な"
                      "年平均4.1%に届いておらず、目標の達成には削減の加速が必要です。")


def test_two_actuals_give_the_change_and_on_track():
    out = nar.emission_sentences(
        pace(actual_rate_pct=5.0, on_track=True),
        totals((2013, "基準", 2000.0), (2019, "実績", 1800.0), (2020, "実績", 1750.0)), 2024)
    assert out[1] == "前回の実績（2019年度）の1,800.0千t-CO2と比べると、2.8%減少しています。"
    assert out[2].endswith("以上であり、現在のペースは目標の達成に十分です。")


def test_emissions_increase_is_called_an_increase():
    out = nar.emission_sentences(pace(latest_kt=2100.0, reduction_pct=-5.0, actual_rate_pct=-0.7),
                                 totals((2013, "基準", 2000.0), (2019, "実績", 2000.0),
                                        (2020, "実績", 2100.0)), 2024)
    assert "から5.0%増加しました。" in out[0] and "5.0%増加しています。" in out[1]


def test_no_target():
    out = nar.emission_sentences(pace(target_year=None, target_kt=None, needed_rate_pct=None,
                                      on_track=None), totals((2013, "基準", 2000.0)), 2024)
    assert out[-1] == txt.PACE_NO_TARGET


def test_indicator_counts_and_change():
    out = nar.indicator_sentences(counts({"達成": 2, "順調": 3, "遅れ": 1, "悪化": 0, "未報告": 4},
                                         {"達成": 1, "順調": 3, "遅れ": 2, "悪化": 1, "未報告": 3}),
                                  2024, True)
    assert out == ["指標10件の状況は、達成2件、順調3件、遅れ1件、悪化0件、未報告4件です。",
                   "達成・順調の合計は前年度の4件から5件に増えました。"]


def test_indicator_counts_without_previous_fy_make_no_comparison():
    out = nar.indicator_sentences(counts({"達成": 1, "未報告": 1}), 2024, False)
    assert out == ["指標2件の状況は、達成1件、順調0件、遅れ0件、悪化0件、未報告1件です。"]


def test_no_indicators():
    assert nar.indicator_sentences(counts({}), 2024, True) == [txt.no_indicators(2024)]


def test_pdca_sentences():
    by_year = pd.DataFrame({"fiscal_year": [2023, 2024], "actions": [10, 12], "reported": [10, 11],
                            "complete": [5, 9], "completion_pct": [50.0, 75.0]})
    assert nar.pdca_sentences(by_year, 2024, True) == [
        "事業12件のうち11件について報告があり、PDCAの4段階（計画・実施・評価・改善）がすべてそろった事業は9件（75.0%）です。",
        "4段階がそろった割合は前年度（50.0%）から25.0ポイント上昇しました。"]
    assert len(nar.pdca_sentences(by_year, 2024, False)) == 1
    assert nar.pdca_sentences(by_year, 2025, True) == []


def test_partner_sentences():
    by_year = pd.DataFrame({"fiscal_year": [2024], "collaborations": [3], "participants": [1200],
                            "co2_t": [15.25], "organisations": [2]})
    assert nar.partner_sentences(by_year, 2024, False) == [
        "連携主体との連携は3件で、参加人数・団体数は延べ1,200人・団体、報告されたCO2削減量は15.2t-CO2です。"]
    assert nar.partner_sentences(by_year, 2024, True)[1] == "連携の件数は前年度の0件から増えました。"
    assert nar.partner_sentences(by_year.iloc[0:0], 2024, True) == [txt.no_partners(2024)]


def _table(rows):
    return pd.DataFrame(rows, columns=["fiscal_year", "indicator_code", "indicator_name", "attainment_pct"])


def test_movers_pick_largest_rise_and_fall():
    table = _table([(2023, "I1", "甲", 10.0), (2024, "I1", "甲", 30.0),
                    (2023, "I2", "乙", 50.0), (2024, "I2", "乙", 45.0),
                    (2023, "I3", "丙", 20.0), (2024, "I3", "丙", 25.0),
                    (2024, "I4", "丁", 90.0)])
    assert nar.mover_sentences(table, 2024) == [
        "前年度から達成率が最も上がった指標は「甲」で、10.0%から30.0%へ20.0ポイント上昇しました。",
        "達成率が最も下がった指標は「乙」で、50.0%から45.0%へ5.0ポイント低下しました。"]


def test_movers_need_consecutive_years():
    table = _table([(2022, "I1", "甲", 10.0), (2024, "I1", "甲", 30.0)])
    assert nar.mover_sentences(table, 2024) == [txt.MOVERS_NONE_COMPARABLE]
    flat = _table([(2023, "I1", "甲", 10.0), (2024, "I1", "甲", 10.04)])
    assert nar.mover_sentences(flat, 2024) == [txt.MOVERS_UNCHANGED]


def test_flagged_action_sentences():
    flagged = pd.DataFrame({"action_name": ["甲", "乙", "丙", "丁", "戊"],
                            "lagging": [True, True, True, True, False],
                            "revising": [False, False, False, True, True]})
    assert nar.action_sentences(flagged) == [
        "自己評価がC（やや遅れ）またはD（遅れ・未着手）の事業は4件で、「甲」、「乙」、「丙」ほか1件です。",
        "今後の方向性を改善・縮小・休止・廃止として見直す事業は2件（「丁」、「戊」）です。"]
    empty = flagged.iloc[0:0]
    assert nar.action_sentences(empty)[0].endswith("の事業はありません。")


def test_operations_paragraph():
    total = {"t_co2": 9000.0, "base_year": 2013, "base_t_co2": 10000.0, "reduction_pct": 10.0,
             "target_year": 2030, "target_t_co2": 5900.0, "status": "遅れ", "provisional": True}
    change = {"previous_year": 2023, "change_t": -300.0, "usage_effect_t": -100.0,
              "factor_effect_t": -200.0}
    text = nar.operations_paragraph(total, change, True, 2024)
    assert text == ("市の事務事業に伴う温室効果ガス排出量は、2024年度に9,000.0t-CO2（一部に暫定の排出係数を使用）で、"
                    "基準年度（2013年度）の10,000.0t-CO2から10.0%減少しました。"
                    "2030年度の目標は5,900.0t-CO2で、目標に対する状況は「遅れ」です。"
                    "前年度（2023年度）から300.0t-CO2減少しました。要因を分けると、使用量の変化によるものが"
                    "100.0t-CO2の減少、排出係数（主に電気）の変化によるものが200.0t-CO2の減少です。"
                    "増減要因の大きさのうち、排出係数の変化が占める割合は66.7%です。")
    assert nar.operations_paragraph(total, None, True, 2024).endswith(txt.OPERATIONS_NO_PREVIOUS)
    assert nar.operations_paragraph(None, None, True, 2024) == txt.operations_no_data(2024)
    assert nar.operations_paragraph(None, None, False, 2024) is None


def test_one_style_throughout():
    text = "".join(txt.__dict__[k] for k in dir(txt) if k.isupper() and isinstance(txt.__dict__[k], str))
    assert "である。" not in text and "だ。" not in text


# --- whole drafts from small warehouses ------------------------------------------------------

@pytest.fixture()
def two_years(tmp_path):
    db = tmp_path / "w.duckdb"
    f.load_master(db)
    assert all(r.accepted for r in f.ingest_all(
        db,
        f.d01(2023, indicators=[f.indicator_row("I01", 400)],
              partners=[f.partner_row("A001", COL_PARTICIPANTS=10)]),
        f.d01(2024, indicators=[f.indicator_row("I01", 700)],
              actions=[f.action_row("A001", COL_SELF_EVALUATION="C", COL_DIRECTION_NEXT="改善",
                                    COL_REVISION="対象を拡大する")]),
        f.d02(2024)))
    return db


def test_empty_fy(tmp_path):
    db = tmp_path / "w.duckdb"
    f.load_master(db)
    draft = nar.draft_narrative(db, 2024)
    assert txt.no_submissions(2024) in draft.overview
    assert draft.policies == {"P1": txt.policy_no_report(2024), "P2": txt.policy_no_report(2024)}
    assert draft.operations is None
    assert draft.to_json() == {"overview": draft.overview, "policies": draft.policies, "operations": None}


def test_single_year_says_no_comparison(tmp_path):
    db = tmp_path / "w.duckdb"
    f.load_master(db)
    assert all(r.accepted for r in f.ingest_all(db, f.d01(2024, indicators=[f.indicator_row("I01", 700)])))
    draft = nar.draft_narrative(db, 2024)
    assert txt.no_previous(2024) in draft.overview
    assert "前年度から" not in draft.overview and "前年度の" not in draft.overview
    assert txt.no_previous(2024) in draft.policies["P1"]


def test_two_years(two_years):
    draft = nar.draft_narrative(two_years, 2024)
    assert "指標2件の状況は、達成0件、順調0件、遅れ1件、悪化0件、未報告1件です。" in draft.overview
    p1 = draft.policies["P1"]
    # I01: (400 − 100) / 1700 = 17.6 % → (700 − 100) / 1700 = 35.3 %
    assert "「太陽光発電導入容量」で、17.6%から35.3%へ17.7ポイント上昇しました。" in p1
    assert "自己評価がC（やや遅れ）またはD（遅れ・未着手）の事業は1件で、「住宅用太陽光発電設備補助」です。" in p1
    assert "見直す事業は1件（「住宅用太陽光発電設備補助」）です。" in p1
    assert "連携の件数は前年度の1件から減りました。" in draft.overview


def test_priority_scope_leaves_out_other_actions(two_years):
    full = nar.draft_narrative(two_years, 2024)
    prio = nar.draft_narrative(two_years, 2024, priority=True)
    assert "事業2件のうち2件について報告があり" in full.overview       # A001 (D01) and A003 (D02)
    assert "事業1件のうち1件について報告があり" in prio.overview       # A001 only
    assert "指標1件の状況" in prio.overview                             # I01 (M11 has A001)
    assert prio.overview.startswith(txt.PRIORITY_SCOPE) and txt.PRIORITY_SCOPE not in full.overview
    assert prio.policies["P2"] == txt.POLICY_NO_PRIORITY                # A003 is not a priority action


def test_deterministic(two_years):
    assert nar.draft_narrative(two_years, 2024) == nar.draft_narrative(two_years, 2024)


def test_saved_text_wins_and_is_marked(two_years):
    with connect(two_years, write=True) as con:
        wround.save_narrative(con, 2024, wround.SCOPE_ALL, "policy:P1", "編集した文章です。", "hq1")
    result = nar.narrative_for_report(two_years, 2024)
    assert result.policies["P1"].text == "編集した文章です。" and result.policies["P1"].saved
    assert result.policies["P1"].saved_by == "hq1" and result.policies["P1"].mark == txt.MARK_SAVED
    assert not result.overview.saved and result.overview.mark == txt.MARK_DRAFT
    assert result.to_json()["policies"]["P1"] == "編集した文章です。"
    assert "（保存済みの文章）" in result.as_text()
    # the 重点対策 scope has its own saved texts
    assert not nar.narrative_for_report(two_years, 2024, priority=True).policies["P1"].saved


def test_open_council_opinions_match_the_council_module(two_years):
    from pipeline import council
    from pipeline.access import auth
    from pipeline.analysis import opinions
    hq = auth.User("hq1", auth.ROLE_HQ)
    council.add_opinion(two_years, 2023, "計画全体", None, "意見一", hq)
    oid = council.add_opinion(two_years, 2023, "計画全体", None, "意見二", hq)
    council.add_opinion(two_years, 2024, "計画全体", None, "今年度の報告への意見", hq)
    council.set_status(two_years, oid, "対応済", 2024, hq)
    expected = council.open_opinions(two_years)
    expected = expected[(expected["fiscal_year"] < 2024)]
    assert opinions.open_council_opinions(two_years, 2024) == len(expected) == 1
    assert "対応が済んでいないものが1件あります" in nar.draft_narrative(two_years, 2024).overview


# --- every number of the demo's text comes from the views -------------------------------------

NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def numbers_in(text: str) -> list[str]:
    text = re.sub(r"「[^」]*」", "", text)              # names may hold digits
    for fixed in ("CO2", "4段階"):
        text = text.replace(fixed, "")
    return NUMBER.findall(text)


def allowed_numbers(con, fy: int) -> set[str]:
    """Every figure the narrative may state, computed here straight from the views."""
    out: set[str] = set()

    def one(x):
        out.add(f"{x:,.1f}")
        out.add(f"{abs(x):,.1f}")
    years = {r[0] for r in con.execute("SELECT fiscal_year FROM v_emissions UNION "
                                       "SELECT fiscal_year FROM v_indicator_attainment").fetchall()}
    out |= {str(y) for y in years | {fy - 1, fy}}
    tot = con.execute("SELECT fiscal_year, kind, sum(kt_co2) FROM v_emissions GROUP BY ALL").fetchall()
    base = [(y, v) for y, k, v in tot if k == "基準"][0]
    for y, k, v in tot:
        one(v)
        if v > 0 and y != base[0]:
            one((base[1] - v) / base[1] * 100)
            one((1 - (v / base[1]) ** (1 / (y - base[0]))) * 100)
        for y2, k2, v2 in tot:
            if k == k2 == "実績":
                one((v - v2) / abs(v2) * 100)
    for where in ("", "AND policy_code = ?"):
        for pol in ([None] if not where else [r[0] for r in con.execute("SELECT policy_code FROM v_policies").fetchall()]):
            params = [fy] + ([pol] if pol else [])
            for year in (fy, fy - 1):
                params[0] = year
                rows = dict(con.execute(f"SELECT status, count(*) FROM v_indicator_attainment "
                                        f"WHERE fiscal_year = ? {where} GROUP BY 1", params).fetchall())
                out |= {str(v) for v in rows.values()} | {"0", str(sum(rows.values())),
                                                          str(rows.get("達成", 0) + rows.get("順調", 0))}
                a, r, cmp = con.execute(f"""SELECT count(*), count(*) FILTER (WHERE reported),
                    count(*) FILTER (WHERE stages = 4) FROM v_pdca_status WHERE fiscal_year = ? {where}""",
                                        params).fetchone()
                out |= {str(a), str(r), str(cmp)}
                if a:
                    one(cmp / a * 100)
            flagged = con.execute(f"""SELECT count(*) FILTER (WHERE self_evaluation IN ('C', 'D')),
                count(*) FILTER (WHERE direction IN ('改善', '縮小', '休止・廃止'))
                FROM v_pdca_status WHERE fiscal_year = ? {where}""", [fy] + ([pol] if pol else [])).fetchone()
            out |= {str(n) for n in flagged} | {str(n - 3) for n in flagged if n > 3}
    pct = dict(con.execute("SELECT fiscal_year, count(*) FILTER (WHERE stages = 4) * 100.0 / count(*) "
                           "FROM v_pdca_status GROUP BY 1").fetchall())
    if fy - 1 in pct:
        one(round(pct[fy], 1) - round(pct[fy - 1], 1))
    att = con.execute("SELECT indicator_code, fiscal_year, attainment_pct FROM v_indicator_attainment "
                      "WHERE attainment_pct IS NOT NULL").fetchall()
    by = {(i, y): v for i, y, v in att}
    for (i, y), v in by.items():
        out.add(f"{v:.1f}")
        if (i, y - 1) in by:
            out.add(f"{abs(round(v, 1) - round(by[(i, y - 1)], 1)):.1f}")
    for y in (fy, fy - 1):
        n, p, co2 = con.execute("SELECT count(*), coalesce(sum(participants), 0), "
                                "coalesce(sum(co2_reduction_t), 0) FROM v_stakeholder_contributions "
                                "WHERE fiscal_year = ?", [y]).fetchone()
        out |= {str(n), f"{int(p):,}"}
        one(co2)
    ops = con.execute("SELECT t_co2, base_t_co2, target_t_co2, reduction_pct, base_year, target_year "
                      "FROM v_operations_emissions WHERE organisation_code IS NULL").fetchall()
    for row in ops:
        for v in row[:4]:
            if v is not None:
                one(v)
        out |= {str(v) for v in row[4:] if v is not None}
    for ch, usage, factor in con.execute("SELECT change_t, usage_effect_t, factor_effect_t FROM "
                                         "v_operations_change WHERE organisation_code IS NULL").fetchall():
        one(ch), one(usage), one(factor)
        if abs(usage) + abs(factor):
            one(abs(factor) / (abs(usage) + abs(factor)) * 100)
    out.add(str(con.execute("""SELECT count(*) FROM council_opinions o WHERE fiscal_year < ? AND
        coalesce((SELECT status FROM council_followups f WHERE f.opinion_id = o.opinion_id
                  ORDER BY status_year DESC, recorded_at DESC LIMIT 1), '') <> '対応済'""",
                            [fy]).fetchone()[0]))
    return out


@pytest.mark.slow
def test_every_number_of_the_demo_text_comes_from_the_views(demo_db):
    db = demo_db
    for fy in (2022, 2024, 2025):
        draft = nar.draft_narrative(db, fy)
        with connect(db) as con:
            allowed = allowed_numbers(con, fy)
        texts = [draft.overview, *draft.policies.values(), draft.operations or ""]
        found = [n for t in texts for n in numbers_in(t)]
        assert len(found) > 50
        stray = [n for n in found if n not in allowed]
        assert stray == [], (fy, stray)


def test_operations_paragraph_from_the_section_8_views(tmp_path):
    from tests import operations_factories as of
    db = tmp_path / "w.duckdb"
    of.load_ops(db)
    assert all(r.accepted for r in f.ingest_all(
        db, of.d01_energy(2023, [of.energy_row("F001", "電気", "kWh", annual=10000, COL_SUPPLIER="A電力")]),
        of.d01_energy(2024, [of.energy_row("F001", "電気", "kWh", annual=12000, COL_SUPPLIER="A電力")])))
    with connect(db) as con:
        total = con.execute("SELECT t_co2, reduction_pct FROM v_operations_emissions "
                            "WHERE fiscal_year = 2024 AND organisation_code IS NULL").fetchone()
        ch = con.execute("SELECT change_t, usage_effect_t, factor_effect_t FROM v_operations_change "
                         "WHERE fiscal_year = 2024 AND organisation_code IS NULL").fetchone()
    text = nar.draft_narrative(db, 2024).operations
    assert f"2024年度に{total[0]:,.1f}t-CO2で" in text
    assert f"{abs(total[1]):.1f}%" in text
    assert f"前年度（2023年度）から{abs(ch[0]):,.1f}t-CO2" in text
    assert f"使用量の変化によるものが{abs(ch[1]):,.1f}t-CO2" in text
    assert f"変化によるものが{abs(ch[2]):,.1f}t-CO2" in text
    assert nar.draft_narrative(db, 2023).operations.endswith(txt.OPERATIONS_NO_PREVIOUS)


def test_per_policy_counts_equal_the_pages_query(two_years):
    """status_counts_from_table (one query split per policy) = indicator_status_counts."""
    from pipeline.analysis import attainment
    from pipeline.analysis.common import Filters
    for priority in (False, True):
        table = attainment.attainment_table(two_years, Filters(priority=priority))
        for code in ("P1", "P2", None):
            part = table if code is None else table[table["policy_code"] == code]
            for fy in (2023, 2024, 2025):
                expected = attainment.indicator_status_counts(
                    two_years, Filters(fy, policy=code, priority=priority))
                got = attainment.status_counts_from_table(part, fy)
                assert got.astype(object).where(got.notna(), None).values.tolist() == \
                    expected.astype(object).where(expected.notna(), None).values.tolist(), (code, fy)


def test_pdca_by_policy_equals_pdca_by_year_per_policy(two_years):
    from pipeline.analysis import pdca
    from pipeline.analysis.common import Filters
    by_policy = pdca.pdca_by_policy(two_years, Filters())
    for code in ("P1", "P2"):
        one = pdca.pdca_by_year(two_years, Filters(policy=code))
        mine = by_policy[by_policy["policy_code"] == code]
        cols = ["fiscal_year", "actions", "reported", "complete", "completion_pct"]
        assert mine[cols].values.tolist() == one[cols].values.tolist()


def test_narrative_as_reported_follows_the_frozen_edition(two_years):
    """After freezing, a new workbook changes the live draft but not the reported one."""
    from pipeline.warehouse import editions
    with connect(two_years, write=True) as con:
        editions.freeze(con, 2024, "hq1")
    frozen = nar.narrative_as_reported(two_years, 2024)
    assert all(r.accepted for r in f.ingest_all(
        two_years, f.d01(2024, indicators=[f.indicator_row("I01", 1500)])))
    live = nar.narrative_as_reported(two_years, 2024, from_edition=False)
    assert frozen.overview.text != live.overview.text
    assert nar.narrative_as_reported(two_years, 2024).overview.text == frozen.overview.text
