"""The public site of a demo FY, opened from file:// in Chromium (contract section 9).

Built once per session from the shared demo warehouse: every page renders with its
charts, nothing is requested from anywhere but the site's own files, every link lands,
axe finds no serious or critical violation, a 375-px phone needs no horizontal
scrolling, the figures on the top page and in the open data equal the warehouse views,
no staff name or contact appears in any file (PDF and Excel included), and the data
package validates.
"""
from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from pipeline.ingest import contract as c
from pipeline.site import build
from pipeline.site.config import PublicationConfig
from pipeline.warehouse.schema import connect
from tests.site import sitecheck

pytestmark = pytest.mark.browser

FY = 2024
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def site(demo_db, tmp_path_factory):
    return build.build_site(demo_db, FY, tmp_path_factory.mktemp("public") / "site")


def _url(site, name: str) -> str:
    return (site.out / name).resolve().as_uri()


def _csv(site, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO((site.out / "data" / name).read_text(encoding="utf-8-sig"))))


def test_every_page_renders_from_file_with_only_its_own_files(browser, site):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="ja-JP")
    requests, errors = [], []
    context.on("request", lambda r: requests.append(r.url))
    try:
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        for name in site.pages:
            page.goto(_url(site, name), wait_until="load")
            assert page.locator("h1").count() == 1, name
            assert page.locator("#edition").inner_text().strip(), name
            broken = page.evaluate("""() => [...document.images]
                .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)""")
            assert broken == [], (name, broken)
    finally:
        context.close()
    root = site.out.resolve().as_uri()
    assert len(requests) >= len(site.pages)
    assert [u for u in requests if not u.startswith(root)] == []
    assert errors == []


def test_links_land_and_nothing_is_fetched_from_outside(site):
    assert sitecheck.link_problems(site.out, {PublicationConfig().licence_url}) == []
    assert sitecheck.outside_urls_in_assets(site.out) == []


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


def test_no_serious_accessibility_violations(browser, site, axe):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="ja-JP")
    found = []
    try:
        page = context.new_page()
        for name in site.pages:
            page.goto(_url(site, name), wait_until="load")
            results = axe.run(page, options={"resultTypes": ["violations"]})
            for v in results.response["violations"]:
                if v["impact"] in BLOCKING:
                    found.append(f"{name}: {v['id']} ({v['impact']}): {v['help']} — "
                                 + "; ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:5]))
    finally:
        context.close()
    assert found == [], "\n".join(found)


def test_phone_width_needs_no_horizontal_scrolling(browser, site):
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="ja-JP",
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    wide = []
    try:
        page = context.new_page()
        for name in site.pages:
            page.goto(_url(site, name), wait_until="load")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 375:
                wide.append((name, width))
    finally:
        context.close()
    assert wide == []


def test_pages_print_without_navigation(browser, site):
    context = browser.new_context(locale="ja-JP")
    try:
        page = context.new_page()
        page.goto(_url(site, "index.html"), wait_until="load")
        page.emulate_media(media="print")
        assert page.locator("nav").first.is_hidden()
        assert page.locator("figure img").first.is_visible()
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    finally:
        context.close()


def _view_figures(db, fy: int = FY) -> dict[str, float]:
    """The top page's figures computed straight from the views (contract sections 5 and 6)."""
    with connect(db) as con:
        totals = dict(((y, k), v) for y, k, v in con.execute(
            "SELECT fiscal_year, kind, sum(kt_co2) FROM v_emissions GROUP BY ALL").fetchall())
        status = dict(con.execute("SELECT status, count(*) FROM v_indicator_attainment "
                                  "WHERE fiscal_year = ? GROUP BY ALL", [fy]).fetchall())
        pdca = con.execute("SELECT count(*), count(*) FILTER (WHERE reported), "
                           "count(*) FILTER (WHERE stages = 4) FROM v_pdca_status WHERE fiscal_year = ?",
                           [fy]).fetchone()
        partners = con.execute("SELECT count(*), sum(participants), sum(co2_reduction_t), "
                               "count(DISTINCT stakeholder_type) FROM v_stakeholder_contributions "
                               "WHERE fiscal_year = ?", [fy]).fetchone()
    base_year = next(y for (y, k) in totals if k == c.KIND_BASE)
    latest = max(y for (y, k) in totals if k == c.KIND_ACTUAL and base_year < y <= fy)
    target = min(y for (y, k) in totals if k == c.KIND_TARGET and y > latest and totals[(y, k)] > 0)
    b, a, t = totals[(base_year, c.KIND_BASE)], totals[(latest, c.KIND_ACTUAL)], totals[(target, c.KIND_TARGET)]
    out = {"base_kt": b, "latest_kt": a, "target_kt": t, "reduction_pct": (b - a) / b * 100,
           "actual_rate_pct": (1 - (a / b) ** (1 / (latest - base_year))) * 100,
           "needed_rate_pct": (1 - (t / b) ** (1 / (target - base_year))) * 100,
           "actions": pdca[0], "reported": pdca[1], "complete": pdca[2],
           "collaborations": partners[0], "participants": partners[1], "co2_t": partners[2],
           "types": partners[3]}
    out.update({f"status_{i}": status.get(s, 0) for i, s in enumerate(c.STATUSES)})
    return out


def _shown_figures(browser, site) -> dict[str, float]:
    context = browser.new_context(locale="ja-JP")
    try:
        page = context.new_page()
        page.goto(_url(site, "index.html"), wait_until="load")
        return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('data[data-key]')]
            .map(d => [d.dataset.key, parseFloat(d.value)]))""")
    finally:
        context.close()


def _assert_equal(shown: dict, expected: dict) -> None:
    assert set(expected) <= set(shown)
    for key, value in expected.items():
        assert math.isclose(shown[key], value, rel_tol=1e-9, abs_tol=1e-9), (key, shown[key], value)


def test_top_page_figures_equal_the_views(browser, site, demo_db):
    _assert_equal(_shown_figures(browser, site), _view_figures(demo_db))


def test_a_frozen_fy_shows_its_edition_and_the_editions_views(browser, demo_db, tmp_path):
    """The demo froze FY2023 before later workbooks arrived: the site shows 第1版 and the
    figures of the edition's views, not of the live ones."""
    from pipeline.warehouse.editions import edition_warehouse
    with edition_warehouse(demo_db, 2023) as (path, edition):
        assert edition is not None
        expected = _view_figures(path, 2023)
    live = _view_figures(demo_db, 2023)
    result = build.build_site(demo_db, 2023, tmp_path / "site", include_report=False)
    assert result.edition.number == edition.edition_no
    assert f"第{edition.edition_no}版" in (result.out / "index.html").read_text(encoding="utf-8")
    shown = _shown_figures(browser, result)
    _assert_equal(shown, expected)
    assert any(expected[k] != live[k] for k in expected)       # the edition is not the live data


