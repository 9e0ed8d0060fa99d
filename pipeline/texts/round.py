"""Japanese strings of the HQ's yearly round: deadlines, reminders, the drafted narrative."""
from __future__ import annotations

from datetime import date

WEEKDAYS = "月火水木金土日"


def date_ja(d: date) -> str:
    """2025-05-30 → 2025年5月30日（金）."""
    return f"{d.year}年{d.month}月{d.day}日（{WEEKDAYS[d.weekday()]}）"


# --- 提出状況: deadline and what is missing ---------------------------------------------

NO_EMAIL = "（未登録）"
SUBMITTED_COMPLETE = "提出済"
SUBMITTED_INCOMPLETE = "提出済・記入漏れあり"
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
GAPS_COLUMNS = {"department_code": "所管課コード", "department_name": "所管課名",
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
