"""Union-find with constraints: clusters that must stay apart are never joined.

Each element carries properties that must agree inside a cluster (an explicit key, an organization
kind, a publication date, ...) and "cannot-link" tags from split decisions: tag ``2*i`` and tag
``2*i+1`` (the two sides of decision ``i``) may never end up in one cluster. Checks and joins are
near constant time (union by size, path halving, small property sets).
"""

from __future__ import annotations


class ConstrainedUnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        self.size = [1] * size
        self.props: dict[int, dict[str, frozenset[str]]] = {}
        self.tags: dict[int, frozenset[int]] = {}

    def set_prop(self, item: int, name: str, value: str) -> None:
        props = self.props.setdefault(self.find(item), {})
        props[name] = props.get(name, frozenset()) | {value}

    def add_tag(self, item: int, tag: int) -> None:
        root = self.find(item)
        self.tags[root] = self.tags.get(root, frozenset()) | {tag}

    def find(self, item: int) -> int:
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def conflict(self, a: int, b: int, forced: bool = False) -> str | None:
        """Why the clusters of ``a`` and ``b`` must not be joined, or None. ``forced`` (an investigator's
        merge) overrides property disagreements but never a split."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        ta, tb = self.tags.get(ra), self.tags.get(rb)
        if ta and tb and any(t ^ 1 in tb for t in ta):
            return "a split decision keeps them apart"
        if not forced:
            pa, pb = self.props.get(ra), self.props.get(rb)
            if pa and pb:
                for name, values in pa.items():
                    other = pb.get(name)
                    if other and len(values | other) > 1:
                        return f"different {name}: {', '.join(sorted(values | other))}"
        return None

    def union(self, a: int, b: int, forced: bool = False) -> bool:
        """Join the clusters of ``a`` and ``b`` unless they conflict; True if they are (now) one."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if self.conflict(ra, rb, forced) is not None:
            return False
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        pb = self.props.pop(rb, None)
        if pb:
            pa = self.props.setdefault(ra, {})
            for name, values in pb.items():
                pa[name] = pa.get(name, frozenset()) | values
        tb = self.tags.pop(rb, None)
        if tb:
            self.tags[ra] = self.tags.get(ra, frozenset()) | tb
        return True

    def groups(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for item in range(len(self.parent)):
            out.setdefault(self.find(item), []).append(item)
        return out
