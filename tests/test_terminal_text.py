"""What a hostile case folder puts on the investigator's terminal: names and labels come from files
others wrote, so control characters (an escape sequence can retitle the window, write the
clipboard, hide or recolour text) and bidi marks are shown escaped, never sent raw; a file name in
another system's encoding is one line, not a crash."""

from __future__ import annotations

from pathlib import Path

from kg.errors import shown, visible

from conftest import run_kg

ESCAPE = "\\x1b]52;c;ZWNobyBwd25lZA==\\x07"  # OSC 52: write the clipboard (as YAML escapes)
CASE = (f"people:\n- id: p1\n  name: \"Ana {ESCAPE}Reyes\"\n  aliases: [\"\\u202eserevA\"]\n"
        "organizations:\n- {id: o1, name: Port Authority}\n")


def test_visible_and_shown_keep_text_readable_and_short() -> None:
    assert visible("a\x1b[31mb\u202ec\x85d\té") == "a\\x1b[31mb\\u202ec\\x85d\\x09é"
    assert shown("x" * 100) == repr("x" * 60) + "... (100 characters)"
    assert shown([list(range(100))] * 10) == "[[0, 1, 2, ...], [0, 1, 2, ...], [0, 1, 2, ...], ...]"


def test_labels_names_and_errors_reach_the_terminal_escaped(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "case.yaml").write_text(CASE, encoding="utf-8")
    (data / "bad\x1b[2J.yaml").write_text("people: 3\n", encoding="utf-8")
    store = str(tmp_path / "store")
    build = run_kg("--store", store, "build", str(data), "-o", str(tmp_path / "out"))
    assert build.returncode == 2
    assert f"kg: error: {data}/bad\\x1b[2J.yaml: section 'people' must be a list of records" in build.stderr
    listed = run_kg("--store", store, "entities")
    query = run_kg("--store", store, "query", "SELECT ?n WHERE { ?p schema:name ?n }")
    for output in (build.stdout, build.stderr, listed.stdout, query.stdout):
        assert "\x1b" not in output and "\u202e" not in output and "\x07" not in output
    assert "Ana \\x1b]52;c;ZWNobyBwd25lZA==\\x07Reyes" in listed.stdout
    assert "\\u202eserevA" in listed.stdout
    assert "Ana \\x1b]52;c;ZWNobyBwd25lZA==\\x07Reyes" in query.stdout


def test_a_file_name_in_another_encoding_is_one_line_and_the_rest_lands(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "case.yaml").write_text(CASE, encoding="utf-8")
    with open(bytes(data) + b"/caf\xe9.yaml", "w", encoding="utf-8") as latin1_name:
        latin1_name.write("people:\n- {id: p2, name: Bo}\n")
    result = run_kg("--store", str(tmp_path / "store"), "build", str(data), "-o", str(tmp_path / "out"))
    assert result.returncode == 2
    assert f"kg: error: {data}/caf\\udce9.yaml: the file name is not UTF-8 text; rename the file\n" in result.stderr
    assert "added  case.yaml" in result.stdout
    assert "Traceback" not in result.stderr
