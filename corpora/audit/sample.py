"""Draw the second-annotator audit sample and show it blind.

    python corpora/audit/sample.py draw          # write sample_ids.txt (500 ids, seeded)
    python corpora/audit/sample.py show 0 100    # print "id<TAB>text" of sample items 0..99

The sample is stratified by split × kind × topic over the dev and test splits (held-out topics and noise
variants come in proportionally) with proportional largest-remainder allocation. `show` prints only the
id and the text, never the labels or the kind, so the second pass stays blind to the first.
The ids file is written in shuffled order, so the position of an item says nothing about its stratum.
"""

from __future__ import annotations

import json
import random
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
IDS = HERE / "sample_ids.txt"
N = 500
SEED = 2026


def load() -> list[dict]:
    items = []
    for path in sorted(DATA.glob("*.jsonl")):
        with open(path, encoding="utf-8") as f:
            items.extend(json.loads(line) for line in f)
    return items


def stratified(pool: list[dict], key, n: int, seed: int) -> list[str]:
    """``n`` ids from ``pool``, proportional to the strata ``key(item)`` by largest remainder, seeded, shuffled."""
    strata: dict[tuple, list[str]] = defaultdict(list)
    for d in pool:
        strata[key(d)].append(d["id"])
    keys = sorted(strata)
    quota = {k: n * len(strata[k]) / len(pool) for k in keys}
    alloc = {k: int(quota[k]) for k in keys}
    rest = n - sum(alloc.values())
    for k in sorted(keys, key=lambda k: (-(quota[k] - alloc[k]), k))[:rest]:
        alloc[k] += 1
    rng = random.Random(seed)
    chosen: list[str] = []
    for k in keys:
        chosen.extend(rng.sample(sorted(strata[k]), alloc[k]))
    rng.shuffle(chosen)
    return chosen


def draw(items: list[dict], n: int = N, seed: int = SEED) -> list[str]:
    pool = [d for d in items if d["split"] in ("dev", "test")]
    return stratified(pool, lambda d: (d["split"], d["kind"], d["topic"]), n, seed)


def main(argv: list[str]) -> int:
    if argv[:1] == ["draw"]:
        ids = draw(load())
        IDS.write_text("\n".join(ids) + "\n", encoding="utf-8")
        print(f"{len(ids)} ids -> {IDS}")
        return 0
    if argv[:1] == ["show"]:
        lo, hi = int(argv[1]), int(argv[2])
        text = {d["id"]: d["text"] for d in load()}
        ids = IDS.read_text(encoding="utf-8").split()
        for i in ids[lo:hi]:
            print(f"{i}\t{text[i]!r}" if "\n" in text[i] else f"{i}\t{text[i]}")
        return 0
    print(__doc__)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
