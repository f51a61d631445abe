"""Draw the wave-5 audit sample of the train-only paraphrases (`aug-*`) and show it blind.

    python corpora/audit/aug_sample.py draw     # write aug_sample_ids.txt (300 ids, seeded)
    python corpora/audit/aug_sample.py blind    # write aug_blind.jsonl: {"id", "text"} only, no labels
    python corpora/audit/aug_sample.py freeze   # write aug_first_pass.jsonl: the corpus labels of the sample

The pool is the 800 written `aug-*` items (noise variants `-n` are left out: they copy the labels of their
base item, and every fix applies to both). The sample is stratified by source file (`aug-<src>-NNNN` ↔
`src/train_only/aug_*.txt`) × kind with proportional largest-remainder allocation, as `sample.py` does for
dev/test. `blind` writes only the id and the text, so the second pass is labelled without the first;
`freeze` is run after the second pass is complete and before any label is changed in adjudication.
The ids file is in shuffled order, so an item's position says nothing about its stratum.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sample import load, stratified  # same directory: the dev/test audit's sampler

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
IDS = HERE / "aug_sample_ids.txt"
BLIND = HERE / "aug_blind.jsonl"
FIRST = HERE / "aug_first_pass.jsonl"
N = 300
SEED = 2027


def source(item_id: str) -> str:
    return item_id.split("-")[1]


def draw(items: list[dict], n: int = N, seed: int = SEED) -> list[str]:
    pool = [d for d in items if d["id"].startswith("aug-") and not d.get("noise")]
    return stratified(pool, lambda d: (source(d["id"]), d["kind"]), n, seed)


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def main(argv: list[str]) -> int:
    if argv[:1] == ["draw"]:
        ids = draw(load())
        IDS.write_text("\n".join(ids) + "\n", encoding="utf-8")
        print(f"{len(ids)} ids -> {IDS}")
        return 0
    ids = IDS.read_text(encoding="utf-8").split()
    by_id = {d["id"]: d for d in load()}
    if argv[:1] == ["blind"]:
        write_jsonl(BLIND, [{"id": i, "text": by_id[i]["text"]} for i in ids])
        print(f"{len(ids)} items (id + text) -> {BLIND}")
        return 0
    if argv[:1] == ["freeze"]:
        keep = ("labels", "kind", "split", "heldout_topic", "noise")
        write_jsonl(FIRST, [{"id": i, **{k: by_id[i][k] for k in keep}} for i in sorted(ids)])
        print(f"{len(ids)} first-pass rows -> {FIRST}")
        return 0
    print(__doc__)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
