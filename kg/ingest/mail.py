"""E-mail (.eml, RFC 5322/MIME) -> text and metadata, with the standard library's ``email`` package.

From is the author (the display name, else the address), Date the date, Subject the title; the
body is the plain-text part, else the HTML part reduced like a web page. Attachments are handed
back as files of their own (a forwarded message is an attachment too), which the build reads as
separate sources linked to the message. Limits: ``KG_EML_MAX_DEPTH`` (MIME nesting, 8),
``KG_EML_MAX_ATTACHMENTS`` (50) and ``KG_EML_MAX_ATTACHMENT_BYTES`` (25 MiB each).
"""

from __future__ import annotations

import email
import email.errors
import email.policy
import mimetypes
import re
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from kg.errors import InputError
from kg.ingest.document import Attachment, Document, env_limit
from kg.ingest.web import reduce_html

DEFAULT_MAX_DEPTH = 8
DEFAULT_MAX_ATTACHMENTS = 50
DEFAULT_MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def _depth(part: Message, limit: int, level: int = 1) -> int:
    if level > limit:
        return level
    payload = part.get_payload() if part.is_multipart() else None
    if not isinstance(payload, list):
        return level
    return max([level] + [_depth(sub, limit, level + 1) for sub in payload if isinstance(sub, Message)])


def _safe_name(raw: str | None, number: int, content_type: str) -> str:
    name = PureWindowsPath(PurePosixPath(raw or "").name).name
    name = _UNSAFE.sub("_", name).strip(". ")[:120] or f"attachment-{number}"
    if "." not in name:  # no suffix given: the one its MIME type has
        name += ".eml" if content_type == "message/rfc822" else (mimetypes.guess_extension(content_type) or ".bin")
    return name


def _author(message: EmailMessage) -> str | None:
    for display, address in getaddresses([str(message.get("From", ""))]):
        if display.strip() or address.strip():
            return " ".join((display or address).split())
    return None


def _date(message: EmailMessage) -> str | None:
    raw = message.get("Date")
    if not raw:
        return None
    try:
        return parsedate_to_datetime(str(raw)).date().isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):  # an unknown charset or a broken transfer encoding
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return ""
    if part.get_content_subtype() == "html":
        return reduce_html(content)[0]
    paragraphs = re.split(r"\n[ \t]*\n", content.replace("\r\n", "\n"))
    return "\n\n".join(p.strip("\n") for p in paragraphs if p.strip())


def _attachments(path: Path, message: EmailMessage) -> list[Attachment]:
    most = env_limit("KG_EML_MAX_ATTACHMENTS", DEFAULT_MAX_ATTACHMENTS)
    biggest = env_limit("KG_EML_MAX_ATTACHMENT_BYTES", DEFAULT_MAX_ATTACHMENT_BYTES)
    found: list[Attachment] = []
    used: set[str] = set()
    for number, part in enumerate(message.iter_attachments(), 1):
        if number > most:
            raise InputError(f"{path}: the message has more than {most} attachments (KG_EML_MAX_ATTACHMENTS)")
        content_type = part.get_content_type()
        if content_type == "message/rfc822":
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            data = inner.as_bytes(policy=email.policy.default) if isinstance(inner, Message) else b""
        else:
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
        name = _safe_name(part.get_filename(), number, content_type)
        if len(data) > biggest:
            raise InputError(f"{path}: attachment {name!r} is {len(data):,} bytes, over the {biggest:,}-byte limit "
                             "(KG_EML_MAX_ATTACHMENT_BYTES)")
        stem, dot, suffix = name.rpartition(".")
        unique, n = name, 2
        while unique.lower() in used:
            unique, n = (f"{stem}-{n}.{suffix}" if dot else f"{name}-{n}"), n + 1
        used.add(unique.lower())
        if data:
            found.append(Attachment(unique, data))
    return found


def read_eml(path: Path, data: bytes) -> Document:
    max_depth = env_limit("KG_EML_MAX_DEPTH", DEFAULT_MAX_DEPTH)
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
    except (ValueError, TypeError, LookupError, RecursionError) as exc:
        raise InputError(f"{path}: not a readable e-mail ({type(exc).__name__})") from None
    try:  # the email package parses headers and parts lazily: a damaged one fails here, as this file's error
        if not isinstance(message, EmailMessage) or not (message.keys() or message.get_payload()):
            raise InputError(f"{path}: not an e-mail message (no headers)")
        if _depth(message, max_depth) > max_depth:
            raise InputError(f"{path}: the message nests MIME parts more than {max_depth} deep (KG_EML_MAX_DEPTH)")
        body = _body(message)
        attachments = _attachments(path, message)
        subject = " ".join(str(message.get("Subject", "")).split())
        meta: dict[str, Any] = {"title": subject or None, "author": _author(message), "date": _date(message)}
    except (email.errors.MessageError, LookupError, ValueError, TypeError, AttributeError) as exc:
        raise InputError(f"{path}: not a readable e-mail ({type(exc).__name__}: "
                         f"{' '.join(str(exc).split())[:100]})") from None
    return Document(body, {k: v for k, v in meta.items() if v}, "message/rfc822", attachments=attachments)
