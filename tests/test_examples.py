"""Every example a person is shown runs as written: the `example:` lines of `kg --help` and of each
command's --help, and the `kg ...` lines of the README's shell blocks (```sh / ```bash; a deployment
sketch naming other machines, such as the Dask cluster's, is fenced ```console and not run here).

They run in a copy of the project as a person has it after `bash scripts/run.sh`: the shipped
sample (data/), examples/ and tests/data/articles, a store built from data/ (outputs/store), run
from that folder with `kg` on PATH. Examples that name a file of the reader's own (an article, a
report, a CSV, an inbox, two case files for `kg split`) get one here, made from real text
(tests/data/documents: public-domain and CC BY articles). One script (a --help's examples, or one
README block) runs its lines in order in one fresh copy. `kg serve` is started, asked for its page
and stopped; lines that name the Oxigraph server at 127.0.0.1:7878 get one started there (the only
rewrite: another free port when 7878 is taken on this machine).

Beside the exit code, each line is checked not to change the build's outputs (outputs/graph.ttl,
graph.trig, graph.html) unless it is a `kg build` or names them: `kg view` without -o, `kg synth`'s
example and the rest leave them alone.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from documents_support import make_docx, make_eml, make_pdf, odt_bytes, real_texts

from kg.cli import build_parser

from conftest import ROOT, free_port

BIN = Path(sys.executable).parent
OUTPUTS = ("graph.ttl", "graph.trig", "graph.html")
PORT = 7878


def help_scripts() -> list[tuple[str, list[str]]]:
    parser = build_parser()
    scripts = [("kg --help", _example_lines(parser.epilog or ""))]
    for action in parser._actions:
        choices = getattr(action, "choices", None)
        if isinstance(choices, dict):
            scripts += [(f"kg {name} --help", _example_lines(sub.epilog or "")) for name, sub in choices.items()]
    return scripts


def _example_lines(epilog: str) -> list[str]:
    text = epilog.split("example:", 1)[-1]
    return [line.strip() for line in text.splitlines() if line.strip().startswith("kg ")]


def readme_scripts() -> list[tuple[str, list[str]]]:
    scripts = []
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for number, block in enumerate(re.findall(r"^```(?:sh|bash)\n(.*?)^```", text, re.M | re.S), 1):
        lines = [line.strip() for line in block.splitlines() if line.strip().startswith("kg ")]
        if lines:
            scripts.append((f"README block {number}", lines))
    return scripts


SCRIPTS = help_scripts() + readme_scripts()


def test_every_command_shows_an_example() -> None:
    assert all(lines for _, lines in help_scripts()), [name for name, lines in help_scripts() if not lines]


# -- the project the examples run in ----------------------------------------------------------------------
def _provide(project: Path) -> None:
    """The reader's own files that examples name, made from real articles."""
    texts = real_texts()
    shutil.copytree(ROOT / "data", project / "data")
    shutil.copytree(ROOT / "examples", project / "examples")
    shutil.copytree(ROOT / "tests" / "data" / "articles", project / "tests" / "data" / "articles")
    # two case files naming two different John Smiths (kg split a.yaml#john-smith b.yaml#js)
    (project / "data" / "a.yaml").write_text(
        "case: {id: hearing, title: Committee hearing on detention}\n"
        "people:\n  - id: john-smith\n    name: John Smith\n    note: the member of parliament who chaired it\n",
        encoding="utf-8")
    (project / "data" / "b.yaml").write_text(
        "case: {id: coverage, title: Coverage of the hearing}\n"
        "people:\n  - id: js\n    name: John Smith\n    note: the reporter who covered it\n", encoding="utf-8")
    # what an extraction of an interview left to review (kg merge / reject / retype)
    (project / "data" / "liu-interview.case.yaml").write_text(
        "case: {id: liu-interview, title: Interview with a former detainee}\n"
        "publications:\n  - {id: interview, type: NewsArticle, title: A former detainee speaks}\n"
        "people:\n  - {id: j-liu, name: J. Liu}\n  - {id: he, name: He}\n  - {id: xinhua, name: Xinhua}\n"
        "claims:\n  - id: beaten\n    claimant: j-liu\n    appears_in: interview\n    about: [j-liu]\n"
        "    text: He was beaten in detention.\n    kind: reported-speech\n", encoding="utf-8")
    (project / "extra").mkdir()
    (project / "extra" / "people.csv").write_text(
        "record,id,name,kind,person,organization,role,source,title,type\n"
        "publication,profile,,,,,,,Staff list,WebPage\n"
        "organization,dafoh,Doctors Against Forced Organ Harvesting,NGO,,,,,,\n"
        "person,torsten-trey,Torsten Trey,,,,,,,\n"
        "affiliation,,,,torsten-trey,dafoh,executive director,profile,,\n", encoding="utf-8")
    news = project / "news"
    news.mkdir()
    for text in texts[:2]:
        (news / f"{text.name}.txt").write_text(text.title + "\n\n" + "\n\n".join(text.paragraphs) + "\n",
                                               encoding="utf-8")
    _html(news / "report.html", texts[2].title, texts[2].paragraphs)
    _html(project / "article.html", texts[0].title, texts[0].paragraphs)
    make_pdf(project / "report.pdf", texts[1].title, texts[1].paragraphs, header="Annual report")
    inbox = project / "inbox"
    inbox.mkdir()
    make_pdf(inbox / "statement.pdf", texts[0].title, texts[0].paragraphs)
    make_docx(inbox / "memo.docx", texts[1].title, texts[1].paragraphs)
    (inbox / "minutes.odt").write_bytes(odt_bytes(texts[2].title, texts[2].paragraphs))
    make_eml(inbox / "tip.eml", texts[2].title, "Desk <desk@newsroom.example>", "\n\n".join(texts[2].paragraphs))
    _html(inbox / "page.html", texts[0].title, texts[0].paragraphs[:3])
    (inbox / "notes.txt").write_text("\n\n".join(texts[1].paragraphs[:3]) + "\n", encoding="utf-8")
    (project / "filings" / "2019").mkdir(parents=True)
    make_pdf(project / "filings" / "complaint.pdf", texts[2].title, texts[2].paragraphs[:4])
    make_pdf(project / "filings" / "2019" / "ruling.pdf", texts[0].title, texts[0].paragraphs[:4])


