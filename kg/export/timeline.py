"""When things were said: a date for every claim and publication, and `kg view --from/--to`.

A claim's date is its own (schema:dateCreated, "date" in the panel) or else the earliest publication
date of the publications it appeared in; a publication's is its schema:datePublished. Dates are
read as ISO 8601 from their start (a year, a month or a day; a time of day is ignored) and written
as YYYY-MM-DD, missing parts taken as the first; anything else counts as no date.
"""

from __future__ import annotations

import datetime
import re

from kg.errors import InputError
from kg.query.network import Network

_ISO = re.compile(r"\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?![\d])")


def parse_date(text: str) -> str | None:
    """``text`` as YYYY-MM-DD, or None if it does not start with an ISO date."""
    match = _ISO.match(text)
    if match is None:
        return None
    year, month, day = int(match.group(1)), int(match.group(2) or 1), int(match.group(3) or 1)
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def node_dates(net: Network) -> dict[str, str]:
    """The date of every claim and publication that has one (see the module docstring)."""
    dates: dict[str, str] = {}
    for node in net.nodes.values():
        if node.type == "Publication" and (found := parse_date(node.details.get("date published", ""))):
            dates[node.id] = found
    for node in net.nodes.values():
        if node.type != "Claim":
            continue
        own = parse_date(node.details.get("date", ""))
        if own is None:
            published = sorted(dates[p] for p in node.publications if p in dates and net.nodes[p].type == "Publication")
            own = published[0] if published else None
        if own is not None:
            dates[node.id] = own
    return dates


def bound(text: str, option: str) -> str:
    """A --from/--to value as YYYY-MM-DD; InputError naming the option otherwise."""
    found = parse_date(text)
    if found is None or _ISO.fullmatch(text.strip()) is None:
        raise InputError(f"{option}: expected a date like 2024, 2024-05 or 2024-05-17, not {text!r}")
    return found


def end_of(text: str) -> str:
    """The last day a --to value covers: 2024 -> 2024-12-31, 2024-02 -> 2024-02-29."""
    start = bound(text, "--to")
    parts = text.strip().count("-")
    day = datetime.date.fromisoformat(start)
    if parts == 0:
        return day.replace(month=12, day=31).isoformat()
    if parts == 1:
        following = day.replace(day=28) + datetime.timedelta(days=4)
        return (following - datetime.timedelta(days=following.day)).isoformat()
    return start


def within(net: Network, start: str | None, end: str | None) -> Network:
    """Only claims and publications dated in [start, end] (undated ones leave too); people and
    organizations stay, with what connects them."""
    if start is not None and end is not None and start > end:
        raise InputError(f"--from {start} is after --to {end}")
    dates = node_dates(net)

    def keep(node_id: str) -> bool:
        if net.nodes[node_id].type not in ("Claim", "Publication"):
            return True
        date = dates.get(node_id)
        return date is not None and (start is None or date >= start) and (end is None or date <= end)

    return net.restrict({i for i in net.nodes if keep(i)})
