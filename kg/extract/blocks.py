"""Attribution that works paragraph by paragraph, where the speaker is named once for a block.

- a quotation standing alone continues the previous (or next) quoted speaker of its paragraph;
- transcripts: a paragraph that starts "IMBERT:", "Rosa Imbert:" or "MR KIRBY:" is that person
  speaking, and so are the paragraphs after it up to the next label;
- an introduction ending in a colon ("Mr. Missini issued the following statement:", "she tweeted:")
  gives the next paragraph to its speaker, and the paragraphs after it while they go on in the
  first person or open with a quotation mark;
- interviews: the answers after each question paragraph ("...?") belong to the person the article
  says it interviews.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kg.extract.claimdraft import Draft, Event
from kg.extract.lexicon import HONORIFICS
from kg.extract.quotes import Quote
from kg.extract.references import Resolved
from kg.extract.textnorm import PARAGRAPH_BREAK

if TYPE_CHECKING:
    from kg.extract.attribution import Attributor

_NAME_WORD = r"[A-Z][\w'\u2019.-]+"
SPEAKER_LABEL = re.compile(rf"[ \t]*({_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}})[ \t]*:[ \t]+(?=\S)")
_ANY_LABEL = re.compile(r"[ \t]*[A-Z][\w.]*(?:[ \t]+[A-Z][\w.]*){0,2}[ \t]*:")
_STATEMENT_NOUNS = {"statement", "update", "message", "remark", "comment", "post", "tweet", "note", "letter",
                    "declaration", "response", "reply", "words"}
_FIRST_PERSON = {"i", "we", "our", "my", "us", "me", "ours", "myself", "ourselves"}


def label_names(text: str) -> set[str]:
    """The names used as transcript labels, case-folded and without titles ("MR KIRBY" -> "kirby")."""
    out = set()
    for match in (SPEAKER_LABEL.match(text, start) for start in _paragraph_starts(text)):
        if match is None:
            continue
        words = [w for w in match.group(1).split() if w.casefold() not in HONORIFICS]
        if words:
            out.add(" ".join(words).casefold())
    return out


def _paragraph_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(PARAGRAPH_BREAK, text)]


class Paragraphs:
    def __init__(self, att: Attributor, events: dict[int, Event], loose: list[Quote]) -> None:
        self.att, self.events, self.loose = att, events, loose
        text = att.text
        starts = [0] + [b + len(PARAGRAPH_BREAK) for b in att.breaks]
        ends = [*att.breaks, len(text)]
        self.spans = [self._stripped(a, b) for a, b in zip(starts, ends, strict=True)]

    def _stripped(self, start: int, end: int) -> tuple[int, int]:
        text = self.att.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return start, end

    def drafts(self, made: list[Draft]) -> list[Draft]:
        out = self.continuations(made)
        for rule in (self.speaker_labels, self.introduced, self.answers):
            for draft in rule():
                if not any(d.start < draft.end and draft.start < d.end for d in made + out):
                    out.append(draft)
        return out

    # --- helpers -------------------------------------------------------------------------------
    def text_of(self, number: int) -> str:
        start, end = self.spans[number]
        return self.att.text[start:end]

    def is_heading(self, number: int) -> bool:
        start, end = self.spans[number]
        sents = {self.att.index.sent_no[i] for i in self.att.index.tokens(start, end)}
        return bool(sents) and sents <= self.att.headings

    def block(self, number: int, key: int, via: str, cue: str) -> Draft | None:
        start, end = self.spans[number]
        if start >= end:
            return None
        text = self.att.text
        if text[start] in "\"\u201c" and text[end - 1] in "\"\u201d" and end - start > 2:
            start, end = start + 1, end - 1
        return Draft(start, end, "direct-quote", key, via, cue, quote=text[start:end])

    def first_person(self, number: int) -> bool:
        start, end = self.spans[number]
        return any(self.att.doc[i].lower_ in _FIRST_PERSON for i in self.att.index.tokens(start, end))

    def standalone(self, quote: Quote) -> bool:
        """A quotation that is a sentence of its own (nothing but punctuation around it)."""
        index = self.att.index
        numbers = {index.sent_no[i] for i in index.tokens(quote.start, quote.end)}
        for n in numbers:
            for token in index.sents[n]:
                if not (token.is_punct or token.is_space or quote.start <= token.idx < quote.end):
                    return False
        return True

    # --- rules ---------------------------------------------------------------------------------
    def continuations(self, made: list[Draft]) -> list[Draft]:
        out: list[Draft] = []
        att = self.att
        for quote in self.loose:
            if not self.standalone(quote):
                continue
            para = att.paragraph(quote.start)
            previous = [d for d in made + out if d.kind == "direct-quote" and d.end <= quote.start
                        and att.paragraph(d.start) == para]
            following = [d for d in made if d.start >= quote.end and att.paragraph(d.start) == para]
            source = previous[-1] if previous else (following[0] if following else None)
            if source is None or source.claimant is None:
                continue
            start, end = quote.inner
            out.append(Draft(start, end, "direct-quote", source.claimant, source.via, "quote continues",
                             quote=att.text[start:end], relayed_by=source.relayed_by))
        return out

    def speaker_labels(self) -> list[Draft]:
        people: dict[str, int] = {}
        for entity in self.att.refs.entities.values():
            if entity.kind == "person":
                for name in [entity.name, *entity.aliases, entity.name.split()[-1]]:
                    people.setdefault(name.casefold(), entity.key)
        out: list[Draft] = []
        speaker: int | None = None
        for number, (start, _end) in enumerate(self.spans):
            match = SPEAKER_LABEL.match(self.att.text, start)
            if match is None and (self.text_of(number).endswith("?") or _ANY_LABEL.match(self.att.text, start)):
                speaker = None  # a question, or another speaker's label ("Q:"), ends the answer
                continue
            if match is not None:
                words = [w for w in match.group(1).split() if w.casefold() not in HONORIFICS]
                speaker = people.get(" ".join(words).casefold())
                if speaker is None:
                    continue
                draft = Draft(match.end(), self.spans[number][1], "direct-quote", speaker, "name", "speaker label")
                draft.quote = self.att.text[draft.start:draft.end]
                out.append(draft)
            elif speaker is not None and not self.is_heading(number):
                made = self.block(number, speaker, "name", "speaker label continues")
                if made is not None:
                    out.append(made)
        return out

    def intro_speaker(self, number: int) -> Resolved | None:
        """Who speaks in the paragraph after one ending "...:" ("X said:", "X issued this statement:")."""
        start, end = self.spans[number]
        if end <= start or self.att.text[end - 1] != ":":
            return None
        sent = self.att.index.sents[self.att.index.sent_no[self.att.index.token_at(end - 1)]]
        for event in self.events.values():
            if sent.start <= event.verb.i < sent.end and event.speaker is not None and event.content is None:
                return event.speaker
        for token in sent:
            if token.lemma_.lower() in _STATEMENT_NOUNS and token.dep_ in ("dobj", "nsubj"):
                verb = token.head
                subject = next((c for c in verb.children if c.dep_ == "nsubj" and c.i != token.i), None)
                found = self.att.refs.resolve(subject) if subject is not None else None
                if found is not None:
                    return found
        return None

    def introduced(self) -> list[Draft]:
        out = []
        for number in range(len(self.spans) - 1):
            speaker = self.intro_speaker(number)
            if speaker is None:
                continue
            following = number + 1
            while following < len(self.spans) and not self.is_heading(following):
                if following > number + 1 and not self.first_person(following) \
                        and self.att.text[self.spans[following][0]] not in "\"\u201c":
                    break  # the statement goes on while it speaks in the first person or in quotation marks
                made = self.block(following, speaker.entity, speaker.via, "introduced by a colon")
                if made is not None:
                    out.append(made)
                if self.text_of(following).endswith(":"):
                    break
                following += 1
        return out

    def interviewee(self) -> int | None:
        for token in self.att.doc:
            if token.lemma_.lower() != "interview":
                continue
            sent = self.att.index.sent(token)
            for member in sent:
                key = self.att.refs.entity_of(member)
                if key is not None and self.att.refs.kind(key) == "person":
                    return key
        return None

    def answers(self) -> list[Draft]:
        questions = [n for n in range(len(self.spans)) if self.text_of(n).endswith("?")]
        if len(questions) < 2:
            return []
        key = self.interviewee()
        if key is None:
            return []
        out = []
        for number in questions:
            following = number + 1
            while following < len(self.spans) and following not in questions and not self.is_heading(following):
                if SPEAKER_LABEL.match(self.att.text, self.spans[following][0]):
                    break
                made = self.block(following, key, "name", "answer to a question")
                if made is not None:
                    out.append(made)
                following += 1
        return out
