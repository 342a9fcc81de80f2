"""``kg synth``: a seeded generator of realistic, entirely fictional investigations.

A *world* of organizations, people (with roles), outlets and a few landmark reports is drawn
first; then stories are written into case files: a publication about one or two targets, with
claims by officials, experts, the targets themselves and the outlet, quotes with evidence spans,
claims relayed from earlier reports, denials that dispute them, and aliases and near-duplicate
names ("Dr. Mara Velvic" next to "Mara Velvic", "the Ministry of Health" next to "Ministry of
Health") for entity resolution to find. Then articles about the same world (:mod:`kg.synth.news`),
about 2% of the triples: extraction reads about 4,000 words per second per core, so a real case's
many case-file records and few long articles are what a benchmark should see. The same seed always
gives the same bytes.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from kg.errors import InputError
from kg.fsutil import write_bytes_atomic
from kg.iris import slug
from kg.synth import words
from kg.synth.casefile import CaseFile, Org, Person, Pub

MIN_TRIPLES = 1_000
BATCH_TRIPLES = 60_000  # about 2,000 claims per JSON case file
ARTICLE_SHARE = 0.02  # of the triples come from articles (each about 200 words)
_SMALL_STORIES = 2  # stories in each of the hand-written-looking YAML and CSV files
_GRADES = "ABCDEF"
T = TypeVar("T")


@dataclass
class Synthesis:
    files: list[Path] = field(default_factory=list)  # case files, then articles (sidecars not listed)
    triples: int = 0  # what kg will write for these files, source descriptions included (articles: estimated)
    records: int = 0  # in the case files
    articles: int = 0

    @property
    def case_files(self) -> int:
        return len(self.files) - self.articles


def ident(text: str, taken: dict[str, None], limit: int = 40) -> str:
    """An ASCII case-file id from ``text``, unique among ``taken``."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    base = "-".join("".join(c if c.isalnum() else " " for c in folded).split())[:limit].strip("-") or "x"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken[candidate] = None
    return candidate


def _skewed(rng: random.Random, items: list[T], power: float = 2.0) -> T:
    """A pick that favours the front of ``items``: a few entities turn up everywhere."""
    return items[int(len(items) * rng.random() ** power)]


