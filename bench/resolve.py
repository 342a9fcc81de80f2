"""Entity resolution benchmark: resolution and suggestion time and peak RSS as the input grows.

    python bench/resolve.py [--sizes 10000,100000,1000000] [--seed 1] [--out outputs/bench-resolve.md] [--json PATH]

For each size a seeded generator makes that many entity mentions spread over sources of about 20
mentions each (like articles): about 30% of the mentions repeat an entity already mentioned, with
realistic variants -- the same name, other case, an honorific, dropped accents, a leading "the",
an acronym (declared by some sources), a surname or initial in the same source as the full name,
and typos (which resolution must not merge; suggestions should find them). Each size runs in a fresh
subprocess so ``ru_maxrss`` is its own. Reported: resolution time, suggestion time (blocking + scoring
over the resolved entities) -- CPU seconds of the process, which stay comparable on a shared, busy
machine; wall seconds are in the JSON lines -- the time ratio per 10x of input, peak RSS, and pairwise
precision and recall of the automatic merges against the generator's truth.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import row, size_label, write_json  # noqa: E402

from kg.resolve.mention import Mention  # noqa: E402
from kg.resolve.normalize import acronyms, normalize  # noqa: E402

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
_ONSETS = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br", "ch",
           "dr", "gr", "kh", "sh", "st", "tr", "zh"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ei", "ou", "ia", "é", "ü", "ö", "á"]
_ORG_HEAD = ["Institute", "Foundation", "Ministry", "Council", "Agency", "Group", "Network", "Union", "Bank",
             "Party", "Front", "Committee", "Press", "Times", "Herald", "Association", "Trust", "Watch"]


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables)).capitalize()


def _typo(rng: random.Random, name: str) -> str:
    i = rng.randrange(1, max(2, len(name) - 2))
    return name[:i] + name[i + 1] + name[i] + name[i + 2:] if name[i].isalpha() and name[i + 1].isalpha() else name


def _ascii(name: str) -> str:
    return name.translate(str.maketrans("éüöá", "euoa"))


def generate(size: int, seed: int) -> tuple[list[Mention], list[int]]:
    """``size`` mentions and, for each, the id of the true entity it names."""
    rng = random.Random(seed)
    mentions: list[Mention] = []
    truth: list[int] = []
    used: set[str] = set()
    entities: list[tuple[str, str, str | None]] = []  # kind, name, acronym
    source_of = 0
    while len(mentions) < size:
        source = f"src-{source_of:07d}.yaml"
        source_of += 1
        local: list[tuple[str, str, int]] = []
        for _ in range(min(20, size - len(mentions))):
            if entities and rng.random() < 0.3:  # a repeat, usually of a recent entity
                ident = max(0, len(entities) - 1 - int(rng.expovariate(1 / 2000))) if rng.random() < 0.8 \
                    else rng.randrange(len(entities))
                kind, name, acronym = entities[ident]
                name = _variant(rng, kind, name, acronym, local)
            else:
                kind = rng.choices(["person", "organization", "publication"], [60, 35, 5])[0]
                while True:
                    if kind == "person":
                        name = f"{_word(rng, rng.choice((1, 2)))} {_word(rng, rng.choice((2, 3)))}"
                    elif kind == "organization":
                        name = f"{_word(rng, 2)} {_word(rng, 2)} {rng.choice(_ORG_HEAD)}"
                    else:
                        name = f"The {_word(rng, 3)} of {_word(rng, 2)} {_word(rng, 2)}"
                    if normalize(name) not in used:  # two entities differing only in accents would be one name
                        break
                used.add(normalize(name))
                acronym = sorted(acronyms(name))[0].upper() if kind == "organization" else None
                ident = len(entities)
                entities.append((kind, name, acronym))
            aliases = (acronym,) if kind == "organization" and acronym and rng.random() < 0.3 and name != acronym \
                else ()
            mentions.append(Mention(source, f"e{len(local)}", kind, name, aliases))
            truth.append(ident)
            local.append((kind, name, ident))
    return mentions, truth


def _variant(rng: random.Random, kind: str, name: str, acronym: str | None, local: list[tuple[str, str, int]]) -> str:
    roll = rng.random()
    if roll < 0.45:
        return name
    if roll < 0.55:
        return name.upper() if kind != "person" else name.lower().title()
    if roll < 0.65:
        return _ascii(name) if _ascii(name) != name else name
    if roll < 0.75:
        return (rng.choice(["Dr. ", "Mr. ", "Ms. "]) + name) if kind == "person" else "the " + name
    if roll < 0.85 and kind == "organization" and acronym:
        return acronym
    if roll < 0.85 and kind == "person" and any(n == name for _, n, _ in local):
        return rng.choice(["Mr. ", "Ms. "]) + name.split()[-1]
    if roll < 0.93:
        return _typo(rng, name)
    return name


def child(size: int, seed: int) -> None:
    from kg.resolve.resolver import resolve
    from kg.resolve.suggest import entities_of, suggest

    mentions, truth = generate(size, seed)
    start, cpu = time.perf_counter(), time.process_time()
    resolution = resolve(mentions)
    resolved, resolved_cpu = time.perf_counter() - start, time.process_time() - cpu
    start, cpu = time.perf_counter(), time.process_time()
    found = suggest(entities_of(resolution))
    suggested, suggested_cpu = time.perf_counter() - start, time.process_time() - cpu
    index = {m.ref: i for i, m in enumerate(mentions)}
    merged_pairs = true_merged = 0
    for cluster in resolution.clusters:
        n = len(cluster.members)
        merged_pairs += n * (n - 1) // 2
        counts: dict[int, int] = {}
        for m in cluster.members:
            counts[truth[index[m.ref]]] = counts.get(truth[index[m.ref]], 0) + 1
        true_merged += sum(c * (c - 1) // 2 for c in counts.values())
    per_truth: dict[int, int] = {}
    for t in truth:
        per_truth[t] = per_truth.get(t, 0) + 1
    all_true = sum(c * (c - 1) // 2 for c in per_truth.values())
    print(json.dumps({
        "size": size, "entities_true": len(per_truth), "entities_resolved": len(resolution.clusters),
        "resolve_s": round(resolved_cpu, 3), "suggest_s": round(suggested_cpu, 3), "suggestions": len(found),
        "resolve_wall_s": round(resolved, 3), "suggest_wall_s": round(suggested, 3),
        "precision": round(true_merged / merged_pairs, 5) if merged_pairs else 1.0,
        "recall": round(true_merged / all_true, 4) if all_true else 1.0,
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="outputs/bench-resolve.md")
    parser.add_argument("--json", help="also write the result rows here (JSON list)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.seed)
        return
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        result = subprocess.run([sys.executable, __file__, "--child", str(size), "--seed", str(args.seed)],
                                capture_output=True, text=True, check=True)
        rows.append(json.loads(result.stdout))
        print(result.stdout.strip(), flush=True)
    lines = [f"# kg entity resolution benchmark ({platform.python_implementation()} {platform.python_version()}, "
             f"seed {args.seed})", "",
             "| mentions | true entities | resolved | resolve CPU s | x per 10x | suggest CPU s | x per 10x "
             "| suggestions | precision | recall | peak RSS MB |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for i, r in enumerate(rows):
        def ratio(key: str, i: int = i, r: dict[str, float] = r) -> str:
            if i == 0:
                return "-"
            prev = rows[i - 1]
            factor = (r[key] / max(prev[key], 1e-9)) / ((r["size"] / prev["size"]) / 10)
            return f"{factor:.1f}"
        lines.append(f"| {r['size']:,} | {r['entities_true']:,} | {r['entities_resolved']:,} | {r['resolve_s']} | "
                     f"{ratio('resolve_s')} | {r['suggest_s']} | {ratio('suggest_s')} | {r['suggestions']:,} | "
                     f"{r['precision']} | {r['recall']} | {r['peak_mb']} |")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    write_json(args.json, [r for i, result in enumerate(rows) for r in _rows(result, rows[i - 1] if i else None)])


def _rows(result: dict[str, float], previous: dict[str, float] | None) -> list[dict[str, object]]:
    """Resolution and suggestion CPU time against the previous size's: growth per 10x of input."""
    out = []
    for step in ("resolve", "suggest"):
        now, before = result[f"{step}_s"], previous[f"{step}_s"] if previous else None
        growth = now / max(before, 1e-9) / (result["size"] / previous["size"] / 10) if previous and before else None
        notes = (f"CPU s; {int(result['entities_resolved']):,} entities; precision {result['precision']}, recall "
                 f"{result['recall']}; growth per 10x mentions against {size_label(int(previous['size']))}"
                 if previous else "CPU s; first size: no growth to measure")
        out.append(row("resolve", step, f"{size_label(int(result['size']))} mentions", kg_s=now,
                       anchor="10x fewer mentions (per-10x growth)" if previous else "", anchor_s=before,
                       ratio=growth, target="<= 15x" if previous else "", peak_rss_mb=result["peak_mb"], notes=notes))
    return out


if __name__ == "__main__":
    main()