def _html(path: Path, title: str, paragraphs: list[str]) -> None:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    path.write_text(f"<!doctype html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>\n"
                    f"{body}</article></body></html>\n", encoding="utf-8")


def _env(project: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_") or k == "KG_CI"}
    return {**env, "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}", "HOME": str(project), "COLUMNS": "120"}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("examples") / "project"
    project.mkdir()
    _provide(project)
    built = subprocess.run(["kg", "build", "data/"], cwd=project, env=_env(project), capture_output=True,
                           text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    return project


@pytest.fixture
def project(template: Path) -> Iterator[Path]:
    """The built project, where it was built (the store's state names its folder), fresh for each script."""
    pristine = template.with_name("pristine")
    if not pristine.exists():
        shutil.copytree(template, pristine, symlinks=True)  # the store's read snapshot is a link to its folder
    yield template
    shutil.rmtree(template)
    shutil.copytree(pristine, template, symlinks=True)


# -- running them -----------------------------------------------------------------------------------------
def _outputs(project: Path) -> dict[str, str]:
    return {name: hashlib.sha256((project / "outputs" / name).read_bytes()).hexdigest()
            for name in OUTPUTS if (project / "outputs" / name).exists()}


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers bind: TIME_WAIT is no obstacle
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _wait_for(port: int, proc: subprocess.Popen[bytes], seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"nothing listens on {port} (exit {proc.poll()})") from None
            time.sleep(0.05)


@pytest.fixture
def port() -> int:
    return PORT if _port_free(PORT) else free_port()


@pytest.fixture
def oxigraph_at() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        proc.terminate()
        proc.wait(timeout=20)


def _serve(line: str, project: Path, port: int) -> None:
    proc = subprocess.Popen(["bash", "-c", f"exec {line}"], cwd=project, env=_env(project),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(port, proc)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as page:
            assert page.status == 200 and b"<html" in page.read().lower()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.parametrize(("where", "lines"), SCRIPTS, ids=[name for name, _ in SCRIPTS])
def test_example_runs_as_written(where: str, lines: list[str], project: Path, port: int,
                                 oxigraph_at: list[subprocess.Popen[bytes]]) -> None:
    lines = [line.replace(str(PORT), str(port)) for line in lines]
    if port != PORT:
        lines = [f"{line.split('#')[0].rstrip()} --port {port}" if line.startswith("kg serve") and "--port" not in line
                 else line for line in lines]
    if any(f"127.0.0.1:{port}" in line and not line.startswith("kg serve") for line in lines):
        binary = shutil.which("oxigraph") or str(BIN / "oxigraph")
        oxigraph_at.append(subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}"],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        _wait_for(port, oxigraph_at[-1])
    for line in lines:
        before = _outputs(project)
        if line.startswith("kg serve"):
            _serve(line, project, port)
            continue
        done = subprocess.run(["bash", "-o", "pipefail", "-c", line], cwd=project, env=_env(project),
                              capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, f"{where}: {line}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        assert "Traceback" not in done.stderr and "kg: error" not in done.stderr, f"{line}\n{done.stderr}"
        if not re.search(r"\bbuild\b(?!.*\s-o\s)", line) and "outputs/graph." not in line:
            assert _outputs(project) == before, f"{where}: {line} changed the build's outputs"
