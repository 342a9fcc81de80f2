"""Zip containers (DOCX, ODT) opened only after their size is known, and their XML parsed safely.

A zip's directory can lie about sizes, so every member is decompressed here, counting bytes, before
any library reads the file: the total must stay under ``KG_ZIP_MAX_BYTES`` (200 MiB by default),
each member's compression ratio under ``KG_ZIP_MAX_RATIO`` (100 by default, for members over
1 MiB) and the member count under 10,000. XML parts with a DTD (``<!DOCTYPE`` or ``<!ENTITY``,
which neither format uses) are refused outright: no entity is ever expanded and no external entity
is fetched; the parser used afterwards is set to load no DTD, resolve no entity and use no network.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from kg.errors import InputError
from kg.ingest.document import env_limit

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_RATIO = 100
MAX_MEMBERS = 10_000
RATIO_FLOOR = 1024 * 1024  # members smaller than this are not held to the ratio
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_CHUNK = 1 << 16


def safe_parser() -> etree.XMLParser:
    """lxml's parser with everything that reaches outside the document switched off."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_pis=True)


def open_zip(path: Path, data: bytes, what: str) -> dict[str, bytes]:
    """Every member of the zip ``data`` (checked against the caps and for DTDs in XML parts)."""
    max_bytes = env_limit("KG_ZIP_MAX_BYTES", DEFAULT_MAX_BYTES)
    max_ratio = env_limit("KG_ZIP_MAX_RATIO", DEFAULT_MAX_RATIO)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise InputError(f"{path}: not a readable {what} (it is not a valid zip container)") from None
    if len(members) > MAX_MEMBERS:
        raise InputError(f"{path}: the {what} holds {len(members):,} parts, over the limit of {MAX_MEMBERS:,}")
    parts: dict[str, bytes] = {}
    total = 0
    for info in members:
        if info.is_dir():
            continue
        if info.flag_bits & 0x1:
            raise InputError(f"{path}: the {what} is encrypted; save an unprotected copy to read it")
        chunks: list[bytes] = []
        size = 0
        try:
            with archive.open(info) as member:
                while chunk := member.read(_CHUNK):
                    size += len(chunk)
                    total += len(chunk)
                    if total > max_bytes:
                        raise InputError(f"{path}: the {what} unpacks to more than {max_bytes:,} bytes "
                                         "(KG_ZIP_MAX_BYTES); refused as a possible zip bomb")
                    if size > RATIO_FLOOR and size > max_ratio * max(info.compress_size, 1):
                        raise InputError(f"{path}: part {info.filename!r} of the {what} is compressed more than "
                                         f"{max_ratio}:1 (KG_ZIP_MAX_RATIO); refused as a possible zip bomb")
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, NotImplementedError) as exc:
            detail = " ".join(str(exc).split())[:120]
            raise InputError(f"{path}: not a readable {what} (part {info.filename!r}: {detail})") from None
        body = b"".join(chunks)
        if info.filename.lower().endswith((".xml", ".rels")):
            found = _DTD.search(body)
            if found:
                raise InputError(f"{path}: part {info.filename!r} of the {what} has a "
                                 f"<!{found.group(1).decode().upper()}> declaration; refused (entity expansion "
                                 "and external entities are never processed)")
        parts[info.filename] = body
    return parts


def parse_xml(path: Path, data: bytes, part: str) -> etree._Element:
    try:
        return etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{path}: part {part!r} is not well-formed XML ({exc.msg})") from None
