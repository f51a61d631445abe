"""Build the labelled corpus ``corpora/data/*.jsonl`` from our own sources.

Sources (all written by the docscan team):
- ``corpora/src/hand/*.txt``: hand-written sentences, one per line (format below);
- ``corpora/src/templates.txt`` + ``corpora/src/slots.yaml``: a seeded template generator;
- ``corpora/src/topics.yaml``: topic names, id prefixes, held-out topics;
- ``corpora/src/span_lexicon.yaml``: trigger words used to place ``spans`` on positives.

Hand file format::

    #topic 防汛            (once per file)
    @通知 county           (register and level for the following lines)
    D LT 各村要……           (kind code, label codes, text)
    P 不得要求……            (negatives carry no label codes)

Kinds: D demand, P prohibition, C critique, U upper_duty, N neutral.
Labels: L ledger_demand, I repeated_inspection, V vague_duty, M meeting_overload,
A accountability_pressure, G digital_formalism, T deadline_pressure.
A span may be marked by hand as ``⟦L:words⟧`` when the lexicon cannot find it.

Train-only sources ``corpora/src/train_only/*.txt`` use the same format plus one ``#prefix aug-xx`` header
before the first item (several ``#topic`` switches are allowed). Their ids are ``aug-xx-NNNN`` numbered within
the file, they always land in ``split: "train"`` (never dev/test, never a held-out topic), and they are added
after template generation so that they cannot change any template fill. A train-only file with a ``#split calib``
header lands in ``split: "calib"`` instead: the rule-blind calibration set (see corpora/README.md, "Splits").

Everything is deterministic: run ``python corpora/build.py`` and the same files come out.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent
SRC = ROOT / "src"
OUT = ROOT / "data"

LABELS = {
    "L": "ledger_demand",
    "I": "repeated_inspection",
    "V": "vague_duty",
    "M": "meeting_overload",
    "A": "accountability_pressure",
    "G": "digital_formalism",
    "T": "deadline_pressure",
}
KINDS = {"D": "demand", "P": "prohibition", "C": "critique", "U": "upper_duty", "N": "neutral"}
REGISTERS = {"通知", "实施方案", "考核细则", "讲话", "通报", "调研报告", "评论", "新闻", "会议纪要", "工作要点"}
LEVELS = {"county", "city", "province", "township", "village", "central"}
MANUAL = re.compile(r"⟦([LIVMAGT]):([^⟧]+)⟧")
SEED = 20250601


@dataclass
class Item:
    id: str
    text: str
    labels: list[str]
    kind: str
    topic: str
    register: str
    level: str
    script: str = "simplified"
    noise: bool = False
    spans: list[dict] = field(default_factory=list)
    split: str = "train"
    heldout_topic: bool = False
    base_id: str = ""

    def to_json(self) -> str:
        d = {
            "id": self.id,
            "text": self.text,
            "labels": self.labels,
            "kind": self.kind,
            "topic": self.topic,
            "register": self.register,
            "level": self.level,
            "script": self.script,
            "noise": self.noise,
            "spans": self.spans,
            "split": self.split,
            "heldout_topic": self.heldout_topic,
        }
        return json.dumps(d, ensure_ascii=False)


class BuildError(Exception):
    pass


def _h(s: str) -> int:
    return int(hashlib.sha1(s.encode("utf-8")).hexdigest()[:8], 16)


def strip_digits(text: str) -> str:
    """Dedupe key: no two items may be equal after removing digits (and whitespace)."""
    return re.sub(r"[\d\s]", "", text)


# ---------------------------------------------------------------- parsing


def parse_line(line: str, where: str) -> tuple[str, list[str], str]:
    kind_code, _, rest = line.partition(" ")
    if kind_code not in KINDS:
        raise BuildError(f"{where}: unknown kind {kind_code!r}")
    labels: list[str] = []
    if kind_code == "D":
        codes, _, rest = rest.partition(" ")
        for c in codes:
            if c not in LABELS:
                raise BuildError(f"{where}: unknown label code {c!r}")
            if LABELS[c] not in labels:
                labels.append(LABELS[c])
        if not labels:
            raise BuildError(f"{where}: a demand needs labels")
    text = rest.strip()
    if len(text) < 6:
        raise BuildError(f"{where}: text too short")
    return KINDS[kind_code], labels, text


def _item_lines(path: Path, topics: dict, train_only: bool = False):
    """Yield ``(where, header, line)`` for each item line of a source file; ``header`` holds the current
    ``prefix`` (train-only files), ``topic``, ``register`` and ``level`` set by ``#prefix``, ``#topic``, ``@…`` lines."""
    header: dict[str, str | None] = {"prefix": None, "topic": None, "register": None, "level": None,
                                     "split": "train"}
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        where = f"{path.name}:{lineno}"
        if not line or line.startswith("//"):
            continue
        if train_only and line.startswith("#prefix"):
            prefix = line.split(maxsplit=1)[1].strip()
            if not TRAIN_ONLY_PREFIX.fullmatch(prefix):
                raise BuildError(f"{where}: train-only prefix {prefix!r} must match {TRAIN_ONLY_PREFIX.pattern}")
            header["prefix"] = prefix
            continue
        if train_only and line.startswith("#split"):
            split = line.split(maxsplit=1)[1].strip()
            if split not in ("train", "calib"):
                raise BuildError(f"{where}: a train-only file's split is train or calib, not {split!r}")
            header["split"] = split
            continue
        if line.startswith("#topic"):
            topic = line.split(maxsplit=1)[1].strip()
            if topic not in topics:
                raise BuildError(f"{where}: topic {topic!r} not in topics.yaml")
            if train_only and topics[topic].get("heldout"):
                raise BuildError(f"{where}: held-out topic {topic!r} cannot have train-only items")
            header["topic"] = topic
            continue
        if line.startswith("@"):
            register, level = line[1:].split()
            if register not in REGISTERS or level not in LEVELS:
                raise BuildError(f"{where}: bad register/level {line!r}")
            header["register"], header["level"] = register, level
            continue
        if (train_only and header["prefix"] is None) or header["topic"] is None or header["register"] is None:
            first = "#prefix, #topic" if train_only else "#topic"
            raise BuildError(f"{where}: {first} and @register level must come first")
        yield where, header, line


