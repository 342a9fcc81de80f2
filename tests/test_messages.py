"""The worker messages (kg.query.messages) survive the trip through the socket with every field."""

from __future__ import annotations

import pickle

import pyoxigraph as ox
import pytest

from kg.query.messages import Boolean, Dataset, Document, Failed, Ready, Request, Rows, Triples, Updated, decode, encode

TRIPLE = ox.Triple(ox.NamedNode("http://e.x/s"), ox.NamedNode("http://e.x/p"), ox.Literal("o", language="en"))


def test_a_request_pickles_to_an_equal_one() -> None:
    request = Request("SELECT * WHERE { ?s ?p ?o }", dataset=Dataset(("http://e.x/g", "http://e.x/h"), ()),
                      max_rows=5, substitutions={"s": ox.NamedNode("http://e.x/s")}, fmt="json")
    assert pickle.loads(pickle.dumps(request, pickle.HIGHEST_PROTOCOL)) == request


@pytest.mark.parametrize("message", [
    Ready(), Failed(True, "bad query"), Boolean(False), Rows(["s"], b"?s\n<http://e.x/s>\n", True),
    Triples([TRIPLE], False), Document(b"{}", True), Updated(),
])
def test_a_reply_survives_the_wire(message: Ready | Failed | Boolean | Rows | Triples | Document | Updated) -> None:
    assert decode(pickle.loads(pickle.dumps(encode(message), pickle.HIGHEST_PROTOCOL))) == message
