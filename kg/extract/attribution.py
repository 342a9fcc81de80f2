"""Attribution by dependency rules: who said what, in which words.

Speech events are verbs of saying ("said", "told", "warned", "found", "concluded", ...) with a
resolvable speaker: the subject, or the passive agent ("was confirmed by the ministry"). What was
said is the verb's clausal complement (reported speech) or a quotation the verb governs (direct
quote, including quotes split around "he said"). "According to X, ..." attributes the rest of the
sentence to X. A quotation with no verb of its own continues the previous speaker of the paragraph.
When the thing said is itself a speech event with a known speaker ("Wren said Carrick told him
..."), the inner speaker is the claimant and the outer one relayed it. Sentences that assert
something about a named entity without any attribution are the outlet's own, unattributed claims.
"""

from __future__ import annotations

import bisect
import itertools
import re
from typing import Any

from kg.extract.blocks import Paragraphs
from kg.extract.claimdraft import Draft, Event
from kg.extract.docindex import index
from kg.extract.lexicon import (
    CLAUSE_ONLY_VERBS,
    DENIALS,
    DOCUMENT_NOUNS,
    HEDGES,
    HONORIFICS,
    QUOTE_ONLY_VERBS,
    SPEECH_VERBS,
)
from kg.extract.objects import CONSTRUCTION_VERBS, noun_claims, object_contents
from kg.extract.quotes import Quote
from kg.extract.references import References, Resolved
from kg.extract.textnorm import PARAGRAPH_BREAK

_WH_WORDS = {"how", "what", "why", "whether", "if", "when", "where", "who", "which", "whom"}
_RELATIVE = {"who", "which", "that"}
_THAT_ONLY = {"believe", "fear", "agree"}
_DEFINITE = {"these", "the", "this", "those"}
_PUBLISHING = {"publish", "release", "compile", "produce", "issue", "provide", "collect"}
_FIGURES = {"figure", "data", "statistic", "number", "estimate", "result", "finding", "indicator", "datum"}
_CHARGES = {"allegation", "accusation", "charge", "claim", "report", "suggestion", "rumour", "rumor"}
_ALLEGING = {"allegedly", "purportedly"}
_EDGE_WORDS = {"that", ",", ":", ";", "-", "\u2014", "\u2013", "and"}


