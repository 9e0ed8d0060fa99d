"""Japanese texts of pipeline.safety: why a file is refused before parsing.

Each message says what is wrong and what the submitter should do.
"""
from __future__ import annotations

EMPTY_FILE = "ファイルが空です（0バイト）。Excelで保存し直したブックを提出してください。"

ENCRYPTED = ("パスワードで保護（暗号化）されたブックは読み込めません。"
             "保護を解除して保存し直してください。")

NOT_A_WORKBOOK = ("Excelブック（.xlsx/.xlsm/.xls）ではありません。"
                  "Excelで開き、「Excel ブック (*.xlsx)」形式で保存し直してから提出してください。")

CORRUPT_WORKBOOK = ("ファイルが壊れているため読み込めません。"
                    "Excelで開けることを確認し、「Excel ブック (*.xlsx)」形式で保存し直してから提出してください。")

DISALLOWED_XML = ("ファイルに許可されていないXML定義（DOCTYPE/ENTITY宣言）が含まれているため読み込めません。"
                  "Excelで開き、「Excel ブック (*.xlsx)」形式で保存し直してから提出してください。")

NESTED_ARCHIVE = ("ブックの中に別の圧縮ファイルが含まれているため読み込めません。"
                  "埋め込みファイルを削除し、Excelで保存し直してから提出してください。")

TOO_MANY_PARTS = ("ブックの構成ファイル数が上限（{limit:,}個）を超えています（{count:,}個）。"
                  "不要なシート・画像・オブジェクトを削除してから提出してください。")


def _size(n: float) -> str:
    """Bytes as a short human size: 35.2MB, 512KB, 100バイト."""
    mb = n / (1024 * 1024)
    if mb >= 1:
        return f"{mb:.1f}".removesuffix(".0") + "MB"
    if n >= 1024:
        return f"{n / 1024:.0f}KB"
    return f"{int(n)}バイト"


def file_too_large(size: int, limit: int) -> str:
    return (f"ファイルサイズが上限（{_size(limit)}）を超えています（{_size(size)}）。"
            "不要なシートや画像を削除してから提出してください。")


def bad_extension(file_name: str, accepted: tuple[str, ...]) -> str:
    allowed = "、".join(accepted)
    return (f"ファイル「{file_name}」の形式は受け付けていません。"
            f"受け付けるのはExcelブック（{allowed}）だけです。"
            "Excelで開き、「Excel ブック (*.xlsx)」形式で保存し直してから提出してください。")


def too_many_parts(count: int, limit: int) -> str:
    return TOO_MANY_PARTS.format(count=count, limit=limit)


def decompression_bomb(size: int, limit: int) -> str:
    return (f"展開後のデータ量が大きすぎるため読み込めません（展開後{_size(size)}、上限{_size(limit)}）。"
            "不正な圧縮ファイル（解凍爆弾）の可能性があります。"
            "必要なデータだけを新しいブックに貼り付けて保存し直してから提出してください。")


def compression_ratio(part: str | None, ratio: float, limit: float) -> str:
    where = f"ブック内の「{part}」" if part else "ブック全体"
    return (f"{where}の圧縮率が異常に高いため読み込めません"
            f"（約{ratio:,.0f}倍、上限{limit:,.0f}倍）。"
            "不正な圧縮ファイル（解凍爆弾）の可能性があります。"
            "必要なデータだけを新しいブックに貼り付けて保存し直してから提出してください。")
