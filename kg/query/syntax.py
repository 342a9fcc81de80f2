"""A SPARQL syntax error as one line a person can act on: where, and what was expected, in words.

pyoxigraph's parser (a PEG) reports the furthest position it reached and every terminal it would
have taken there, as grammar: character classes over Unicode ranges, punctuation in quotes,
keywords, and notes such as "Prefix not found". Shown raw that is hundreds of characters of
``'\\u{00C0}'..='\\u{00D6}'``. Here the position becomes line and column with the text around it, the
terminals become what they stand for ("a variable", "an IRI", "a name", "a number"), and the two
notes become the actual problem (the undeclared prefix, the IRI that is not one).
"""

from __future__ import annotations

import re

from kg import vocab
from kg.errors import QueryError
from kg.sparql import tokenize

_AT = re.compile(r"^error at (\d+):(\d+): expected (?:one of )?(.*)$", re.DOTALL)
_PREFIXED = re.compile(r"([A-Za-z][\w.-]*)?:[\w.%-]*$")
# the parser's terminals, in the order they are listed (quoted literals, then words, then classes)
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_CLASS = re.compile(r"\[[^\]]*\]")
_PUNCTUATION_WORDS = {"?": "a variable", "$": "a variable", "<": "an IRI", "\\\"": "a string", "'": "a string",
                      "\\\"\\\"\\\"": "a string", "'''": "a string", "_:": "a blank node", "[": "a blank node",
                      "<<": "a triple term", "<<(": "a triple term", "{|": "an annotation", "~": "a reifier",
                      "true": "true or false", "false": "true or false", "+": "a number", "-": "a number",
                      "\\\\": "an escape", "\\\\u": "an escape", "\\\\U": "an escape"}
_SNIPPET = 24
_GROUP_KEYWORDS = {"OPTIONAL", "BIND", "LATERAL", "SERVICE", "MINUS", "FILTER", "VALUES", "GRAPH", "UNION"}


def readable(message: str, text: str) -> str:
    """``message`` (pyoxigraph's SyntaxError text for ``text``) as one readable line."""
    match = _AT.match(message.strip())
    if match is None:
        return " ".join(message.split())
    found = _brackets(text) or _undeclared(text)
    if found:
        return found
    line, column, expected = int(match.group(1)), int(match.group(2)), match.group(3)
    offset = _offset(text, line, column)
    where = f"line {line}, column {column}"
    near = _near(text, offset)
    if "Prefix not found" in expected:  # (_undeclared finds these first; this reads the engine's note)
        name = _prefix_before(text, offset)
        known = ", ".join(sorted(vocab.PREFIXES))
        return (f"{where}: the prefix {name!r} is not declared (add PREFIX {name} <...>; predeclared: {known})"
                f"{near}")
    if "IRI parsing failed" in expected:
        return f"{where}: not a valid IRI (no spaces, quotes or braces inside <...>){near}"
    words = _words(expected)
    if words and set(words) <= _GROUP_KEYWORDS:  # what the parser says where a pattern is incomplete
        words = ["a complete triple pattern (subject, predicate and object)", "a keyword such as OPTIONAL or FILTER"]
    if not words:
        return f"{where}: unexpected text after the end of the query{near}"
    return f"{where}: expected {_join(words)}{near}"


def _brackets(text: str) -> str | None:
    """A bracket that is never closed, or closes the wrong one (strings, IRIs and comments skipped)."""
    try:
        tokens = tokenize(text)
    except QueryError as exc:  # an unterminated string says so itself
        return str(exc)
    pairs = {"}": "{", ")": "(", "]": "["}
    open_: list[tuple[str, int]] = []
    for token in tokens:
        if token.kind != "punct" or token.text not in "{}()[]":
            continue
        if token.text in "{([":
            open_.append((token.text, token.start))
        elif not open_ or open_[-1][0] != pairs[token.text]:
            where = _position(text, token.start)
            if not open_:
                return f"{where}: this {token.text!r} closes nothing{_near(text, token.start)}"
            opened, at = open_[-1]
            return f"{where}: this {token.text!r} does not close the {opened!r} at {_position(text, at)}" \
                   f"{_near(text, token.start)}"
        else:
            open_.pop()
    if open_:
        opened, at = open_[-1]
        return f"{_position(text, at)}: this {opened!r} is never closed{_near(text, at)}"
    return None


