"""Japanese strings of the HQ's yearly round: deadlines, reminders, the drafted narrative."""
from __future__ import annotations

from datetime import date

WEEKDAYS = "月火水木金土日"


def date_ja(d: date) -> str:
    """2025-05-30 → 2025年5月30日（金）."""
    return f"{d.year}年{d.month}月{d.day}日（{WEEKDAYS[d.weekday()]}）"


# --- 提出状況: deadline and what is missing ---------------------------------------------

NO_EMAIL = "（未登録）"
SUBMITTED_COMPLETE = "提出済み"
SUBMITTED_INCOMPLETE = "提出済み・記入漏れあり"
NOT_SUBMITTED = "未提出"


def state_label(submitted: bool, complete: bool, days_left: int | None) -> str:
    if submitted:
        return SUBMITTED_COMPLETE if complete else SUBMITTED_INCOMPLETE
    if days_left is None:
        return NOT_SUBMITTED
    if days_left > 0:
        return f"{NOT_SUBMITTED}（期限まで残り{days_left}日）"
    if days_left == 0:
        return f"{NOT_SUBMITTED}（本日が期限）"
    return f"{NOT_SUBMITTED}（期限から{-days_left}日超過）"


def items_cell(items) -> str:
    """(code, name) pairs as one table cell."""
    return "、".join(f"{code} {name}" for code, name in items) if items else ""


def deadline_caption(fy: int, deadline: date | None, days_left: int | None, set_by: str | None,
                     set_at) -> str:
    if deadline is None:
        return f"{fy}年度の提出期限はまだ設定されていません。"
    if days_left > 0:
        when = f"期限まで残り{days_left}日です。"
    elif days_left == 0:
        when = "本日が期限です。"
    else:
        when = f"期限から{-days_left}日が過ぎています。"
    who = f"（設定: {set_by}、{set_at:%Y-%m-%d %H:%M}）" if set_by and set_at else ""
    return f"{fy}年度の提出期限は{date_ja(deadline)}です。{when}{who}"


DEADLINE_HEADER = "提出期限"
DEADLINE_LABEL = "提出期限"
DEADLINE_SAVE = "提出期限を保存"
DEADLINE_SAVED = "提出期限を保存しました。"
GAPS_HEADER = "記入漏れ・未提出の確認"
GAPS_CAPTION = ("報告されていない事業、実績値のない指標、エネルギー使用量のない使用中の施設"
                "（事務事業編のデータがある場合）を所管課ごとに示します。")
ALL_COMPLETE = "対象のすべての所管課が提出し、記入漏れもありません。"
NO_EXPECTED = "この年度に報告の対象となる所管課はありません。"
GAPS_COLUMNS = {"department_code": "所管課コード", "department_name": "所管課",
                "state": "状況", "missing_actions": "未報告の事業",
                "missing_indicators": "実績値のない指標",
                "missing_facilities": "エネルギー使用量のない施設", "email": "連絡先メール"}
REMIND_HEADER = "督促メール"
REMIND_CAPTION = ("未提出または記入漏れのある所管課ごとに、不足している内容と提出期限を記した"
                  "メール（.eml）を作成します。メールソフトで開いて送るか、SMTPサーバーが設定"
                  "されていればここから送信できます。")
REMIND_NEEDS_DEADLINE = "督促メールを作るには、先に提出期限を設定してください。"
REMIND_NONE = "督促の対象となる所管課はありません。"
REMIND_ZIP = "督促メール（.eml）をまとめてダウンロード（ZIP）"
REMIND_SEND = "督促メールを送信"
REMIND_CONFIRM = "宛先を確認しました。送信します。"
REMIND_NO_SMTP = ("SMTPサーバーが設定されていないため、ここからは送信できません。"
                  ".streamlit/secrets.toml の [smtp] か環境変数 PDCA_SMTP_HOST などを設定してください。")
HQ_ONLY = "提出期限の設定と督促メールは、ゼロカーボン推進戦略課（本部）のアカウントでサインインすると使えます。"


def remind_count(n: int, without_email: int) -> str:
    text = f"督促の対象は{n}課です。"
    if without_email:
        text += f"うち{without_email}課は連絡先メールが未登録です（宛先なしで作成します）。"
    return text


def no_email_warning(names: list[str]) -> str:
    return ("次の所管課は計画マスタに連絡先メールがないため、宛先なしで作成しました"
            "（送信はされません）: " + "、".join(names))


def sent_summary(sent: int, total: int) -> str:
    return f"{total}通のうち{sent}通を送信しました。"


# --- reminder messages -------------------------------------------------------------------

