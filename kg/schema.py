"""The schema as data: ontology/schema.yaml, read once and checked, as typed tables.

Entity kinds and the words people use for them, the relations the network draws, the properties
its side panel shows, the case-file sections and fields, and the view's node styles live in that
file; code takes them from :func:`load` instead of spelling them out. RDF terms come from
ontology/kg.ttl (a test checks the table agrees with it); this module only expands their prefixes.
YAML is parsed on first use, never at import: ``kg --help`` does not pay for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from kg import vocab
from kg.errors import InputError
from kg.ontology import ontology_dir

SCHEMA_FILE = "schema.yaml"


@dataclass(frozen=True)
class Kind:
    """One kind of node: person, organization, publication or claim."""

    name: str  # person
    label: str  # Person: the node type in the view and in --types
    plural: str  # people: kg stats, the case-file section
    cls: str  # the class IRI
    types: tuple[str, ...]  # every rdf:type its records get (cls first)
    iri: str  # the IRI segment minted names go under
    synonyms: tuple[str, ...]  # other words for it (casefolded), besides name, label and plural
    entity: bool  # resolved and curated (people, organizations, publications; not claims)

    @property
    def words(self) -> tuple[str, ...]:
        """Every spelling that names this kind, casefolded."""
        return tuple(dict.fromkeys(w.casefold() for w in (self.name, self.label, self.plural, *self.synonyms)))


@dataclass(frozen=True)
class Relation:
    predicate: str
    label: str
    reversed: bool  # drawn from the object to the subject
    color: str
    width: float  # line width in the view
    dashes: tuple[int, ...]  # dash pattern (empty: solid)
    arrow: str  # vis-network arrow head at the target end


@dataclass(frozen=True)
class NodeStyle:
    fill: str
    border: str
    shape: str


@dataclass(frozen=True)
class Section:
    """A case-file section: its records' CSV type name, the kind of entity it holds, its fields."""

    name: str
    record: str
    kind: str | None
    fields: dict[str, bool]  # field -> required


@dataclass(frozen=True)
class Schema:
    kinds: dict[str, Kind]
    relations: dict[str, Relation]
    details: dict[str, str]  # predicate -> side-panel label, in order
    node_styles: dict[str, NodeStyle]  # kind label (and "Other") -> style
    collapsed: Relation  # the claimant -> subject edge of a view without claims (predicate "")
    edge_color: str
    sections: dict[str, Section]
    nested: dict[str, dict[str, bool]]  # records inside another record's field -> fields

    def kind(self, text: str, among: Iterable[str] | None = None) -> Kind | None:
        """The kind ``text`` names (any case, any synonym), if it is one of ``among`` (kind names)."""
        wanted = text.strip().casefold()
        allowed = set(self.kinds) if among is None else set(among)
        for kind in self.kinds.values():
            if kind.name in allowed and wanted in kind.words:
                return kind
        return None

    def by_label(self, label: str) -> Kind:
        return next(k for k in self.kinds.values() if k.label == label)

    @property
    def entity_kinds(self) -> tuple[Kind, ...]:
        return tuple(k for k in self.kinds.values() if k.entity)


def parse_kind(text: str, among: Iterable[str] | None = None, what: str = "type") -> Kind:
    """:meth:`Schema.kind`, or an InputError that lists what is accepted."""
    schema = load()
    names = list(schema.kinds) if among is None else list(among)
    found = schema.kind(text, names)
    if found is None:
        raise InputError(f"{what} {text!r}: expected {choices(names)}")
    return found


def choices(names: Iterable[str], conjunction: str = "or") -> str:
    """``person, organization or publication``."""
    items = list(names)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


@cache
def load() -> Schema:
    """The schema table (parsed once per process)."""
    import yaml

    path = ontology_dir() / SCHEMA_FILE
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return _Reader(str(path)).schema(data)


