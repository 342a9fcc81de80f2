"""Articles for ``kg synth``: fictional news stories, as kg's extractor reads them.

Each article is a story about the same invented world as the case files: an outlet reports on a
company or agency, with direct quotes ("...," said Mara Velvic, spokesperson of ...), reported
speech, "according to" statements, the outlet's own statements, a denial and a "did not respond".
Names are spelled the way articles spell them -- an organization's acronym after its first
mention, a person as "Dr. Velvic" or "M. Velvic" the second time -- so entity resolution has
near-duplicates to join with the case files. Plain text (some with a ``.meta.yaml`` sidecar),
Markdown with front matter and HTML pages with navigation and share-button boilerplate.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import yaml

from kg.iris import slug
from kg.synth import words
from kg.synth.casefile import Org, Person
from kg.synth.world import World, _skewed

# what kg makes of one article, on average (publication, people, organizations, roles, claims
# with evidence, the stored text and the extraction run); measured on generated articles of about
# 200 words
ARTICLE_TRIPLES = 350
_FORMATS = (("txt", 5), ("md", 3), ("html", 2))
# claim sentences that read well after "said that": no denials, no nested "says"
_STATEMENTS = tuple(f for f in words.CLAIM_FORMS if not any(x in f for x in ("denies", "rejects", "say", "answered")))
_OCCASIONS = ("in an interview", "in a statement", "on Monday", "on Thursday", "at a press conference",
              "in a written reply")
_COMMON_STARTS = ("The ", "Internal ", "Shipments ", "Auditors ", "Employees ", "Witnesses ", "An ")


@dataclass
class _Voice:
    person: Person
    org: Org
    role: str


def _sentence_case(text: str) -> str:
    """A claim sentence as a clause after 'said that' or 'according to X,'."""
    return text[0].lower() + text[1:] if text.startswith(_COMMON_STARTS) else text


class Newsroom:
    """Writes articles about ``world``; the same world and seed always give the same bytes."""

    def __init__(self, world: World) -> None:
        self.world, self.rng = world, world.rng
        self.named: set[str] = set()  # names already introduced in the current article

    def _voice(self, org: Org) -> _Voice | None:
        person = self.world.member(org)
        if person is None:
            return None
        for member_of, role, _, _ in person.affiliations:
            if member_of is org:
                return _Voice(person, org, role)
        return None

    def _org(self, org: Org) -> str:
        """Long form with its acronym the first time, the acronym (or the name) after that."""
        short = next((a for a in org.aliases if a.isupper()), None)
        if org.name in self.named:
            return short or org.name
        self.named.add(org.name)
        return f"{org.name} ({short})" if short else org.name

    def _person(self, person: Person) -> str:
        if person.name not in self.named:
            self.named.add(person.name)
            return person.name
        first, last = person.name.split(" ", 1)[0], person.name.rsplit(" ", 1)[-1]
        return self.rng.choice((last, f"{first[0]}. {last}", person.name))

    def _claim(self, a: Person | Org, b: Person | Org, fill: dict[str, str]) -> str:
        rng, w = self.rng, self.world
        form = rng.choice(_STATEMENTS)
        return form.format(a=a.name, b=b.name, amount=f"{rng.randint(2, 950)},{rng.randint(0, 999):03d} euros",
                           place=w._place(), year=rng.randint(2010, 2025), month=rng.choice(words.MONTHS),
                           project=fill["project"], pct=rng.randint(5, 300), n=rng.randint(2, 14),
                           goods=rng.choice(words.GOODS), topic=fill["topic"])

    def _said(self, voice: _Voice, text: str) -> str:
        rng = self.rng
        who = self._person(voice.person)
        where = self._org(voice.org)
        when = rng.choice(_OCCASIONS)  # a sentence never ends on a name ("... Ltd.")
        if rng.random() < 0.5:
            return f'"{text[:-1]}," said {who}, {voice.role} of {where}, {when}.'
        return f"{who}, {voice.role} of {where}, said {when} that {_sentence_case(text)}"

    def story(self) -> tuple[dict[str, str], list[str]]:
        """Metadata and paragraphs of one article."""
        w, rng = self.world, self.rng
        self.named = set()
        outlet = w.pick_org("NewsOutlet")
        reporter = self._voice(outlet)
        target = w.pick_org("Company", "GovernmentAgency", "PoliticalParty", "Hospital")
        second = w.pick_org("Company", "GovernmentAgency", "NGO", "Court")
        watchdog = w.pick_org("NGO", "University", "ResearchInstitute", "InternationalOrganization")
        official = w.pick_org("GovernmentAgency", "Court", "PoliticalParty")
        person = w.member(target) or _skewed(rng, w.people)
        fill = {"org": target.name, "org2": second.name, "person": person.name, "topic": rng.choice(words.TOPICS),
                "project": rng.choice(words.PROJECTS).format(place=w._place()), "place": w._place(),
                "year": str(rng.randint(2015, 2025))}
        title = rng.choice(words.TITLE_FORMS["NewsArticle"]).format(**fill)
        date = f"{fill['year']}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        meta = {"title": title, "publisher": outlet.name, "date": date,
                "url": f"https://{outlet.id}.example/{date[:4]}/{slug(title)[:60]}"}
        if reporter is not None:
            meta["author"] = reporter.person.name
        paragraphs = [f"{fill['place'].upper()} - {self._claim(target, second, fill)} "
                      f"The {fill['project']} has been under scrutiny since {fill['year']}."]
        voices = [v for v in (self._voice(watchdog), self._voice(official), self._voice(second)) if v]
        for voice in voices:
            paragraphs.append(self._said(voice, self._claim(rng.choice((target, person)), second, fill)))
            if rng.random() < 0.5:
                paragraphs.append(f"According to {self._org(voice.org)}, "
                                  f"{_sentence_case(self._claim(target, second, fill))}")
        defender = self._voice(target)
        if defender is not None:
            who = self._person(defender.person)
            paragraphs.append(f"{self._org(target)} denied the allegations. \"We reject these claims about "
                              f"{fill['topic']} and will cooperate with any inquiry,\" said {who}, "
                              f"{defender.role} of {self._org(target)}, in a statement.")
        else:
            paragraphs.append(f"{self._org(target)} did not respond to a request for comment.")
        if person.name in self.named or rng.random() < 0.5:
            paragraphs.append(f"{self._person(person)} has not commented on the {fill['project']}.")
        middle = paragraphs[1:-1]
        rng.shuffle(middle)
        return meta, [paragraphs[0], *middle, paragraphs[-1]]

    def article(self, n: int) -> list[tuple[str, bytes]]:
        """The file (and sidecar, for some plain-text articles) of article ``n``: (relative path, bytes)."""
        meta, paragraphs = self.story()
        fmt = self.rng.choices([f for f, _ in _FORMATS], [weight for _, weight in _FORMATS])[0]
        stem = f"articles/{n:05d}-{slug(meta['title'])[:48]}"
        if fmt == "md":
            front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=200)
            return [(f"{stem}.md", f"---\n{front}---\n\n" .encode() + "\n\n".join(paragraphs).encode() + b"\n")]
        if fmt == "html":
            return [(f"{stem}.html", _page(meta, paragraphs).encode("utf-8"))]
        byline = f"By {meta['author']}\n\n" if "author" in meta else ""
        body = f"{meta['title']}\n\n{byline}" + "\n\n".join(paragraphs) + "\n"
        files = [(f"{stem}.txt", body.encode("utf-8"))]
        if self.rng.random() < 0.5:  # publisher, date and address from a sidecar, as a clipping service writes
            side = {k: meta[k] for k in ("publisher", "date", "url")}
            files.append((f"{stem}.meta.yaml", yaml.safe_dump(side, sort_keys=False).encode("utf-8")))
        return files


def _page(meta: dict[str, str], paragraphs: list[str]) -> str:
    e = html.escape
    head = [f'<meta property="og:title" content="{e(meta["title"])}">',
            f'<meta property="og:site_name" content="{e(meta["publisher"])}">',
            f'<meta property="article:published_time" content="{meta["date"]}T08:00:00+00:00">',
            f'<link rel="canonical" href="{e(meta["url"])}">']
    if "author" in meta:
        head.append(f'<meta name="author" content="{e(meta["author"])}">')
    body = "\n".join(f"<p>{e(p)}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{e(meta["title"])}</title>\n'
            + "\n".join(head) + "\n</head>\n<body>\n"
            f'<header><nav><a href="/">{e(meta["publisher"])}</a><a href="/investigations">Investigations</a>'
            "</nav></header>\n<main>\n<article>\n"
            f"<h1>{e(meta['title'])}</h1>\n{body}\n"
            '<div class="share">Share on social media</div>\n</article>\n</main>\n'
            f"<footer><p>Subscribe to the {e(meta['publisher'])} newsletter.</p></footer>\n</body>\n</html>\n")


def article_count(triples: int, share: float) -> int:
    """How many articles make about ``share`` of ``triples``: at least one."""
    return max(1, round(triples * share / ARTICLE_TRIPLES))

