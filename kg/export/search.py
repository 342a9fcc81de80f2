"""The view's search index: every entity's names as comparison keys, made in Python.

Keys are kg's own name keys (kg.resolve.normalize: case and diacritics folded, punctuation,
possessives and a leading "the" dropped; for people also without honorifics), the same keys entity
lookup compares, so a name that `kg view --around` accepts is found by the page's search too. The
page folds what is typed with view-search.js's port of the same rules (a test compares the two on
every label of generated cases) and ranks matches: exact names of people, organizations and
publications first, then names that start with the text, then names with a word that does, each
tier by importance, and only then claims whose text contains it.
"""

from __future__ import annotations

from kg.query.network import Network, Node
from kg.resolve.normalize import normalize


def keys(node: Node) -> list[str]:
    """The distinct keys of a node's label and aliases, label first; none for claims (their text is
    folded in the page, only when someone searches)."""
    if node.type == "Claim":
        return []
    out: list[str] = []
    for name in (node.label, *node.aliases):
        for key in (normalize(name), normalize(name, person=True) if node.type == "Person" else ""):
            if key and key not in out:
                out.append(key)
    return out


def importance(net: Network, degree: dict[str, int]) -> dict[str, int]:
    """Rank of every node, 0 the most important: by degree in the network (claims said, claims about,
    memberships, publications), then by label, so ties break the same way every time."""
    order = sorted(net.nodes, key=lambda i: (net.nodes[i].type == "Claim", -degree.get(i, 0),
                                             net.nodes[i].label.casefold(), i))
    return {node: rank for rank, node in enumerate(order)}
