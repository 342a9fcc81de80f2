"""What extraction finds in one article: entities with their mentions, affiliations, claims.

Every offset is a character offset into the article's stored text (end exclusive), so
``text[start:end] == exact`` holds for every mention and every claim.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.ingest.article import ArticleMeta


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    exact: str


@dataclass
class Mention:
    span: Span
    label: str  # PERSON | ORG | PUBLICATION
    sentence: int


@dataclass
class FoundEntity:
    key: int
    kind: str  # person | organization | publication
    name: str
    aliases: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    org_kind: str | None = None  # a kg:caseFileName of an OrganizationKind
    pub_type: str | None = None
    gender: str | None = None  # "m" | "f", learnt from honorifics, role nouns and pronouns


@dataclass
class FoundAffiliation:
    person: int
    organization: int
    role: str | None
    evidence: Span


@dataclass
class FoundClaim:
    claimant: int | None  # entity key; None means the article itself (the outlet)
    text: str
    kind: str  # direct-quote | reported-speech | unattributed
    evidence: Span
    quote: str | None = None
    about: list[int] = field(default_factory=list)
    relayed_by: int | None = None
    hedged: bool = False
    confidence: float = 0.5
    cue: str = ""  # the attribution rule that fired, for review


@dataclass
class Extraction:
    """Everything found in one article, plus warnings a reviewer should see."""

    text: str
    meta: ArticleMeta
    entities: list[FoundEntity] = field(default_factory=list)
    affiliations: list[FoundAffiliation] = field(default_factory=list)
    claims: list[FoundClaim] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    model: str = ""
    model_version: str = ""

    def entity(self, key: int) -> FoundEntity:
        for entity in self.entities:
            if entity.key == key:
                return entity
        raise KeyError(key)
