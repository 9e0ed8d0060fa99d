from __future__ import annotations

import zipfile
from io import BytesIO

import pytest

from pipeline.site import build
from pipeline.site.config import PublicationConfig
from tests.site import sitecheck
from tests.site.conftest import BUDGET, CONTACT, ISSUE, STAFF

LICENCE = PublicationConfig().licence_url


@pytest.fixture(scope="module")
def site(small_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("pub") / "site"
    return build.build_site(small_db, 2024, out, workers=1)


def test_pages_and_files(site):
    out = site.out
    assert site.pages[0] == "index.html" and "downloads.html" in site.pages
    assert {"policy-P1.html", "policy-P2.html", "partners.html", "opinions.html"} <= set(site.pages)
    assert "operations.html" not in site.pages
    assert (out / "assets" / "site.css").is_file() and (out / "data" / "datapackage.json").is_file()
    assert (out / "report" / "annual-report-fy2024.xlsx").is_file()
    assert list((out / "charts").glob("*.svg"))


def test_every_page_says_which_edition(site):
    for name in site.pages:
        html = (site.out / name).read_text(encoding="utf-8")
        assert '<html lang="ja">' in html
        assert "速報" in html and "2024年度" in html, name


def test_links_resolve_and_nothing_points_outside(site):
    assert sitecheck.link_problems(site.out, {LICENCE}) == []
    assert sitecheck.outside_urls_in_assets(site.out) == []


def test_no_staff_name_contact_or_internal_field_anywhere(site):
    assert sitecheck.leaks(site.out, [STAFF, CONTACT, ISSUE, f"{BUDGET:,}", str(BUDGET)]) == []


def test_every_chart_has_alt_text_and_a_table(site):
    for name in site.pages:
        html = (site.out / name).read_text(encoding="utf-8")
        assert html.count("<figure") == html.count('<img src="charts/') == html.count("<table") - (
            1 if name == "downloads.html" else 0)
        assert 'alt=""' not in html


def test_rebuild_replaces_the_site_and_refuses_other_folders(site, small_db, tmp_path):
    stale = site.out / "policy-OLD.html"
    stale.write_text("old", encoding="utf-8")
    again = build.build_site(small_db, 2024, site.out, workers=1, include_report=False)
    assert not stale.exists() and again.out == site.out
    other = tmp_path / "documents"
    other.mkdir()
    (other / "memo.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(build.SiteError):
        build.build_site(small_db, 2024, other, workers=1)
    assert (other / "memo.txt").read_text(encoding="utf-8") == "keep me"


def test_fy_without_data_is_refused(small_db, tmp_path):
    with pytest.raises(build.SiteError) as exc:
        build.build_site(small_db, 2019, tmp_path / "x", workers=1)
    assert "2019年度" in str(exc.value)
    assert not (tmp_path / "x").exists()


def test_zip_holds_the_whole_site(site):
    data = build.zip_bytes(site.out, "site-fy2024")
    names = set(zipfile.ZipFile(BytesIO(data)).namelist())
    files = {f"site-fy2024/{p.relative_to(site.out).as_posix()}" for p in site.out.rglob("*") if p.is_file()}
    assert names == files and "site-fy2024/index.html" in names


def test_public_report_hides_who_loaded(small_db):
    from pipeline.report.build import build_report
    report = build.public_report(build_report(small_db, 2024))
    assert set(report.sources["loaded_by"].dropna()) <= {"demo"}


def test_narrative_leads_the_top_and_policy_pages(site, small_db):
    from pipeline.analysis import narrative
    story = narrative.report_narrative(small_db, 2024)
    top = (site.out / "index.html").read_text(encoding="utf-8")
    first = story.overview.text.split("。")[0]
    assert first and first in top
    p1 = (site.out / "policy-P1.html").read_text(encoding="utf-8")
    assert story.policies["P1"].text.split("。")[0] in p1
    from pipeline.texts import site as stxt
    assert stxt.narrative_mark(False) in top and stxt.narrative_mark(False) in p1


def test_saved_narrative_is_published_and_marked(tmp_path):
    from pipeline.texts import site as stxt
    from pipeline.warehouse import round as wround
    from pipeline.warehouse.schema import connect
    from tests.site.conftest import build_small
    db = tmp_path / "w.duckdb"
    build_small(db)
    with connect(db, write=True) as con:
        wround.save_narrative(con, 2024, wround.SCOPE_ALL, "policy:P1", "本部が書いた方針の文章です。", "hq1")
    out = build.build_site(db, 2024, tmp_path / "site", workers=1).out
    p1 = (out / "policy-P1.html").read_text(encoding="utf-8")
    p2 = (out / "policy-P2.html").read_text(encoding="utf-8")
    assert "本部が書いた方針の文章です。" in p1 and stxt.narrative_mark(True) in p1
    assert stxt.narrative_mark(False) in p2


@pytest.fixture(scope="module")
def ops_site(tmp_path_factory):
    from pipeline.warehouse.schema import connect
    from tests import factories as f
    from tests import operations_factories as of
    db = tmp_path_factory.mktemp("ops") / "w.duckdb"
    of.load_ops(db)
    reports = f.ingest_all(db, *(of.d01_energy(y, [of.energy_row("F001", "電気", "kWh", annual=a,
                                                                  COL_SUPPLIER="A電力")])
                                 for y, a in ((2023, 10000), (2024, 12000))))
    assert all(r.accepted for r in reports), [r.summary for r in reports]
    with connect(db) as con:
        view = con.execute("SELECT fiscal_year, organisation_code, t_co2 FROM v_operations_emissions "
                           "ORDER BY 1, 2 NULLS FIRST").fetchall()
    return build.build_site(db, 2024, tmp_path_factory.mktemp("ops-site") / "site", workers=1,
                            include_report=False), view


def test_operations_page_and_data_where_the_inventory_exists(ops_site):
    import csv
    import io
    result, view = ops_site
    assert view and "operations.html" in result.pages
    assert 'href="operations.html"' in (result.out / "index.html").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO((result.out / "data" / "operations.csv").read_text(encoding="utf-8-sig"))))
    got = [(int(r["年度"]), r["組織コード"] or None,
            float(r["排出量（t-CO2）"]) if r["排出量（t-CO2）"] else None) for r in rows]
    assert [(y, o) for y, o, _ in got] == [(y, o) for y, o, _ in view]
    assert all(t == pytest.approx(v) for (_, _, t), (_, _, v) in zip(got, view))
    html = (result.out / "operations.html").read_text(encoding="utf-8")
    whole_2024 = next(t for y, o, t in view if y == 2024 and o is None)
    assert "市長部局" in html and f"{whole_2024:,.1f}" in html
    assert sitecheck.link_problems(result.out, {LICENCE}) == []


