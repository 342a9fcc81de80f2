"""Sources: finding them in a directory, naming them, and turning one file into its graph.

A source's name is its path relative to the data directory (``case.yaml``,
``articles/report.html``); its graph IRI is minted from that name, so re-ingesting the same file
replaces its graph instead of adding a second one.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from kg import __version__, vocab
from kg.errors import InputError, KgError
from kg.ingest.article import ARTICLE_SUFFIXES, is_sidecar, read_sidecar
from kg.ingest.article import MEDIA_TYPES as ARTICLE_MEDIA_TYPES
from kg.ingest.casefile import CASE_FILE_SUFFIXES, parse_case_text
from kg.ingest.casemodel import Case, read_case
from kg.ingest.csvmap import MAPPING_SUFFIX, is_mapping, read_mapping, table_paths
from kg.ingest.document import Attachment
from kg.ingest.folder import Admitted, find_files
from kg.ingest.ftm import FTM_SUFFIXES, is_ftm_file
from kg.ingest.guard import decode_text, read_source_bytes
from kg.ingest.rdf import MEDIA_TYPES, RDF_FORMATS, rdf_triples
from kg.ingest.triples import case_triples
from kg.iris import Minter
from kg.resolve.curation import CURATION_FILE
from kg.resolve.mention import Mention, mentions_of
from kg.store.nt import SpilledSink, TripleSink, literal

CASE_MEDIA_TYPES = {".yaml": "application/yaml", ".yml": "application/yaml", ".json": "application/json",
                    ".csv": "text/csv"}
SOURCE_SUFFIXES = tuple(CASE_FILE_SUFFIXES) + tuple(RDF_FORMATS) + ARTICLE_SUFFIXES
# read before the plain suffixes: x.ftm.json is FollowTheMoney, x.mapping.yaml a table mapping
NAMED_KINDS = (*FTM_SUFFIXES, MAPPING_SUFFIX)


@dataclass
class PreparedSource:
    """A validated source, ready to be written: nothing in the store has been touched yet."""

    name: str
    path: Path
    iri: str
    content_hash: str
    size: int
    media_type: str
    sink: TripleSink | SpilledSink
    content_triples: int
    title: str | None = None
    case: Case | None = None  # the validated records (case files, articles), for entity resolution
    resolution_digest: str | None = None  # what entity resolution decided for them (kg.build.resolution)
    mentions: list[Mention] | None = None  # what resolution sees of the case, kept while the case waits on disk
    case_file: Path | None = None  # the case, pickled by :meth:`spill`
    case_only: bool = False  # the graph is exactly the case's triples plus the description (case files)
    parts: list[PreparedSource] = field(default_factory=list)  # an e-mail's attachments, each a source
    part_errors: list[tuple[str, KgError]] = field(default_factory=list)  # attachments that could not be read
    notes: list[str] = field(default_factory=list)  # for the build's report: attachments of types kg does not read

    def spill(self, directory: Path) -> None:
        """Move the graph and the case into files under ``directory`` (private to this build): only the
        mentions, which entity resolution needs for all sources at once, stay in memory."""
        for part in self.parts:
            part.spill(directory)
        stem = self.spill_stem(directory)
        if isinstance(self.sink, TripleSink):
            self.sink = self.sink.spill(stem.with_suffix(".nt"))
        if self.case is not None:
            self.mentions = mentions_of(self.name, self.case)
            self.case_file = stem.with_suffix(".case")
            self.case_file.write_bytes(pickle.dumps(self.case, pickle.HIGHEST_PROTOCOL))
            self.case = None

    def spill_stem(self, directory: Path) -> Path:
        """Where in ``directory`` this source's spill files go (``STEM.nt``, ``STEM.case``)."""
        return directory / hashlib.sha256(self.name.encode("utf-8")).hexdigest()[:32]

    def load_case(self) -> Case | None:
        """The validated records, read back from the build's own spill file if they were spilled."""
        if self.case is None and self.case_file is not None:
            self.case = pickle.loads(self.case_file.read_bytes())  # our own file, in a private folder
            self.case_file.unlink(missing_ok=True)
            self.case_file = None
        return self.case

    def discard(self) -> None:
        """Delete the spill files once the source is written (or given up)."""
        for part in self.parts:
            part.discard()
        if isinstance(self.sink, SpilledSink):
            self.sink.remove()
        if self.case_file is not None:
            self.case_file.unlink(missing_ok=True)


def is_source_name(path: Path) -> bool:
    """Does the file's name make it a source (its suffix; not a sidecar)?"""
    return (path.suffix.lower() in SOURCE_SUFFIXES or is_ftm_file(path)) and not is_sidecar(path)