def parse_hand(path: Path, topics: dict, counters: dict[str, int]) -> list[Item]:
    """Ids number items per topic across files (files are read in name order; extra files for a
    topic are named ``zz_*.txt`` so that adding them never renumbers earlier items)."""
    items: list[Item] = []
    for where, h, line in _item_lines(path, topics):
        kind, labels, text = parse_line(line, where)
        topic = h["topic"]
        counters[topic] = n = counters.get(topic, 0) + 1
        iid = f"{topics[topic]['prefix']}-{n:04d}"
        items.append(Item(iid, text, labels, kind, topic, h["register"], h["level"], base_id=iid))
    return items


TRAIN_ONLY_PREFIX = re.compile(r"aug-[a-fh-mo-z][a-z]*")  # no "-g"/"-n": those mark template fills and noise


def parse_train_only(path: Path, topics: dict) -> list[Item]:
    """A train-only file: ``#prefix aug-xx`` first, then hand-file lines; ids count within the file."""
    items: list[Item] = []
    for where, h, line in _item_lines(path, topics, train_only=True):
        kind, labels, text = parse_line(line, where)
        iid = f"{h['prefix']}-{len(items) + 1:04d}"
        items.append(Item(iid, text, labels, kind, h["topic"], h["register"], h["level"], base_id=iid,
                          split=h["split"] or "train"))
    return items


# ---------------------------------------------------------------- templates


SLOT = re.compile(r"\{(\w+)\}")


def fill(template: str, topic: str, slots: dict, rng: random.Random) -> str:
    topic_slots = slots["topics"].get(topic, {})

    def pick(m: re.Match) -> str:
        name = m.group(1)
        values = topic_slots.get(name) or slots["common"].get(name)
        if not values:
            raise BuildError(f"template slot {name!r} has no values for {topic}")
        return str(rng.choice(values))

    # two passes: slot values may themselves contain slots ({n} inside a deadline)
    out = SLOT.sub(pick, template)
    return SLOT.sub(pick, out)


def parse_templates(
    path: Path,
) -> list[tuple[str, list[str], str, str, str, list[str] | None, int | None]]:
    """Template lines: ``@register level`` then ``D LT [fx,aq] text with {slots}``; an optional ``×N`` token
    fixes the number of fills (otherwise it follows the kind, ``PER_TEMPLATE``)."""
    out = []
    register = level = None
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        where = f"{path.name}:{lineno}"
        if not line or line.startswith("//"):
            continue
        if line.startswith("@"):
            register, level = line[1:].split()
            if register not in REGISTERS or level not in LEVELS:
                raise BuildError(f"{where}: bad register/level {line!r}")
            continue
        only = None
        m = re.search(r"\s\[([a-z,]+)\]\s", line)
        if m:
            only = m.group(1).split(",")
            line = line[: m.start()] + " " + line[m.end() :]
        fills = None
        m = re.search(r"\s×(\d+)\s", line)
        if m:
            fills = int(m.group(1))
            line = line[: m.start()] + " " + line[m.end() :]
        kind, labels, text = parse_line(line, where)
        out.append((kind, labels, text, register, level, only, fills))
    return out


