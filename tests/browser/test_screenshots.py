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