class World:
    """Every entity the case files can mention, with attributes fixed once for all files."""

    def __init__(self, rng: random.Random, claims: int) -> None:
        self.rng = rng
        self.ids: dict[str, None] = {}
        self.slugs: dict[str, None] = {}
        self.places = self._unique_names(lambda: words.place(rng), 40)
        self.home = self.places[0]
        self.orgs: list[Org] = []
        self.by_kind: dict[str, list[Org]] = {}
        people = max(12, claims // 6)
        for _ in range(max(3, min(60, 3 + claims // 1500))):
            self.org("NewsOutlet", self._outlet_name())
        for _ in range(max(2, min(12, claims // 4000))):
            self.org("Journal", f"Journal of {rng.choice(words.FIELDS)}" if rng.random() < 0.6
                     else f"{self._place()} {rng.choice(words.FIELDS)} Review")
        kinds = {"GovernmentAgency": 16, "Company": 30, "NGO": 12, "University": 6, "Hospital": 6,
                 "PoliticalParty": 4, "Court": 3, "ResearchInstitute": 4, "InternationalOrganization": 3,
                 "ProfessionalBody": 3, "Military": 1, "Government": 1}
        for _ in range(max(8, people // 4)):
            kind = rng.choices(list(kinds), list(kinds.values()))[0]
            self.org(kind, self._org_name(kind))
        self.people: list[Person] = []
        for _ in range(people):
            self.new_person()
        self.reports: list[Pub] = []

    # -- names -------------------------------------------------------------------------------------
    def _unique_names(self, make: Any, n: int) -> list[str]:
        out: list[str] = []
        while len(out) < n:
            name = make()
            if name not in out:
                out.append(name)
        return out

    def _place(self) -> str:
        return _skewed(self.rng, self.places, 1.5)

    def claim_name(self, name: str) -> bool:
        """Reserve ``name`` (by the slug kg mints IRIs from); False if it is taken."""
        key = slug(name)
        if key in self.slugs:
            return False
        self.slugs[key] = None
        return True

    def _outlet_name(self) -> str:
        rng = self.rng
        form = rng.random()
        if form < 0.6:
            return f"The {self._place()} {rng.choice(words.PAPERS)}"
        if form < 0.8:
            return f"{self._place()} Public Radio"
        return f"{words.syllable_name(rng, words.PLACE_ONSETS, words.PLACE_ENDINGS).capitalize()}News"

    def _org_name(self, kind: str) -> str:
        rng, place = self.rng, self._place()
        if kind == "GovernmentAgency":
            if rng.random() < 0.5:
                portfolio = rng.choice(words.PORTFOLIOS)
                return f"Ministry of {portfolio}" if place == self.home else f"{place} Ministry of {portfolio}"
            return f"{place} {rng.choice(words.AGENCIES)}"
        if kind == "Company":
            return f"{words.surname(rng)} {rng.choice(words.BUSINESS)} {rng.choice(words.COMPANY_SUFFIXES)}"
        if kind == "NGO":
            return rng.choice(words.NGO_FORMS).format(place=place, cause=rng.choice(words.CAUSES))
        simple = {
            "University": f"University of {place}" if rng.random() < 0.6 else f"{place} Institute of Technology",
            "Hospital": f"{place} General Hospital" if rng.random() < 0.6 else f"St. {words.first_name(rng)} Hospital",
            "PoliticalParty": f"{rng.choice(words.PARTY_WORDS)} Party",
            "Court": f"{place} District Court" if rng.random() < 0.7 else f"Supreme Court of {place}",
            "ResearchInstitute": f"{place} Centre for {rng.choice(words.FIELDS)}",
            "InternationalOrganization": f"International Council on {rng.choice(words.CAUSES)}",
            "ProfessionalBody": f"{place} {rng.choice(('Medical', 'Bar', 'Press', 'Engineers'))} Association",
            "Military": f"{place} Armed Forces",
            "Government": f"Government of {place}",
        }
        return simple[kind]

    def _twin_org_name(self, name: str) -> str:
        if name.startswith("The "):
            return name[4:]
        for suffix in words.COMPANY_SUFFIXES:
            if name.endswith(" " + suffix):
                return name[: -len(suffix) - 1]
        return "the " + name

    # -- entities ----------------------------------------------------------------------------------
    def org(self, kind: str, name: str) -> Org | None:
        rng = self.rng
        if not self.claim_name(name):
            return None
        org = Org(ident(name, self.ids), name, kind)
        short = words.acronym(name)
        if len(short) >= 3 and rng.random() < 0.7:
            org.aliases.append(short)
        org.reliability = rng.choice(_GRADES[:4]) if rng.random() < 0.4 else None
        org.url = f"https://{org.id}.example/" if rng.random() < 0.3 else None
        self.orgs.append(org)
        self.by_kind.setdefault(kind, []).append(org)
        twin_name = self._twin_org_name(name)
        if rng.random() < 0.05 and self.claim_name(twin_name):  # the same body, written differently
            twin = Org(ident(twin_name, self.ids), twin_name, kind)
            self.orgs.append(twin)
            self.by_kind[kind].append(twin)
        return org

    def new_person(self) -> None:
        rng = self.rng
        while True:
            first, last = words.first_name(rng), words.surname(rng)
            if self.claim_name(f"{first} {last}"):
                break
        person = Person(ident(f"{first} {last}", self.ids), f"{first} {last}")
        orgs = [_skewed(rng, self.orgs, 1.3)]
        if rng.random() < 0.3:
            second = _skewed(rng, self.orgs, 1.3)
            if second is not orgs[0]:
                orgs.append(second)
        for n, org in enumerate(orgs):
            role = rng.choice(words.ROLES[org.kind])
            start = str(rng.randint(1998, 2022)) if rng.random() < 0.5 else None
            end = str(rng.randint(2019, 2024)) if n and start and rng.random() < 0.5 else None
            person.affiliations.append((org, role, start, end if end and start and end > start else None))
            org.members.append(person)
        primary_role = person.affiliations[0][1]
        doctor = primary_role in words.DOCTOR_ROLES
        if rng.random() < 0.3:
            person.aliases.append(f"Dr. {last}" if doctor else f"{first[0]}. {last}")
        person.reliability = rng.choice(_GRADES) if rng.random() < 0.2 else None
        self.people.append(person)
        twin_name = f"Dr. {first} {last}" if doctor else f"{first} {rng.choice('ABCDEHJKLMNRST')}. {last}"
        if rng.random() < 0.04 and self.claim_name(twin_name):
            twin = Person(ident(twin_name, self.ids), twin_name, affiliations=person.affiliations[:1])
            person.affiliations[0][0].members.append(twin)
            self.people.append(twin)

    def pick_org(self, *kinds: str) -> Org:
        pool = [o for k in kinds for o in self.by_kind.get(k, [])] or self.orgs
        return _skewed(self.rng, pool)

    def member(self, org: Org, roles: tuple[str, ...] = ()) -> Person | None:
        pool = [p for p in org.members if not roles or any(a[1] in roles for a in p.affiliations)]
        return _skewed(self.rng, pool, 1.5) if pool else None

    def new_pub(self, kind: str, publisher: Org | None, authors: list[Person | Org], fill: dict[str, str]) -> Pub:
        rng = self.rng
        form = rng.choice(words.TITLE_FORMS[kind])
        title = form.format(**fill)
        n = 1
        while not self.claim_name(title):
            n += 1
            title = f"{form.format(**fill)} ({'part ' + str(n) if n < 9 else fill['year'] + '/' + str(n)})"
        year = int(fill["year"])
        date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        pub = Pub(ident(title, self.ids, 32), title, kind, date, publisher, authors)
        if publisher is not None and rng.random() < 0.8:
            pub.url = f"https://{publisher.id}.example/{date[:4]}/{date[5:7]}/{pub.id}"
        pub.reliability = rng.choice(_GRADES[:5]) if rng.random() < 0.5 else None
        return pub

    def landmark(self) -> Pub:
        """One of a few widely cited reports (they appear in many case files)."""
        if len(self.reports) < 6 and (not self.reports or self.rng.random() < 0.1):
            org = self.pick_org("NGO", "InternationalOrganization", "ResearchInstitute")
            fill = {"org": org.name, "topic": self.rng.choice(words.TOPICS), "place": self._place(),
                    "year": str(self.rng.randint(2014, 2020))}
            self.reports.append(self.new_pub("Report", org, [org], fill))
        return self.rng.choice(self.reports)


def generate(triples: int, seed: int, out_dir: Path, articles: int | None = None) -> Synthesis:
    """Write about ``triples`` triples' worth of case files and articles under ``out_dir`` (which must
    be empty). By default about 2% of them come from articles; ``articles=N`` writes N articles on
    top of the case files' ``triples`` (an article-heavy corpus), ``articles=0`` case files only."""
    from kg.synth.news import ARTICLE_TRIPLES, Newsroom, article_count  # they build on World
    from kg.synth.story import Storyteller

    if triples < MIN_TRIPLES:
        raise InputError(f"--triples: {triples:,} is too small (at least {MIN_TRIPLES:,})")
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise InputError(f"{out_dir}: already exists and is not an empty folder; choose a new one")
    rng = random.Random(seed)
    teller = Storyteller(World(rng, triples // 27))
    result = Synthesis()
    if articles is not None and articles < 0:
        raise InputError(f"--articles: {articles:,} must be 0 or more")
    news = article_count(triples, ARTICLE_SHARE) if articles is None else articles
    case_triples = triples - news * ARTICLE_TRIPLES if articles is None else triples

    def finish(case: CaseFile, name: str) -> None:
        path = out_dir / name
        write_bytes_atomic(path, case.data())
        result.files.append(path)
        result.triples += case.triples
        result.records += case.record_count()

    small = []
    for name, title in (("background.yaml", "Background: early reporting"), ("tips.csv", "Tips and leads")):
        fmt = name.rsplit(".", 1)[1]
        case = CaseFile(f"synth-{seed}-{fmt}", f"{title} (synthetic, seed {seed})", fmt)
        for _ in range(_SMALL_STORIES):
            teller.story(case)
        small.append((case, name))
    remaining = case_triples - sum(case.triples for case, _ in small)
    batches = max(0, -(-remaining // BATCH_TRIPLES))  # none when the small files already make the size
    for case, name in small:
        finish(case, name)
    for n in range(1, batches + 1):
        case = CaseFile(f"synth-{seed}-batch-{n:03d}", f"Investigation batch {n} (synthetic, seed {seed})")
        target = case_triples - result.triples
        target = target if n == batches else target // (batches - n + 1)
        while case.triples < target:
            teller.story(case)
        finish(case, f"batches/batch-{n:03d}.json")
    newsroom = Newsroom(teller.world)
    for n in range(1, news + 1):
        for name, data in newsroom.article(n):
            write_bytes_atomic(out_dir / name, data)
            if not name.endswith(".meta.yaml"):
                result.files.append(out_dir / name)
        result.articles += 1
        result.triples += ARTICLE_TRIPLES
    return result
