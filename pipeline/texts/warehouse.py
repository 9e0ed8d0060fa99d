"""Japanese messages about the warehouse itself: busy, damaged, held by another program,
and the read-only copy for other tools."""
from __future__ import annotations

BUSY = ("データベースが他の処理で使用中のため、時間内に処理できませんでした。"
        "しばらく待ってからもう一度お試しください。")


def damaged(path, exc) -> str:
    return (f"データベース（{path}）を開けませんでした。ファイルが壊れている可能性があります。"
            f"バックアップから復元してください（python -m pipeline restore-backup BACKUP）。"
            f"詳細: {str(exc).splitlines()[0][:200]}")


# --- another program holds the live warehouse ---------------------------------------------

def _who(program: str | None, pid: int | None) -> str:
    parts = [p for p in (program, f"PID {pid}" if pid else None) if p]
    return f"別のプログラム（{'、'.join(parts)}）" if parts else "別のプログラム"


def _copy_hint(copy_path) -> str:
    return (f"Excel・BI ツール・スクリプトからは、データベース本体ではなく読み取り用コピー"
            f"（{copy_path}）を開いてください。")


def held(path, program, pid, shared: bool | None, copy_path) -> str:
    """Another program has the live file open: what works now, what waits, what to do."""
    who = _who(program, pid)
    if shared:
        return (f"{who}がデータベース（{path}）を読み取り専用で開いています。"
                f"表示は続けられますが、取り込み・提出・復元などの書き込みは、"
                f"そのプログラムがファイルを閉じるまで待ちます（最大60秒、過ぎると失敗します）。"
                + _copy_hint(copy_path))
    return (f"{who}がデータベース（{path}）を開いているため、読み書きできずに待っています。"
            f"そのプログラムがファイルを閉じると自動的に再開します。" + _copy_hint(copy_path))


def held_gave_up(path, program, pid, copy_path) -> str:
    """A write (or the command line) waited its full time for another program."""
    return (f"{_who(program, pid)}がデータベース（{path}）を開いたままのため、"
            f"60秒待っても処理できませんでした。何も変更していません。"
            f"そのプログラムを終了してから、もう一度実行してください。" + _copy_hint(copy_path))


def held_page(path, program, pid, copy_path) -> str:
    return (f"{_who(program, pid)}がデータベース（{path}）を開いているため、"
            f"最新の集計を表示できません。そのプログラムがファイルを閉じると、"
            f"このページは自動的に表示を再開します。" + _copy_hint(copy_path))


def our_writer(pid) -> str:
    return f"他の取り込み・更新処理（PID {pid}）が終わるのを待っています…" if pid else \
        "他の取り込み・更新処理が終わるのを待っています…"


def still_waiting(seconds: float) -> str:
    return f"…まだ待っています（{seconds:.0f}秒経過）"


RESUMED = "データベースが使えるようになりました。処理を続けます。"


# --- the read-only copy ---------------------------------------------------------------------

HELP_SNAPSHOT = "他のツール用の読み取り用コピー（data/readonly/）を今すぐ更新する"


def snapshot_written(path, tables: int, rows: int, seconds: float) -> str:
    return (f"✓ 読み取り用コピーを更新しました: {path}（表 {tables}、計 {rows} 行、"
            f"{seconds:.1f} 秒）。Parquet と CSV は同じフォルダの parquet/ と csv/ にあります。")


def snapshot_no_warehouse(path) -> str:
    return f"データベース {path} がありません。読み取り用コピーは作成していません。"


def refresh_failed(path, detail) -> str:
    """Logged (never shown as a failure of the write that asked for the refresh)."""
    return f"読み取り用コピー（{path}）を更新できませんでした。後で再試行します。詳細: {detail}"