DEFAULT_SENDER_NAME = "ゼロカーボン推進戦略課（計画進行管理事務局）"
DEFAULT_FROM = "zero-carbon-hq@example.invalid"
TEMPLATE_WHERE = ("事前記入済みの提出様式は、進捗管理ダッシュボードの「提出」ページで年度を選んで"
                  "ダウンロードできます")


def reminder_subject(fy: int, deadline: date, submitted: bool) -> str:
    what = "記入漏れのご確認" if submitted else "ご提出"
    return f"【{fy}年度 取組状況報告】{what}のお願い（提出期限 {deadline.month}月{deadline.day}日）"


def reminder_body(*, fy: int, department_name: str, deadline: date, days_left: int,
                  submitted: bool, actions, indicators, facilities, template_url: str | None,
                  sender: str) -> str:
    lines = [f"{department_name}　ご担当者様", "",
             "いつもお世話になっております。",
             f"{sender}です。", ""]
    if submitted:
        lines.append(f"{fy}年度の取組状況報告をご提出いただき、ありがとうございました。")
        lines.append("確認しましたところ、次の項目の記入が漏れているようです。"
                     "お手数ですが、記入のうえ再提出をお願いいたします。")
    else:
        lines.append(f"{fy}年度の取組状況報告（取組状況報告書）について、まだご提出を確認できて"
                     "おりません。お忙しいところ恐縮ですが、期限までにご提出をお願いいたします。")
    lines.append("")
    lines.append(f"■ 提出期限: {date_ja(deadline)}")
    if days_left < 0:
        lines.append(f"　（期限から{-days_left}日が過ぎています。至急ご対応をお願いいたします。）")
    elif days_left == 0:
        lines.append("　（本日が期限です。）")
    else:
        lines.append(f"　（期限まで残り{days_left}日です。）")
    lines.append("")
    heading = "■ 記入が漏れている項目" if submitted else "■ ご報告いただく項目"
    lines.append(heading)
    if actions:
        lines.append(f"・取組実績シートの事業（{len(actions)}件）")
        lines += [f"　　{code}　{name}" for code, name in actions]
    if indicators:
        lines.append(f"・指標実績シートの実績値（{len(indicators)}件）")
        lines += [f"　　{code}　{name}" for code, name in indicators]
    if facilities:
        lines.append(f"・エネルギー使用量シートの施設（{len(facilities)}件）")
        lines += [f"　　{code}　{name}" for code, name in facilities]
    if not (actions or indicators or facilities):
        lines.append("・取組状況報告書一式")
    lines.append("")
    where = TEMPLATE_WHERE + (f"（{template_url}）" if template_url else "") + "。"
    lines.append("■ 提出様式")
    lines.append(where)
    lines.append("記入済みの様式は、同じページからアップロードしてご提出ください。")
    lines.append("")
    lines.append("ご不明な点がありましたら、本メールへの返信でお知らせください。")
    lines.append("どうぞよろしくお願いいたします。")
    lines.append("")
    lines.append("――――――――――――――――――――")
    lines.append(sender)
    lines.append("（本メールは進捗管理ダッシュボードから作成しました）")
    return "\n".join(lines) + "\n"


# --- command line --------------------------------------------------------------------------

HELP_ROUND = "年度の提出期限を設定・表示する"
HELP_REMIND = "未提出・記入漏れの所管課あての督促メール（.eml）を作る（--send で送信）"
HELP_NARRATIVE = "年次報告書の文章の下書きを表示する"
HELP_DEADLINE = "提出期限（YYYY-MM-DD）"
HELP_OUT_DIR = ".eml を書き出すフォルダ（なければ作成）"
HELP_SEND = "設定したSMTPサーバーで送信する"
HELP_JSON = "JSON で出力する"
HELP_PRIORITY = "重点対策の事業だけを対象にする"


def bad_date(value: str) -> str:
    return f"提出期限「{value}」は日付として読めません。YYYY-MM-DD の形で指定してください（例: 2025-05-30）。"


def deadline_set(fy: int, deadline: date) -> str:
    return f"{fy}年度の提出期限を{date_ja(deadline)}に設定しました。"


def deadline_none(fy: int) -> str:
    return f"{fy}年度の提出期限は未設定です（--deadline YYYY-MM-DD で設定できます）。"


def no_deadline_for_remind(fy: int) -> str:
    return (f"{fy}年度の提出期限が設定されていないため、督促メールを作れません。"
            f"先に python -m pipeline round --year {fy} --deadline YYYY-MM-DD で設定してください。")


