"""准入 check (domain §B.5): tasks a document assigns to grassroots units that are not on the 职责清单/事务清单.

``config.duty_list`` (``--duty-list FILE``) is YAML — ``{name, items: [{task, keywords: [...]}, ...]}``, or a plain
list of task strings — or CSV with a ``task``/``事项`` column (optional ``keywords`` column, split on ；;、).
``docscan/data/duty_list_sample.yaml`` is a sample we wrote.

Matching: each grassroots duty row (``analysis.duties.rows``, level grassroots) is compared with every list item
by (a) keywords: an item keyword (≥ 2 characters) found in the clause is a match (similarity 1.0), else (b) the
Dice coefficient of character bigrams between the clause (actor, modal and function words removed) and the
item's task text. A clause is *listed* when its best similarity reaches ``THRESHOLD`` (0.3: a paraphrase of a
listed task shares about a third of its bigrams; unrelated tasks on our sample stay under ~0.2).
"""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path
from typing import Any

from ..errors import DocscanError
from .facts import Facts

THRESHOLD = 0.3
_STRIP = re.compile(r"各?(?:乡镇|街道|村|社区|网格员?|居委会|村委会)(?:（[^）]*）)?|要|须|必须|应当|应|确保|认真|切实|做好|"
                    r"开展|落实|负责|及时|按时|按要求|将|并|于|前|后|的|和|及|与|等|工作|[0-9]+|[，,。；;：:、|\s（）()]")


@functools.lru_cache(maxsize=8)
def load_list(path: str) -> tuple[str, tuple[dict[str, Any], ...]]:
    p = Path(path)
    if not p.is_file():
        raise DocscanError("bad_duty_list", f"{path}: not found")
    try:
        raw = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise DocscanError("bad_duty_list", f"{path}: {e}") from e
    items: list[dict[str, Any]] = []
    name = p.stem
    if p.suffix.lower() == ".csv":
        rows = list(csv.DictReader(raw.splitlines()))
        if not rows:
            raise DocscanError("bad_duty_list", f"{path}: empty CSV")
        col = next((c for c in rows[0] if c and c.strip().lower() in ("task", "事项", "名称", "item", "职责")), None)
        if col is None:
            raise DocscanError("bad_duty_list", f"{path}: needs a task/事项 column")
        kcol = next((c for c in rows[0] if c and c.strip().lower() in ("keywords", "关键词")), None)
        for r in rows:
            task = (r.get(col) or "").strip()
            if task:
                kws = re.split(r"[；;、,，\s]+", r.get(kcol) or "") if kcol else []
                items.append({"task": task, "keywords": [k for k in kws if len(k) >= 2]})
    else:
        import yaml

        try:
            data = yaml.safe_load(raw)
        except yaml.YAMLError as e:
            raise DocscanError("bad_duty_list", f"{path}: {e}") from e
        if isinstance(data, dict):
            name = str(data.get("name") or name)
            data = data.get("items")
        if not isinstance(data, list):
            raise DocscanError("bad_duty_list", f"{path}: expected a list of items")
        for i, it in enumerate(data):
            if isinstance(it, str):
                items.append({"task": it, "keywords": []})
            elif isinstance(it, dict) and isinstance(it.get("task"), str):
                kws = [str(k) for k in it.get("keywords") or [] if len(str(k)) >= 2]
                items.append({"task": it["task"], "keywords": kws, "id": it.get("id")})
            else:
                raise DocscanError("bad_duty_list", f"{path}: item {i + 1} has no task")
    if not items:
        raise DocscanError("bad_duty_list", f"{path}: no items")
    return name, tuple(items)


def _bigrams(s: str) -> set[str]:
    s = _STRIP.sub("", s)
    return {s[i:i + 2] for i in range(len(s) - 1)}


def similarity(text: str, item: dict[str, Any]) -> float:
    if any(k in text for k in item.get("keywords", [])):
        return 1.0
    a, b = _bigrams(text), _bigrams(item["task"])
    if not a or not b:
        return 0.0
    return round(2 * len(a & b) / (len(a) + len(b)), 3)


def check(f: Facts, rows: list[dict[str, Any]], path: str) -> dict[str, Any]:
    name, items = load_list(path)
    unlisted: list[dict[str, Any]] = []
    checked = 0
    for r in rows:
        if r["level"] != "grassroots" or not (r["concrete"] or r["push_down"]):
            continue
        checked += 1
        best, score = max(((it, similarity(r["text"], it)) for it in items), key=lambda t: t[1])
        if score < THRESHOLD:
            unlisted.append({"text": r["text"], "start": r["start"], "end": r["end"], "actor": r["actor"],
                             "closest_list_item": best["task"], "similarity": score})
    return {"list": name, "items": len(items), "checked": checked, "threshold": THRESHOLD, "unlisted": unlisted}
