from __future__ import annotations

import pytest

from pipeline.ingest import contract as c
from pipeline.site import config as cfg


def test_defaults_are_the_demo_city_and_cc_by():
    conf = cfg.PublicationConfig()
    assert (conf.municipality_code, conf.municipality_name) == ("111007", "さいたま市")
    assert conf.licence == "CC-BY-4.0" and "4.0" in conf.licence_title
    assert not conf.public(c.COL_ISSUES) and not conf.public(c.COL_BUDGET)
    assert conf.public(c.COL_RESULT)


def test_staff_fields_are_never_public_whatever_the_setting():
    conf = cfg.from_mapping({"internal_fields": []})
    assert not conf.public(c.INFO_CONTACT_PERSON) and not conf.public(c.INFO_CONTACT)
    assert conf.public(c.COL_ISSUES)


def test_section_from_a_toml_file(tmp_path):
    path = tmp_path / "secrets.toml"
    path.write_text('[publication]\nmunicipality_code = "131000"\nmunicipality_name = "東京都"\n'
                    'licence = "CC0-1.0"\ninternal_fields = ["取組実績"]\n', encoding="utf-8")
    conf = cfg.load_config(path)
    assert conf.municipality_code == "131000" and conf.municipality_name == "東京都"
    assert conf.licence == "CC0-1.0" and conf.licence_url.startswith("https://creativecommons.org/")
    vis = cfg.Visibility.of(conf)
    assert not vis.result and vis.issues and vis.budget


def test_file_without_the_section_gives_defaults(tmp_path):
    path = tmp_path / "secrets.toml"
    path.write_text("[auth_settings]\nrequire_login_to_view = false\n", encoding="utf-8")
    assert cfg.load_config(path) == cfg.PublicationConfig()


@pytest.mark.parametrize("section, word", [
    ({"municipality_code": "12345"}, "12345"),
    ({"internal_fields": ["予算"]}, "予算"),
    ({"licence": "MIT"}, "MIT"),
    ({"municipality_cod": "111007"}, "municipality_cod"),
])
def test_bad_settings_are_refused_by_name(section, word):
    with pytest.raises(cfg.ConfigError) as exc:
        cfg.from_mapping(section)
    assert word in str(exc.value)


def test_custom_licence_with_title_and_url():
    conf = cfg.from_mapping({"licence": "OGL-JP", "licence_title": "公共データ利用規約（第1.0版）",
                             "licence_url": "https://example.invalid/terms"})
    assert conf.licence_title == "公共データ利用規約（第1.0版）"


def test_unreadable_or_missing_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[publication\n", encoding="utf-8")
    with pytest.raises(cfg.ConfigError):
        cfg.load_config(bad)
    with pytest.raises(cfg.ConfigError):
        cfg.load_config(tmp_path / "missing.toml")