def discover(directory: Path, follow_symlinks: bool = False,
             refused: list[tuple[Path, InputError]] | None = None,
             admitted: dict[Path, Admitted] | None = None) -> list[Path]:
    """Every source file under ``directory`` (hidden files and folders skipped), in sorted order.
    Symbolic links that leave the folder and special files are not among them: each is appended to
    ``refused`` instead (see :mod:`kg.ingest.folder`). ``admitted`` receives what the folder rule saw
    of each file, for :func:`prepare` to check again on the file it opens."""
    curation = directory / CURATION_FILE  # the investigator's decisions, not a source
    found = find_files(directory, lambda p: is_source_name(p) and p != curation, follow_symlinks)
    if refused is not None:
        refused.extend(found.refused)
    if admitted is not None:
        admitted.update(found.admitted)
    tables = {table.resolve() for path in found.files if is_mapping(path)
              for table in table_paths(path, _mapping_text(path, found.admitted.get(path)))}
    return [path for path in found.files if path.resolve() not in tables]  # a mapping's tables come with it


def _mapping_text(path: Path, admitted: Admitted | None) -> str:
    """A mapping's text for discovery (which tables it names), read under the folder rule; "" if unreadable."""
    try:
        return read_source_bytes(path, admitted).decode("utf-8", errors="replace")
    except InputError:
        return ""  # prepare says why, against the mapping


def source_name(path: Path, root: Path | None) -> str:
    """``path`` relative to ``root`` when inside it (POSIX separators), else the file name."""
    resolved = path.resolve()
    if root is not None:
        try:
            return resolved.relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.name


def _checked_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SOURCE_SUFFIXES and not is_ftm_file(path):
        raise InputError(f"{path}: unsupported file type {suffix or '(none)'!r} "
                         f"(expected one of {', '.join((*SOURCE_SUFFIXES, *NAMED_KINDS))})")
    return suffix


def read_input(path: Path, admitted: Admitted | None = None) -> tuple[bytes, bytes | None]:
    """What :func:`prepare` needs from the folder: the file's bytes and its article sidecar's (or
    None), with the errors :func:`prepare` gives for a file it cannot read. ``admitted``: what the
    folder rule saw of the file, checked again on the file opened (and its sidecar held to its folder)."""
    suffix = _checked_suffix(path)
    sidecar = read_sidecar(path, admitted) if suffix in ARTICLE_SUFFIXES else None
    return read_source_bytes(path, admitted), sidecar


def prepare(path: Path, name: str, minter: Minter, data: bytes | None = None, sidecar: bytes | None = None,
            parent: str | None = None, admitted: Admitted | None = None) -> PreparedSource:
    """Read, check and convert one file. Raises InputError naming the file and the problem.

    With ``data`` (the file's bytes) and ``sidecar`` (its article sidecar's, or None) no file is
    opened: ``path`` only names the source in messages and picks its reader, so a machine that
    does not see the folder can prepare it (:mod:`kg.build.remote`), and a file inside another
    (an e-mail's attachment, whose source IRI is ``parent``) can be read from the bytes it came in."""
    if not _utf8(name):  # a name from another system's encoding (an old zip): it could not be stored
        raise InputError(f"{path}: the file name is not UTF-8 text; rename the file")
    if data is None:
        data, sidecar = read_input(path, admitted)
    suffix = _checked_suffix(path)
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    iri = minter.source(name)
    sink = TripleSink()
    title = None
    case: Case | None = None
    attachments: list[Attachment] = []
    notes: list[str] = []
    if is_ftm_file(path) or is_mapping(path):
        case, digest, notes, media_type = _structured(path, data, admitted)
        case_triples(case, minter, sink)
        title = case.title
    elif suffix in CASE_FILE_SUFFIXES:
        case = read_case(parse_case_text(path, decode_text(path, data)))
        case_triples(case, minter, sink)
        title = case.title
        media_type = CASE_MEDIA_TYPES[suffix]
    elif suffix in ARTICLE_SUFFIXES:
        from kg.extract.source import article_triples, content_digest, load_article_source  # loads spaCy

        digest = content_digest(data, sidecar)
        article = load_article_source(path, data, sidecar, name)
        article_triples(article, iri, digest, minter, sink)
        title = article.article.meta.title
        case = article.case
        media_type = ARTICLE_MEDIA_TYPES[suffix]
        attachments = article.article.attachments
        if article.article.page_starts is not None:
            sink.add(iri, vocab.PAGE_COUNT, literal(str(len(article.article.page_starts)), vocab.XSD_NON_NEG))
    else:
        rdf_triples(path, data, iri, minter.skolem(digest), sink)
        media_type = MEDIA_TYPES[suffix]
    prepared = PreparedSource(name, path, iri, digest, len(data), media_type, sink, len(sink), title, case,
                              case_only=suffix in CASE_FILE_SUFFIXES or is_ftm_file(path), notes=notes)
    if parent is not None:
        sink.link(iri, vocab.ATTACHMENT_OF, parent)
    describe(prepared, minter, sink)
    for attachment in attachments:
        _prepare_part(prepared, path, attachment, minter)
    return prepared


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _prepare_part(message: PreparedSource, path: Path, attachment: Attachment, minter: Minter) -> None:
    """An attachment as a source of its own, named ``MESSAGE/FILE`` (``mail.eml/report.pdf``)."""
    name = f"{message.name}/{attachment.name}"
    inner = path / attachment.name  # names the attachment in messages; never opened
    if inner.suffix.lower() not in SOURCE_SUFFIXES:
        message.notes.append(f"{inner}: attachment of a type kg does not read; left out")
        return
    try:
        message.parts.append(prepare(inner, name, minter, attachment.data, parent=message.iri))
    except KgError as exc:
        message.part_errors.append((name, exc))


