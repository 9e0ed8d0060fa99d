"""Japanese messages of `backup` and `restore-backup`."""
from __future__ import annotations

HELP_BACKUP = "データベースのバックアップを作成する（アプリの稼働中でも整合した状態で保存）"
HELP_OUT = "保存先ファイル（既定: data/backups/warehouse-日時.duckdb）"
HELP_RESTORE_BACKUP = "バックアップからデータベースを復元する（現在のファイルは退避して残す）"
HELP_BACKUP_FILE = "復元に使うバックアップファイル"


def backup_written(path, submissions: int, size: int) -> str:
    return (f"✓ バックアップを作成しました: {path}（提出 {submissions} 件、"
            f"{size / 1_000_000:.1f} MB）。復元: python -m pipeline restore-backup {path}")


def backup_missing(path) -> str:
    return f"バックアップファイル {path} が見つかりません。パスを確認してください。"


def backup_invalid(path, detail) -> str:
    return (f"{path} は使えるバックアップではありません（データベースとして開けないか、"
            f"必要な表がありません）。現在のデータベースは変更していません。詳細: {detail}")


def source_unreadable(path, detail) -> str:
    return (f"データベース（{path}）を読めないため、バックアップを作成できませんでした。"
            f"詳細: {detail}")


def restored(backup, db, aside) -> str:
    text = f"✓ バックアップ {backup} からデータベース {db} を復元しました。"
    if aside:
        text += f"復元前のファイルは {aside} に退避しました。"
    return text


def same_file(path) -> str:
    return f"バックアップ {path} は復元先のデータベースそのものです。別のファイルを指定してください。"