def test_site_of_a_frozen_fy_shows_its_edition_not_later_submissions(small_db, tmp_path):
    import csv
    import io
    import shutil

    from pipeline.access import auth, publication
    from pipeline.warehouse.schema import connect
    from tests import factories as f
    from tests.site.conftest import _info
    db = tmp_path / "w.duckdb"
    shutil.copy(small_db, db)
    publication.freeze(db, 2024, auth.User("hq", auth.ROLE_HQ), "審議会報告用")
    resubmitted = f.d01(2024, info=_info(), indicators=[f.indicator_row("I01", 1500)])
    assert all(r.accepted for r in f.ingest_all(db, resubmitted))
    with connect(db) as con:
        live = con.execute("SELECT actual_value FROM v_indicator_attainment WHERE fiscal_year = 2024 "
                           "AND indicator_code = 'I01'").fetchone()[0]
    assert live == 1500
    result = build.build_site(db, 2024, tmp_path / "site", workers=1, include_report=False)
    assert result.edition.number == 1 and not result.edition.preliminary
    top = (result.out / "index.html").read_text(encoding="utf-8")
    assert "第1版" in top and "審議会報告用" in top and 'class="mark"' not in top
    rows = list(csv.DictReader(io.StringIO(
        (result.out / "data" / "indicators.csv").read_text(encoding="utf-8-sig"))))
    assert next(float(r["実績値"]) for r in rows if r["指標コード"] == "I01") == 900
    package = (result.out / "data" / "datapackage.json").read_text(encoding="utf-8")
    assert '"version": "1"' in package