class Attributor:
    def __init__(self, doc: Any, refs: References, quotes: list[Quote], headings: set[int]) -> None:
        self.doc, self.refs, self.quotes, self.headings = doc, refs, quotes, headings
        self.text: str = doc.text
        self.index = index(doc)
        self.quotes = sorted(quotes, key=lambda q: q.start)
        self.quote_starts = [q.start for q in self.quotes]
        self.breaks = [m.start() for m in re.finditer(PARAGRAPH_BREAK, self.text)]

    def quote_of(self, token: Any) -> Quote | None:
        at = bisect.bisect_left(self.quote_starts, token.idx) - 1
        if at >= 0 and self.quotes[at].start < token.idx < self.quotes[at].end - 1:
            return self.quotes[at]
        return None

    def quoted(self, start: int, end: int) -> bool:
        """Whether a quotation mark opens or closes inside the token range."""
        first, last = self.doc[start].idx, self.doc[end - 1].idx + len(self.doc[end - 1])
        return any(first <= q.start < last or first < q.end <= last for q in self.quotes)

    def heading(self, token: Any) -> bool:
        return self.refs.sent_no[token.i] in self.headings

    # --- events ------------------------------------------------------------------------------
    def speaker_token(self, verb: Any) -> Any | None:
        children = list(verb.children)
        for child in children:
            if child.dep_ == "agent":
                return next((t for t in child.children if t.dep_ == "pobj"), None)
        for child in children:
            if child.dep_ == "nsubj":
                if child.lower_ in _RELATIVE and verb.dep_ == "relcl":
                    return self.antecedent(verb.head, child.lower_)  # "Kofi Annan, ..., who has stated"
                return child
        if any(child.dep_ in ("nsubjpass", "auxpass") for child in children):
            for token in verb.subtree:  # an agent the parser attached lower down: "described as '...' by X"
                if token.lower_ == "by" and token.dep_ == "prep" and self.quote_of(token) is None:
                    return next((t for t in token.children if t.dep_ == "pobj"), None)
        if verb.dep_ in ("conj", "advcl") and verb.head.lemma_.lower() in SPEECH_VERBS:
            return self.speaker_token(verb.head)
        governing = self.governing_subject(verb)
        if governing is not None:
            return governing
        after = verb.i + 1  # inverted "..., said Declan O'Brien, ..." that the parser hung elsewhere
        while after < len(self.doc) - 1 and self.doc[after].lower_ in HONORIFICS:
            after += 1  # "..., asserted Mr. Noor."
        if after < len(self.doc) and self.refs.entity_of(self.doc[after]) is not None:
            return self.doc[after]
        return None

    def document_speaker(self, verb: Any) -> Resolved | None:
        """"Scientists reported in a paper published in Nature", "In new findings published in X,
        researchers found ...": unnamed researchers speak through the document they published."""
        for prep in (c for c in verb.children if c.dep_ == "prep" and c.lower_ == "in"):
            for pobj in (t for t in prep.children if t.dep_ == "pobj" and t.lemma_.lower() in DOCUMENT_NOUNS):
                found = self.refs.resolve(pobj)
                if found is not None:
                    return found
        return None

    def antecedent(self, noun: Any, pronoun: str = "which") -> Any:
        """What a relative pronoun stands for: the noun the clause hangs on, or the name that noun
        is in apposition to; "who" is a person ("Kofi Annan, former head of the UN, who ...")."""
        if pronoun == "who":
            token = noun
            for _ in range(5):
                found = self.refs.resolve(token)
                if found is not None and self.refs.kind(found.entity) == "person":
                    return token
                if token.dep_ not in ("pobj", "prep", "appos", "compound") or token.head.i == token.i:
                    break
                token = token.head
        if self.refs.resolve(noun) is None and noun.dep_ == "appos":
            return noun.head
        return noun

    def governing_subject(self, verb: Any) -> Any | None:
        """A participle or a coordinated verb without its own subject speaks for the subject of the
        clause it hangs on: "X refuted the reports, insisting ...", "X condemned it and said ...",
        "The Times quotes officials as saying ..."."""
        head = verb.head
        if verb.dep_ == "conj" and head.dep_ == "ccomp" and head.head.lemma_.lower() in SPEECH_VERBS:
            return self.speaker_token(head.head)  # "He added that A and said B": the parser hung "said" on A
        token = verb
        for _ in range(3):
            if token.dep_ not in ("conj", "advcl", "xcomp", "pcomp", "prep", "acl") or token.head.i == token.i:
                return None
            if token.dep_ == "acl" and token.tag_ != "VBG":
                return None
            token = token.head
            subject = next((c for c in token.children if c.dep_ == "nsubj"
                            or (c.dep_ == "nsubjpass" and token.lemma_ == "quote")), None)  # "was quoted as saying"
            if subject is not None and token.pos_ in ("VERB", "AUX"):
                if subject.lower_ in _RELATIVE and token.dep_ == "relcl":
                    return self.antecedent(token.head, subject.lower_)
                return subject
        return None

    def trimmed(self, start: int, end: int) -> tuple[int, int]:
        while start < end and (self.doc[start].lower_ in _EDGE_WORDS or self.doc[start].is_punct):
            start += 1
        while end > start and ((self.doc[end - 1].is_punct and self.doc[end - 1].text not in ('"', "\u201d"))
                               or self.doc[end - 1].lower_ in ("and", "but")
                               or (self.doc[end - 1].lower_ == "also" and end - 2 > start
                                   and self.doc[end - 2].lower_ in ("and", "but"))):
            end -= 1
        return start, end

    def complements(self, verb: Any) -> list[Any]:
        """The verb's clausal complements, and a that-clause the parser hung on "in a statement"."""
        out = [c for c in verb.children if c.dep_ == "ccomp"]
        for prep in (c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("in", "on")):
            for pobj in (t for t in prep.children if t.dep_ == "pobj"):
                out += [c for c in pobj.children if c.dep_ in ("acl", "ccomp", "relcl")
                        and any(t.dep_ == "mark" and t.lower_ == "that" for t in c.children)]
        return out

    def contents(self, verb: Any) -> list[tuple[int, int]]:
        """What a speech verb says: its clausal complement, split where "and that ..." starts a
        second claim; each of several complements is a claim ("claims that A, that B, but also that
        C"). Indirect questions ("explained how ...") assert nothing."""
        found: list[tuple[int, int]] = []
        listed = self.that_clauses(verb)
        if len(listed) >= 2:
            return listed
        for child in self.complements(verb):
            if self.quote_of(child) is not None:
                continue
            first = self.doc[child.left_edge.i]
            if first.lower_ in _WH_WORDS or (first.lower_ == "that" and child.left_edge.i + 1 < len(self.doc)
                                             and self.doc[child.left_edge.i + 1].lower_ in _WH_WORDS):
                continue
            spoken = [c for c in child.children if c.dep_ == "conj" and c.lemma_.lower() in SPEECH_VERBS
                      and c.pos_ == "VERB" and not any(t.dep_ in ("nsubj", "nsubjpass") for t in c.children)
                      and any(t.dep_ == "ccomp" for t in c.children)]
            stop = min([c.left_edge.i for c in spoken], default=child.right_edge.i + 1)  # "... and said B"
            cuts = [c.left_edge.i for c in child.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")
                    and any(t.dep_ in ("mark", "nsubj", "nsubjpass") for t in c.children) and c.left_edge.i < stop]
            bounds = [child.left_edge.i, *cuts, stop]
            ranges = [self.trimmed(max(a, verb.i + 1) if a <= verb.i < b else a, b)
                      for a, b in itertools.pairwise(bounds)]
            found += [(a, b) for a, b in ranges if a < b and not (a <= verb.i < b)
                      and not any(x <= a and b <= y for x, y in found)]
        return found or self.loose_contents(verb)

    def loose_contents(self, verb: Any) -> list[tuple[int, int]]:
        """No clausal complement: a parenthetical "The complaints, she said, were handled ..." says
        the clause around it; a denial of a gerund or of "allegations that ..." says what is denied."""
        head = verb.head
        if verb.dep_ == "parataxis" and verb.i < head.i:
            listed = self.that_clauses(verb)
            if listed:
                return listed
        if verb.dep_ == "parataxis" and head.pos_ in ("VERB", "AUX"):
            start, end = self.trimmed(head.left_edge.i, head.right_edge.i + 1)
            first, last = self.doc[start].idx, self.doc[end - 1].idx
            if start < end and not any(q.start <= last and first <= q.end for q in self.quotes):
                return [(start, end)]
        if verb.lemma_.lower() in DENIALS:
            for obj in (c for c in verb.children if c.dep_ in ("dobj", "xcomp", "pcomp")):
                clause = next((c for c in obj.children if c.dep_ in ("acl", "ccomp")
                               and (any(t.lower_ == "that" and t.dep_ == "mark" for t in c.children)
                                    or (obj.lemma_.lower() in _CHARGES and c.pos_ in ("VERB", "AUX")
                                        and any(t.dep_ in ("nsubj", "nsubjpass") for t in c.children)))), None)
                if clause is not None:
                    return [self.trimmed(clause.left_edge.i, clause.right_edge.i + 1)]
                if any(t.tag_ == "VBG" for t in obj.subtree):
                    return [self.trimmed(obj.left_edge.i, obj.right_edge.i + 1)]
        return []

    def that_contents(self, verb: Any) -> list[tuple[int, int]]:
        """"Editors believe that ...", "fear that ...", "agree that ...": these verbs say something only
        with a that-clause (or a quotation); "believe in", "fear for" say nothing."""
        if verb.lemma_.lower() not in _THAT_ONLY:
            return []
        return [self.trimmed(c.left_edge.i, c.right_edge.i + 1) for c in verb.children if c.dep_ == "ccomp"
                and any(t.dep_ == "mark" and t.lower_ == "that" for t in c.children) and self.quote_of(c) is None]

    def that_clauses(self, verb: Any) -> list[tuple[int, int]]:
        """"X claims, among other things, that A, that B, but also that C" parsed with the verb as
        an aside of A: each that-clause after the verb is a claim of its own."""
        sent = self.index.sent(verb)
        toks = self.index.toks
        first = next((t.i for t in toks[verb.i + 1:min(sent.end, verb.i + 8)] if t.lower_ == "that"), None)
        if first is None:
            return []
        ranges, start = [], first
        for token in toks[first + 1:sent.end]:
            if token.lower_ != "that":
                continue
            back = token.i - 1
            while back > first and toks[back].lower_ in ("also", "but", "and"):
                back -= 1
            if toks[back].text == ",":
                ranges.append(self.trimmed(start, back))
                start = token.i
        ranges.append(self.trimmed(start, sent.end))
        return [(a, b) for a, b in ranges if b - a >= 3 and not self.quoted(a, b)]

    def events(self) -> list[Event]:
        found = []
        for token in self.index.toks:
            lemma = token.lemma_.lower()
            if (lemma not in SPEECH_VERBS and lemma not in CONSTRUCTION_VERBS) or token.pos_ != "VERB" \
                    or self.heading(token):
                continue
            if self.quote_of(token) is not None or (lemma in CLAUSE_ONLY_VERBS
                                                    and not any(c.dep_ == "ccomp" for c in token.children)):
                continue
            who = self.speaker_token(token)
            speaker = self.refs.resolve(who) if who is not None else None
            if speaker is None:
                speaker = self.document_speaker(token)
            ranges = self.that_contents(token) if lemma in QUOTE_ONLY_VERBS else self.contents(token)
            if not ranges and lemma in CONSTRUCTION_VERBS:
                ranges = [self.trimmed(a, b) for a, b in object_contents(token, self.quoted)]
            found.append(Event(token, speaker, ranges[0] if ranges else None, lemma, extra=ranges[1:]))
            if speaker is not None:
                speakers = self.refs.person_speakers if self.refs.kind(speaker.entity) == "person" \
                    else self.refs.thing_speakers
                speakers.append((token.i, speaker.entity))
        for noun, who, content in noun_claims(self.doc):
            if self.heading(noun) or self.quote_of(noun) is not None:
                continue
            start, end = self.trimmed(*content)
            if start < end:
                found.append(Event(noun, self.refs.resolve(who), (start, end), noun.lemma_.lower()))
        return found

    def governing_event(self, quote: Quote, events: dict[int, Event]) -> Event | None:
        inside = [self.doc[i] for i in self.index.tokens(*quote.inner) if not self.doc[i].is_punct]
        for token in inside:
            head = token
            for _ in range(6):
                if head.head.i == head.i or head.dep_ in ("nsubj", "nsubjpass"):
                    break  # a quotation inside the subject ("the report, titled '...'") is not what was said
                head = head.head
                if self.quote_of(head) is quote:
                    continue
                if head.i in events:
                    return events[head.i]
        sents = {self.index.sent_no[i] for i in self.index.tokens(*quote.inner)}
        near = [e for e in events.values() if self.index.sent_no[e.verb.i] in sents and e.content is None]
        near.sort(key=lambda e: min(abs(e.verb.idx - quote.start), abs(e.verb.idx - quote.end)))
        return near[0] if near else None

    # --- claims ------------------------------------------------------------------------------
    def drafts(self) -> list[Draft]:
        events = {e.verb.i: e for e in self.events()}
        loose: list[Quote] = []
        embedded: set[Quote] = set()
        for quote in self.quotes:
            event = self.governing_event(quote, events)
            if event is None:
                loose.append(quote)
            elif event.content is not None and event.content[0] <= self._token_at(quote.start) < event.content[1]:
                embedded.add(quote)
            else:
                event.quotes.append(quote)
        out: list[Draft] = []
        by_verb: dict[int, list[Draft]] = {}
        for event in events.values():
            if event.speaker is None:
                continue
            made = self.event_drafts(event)
            by_verb[event.verb.i] = made
            out.extend(made)
        self.relay(events, by_verb, out)
        out.extend(self.according())
        out.extend(Paragraphs(self, events, loose).drafts(out))
        out = [d for d in out if d.start < d.end]
        out.extend(self.alleged(self.unattributed(out, events), out))
        out = self.published(out)
        for draft in out:
            draft.hedged = self.hedged(draft)
        return sorted(out, key=lambda d: d.start)

    def _token_at(self, offset: int) -> int:
        return self.index.token_at(offset)

    def event_drafts(self, event: Event) -> list[Draft]:
        assert event.speaker is not None
        made = []
        for group in self.quote_runs(event.quotes):
            start, end = group[0].start + 1, group[-1].end - 1
            while end > start and self.text[end - 1] in ",":
                end -= 1
            made.append(Draft(start, end, "direct-quote", event.speaker.entity, event.speaker.via,
                              f"quote + {event.cue}", quote=self.text[start:end], verb=event.verb.i))
        for content in [event.content, *event.extra] if event.content is not None else []:
            start = self.doc[content[0]].idx
            last = self.doc[content[1] - 1]
            end = last.idx + len(last.text)
            inner = [q for q in self.quotes if start <= q.start and q.end <= end]
            quote = self.text[inner[0].start + 1:inner[0].end - 1] if inner else None
            made.append(Draft(start, end, "reported-speech", event.speaker.entity, event.speaker.via,
                              event.cue, quote=quote, verb=event.verb.i,
                              label=f"{event.verb.lemma_.lower()}: " if event.cue in DENIALS else ""))
        return made

    def quote_runs(self, quotes: list[Quote]) -> list[list[Quote]]:
        """Quotes split around "he said" are one claim while the sentence goes on ('"We acted," Lind
        said, "and we will prove it."'); a quote after the sentence has ended is a claim of its own."""
        runs: list[list[Quote]] = []
        for quote in sorted(quotes, key=lambda q: q.start):
            if runs and not any(self.doc[i].text in (".", "!", "?")
                                for i in self.index.tokens(runs[-1][-1].end, quote.start)):
                runs[-1].append(quote)
            else:
                runs.append([quote])
        return runs

    def relay(self, events: dict[int, Event], by_verb: dict[int, list[Draft]], out: list[Draft]) -> None:
        """Outer speech events whose content is an inner, attributed speech event only relay it.
        A bare "X said" parsed as the complement of the sentence before it is the other way round:
        "A told him to 'stop', Reyes said" - Reyes relays what A said."""
        for event in events.values():
            if event.content is None or event.content[1] - event.content[0] > 4:
                continue
            tail = next((e for e in events.values() if event.content[0] <= e.verb.i < event.content[1]
                         and e.verb.i > event.verb.i and e.content is None and not e.quotes), None)
            if tail is None:
                continue
            for draft in list(by_verb.get(event.verb.i, [])):
                if draft.kind == "reported-speech" and draft in out:
                    out.remove(draft)
                elif tail.speaker is not None and event.speaker is not None \
                        and tail.speaker.entity != event.speaker.entity:
                    draft.relayed_by = tail.speaker.entity
            event.content = None
        for outer in events.values():
            if outer.speaker is None or outer.content is None:
                continue
            for inner in events.values():
                if inner is outer or inner.speaker is None or inner.speaker.entity == outer.speaker.entity:
                    continue
                if not outer.content[0] <= inner.verb.i < outer.content[1] or not by_verb.get(inner.verb.i):
                    continue
                for draft in by_verb[inner.verb.i]:
                    draft.relayed_by = outer.speaker.entity
                if inner.verb.head.i == outer.verb.i:
                    for draft in by_verb.get(outer.verb.i, []):
                        if draft.kind == "reported-speech" and draft in out:
                            out.remove(draft)

    def paragraph(self, offset: int) -> int:
        return bisect.bisect_right(self.breaks, offset)

    def according(self) -> list[Draft]:
        out = []
        for token in self.index.toks:
            if token.lower_ != "according" or self.heading(token):
                continue
            to = next((t for t in token.children if t.lower_ == "to"), None)
            target = next((t for t in to.children if t.dep_ == "pobj"), None) if to is not None else None
            found = self.refs.resolve(target) if target is not None else None
            if found is None:
                continue
            sent, phrase = self.index.sent(token), (token.left_edge.i, token.right_edge.i + 1)
            before = (sent.start, phrase[0])
            after = (phrase[1], sent.end)
            start, end = max(before, after, key=lambda r: r[1] - r[0])
            while start < end and (self.doc[start].is_punct or self.doc[start].is_space):
                start += 1
            while end > start and (self.doc[end - 1].is_punct or self.doc[end - 1].is_space):
                end -= 1
            if start < end:
                last = self.doc[end - 1]
                out.append(Draft(self.doc[start].idx, last.idx + len(last.text), "reported-speech", found.entity,
                                 found.via, "according to"))
        return out

    def unattributed(self, made: list[Draft], events: dict[int, Event]) -> list[Draft]:
        covered = [(d.start, d.end) for d in made]
        spoken = {self.index.sent_no[e.verb.i] for e in events.values() if e.content is not None or e.quotes}
        out = []
        for number, sent in enumerate(self.index.sents):
            if number in self.headings or number in spoken or sent.root.pos_ not in ("VERB", "AUX"):
                continue
            start, end = sent.start_char, sent.end_char
            if any(s < end and start < e for s, e in covered) or any(q.start < end and start < q.end
                                                                     for q in self.quotes):
                continue
            if any(t.lower_ == "according" for t in sent) or sent.text.rstrip().endswith("?"):
                continue
            subject = next((t for t in sent.root.children if t.dep_ in ("nsubj", "nsubjpass")), None)
            resolved = self.refs.resolve(subject) if subject is not None else None
            if resolved is None and not any(self.refs.entity_of(t) is not None or t.lower_ in _ALLEGING for t in sent):
                continue
            end = start + len(sent.text.rstrip())
            out.append(Draft(start, end, "unattributed", None, "outlet", "outlet's own statement",
                             subject=resolved.entity if resolved is not None else None))
        return out

    def alleged(self, outlet: list[Draft], made: list[Draft]) -> list[Draft]:
        """"X allegedly did Y" with no speaker of its own is someone's allegation: the speaker of the
        claim just before it in the same paragraph, else whoever filed the papers earlier on."""
        out = []
        for draft in outlet:
            tokens = self.index.tokens(draft.start, draft.end)
            if not any(self.doc[i].lower_ in _ALLEGING for i in tokens):
                out.append(draft)
                continue
            paragraph = self.paragraph(draft.start)
            before = [d for d in made if d.end <= draft.start and d.claimant is not None
                      and d.kind == "reported-speech" and self.paragraph(d.start) == paragraph]
            claimant = before[-1].claimant if before else None
            found = (Resolved(claimant, "noun") if claimant is not None
                     else self.refs.filer(tokens[0]) if len(tokens) else None)
            if found is None:
                out.append(draft)
                continue
            out.append(Draft(draft.start, draft.end, "reported-speech", found.entity, found.via,
                             "allegedly", verb=tokens[0]))
        return out

    def published(self, drafts: list[Draft]) -> list[Draft]:
        """"These figures are published by Eurostat": the sentences before it in the paragraph are
        the publisher's figures (its statements, not the outlet's)."""
        out = drafts
        for number, sent in enumerate(self.index.sents):
            root = sent.root
            if root.lemma_.lower() not in _PUBLISHING:
                continue
            subject = next((c for c in root.children if c.dep_ == "nsubjpass"), None)
            agent = next((c for c in root.children if c.dep_ == "agent"), None)
            if subject is None or agent is None or root.lemma_.lower() not in _PUBLISHING \
                    or subject.lemma_.lower() not in _FIGURES \
                    or not any(c.dep_ == "det" and c.lower_ in _DEFINITE for c in subject.children):
                continue
            pobj = next((t for t in agent.children if t.dep_ == "pobj"), None)
            found = self.refs.resolve(pobj) if pobj is not None else None
            if found is None:
                continue
            paragraph = self.paragraph(sent.start_char)
            before = [n for n in range(max(0, number - 6), number) if n not in self.headings
                      and self.paragraph(self.index.sents[n].start_char) == paragraph]
            for n in before:
                earlier = self.index.sents[n]
                start, end = earlier.start_char, earlier.start_char + len(earlier.text.rstrip())
                if any(d.kind != "unattributed" and d.start < end and start < d.end for d in out):
                    continue
                out = [d for d in out if not (d.kind == "unattributed" and d.start < end and start < d.end)]
                out.append(Draft(start, end, "reported-speech", found.entity, found.via, "published by",
                                 verb=root.i))
        return sorted(out, key=lambda d: d.start)

    def hedged(self, draft: Draft) -> bool:
        numbers = {self.index.sent_no[i] for i in self.index.tokens(draft.start, draft.end)}
        for sent in (self.index.sents[n] for n in sorted(numbers)):
            for token in self.index.toks[sent.start:sent.end]:
                if token.lower_ in HEDGES and (draft.start <= token.idx < draft.end or self.quote_of(token) is None):
                    return True
        return False
