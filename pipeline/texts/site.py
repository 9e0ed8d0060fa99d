"""Japanese strings of the public site (公表サイト), its open data and the publish command."""
from __future__ import annotations

from datetime import date, datetime

from pipeline.ingest.normalise import is_missing

from .common import era_year

# --- settings ---------------------------------------------------------------------
DEFAULT_MUNICIPALITY_NAME = "さいたま市"
DEFAULT_PUBLISHER = "さいたま市 環境局 環境共生部 ゼロカーボン推進戦略課"
LICENCE_CC_BY = "クリエイティブ・コモンズ 表示 4.0 国際（CC BY 4.0）"
LICENCE_CC0 = "クリエイティブ・コモンズ CC0 1.0 全世界（パブリック・ドメイン提供）"
CONFIG_EMPTY_NAME = "[publication] の municipality_name（地方公共団体名）が空です。"


def site_title(municipality: str) -> str:
    return f"{municipality} 地球温暖化対策実行計画の進み具合"


def config_unknown_keys(keys: list[str]) -> str:
    return (f"[publication] に使えない設定があります: {', '.join(keys)}。使える設定は "
            "municipality_code, municipality_name, publisher, licence, licence_title, licence_url, "
            "internal_fields, site_title, demo です。")


def config_bad_code(code: str) -> str:
    return (f"[publication] の municipality_code「{code}」は全国地方公共団体コード（6桁の数字、"
            "例: 111007）ではありません。")


def config_unknown_licence(licence: str, known: list[str]) -> str:
    return (f"[publication] の licence「{licence}」は分かりません。{', '.join(known)} のいずれかにするか、"
            "licence_title と licence_url を指定してください。")


def config_unknown_fields(fields: list[str], allowed) -> str:
    return (f"[publication] の internal_fields に分からない項目があります: {', '.join(fields)}。"
            f"指定できるのは {', '.join(allowed)} です（担当者・連絡先は常に公開しません）。")


def config_missing(path: str) -> str:
    return f"設定ファイル {path} が見つかりません。"


def config_unreadable(path: str, detail: str) -> str:
    return f"設定ファイル {path} を読めません（TOML の書式を確認してください）: {detail}"


# --- command line -----------------------------------------------------------------------
HELP_PUBLISH = "公表用の静的サイト（HTML・オープンデータ）を書き出す"
HELP_YEAR = "公表する年度（例: 2024、令和6年度）"
HELP_OUT = "書き出し先のフォルダ（なければ作成。中身は置き換えます）"
HELP_CONFIG = "[publication] 設定を読む TOML ファイル（既定: .streamlit/secrets.toml）"
HELP_NO_REPORT = "年次報告書（PDF・Excel）を含めない"
HELP_ZIP = "サイト一式を ZIP ファイルにも書き出す"


def bad_year(value: str) -> str:
    return f"年度「{value}」を読み取れません（例: 2024、令和6年度）。"


def no_data(fiscal_year: int, years: list[int]) -> str:
    have = "、".join(f"{y}年度" for y in years) or "なし"
    return f"{fiscal_year}年度の提出データがないため公表サイトを作れません（データのある年度: {have}）。"


def out_not_empty(path: str) -> str:
    return (f"書き出し先 {path} は公表サイト以外のファイルを含むため上書きしません。"
            "空のフォルダか、以前に書き出した公表サイトのフォルダを指定してください。")


def wrote(path: str, pages: int, files: int, seconds: float) -> str:
    return f"公表サイトを書き出しました: {path}（ページ {pages}、ファイル {files}、{seconds:.1f} 秒）"


def wrote_zip(path: str) -> str:
    return f"ZIP を書き出しました: {path}"


REPORT_SKIPPED_FONT = "日本語フォントがないため、年次報告書の PDF は含めていません（Excel 版は含めています）。"

