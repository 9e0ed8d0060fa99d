"""Japanese messages about the warehouse itself."""
from __future__ import annotations

BUSY = ("データベースが他の処理で使用中のため、時間内に処理できませんでした。"
        "しばらく待ってからもう一度お試しください。")


def damaged(path, exc) -> str:
    return (f"データベース（{path}）を開けませんでした。ファイルが壊れている可能性があります。"
            f"バックアップから復元してください（python -m pipeline restore-backup BACKUP）。"
            f"詳細: {str(exc).splitlines()[0][:200]}")
