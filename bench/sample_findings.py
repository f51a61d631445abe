"""Draw a seeded random sample of findings from `docscan scan … --format jsonl` output, for precision reviews.

    docscan scan DIR -r --format jsonl > reports.jsonl
    python -m bench.sample_findings reports.jsonl -n 50 --seed 7 > sample.tsv

Prints one numbered finding per block (document, category, rule, source, the flagged words in 【】 inside their
sentence) so a reviewer can mark each true/false; a TSV with --tsv.
"""

from __future__ import annotations

import argparse
import json
import random
import sys


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("reports", help="JSONL reports (docscan scan --format jsonl)")
    ap.add_argument("-n", type=int, default=50)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--tsv", action="store_true")
    a = ap.parse_args(argv)
    pool = []
    with open(a.reports, encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            for f in r.get("findings", []):
                pool.append((r["source"]["path"], f))
    rng = random.Random(a.seed)
    sample = rng.sample(pool, min(a.n, len(pool)))
    print(f"# {len(sample)} of {len(pool)} findings, seed {a.seed}", file=sys.stderr)
    for i, (path, f) in enumerate(sample, 1):
        s, ss = f["sentence"], f.get("sentence_start")
        if ss is not None:
            a0, a1 = f["start"] - ss, f["end"] - ss
            s = s[:a0] + "【" + s[a0:a1] + "】" + s[a1:]
        if a.tsv:
            print("\t".join([str(i), path, f["category"], f["rule"], f["source"], s.replace("\t", " ")]))
        else:
            print(f"{i:>3}. {path.rsplit('/', 2)[-2:]} {f['category']} {f['rule']} ({f['source']}, {f['severity']})")
            print(f"     {s[:300]}")


if __name__ == "__main__":
    main()
