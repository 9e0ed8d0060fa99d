"""pipeline.ingest.safety: hostile and unreadable files are refused with one clear message."""
from __future__ import annotations

import io
import random
import shutil
import struct
import subprocess
import zipfile

import openpyxl
import pytest
from hypothesis import given, settings, strategies as st

from pipeline.ingest import contract
from pipeline.ingest import safety
from pipeline.ingest.problems import RejectedFile
from pipeline.ingest.safety import harden_xml_parsers, inspect_file
from pipeline.texts import safety as texts

MB = 1024 * 1024


# --- builders -------------------------------------------------------------------

def _xlsx_bytes() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = contract.SHEET_ACTIONS
    ws.append([contract.COL_ACTION_CODE, contract.COL_ACTION_NAME, contract.COL_BUDGET])
    for n in range(1, 51):
        ws.append([f"A-{n:03d}", f"省エネ設備導入支援事業{n}", n * 1000])
    info = wb.create_sheet(contract.SHEET_INFO)
    info.append([contract.INFO_FISCAL_YEAR, "令和6年度"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


GOOD_XLSX = _xlsx_bytes()


def rebuild(data: bytes, replace: dict[str, bytes] | None = None,
            add: dict[str, bytes] | None = None, drop: tuple[str, ...] = ()) -> bytes:
    """A copy of the zip `data` with members replaced, added or dropped."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in drop:
                continue
            dst.writestr(info.filename, replace.get(info.filename, src.read(info)))
            names = set(src.namelist())
        # A replaced part that is missing (openpyxl writes no sharedStrings.xml
        # for inline strings) is added.
        missing = {n: c for n, c in replace.items() if n not in names}
        for name, content in {**missing, **(add or {})}.items():
            dst.writestr(name, content)
    return out.getvalue()


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in members.items():
            z.writestr(name, content)
    return out.getvalue()


def patch_sizes(data: bytes, name: str, *, file_size: int | None = None,
                flag_bits: int | None = None) -> bytes:
    """Rewrite a member's declared uncompressed size / flags in both headers."""
    buf = bytearray(data)
    encoded = name.encode()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        local = z.getinfo(name).header_offset
    pos = 0
    while (pos := buf.find(b"PK\x01\x02", pos)) != -1:
        name_len = struct.unpack_from("<H", buf, pos + 28)[0]
        if bytes(buf[pos + 46:pos + 46 + name_len]) == encoded:
            if file_size is not None:
                struct.pack_into("<I", buf, pos + 24, file_size)
                struct.pack_into("<I", buf, local + 22, file_size)
            if flag_bits is not None:
                struct.pack_into("<H", buf, pos + 8, flag_bits)
                struct.pack_into("<H", buf, local + 6, flag_bits)
            return bytes(buf)
        pos += 4
    raise AssertionError(name)


def ole2_with_streams(*names: str, sector: int = 512) -> bytes:
    """A minimal OLE2 compound file whose directory lists `names`."""
    header = bytearray(sector)
    header[:8] = safety.OLE2_MAGIC
    struct.pack_into("<HH", header, 0x1A, 0x3E, 3)      # minor version, major 3
    struct.pack_into("<HH", header, 0x1C, 0xFFFE, 9)    # byte order, 2**9 sectors
    struct.pack_into("<I", header, 0x30, 0)             # first directory sector
    directory = bytearray()
    for entry_name, kind in (("Root Entry", 5), *((n, 2) for n in names)):
        entry = bytearray(128)
        raw = (entry_name + "\0").encode("utf-16-le")
        entry[:len(raw)] = raw
        struct.pack_into("<HB", entry, 64, len(raw), kind)
        directory += entry
    directory += bytes(-len(directory) % sector)
    return bytes(header) + bytes(directory) + bytes(sector)


BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&lol4;</t></si></sst>"""


def reject(data: bytes, name: str = "提出.xlsx") -> str:
    """inspect_file must raise RejectedFile (nothing else); return its message."""
    with pytest.raises(RejectedFile) as caught:
        inspect_file(data, name)
    problem = caught.value.problem
    assert problem.sheet is None and problem.cell is None
    assert problem.message == str(caught.value)
    return problem.message


# --- LibreOffice-made files (.xls and LibreOffice's .xlsx) ------------------------

@pytest.fixture(scope="module")
def soffice_files(tmp_path_factory):
    soffice = shutil.which("soffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed: cannot create a real .xls")
    work = tmp_path_factory.mktemp("soffice")
    source = work / "good.xlsx"
    source.write_bytes(GOOD_XLSX)
    profile = (work / "profile").as_uri()
    made = {}
    for ext, filter_name in (("xls", "xls:MS Excel 97"), ("xlsx", "xlsx:Calc MS Excel 2007 XML")):
        out_dir = work / ext
        # LibreOffice is installed: a failed conversion is a failure, not a skip
        run = subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless",
                              "--convert-to", filter_name, "--outdir", str(out_dir), str(source)],
                             capture_output=True, text=True, timeout=180)
        path = out_dir / f"good.{ext}"
        assert run.returncode == 0 and path.exists(), \
            f"LibreOffice conversion to .{ext} failed ({run.returncode}):\n{run.stderr[-2000:]}"
        made[ext] = path.read_bytes()
    return made


# --- accepted ---------------------------------------------------------------------

@pytest.mark.parametrize("name", ["提出.xlsx", "提出.XLSX", "提出.xlsm", "dir/sub/提出.xlsx"])
def test_good_xlsx_accepted(name):
    assert inspect_file(GOOD_XLSX, name) == "xlsx"


def test_xlsx_named_xls_is_read_by_content():
    assert inspect_file(GOOD_XLSX, "提出.xls") == "xlsx"


def test_xlsm_with_vba_project_accepted():
    vba = safety.OLE2_MAGIC + bytes(2048)
    data = rebuild(GOOD_XLSX, add={"xl/vbaProject.bin": vba})
    assert inspect_file(data, "マクロ付き.xlsm") == "xlsx"


def test_embedded_office_document_is_not_a_nested_archive():
    data = rebuild(GOOD_XLSX, add={"xl/embeddings/Microsoft_Word_Document.docx":
                                   zip_of({"word/document.xml": b"<w/>"})})
    assert inspect_file(data, "提出.xlsx") == "xlsx"


def test_large_but_normal_sheet_accepted():
    wb = openpyxl.Workbook()
    ws = wb.active
    for n in range(5000):
        ws.append([n, f"テキスト{n}", n * 1.5, None, "同じ文字列"])
    out = io.BytesIO()
    wb.save(out)
    assert inspect_file(out.getvalue(), "大きい.xlsx") == "xlsx"


def test_libreoffice_xls_accepted(soffice_files):
    assert inspect_file(soffice_files["xls"], "提出.xls") == "xls"
    assert inspect_file(soffice_files["xls"], "提出.xlsx") == "xls"   # content decides


def test_libreoffice_xlsx_accepted(soffice_files):
    assert inspect_file(soffice_files["xlsx"], "提出.xlsx") == "xlsx"


# --- size and name ------------------------------------------------------------------

def test_empty_file():
    assert "空" in reject(b"")


def test_over_size_limit(monkeypatch):
    monkeypatch.setattr(contract, "MAX_FILE_BYTES", 1000)
    message = reject(GOOD_XLSX)
    assert "ファイルサイズが上限" in message and "削除" in message


def test_size_message_in_megabytes():
    message = texts.file_too_large(int(35.2 * MB), 20 * MB)
    assert message == ("ファイルサイズが上限（20MB）を超えています（35.2MB）。"
                       "不要なシートや画像を削除してから提出してください。")


@pytest.mark.parametrize("name", ["提出.pdf", "提出.csv", "提出.ods", "提出.xlsb", "提出", "提出.xlsx.txt"])
def test_extension_not_accepted(name):
    message = reject(GOOD_XLSX, name)
    assert "受け付けていません" in message
    assert all(ext in message for ext in contract.ACCEPTED_EXTENSIONS)


# --- not a workbook -------------------------------------------------------------------

NOT_WORKBOOKS = {
    "random": random.Random(1).randbytes(4096),
    "text": "事業コード,事業名\nA-001,省エネ\n".encode("utf-8"),
    "pdf": b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n",
    "html_as_xls": b"<html><body><table><tr><td>1</td></tr></table></body></html>",
    "zip_of_text": zip_of({"memo.txt": "これはメモです".encode()}),
    "docx": zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}),
    "no_content_types": rebuild(GOOD_XLSX, drop=("[Content_Types].xml",)),
    "zip_magic_garbage": b"PK\x03\x04" + random.Random(2).randbytes(2000),
    "truncated_xlsx": GOOD_XLSX[: len(GOOD_XLSX) // 2],
    "ole2_garbage": safety.OLE2_MAGIC + random.Random(3).randbytes(3000),
    "ole2_not_excel": ole2_with_streams("WordDocument"),
}


@pytest.mark.parametrize("kind", NOT_WORKBOOKS)
def test_not_a_workbook(kind):
    message = reject(NOT_WORKBOOKS[kind], "提出.xlsx")
    assert "ではありません" in message or "壊れて" in message
    assert "保存し直して" in message


def test_not_a_workbook_message():
    assert reject(NOT_WORKBOOKS["pdf"], "提出.xls").startswith(
        "Excelブック（.xlsx/.xlsm/.xls）ではありません")


def test_corrupted_member_crc():
    with zipfile.ZipFile(io.BytesIO(GOOD_XLSX)) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    buf = bytearray(GOOD_XLSX)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    buf[start + info.compress_size // 2] ^= 0xFF
    assert reject(bytes(buf)) == texts.CORRUPT_WORKBOOK


def test_duplicate_member_names():
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(GOOD_XLSX)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        with pytest.warns(UserWarning):
            dst.writestr("xl/workbook.xml", b"<workbook/>")
    assert "壊れて" in reject(out.getvalue())


# --- encrypted --------------------------------------------------------------------------

def test_encrypted_ooxml_package():
    data = ole2_with_streams("\x06DataSpaces", "EncryptionInfo", "EncryptedPackage")
    assert reject(data, "提出.xlsx") == texts.ENCRYPTED
    assert "パスワード" in texts.ENCRYPTED and "保護を解除" in texts.ENCRYPTED


def test_encrypted_ooxml_with_4k_sectors():
    data = ole2_with_streams("EncryptedPackage", sector=4096)
    assert reject(data, "提出.xlsx") == texts.ENCRYPTED


def test_stream_name_outside_directory_is_not_taken_for_encryption():
    # The UTF-16 text "EncryptedPackage" at an unaligned offset (cell text, say)
    # is not a directory entry.
    data = ole2_with_streams("Workbook") + b"x" + "EncryptedPackage\0".encode("utf-16-le")
    assert reject(data, "提出.xls") != texts.ENCRYPTED


def test_encrypted_legacy_xls(soffice_files):
    # Turn the record after BOF in the Workbook stream into a FILEPASS record
    # (same length), as in an xls saved with a password.
    data = bytearray(soffice_files["xls"])
    bof = data.find(b"\x09\x08\x10\x00")
    assert bof > 0
    first_record = bof + 4 + 16
    struct.pack_into("<H", data, first_record, 0x002F)
    assert reject(bytes(data), "提出.xls") == texts.ENCRYPTED


def test_encrypted_legacy_xls_via_xlrd_error(monkeypatch):
    import xlrd

    def encrypted(**_kwargs):
        raise xlrd.XLRDError("Workbook is encrypted")
    monkeypatch.setattr(xlrd, "open_workbook", encrypted)
    assert reject(ole2_with_streams("Workbook"), "提出.xls") == texts.ENCRYPTED


def test_zip_level_encryption():
    data = patch_sizes(GOOD_XLSX, "xl/worksheets/sheet1.xml", flag_bits=0x1)
    assert reject(data) == texts.ENCRYPTED


# --- decompression bombs ---------------------------------------------------------------------

def test_total_uncompressed_over_limit(monkeypatch):
    monkeypatch.setattr(contract, "MAX_UNCOMPRESSED_BYTES", 2 * MB)
    data = rebuild(GOOD_XLSX, add={"xl/media/image1.png": bytes(3 * MB)})
    message = reject(data)
    assert "展開後のデータ量" in message and "解凍爆弾" in message


def test_member_compression_ratio():
    data = rebuild(GOOD_XLSX, add={"xl/worksheets/sheet9.xml": bytes(2 * MB)})
    message = reject(data)
    assert "圧縮率" in message and "sheet9.xml" in message


def test_overall_compression_ratio(monkeypatch):
    # Many members each under the per-member floor, together a bomb.
    monkeypatch.setattr(safety, "RATIO_FLOOR_BYTES", 1 * MB)
    members = {f"xl/media/image{n}.png": bytes(900 * 1024) for n in range(4)}
    message = reject(rebuild(GOOD_XLSX, add=members))
    assert message.startswith("ブック全体の圧縮率")


def test_lying_declared_size():
    data = rebuild(GOOD_XLSX, add={"xl/worksheets/sheet9.xml": bytes(2 * MB)})
    data = patch_sizes(data, "xl/worksheets/sheet9.xml", file_size=1000)
    assert "壊れて" in reject(data)


def test_inflation_stops_at_the_cap(monkeypatch):
    # The declared sizes are small (a lie), so only counting the bytes really
    # inflated can catch it; inflation stops at the first chunk over the cap.
    data = rebuild(GOOD_XLSX, add={"xl/worksheets/sheet9.xml": bytes(2 * MB)})
    data = patch_sizes(data, "xl/worksheets/sheet9.xml", file_size=1000)
    monkeypatch.setattr(contract, "MAX_UNCOMPRESSED_BYTES", 512 * 1024)
    message = reject(data)
    assert "展開後のデータ量" in message


def test_too_many_members(monkeypatch):
    monkeypatch.setattr(safety, "MAX_ZIP_MEMBERS", 5)
    message = reject(GOOD_XLSX)
    assert "構成ファイル数" in message


@pytest.mark.parametrize("name, content", [
    ("xl/media/inner.zip", zip_of({"a.txt": b"a"})),
    ("xl/media/image1.png", zip_of({"a.txt": b"a"})),     # a zip under an image name
    ("customXml/inner.xlsx", GOOD_XLSX),
])
def test_nested_archive(name, content):
    assert reject(rebuild(GOOD_XLSX, add={name: content})) == texts.NESTED_ARCHIVE


# --- XML with DTDs (billion laughs, external entities) ------------------------------------------

def test_billion_laughs_in_shared_strings():
    data = rebuild(GOOD_XLSX, replace={"xl/sharedStrings.xml": BILLION_LAUGHS})
    message = reject(data)
    assert message == texts.DISALLOWED_XML and "XML" in message


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/styles.xml",
                                  "xl/worksheets/sheet1.xml", "[Content_Types].xml",
                                  "xl/_rels/workbook.xml.rels"])
def test_external_entity_in_any_part(part):
    with zipfile.ZipFile(io.BytesIO(GOOD_XLSX)) as z:
        original = z.read(part)
    head, sep, rest = original.partition(b"?>")
    hostile = head + sep + b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + rest
    assert reject(rebuild(GOOD_XLSX, replace={part: hostile})) == texts.DISALLOWED_XML


def test_doctype_in_utf16_part():
    xml = BILLION_LAUGHS.decode().replace("UTF-8", "UTF-16").encode("utf-16")
    data = rebuild(GOOD_XLSX, replace={"xl/sharedStrings.xml": xml})
    assert reject(data) == texts.DISALLOWED_XML


def test_doctype_straddling_a_chunk_boundary(monkeypatch):
    monkeypatch.setattr(contract, "MAX_COMPRESSION_RATIO", 10**6)   # the padding compresses well
    pad = b" " * (safety._OUT_CHUNK - 4)
    xml = pad + b"<!DOCTYPE a>" + b"<sst/>"
    data = rebuild(GOOD_XLSX, replace={"xl/sharedStrings.xml": xml})
    assert reject(data) == texts.DISALLOWED_XML


def test_escaped_doctype_in_cell_text_is_fine():
    wb = openpyxl.Workbook()
    wb.active["A1"] = "<!DOCTYPE html> <!ENTITY は文字列です>"
    out = io.BytesIO()
    wb.save(out)
    assert inspect_file(out.getvalue(), "提出.xlsx") == "xlsx"


def test_harden_xml_parsers():
    harden_xml_parsers()
    harden_xml_parsers()      # idempotent
    import xml.etree.ElementTree as ET
    with pytest.raises(Exception) as caught:
        ET.fromstring(BILLION_LAUGHS)
    assert "Entities" in type(caught.value).__name__ or "entit" in str(caught.value).lower()


# --- robustness ----------------------------------------------------------------------------------

@settings(max_examples=100, deadline=None)
@given(data=st.binary(min_size=1, max_size=4096),
       prefix=st.sampled_from([b"", b"PK\x03\x04", safety.OLE2_MAGIC]))
def test_property_arbitrary_bytes_only_reject(data, prefix):
    try:
        inspect_file(prefix + data, "提出.xlsx")
    except RejectedFile:
        pass


@settings(max_examples=100, deadline=None)
@given(flips=st.lists(st.tuples(st.integers(0, len(GOOD_XLSX) - 1), st.integers(1, 255)),
                      min_size=1, max_size=8))
def test_property_damaged_xlsx_only_reject(flips):
    buf = bytearray(GOOD_XLSX)
    for at, mask in flips:
        buf[at] ^= mask
    try:
        assert inspect_file(bytes(buf), "提出.xlsx") in ("xlsx", "xls")
    except RejectedFile:
        pass
