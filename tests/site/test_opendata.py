from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest

from pipeline.site import opendata
from pipeline.site.config import PublicationConfig, Visibility, from_mapping
from pipeline.site.edition import Edition
from pipeline.site import queries as q
from pipeline.warehouse.schema import connect


@pytest.fixture(scope="module")
def written(small_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("data")
    vis = Visibility.of(PublicationConfig())
    with connect(small_db) as con:
        frames = {"indicators": q.indicator_rows(con, 2024, vis), "actions": q.action_rows(con, 2024, vis),
                  "partners": q.partner_rows(con, 2024, vis), "emissions": q.emission_rows(con, 2024),
                  "opinions": q.public_opinions(con, 2024)}
    files = opendata.write(frames, out, PublicationConfig(), Edition(2024), datetime(2025, 6, 1, 10, 0))
    return out, files


def read(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_every_csv_starts_with_the_municipality(written):
    out, files = written
    assert {w.path for w in files} == {"indicators.csv", "actions.csv", "partners.csv", "emissions.csv",
                                       "opinions.csv"}
    for w in files:
        rows = read(out / w.path)
        assert rows[0][:2] == ["全国地方公共団体コード", "地方公共団体名"]
        assert all(r[:2] == ["111007", "さいたま市"] for r in rows[1:])
        assert len(rows) - 1 == w.rows


def test_internal_columns_are_absent(written):
    out, _ = written
    header = read(out / "actions.csv")[0]
    assert "取組実績" in header and "課題" not in header and "予算額（千円）" not in header


def test_values_are_written_exactly(written, small_db):
    out, _ = written
    rows = read(out / "indicators.csv")
    head = rows[0]
    with connect(small_db) as con:
        view = dict(con.execute("SELECT indicator_code, attainment_pct FROM v_indicator_attainment "
                                "WHERE fiscal_year = 2024").fetchall())
    for r in rows[1:]:
        rec = dict(zip(head, r))
        assert float(rec["達成率（%）"]) == pytest.approx(view[rec["指標コード"]], rel=1e-12)


def test_cell_formats():
    assert opendata._cell(None, "number") == "" and opendata._cell(float("nan"), "number") == ""
    assert opendata._cell(2.0, "number") == "2" and opendata._cell(0.1, "number") == "0.1"
    assert opendata._cell(1e-7, "number") == "0.0000001"
    assert opendata._cell(True, "boolean") == "true" and opendata._cell(3.0, "integer") == "3"


def test_data_package_validates_with_frictionless(written):
    frictionless = pytest.importorskip("frictionless")
    out, _ = written
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    for res in package["resources"]:
        assert all(f.get("title") and f.get("type") for f in res["schema"]["fields"])
    report = frictionless.validate(str(out / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_units_in_the_schema(written):
    out, _ = written
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f for r in package["resources"] for f in r["schema"]["fields"]}
    assert fields["排出量（千t-CO2）"]["unit"] == "千t-CO2"
    assert fields["達成率（%）"]["unit"] == "%"


def test_visibility_follows_the_config(small_db, tmp_path):
    conf = from_mapping({"internal_fields": []})
    vis = Visibility.of(conf)
    with connect(small_db) as con:
        frames = {"actions": q.action_rows(con, 2024, vis)}
    opendata.write(frames, tmp_path, conf, Edition(2024, 1, datetime(2025, 6, 1)), datetime(2025, 6, 2))
    header = read(tmp_path / "actions.csv")[0]
    assert "課題" in header and "予算額（千円）" in header
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert package["version"] == "1" and "第1版" in package["title"]