def generate(topics: dict, hand_keys: set[str], per_template: dict[str, int]) -> list[Item]:
    slots = yaml.safe_load((SRC / "slots.yaml").read_text(encoding="utf-8"))
    templates = parse_templates(SRC / "templates.txt")
    rng = random.Random(SEED)
    by_prefix = {v["prefix"]: k for k, v in topics.items()}
    seen = set(hand_keys)
    items: list[Item] = []
    for ti, (kind, labels, tmpl, register, level, only, fills) in enumerate(templates):
        candidates = [by_prefix[p] for p in only] if only else sorted(topics)
        rng.shuffle(candidates)
        made = 0
        want = fills if fills is not None else per_template[kind]
        for topic in candidates:
            if made >= want:
                break
            for _attempt in range(3):
                text = fill(tmpl, topic, slots, rng)
                key = strip_digits(text)
                if key not in seen:
                    break
            else:
                continue
            seen.add(key)
            made += 1
            prefix = topics[topic]["prefix"]
            iid = f"{prefix}-g{hashlib.sha1(f'{ti}|{text}'.encode()).hexdigest()[:6]}"
            # all fills of one template share a split group, so a template never straddles train/test
            group = "tmpl-" + hashlib.sha1(tmpl.encode()).hexdigest()[:10]
            items.append(Item(iid, text, list(labels), kind, topic, register, level, base_id=group))
    return items


# ---------------------------------------------------------------- spans


def load_lexicon() -> dict[str, re.Pattern]:
    data = yaml.safe_load((SRC / "span_lexicon.yaml").read_text(encoding="utf-8"))
    out = {}
    for label, entry in data.items():
        words = sorted(entry.get("words", []), key=len, reverse=True)
        parts = [re.escape(w) for w in words] + list(entry.get("regex", []))
        out[label] = re.compile("|".join(parts))
    return out


def find_spans(text: str, labels: list[str], lex: dict[str, re.Pattern]) -> list[dict]:
    spans = []
    for label in labels:
        for m in lex[label].finditer(text):
            if m.end() > m.start():
                spans.append({"start": m.start(), "end": m.end(), "label": label})
    spans.sort(key=lambda s: (s["start"], s["end"], s["label"]))
    return spans


def apply_manual(text: str) -> tuple[str, list[dict]]:
    """Remove ``⟦L:words⟧`` markup, returning the clean text and the marked spans."""
    spans = []
    out = []
    pos = 0
    last = 0
    for m in MANUAL.finditer(text):
        out.append(text[last : m.start()])
        pos += m.start() - last
        words = m.group(2)
        spans.append({"start": pos, "end": pos + len(words), "label": LABELS[m.group(1)]})
        out.append(words)
        pos += len(words)
        last = m.end()
    out.append(text[last:])
    return "".join(out), spans


# ---------------------------------------------------------------- variants


_CJK = re.compile(r"[\u3400-\u9fff]")
_FW = str.maketrans("0123456789", "０１２３４５６７８９")


