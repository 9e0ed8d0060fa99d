"""Japanese strings of the opinion counts (PDCA page): the council's and the public's opinions."""
from __future__ import annotations

HEADING = "意見の件数（意見の区分別・年度別）"
CAPTION = ("環境審議会・市民・事業者・共創推進プラットフォームなどから寄せられた、各年度の年次報告書・"
           "計画に対する意見の件数です。対応方針の決定と公表の状況も示します。")
AXIS_FY = "対象年度"
AXIS_OPINIONS = "意見の件数"
LEGEND_SOURCE = "意見の区分"
TIP_OPINIONS = "意見（件）"
TIP_RESPONDED = "対応方針あり（件）"
TIP_PUBLISHED = "公表（件）"
CHART_SUBTITLE = "棒の上の数字は年度の合計"
NO_OPINIONS = "意見はまだ登録されていません（審議会意見ページで登録・取り込みができます）。"
METRIC_OPINIONS = "意見（選択年度）"
METRIC_RESPONDED = "対応方針あり"
METRIC_PUBLISHED = "公表"
HEADERS = {"fiscal_year": "対象年度", "source": "意見の区分", "opinions": "意見（件）",
           "responded": "対応方針あり（件）", "published": "公表（件）"}


def chart_title(fy: int | None, total: int, sources: int, latest: tuple[int, int] | None = None) -> str:
    """The chart's message; `latest` = (FY, opinions) of the latest FY that has any, said when
    the chosen FY has none yet (the council reviews a report after the FY)."""
    if fy is not None and total:
        return f"{fy}年度の報告書への意見は {total} 件（{sources} 区分から）"
    if fy is not None and latest is not None:
        return f"{fy}年度の報告書への意見はまだありません（直近は{latest[0]}年度の {latest[1]} 件）"
    return "年度別の意見の件数"