def test_open_data_equals_the_views(site, demo_db):
    with connect(demo_db) as con:
        ind = {r[0]: r[1:] for r in con.execute(
            "SELECT indicator_code, actual_value, expected_value, attainment_pct, status "
            "FROM v_indicator_attainment WHERE fiscal_year = ?", [FY]).fetchall()}
        pdca = {r[0]: r[1:] for r in con.execute(
            'SELECT action_code, plan, "do", "check", act, stages, self_evaluation, direction '
            "FROM v_pdca_status WHERE fiscal_year = ?", [FY]).fetchall()}
        partners = con.execute("SELECT count(*), sum(participants), sum(co2_reduction_t) "
                               "FROM v_stakeholder_contributions WHERE fiscal_year = ?", [FY]).fetchone()
        emissions = sorted(con.execute("SELECT fiscal_year, sector, kind, kt_co2 FROM v_emissions "
                                       "WHERE kind <> '実績' OR fiscal_year <= ?", [FY]).fetchall())

    def num(text):
        return None if text == "" else float(text)

    rows = _csv(site, "indicators.csv")
    assert {r["指標コード"] for r in rows} == set(ind) and all(int(r["年度"]) == FY for r in rows)
    for r in rows:
        actual, expected, pct, status = ind[r["指標コード"]]
        for got, want in ((num(r["実績値"]), actual), (num(r["直線経路の値"]), expected),
                          (num(r["達成率（%）"]), pct)):
            assert (got is None and want is None) or math.isclose(got, want, rel_tol=1e-12), r
        assert r["状況"] == status
    rows = _csv(site, "actions.csv")
    assert {r["事業コード"] for r in rows} == set(pdca)
    for r in rows:
        plan, do, check, act, stages, grade, direction = pdca[r["事業コード"]]
        assert [r["P（計画）"], r["D（実施）"], r["C（評価）"], r["A（改善）"]] == [
            str(bool(x)).lower() for x in (plan, do, check, act)]
        assert int(r["PDCA段階数"]) == stages and r["自己評価"] == (grade or "")
        assert r["今後の方向性"] == (direction or "")
    rows = _csv(site, "partners.csv")
    assert len(rows) == partners[0]
    assert sum(int(r["参加人数・団体数"] or 0) for r in rows) == partners[1]
    assert math.isclose(sum(float(r["CO2削減量（t-CO2）"] or 0) for r in rows), partners[2], rel_tol=1e-9)
    rows = _csv(site, "emissions.csv")
    assert sorted((int(r["年度"]), r["部門"], r["区分"], float(r["排出量（千t-CO2）"])) for r in rows) == emissions


def test_no_staff_name_or_contact_anywhere(site, demo_db):
    with connect(demo_db) as con:
        people = [r[0] for r in con.execute(
            "SELECT DISTINCT contact_person FROM submissions WHERE contact_person IS NOT NULL").fetchall()]
        contacts = [r[0] for r in con.execute(
            "SELECT DISTINCT contact FROM submissions WHERE contact IS NOT NULL").fetchall()]
    assert people and contacts
    # One-character family names (林) are parts of ordinary words (森林吸収): they are
    # covered by the planted names of tests/site, not by a substring search here.
    secrets = [p for p in people if len(p) >= 2] + contacts
    assert sitecheck.leaks(site.out, secrets) == []
    assert (site.out / "report" / f"annual-report-fy{FY}.pdf").is_file()


def test_data_package_validates(site):
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(site.out / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    names = {p.name for p in (site.out / "data").glob("*.csv")}
    assert {"indicators.csv", "actions.csv", "partners.csv", "emissions.csv"} <= names
