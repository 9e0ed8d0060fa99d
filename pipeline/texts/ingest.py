"""Japanese messages of the ingest command and upload."""
from __future__ import annotations


def file_not_found(path: str) -> str:
    return f"ファイル「{path}」が見つかりません。パスを確認してください。"


def file_unreadable(path: str, exc) -> str:
    return f"ファイル「{path}」を読めませんでした（{exc.__class__.__name__}）。"


def other_department(found: str, allowed: str) -> str:
    return (f"所管課コード「{found}」のブックは提出できません。あなたのアカウントで提出できるのは"
            f"所管課コード「{allowed}」のブックだけです。")


def rejected(file: str, errors: int) -> str:
    return f"✗ {file}: 取り込めませんでした（エラー {errors} 件）。"


def noop(file: str, submission_id) -> str:
    return f"＝ {file}: 同じ内容のファイルが既に取り込まれています（提出ID {submission_id}）。変更はありません。"


def loaded(file, submission_id, department, year, superseded, warnings) -> str:
    text = f"✓ {file}: 取り込みました（提出ID {submission_id}、所管課 {department}、{year}年度"
    if superseded:
        text += f"、旧版 {', '.join(map(str, superseded))} を置き換え"
    if warnings:
        text += f"、警告 {warnings} 件"
    return text + "）。"
