"""Saved investigator questions: ``kg/query/saved/*.rq``, described by their header comments.

Each file starts with comment lines the registry reads::

    # title: Claims about an entity
    # description: who said what about ENTITY ...
    # param: entity entity  the person, organization or publication (name, alias or IRI)
    # param: organization organization?  a trailing '?' makes a parameter optional
    # example: kg ask claims-about --param entity=CCP

A parameter becomes the query variable of the same name, bound with a ``VALUES`` block (never
pasted); an optional parameter left out stays unbound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from kg.errors import QueryError
from kg.query import params
from kg.query.runner import QueryEngine, Result
from kg.sparql import Term

_HEADER = re.compile(r"^#\s*(title|description|param|example):\s*(.*?)\s*$")
_PARAM = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s+([a-z]+)(\?)?\s+(.+)$")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    optional: bool
    description: str


@dataclass(frozen=True)
class SavedQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    examples: tuple[str, ...]
    text: str


def parse(name: str, text: str) -> SavedQuery:
    """Read one .rq file's header; errors name the file and line."""
    fields: dict[str, list[str]] = {"title": [], "description": [], "param": [], "example": []}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if match is None:
            raise QueryError(f"{name}.rq:{number}: expected '# title|description|param|example: ...'")
        fields[match.group(1)].append(match.group(2))
    if len(fields["title"]) != 1 or len(fields["description"]) != 1:
        raise QueryError(f"{name}.rq: needs exactly one '# title:' and one '# description:' line")
    found = []
    for spec in fields["param"]:
        match = _PARAM.match(spec)
        if match is None or match.group(2) not in params.TYPES:
            raise QueryError(f"{name}.rq: bad '# param: {spec}' (expected NAME TYPE[?] description, "
                             f"TYPE one of {', '.join(params.TYPES)})")
        found.append(Param(match.group(1), match.group(2), bool(match.group(3)), match.group(4)))
    return SavedQuery(name, fields["title"][0], fields["description"][0], tuple(found),
                      tuple(fields["example"]), text)


@cache
def registry() -> dict[str, SavedQuery]:
    """Every shipped question, by name (the file name without .rq)."""
    folder = files("kg.query") / "saved"
    out = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            name = entry.name[:-3]
            out[name] = parse(name, entry.read_text(encoding="utf-8"))
    return out


def get(name: str) -> SavedQuery:
    known = registry()
    if name not in known:
        raise QueryError(f"no saved question named {name!r}; 'kg ask --list' shows them: {', '.join(known)}")
    return known[name]


def bindings_for(engine: QueryEngine, question: SavedQuery, given: dict[str, str]) -> dict[str, Term]:
    """Resolve each ``--param key=value`` to a term; unknown and missing parameters are errors."""
    declared = {p.name: p for p in question.params}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        expected = ", ".join(declared) or "none"
        raise QueryError(f"{question.name}: unknown parameter {unknown[0]!r} (parameters: {expected})")
    out: dict[str, Term] = {}
    for param in question.params:
        if param.name not in given:
            if not param.optional:
                raise QueryError(f"{question.name}: missing parameter {param.name!r} ({param.description}); "
                                 f"e.g. {question.examples[0] if question.examples else ''}")
            continue
        out[param.name] = params.resolve(engine, param.type, given[param.name], param.name)
    return out


def ask(engine: QueryEngine, name: str, given: dict[str, str] | None = None, **options: float) -> Result:
    """Run the saved question ``name`` with parameters given as text (names, aliases, IRIs)."""
    question = get(name)
    bindings = bindings_for(engine, question, given or {})
    return engine.query(question.text, bindings, **options)  # type: ignore[arg-type]
