"""Fonts of the PDF report: the body font and a small fallback for the glyphs it lacks.

The body font is IPA P Gothic (TrueType, Debian fonts-ipafont-gothic): fpdf2 embeds it
with Identity-H, so every reader (and pypdf) extracts the Japanese text.  It lacks a few
hundred symbols Japanese office text uses (㎥, ①, ℃ …); those come from Noto Sans CJK JP.
The full Noto collection is a 20 MB CFF font: parsing it and subsetting it again for every
report cost about 0.3 s of the report's 2 s.  So the symbols IPA lacks are subset out of
Noto once, into a small font kept in a cache folder (FALLBACK_CACHE, or the user's cache
directory), and every report loads that in milliseconds.  Text that needs a glyph outside
it (a rare ideograph) still gets the full Noto font.
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from pathlib import Path

log = logging.getLogger(__name__)

IPA = Path("/usr/share/fonts/opentype/ipafont-gothic/ipagp.ttf")
NOTO_REGULAR = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
NOTO_BOLD = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
NOTO_JP_INDEX = 0                # Noto Sans CJK .ttc: JP, KR, SC, TC, HK
ENV_CACHE = "PDCA_FONT_CACHE"
# Unicode blocks of symbols and punctuation the fallback subset keeps (ideographs are IPA's).
SYMBOL_BLOCKS = ((0x00A0, 0x024F), (0x02B0, 0x02FF), (0x0370, 0x03FF), (0x0400, 0x04FF),
                 (0x2000, 0x2BFF), (0x3000, 0x303F), (0x3200, 0x33FF), (0xFE30, 0xFE4F),
                 (0xFF00, 0xFFEF))
_VERSION = "1"
_lock = threading.RLock()
_cmaps: dict[Path, frozenset] = {}


def cache_dir() -> Path:
    env = os.environ.get(ENV_CACHE)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    return Path(base) / "pdca-report"


def cmap_of(path: Path, index: int = 0) -> frozenset:
    """The code points a font file maps (cached per process)."""
    with _lock:
        if path not in _cmaps:
            from fontTools.ttLib import TTFont
            with TTFont(str(path), fontNumber=index, lazy=True) as font:
                _cmaps[path] = frozenset(font.getBestCmap())
        return _cmaps[path]


def _key(*paths: Path) -> str:
    h = hashlib.sha256(_VERSION.encode())
    for p in paths:
        st = p.stat()
        h.update(f"{p}|{st.st_size}|{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def fallback_subset(body: Path = IPA, source: Path = NOTO_REGULAR) -> Path | None:
    """The symbols `body` lacks, subset out of `source` once and cached; None when that
    cannot be made (no source font, a read-only cache): then the caller uses `source`."""
    if not source.exists() or not body.exists():
        return None
    try:
        out = cache_dir() / f"fallback-{_key(body, source)}.otf"
        if out.exists():
            return out
        with _lock:
            if out.exists():
                return out
            from fontTools import subset
            from fontTools.ttLib import TTFont
            have = cmap_of(body)
            with TTFont(str(source), fontNumber=NOTO_JP_INDEX, lazy=True) as probe:
                wanted = sorted(cp for cp in probe.getBestCmap() if cp not in have
                                and any(a <= cp <= b for a, b in SYMBOL_BLOCKS))
            options = subset.Options()
            options.name_IDs = ["*"]
            options.notdef_outline = True
            options.layout_features = []
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=wanted)
            with TTFont(str(source), fontNumber=NOTO_JP_INDEX) as font:
                subsetter.subset(font)
                out.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=out.parent, suffix=".otf")
                os.close(fd)
                font.save(tmp)
            os.replace(tmp, out)                 # atomic: another process may build it too
            return out
    except OSError as exc:
        log.warning("no cached fallback font (%s): the report embeds the full Noto font", exc)
        return None
