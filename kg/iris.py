"""Deterministic identifiers: the same stable key always gives the same IRI.

Entities are keyed by type and normalised name (so two sources naming "CBN News" meet on one
node), claims by their case and local id, sources by their name relative to the data directory.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from urllib.parse import quote

from kg.errors import InputError

DEFAULT_BASE = "https://kg.example/"
_MAX_SLUG = 64
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
# RFC 3987 forbids these in IRIs; N-Triples cannot carry them either.
_BAD_IRI_CHARS = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f]')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def short_hash(text: str, length: int = 16) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


@functools.lru_cache(maxsize=1 << 16)  # entity names recur in every source that mentions them
def slug(text: str) -> str:
    """Lower-case, diacritics dropped, runs of non-word characters as '-'; long slugs hashed."""
    if text.isascii():  # NFKC, NFKD and casefold leave ASCII as lower() does, with nothing to drop
        plain = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    result = _NON_WORD.sub("-", plain).strip("-")
    if not result:
        return "x-" + short_hash(text, 12)
    if len(result) > _MAX_SLUG:
        return result[: _MAX_SLUG - 13].rstrip("-") + "-" + short_hash(text, 12)
    return result


@functools.cache
def _segments() -> dict[str, str]:
    from kg import schema  # read when the first IRI is minted: the store opens without the schema

    return {kind.name: kind.iri for kind in schema.load().kinds.values()}


def check_iri(value: str, what: str) -> str:
    """Return ``value`` if it is an absolute IRI that N-Triples can carry, else raise InputError."""
    if not _SCHEME.match(value) or _BAD_IRI_CHARS.search(value):
        raise InputError(f"{what}: {value!r} is not an absolute IRI")
    return value


def check_base(base: str) -> str:
    check_iri(base, "base IRI")
    if not base.endswith(("/", "#")):
        raise InputError(f"base IRI: {base!r} must end with '/' or '#'")
    return base


class Minter:
    """Mints every IRI kg writes under one base."""

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = check_base(base)

    def entity(self, kind: str, key: str) -> str:
        """``BASE/person/slug``: the kind's IRI segment (ontology/schema.yaml), then the key's slug."""
        return f"{self.base}{_segments()[kind]}/{slug(key)}"

    def claim(self, case_key: str, claim_id: str) -> str:
        return f"{self.base}{_segments()['claim']}/{slug(case_key)}/{slug(claim_id)}"

    def affiliation(self, person: str, organization: str, role: str) -> str:
        return f"{self.base}affiliation/{short_hash(chr(0).join((person, organization, role)))}"

    def source(self, name: str) -> str:
        return f"{self.base}source/{quote(name, safe='/-._~')}"

    def ingest(self, source: str, content_hash: str) -> str:
        return f"{self.base}ingest/{short_hash(source + chr(0) + content_hash)}"

    def software(self, version: str) -> str:
        return f"{self.base}software/kg/{quote(version, safe='-._~+')}"

    def skolem(self, content_hash: str) -> str:
        """Prefix for the skolem IRIs that replace one file's blank nodes."""
        return f"{self.base}.well-known/genid/{content_hash.removeprefix('sha256:')[:16]}-"

    def log_graph(self) -> str:
        return f"{self.base}graph/ingest-log"

    def staging_prefix(self) -> str:
        """Where a remote write stages a source graph before moving it into place."""
        return f"{self.base}graph/staging/"

    def staging_graph(self, source: str) -> str:
        return f"{self.staging_prefix()}{short_hash(source)}"
