"""Stories for ``kg synth``: one publication and the claims it carries, written into a case file.

A story has a target (a company, agency or party), a second organization and people around them.
Its claims come from the targets (often denials that dispute earlier claims), officials, experts
and the outlet itself; some are relayed from an earlier report, with ``originally_in`` and
``relayed_by``. Quotes are cut from the claim text and located in the (unwritten) article body by
evidence offsets that stay consistent within the publication.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from kg.synth import words
from kg.synth.casefile import CaseFile, Org, Person, Pub
from kg.synth.world import World, _skewed

_NEWS = ("NewsArticle", "BlogPosting", "Video")
_DENIALS = ("denies", "rejects", "politically motivated", "never informed")
_NOTES = ("Could not be verified independently.", "Translated from the original.",
          "Source asked not to be named.", "Repeated in a later interview.")
_CREDIBILITY = (("1", 10), ("2", 25), ("3", 30), ("4", 15), ("5", 5), ("6", 15))


@dataclass
class _Cast:
    pub: Pub
    pid: str
    subjects: list[Person | Org]
    voices: list[Person]
    bodies: list[Org]
    about_ids: dict[str, list[str]] = field(default_factory=dict)  # subject id -> claims about it


def _span(rng: random.Random, text: str, shortest: int, longest: int) -> tuple[str, str, str]:
    """A run of whole words from ``text``, with up to three words before and after it."""
    tokens = text.rstrip(".").split()
    size = min(len(tokens), rng.randint(shortest, longest))
    start = rng.randint(0, len(tokens) - size)
    before, after = tokens[max(0, start - 3): start], tokens[start + size: start + size + 3]
    return " ".join(tokens[start: start + size]), " ".join(before), " ".join(after)


class Storyteller:
    def __init__(self, world: World) -> None:
        self.world, self.rng = world, world.rng
        self.cited: dict[str, list[Pub]] = {}  # case id -> reports etc. that later stories can relay

    def story(self, case: CaseFile) -> None:
        w, rng = self.world, self.rng
        kind = rng.choices(list(words.PUB_TYPE_WEIGHTS), list(words.PUB_TYPE_WEIGHTS.values()))[0]
        target = w.pick_org("Company", "GovernmentAgency", "PoliticalParty", "Hospital", "Government")
        second = w.pick_org("Company", "GovernmentAgency", "NGO", "PoliticalParty", "Court")
        person = w.member(target) or _skewed(rng, w.people)
        fill = {"org": target.name, "org2": second.name, "person": person.name, "topic": rng.choice(words.TOPICS),
                "project": rng.choice(words.PROJECTS).format(place=w._place()), "place": w._place(),
                "year": str(rng.randint(2015, 2025))}
        publisher, authors = self._credits(kind, target, person)
        pub = w.new_pub(kind, publisher, authors, fill)
        voices = [v for v in (person, w.member(target), w.member(second),
                              w.member(w.pick_org("NGO", "University", "ResearchInstitute", "Hospital")),
                              w.member(w.pick_org("GovernmentAgency", "Court", "PoliticalParty")),
                              _skewed(rng, w.people)) if v is not None]
        bodies = [target, second, w.pick_org("GovernmentAgency", "Court", "NGO", "InternationalOrganization")]
        cast = _Cast(pub, case.pub(pub), [target, second, person, *voices[1:3]], voices, bodies)
        offset = rng.randint(150, 900)
        for n in range(3 + int(rng.random() ** 1.6 * 28)):
            offset = self.claim(case, cast, n + 1, fill, offset)
        if kind not in _NEWS:
            self.cited.setdefault(case.meta["id"], []).append(pub)

    def _credits(self, kind: str, target: Org, person: Person) -> tuple[Org | None, list[Person | Org]]:
        w, rng = self.world, self.rng
        if kind in _NEWS:
            outlet = w.pick_org("NewsOutlet")
            writers = {id(p): p for p in (w.member(outlet) for _ in range(rng.choice((1, 1, 2)))) if p}
            return outlet, list(writers.values()) or [outlet]
        if kind == "Report":
            org = w.pick_org("NGO", "ResearchInstitute", "InternationalOrganization", "GovernmentAgency")
            member = w.member(org)
            return org, [member] if member and rng.random() < 0.5 else [org]
        if kind == "PressRelease":
            return target, [target]
        if kind == "ScholarlyArticle":
            journal = w.pick_org("Journal")
            scholars = {id(p): p for p in (w.member(w.pick_org("University", "ResearchInstitute"))
                                           for _ in range(rng.randint(1, 3))) if p}
            return journal, list(scholars.values()) or [journal]
        return None, [person]  # a social media post or a video by the person themself

    def claim(self, case: CaseFile, cast: _Cast, n: int, fill: dict[str, str], offset: int) -> int:
        w, rng, pub, pid = self.world, self.rng, cast.pub, cast.pid
        a = rng.choice(cast.subjects)
        b = rng.choice([s for s in cast.subjects if s is not a] or cast.subjects)
        form = rng.choice(words.CLAIM_FORMS)
        text = form.format(a=a.name, b=b.name, amount=f"{rng.randint(2, 950)},{rng.randint(0, 999):03d} euros",
                           place=w._place(), year=rng.randint(2010, 2025), month=rng.choice(words.MONTHS),
                           project=fill["project"], pct=rng.randint(5, 300), n=rng.randint(2, 14),
                           goods=rng.choice(words.GOODS), topic=fill["topic"])
        about = [case.agent(a, pid)] + ([case.agent(b, pid)] if "{b}" in form and b is not a else [])
        record: dict[str, Any] = {"id": f"{pid}.c{n}"}
        denial = any(d in form for d in _DENIALS)
        relay_from = self._relay_source(case) if pub.type in _NEWS and rng.random() < 0.1 else None
        if relay_from is not None:
            kind = "reported-speech"
            origin = relay_from.publisher or relay_from
            claimant = case.org(origin) if isinstance(origin, Org) else case.pub(origin)
            record.update(originally_in=case.pub(relay_from),
                          relayed_by=case.org(pub.publisher) if pub.publisher else None)
        else:
            roll = rng.random()
            kind = "direct-quote" if roll < 0.45 else "reported-speech" if roll < 0.85 else "unattributed"
            if kind == "unattributed":
                claimant = case.org(pub.publisher) if pub.publisher else pid
            elif denial:
                speaker = a if isinstance(a, Person) else w.member(a)
                claimant = case.agent(speaker or a, pid)
            elif kind == "direct-quote" or rng.random() < 0.5:
                claimant = case.person(rng.choice(cast.voices), pid)
            else:
                claimant = case.org(rng.choice(cast.bodies))
        record.update(claimant=claimant, appears_in=pid, about=about, text=text, kind=kind)
        if kind == "direct-quote" or rng.random() < 0.4:
            exact, before, after = _span(rng, text, 3, 9)
            evidence: dict[str, Any] = {"exact": exact}
            if kind == "direct-quote":
                record["quote"] = exact
            if before and rng.random() < 0.25:
                evidence["prefix"] = before
            if after and rng.random() < 0.25:
                evidence["suffix"] = after
            if rng.random() < 0.85:
                evidence["start"] = offset + text.index(exact)
                evidence["end"] = evidence["start"] + len(exact)
            record["evidence"] = evidence
        if rng.random() < 0.55:
            record["credibility"] = rng.choices(*zip(*_CREDIBILITY, strict=True))[0]
        hedge = rng.random()
        record["hedged"] = True if hedge < 0.12 else False if hedge < 0.17 else None
        record["date"] = pub.date if rng.random() < 0.25 else None
        record["note"] = rng.choice(_NOTES) if rng.random() < 0.03 else None
        if denial and cast.about_ids.get(about[0]):
            record["disputes"] = [cast.about_ids[about[0]][-1]]
        for subject in about:
            cast.about_ids.setdefault(subject, []).append(record["id"])
        case.claim(record)
        return offset + len(text) + rng.randint(40, 600)

    def _relay_source(self, case: CaseFile) -> Pub | None:
        earlier = self.cited.get(case.meta["id"], [])
        if earlier and self.rng.random() < 0.6:
            return self.rng.choice(earlier)
        return self.world.landmark()
