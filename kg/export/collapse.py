"""Claims collapsed into claimant -> subject edges, labelled with how many claims each carries.

The full network draws each claim as a node ("Sophia Bryskine -said-> claim -about-> CCP"); the
collapsed view draws one edge per claimant and subject ("Sophia Bryskine -2 claims-> CCP") and
keeps the claims' ids so the side panel can still list their texts, quotes and grades.
"""

from __future__ import annotations

from kg.query.network import Edge, Network

COLLAPSED = "claims"


TOOLTIP_CLAIMS = 3  # claim texts quoted in a collapsed edge's tooltip; the side panel lists them all


def collapsed_label(count: int) -> str:
    return f"{count} claim" if count == 1 else f"{count} claims"


def claim_lines(edge: Edge, net: Network, width: int = 120) -> list[str]:
    """The first few claims a collapsed edge stands for, one line each, for its tooltip."""
    lines = []
    for claim in edge.claims[:TOOLTIP_CLAIMS]:
        node = net.nodes.get(claim)
        if node is not None:
            text = " ".join(node.details.get("text", node.label).split())
            lines.append("• " + (text if len(text) <= width else text[: width - 1] + "…"))
    if len(edge.claims) > TOOLTIP_CLAIMS:
        lines.append(f"… and {len(edge.claims) - TOOLTIP_CLAIMS} more (click the edge)")
    return lines


def collapse_claims(net: Network) -> list[Edge]:
    """One edge per (claimant, subject) pair, in a stable order; claims without a subject add none."""
    claimants: dict[str, list[Edge]] = {}
    subjects: dict[str, list[Edge]] = {}
    for edge in net.edges.values():
        if edge.relation == "said" and net.nodes[edge.target].type == "Claim":
            claimants.setdefault(edge.target, []).append(edge)
        elif edge.relation == "about" and net.nodes[edge.source].type == "Claim":
            subjects.setdefault(edge.source, []).append(edge)
    out: dict[tuple[str, str], Edge] = {}
    for claim in sorted(claimants):
        node = net.nodes[claim]
        for said in claimants[claim]:
            for about in subjects.get(claim, []):
                pair = (said.source, about.target)
                edge = out.setdefault(pair, Edge(said.source, about.target, COLLAPSED))
                edge.claims.append(claim)
                edge.sources |= said.sources | about.sources
                edge.publications |= node.publications
    return [out[pair] for pair in sorted(out)]


def without_claims(net: Network) -> Network:
    """The network with claim nodes replaced by collapsed claimant -> subject edges."""
    collapsed = collapse_claims(net)
    keep = {i for i, n in net.nodes.items() if n.type != "Claim"}
    sub = net.restrict(keep)
    for edge in collapsed:
        if edge.source in sub.nodes and edge.target in sub.nodes:
            sub.add_edge(edge)
    return sub
