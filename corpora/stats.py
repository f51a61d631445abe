"""Corpus statistics as Markdown tables (pasted into corpora/README.md) and a validity check.

    python corpora/stats.py            # tables
    python corpora/stats.py --check    # validate every line; exit 1 on any problem
    python corpora/stats.py --readme   # rewrite the generated tables in corpora/README.md
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
LABELS = [
    "ledger_demand", "repeated_inspection", "vague_duty", "meeting_overload",
    "accountability_pressure", "digital_formalism", "deadline_pressure",
]
KINDS = ["demand", "prohibition", "critique", "upper_duty", "neutral"]
SPLITS = ["train", "dev", "test", "calib"]
REGISTERS = ["通知", "实施方案", "考核细则", "讲话", "通报", "调研报告", "评论", "新闻", "会议纪要", "工作要点"]
LEVELS = ["central", "province", "city", "county", "township", "village"]
FIELDS = ["id", "text", "labels", "kind", "topic", "register", "level", "script", "noise", "spans",
          "split", "heldout_topic"]


def load(data: Path = DATA) -> list[dict]:
    items = []
    for path in sorted(data.glob("*.jsonl")):
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                d = json.loads(line)
                d["_where"] = f"{path.name}:{n}"
                items.append(d)
    return items


def check(items: list[dict]) -> list[str]:
    errors = []
    ids: set[str] = set()
    keys: dict[str, str] = {}
    held_topics = {d["topic"] for d in items if d["heldout_topic"]}
    for d in items:
        w = d["_where"]
        if [k for k in d if k != "_where"] != FIELDS:
            errors.append(f"{w}: fields {list(d)}")
            continue
        if d["id"] in ids:
            errors.append(f"{w}: duplicate id {d['id']}")
        ids.add(d["id"])
        # noise variants differ from their source only by whitespace/footers: compare them digit-free
        key = re.sub(r"\d", "", d["text"]) if d["noise"] else re.sub(r"[\d\s]", "", d["text"])
        if key in keys:
            errors.append(f"{w}: same text as {keys[key]} after removing digits")
        keys[key] = d["id"]
        if any(lab not in LABELS for lab in d["labels"]) or len(set(d["labels"])) != len(d["labels"]):
            errors.append(f"{w}: bad labels {d['labels']}")
        if d["kind"] not in KINDS:
            errors.append(f"{w}: bad kind")
        if (d["kind"] == "demand") != bool(d["labels"]):
            errors.append(f"{w}: kind demand iff labels non-empty")
        if d["register"] not in REGISTERS or d["level"] not in LEVELS:
            errors.append(f"{w}: bad register/level")
        if d["script"] not in ("simplified", "traditional") or d["split"] not in SPLITS:
            errors.append(f"{w}: bad script/split")
        if d["heldout_topic"] != (d["topic"] in held_topics) or (d["heldout_topic"] and d["split"] != "test"):
            errors.append(f"{w}: held-out topics must be wholly test")
        if d["id"].startswith("aug-") and (d["split"] not in ("train", "calib") or d["heldout_topic"]):
            errors.append(f"{w}: train-only items (aug-) must be train or calib, and in-domain")
        if d["split"] == "calib" and not d["id"].startswith("aug-"):
            errors.append(f"{w}: only train-only sources (aug-) may be calib")
        for s in d["spans"]:
            if not (0 <= s["start"] < s["end"] <= len(d["text"])) or s["label"] not in d["labels"]:
                errors.append(f"{w}: bad span {s}")
    return errors


def table(title: str, counter: Counter, order: list[str] | None = None, total: int | None = None) -> str:
    keys = order or [k for k, _ in counter.most_common()]
    lines = [f"| {title} | n | % |", "|---|---:|---:|"]
    total = total or sum(counter.values())
    for k in keys:
        lines.append(f"| {k} | {counter[k]} | {100 * counter[k] / total:.1f} |")
    return "\n".join(lines)


def cross(title: str, rows: list[str], items: list[dict], row_of, cols: list[str], col_of) -> str:
    head = f"| {title} | " + " | ".join(cols) + " | total |"
    lines = [head, "|---|" + "---:|" * (len(cols) + 1)]
    for r in rows:
        sel = [d for d in items if r in row_of(d)]
        cnt = Counter(c for d in sel for c in col_of(d))
        lines.append(f"| {r} | " + " | ".join(str(cnt[c]) for c in cols) + f" | {len(sel)} |")
    return "\n".join(lines)


HARD_WORDS = ["台账", "报送", "填报", "照片", "督查", "检查", "排名", "考核", "属地", "兜底", "会议", "传达",
              "一票否决", "责任书", "问责", "打卡", "App", "工作群", "当天", "小时内"]


def hard_negatives(items: list[dict]) -> str:
    """How often burden trigger words occur in negatives, by kind (the hard negatives)."""
    neg_kinds = KINDS[1:]
    lines = ["| trigger word | positives | " + " | ".join(neg_kinds) + " |", "|---|" + "---:|" * (len(neg_kinds) + 1)]
    for w in HARD_WORDS:
        cnt = Counter(d["kind"] for d in items if w in d["text"])
        lines.append(f"| {w} | {cnt['demand']} | " + " | ".join(str(cnt[k]) for k in neg_kinds) + " |")
    return "\n".join(lines)


def report(items: list[dict]) -> str:
    n = len(items)
    pos = [d for d in items if d["labels"]]
    with_spans = sum(1 for d in pos if d["spans"])
    multi = sum(1 for d in pos if len(d["labels"]) > 1)
    hand = sum(1 for d in items if "-g" not in d["id"] and not d["noise"])
    aug = sum(1 for d in items if d["id"].startswith("aug-") and not d["noise"])
    gen = sum(1 for d in items if "-g" in d["id"] and not d["noise"])
    out = [
        f"Items: **{n}** (positives {len(pos)} = {100 * len(pos) / n:.1f} %, negatives {n - len(pos)}); "
        f"hand-written {hand} (of which train-only {aug}), template-generated {gen}, noise variants {sum(d['noise'] for d in items)}; "
        f"multi-label positives {multi}; positives with spans {with_spans} "
        f"({100 * with_spans / max(1, len(pos)):.1f} %); topics {len({d['topic'] for d in items})}.",
        "",
        cross("label \\ split", LABELS, items, lambda d: d["labels"], SPLITS, lambda d: [d["split"]]),
        "",
        cross("kind \\ split", KINDS, items, lambda d: [d["kind"]], SPLITS, lambda d: [d["split"]]),
        "",
        cross("topic \\ split", sorted({d["topic"] for d in items}), items, lambda d: [d["topic"]],
              [*SPLITS, "held-out"], lambda d: [d["split"]] + (["held-out"] if d["heldout_topic"] else [])),
        "",
        cross("topic \\ kind", sorted({d["topic"] for d in items}), items, lambda d: [d["topic"]],
              KINDS, lambda d: [d["kind"]]),
        "",
        table("register", Counter(d["register"] for d in items), REGISTERS),
        "",
        table("level", Counter(d["level"] for d in items), LEVELS),
        "",
        table("script / noise", Counter([d["script"] for d in items] + ["noise" for d in items if d["noise"]]),
              ["simplified", "traditional", "noise"], total=n),
        "",
        table("number of labels (positives)", Counter(str(len(d["labels"])) for d in pos)),
        "",
        hard_negatives(items),
    ]
    return "\n".join(out)


def main(argv: list[str]) -> int:
    items = load()
    if not items:
        print("no data: run python corpora/build.py", file=sys.stderr)
        return 1
    if "--check" in argv:
        errors = check(items)
        for e in errors[:50]:
            print(e)
        print(f"{len(items)} items, {len(errors)} problems")
        return 1 if errors else 0
    if "--readme" in argv:  # refresh the generated block of README.md
        readme = DATA.parent / "README.md"
        text = readme.read_text(encoding="utf-8")
        begin = text.index("-->", text.index("<!-- stats:begin")) + 3
        end = text.index("<!-- stats:end -->")
        readme.write_text(text[:begin] + "\n" + report(items) + "\n" + text[end:], encoding="utf-8")
        return 0
    print(report(items))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
