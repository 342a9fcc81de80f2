"""Shell completion with argcomplete: commands and options from the parser, saved question names
for ``kg ask``, and entity names from the store for the commands that take an entity.

Turned on once per shell with ``eval "$(register-python-argcomplete kg)"``; the shell then runs
``kg`` with ``_ARGCOMPLETE`` set, and :func:`complete` answers and exits before anything else runs.
Entity names come from the store's read snapshot (as ``kg entities`` shows them, ``person/slug``),
so completing never waits for a writer; without a store there is nothing to offer.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

# (command, argument dest) -> what completes it
_ENTITY_ARGUMENTS = {("merge", "a"), ("merge", "b"), ("split", "a"), ("split", "b"), ("reject", "entity"),
                     ("rename", "entity"), ("retype", "entity"), ("path", "start"), ("path", "end"),
                     ("view", "around")}


def wanted() -> bool:
    return "_ARGCOMPLETE" in os.environ


def saved_questions(prefix: str, **_: Any) -> list[str]:
    from kg.query import saved

    return [name for name in sorted(saved.registry()) if name.startswith(prefix)]


def entity_names(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> list[str]:
    from kg.cli.common import store_location
    from kg.errors import KgError
    from kg.resolve.stored import stored_entities
    from kg.store import KgStore

    try:
        with KgStore.at(store_location(parsed_args), None, writable=False) as store:
            base = store.minter.base
            found = [e.iri[len(base):] if e.iri.startswith(base) else e.iri for e in stored_entities(store)]
    except (KgError, OSError):
        return []
    return sorted(name for name in found if name.startswith(prefix))


def complete(parser: argparse.ArgumentParser) -> None:
    """Attach the completers and let argcomplete answer (it exits when the shell is asking)."""
    import argcomplete

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command, sub in action.choices.items():
                for argument in sub._actions:
                    if (command, argument.dest) in _ENTITY_ARGUMENTS:
                        argument.completer = entity_names
                    elif command == "ask" and argument.dest == "name":
                        argument.completer = saved_questions
    argcomplete.autocomplete(parser)