class _Reader:
    """Builds the tables, refusing anything the file should not hold (so a typo is an error, not a gap)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> InputError:
        return InputError(f"{self.path}: {where}: {problem}")

    def mapping(self, value: Any, where: str, keys: Iterable[str] | None = None,
                required: Iterable[str] = ()) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "expected a mapping")
        if keys is not None:
            unknown = sorted(set(map(str, value)) - set(keys))
            if unknown:
                raise self.fail(where, f"unknown key {unknown[0]!r} (expected {', '.join(keys)})")
        missing = [k for k in required if k not in value]
        if missing:
            raise self.fail(where, f"missing {missing[0]!r}")
        return {str(k): v for k, v in value.items()}

    def term(self, text: Any, where: str) -> str:
        prefix, sep, local = str(text).partition(":")
        if not sep or prefix not in vocab.PREFIXES or not local:
            raise self.fail(where, f"{text!r} is not a term with one of the prefixes {', '.join(vocab.PREFIXES)}")
        return vocab.PREFIXES[prefix] + local

    def schema(self, data: Any) -> Schema:
        top = self.mapping(data, "top level", ("kinds", "relations", "details", "view", "case_file"),
                           ("kinds", "relations", "details", "view", "case_file"))
        kinds = {name: self.kind(name, value) for name, value in self.mapping(top["kinds"], "kinds").items()}
        relations = {}
        for term, value in self.mapping(top["relations"], "relations").items():
            predicate = self.term(term, f"relations: {term}")
            relations[predicate] = self.relation(predicate, value, f"relations: {term}")
        details = {self.term(k, f"details: {k}"): str(v) for k, v in self.mapping(top["details"], "details").items()}
        view = self.mapping(top["view"], "view", ("nodes", "collapsed", "edge_color"), ("nodes", "collapsed",
                                                                                       "edge_color"))
        styles = {}
        for label, value in self.mapping(view["nodes"], "view: nodes").items():
            style = self.mapping(value, f"view: nodes: {label}", ("fill", "border", "shape"), ("fill", "border",
                                                                                            "shape"))
            styles[label] = NodeStyle(str(style["fill"]), str(style["border"]), str(style["shape"]))
        missing = [k.label for k in kinds.values() if k.label not in styles]
        if missing or "Other" not in styles:
            raise self.fail("view: nodes", f"no style for {(missing or ['Other'])[0]}")
        case_file = self.mapping(top["case_file"], "case_file", ("sections", "nested"), ("sections", "nested"))
        sections = {name: self.section(name, value, kinds)
                    for name, value in self.mapping(case_file["sections"], "case_file: sections").items()}
        nested = {name: self.fields(value, f"case_file: nested: {name}")
                  for name, value in self.mapping(case_file["nested"], "case_file: nested").items()}
        return Schema(kinds, relations, details, styles, self.relation("", view["collapsed"], "view: collapsed"),
                      str(view["edge_color"]), sections, nested)

    def kind(self, name: str, value: Any) -> Kind:
        where = f"kinds: {name}"
        keys = ("label", "plural", "class", "also", "iri", "synonyms", "entity")
        item = self.mapping(value, where, keys, ("label", "plural", "class", "iri", "entity"))
        cls = self.term(item["class"], f"{where}: class")
        also = tuple(self.term(t, f"{where}: also") for t in item.get("also") or ())
        return Kind(name, str(item["label"]), str(item["plural"]), cls, (cls, *also), str(item["iri"]),
                    tuple(str(s).casefold() for s in item.get("synonyms") or ()), bool(item["entity"]))

    def relation(self, predicate: str, value: Any, where: str) -> Relation:
        item = self.mapping(value, where, ("label", "reversed", "color", "width", "dashes", "arrow"),
                            ("label", "color", "width"))
        return Relation(predicate, str(item["label"]), bool(item.get("reversed", False)), str(item["color"]),
                        float(item["width"]), tuple(int(d) for d in item.get("dashes", [])),
                        str(item.get("arrow", "arrow")))

    def section(self, name: str, value: Any, kinds: Mapping[str, Kind]) -> Section:
        where = f"case_file: sections: {name}"
        item = self.mapping(value, where, ("record", "kind", "fields"), ("record", "fields"))
        kind = item.get("kind")
        if kind is not None and kind not in kinds:
            raise self.fail(where, f"kind {kind!r} is not one of {', '.join(kinds)}")
        return Section(name, str(item["record"]), kind, self.fields(item["fields"], f"{where}: fields"))

    def fields(self, value: Any, where: str) -> dict[str, bool]:
        out = {}
        for field, need in self.mapping(value, where).items():
            if need not in ("required", "optional"):
                raise self.fail(f"{where}: {field}", f"expected required or optional, not {need!r}")
            out[field] = need == "required"
        return out
