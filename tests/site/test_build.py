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
