"""One entity lookup: what a person types for an entity -> the one node it means, or why not.

Every command that takes an entity (``kg ask`` parameters, ``kg query --entity``, ``kg path``,
``kg view --around``, ``kg merge``/``split``/``reject``/``rename``/``retype``) asks :class:`Lookup`,
so they all accept the same forms, tried in this order:

1. an IRI: ``https://kg.example/person/jinato-liu``;
2. a short form: ``person/jinato-liu`` (the kind's IRI segment and a slug, as ``kg entities`` shows),
   which also finds the entity one of whose names has that slug;
3. one record of one case file: ``case.yaml#jinato-liu`` (the file is read from ``root``);
4. a name or alias, optionally after a kind: ``Jinato Liu``, ``person:Jinato Liu``, matched exactly,
   then with case and diacritics folded, then as the resolver compares names ("Mr. Liu" is "Liu"),
   then as a part of one name (accepted only when it fits one entity).

Several entities at the first form that fits is an :class:`~kg.errors.AmbiguousNameError` listing
them (with their short forms, to paste); none is an :class:`~kg.errors.UnknownEntityError` with the
closest names. Values are always bound into the queries, never pasted.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg import schema
from kg.errors import AmbiguousNameError, InputError, KgError, UnknownEntityError
from kg.iris import Minter, check_iri, slug

if TYPE_CHECKING:
    from kg.query.network import Network
    from kg.query.runner import QueryEngine
    from kg.store import KgStore

Cell = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None
Row = dict[str, Cell]
Select = Callable[[str, Mapping[str, ox.NamedNode | ox.Literal]], list[Row]]

_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$|^urn:\S+$")
_SPACE = re.compile(r"\s+")
_SHOWN = 8  # candidates listed in a message
_NAMES = "{ ?s rdfs:label ?n } UNION { ?s skos:altLabel ?n } UNION { ?s schema:name ?n }"


@dataclass(frozen=True)
class Entity:
    iri: str
    kind: str  # person | organization | publication | claim
    label: str
    short: str  # person/jinato-liu, or the IRI when it is not under the store's base

    def describe(self) -> str:
        return f"{self.label!r} ({self.kind} {self.short})"


@dataclass(frozen=True)
class Match:
    entity: Entity
    how: str  # iri | short | record | name | folded | resolver | partial


def fold(text: str) -> str:
    """Case and diacritics folded (as the resolver folds them), whitespace collapsed: 'Jínato  LIU' -> 'jinato liu'."""
    from kg.resolve.normalize import fold as fold_case  # pure Python; here so `kg --help` does not load it

    return _SPACE.sub(" ", fold_case(text)).strip()


@dataclass
class _Candidate:
    entity: Entity
    names: set[str] = field(default_factory=set)


class Lookup:
    """Finds entities in one store. Build it with :meth:`of_store` or :meth:`of_engine`."""

    def __init__(self, select: Select | None, base: str, root: Path | None = None,
                 nodes: list[_Candidate] | None = None) -> None:
        self._select, self.base, self.root = select, base, root
        self._nodes = nodes  # instead of a store: the nodes of a network already in memory
        self.where = "in the store" if nodes is None else "in this view"
        self._loaded: dict[frozenset[str], list[_Candidate]] = {}
        table = schema.load()
        self._kinds = table.kinds
        self._by_class = {k.cls: k.name for k in table.kinds.values()}
        self._segments = {k.iri: k.name for k in table.kinds.values()}

    @classmethod
    def of_store(cls, store: KgStore, root: Path | None = None) -> Lookup:
        def select(query: str, bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> list[Row]:
            solutions = store.select(query, dict(bindings))
            names = [v.value for v in solutions.variables]
            return [{n: row[n] for n in names} for row in solutions]

        return cls(select, store.minter.base, root)

    @classmethod
    def of_engine(cls, engine: QueryEngine, root: Path | None = None) -> Lookup:
        def select(query: str, bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> list[Row]:
            result = engine.query(query, dict(bindings), max_rows=10_000_000)
            return [dict(zip(result.variables, row, strict=True)) for row in result.rows]

        rows = select("SELECT ?b WHERE { GRAPH ?log { ?log kg:baseIri ?b } } LIMIT 1", {})  # the log graph
        base = rows[0]["b"] if rows else None
        return cls(select, base.value if isinstance(base, ox.Literal) else "", root)

    @classmethod
    def of_network(cls, net: Network, base: str = "") -> Lookup:
        """Among the nodes of a network in memory (a view already narrowed), by the same rules;
        ``SOURCE#ID`` needs the store."""
        table = schema.load()
        nodes = []
        for node in net.nodes.values():
            if node.type in (k.label for k in table.kinds.values()):
                kind = table.by_label(node.type).name
                short = node.id[len(base):] if base and node.id.startswith(base) else node.id
                nodes.append(_Candidate(Entity(node.id, kind, node.label, short), {node.label, *node.aliases}))
        nodes.sort(key=lambda c: (c.entity.label.casefold(), c.entity.iri))
        return cls(None, base, None, nodes)

    # -- the one entry point ----------------------------------------------------------------------
    def find(self, text: str, kinds: Iterable[str] | None = None, label: str = "entity") -> Match:
        """The one entity ``text`` means among ``kinds`` (default: people, organizations and
        publications). ``label`` names the argument in messages (``--around``, ``A``, ``entity``)."""
        value, wanted = self._prefixed(text, self._wanted(kinds), label)
        matches = self.candidates(value, wanted, label)
        if len(matches) == 1:
            return matches[0]
        if matches:
            shown = ", ".join(m.entity.describe() for m in matches[:_SHOWN])
            more = f" and {len(matches) - _SHOWN} more" if len(matches) > _SHOWN else ""
            raise AmbiguousNameError(f"{label}: {value!r} matches {len(matches)} entities: {shown}{more}; "
                                     "use a fuller name or one of the short forms")
        what = schema.choices(wanted)
        close = self._close(value, wanted)
        hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
        raise UnknownEntityError(f"{label}: no {what} named {value!r} {self.where}{hint}; "
                                 "'kg entities' lists them")

    def candidates(self, text: str, kinds: Iterable[str] | None = None, label: str = "entity") -> list[Match]:
        """Every entity the first form that fits ``text`` finds (see the module docstring); empty
        when none does. For callers that take every match (a curation decision names them all)."""
        text, wanted = self._prefixed(text, self._wanted(kinds), label)
        if _IRI.match(text):
            return self._by_iri(check_iri(text, label), wanted, label)
        short = self._short(text, wanted, label)
        if short is not None:
            return short
        if "#" in text:
            record = self._record(text, wanted, label)
            if record is not None:
                return record
        for how, matches in (("name", self._exact(text, wanted)), ("folded", None), ("resolver", None),
                             ("partial", None)):
            found = matches if matches is not None else self._scan(text, wanted, how)
            if found:
                return [Match(e, how) for e in found]
        return []

    # -- the forms ----------------------------------------------------------------------------------
    def _prefixed(self, text: str, kinds: list[str], label: str) -> tuple[str, list[str]]:
        """``person:Jinato Liu`` -> ("Jinato Liu", ["person"]); other text as it is."""
        value = text.strip()
        if not value:
            raise InputError(f"{label}: empty name")
        if ":" in value and not _IRI.match(value):
            head, tail = value.split(":", 1)
            kind = schema.load().kind(head, kinds)
            if kind is not None and tail.strip():
                return tail.strip(), [kind.name]
        return value, kinds

    def _wanted(self, kinds: Iterable[str] | None) -> list[str]:
        if kinds is None:
            return [k.name for k in schema.load().entity_kinds]
        wanted = list(kinds)
        unknown = [k for k in wanted if k not in self._kinds]
        if unknown:
            raise ValueError(f"not a kind: {unknown[0]}")
        return wanted

    def _classes(self, kinds: list[str]) -> str:
        return " ".join(str(ox.NamedNode(self._kinds[k].cls)) for k in kinds)

    def _entities(self, rows: list[Row]) -> list[Entity]:
        found: dict[str, Entity] = {}
        for row in rows:
            s, cls, name = row.get("s"), row.get("type"), row.get("label")
            if not isinstance(s, ox.NamedNode) or not isinstance(cls, ox.NamedNode):
                continue
            shown = name.value if isinstance(name, ox.Literal) else s.value
            old = found.get(s.value)
            if old is None or shown < old.label:
                found[s.value] = Entity(s.value, self._by_class[cls.value], shown, self._short_form(s.value))
        return sorted(found.values(), key=lambda e: (e.label.casefold(), e.iri))

    def _short_form(self, iri: str) -> str:
        return iri[len(self.base):] if self.base and iri.startswith(self.base) else iri

    def _by_iri(self, iri: str, kinds: list[str], label: str) -> list[Match]:
        found = self._with_iri(iri, kinds)
        if not found:
            raise UnknownEntityError(f"{label}: no {schema.choices(kinds)} with IRI <{iri}> {self.where}")
        return [Match(e, "iri") for e in found]

    def _with_iri(self, iri: str, kinds: list[str]) -> list[Entity]:
        if self._select is None:
            return [c.entity for c in self._load(kinds) if c.entity.iri == iri]
        query = f"""SELECT ?s ?type ?label WHERE {{ VALUES ?type {{ {self._classes(kinds)} }} ?s a ?type .
            OPTIONAL {{ ?s rdfs:label ?label }} }}"""
        return self._entities(self._select(query, {"s": ox.NamedNode(iri)}))

    def _short(self, text: str, kinds: list[str], label: str) -> list[Match] | None:
        segment, sep, tail = text.partition("/")
        kind = self._segments.get(segment)
        if not sep or kind is None or not tail or " " in text or kind not in kinds or not self.base:
            return None
        iri = check_iri(self.base + text, label)
        exact = self._with_iri(iri, [kind])
        if exact:
            return [Match(e, "short") for e in exact]
        named = [c.entity for c in self._load([kind]) if tail in {slug(n) for n in c.names}]
        if not named:
            raise UnknownEntityError(f"{label}: no {kind} {text} {self.where} (no IRI {iri}, and no {kind} has a "
                                     "name with that slug); 'kg entities' lists them")
        return [Match(e, "short") for e in named]

    def _record(self, text: str, kinds: list[str], label: str) -> list[Match] | None:
        source, _, ident = text.rpartition("#")
        if self._select is None:
            return None
        rows = self._select("SELECT ?g ?name WHERE { GRAPH ?g { ?g a kg:Source ; kg:fileName ?name } }", {})
        graphs = {name.value: r["g"] for r in rows if isinstance(name := r.get("name"), ox.Literal)}
        if source not in graphs:
            named = [n for n in graphs if n.endswith("/" + source)]
            if len(named) != 1:
                return None  # not a record reference: perhaps a name with '#' in it
            source = named[0]
        return [Match(e, "record") for e in self._record_entity(source, graphs[source], ident, kinds, label)]

    def _record_entity(self, source: str, graph: Cell, ident: str, kinds: list[str], label: str) -> list[Entity]:
        from kg.ingest.casefile import CASE_FILE_SUFFIXES, parse_case_text
        from kg.ingest.casemodel import read_case
        from kg.ingest.guard import decode_text, read_source_bytes

        path = (self.root or Path("data")) / source
        if path.suffix.lower() not in CASE_FILE_SUFFIXES:
            raise InputError(f"{label}: {source} is not a case file, so it has no record {ident!r}; "
                             "use the entity's name or short form")
        try:
            case = read_case(parse_case_text(path, decode_text(path, read_source_bytes(path))))
        except (KgError, OSError) as exc:
            raise InputError(f"{label}: cannot read {path} to find record {ident!r} ({exc})") from None
        if "claim" in kinds and any(claim.id == ident for claim in case.claims) and self.base:
            claim = self._with_iri(Minter(self.base).claim(case.key, ident), ["claim"])
            if claim:
                return claim
        record = case.entities.get(ident)
        if record is None or record.kind not in kinds:
            what = schema.choices(kinds)
            raise UnknownEntityError(f"{label}: {source} has no {what} record {ident!r}")
        minted = self._with_iri(Minter(self.base).entity(record.kind, record.key or record.name), [record.kind])
        if minted:  # entity resolution kept the record's own IRI
            return minted
        query = f"""SELECT ?s ?type ?label WHERE {{ VALUES ?type {{ {self._classes([record.kind])} }}
            GRAPH ?g {{ ?s a ?type . {_NAMES} }} OPTIONAL {{ ?s rdfs:label ?label }} }}"""
        assert isinstance(graph, ox.NamedNode) and self._select is not None
        found: dict[str, Entity] = {}
        for name in (record.name, *record.aliases):  # merged into another IRI: the one its source names so
            for entity in self._entities(self._select(query, {"g": graph, "n": ox.Literal(name)})):
                found[entity.iri] = entity
            if found:
                break
        if not found:
            raise UnknownEntityError(f"{label}: record {ident!r} of {source} ({record.name!r}) is not in the store "
                                     "(ingest the file again)")
        return sorted(found.values(), key=lambda e: (e.label.casefold(), e.iri))

    def _exact(self, text: str, kinds: list[str]) -> list[Entity]:
        if self._select is None:
            return [c.entity for c in self._load(kinds) if text in c.names]
        query = f"""SELECT ?s ?type ?label WHERE {{ VALUES ?type {{ {self._classes(kinds)} }} ?s a ?type .
            {_NAMES} OPTIONAL {{ ?s rdfs:label ?label }} }}"""
        return self._entities(self._select(query, {"n": ox.Literal(text)}))

    def _load(self, kinds: list[str]) -> list[_Candidate]:
        """Every node of these kinds with all its names (one query, read once per lookup)."""
        key = frozenset(kinds)
        if self._nodes is not None:
            return [c for c in self._nodes if c.entity.kind in key]
        if key not in self._loaded:
            assert self._select is not None
            query = f"""SELECT ?s ?type ?n ?label WHERE {{ VALUES ?type {{ {self._classes(sorted(key))} }}
                ?s a ?type . {_NAMES} OPTIONAL {{ ?s rdfs:label ?label }} }}"""
            rows = self._select(query, {})
            by_iri = {e.iri: _Candidate(e) for e in self._entities(rows)}
            for row in rows:
                s, n = row.get("s"), row.get("n")
                if isinstance(s, ox.NamedNode) and isinstance(n, ox.Literal) and s.value in by_iri:
                    by_iri[s.value].names.add(n.value)
            self._loaded[key] = list(by_iri.values())  # in label order, as _entities sorts them
        return self._loaded[key]

    def _scan(self, text: str, kinds: list[str], how: str) -> list[Entity]:
        pool = self._load(kinds)
        wanted = fold(text)
        if how == "folded":
            return [c.entity for c in pool if any(fold(n) == wanted for n in c.names)]
        if how == "resolver":  # the resolver's name key: honorifics and punctuation dropped
            from kg.resolve.forms import classify

            keys = {kind: classify(text, kind)[0] for kind in kinds}
            return [c.entity for c in pool if keys[c.entity.kind]
                    and any(classify(n, c.entity.kind)[0] == keys[c.entity.kind] for n in c.names)]
        return [c.entity for c in pool if any(wanted in fold(n) for n in c.names)]

    def _close(self, text: str, kinds: list[str]) -> list[str]:
        labels = {fold(n): n for c in self._load(kinds) for n in c.names}
        return [labels[f] for f in difflib.get_close_matches(fold(text), list(labels), n=5, cutoff=0.6)]