def wrote_messages(n: int, out: str) -> str:
    return f"督促メール{n}通を {out} に書き出しました。"


def wrote_message(path: str, to: str | None) -> str:
    return f"  {path} → {to or '（宛先なし）'}"


def cannot_write(out: str, exc: Exception) -> str:
    return f"督促メールを {out} に書き出せませんでした（{exc.strerror or exc}）。フォルダを確認してください。"


def no_reminders(fy: int) -> str:
    return f"{fy}年度は未提出・記入漏れの所管課がないため、督促メールはありません。"


def missing_email(code: str, name: str) -> str:
    return f"警告: {code} {name} は計画マスタに連絡先メールがないため、宛先なしで書き出しました（送信しません）。"


def sent_one(to: str) -> str:
    return f"  送信しました → {to}"


def not_sent(n: int) -> str:
    return f"{n}通は送信していません。"


NO_MASTER = "計画マスタがまだ登録されていません。"


# --- SMTP ----------------------------------------------------------------------------------

SMTP_NOT_CONFIGURED = ("SMTPサーバーが設定されていません。.streamlit/secrets.toml の [smtp]（host, port, "
                       "user, password, starttls, from）か、環境変数 PDCA_SMTP_HOST などで設定してください。"
                       "メールは送信されていません。")


def smtp_bad_port(value) -> str:
    return f"SMTPのポート番号「{value}」が数字ではありません。"


def smtp_bad_bool(value) -> str:
    return f"SMTPの starttls「{value}」は true か false で指定してください。"


def smtp_connect_failed(host: str, port: int, reason: str) -> str:
    return (f"メールサーバー {host}:{port} に接続できませんでした（{reason}）。"
            "サーバー名・ポート番号・ネットワークを確認してください。メールは送信されていません。")


def smtp_starttls_failed(host: str, port: int, reason: str) -> str:
    return (f"メールサーバー {host}:{port} との暗号化（STARTTLS）を開始できませんでした（{reason}）。"
            "メールは送信されていません。")


def smtp_auth_failed(host: str, port: int, reason: str) -> str:
    return (f"メールサーバー {host}:{port} でユーザー名またはパスワードが受け付けられませんでした（{reason}）。"
            "メールは送信されていません。")


def smtp_send_failed(host: str, port: int, to: str, reason: str) -> str:
    return f"メールサーバー {host}:{port} が {to} あてのメールを受け付けませんでした（{reason}）。"


# --- the drafted narrative (です・ます; counts with 件, percentages with one decimal) ----------

NARRATIVE_STYLE = "です・ます"
OVERVIEW_TITLE = "概要"
OPERATIONS_TITLE = "市の事務事業に伴う排出量（事務事業編）"
MARK_SAVED = "保存済みの文章"
MARK_DRAFT = "自動作成の下書き"


def kt(value: float) -> str:
    return f"{value:,.1f}千t-CO2"


def tco2(value: float) -> str:
    return f"{value:,.1f}t-CO2"


def pct1(value: float) -> str:
    return f"{value:.1f}%"


def count(n: int) -> str:
    return f"{int(n):,}件"


def _updown(value: float, down: str = "減少", up: str = "増加") -> str:
    return down if value < 0 else up


def names_list(names: list[str], limit: int = 3) -> str:
    shown = "、".join(f"「{n}」" for n in names[:limit])
    rest = len(names) - limit
    return shown + (f"ほか{count(rest)}" if rest > 0 else "")


EMISSIONS_NO_BASE = "計画マスタに基準年度の排出量がないため、区域の排出量は記載していません。"


def emissions_no_actual(base_year: int, base_kt: float, fy: int) -> str:
    return (f"区域の温室効果ガス排出量は、基準年度（{base_year}年度）が{kt(base_kt)}です。"
            f"{fy}年度までの実績はまだ計画マスタに登録されていないため、増減は記載していません。")


def emissions_latest(latest_year: int, latest_kt: float, base_year: int, base_kt: float,
                     reduction_pct: float) -> str:
    head = (f"区域の温室効果ガス排出量（森林吸収を差し引いた正味の量）は、最新の実績である"
            f"{latest_year}年度に{kt(latest_kt)}で、基準年度（{base_year}年度）の{kt(base_kt)}から")
    if round(reduction_pct, 1) == 0:
        return head + "ほぼ変わっていません。"
    return head + f"{pct1(abs(reduction_pct))}{'減少' if reduction_pct > 0 else '増加'}しました。"


def emissions_previous(previous_year: int, previous_kt: float, change_pct: float) -> str:
    head = f"前回の実績（{previous_year}年度）の{kt(previous_kt)}と比べると、"
    if round(change_pct, 1) == 0:
        return head + "ほぼ同じです。"
    return head + f"{pct1(abs(change_pct))}{_updown(change_pct)}しています。"