# --- page frame ---------------------------------------------------------------------------
LANG = "ja"
SKIP_LINK = "本文へ移動"
NAV_LABEL = "サイト内の主なページ"
NAV_TOP = "トップ"
NAV_POLICIES = "基本方針"
NAV_PARTNERS = "連携主体"
NAV_OPERATIONS = "市役所の排出量"
NAV_OPINIONS = "意見と市の対応"
NAV_DOWNLOADS = "ダウンロード"
BREADCRUMB = "現在の位置"
DEMO_NOTE = ("このサイトのデータはデモ用の架空のデータです。団体名・数値は説明のためのもので、"
             "実際の市のデータではありません。")
PRINT_NOTE = "このページは印刷できます（グラフとデータ表を含みます）。"


def fy(year: int | None) -> str:
    """2024 → 2024年度（令和6年度）."""
    if year is None:
        return "—"
    return f"{int(year)}年度（{era_year(int(year))}）"


def fy_short(year: int | None) -> str:
    return "—" if year is None else f"{int(year)}年度"


def day(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


def edition_label(fiscal_year: int, number: int | None, frozen_at) -> str:
    """The banner of every page: which edition and when."""
    if number is None:
        return f"{fy(fiscal_year)}の進捗状況 ― 速報"
    return f"{fy(fiscal_year)}の進捗状況 ― 第{number}版（{day(frozen_at)} 確定）"


def edition_detail(number: int | None, data_date, generated_at) -> str:
    if number is None:
        return (f"「速報」は確定（公表版の作成）前のデータです。{day(data_date)}までに提出された"
                f"報告から {day(generated_at)} に作成しました。数値は今後変わることがあります。")
    return (f"この版の確定後に提出された報告は、この版には含まれません。"
            f"サイトの作成日: {day(generated_at)}。")


PRELIMINARY_MARK = "速報"
EDITION_NOTE_LABEL = "この版について"


def page_title(page: str, site: str) -> str:
    return f"{page}｜{site}"


def footer_licence(title: str) -> str:
    return f"このサイトの文章・データは {title} の下で利用できます（出典を表示してください）。"


def footer_publisher(publisher: str) -> str:
    return f"作成: {publisher}"


FOOTER_NOTHING_FETCHED = "このサイトは外部のサーバーから何も読み込みません（インターネットに接続していなくても表示できます）。"

# --- figures and tables ----------------------------------------------------------------------
TABLE_OF = "のデータ"
BLANK = "—"


def table_caption(title: str) -> str:
    return f"表：{title}"


def data_region(title: str) -> str:
    return f"データ表：{title}"


# --- top page --------------------------------------------------------------------------------
TOP_TITLE = "トップ"
TOP_LEAD = ("市は、地球温暖化対策実行計画の取組の進み具合を毎年度まとめて公表しています。"
            "このサイトでは、市域の温室効果ガス排出量、計画の指標の達成状況、事業の実施状況、"
            "市民・事業者など連携する主体の参加、寄せられた意見と市の対応を、グラフとデータ表で紹介します。")
H_HIGHLIGHTS = "この年度のポイント"
H_EMISSIONS = "市域の温室効果ガス排出量"
H_STATUS = "指標の達成状況"
H_POLICIES = "基本方針ごとの状況"
H_PDCA = "事業の実施状況"
H_PARTNERS_SUMMARY = "市民・事業者などとの連携"
L_BASE = "基準年度の排出量"
L_LATEST = "最新の排出量"
L_REDUCTION = "基準年度からの削減率"
L_ACTUAL_RATE = "実際の削減ペース（年平均）"
L_NEEDED_RATE = "目標に必要な削減ペース（年平均）"
L_TARGET = "目標"
KT = "千t-CO2"
STATUS_EXPLAIN = ("「達成」は目標値に到達、「順調」は基準年度から目標年度までをまっすぐ結んだ線（直線経路）"
                  "の上か、それより良い位置、「遅れ」は直線経路より遅れているが基準年度よりは良い、"
                  "「悪化」は基準年度より良くなっていない、「未報告」はこの年度の実績がまだない指標です。")
PACE_EXPLAIN = ("削減ペースは、基準年度から最新の実績年度までの年平均の削減率と、目標年度までに目標に届くために"
                "必要な年平均の削減率を比べたものです。")
EMISSIONS_LAG = "排出量の統計は集計に時間がかかるため、最新の実績は数年前の年度の値です。"
MORE = "詳しく見る"


def pace_sentence(on_track: bool | None, actual: float | None, needed: float | None,
                  latest_year: int | None, target_year: int | None) -> str:
    if on_track is None or actual is None or needed is None:
        return "削減ペースは、実績または目標がないため計算できません。"
    verdict = "目標達成に必要なペースを上回っています" if on_track else "目標達成に必要なペースに届いていません"
    return (f"{fy_short(latest_year)}までの実際の削減ペースは年 {actual:.1f}%、"
            f"{fy_short(target_year)}の目標に必要なペースは年 {needed:.1f}% で、{verdict}。")


def hl_emissions(latest_year: int, latest_kt: float, base_year: int, reduction_pct: float) -> str:
    word = "減りました" if reduction_pct >= 0 else "増えました"
    return (f"市域の温室効果ガス排出量は、最新の統計（{fy_short(latest_year)}）で {latest_kt:,.0f} 千t-CO2。"
            f"基準年度（{fy_short(base_year)}）から {abs(reduction_pct):.1f}% {word}。")


def hl_target(target_year: int, target_reduction_pct: float | None, on_track: bool | None) -> str:
    aim = (f"{fy_short(target_year)}の目標は基準年度から {target_reduction_pct:.0f}% 削減です。"
           if target_reduction_pct is not None else f"{fy_short(target_year)}に目標があります。")
    if on_track is None:
        return aim
    return aim + ("今のペースは、目標に必要なペースを上回っています。" if on_track
                  else "今のペースでは届かないため、取組を強める必要があります。")


def hl_status(total: int, good: int, previous_good: int | None) -> str:
    text = f"計画の {total} 指標のうち {good} 指標が「達成」または「順調」です"
    if previous_good is not None:
        text += f"（前年度は {previous_good} 指標）"
    return text + "。"


def hl_achieved(names: list[str], more: int) -> str:
    listed = "、".join(f"「{n}」" for n in names)
    tail = f" など {len(names) + more} 指標" if more else ""
    return f"目標を達成した指標: {listed}{tail}。"


def hl_behind(n: int) -> str:
    return f"{n} 指標は目標への経路から遅れているか、基準年度より悪くなっています。"


def hl_pdca(actions: int, reported: int, complete: int) -> str:
    return (f"{actions} の事業のうち {reported} 事業が実施状況を報告し、{complete} 事業が"
            "計画・実施・評価・改善（PDCA）の4段階をすべて満たしました。")


def hl_partners(rows: int, types: int, participants: int, co2_t: float) -> str:
    text = f"市民・事業者・大学など {types} 区分の主体と {rows:,} 件の連携があり、参加は延べ {participants:,} 人・団体でした"
    if co2_t > 0:
        text += f"（連携による CO2 削減量 {co2_t:,.1f} t-CO2）"
    return text + "。"


def hl_opinions(n: int, responded: int) -> str:
    return f"環境審議会や市民・事業者から寄せられた {n} 件の意見に対し、{responded} 件に市の対応を示しています。"


def policy_card(indicators: int, good: int, actions: int, complete: int) -> str:
    return (f"指標 {indicators}（「達成」「順調」{good}）・事業 {actions}（PDCA 4段階完了 {complete}）")


L_ACTIONS = "対象の事業"
L_REPORTED = "実施状況を報告した事業"
L_COMPLETE = "PDCA 4段階をすべて満たした事業"
L_COLLABORATIONS = "連携件数"
L_PARTICIPANTS = "参加人数・団体数（延べ）"
L_CO2 = "連携による CO2 削減量"
L_TYPES = "連携した主体の区分"
UNIT_CASES = "件"
UNIT_ACTIONS = "事業"
UNIT_PEOPLE = "人・団体"
UNIT_T = "t-CO2"
UNIT_TYPES = "区分"
PDCA_EXPLAIN = ("P（計画）＝その年度に実施する事業、D（実施）＝実施した、C（評価）＝自己評価をした、"
                "A（改善）＝今後の方向性を決めた（見直しが必要なときは見直し内容も）。")

# --- policy pages ---------------------------------------------------------------------------------


def policy_title(code: str, name: str) -> str:
    return f"基本方針 {code}　{name}"


def policy_lead(measures: int, indicators: int, actions: int) -> str:
    return f"この基本方針には {measures} の施策があり、{indicators} の指標で進み具合を測り、{actions} の事業に取り組んでいます。"


H_MEASURE = "施策"
H_INDICATORS = "指標"
H_ACTIONS = "事業"
NO_INDICATORS = "この施策には指標がありません。"
NO_ACTIONS = "この年度に実施する事業はありません。"
L_ACTUAL = "実績"
L_BASE_VALUE = "基準値"
L_TARGET_VALUE = "目標値"
L_EXPECTED = "直線経路でのこの年度の値"
L_ATTAINMENT = "達成率"
L_STATUS = "状況"
L_DEPARTMENT = "所管課"
L_IMPLEMENTATION = "実施状況"
L_RESULT = "取組実績"
L_EVALUATION = "自己評価"
L_DIRECTION = "今後の方向性"
L_REVISION = "見直し内容"
L_BUDGET = "予算額"
L_SETTLEMENT = "決算額"
L_ISSUES = "課題"
L_PRIORITY = "重点対策加速化事業"
UNIT_K_YEN = "千円"
NOT_REPORTED_ACTION = "この年度の報告はまだありません。"
ATTAINMENT_EXPLAIN = ("達成率＝（実績値 − 基準値）÷（目標値 − 基準値）× 100。"
                      "基準年度の値が 0%、目標値が 100% です。減らす指標も同じ式で計算します。")


def indicator_meaning(name: str, unit: str, status: str, actual: float | None, actual_year: int,
                      base_year: int, base_value: float, target_year: int, target_value: float,
                      expected: float | None, attainment: float | None, direction: str) -> str:
    """What an indicator's numbers mean, in plain words."""
    goal = "増やす" if direction == "増加" else "減らす"
    head = (f"{fy_short(base_year)}の {num(base_value)} {unit} を、{fy_short(target_year)}に "
            f"{num(target_value)} {unit} まで{goal}目標です。")
    if actual is None or status == "未報告":
        return head + f"{fy_short(actual_year)}の実績はまだ報告されていません（統計の公表を待っているものがあります）。"
    body = f"{fy_short(actual_year)}の実績は {num(actual)} {unit}"
    if attainment is not None:
        body += f"で、目標までの道のりの {attainment:.0f}% まで進みました"
    body += "。"
    verdict = {
        "達成": "すでに目標値に届いています。",
        "順調": (f"この年度に直線経路上で見込まれる {num(expected)} {unit} に届いており、順調です。"
                 if expected is not None else "順調です。"),
        "遅れ": (f"この年度に直線経路上で見込まれる {num(expected)} {unit} には届いておらず、遅れています。"
                 if expected is not None else "遅れています。"),
        "悪化": "基準年度より良くなっていません。",
    }.get(status, "")
    return head + body + verdict


def num(value, digits: int | None = None) -> str:
    """A number for reading: thousands separators, up to two decimals (trailing zeros dropped)."""
    if value is None:
        return BLANK
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if v != v:
        return BLANK
    if digits is not None:
        return f"{v:,.{digits}f}"
    if float(v).is_integer():
        return f"{v:,.0f}"
    text = f"{v:,.2f}".rstrip("0").rstrip(".")
    return text


def pct(value, digits: int = 1) -> str:
    return BLANK if is_missing(value) else f"{float(value):.{digits}f}%"


def grade(value: str | None, labels: dict) -> str:
    if not value:
        return BLANK
    return f"{value}（{labels.get(value, '')}）" if value in labels else value


# --- partners -----------------------------------------------------------------------------------
PARTNERS_TITLE = "連携主体"
PARTNERS_LEAD = ("計画は、市だけでなく、市民・事業者・学校・大学・金融機関・市民活動団体・国や県などと"
                 "一緒に進めます。この年度の事業で、どの主体と、どれだけ連携したかを示します。")
H_BY_TYPE = "主体の区分ごとの連携"
H_BY_POLICY = "基本方針ごとの連携"
H_TREND = "連携の推移"
H_ORGANISATIONS = "よく名前が挙がる連携先"
NO_PARTNERS = "この年度の連携の報告はありません。"

# --- operations (事務事業編) ------------------------------------------------------------------
OPERATIONS_TITLE = "市役所の温室効果ガス排出量（事務事業編）"
OPERATIONS_LEAD = ("市役所自身も大きな事業者として、庁舎・学校・上下水道などの施設で使うエネルギーから"
                   "温室効果ガスを出しています。各課が報告した施設ごとのエネルギー使用量に排出係数を掛けて算定しています。")
H_OPERATIONS_TOTAL = "市役所全体の排出量"
H_OPERATIONS_ORGS = "組織ごとの排出量"
WHOLE_GOVERNMENT = "市役所全体"
L_T_CO2 = "排出量（t-CO2）"
L_T_CO2_FIXED = "排出係数を基準年度に固定した排出量（t-CO2）"
L_PROVISIONAL = "暫定"
PROVISIONAL_NOTE = "「暫定」は、その年度の排出係数がまだ公表されていないため、それより前の年度の係数で計算した値です。"


def operations_sentence(year: int, t_co2: float, base_year: int | None, reduction: float | None,
                        target_year: int | None, status: str | None) -> str:
    text = f"{fy_short(year)}の市役所全体の排出量は {t_co2:,.0f} t-CO2"
    if base_year is not None and reduction is not None:
        word = "削減" if reduction >= 0 else "増加"
        text += f"で、基準年度（{fy_short(base_year)}）から {abs(reduction):.1f}% {word}"
    text += "です。"
    if status and target_year:
        text += f"{fy_short(target_year)}の目標に向けた状況は「{status}」です。"
    return text


# --- opinions ----------------------------------------------------------------------------------------
OPINIONS_TITLE = "意見と市の対応"
OPINIONS_LEAD = ("計画の進み具合について、環境審議会や市民・事業者などから寄せられた意見と、"
                 "それに対する市の対応方針です。")
OPINIONS_NONE = "公表している意見はまだありません。"
SOURCE_COUNCIL = "環境審議会"
L_SOURCE = "意見の出どころ"
L_TARGET_OF = "対象"
L_OPINION = "意見"
L_RESPONSE = "市の対応"
L_FOLLOWUP = "対応状況"
NO_RESPONSE = "対応を検討しています。"
PLAN_WIDE = "計画全体"


def opinions_year(year: int) -> str:
    return f"{fy_short(year)}の取組（年次報告書）に対する意見"


# --- downloads --------------------------------------------------------------------------------------
DOWNLOADS_TITLE = "ダウンロード・オープンデータ"
DOWNLOADS_LEAD = ("年次報告書と、このサイトの数値のもとになったデータを自由に使える形式で提供しています。"
                  "CSV ファイルは文字コード UTF-8（BOM 付き）で、1 行目が項目名、先頭の 2 列が全国地方公共団体コードと"
                  "地方公共団体名です。各ファイルの項目・型・単位は datapackage.json（Frictionless Data Package）に記載しています。")
H_REPORT = "年次報告書"
H_OPEN_DATA = "オープンデータ"
H_LICENCE = "利用条件"
REPORT_PDF = "年次報告書（PDF）"
REPORT_XLSX = "年次報告書（Excel）"
REPORT_NONE = "この版の年次報告書はありません。"
COL_FILE = "ファイル"
COL_CONTENTS = "内容"
COL_ROWS = "行数"
COL_SIZE = "サイズ"
DATAPACKAGE = "データパッケージの説明（datapackage.json）"


def size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    return f"{max(1, round(n / 1000))} KB"


def licence_sentence(title: str) -> str:
    return f"このサイトの文章とオープンデータは {title} の下で提供します。利用するときは出典（作成者名）を表示してください。"


# --- open data (titles of the files and their fields) -------------------------------------------------
DP_TITLE = "地球温暖化対策実行計画 進捗状況オープンデータ"


def dp_title(municipality: str, fiscal_year: int, edition: str) -> str:
    return f"{municipality} 地球温暖化対策実行計画 進捗状況 {fy_short(fiscal_year)}（{edition}）"


def dp_description(municipality: str, fiscal_year: int) -> str:
    return (f"{municipality}の地球温暖化対策実行計画の{fy_short(fiscal_year)}の進捗状況（指標の達成状況、"
            "事業の PDCA、連携主体、温室効果ガス排出量）。年次報告書と同じ数値です。")


def edition_short(number: int | None, frozen_at) -> str:
    return PRELIMINARY_MARK if number is None else f"第{number}版 {day(frozen_at)}"


RES_INDICATORS = ("指標", "計画の指標ごとの実績値・目標値・達成率・状況（この年度）")
RES_ACTIONS = ("事業", "事業ごとの実施状況・自己評価・今後の方向性と PDCA の段階（この年度）")
RES_PARTNERS = ("連携主体", "事業ごとの連携主体・参加人数・CO2 削減量（この年度）")
RES_EMISSIONS = ("排出量（区域）", "市域の温室効果ガス排出量の部門別の基準・実績・目標")
RES_OPERATIONS = ("事務事業編", "市役所の温室効果ガス排出量（市役所全体と組織ごと、この年度まで）")
RES_OPINIONS = ("意見と市の対応", "環境審議会・市民・事業者などの意見と市の対応方針（この年度まで）")
F_CODE = "全国地方公共団体コード"
F_MUNICIPALITY = "地方公共団体名"


def top_heading(fiscal_year: int) -> str:
    return f"{fy(fiscal_year)}の進み具合"


def more_link(page: str) -> str:
    return f"{page}のページで詳しく見る"


# --- chart text alternatives (the figure's <img alt>) -------------------------------------------
ALT_EMISSIONS = "棒グラフは部門別の排出量（基準年度と実績）、点線は基準年度から目標までの直線経路です。"
ALT_ATTAINMENT = "横棒は指標ごとの達成率、黒い縦線は直線経路で今あるべき位置、点線は目標（100%）です。"
ALT_HEATMAP = "色が濃いほど連携件数が多いことを示します。値は下の表のとおりです。"
ALT_TREND = "年度ごとの連携件数を主体の区分で積み上げた棒グラフです。"


def alt_text(title: str, *parts: str) -> str:
    """A chart's text alternative: its message (the title), how to read it, the values."""
    return "。".join([title.rstrip("。")] + [p.rstrip("。") for p in parts if p]) + "。"


def alt_values(pairs) -> str:
    """"市民 13件、事業者 43件" from (label, count) pairs."""
    return "、".join(f"{label} {count:,}件" for label, count in pairs)


def alt_status(counts: dict) -> str:
    return "、".join(f"{s} {n}" for s, n in counts.items())


def n_indicators(n) -> str:
    return f"{int(n)} 指標"


COL_INDICATORS = "指標数"
COL_PREVIOUS = "前年度"
COL_CHANGE = "前年度からの増減"
COL_ORGANISATION_UNIT = "組織"
COL_EXPECTED_T = "直線経路での値（t-CO2）"
COL_REDUCTION = "基準年度からの削減率（%）"

# --- open-data fields: resource → column → (CSV header, description) ------------------------------
_FY_FIELD = ("年度", "年度（4月〜翌年3月、始まる年の西暦）")
_CODES = {
    "department_code": ("所管課コード", ""), "department_name": ("所管課名", ""),
    "measure_code": ("施策コード", ""), "measure_name": ("施策名", ""),
    "policy_code": ("基本方針コード", ""), "policy_name": ("基本方針名", ""),
}
OPEN_DATA_FIELDS = {
    "indicators": {
        "fiscal_year": _FY_FIELD,
        "indicator_code": ("指標コード", ""), "indicator_name": ("指標名", ""),
        "unit": ("単位", "実績値・基準値・目標値の単位"),
        "direction": ("方向", "増加＝増えるほど良い、減少＝減るほど良い"),
        "base_year": ("基準年度", ""), "base_value": ("基準値", ""),
        "target_year": ("目標年度", ""), "target_value": ("目標値", ""),
        "actual_value": ("実績値", "この年度の実績値（空欄＝未報告）"),
        "expected_value": ("直線経路の値", "基準年度から目標年度まで直線で進んだ場合のこの年度の値"),
        "attainment_pct": ("達成率（%）", "（実績値 − 基準値）÷（目標値 − 基準値）× 100"),
        "status": ("状況", "達成・順調・遅れ・悪化・未報告"),
        **_CODES,
        "note": ("備考", ""),
    },
    "actions": {
        "fiscal_year": _FY_FIELD,
        "action_code": ("事業コード", ""), "action_name": ("事業名", ""),
        **_CODES,
        "priority": ("重点対策", "重点対策加速化事業"),
        "reported": ("報告あり", "この年度の取組状況報告に記載があるか"),
        "implementation_status": ("実施状況", ""),
        "result_text": ("取組実績", ""),
        "budget_k_yen": ("予算額（千円）", ""), "settlement_k_yen": ("決算額（千円）", ""),
        "self_evaluation": ("自己評価", "A 計画以上、B 概ね計画どおり、C やや遅れ、D 遅れ・未着手、− 評価不能"),
        "issues_text": ("課題", ""),
        "direction": ("今後の方向性", ""),
        "revision_text": ("見直し内容", ""),
        "plan": ("P（計画）", "この年度に実施する事業"),
        "do": ("D（実施）", "実施状況が未実施以外で報告された"),
        "check": ("C（評価）", "自己評価（−以外）がある"),
        "act": ("A（改善）", "今後の方向性（必要なときは見直し内容も）がある"),
        "stages": ("PDCA段階数", "P・D・C・A のうち満たした段階の数（0〜4）"),
    },
    "partners": {
        "fiscal_year": _FY_FIELD,
        "action_code": ("事業コード", ""), "action_name": ("事業名", ""),
        **_CODES,
        "stakeholder_type": ("連携主体区分", ""),
        "organisation": ("主体名", ""),
        "participants": ("参加人数・団体数", ""),
        "co2_reduction_t": ("CO2削減量（t-CO2）", ""),
        "content": ("連携内容", ""),
    },
    "emissions": {
        "fiscal_year": _FY_FIELD,
        "sector": ("部門", "森林吸収は吸収量（負の値）"),
        "kind": ("区分", "基準＝基準年度の排出量、実績＝その後の実績、目標＝目標年度の目標"),
        "kt_co2": ("排出量（千t-CO2）", ""),
    },
    "operations": {
        "fiscal_year": _FY_FIELD,
        "organisation_code": ("組織コード", "空欄＝市役所全体"),
        "organisation_name": ("組織名", ""),
        "t_co2": ("排出量（t-CO2）", ""),
        "t_co2_fixed": ("基準年度の係数による排出量（t-CO2）", "排出係数を基準年度のものに固定して計算した排出量"),
        "base_year": ("基準年度", ""),
        "base_t_co2": ("基準年度の排出量（t-CO2）", ""),
        "target_year": ("目標年度", ""),
        "target_t_co2": ("目標排出量（t-CO2）", ""),
        "expected_t_co2": ("直線経路の排出量（t-CO2）", ""),
        "reduction_pct": ("基準年度からの削減率（%）", ""),
        "status": ("状況", ""),
        "provisional": ("暫定", "前年度の排出係数による暫定値"),
        "facilities_reported": ("報告された施設数", ""),
        "facilities_in_use": ("使用中の施設数", ""),
    },
    "opinions": {
        "fiscal_year": _FY_FIELD,
        "source": ("意見の区分", "環境審議会・市民・事業者など"),
        "level": ("対象区分", ""), "target_code": ("対象コード", ""), "target_name": ("対象名", ""),
        "opinion_text": ("意見", ""), "response_text": ("市の対応", ""),
        "status": ("対応状況", ""),
    },
}
F_CODE_DESCRIPTION = "全国地方公共団体コード（6桁）"
OD_UNIT = "（単位: {unit}）"
OD_KEYWORDS = ("地球温暖化対策実行計画", "ゼロカーボン", "温室効果ガス")
UNIT_FACILITIES = "施設"

H_POLICY_SUMMARY = "この年度の概況"

# --- the 公表 page of the app ---------------------------------------------------------------------
PAGE_SITE_HEADING = "公表サイト（ZIP）"
SITE_BUILD_BUTTON = "公表サイトを作成"
SITE_BUILDING = "公表サイトを作成しています（グラフと年次報告書を含むため、しばらくかかります）…"
SITE_DOWNLOAD = "公表サイト（ZIP）をダウンロード"


def page_site_help(edition_label: str | None) -> str:
    source = f"最新の公表版（{edition_label}）" if edition_label else "現在のデータ（「速報」と表示されます）"
    # (shown in st.caption: no `code` in it, whose grey box on the caption's grey text fails
    # axe's colour contrast)
    return (f"この年度の公表サイトを、{source}から作成します。ZIP を展開したフォルダは、"
            "ウェブサーバーに置いても、USB メモリからブラウザで開いても表示でき、外部から何も読み込みません。"
            "担当者名・連絡先と、設定（[publication] の internal_fields）で非公開にした項目は含みません。"
            "コマンドでは「python -m pipeline publish --year 年度 --out フォルダ」で作成できます。")


def site_built(pages: int, files: int, seconds: float) -> str:
    return f"公表サイトを作成しました（ページ {pages}、ファイル {files}、{seconds:.0f} 秒）。"


def site_zip_name(fiscal_year: int) -> str:
    return f"site-fy{int(fiscal_year)}.zip"


def narrative_mark(saved: bool) -> str:
    """Which text the page shows (contract section 10): HQ's saved text, else the draft."""
    return ("この文章は事務局が確認・編集したものです。" if saved
            else "この文章は数値から自動で作成した下書きです（事務局による編集前）。")

H_OPERATIONS_ACTIVITY = "エネルギーの種類ごとの排出量"
COL_EXPECTED_REDUCTION = "直線経路での削減率（%）"
COL_TARGET_REDUCTION = "目標の削減率（%）"
COL_SHARE = "割合（%）"


def alt_values_t(pairs) -> str:
    """"電気 12,345.6 t-CO2、都市ガス …" from (label, t-CO2) pairs."""
    return "、".join(f"{label} {value:,.1f} t-CO2" for label, value in pairs)
