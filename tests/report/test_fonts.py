"""The report's fallback font: the symbols IPA lacks, subset out of Noto once and cached."""
from __future__ import annotations

import pytest

from pipeline.report import fonts

pytestmark = pytest.mark.skipif(not (fonts.IPA.exists() and fonts.NOTO_REGULAR.exists()),
                                reason="needs fonts-ipafont-gothic and fonts-noto-cjk")


def test_fallback_subset_is_made_once_and_has_what_ipa_lacks(tmp_path, monkeypatch):
    monkeypatch.setenv(fonts.ENV_CACHE, str(tmp_path))
    first = fonts.fallback_subset()
    assert first is not None and first.parent == tmp_path
    made = first.stat().st_mtime_ns
    assert fonts.fallback_subset() == first and first.stat().st_mtime_ns == made   # reused
    assert ord("㎥") not in fonts.cmap_of(fonts.IPA)
    cmap = fonts.cmap_of(first)
    assert ord("㎥") in cmap and len(cmap & fonts.cmap_of(fonts.IPA)) < 10
    assert first.stat().st_size < 500_000                          # not the 20 MB collection


def test_unwritable_cache_means_no_subset(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(fonts.ENV_CACHE, str(blocked / "cache"))
    assert fonts.fallback_subset() is None
