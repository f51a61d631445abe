"""Inter-annotator agreement between the first pass (the corpus labels) and the blind second pass.

    python corpora/audit/agreement.py                 # Markdown tables: first pass vs second pass
    python corpora/audit/agreement.py --adjudicated   # also: second pass vs the current corpus (after fixes)
    python corpora/audit/agreement.py --diff          # list every disagreement (for adjudication)
    python corpora/audit/agreement.py --aug [...]     # the same for the wave-5 train-only audit (aug_*.jsonl)

Inputs: ``first_pass.jsonl`` (the corpus labels of the sampled items, frozen before the comparison),
``second_pass.jsonl`` (``{"id", "labels", "kind", "note"}``, written blind from the text only) and, for
``--adjudicated``, ``corpora/data``. Cohen's kappa per category treats each label as present/absent;
kind agreement is accuracy and Cohen's kappa over the five kinds; exact match needs the same kind and
the same label set.

``--aug`` reads ``aug_first_pass.jsonl`` / ``aug_second_pass.jsonl`` instead (the 300-item sample of the
train-only ``aug-*`` paraphrases, ``aug_sample.py``); its columns are the source files, not the splits.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
LABELS = [
    "ledger_demand", "repeated_inspection", "vague_duty", "meeting_overload",
    "accountability_pressure", "digital_formalism", "deadline_pressure",
]
KINDS = ["demand", "prohibition", "critique", "upper_duty", "neutral"]


def read_jsonl(path: Path) -> dict[str, dict]:
    with open(path, encoding="utf-8") as f:
        return {d["id"]: d for d in (json.loads(line) for line in f if line.strip())}


def corpus() -> dict[str, dict]:
    out: dict[str, dict] = {}
    for path in sorted(DATA.glob("*.jsonl")):
        out.update(read_jsonl(path))
    return out


def kappa(a: list, b: list) -> float:
    """Cohen's kappa of two equally long rating lists (1.0 when both raters use one value only)."""
    n = len(a)
    po = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    pe = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return 1.0 if pe == 1 else (po - pe) / (1 - pe)


SOURCES = {"ac": "accountability", "dl": "deadline", "df": "digital", "mx": "mixed", "pp": "paraphrase",
           "vd": "vague"}
PAIRS = {"devtest": ("first_pass.jsonl", "second_pass.jsonl"), "aug": ("aug_first_pass.jsonl", "aug_second_pass.jsonl")}


def stratum(d: dict) -> str:
    if d["id"].startswith("aug-"):
        return SOURCES.get(d["id"].split("-")[1], "other")
    if d.get("heldout_topic"):
        return "test (held-out)"
    return d["split"] if d["split"] == "dev" else "test (in-domain)"


def compare(first: dict[str, dict], second: dict[str, dict], ids: list[str]) -> dict:
    res: dict = {"n": len(ids)}
    for lab in LABELS:
        a = [lab in first[i]["labels"] for i in ids]
        b = [lab in second[i]["labels"] for i in ids]
        res[lab] = (kappa(a, b), sum(a), sum(b))
    ka = [first[i]["kind"] for i in ids]
    kb = [second[i]["kind"] for i in ids]
    res["kind_acc"] = sum(x == y for x, y in zip(ka, kb, strict=True)) / len(ids)
    res["kind_kappa"] = kappa(ka, kb)
    res["exact"] = sum(
        first[i]["kind"] == second[i]["kind"] and set(first[i]["labels"]) == set(second[i]["labels"]) for i in ids
    ) / len(ids)
    res["demand_kappa"] = kappa([k == "demand" for k in ka], [k == "demand" for k in kb])
    return res


def table(first: dict[str, dict], second: dict[str, dict], title: str) -> str:
    ids = sorted(second)
    groups = {"all": ids}
    names = sorted({stratum(first[i]) for i in ids}) if ids and ids[0].startswith("aug-") else \
        ["dev", "test (in-domain)", "test (held-out)"]
    for name in names:
        groups[name] = [i for i in ids if stratum(first[i]) == name]
    res = {g: compare(first, second, sel) for g, sel in groups.items() if sel}
    cols = list(res)
    lines = [f"**{title}**", "", "| | " + " | ".join(f"{c} (n={res[c]['n']})" for c in cols) + " |",
             "|---|" + "---:|" * len(cols)]
    for lab in LABELS:
        lines.append(f"| κ {lab} | " + " | ".join(f"{res[c][lab][0]:.2f}" for c in cols) + " |")
    lines.append("| κ demand vs not | " + " | ".join(f"{res[c]['demand_kappa']:.2f}" for c in cols) + " |")
    lines.append("| kind accuracy | " + " | ".join(f"{100 * res[c]['kind_acc']:.1f} %" for c in cols) + " |")
    lines.append("| κ kind (5 classes) | " + " | ".join(f"{res[c]['kind_kappa']:.2f}" for c in cols) + " |")
    lines.append("| exact match (kind + labels) | " + " | ".join(f"{100 * res[c]['exact']:.1f} %" for c in cols)
                 + " |")
    counts = res["all"]
    lines += ["", "| label | first pass | second pass |", "|---|---:|---:|"]
    lines += [f"| {lab} | {counts[lab][1]} | {counts[lab][2]} |" for lab in LABELS]
    return "\n".join(lines)


def diff(first: dict[str, dict], second: dict[str, dict]) -> str:
    out = []
    for i in sorted(second):
        a, b = first[i], second[i]
        if a["kind"] != b["kind"] or set(a["labels"]) != set(b["labels"]):
            out.append(f"{i}\t{a['kind']}:{','.join(a['labels'])}\t->\t{b['kind']}:{','.join(b['labels'])}"
                       f"\t{b.get('note', '')}")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    first_name, second_name = PAIRS["aug" if "--aug" in argv else "devtest"]
    first = read_jsonl(HERE / first_name)
    second = read_jsonl(HERE / second_name)
    missing = set(second) - set(first)
    if missing:
        print(f"ids in {second_name} but not in {first_name}: {sorted(missing)[:5]}", file=sys.stderr)
        return 1
    if "--diff" in argv:
        print(diff(first, second))
        return 0
    print(table(first, second, "First pass (original labels) vs blind second pass"))
    if "--adjudicated" in argv:
        now = corpus()
        adj = {i: {**now[i], "split": first[i]["split"], "heldout_topic": first[i]["heldout_topic"]} for i in second}
        print()
        print(table(adj, second, "Corpus after adjudication vs blind second pass"))
        changed = sum(first[i]["kind"] != adj[i]["kind"] or set(first[i]["labels"]) != set(adj[i]["labels"])
                      for i in second)
        print(f"\nSampled items whose corpus labels changed in adjudication: {changed}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
