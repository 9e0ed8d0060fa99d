"""Open data of the public site (contract section 9): CSVs and a Frictionless data package.

Each CSV is UTF-8 with a BOM (Excel opens it without mojibake), has one header row, and
starts with the columns 全国地方公共団体コード and 地方公共団体名.  Headers are the
Japanese names used by the workbooks and the report (the unit in the header where it is
fixed).  `datapackage.json` gives every file a Table Schema: type, Japanese title,
description, unit, allowed values, and the licence of the whole package.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.ingest import contract as c
from pipeline.ingest.normalise import is_missing
from pipeline.site.config import PublicationConfig, Visibility
from pipeline.site.edition import Edition
from pipeline.texts import site as txt


@dataclass(frozen=True)
class Col:
    key: str                    # column of the query frame
    name: str                   # CSV header (= Table Schema field name)
    type: str = "string"        # Table Schema type: string, integer, number, boolean
    unit: str | None = None
    description: str = ""
    enum: tuple[str, ...] | None = None
    when: str | None = None     # Visibility attribute that must be true


@dataclass(frozen=True)
class Resource:
    name: str                   # file stem and resource name
    title: str
    description: str
    columns: tuple[Col, ...]


def _cols(resource: str, *specs) -> tuple[Col, ...]:
    """Columns of a resource: (key, type, unit, enum, when) with header and description
    from texts.site.OPEN_DATA_FIELDS."""
    out = []
    for key, kind, unit, enum, when in specs:
        name, description = txt.OPEN_DATA_FIELDS[resource][key]
        out.append(Col(key, name, kind, unit, description, enum, when))
    return tuple(out)


def _s(key, enum=None, when=None):
    return (key, "string", None, enum, when)


def _i(key, unit=None):
    return (key, "integer", unit, None, None)


def _n(key, unit=None, when=None):
    return (key, "number", unit, None, when)


def _b(key):
    return (key, "boolean", None, None, None)


_CODES = (_s("department_code"), _s("department_name"), _s("measure_code"), _s("measure_name"),
          _s("policy_code"), _s("policy_name"))

RESOURCES = (
    Resource("indicators", *txt.RES_INDICATORS, _cols(
        "indicators", _i("fiscal_year"), _s("indicator_code"), _s("indicator_name"), _s("unit"),
        _s("direction", c.INDICATOR_DIRECTIONS), _i("base_year"), _n("base_value"),
        _i("target_year"), _n("target_value"), _n("actual_value"), _n("expected_value"),
        _n("attainment_pct", "%"), _s("status", c.STATUSES), *_CODES, _s("note", when="note"))),
    Resource("actions", *txt.RES_ACTIONS, _cols(
        "actions", _i("fiscal_year"), _s("action_code"), _s("action_name"), *_CODES,
        _b("priority"), _b("reported"), _s("implementation_status", c.IMPLEMENTATION_STATUSES),
        _s("result_text", when="result"), _n("budget_k_yen", txt.UNIT_K_YEN, when="budget"),
        _n("settlement_k_yen", txt.UNIT_K_YEN, when="settlement"),
        _s("self_evaluation", c.SELF_EVALUATIONS), _s("issues_text", when="issues"),
        _s("direction", c.DIRECTIONS_NEXT), _s("revision_text", when="revision"),
        _b("plan"), _b("do"), _b("check"), _b("act"), _i("stages"))),
    Resource("partners", *txt.RES_PARTNERS, _cols(
        "partners", _i("fiscal_year"), _s("action_code"), _s("action_name"), _s("department_code"),
        _s("department_name"), _s("measure_code"), _s("policy_code"),
        _s("stakeholder_type", c.STAKEHOLDER_TYPES), _s("organisation", when="organisation"),
        _i("participants", txt.UNIT_PEOPLE), _n("co2_reduction_t", "t-CO2"),
        _s("content", when="content"))),
    Resource("emissions", *txt.RES_EMISSIONS, _cols(
        "emissions", _i("fiscal_year"), _s("sector", c.SECTORS), _s("kind", c.EMISSION_KINDS),
        _n("kt_co2", txt.KT))),
    Resource("operations", *txt.RES_OPERATIONS, _cols(
        "operations", _i("fiscal_year"), _s("organisation_code"), _s("organisation_name"),
        _n("t_co2", "t-CO2"), _n("t_co2_fixed", "t-CO2"), _i("base_year"), _n("base_t_co2", "t-CO2"),
        _i("target_year"), _n("target_t_co2", "t-CO2"), _n("expected_t_co2", "t-CO2"),
        _n("reduction_pct", "%"), _s("status", c.STATUSES), _b("provisional"),
        _i("facilities_reported", txt.UNIT_FACILITIES), _i("facilities_in_use", txt.UNIT_FACILITIES))),
    Resource("opinions", *txt.RES_OPINIONS, _cols(
        "opinions", _i("fiscal_year"), _s("source"), _s("level"), _s("target_code"), _s("target_name"),
        _s("opinion_text"), _s("response_text"), _s("status"))),
)

LEAD = (Col("", txt.F_CODE, description=txt.F_CODE_DESCRIPTION),
        Col("", txt.F_MUNICIPALITY))


def columns(resource: Resource, vis: Visibility) -> tuple[Col, ...]:
    return LEAD + tuple(col for col in resource.columns if col.when is None or getattr(vis, col.when))


def _cell(value, kind: str) -> str:
    if is_missing(value):
        return ""
    if kind == "boolean":
        return "true" if bool(value) else "false"
    if kind == "integer":
        return str(int(value))
    if kind == "number":
        v = float(value)
        text = repr(v)
        if "e" in text or "inf" in text:
            text = f"{v:.15f}".rstrip("0").rstrip(".")
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def csv_bytes(frame: pd.DataFrame, cols: tuple[Col, ...], config: PublicationConfig) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([col.name for col in cols])
    data = cols[2:]
    for rec in frame.to_dict("records"):
        w.writerow([config.municipality_code, config.municipality_name]
                   + [_cell(rec.get(col.key), col.type) for col in data])
    return buf.getvalue().encode("utf-8-sig")


def _field(col: Col) -> dict:
    out = {"name": col.name, "title": col.name, "type": col.type}
    if col.description:
        out["description"] = col.description
    if col.unit:
        out["unit"] = col.unit
        out["description"] = out.get("description", "") + txt.OD_UNIT.format(unit=col.unit)
    if col.type == "boolean":
        out["trueValues"], out["falseValues"] = ["true"], ["false"]
    if col.enum:
        out["constraints"] = {"enum": list(col.enum)}
    if col.name == txt.F_CODE:
        out["constraints"] = {"required": True, "pattern": r"\d{6}"}
    return out


@dataclass
class Written:
    resource: Resource
    path: str
    rows: int
    bytes: int


def write(frames: dict[str, pd.DataFrame], out_dir: Path, config: PublicationConfig,
          edition: Edition, generated_at) -> list[Written]:
    """Write DIR/data/*.csv and datapackage.json for the frames present."""
    vis = Visibility.of(config)
    out_dir.mkdir(parents=True, exist_ok=True)
    written, resources = [], []
    for res in RESOURCES:
        frame = frames.get(res.name)
        if frame is None:
            continue
        cols = columns(res, vis)
        data = csv_bytes(frame, cols, config)
        path = f"{res.name}.csv"
        (out_dir / path).write_bytes(data)
        written.append(Written(res, path, len(frame), len(data)))
        resources.append({
            "name": res.name, "path": path, "title": res.title, "description": res.description,
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig",
            "dialect": {"delimiter": ",", "header": True},
            "schema": {"fields": [_field(col) for col in cols], "missingValues": [""]},
        })
    package = {
        "name": f"zero-carbon-plan-progress-{config.municipality_code}-fy{edition.fiscal_year}",
        "title": txt.dp_title(config.municipality_name, edition.fiscal_year,
                              txt.edition_short(edition.number, edition.frozen_at)),
        "description": txt.dp_description(config.municipality_name, edition.fiscal_year),
        "version": "0" if edition.preliminary else str(edition.number),
        "created": generated_at.replace(microsecond=0).isoformat(),
        "licenses": [{"name": config.licence, "title": config.licence_title,
                      **({"path": config.licence_url} if config.licence_url else {})}],
        "contributors": [{"title": config.publisher, "role": "publisher"}],
        "keywords": [*txt.OD_KEYWORDS, config.municipality_name],
        "resources": resources,
    }
    (out_dir / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n",
                                              encoding="utf-8")
    return written