EMISSIONS_ONE_ACTUAL = "実績は1か年度分のみのため、実績どうしの増減は示していません。"
PACE_NO_TARGET = "目標年度の排出量が計画マスタにないため、削減のペースは評価していません。"
PACE_NO_RATE = "基準年度からの年平均削減率を計算できないため、削減のペースは評価していません。"


def pace(actual: float, needed: float, target_year: int, target_kt: float, on_track: bool) -> str:
    head = (f"基準年度からの年平均削減率は{pct1(actual)}で、{target_year}年度の目標（{kt(target_kt)}）"
            f"の達成に必要な年平均{pct1(needed)}")
    if on_track:
        return head + "以上であり、現在のペースは目標の達成に十分です。"
    return head + "に届いておらず、目標の達成には削減の加速が必要です。"


def no_submissions(fy: int) -> str:
    return (f"{fy}年度の取組状況報告はまだ提出されていないため、指標・事業・連携主体の状況は"
            "記載していません。")


def status_counts(subject: str, counts: dict[str, int], statuses) -> str:
    parts = "、".join(f"{s}{count(counts.get(s, 0))}" for s in statuses)
    return f"{subject}{count(sum(counts.values()))}の状況は、{parts}です。"


def no_indicators(fy: int) -> str:
    return f"{fy}年度に評価の対象となる指標はありません。"


def good_change(previous: int, current: int) -> str:
    if current == previous:
        return f"達成・順調の合計は{count(current)}で、前年度と同じです。"
    return (f"達成・順調の合計は前年度の{count(previous)}から{count(current)}に"
            f"{'増えました' if current > previous else '減りました'}。")


def no_previous(fy: int) -> str:
    return f"{fy - 1}年度の報告がないため、前年度との比較は行っていません。"


def pdca(actions: int, reported: int, complete: int, pct: float | None) -> str:
    share = f"（{pct1(pct)}）" if pct is not None else ""
    return (f"事業{count(actions)}のうち{count(reported)}について報告があり、PDCAの4段階"
            f"（計画・実施・評価・改善）がすべてそろった事業は{count(complete)}{share}です。")


def pdca_change(previous_pct: float, change: float) -> str:
    if round(change, 1) == 0:
        return f"4段階がそろった割合は前年度（{pct1(previous_pct)}）と同じです。"
    return (f"4段階がそろった割合は前年度（{pct1(previous_pct)}）から{abs(change):.1f}ポイント"
            f"{'上昇' if change > 0 else '低下'}しました。")


def no_partners(fy: int) -> str:
    return f"{fy}年度に報告された連携主体との連携はありません。"


def partners(collaborations: int, participants: int, co2_t: float) -> str:
    return (f"連携主体との連携は{count(collaborations)}で、参加人数・団体数は延べ{int(participants):,}人・団体、"
            f"報告されたCO2削減量は{tco2(co2_t)}です。")


def partners_change(previous: int, current: int) -> str:
    if current == previous:
        return "連携の件数は前年度と同じです。"
    return (f"連携の件数は前年度の{count(previous)}から"
            f"{'増えました' if current > previous else '減りました'}。")


def council_open(n: int) -> str:
    if n == 0:
        return "環境審議会から受けた意見のうち、対応が済んでいないものはありません。"
    return f"環境審議会から受けた意見のうち、対応が済んでいないものが{count(n)}あります。"


# policy paragraphs

PRIORITY_SCOPE = ("重点対策（重点対策加速化事業）の事業と、それに関係する指標・連携主体に限って記載しています"
                  "（区域の排出量は市全体の値です）。")
POLICY_NO_PRIORITY = "この基本方針には重点対策の事業がありません。"

def policy_no_report(fy: int) -> str:
    return f"この基本方針の事業は、{fy}年度の報告がまだありません。"


def policy_pdca(actions: int, complete: int, pct: float | None) -> str:
    share = f"（{pct1(pct)}）" if pct is not None else ""
    return f"事業{count(actions)}のうち、PDCAの4段階がそろったものは{count(complete)}{share}です。"


def mover_up(name: str, before: float, after: float) -> str:
    return (f"前年度から達成率が最も上がった指標は「{name}」で、{pct1(before)}から{pct1(after)}へ"
            f"{round(after, 1) - round(before, 1):.1f}ポイント上昇しました。")


