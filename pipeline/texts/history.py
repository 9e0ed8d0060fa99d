"""Japanese texts of the history page (提出履歴): versions, provenance, audit log."""
from __future__ import annotations

from pipeline.ingest import contract as _c

TITLE = "提出履歴"
INTRO = ("所管課・年度ごとに、これまでに登録されたすべての版を表示します。"
         "新しい版を登録しても以前の版は削除されず、推進本部は以前の版に戻せます。")
TAB_VERSIONS = "版の一覧"
TAB_PROVENANCE = "数値の出典"
TAB_AUDIT = "監査ログ"
ALL = "すべて"
DEPARTMENT = "所管課"
FISCAL_YEAR = "年度"


def year_label(year: int) -> str:
    return f"{year}年度"


NO_SUBMISSIONS = "条件に合う提出はありません。"

HISTORY_COLUMNS = {
    "submission_id": "提出ID",
    "department_code": "所管課コード",
    "department_name": "所管課",
    "fiscal_year": "年度",
    "file_name": "ファイル名",
    "sha256": "SHA-256",
    "loaded_at": "登録日時",
    "loaded_by": "登録者",
    "status": "状態",
    "warning_count": "警告数",
    "status_changed_at": "状態の変更日時",
}
STATUS_LABELS = {_c.SUBMISSION_ACTIVE: "現在の版", _c.SUBMISSION_SUPERSEDED: "以前の版"}

VERSION_SELECT = "版を選ぶ"


def version_option(submission_id, department, year, status) -> str:
    return f"提出ID {submission_id} — {department} {year}年度（{STATUS_LABELS.get(status, status)}）"


DOWNLOAD_ORIGINAL = "元のファイルをダウンロード"
DOWNLOAD_NOT_ALLOWED = "元のファイルをダウンロードできるのは、その所管課と推進本部のアカウントです。"
RESTORE = "この版に戻す"
RESTORE_HELP = ("この版を現在の版にします。今の版は「以前の版」として履歴に残り、"
                "いつでも戻せます（何も削除されません）。")
RESTORE_ONLY_HQ = "以前の版に戻せるのは推進本部のアカウントだけです。"
ALREADY_ACTIVE = "この版が現在の版です。"


def restored(submission_id, department, year) -> str:
    return f"提出ID {submission_id} を {department}・{year}年度の現在の版に戻しました。"


UNKNOWN_SUBMISSION = "その提出IDは見つかりません。"
ROWS_OF_VERSION = "この版の行と出典セル"
ROW_COLUMNS = {"sheet": "シート", "cell": "セル", "code": "コード", "detail": "内容"}

PROVENANCE_INTRO = ("ダッシュボードに表示している数値・取組が、どのファイルのどのシート・セルから"
                    "来たかを示します。")
PROVENANCE_KIND = "対象"
PROVENANCE_KINDS = {"indicator": f"指標の実績値（{_c.SHEET_INDICATORS}）",
                    "action": f"事業の取組状況（{_c.SHEET_ACTIONS}）",
                    "partner": f"連携主体（{_c.SHEET_PARTNERS}）",
                    "energy": f"施設のエネルギー使用量（{_c.SHEET_ENERGY}）"}
PROVENANCE_YEAR = "年度（指標は実績年度）"
PROVENANCE_COLUMNS = {
    "code": "コード",
    "name": "名称",
    "department_code": "所管課コード",
    "value": "値",
    "submission_id": "提出ID",
    "file_name": "ファイル名",
    "sheet": "シート",
    "cell": "セル",
    "loaded_at": "登録日時",
}
NO_SOURCES = "この年度に表示している数値はありません。"

AUDIT_INTRO = "データを変更したすべての操作（提出、版の復元、計画マスタの読込、アカウントの変更）の記録です。"
AUDIT_ONLY_HQ = "監査ログを見られるのは推進本部のアカウントだけです。"
AUDIT_FILTER = "操作の種類"
AUDIT_ACTION_LABELS = {"upload": "提出", "restore": "版の復元", "master": "計画マスタ読込",
                       "account": "アカウント変更", "factors": "排出係数表読込"}
AUDIT_COLUMNS = {
    "event_id": "番号",
    "occurred_at": "日時",
    "actor": "実行者",
    "action": "操作",
    "target": "対象",
    "detail": "詳細",
}