# What a parser may raise on input nobody foresaw: reported against that file, the build goes on.
UNFORESEEN = (ValueError, TypeError, LookupError, RecursionError, MemoryError, OSError)


def unforeseen(path: Path, exc: BaseException) -> KgError:
    """One of :data:`UNFORESEEN` from preparing ``path``, as the error the report shows for it."""
    detail = " ".join(str(exc).split())[:200]
    return KgError(f"{path}: could not be read ({type(exc).__name__}: {detail}); this is a bug in kg, please report it")


def _structured(path: Path, data: bytes, admitted: Admitted | None) -> tuple[Case, str, list[str], str]:
    """FollowTheMoney JSON lines or a table mapping: its case, content hash, notes and media type.
    A mapping's hash covers its tables, so an edited table makes the source change. The tables are
    read under the mapping's folder rule (``admitted``; a mapping named on the command line: its folder)."""
    text = decode_text(path, data)
    if is_ftm_file(path):
        from kg.ingest.ftm import read_ftm  # loads followthemoney

        found = read_ftm(path, text)
        skipped = ", ".join(f"{count} {schema}" for schema, count in sorted(found.skipped.items()))
        notes = [f"{path}: skipped FtM entities kg does not hold: {skipped}"] if skipped else []
        return read_case(found.raw), "sha256:" + hashlib.sha256(data).hexdigest(), notes, "application/x-ndjson"
    rule = admitted.beside() if admitted is not None else Admitted(str(path.parent.resolve()), False, True)
    raw, tables = read_mapping(path, text, rule)
    digest = hashlib.sha256(data)
    for table, table_data in tables:
        digest.update(b"\x00" + table.name.encode("utf-8") + b"\x00" + table_data)
    return read_case(raw), "sha256:" + digest.hexdigest(), [], "application/yaml"


def prepare_spilled(path: Path, name: str, minter: Minter, spill_dir: Path | None,
                    admitted: Admitted | None = None) -> PreparedSource:
    """:func:`prepare`, then :meth:`PreparedSource.spill` into ``spill_dir`` (when given)."""
    prepared = prepare(path, name, minter, admitted=admitted)
    if spill_dir is not None:
        prepared.spill(spill_dir)
    return prepared


def describe(source: PreparedSource, minter: Minter, out: TripleSink) -> None:
    """The source's own provenance, written into ``out`` (its graph's sink; stable: no timestamps here)."""
    s = source.iri
    activity = minter.ingest(s, source.content_hash)
    software = minter.software(__version__)
    out.link(s, vocab.TYPE, vocab.SOURCE)
    out.link(s, vocab.TYPE, vocab.ENTITY)
    out.text(s, vocab.LABEL, source.name)
    out.text(s, vocab.FILE_NAME, source.name)
    out.text(s, vocab.CONTENT_HASH, source.content_hash)
    out.add(s, vocab.BYTE_SIZE, literal(str(source.size), vocab.XSD_NON_NEG))
    out.add(s, vocab.TRIPLE_COUNT, literal(str(source.content_triples), vocab.XSD_NON_NEG))
    out.text(s, vocab.FORMAT, source.media_type)
    if source.title:
        out.text(s, vocab.TITLE, source.title)
    out.link(s, vocab.WAS_GENERATED_BY, activity)
    out.link(activity, vocab.TYPE, vocab.INGEST)
    out.link(activity, vocab.TYPE, vocab.ACTIVITY)
    out.text(activity, vocab.LABEL, f"ingest of {source.name}")
    out.link(activity, vocab.USED, s)
    out.link(activity, vocab.WAS_ASSOCIATED_WITH, software)
    out.link(software, vocab.TYPE, vocab.SOFTWARE_AGENT)
    out.text(software, vocab.LABEL, f"kg {__version__}")
    out.text(software, vocab.TOOL_VERSION, __version__)