def _undeclared(text: str) -> str | None:
    """A prefixed name whose prefix neither the query nor kg declares."""
    try:
        tokens = tokenize(text)
    except QueryError:
        return None
    declared = set(vocab.PREFIXES)
    for index, token in enumerate(tokens):
        if token.keyword == "PREFIX" and index + 1 < len(tokens) and tokens[index + 1].text.endswith(":"):
            declared.add(tokens[index + 1].text[:-1])
    for index, token in enumerate(tokens):
        if token.kind != "word" or ":" not in token.text or (index and tokens[index - 1].keyword == "PREFIX"):
            continue
        prefix = token.text.split(":", 1)[0]
        if prefix != "_" and prefix not in declared and not prefix[:1].isdigit():
            known = ", ".join(sorted(vocab.PREFIXES))
            return (f"{_position(text, token.start)}: the prefix '{prefix}:' is not declared (add PREFIX {prefix}: "
                    f"<...>; predeclared: {known}){_near(text, token.start)}")
    return None


def _position(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    return f"line {line}, column {offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


def _offset(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return len(text)
    return min(sum(len(part) + 1 for part in lines[: line - 1]) + max(column - 1, 0), len(text))


def _near(text: str, offset: int) -> str:
    before = " ".join(text[max(0, offset - _SNIPPET):offset].split("\n"))
    after = " ".join(text[offset:offset + _SNIPPET].split("\n"))
    if not before.strip() and not after.strip():
        return ""
    lead = "…" if offset > _SNIPPET else ""
    tail = "…" if len(text) > offset + _SNIPPET else ""
    return f", here: {lead + before!r} ⟶ {after + tail!r}"


def _prefix_before(text: str, offset: int) -> str:
    head = re.split(r"[\s{}()<>,;]", text[:offset])[-1]
    match = _PREFIXED.search(head)
    return (match.group(1) or "") + ":" if match else head


def _words(expected: str) -> list[str]:
    """What the listed terminals stand for, each once, keywords as they are spelled."""
    out: list[str] = []

    def add(word: str) -> None:
        if word not in out:
            out.append(word)

    rest = expected
    for quoted in _QUOTED.findall(rest):
        add(_PUNCTUATION_WORDS.get(quoted, f"'{quoted.encode().decode('unicode_escape')}'"))
    rest = _QUOTED.sub(" ", rest)
    for cls in _CLASS.findall(rest):
        if "'0'" in cls and "'A'" not in cls and "'a'" not in cls:
            add("a number")
        elif "'A'" in cls or "'a'" in cls:
            add("a name")
        elif cls not in ("[_]",):  # [_]: any character, which says nothing
            add(f"one of {cls}")
    rest = _CLASS.sub(" ", rest)
    for word in re.findall(r"[A-Za-z][A-Za-z0-9_]*", rest):
        add(word)
    return _summarised(out)


def _summarised(words: list[str]) -> list[str]:
    """Fold terminals into what a person writes: a name, a term, an expression."""
    if "a name" in words:  # the pieces of a name are not worth listing apart
        words = [w for w in words if w not in ("':'", "'.'", "'%'", "a number") and not w.startswith("one of [")]
    terms = ["a variable", "an IRI", "a string", "a number", "a name", "a blank node", "a triple term",
             "true or false"]
    if sum(w in terms for w in words) >= 3:
        first = next(i for i, w in enumerate(words) if w in terms)
        words = [w for w in words if w not in terms]
        words.insert(first, "a term (a variable, an IRI, a prefixed name or a literal)")
    functions = [w for w in words if w.isupper() and len(w) > 1 and w not in ("NOT", "BY", "NAMED", "DISTINCT")]
    if len(functions) >= 5:
        first = words.index(functions[0])
        words = [w for w in words if w not in functions]
        words.insert(first, "an expression (a variable, a value or a function call)")
    return words


def _join(words: list[str]) -> str:
    if len(words) > 8:
        words = [*words[:7], f"{len(words) - 7} more"]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
