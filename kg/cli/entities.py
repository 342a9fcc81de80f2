"""`kg entities`, `kg merge`, `kg split`, `kg reject`, `kg rename`, `kg retype`: reviewing entities
and recording the investigator's decisions in the curation file (applied by the next `kg build`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kg.cli.common import Command, one_line, open_reader, store_location
from kg.errors import InputError, UnknownEntityError, visible

# the resolve package and the store are imported by the handlers: `kg --help` stays fast
if TYPE_CHECKING:
    from kg.resolve.stored import StoredEntity
    from kg.store import KgStore


REF_HELP = ("an entity: person/slug or its IRI (as 'kg entities' shows), 'person:Name', a name, "
            "or SOURCE#ID for one record")


_CURATION_HELP = ("(default: $KG_CURATION, else kg.toml's [build] curation, else curation.yaml in the case "
                  "folder the last 'kg build' of this store read, else data/curation.yaml)")


def _curation_path(args: argparse.Namespace) -> Path:
    """The same rule `kg build` follows, so a decision lands where the next build reads it."""
    from kg.build import curationfile

    location = store_location(args)
    chosen = curationfile.choose(None, args.curation, location.path)
    for note in curationfile.unused(chosen, None):
        print(f"kg: warning: {one_line(note)}", file=sys.stderr)
    return chosen.path


def _short(store: KgStore, iri: str) -> str:
    return iri[len(store.minter.base):] if iri.startswith(store.minter.base) else iri


def entities_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--suggest", action="store_true", help="list likely duplicates not merged, best first")
    p.add_argument("--type", metavar="T", help="only person, organization or publication")
    p.add_argument("--limit", type=int, metavar="N", help="show at most N")
    p.add_argument("--min-score", type=float, default=0.6, metavar="S", help="suggestion threshold (0.6)")
    p.add_argument("--curation", metavar="FILE", help="pairs split there are not suggested " + _CURATION_HELP)


def cmd_entities(args: argparse.Namespace) -> int:
    from kg import schema
    from kg.resolve.stored import stored_entities
    from kg.resolve.suggest import suggest

    entity_kinds = [k.name for k in schema.load().entity_kinds]
    kind = schema.parse_kind(args.type, entity_kinds, "--type").name if args.type else None
    with open_reader(args) as store:
        entities = [e for e in stored_entities(store) if kind is None or e.kind == kind]
        if args.suggest:
            found = suggest(entities, threshold=args.min_score, apart=_kept_apart(args, entities), limit=args.limit)
            for s in found:
                a, b = _short(store, s.a.iri), _short(store, s.b.iri)
                print(visible(f"{s.score:.2f}  {a}  <->  {b}  ({'; '.join(s.reasons)})"))
                for line in s.evidence():
                    print(f"      {visible(_short(store, line))}")
                print(f"      accept: kg merge {a} {b} --reason '...'   keep apart: kg split {a} {b} --reason '...'")
            print(f"{len(found)} suggestion(s) among {len(entities):,} entities")
            return 0
        for e in entities[: args.limit]:
            print(f"{e.kind:<12} {visible(e.label)}  [{visible(_short(store, e.iri))}]  sources: {len(e.sources)}  "
                  f"claims: {e.claims}")
            if e.aliases:
                print(f"{'':<12}   aliases: {visible(', '.join(e.aliases))}")
        print(f"{len(entities):,} entities")
    return 0


def _kept_apart(args: argparse.Namespace, entities: list[StoredEntity]) -> set[frozenset[str]]:
    """Pairs of entity IRIs that split decisions in the curation file keep apart: never suggested."""
    from kg.resolve import curation
    from kg.resolve.refs import RefIndex
    from kg.resolve.stored import context_mentions

    splits = [d for d in curation.load(_curation_path(args)) if d.action == "split"]
    if not splits:
        return set()
    mentions = context_mentions(entities)
    iri_of = {f"{e.kind}/{e.iri.rstrip('/').rsplit('/', 1)[-1]}": e.iri for e in entities}
    index = RefIndex(mentions)
    apart: set[frozenset[str]] = set()
    for decision in splits:
        sides = [{iri_of[mentions[i].id] for i in index.lookup(ref)} for ref in decision.entities]
        apart.update(frozenset((a, b)) for a in sides[0] for b in sides[1] if a != b)
    return apart


def _check_refs(args: argparse.Namespace, refs: list[str]) -> list[str]:
    """Normalise IRIs to ``person/slug`` and make sure each reference names something in the store
    (kg.query.lookup, as every command that takes an entity; a name may name several records)."""
    from kg.query.lookup import Lookup
    from kg.resolve.refs import short_path
    from kg.store.location import has_store

    out = [short_path(ref) or ref.strip() for ref in refs]
    location = store_location(args)
    if args.no_check or location.kind == "memory" or (location.path is not None and not has_store(location.path)):
        return out  # nothing to check against yet: the build will say if a decision matches nothing
    labels = ["A", "B"] if len(refs) == 2 else ["ENTITY"]
    hits: list[set[str]] = []
    with open_reader(args) as store:
        lookup = Lookup.of_store(store, root=_curation_path(args).parent)
        for ref, label in zip(out, labels, strict=True):
            try:
                found = lookup.candidates(ref, label=label)
                if not found:
                    lookup.find(ref, label=label)  # raises, naming the closest names
            except UnknownEntityError as exc:
                raise UnknownEntityError(f"{exc}; --no-check records it anyway") from None
            if found[0].how == "partial":
                shown = ", ".join(m.entity.describe() for m in found[:5])
                raise InputError(f"{label}: {ref!r} is only part of a name ({shown}); a decision needs the whole "
                                 "name or the short form")
            hits.append({m.entity.iri for m in found})
    if len(hits) == 2 and hits[0] == hits[1] and args.command == "merge":
        raise InputError(f"{out[0]!r} and {out[1]!r} are already one entity")
    return out


def _record(args: argparse.Namespace, refs: list[str], name: str | None = None, kind: str | None = None) -> int:
    from kg.resolve import curation

    decision = curation.new_decision(args.command, _check_refs(args, refs), args.reason or "", name, kind,
                                     args.author)
    path = _curation_path(args)
    number = curation.append(path, decision)
    print(f"recorded decision {number} in {path}: {decision.action} {' + '.join(decision.entities)}"
          f" ({decision.author}, {decision.date}); 'kg build' applies it")
    return 0


def _decision_options(parser: argparse.ArgumentParser, reason_required: bool) -> None:
    parser.add_argument("--reason", required=reason_required, metavar="TEXT", help="why (kept for the audit trail)"
                        + ("" if reason_required else "; optional"))
    parser.add_argument("--author", metavar="NAME", help="who decides (default: $KG_AUTHOR or the OS user)")
    parser.add_argument("--curation", metavar="FILE", help="the curation file " + _CURATION_HELP)
    parser.add_argument("--no-check", action="store_true", help="record even if the store has no such entity")


def pair_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("a", metavar="A", help=REF_HELP)
    p.add_argument("b", metavar="B", help="the other entity")
    _decision_options(p, True)


def cmd_merge(args: argparse.Namespace) -> int:
    return _record(args, [args.a, args.b])


def cmd_split(args: argparse.Namespace) -> int:
    return _record(args, [args.a, args.b])


def reject_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("entity", metavar="ENTITY", help=REF_HELP)
    _decision_options(p, True)


def cmd_reject(args: argparse.Namespace) -> int:
    return _record(args, [args.entity])


def rename_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("entity", metavar="ENTITY", help=REF_HELP)
    p.add_argument("name", metavar="NEW", help="the new name")
    _decision_options(p, False)


def cmd_rename(args: argparse.Namespace) -> int:
    return _record(args, [args.entity], name=args.name)


def retype_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("entity", metavar="ENTITY", help=REF_HELP)
    p.add_argument("type", metavar="TYPE", help="person, organization or publication")
    _decision_options(p, False)


def cmd_retype(args: argparse.Namespace) -> int:
    return _record(args, [args.entity], kind=args.type)


COMMANDS = [
    Command("entities", cmd_entities, "list entities (type, aliases, sources, claims), or likely duplicates with "
            "--suggest", "kg entities --type person\n  kg entities --suggest --limit 20", entities_arguments),
    Command("merge", cmd_merge, "record that two entities are one (curation file; applied by the next build)",
            "kg merge person/jinato-liu 'person:J. Liu' --reason 'same detainee, per the interview'", pair_arguments),
    Command("split", cmd_split, "record that two entities must stay apart even if their names match",
            "kg split a.yaml#john-smith b.yaml#js --reason 'different men: MP and reporter'", pair_arguments),
    Command("reject", cmd_reject, "record that something is not an entity (dropped, with references to it)",
            "kg reject 'person:He' --reason 'pronoun tagged as a person'", reject_arguments),
    Command("rename", cmd_rename, "record a better name for an entity (its IRI is kept)",
            "kg rename org/ccp 'Chinese Communist Party'", rename_arguments),
    Command("retype", cmd_retype, "record the right type of an entity (person, organization, publication)",
            "kg retype 'person:Xinhua' organization --reason 'a news agency, not a person'", retype_arguments),
]
