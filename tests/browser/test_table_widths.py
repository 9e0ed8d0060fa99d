"""Tables a reader follows up from fit a 1366-px laptop: no sideways scrolling inside them.

Streamlit draws st.dataframe as a canvas grid in a scroller; the scroller's scrollWidth
beyond its clientWidth is what a reader would have to scroll to see.  The wide reference
lists (指標の一覧, 提出履歴) put what matters first and keep the details to the right on
purpose; these pages' tables are short lists that must fit whole.
"""
from __future__ import annotations

import pytest

from tests.browser.helpers import goto, problems

pytestmark = pytest.mark.browser

_WIDTHS = """() => Array.from(document.querySelectorAll('[data-testid="stMain"] [data-testid="stDataFrame"]'))
  .map(d => d.querySelector('.dvn-scroller'))
  .filter(s => s !== null && s.offsetParent !== null)          // shown (not in a closed expander)
  .map(s => [s.scrollWidth, s.clientWidth])"""


@pytest.mark.parametrize("path", ["pdca", "submissions", "council"])
def test_follow_up_tables_fit_a_laptop(page, app_url, path):
    goto(page, app_url, path)
    assert not problems(page)
    widths = page.evaluate(_WIDTHS)
    assert widths, f"{path}: no table drawn"
    wider = [w for w in widths if w[0] > w[1] + 1]
    assert not wider, f"{path}: tables scroll sideways at 1366 px (scrollWidth, clientWidth): {wider}"