def make_noise(item: Item, rng: random.Random) -> Item:
    """An extraction-noise copy: spaces between CJK chars, a mid-word line break, a page footer,
    fullwidth digits. Offsets are tracked so spans stay correct."""
    text = item.text
    n = len(text)
    inserts: dict[int, str] = {}  # insert before original index i
    ops = rng.sample(["spaces", "break", "footer"], k=rng.choice([1, 1, 2]))
    if "spaces" in ops:
        a = rng.randrange(0, max(1, n - 12))
        for i in range(a + 1, min(n, a + rng.randint(6, 14))):
            if _CJK.match(text[i - 1]) and _CJK.match(text[i]):
                inserts[i] = inserts.get(i, "") + " "
    if "break" in ops:
        cands = [i for i in range(1, n) if _CJK.match(text[i - 1]) and _CJK.match(text[i])]
        if cands:
            i = rng.choice(cands)
            inserts[i] = inserts.get(i, "") + "\n"
    if "footer" in ops:
        i = rng.randrange(n // 3, max(n // 3 + 1, 2 * n // 3))
        inserts[i] = inserts.get(i, "") + f"\n— {rng.randint(2, 19)} —\n"
    if not inserts:  # guarantee a non-digit change so the dedupe key differs
        inserts[n // 2] = " "
    new: list[str] = []
    pos_map = []
    for i, ch in enumerate(text):
        new.append(inserts.get(i, ""))
        pos_map.append(sum(len(s) for s in new))
        new.append(ch)
    new_text = "".join(new)
    if rng.random() < 0.5:
        new_text = new_text.translate(_FW)
    spans = []
    for s in item.spans:
        start = pos_map[s["start"]]
        end = pos_map[s["end"] - 1] + 1
        spans.append({"start": start, "end": end, "label": s["label"]})
    return Item(
        item.id + "-n", new_text, list(item.labels), item.kind, item.topic, item.register, item.level,
        script=item.script, noise=True, spans=spans, split=item.split,
        heldout_topic=item.heldout_topic, base_id=item.base_id,
    )


def to_traditional(item: Item, conv) -> None:
    new = conv.convert(item.text)
    if len(new) != len(item.text):
        item.spans = []
    item.text = new
    item.script = "traditional"


# ---------------------------------------------------------------- main


def split_of(base_id: str) -> str:
    b = _h(base_id) % 100
    return "train" if b < 60 else "dev" if b < 80 else "test"


# fills per template by kind: positives slightly more, to keep the ~55/45 positive/negative mix
PER_TEMPLATE = {"demand": 8, "prohibition": 6, "critique": 6, "upper_duty": 7, "neutral": 7}


def build(per_template: dict[str, int] | None = None) -> list[Item]:
    per_template = per_template or PER_TEMPLATE
    import opencc

    topics = yaml.safe_load((SRC / "topics.yaml").read_text(encoding="utf-8"))
    lex = load_lexicon()
    items: list[Item] = []
    counters: dict[str, int] = {}
    for path in sorted((SRC / "hand").glob("*.txt")):
        items.extend(parse_hand(path, topics, counters))
    train_only: list[Item] = []
    prefixes: dict[str, str] = {}
    for path in sorted((SRC / "train_only").glob("*.txt")):
        part = parse_train_only(path, topics)
        if part:
            p = part[0].id.rsplit("-", 1)[0]
            if p in prefixes:
                raise BuildError(f"{path.name}: prefix {p!r} already used by {prefixes[p]}")
            prefixes[p] = path.name
        train_only.extend(part)
    for it in items + train_only:
        it.text, manual = apply_manual(it.text)
        it.spans = manual
    keys: dict[str, str] = {}
    for it in items + train_only:
        k = strip_digits(it.text)
        if k in keys:
            raise BuildError(f"duplicate (after removing digits): {keys[k]} and {it.id}: {it.text}")
        keys[k] = it.id
    if (SRC / "templates.txt").exists():
        # template fills avoid hand-written texts only: train-only items must not shift any fill
        aug_keys = {strip_digits(it.text) for it in train_only}
        generated = generate(topics, set(keys) - aug_keys, per_template)
        for it in generated:
            k = strip_digits(it.text)
            if k in aug_keys:
                raise BuildError(f"train-only item {keys[k]} equals a template fill (after removing digits)")
        items.extend(generated)
    items.extend(train_only)
    for it in items:
        if it.labels:
            have = {(s["start"], s["end"], s["label"]) for s in it.spans}
            for s in find_spans(it.text, it.labels, lex):
                if (s["start"], s["end"], s["label"]) not in have:
                    it.spans.append(s)
            it.spans.sort(key=lambda s: (s["start"], s["end"], s["label"]))
        else:
            it.spans = []
    conv = opencc.OpenCC("s2t")
    rng = random.Random(SEED + 1)
    out: list[Item] = []
    for it in items:
        it.heldout_topic = bool(topics[it.topic].get("heldout"))
        if it.id.startswith("aug-"):
            it.split = "calib" if it.split == "calib" else "train"  # train-only source: never dev/test
        else:
            it.split = "test" if it.heldout_topic else split_of(it.base_id)
        h = _h(it.id + "|script")
        if h % 10 == 0:
            to_traditional(it, conv)
        out.append(it)
        if _h(it.id + "|noise") % 20 == 0:
            out.append(make_noise(it, rng))
    return out


def write(items: list[Item]) -> dict[str, int]:
    topics = yaml.safe_load((SRC / "topics.yaml").read_text(encoding="utf-8"))
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.jsonl"):
        old.unlink()
    counts: dict[str, int] = {}
    by_file: dict[str, list[Item]] = {}
    for it in items:
        by_file.setdefault(topics[it.topic]["file"], []).append(it)
    for name, group in sorted(by_file.items()):
        with open(OUT / f"{name}.jsonl", "w", encoding="utf-8", newline="\n") as f:
            for it in group:
                f.write(it.to_json() + "\n")
        counts[name] = len(group)
    return counts


def main() -> int:
    try:
        items = build()
    except BuildError as e:
        print(f"build error: {e}", file=sys.stderr)
        return 1
    counts = write(items)
    print(f"wrote {sum(counts.values())} items in {len(counts)} files to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
