"""Screenshots of every page at meeting-room (1920×1080) and laptop (1366×768) sizes.

Written to tests/artifacts/screenshots/ (gitignored, kept after the run) so a
person can look at them: `<page>-<w>x<h>.png` is what the screen shows,
`<page>-<w>x<h>-full.png` the whole page.  The test also checks what can be
checked mechanically: nothing sticks out sideways (no horizontal scrolling of
the page, no chart wider than its column) and nothing is an error box.
"""
from __future__ import annotations

import pytest

from tests.browser.helpers import PAGES, goto, problems

pytestmark = pytest.mark.browser

SIZES = ((1920, 1080), (1366, 768))

# Width overflow of the main area and of each chart beyond its container.
_OVERFLOW = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const out = [];
  if (main.scrollWidth > main.clientWidth + 1)
    out.push(`main area scrolls sideways: ${main.scrollWidth} > ${main.clientWidth}`);
  document.querySelectorAll('[data-testid="stVegaLiteChart"]').forEach((c, i) => {
    const drawn = c.querySelector('.vega-embed canvas, .vega-embed svg.marks');
    if (!drawn) return;
    const box = c.getBoundingClientRect(), d = drawn.getBoundingClientRect();
    if (d.right > box.right + 2) out.push(`chart ${i} is ${Math.round(d.right - box.right)}px wider than its column`);
  });
  return out;
}"""


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("app_page", PAGES, ids=lambda p: p.path)
def test_screenshot(new_page, app_url, artifacts, app_page, size):
    width, height = size
    page = goto(new_page(width, height), app_url, app_page.url)
    out = artifacts / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    shot = out / f"{app_page.path}-{width}x{height}.png"
    page.screenshot(path=str(shot))
    overflow = page.evaluate(_OVERFLOW)

    # The whole page: grow the viewport to the content's height (Streamlit
    # scrolls inside stMain, so a plain full_page shot would stop at the fold).
    full_height = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMainBlockContainer\"]').scrollHeight")
    if full_height > height:
        page.set_viewport_size({"width": width, "height": min(full_height + 80, 12_000)})
        page.wait_for_function("() => [...document.querySelectorAll('[data-testid=\"stVegaLiteChart\"]')]"
                               ".every(c => c.querySelector('.vega-embed canvas, .vega-embed svg.marks'))")
    page.screenshot(path=str(out / f"{app_page.path}-{width}x{height}-full.png"))

    assert shot.stat().st_size > 5_000
    assert problems(page) == []
    assert overflow == [], f"/{app_page.path} at {width}×{height}: {overflow}"


# Per metric box: the font size of its value and the largest of every other text in it.
_METRIC_SIZES = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stMetric"]')]
  .map(m => {
    const size = e => parseFloat(getComputedStyle(e).fontSize);
    const texts = [...m.querySelectorAll('*')].filter(e =>
        [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()));
    const inValue = e => e.closest('[data-testid="stMetricValue"]');
    const value = texts.filter(inValue).map(size);
    const other = texts.filter(e => !inValue(e)).map(size);
    return {label: m.querySelector('[data-testid="stMetricLabel"]').innerText.trim(),
            value: Math.min(...value), other: Math.max(0, ...other)};
  })"""


@pytest.mark.parametrize("app_page", PAGES, ids=lambda p: p.path)
def test_presentation_mode(new_page, app_url, artifacts, app_page):
    """Presentation mode at 1920×1080 (a meeting-room screen): screenshot of every page,
    and in every metric box the value is the largest text (read from the back of the room)."""
    page = goto(new_page(1920, 1080), app_url, app_page.url, present="1")
    out = artifacts / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    shot = out / f"{app_page.path}-present-1920x1080.png"
    page.screenshot(path=str(shot))
    sizes = page.evaluate(_METRIC_SIZES)
    assert shot.stat().st_size > 5_000
    assert problems(page) == []
    if app_page.path == "overview":
        assert len(sizes) >= 3, "概要 shows its headline figures as metrics"
    small = [s for s in sizes if not s["value"] > s["other"]]
    assert small == [], f"/{app_page.path}: metric values not the largest text: {small}"
