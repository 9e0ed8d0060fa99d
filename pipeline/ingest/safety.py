"""Refuse hostile or unreadable files before any parser sees them.

`inspect_file` looks at the bytes (never trusting the file name beyond the
extension whitelist) and either says which reader to use — "xlsx" for a zip
OOXML workbook (.xlsx/.xlsm), "xls" for a legacy OLE2/BIFF workbook — or
raises `RejectedFile` with one clear Japanese message: empty, too large, not a
workbook, encrypted, a decompression bomb, or XML with DTD declarations.

The zip checks do not trust the sizes a zip declares: every member is
inflated here in bounded chunks (never more than its declared size plus one
chunk, never more than the overall cap), its CRC is checked, and XML parts are
scanned for <!DOCTYPE/<!ENTITY on the way.
"""
from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib

from pipeline.ingest import contract
from pipeline.ingest.problems import RejectedFile
from pipeline.texts import safety as texts

__all__ = ["inspect_file", "harden_xml_parsers", "MAX_ZIP_MEMBERS"]

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

MAX_ZIP_MEMBERS = 10_000
# The compression-ratio rule only applies to members (and whole files) larger
# than this once inflated: small parts of real workbooks (styles, an empty
# sheet) legitimately compress far better than 100×.
RATIO_FLOOR_BYTES = 1024 * 1024

_IN_CHUNK = 64 * 1024
_OUT_CHUNK = 1024 * 1024
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_NESTED_SUFFIXES = (".zip", ".xlsx", ".xlsm", ".xlsb", ".docx", ".docm", ".pptx",
                    ".pptm", ".jar", ".gz", ".tgz", ".7z", ".rar", ".bz2", ".xz")
# Embedded OLE objects (a pasted Word document, an embedded workbook) live
# under xl/embeddings/ and are zips themselves in modern files.  No reader of
# ours opens them, so they are not a nested-archive risk; their own bytes still
# count against the size and ratio limits.
_EMBEDDINGS_DIR = "xl/embeddings/"
_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!doctype", "<!entity")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)
_MARKER_OVERLAP = max(len(m) for m in _DTD_MARKERS)
# Every marker starts with "<!" in one of the encodings: a cheap search for
# that decides whether the (copying) lower-case marker search is needed; and a
# search for "!" alone (memchr, and "!" is rare in workbook XML) comes first.
_DTD_PREFIXES = (b"<!", b"<\x00!")
assert all(any(p in m for p in _DTD_PREFIXES) for m in _DTD_MARKERS)

# OLE2 directory entry names of an encrypted OOXML package (MS-OFFCRYPTO).
_ENCRYPTED_STREAMS = ("EncryptedPackage", "EncryptionInfo")

_hardened = False


def harden_xml_parsers() -> None:
    """Make the stdlib XML parsers refuse entity expansion and external DTDs.

    Idempotent; the workbook readers call it once at import.
    """
    global _hardened
    if _hardened:
        return
    import warnings

    import defusedxml
    with warnings.catch_warnings():
        # defuse_stdlib imports the deprecated defusedxml.cElementTree.
        warnings.simplefilter("ignore", DeprecationWarning)
        defusedxml.defuse_stdlib()
    _hardened = True


def inspect_file(data: bytes, file_name: str) -> str:
    """Return "xlsx" or "xls" (decided by content), or raise RejectedFile."""
    size = len(data)
    if size == 0:
        raise RejectedFile(texts.EMPTY_FILE)
    if size > contract.MAX_FILE_BYTES:
        raise RejectedFile(texts.file_too_large(size, contract.MAX_FILE_BYTES))
    extension = os.path.splitext(file_name or "")[1].lower()
    if extension not in contract.ACCEPTED_EXTENSIONS:
        raise RejectedFile(texts.bad_extension(os.path.basename(file_name or ""),
                                               tuple(contract.ACCEPTED_EXTENSIONS)))
    data = bytes(data)
    if data.startswith(ZIP_MAGIC):
        _check_zip(data)
        return "xlsx"
    if data.startswith(OLE2_MAGIC):
        _check_ole2(data)
        return "xls"
    raise RejectedFile(texts.NOT_A_WORKBOOK)


# --- OLE2 (legacy .xls, or an encrypted OOXML package) ------------------------

def _has_encrypted_package(data: bytes) -> bool:
    """An OLE2 directory entry named EncryptedPackage or EncryptionInfo.

    Directory entries are 128 bytes and start on 128-byte boundaries (sectors
    are 512 or 4096 bytes); the entry holds the UTF-16LE name, NUL-terminated,
    and at offset 64 the name's byte length including the terminator.
    """
    for name in _ENCRYPTED_STREAMS:
        pattern = (name + "\0").encode("utf-16-le")
        start = 0
        while (at := data.find(pattern, start)) != -1:
            start = at + 1
            if at % 128:
                continue
            length = data[at + 64:at + 66]
            if len(length) == 2 and struct.unpack("<H", length)[0] == len(pattern):
                return True
    return False


