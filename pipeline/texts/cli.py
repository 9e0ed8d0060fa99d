"""Japanese messages of the command line."""
from __future__ import annotations

DESCRIPTION = "ゼロカーボン計画 進捗管理: 計画マスタ・取組状況報告の取り込みとデータベース管理"
HELP_DB = "データベースのパス（既定: data/warehouse.duckdb、環境変数 PDCA_DB）"
HELP_TEMPLATE = "提出様式（取組状況報告）を出力する"
HELP_MASTER = "計画マスタを検証して読み込む"
HELP_INGEST = "取組状況報告を検証して取り込む"
HELP_DEMO = "デモ用データベースを作成する"
HELP_HISTORY = "提出の履歴を表示する"
HELP_RESTORE = "以前の版を有効な版に戻す"
TEMPLATE_NEEDS_BOTH = "--department と --year は両方指定してください。"
ERROR_LABEL = "エラー"
WARNING_LABEL = "警告"
HISTORY_HEADERS = ("提出ID", "所管課", "年度", "状態", "取込日時", "取込者", "ファイル名", "SHA-256")


def bad_year(value) -> str:
    return f"年度「{value}」を読めません。2024 や 令和6年度 のように指定してください。"


def wrote(path) -> str:
    return f"提出様式を書き出しました: {path}"


def master_rejected(name, errors) -> str:
    return f"✗ 計画マスタ {name} を読み込めませんでした（エラー {errors} 件）。現在の計画マスタは変更されていません。"


def master_loaded(master_id, rows) -> str:
    counts = "、".join(f"{k} {v}行" for k, v in rows.items())
    return f"✓ 計画マスタを読み込みました（マスタ版 {master_id}: {counts}）。"


def master_noop(master_id) -> str:
    return f"＝ 同じ計画マスタが既に現行版です（マスタ版 {master_id}）。変更はありません。"


def progress(i, n, name) -> str:
    return f"[{i}/{n}] {name}"


def dry_run_ok(name) -> str:
    return f"✓ {name}: 検証のみ（--dry-run）: 取り込み可能です。データベースは変更していません。"


def demo_done(summary) -> str:
    return f"デモ用データベースを作成しました: {summary}"


def unknown_submission(sid) -> str:
    return f"提出ID {sid} は見つかりません。python -m pipeline history で確認してください。"


def restored(sid, dept, year) -> str:
    return f"✓ 提出ID {sid}（所管課 {dept}、{year}年度）を有効な版に戻しました。"


def usage_error(message) -> str:
    return f"コマンドの指定が正しくありません: {message}"
