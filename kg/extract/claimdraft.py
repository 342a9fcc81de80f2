"""The pieces attribution passes between its rules: a speech event and a claim in the making."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kg.extract.quotes import Quote
from kg.extract.references import Resolved

_BASE_CONFIDENCE = {"direct-quote": 0.9, "reported-speech": 0.8, "unattributed": 0.5}
_PENALTY = {"name": 0.0, "pronoun": 0.1, "noun": 0.2, "role": 0.2, "outlet": 0.0}


@dataclass
class Event:
    verb: Any
    speaker: Resolved | None
    content: tuple[int, int] | None  # token range outside quotation marks
    cue: str
    quotes: list[Quote] = field(default_factory=list)
    extra: list[tuple[int, int]] = field(default_factory=list)  # further "and that ..." complements


@dataclass
class Draft:
    start: int  # normalised character offsets of the evidence
    end: int
    kind: str
    claimant: int | None
    via: str
    cue: str
    quote: str | None = None
    relayed_by: int | None = None
    hedged: bool = False
    verb: int | None = None
    label: str = ""  # put before the text: "deny: " for what was denied
    subject: int | None = None  # what an outlet's statement is about when named only as "the hospital"

    @property
    def confidence(self) -> float:
        return round(_BASE_CONFIDENCE[self.kind] - _PENALTY.get(self.via, 0.2), 2)