def _check_ole2(data: bytes) -> None:
    if _has_encrypted_package(data):
        raise RejectedFile(texts.ENCRYPTED)
    import xlrd
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True,
                                  logfile=io.StringIO(), verbosity=0)
    except Exception as exc:  # xlrd raises many types on garbage input
        if "encrypt" in str(exc).lower():
            raise RejectedFile(texts.ENCRYPTED) from None
        raise RejectedFile(texts.NOT_A_WORKBOOK) from None
    try:
        book.release_resources()
    except Exception:
        pass


# --- zip (OOXML .xlsx/.xlsm) -----------------------------------------------------

def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except Exception:
        raise RejectedFile(texts.NOT_A_WORKBOOK) from None

    if len(infos) > MAX_ZIP_MEMBERS:
        raise RejectedFile(texts.too_many_parts(len(infos), MAX_ZIP_MEMBERS))
    names = [info.filename.lstrip("/").lower() for info in infos]
    if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
        raise RejectedFile(texts.NOT_A_WORKBOOK)
    if len(set(names)) != len(names):
        # Two entries of one name: parsers disagree on which one counts.
        raise RejectedFile(texts.CORRUPT_WORKBOOK)
    if any(info.flag_bits & 0x1 for info in infos):
        raise RejectedFile(texts.ENCRYPTED)

    limit = contract.MAX_UNCOMPRESSED_BYTES
    ratio_limit = contract.MAX_COMPRESSION_RATIO
    declared = sum(info.file_size for info in infos)
    if declared > limit:
        raise RejectedFile(texts.decompression_bomb(declared, limit))
    for info in infos:
        if info.file_size > RATIO_FLOOR_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > ratio_limit:
                raise RejectedFile(texts.compression_ratio(info.filename, ratio, ratio_limit))
    if declared > RATIO_FLOOR_BYTES and declared / len(data) > ratio_limit:
        raise RejectedFile(texts.compression_ratio(None, declared / len(data), ratio_limit))

    inflated = 0
    for info, name in zip(infos, names):
        inflated += _check_member(data, info, name, limit - inflated)


def _check_member(data: bytes, info: zipfile.ZipInfo, name: str, budget: int) -> int:
    """Inflate one member within its declared size; return the bytes produced."""
    is_xml = name.endswith(_XML_SUFFIXES)
    if name.endswith(_NESTED_SUFFIXES) and not name.startswith(_EMBEDDINGS_DIR):
        raise RejectedFile(texts.NESTED_ARCHIVE)
    produced = 0
    crc = 0
    tail = b""
    for chunk in _inflate(data, info):
        if produced == 0 and chunk[:4] == ZIP_MAGIC and not name.startswith(_EMBEDDINGS_DIR):
            raise RejectedFile(texts.NESTED_ARCHIVE)
        produced += len(chunk)
        if produced > budget:
            raise RejectedFile(texts.decompression_bomb(
                contract.MAX_UNCOMPRESSED_BYTES - budget + produced,
                contract.MAX_UNCOMPRESSED_BYTES))
        if produced > info.file_size:
            # The zip lies about the size: other readers would inflate it all.
            raise RejectedFile(texts.CORRUPT_WORKBOOK)
        crc = zlib.crc32(chunk, crc)
        if is_xml:
            window = tail + chunk if tail else chunk
            if b"!" in window and (_DTD_PREFIXES[0] in window or _DTD_PREFIXES[1] in window):
                lowered = window.lower()
                if any(marker in lowered for marker in _DTD_MARKERS):
                    raise RejectedFile(texts.DISALLOWED_XML)
            tail = window[-_MARKER_OVERLAP:]
    if produced != info.file_size or crc != info.CRC:
        raise RejectedFile(texts.CORRUPT_WORKBOOK)
    return produced


def _inflate(data: bytes, info: zipfile.ZipInfo):
    """Yield the member's content in chunks of at most _OUT_CHUNK bytes."""
    offset = info.header_offset
    header = data[offset:offset + 30]
    if len(header) != 30 or header[:4] != ZIP_MAGIC:
        raise RejectedFile(texts.CORRUPT_WORKBOOK)
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = offset + 30 + name_length + extra_length
    raw = memoryview(data)[start:start + info.compress_size]
    if len(raw) != info.compress_size:
        raise RejectedFile(texts.CORRUPT_WORKBOOK)

    if info.compress_type == zipfile.ZIP_STORED:
        for at in range(0, len(raw), _OUT_CHUNK):
            yield bytes(raw[at:at + _OUT_CHUNK])
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise RejectedFile(texts.NOT_A_WORKBOOK)
    inflater = zlib.decompressobj(-15)
    try:
        for at in range(0, len(raw), _IN_CHUNK):
            piece = raw[at:at + _IN_CHUNK]
            while piece:
                out = inflater.decompress(piece, _OUT_CHUNK)
                piece = inflater.unconsumed_tail
                if out:
                    yield out
                if inflater.eof:
                    return
        # Input exhausted: drain what zlib still buffers, still bounded.
        while True:
            out = inflater.decompress(b"", _OUT_CHUNK)
            if not out:
                break
            yield out
    except zlib.error:
        raise RejectedFile(texts.CORRUPT_WORKBOOK) from None
