"""Entity references in curation decisions, and finding the mentions they mean.

A reference is one of:

- ``case.yaml#jinato-liu``: one record of one source (the most precise; needed to split two
  records with the same name);
- ``person/jinato-liu`` or a full IRI ``https://kg.example/person/jinato-liu``: what ``kg entities``
  shows; matches the records whose name or alias would mint that IRI;
- ``person:Jinato Liu`` or just ``Jinato Liu``: every record of that type (any type without the prefix)
  whose name or alias is that name after normalisation ("Mr. Liu" and "Liu" are the same name).
"""

from __future__ import annotations

import re
from collections import defaultdict

from kg import schema
from kg.errors import InputError
from kg.iris import slug
from kg.resolve.forms import classify
from kg.resolve.mention import Mention
from kg.resolve.normalize import split_definition

ENTITY_KINDS = tuple(kind.name for kind in schema.load().entity_kinds)
IRI_SEGMENTS = {kind.iri: kind.name for kind in schema.load().entity_kinds}
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_PATH = re.compile(rf"^({'|'.join(map(re.escape, IRI_SEGMENTS))})/([^/\s]+)$")


def kind_named(text: str) -> str | None:
    """The entity kind ``text`` names (person, people, org, ...; any case), if any."""
    kind = schema.load().kind(text, ENTITY_KINDS)
    return kind.name if kind else None


def parse_kind(text: str) -> str:
    kind = kind_named(text)
    if kind is None:
        raise InputError(f"{text!r} is not an entity type ({schema.choices(ENTITY_KINDS)})")
    return kind


def short_path(ref: str) -> str | None:
    """``https://kg.example/person/x`` or ``person/x`` -> ``person/x``; None for other references."""
    text = ref.strip()
    if _IRI.match(text):
        parts = text.rstrip("/").rsplit("/", 2)
        text = "/".join(parts[-2:]) if len(parts) == 3 else text
    return text if _PATH.match(text) else None


class RefIndex:
    """Looks references up among one build's mentions (by index into the mention list)."""

    def __init__(self, mentions: list[Mention], kinds: list[str] | None = None) -> None:
        self.mentions = mentions
        self.kinds = kinds or [m.kind for m in mentions]
        self.records: dict[str, int] = {}
        self.names: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.slugs: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, m in enumerate(mentions):
            self.records[m.ref] = i
            names = {m.name, *m.aliases}
            for text in list(names):
                long, defined = split_definition(text)
                names |= {long, defined} if defined else {long}
            for kind in {m.kind, self.kinds[i]}:
                for text in names:
                    self.names[(kind, classify(text, kind)[0])].append(i)
                    self.slugs[(kind, slug(text))].append(i)
                for extra in (m.key, f"{m.name} {m.ref}", f"{m.name} ({m.source})"):
                    if extra:
                        self.slugs[(kind, slug(extra))].append(i)

    def add_name(self, item: int, name: str) -> None:
        """Let ``name`` (a rename decision's new name) find mention ``item`` too."""
        for kind in {self.mentions[item].kind, self.kinds[item]}:
            self.names[(kind, classify(name, kind)[0])].append(item)
            self.slugs[(kind, slug(name))].append(item)

    def lookup(self, ref: str) -> list[int]:
        """The mentions ``ref`` means, in mention order (empty when it matches nothing)."""
        text = ref.strip()
        path = short_path(text)
        if path is not None:
            segment, tail = path.split("/", 1)
            return sorted(set(self.slugs.get((IRI_SEGMENTS[segment], tail), [])))
        if "#" in text and text in self.records:
            return [self.records[text]]
        kinds: tuple[str, ...] = ENTITY_KINDS
        if ":" in text:
            head, tail = text.split(":", 1)
            if kind_named(head) is not None:
                kinds, text = (parse_kind(head),), tail
        found: set[int] = set()
        for kind in kinds:
            key = classify(text, kind)[0]
            if key:
                found.update(self.names.get((kind, key), []))
        return sorted(found)
