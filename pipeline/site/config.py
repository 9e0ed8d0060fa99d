"""Publication settings: who publishes, under which licence, and what stays internal.

Read from the ``[publication]`` section of a TOML file — ``.streamlit/secrets.toml`` by
default (where the app's other settings live), or the file given with ``publish --config``.
Every key is optional; without the section the demo's values apply (111007 さいたま市,
CC BY 4.0, 課題 and the budget figures internal).

Staff names and contacts (担当者, 連絡先) are never published whatever the setting says:
the site's queries do not select them at all.  `internal_fields` lists what else HQ keeps
internal; it accepts only the optional free-text and money columns of the submission
workbook, named by their header, so that a typo is an error instead of a silent leak.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.ingest import contract as c
from pipeline.texts import site as txt

SECTION = "publication"
SECRETS = Path(".streamlit") / "secrets.toml"
ROOT = Path(__file__).resolve().parents[2]

#: Fields HQ may keep internal: header (as in the workbook) → what it hides.
OPTIONAL_FIELDS = (c.COL_RESULT, c.COL_BUDGET, c.COL_SETTLEMENT, c.COL_ISSUES, c.COL_REVISION,
                   c.COL_ORGANISATION, c.COL_COLLABORATION, c.COL_NOTE)
DEFAULT_INTERNAL = (c.COL_ISSUES, c.COL_BUDGET, c.COL_SETTLEMENT)
#: Never published, not configurable.
ALWAYS_INTERNAL = (c.INFO_CONTACT_PERSON, c.INFO_CONTACT)

LICENCES = {
    "CC-BY-4.0": (txt.LICENCE_CC_BY, "https://creativecommons.org/licenses/by/4.0/deed.ja"),
    "CC0-1.0": (txt.LICENCE_CC0, "https://creativecommons.org/publicdomain/zero/1.0/deed.ja"),
}


class ConfigError(ValueError):
    """A [publication] setting that cannot be used (Japanese message)."""


@dataclass(frozen=True)
class PublicationConfig:
    municipality_code: str = "111007"
    municipality_name: str = txt.DEFAULT_MUNICIPALITY_NAME
    publisher: str = txt.DEFAULT_PUBLISHER
    licence: str = "CC-BY-4.0"
    licence_title: str = txt.LICENCE_CC_BY
    licence_url: str = LICENCES["CC-BY-4.0"][1]
    internal_fields: tuple[str, ...] = DEFAULT_INTERNAL
    site_title: str = ""
    demo: bool | None = None          # None: decided from the warehouse (demo loads)

    def public(self, header: str) -> bool:
        """Whether a field (by its workbook header) may appear on the site."""
        return header not in ALWAYS_INTERNAL and header not in self.internal_fields

    @property
    def title(self) -> str:
        return self.site_title or txt.site_title(self.municipality_name)


def from_mapping(section: dict | None) -> PublicationConfig:
    """Settings from a parsed [publication] section (missing keys keep their defaults)."""
    section = dict(section or {})
    base = PublicationConfig()
    known = {"municipality_code", "municipality_name", "publisher", "licence", "licence_title",
             "licence_url", "internal_fields", "site_title", "demo"}
    unknown = sorted(set(section) - known)
    if unknown:
        raise ConfigError(txt.config_unknown_keys(unknown))
    code = str(section.get("municipality_code", base.municipality_code)).strip()
    if not re.fullmatch(r"\d{6}", code):
        raise ConfigError(txt.config_bad_code(code))
    name = str(section.get("municipality_name", base.municipality_name)).strip()
    if not name:
        raise ConfigError(txt.CONFIG_EMPTY_NAME)
    licence = str(section.get("licence", base.licence)).strip()
    title, url = LICENCES.get(licence, (None, None))
    title = str(section.get("licence_title") or title or "").strip()
    url = str(section.get("licence_url") or url or "").strip()
    if not title:
        raise ConfigError(txt.config_unknown_licence(licence, sorted(LICENCES)))
    fields = section.get("internal_fields", list(base.internal_fields))
    if isinstance(fields, str):
        fields = [fields]
    fields = tuple(str(f).strip() for f in fields)
    bad = [f for f in fields if f not in OPTIONAL_FIELDS and f not in ALWAYS_INTERNAL]
    if bad:
        raise ConfigError(txt.config_unknown_fields(bad, OPTIONAL_FIELDS))
    demo = section.get("demo")
    return PublicationConfig(
        municipality_code=code, municipality_name=name,
        publisher=str(section.get("publisher", base.publisher)).strip() or base.publisher,
        licence=licence, licence_title=title, licence_url=url, internal_fields=fields,
        site_title=str(section.get("site_title", "")).strip(),
        demo=None if demo is None else bool(demo))


def load_config(path: str | os.PathLike | None = None) -> PublicationConfig:
    """The [publication] settings of `path`, else of .streamlit/secrets.toml (the current
    directory's, then the repository's); defaults when there is none."""
    candidates = [Path(path)] if path else [Path.cwd() / SECRETS, ROOT / SECRETS]
    for candidate in candidates:
        if not candidate.is_file():
            if path:
                raise ConfigError(txt.config_missing(str(candidate)))
            continue
        try:
            data = tomllib.loads(candidate.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(txt.config_unreadable(str(candidate), str(exc))) from exc
        return from_mapping(data.get(SECTION))
    return PublicationConfig()


@dataclass(frozen=True)
class Visibility:
    """Which optional fields the site and the open data show (derived from the config)."""
    result: bool = True
    budget: bool = False
    settlement: bool = False
    issues: bool = False
    revision: bool = True
    organisation: bool = True
    content: bool = True
    note: bool = True
    hidden: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, config: PublicationConfig) -> "Visibility":
        p = config.public
        return cls(result=p(c.COL_RESULT), budget=p(c.COL_BUDGET), settlement=p(c.COL_SETTLEMENT),
                   issues=p(c.COL_ISSUES), revision=p(c.COL_REVISION),
                   organisation=p(c.COL_ORGANISATION), content=p(c.COL_COLLABORATION),
                   note=p(c.COL_NOTE),
                   hidden=tuple(ALWAYS_INTERNAL) + tuple(config.internal_fields))