def mover_down(name: str, before: float, after: float) -> str:
    return (f"達成率が最も下がった指標は「{name}」で、{pct1(before)}から{pct1(after)}へ"
            f"{round(before, 1) - round(after, 1):.1f}ポイント低下しました。")


MOVERS_NONE_COMPARABLE = "前年度と比べられる指標の実績がないため、指標の変化は記載していません。"
MOVERS_UNCHANGED = "前年度と比べて達成率が変わった指標はありません。"


def lagging(names: list[str]) -> str:
    if not names:
        return "自己評価がC（やや遅れ）またはD（遅れ・未着手）の事業はありません。"
    return (f"自己評価がC（やや遅れ）またはD（遅れ・未着手）の事業は{count(len(names))}で、"
            f"{names_list(names)}です。")


def revising(names: list[str]) -> str:
    if not names:
        return "今後の方向性を改善・縮小・休止・廃止として見直す事業はありません。"
    return (f"今後の方向性を改善・縮小・休止・廃止として見直す事業は{count(len(names))}"
            f"（{names_list(names)}）です。")


# 事務事業編

def operations_no_data(fy: int) -> str:
    return f"{fy}年度の市の事務事業のエネルギー使用量は、まだ報告されていません。"


def operations_total(fy: int, t: float, base_year: int, base_t: float, reduction_pct: float,
                     provisional: bool) -> str:
    head = f"市の事務事業に伴う温室効果ガス排出量は、{fy}年度に{tco2(t)}"
    if provisional:
        head += "（一部に暫定の排出係数を使用）"
    head += f"で、基準年度（{base_year}年度）の{tco2(base_t)}から"
    if round(reduction_pct, 1) == 0:
        return head + "ほぼ変わっていません。"
    return head + f"{pct1(abs(reduction_pct))}{'減少' if reduction_pct > 0 else '増加'}しました。"


def operations_target(target_year: int, target_t: float, status: str) -> str:
    return f"{target_year}年度の目標は{tco2(target_t)}で、目標に対する状況は「{status}」です。"


def operations_change(previous_year: int, change: float, usage: float, factor: float,
                      factor_share: float | None) -> str:
    if round(change, 1) == 0:
        head = f"前年度（{previous_year}年度）からの増減はほとんどありません。"
    else:
        head = f"前年度（{previous_year}年度）から{tco2(abs(change))}{_updown(change)}しました。"
    head += (f"要因を分けると、使用量の変化によるものが{tco2(abs(usage))}の{_updown(usage)}、"
             f"排出係数（主に電気）の変化によるものが{tco2(abs(factor))}の{_updown(factor)}です。")
    if factor_share is not None:
        head += f"増減要因の大きさのうち、排出係数の変化が占める割合は{pct1(factor_share)}です。"
    return head


OPERATIONS_NO_PREVIOUS = "前年度のデータがないため、増減の要因は示していません。"


# --- 年次報告書 page: the narrative editor ---------------------------------------------------

EMPTY_TEXT = "空の文章は保存できません。下書きに戻すときは「下書きを入れる」を押してから保存してください。"
NARRATIVE_HEADER = "報告書の文章"
NARRATIVE_CAPTION = ("数値から自動で作った下書きです。段落ごとに編集して保存すると、年次報告書"
                     "（PDF・Excel）と公表サイトには保存した文章が使われます（保存しない段落は下書きのまま）。")
NARRATIVE_SAVE = "この段落を保存"
NARRATIVE_RESET = "下書きを入れる"
NARRATIVE_SAVED = "保存しました。"
NARRATIVE_PRIORITY_NOTE = "重点対策のみの文章です（全体の文章とは別に保存されます）。"
NARRATIVE_VERSIONS = "保存の履歴"
NARRATIVE_HQ_ONLY = "文章の編集と保存は、本部のアカウントでサインインすると使えます。"


def saved_caption(version: int, saved_by: str, saved_at) -> str:
    return f"{MARK_SAVED}（第{version}版、{saved_by}、{saved_at:%Y-%m-%d %H:%M}）"


DRAFT_CAPTION = "自動作成の下書き（まだ保存されていません）"
DRAFT_DIFFERS = "保存した後に数値が変わり、下書きの内容が保存した文章と異なっています。"

SHEET_NARRATIVE = "本文"
NARRATIVE_SHEET_HEADERS = ("段落", "文章", "区分", "保存した人", "保存日時")


# Narrative subjects (the 概要 and each basic policy's paragraph) and the SMTP reason shown
# when the server does not answer.
SUBJECT_INDICATORS = "指標"
SUBJECT_POLICY_INDICATORS = "この基本方針の指標"
SMTP_NO_RESPONSE = "応答がありません"
