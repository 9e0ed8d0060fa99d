"""Japanese texts of sign-in, roles and account management (access.auth, dashboard.sign_in, cli.users)."""
from __future__ import annotations

ROLE_LABELS = {
    "viewer": "閲覧者",
    "department": "所管課",
    "hq": "推進本部（事務局）",
}

SIGN_IN_HEADING = "サインイン"
USERNAME = "ユーザー名"
PASSWORD = "パスワード"
SIGN_IN = "サインイン"
SIGN_OUT = "サインアウト"
SIGN_IN_WITH_PROVIDER = "組織アカウントでサインイン"
#: The role labels carry their own brackets (推進本部（事務局）): no second pair around them.
SIGNED_IN_AS = "サインイン中: {name} ・ {role}"
SIGNED_IN_DEPARTMENT = "所管課コード: {department}"
SIGN_IN_FAILED = "ユーザー名またはパスワードが正しくありません。"
SIGN_IN_EMPTY = "ユーザー名とパスワードを入力してください。"
LOGIN_REQUIRED_TO_VIEW = "この画面を見るにはサインインが必要です。"
SIGN_IN_ON_THIS_PAGE = "この画面を使うにはサインインが必要です。"
SIGNING_IN = "サインインしています…"


def locked(minutes: int) -> str:
    return (f"サインインの失敗が続いたため、このアカウントは一時的にロックされています。"
            f"約{minutes}分後にもう一度お試しください。")


# --- access control ----------------------------------------------------------

SIGN_IN_REQUIRED = "この操作にはサインインが必要です。"


def role_required(roles: list[str]) -> str:
    names = "・".join(ROLE_LABELS.get(r, r) for r in roles)
    return f"この操作は「{names}」の権限が必要です。"


def other_department(department: str | None, own: str | None) -> str:
    return (f"所管課コード「{department}」のデータは操作できません。"
            f"あなたのアカウントで操作できるのは所管課コード「{own}」だけです。")


# --- account management --------------------------------------------------------

USERNAME_INVALID = ("ユーザー名が不正です。半角英数字と「.」「_」「-」「@」のみ、"
                    "1〜64文字で指定してください。")


def password_too_short(minimum: int) -> str:
    return f"パスワードは{minimum}文字以上にしてください。"


def unknown_role(role: str) -> str:
    return f"権限「{role}」はありません。viewer / department / hq のいずれかを指定してください。"


DEPARTMENT_REQUIRED = "権限 department のアカウントには --department（所管課コード）が必要です。"
DEPARTMENT_NOT_ALLOWED = "所管課コードを指定できるのは権限 department のアカウントだけです。"


def unknown_department(code: str) -> str:
    return f"所管課コード「{code}」は現在の計画マスタにありません。"


def account_exists(username: str) -> str:
    return f"アカウント「{username}」は既にあります。置き換える場合は --replace を付けてください。"


def account_missing(username: str) -> str:
    return f"アカウント「{username}」はありません。"


PASSWORD_OR_OIDC = "パスワードを指定するか、組織アカウント（OIDC）用に --oidc を付けてください。"

# --- users CLI -----------------------------------------------------------------

HELP_USERS = "アカウントの追加・削除・一覧（組み込みアカウント）"
HELP_USERS_ADD = "アカウントを追加する"
HELP_USERS_REMOVE = "アカウントを削除する"
HELP_USERS_LIST = "アカウントの一覧を表示する"
HELP_ROLE = "権限: viewer（閲覧）/ department（所管課）/ hq（推進本部）"
HELP_DEPARTMENT = "所管課コード（権限 department のとき必須）"
HELP_PASSWORD_STDIN = "パスワードを標準入力から読む（1行目）"
HELP_OIDC = "組織アカウント（OIDC）でサインインする利用者。ユーザー名にメールアドレスを指定し、パスワードは持たない"
HELP_REPLACE = "同名のアカウントがあれば置き換える（パスワード変更など）"
HELP_NAME = "表示名（任意）"
PROMPT_PASSWORD = "パスワード: "
PROMPT_PASSWORD_AGAIN = "パスワード（確認）: "
PASSWORDS_DIFFER = "パスワードが一致しません。"
LIST_HEADERS = ("ユーザー名", "権限", "所管課コード", "表示名", "サインイン方法", "作成日時", "ロック中")
VIA_PASSWORD = "パスワード"
VIA_OIDC = "組織アカウント"
YES = "はい"


def added(username: str, role: str) -> str:
    return f"アカウント「{username}」（{ROLE_LABELS.get(role, role)}）を登録しました。"


def removed(username: str) -> str:
    return f"アカウント「{username}」を削除しました。"


# --- account management in the app (HQ) -------------------------------------------

TAB_ACCOUNTS = "アカウント"
ACCOUNTS_INTRO = ("組み込みアカウントの一覧と追加・削除です（推進本部のみ）。"
                  "パスワードはハッシュ（Argon2）だけを保存します。コマンド `python -m pipeline users` でも管理できます。")
ACCOUNT_COLUMNS = {"username": "ユーザー名", "role": "権限", "department_code": "所管課コード",
                   "display_name": "表示名", "has_password": "パスワードあり",
                   "created_at": "作成日時", "locked": "ロック中"}
ADD_ACCOUNT = "アカウントを追加"
ROLE = "権限"
DEPARTMENT = "所管課（権限が所管課のとき）"
DISPLAY_NAME = "表示名（任意）"
REPLACE = "同名のアカウントを置き換える（パスワード再設定）"
ADD = "追加する"
REMOVE_ACCOUNT = "アカウントを削除"
REMOVE = "削除する"
CANNOT_REMOVE_SELF = "自分のアカウントは削除できません。"
NO_DEPARTMENT = "（なし）"
