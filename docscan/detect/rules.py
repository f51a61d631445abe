"""Rule packs as data: load, validate, merge, disable.

Built-in packs are ``docscan/data/rules/<category>.yaml`` (files starting with ``_`` hold shared settings: the
severity model). Users add or override packs with ``Config.rules_files`` (``--rules FILE``; a rule with the same
id replaces the built-in one) and switch rules off with ``Config.disable`` (rule ids, id prefixes such as
``ledger.`` or ``ledger``, or category ids). Every problem is a ``DocscanError("bad_rules")`` naming the file, the
rule id and the field.

A rule (see any pack for real ones)::

    - id: ledger.periodic_submission          # dotted, unique
      category: ledger_demand                  # contract id
      subkind: data_reporting                  # domain sub-kind
      confidence: 0.9                          # prior, multiplied by the polarity certainty
      action_type: report                      # report|ledger|trace|meeting|inspection_received|...
      triggers: {lexicons: [report_verbs], terms: [填报], regex: ['报(?=镇|县)']}
                                               # or cells: [content, evidence] — a score table's column
                                               # (data/score_tables.yaml, detect/scoretable.py)
      context:                                 # all optional
        polarity: [demand]                     # default [demand]
        actor: [grassroots, unknown]           # obligated party level; default [grassroots, unknown]
        needs: [[frequency, deadline, "lex:report_objects", "term:台账"]]   # AND of OR-groups
        scope: clause                          # where `needs` look: clause (default) | sentence
        target: [grassroots]                   # some mention of that level in the sentence
        max_deadline_days: 3
      exceptions: {overlap: [人民日报], clause: [报经], sentence: [批准], sentence_regex: ['发现[^。]{0,20}及时上报']}
      severity: {base: medium, bumps: [{terms: [一户一档], add: 1, flag: household_multiplier}]}
      message: {zh: …, en: …}
      suggestion: {zh: …, en: …}
      provision: b1.14                         # id in data/provisions.yaml (or null)
      examples: {should_flag: [{text: …, span: …}], should_not_flag: [text, …]}
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DocscanError
from ..report import CATEGORIES
from .lexicon import DATA, lexicons

RULES_DIR = DATA / "rules"
ID_RX = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
LEVELS = ("low", "medium", "high")
ACTOR_LEVELS = ("grassroots", "upper", "other", "unknown", "upper_with_target", "upper_on_grassroots")
POLARITIES = ("demand", "prohibition", "critique", "neutral")
ACTION_TYPES = ("report", "ledger", "trace", "meeting", "inspection_received", "app_activity", "certificate",
                "campaign", "staffing", "pressure", "deadline", "duty", "training")
TRIGGER_KEYS = {"lexicons", "terms", "regex", "cells"}
CONTEXT_KEYS = {"polarity", "actor", "needs", "scope", "target", "max_deadline_days", "not_target"}
RULE_KEYS = {"id", "category", "subkind", "confidence", "action_type", "triggers", "context", "exceptions",
             "severity", "message", "suggestion", "provision", "examples", "description", "yield_to"}


@dataclass(slots=True)
class Rule:
    id: str
    category: str
    subkind: str
    confidence: float
    action_type: str | None
    lexicons: tuple[str, ...]
    terms: tuple[str, ...]
    regex: tuple[str, ...]
    polarity: tuple[str, ...]
    actor: tuple[str, ...]
    needs: tuple[tuple[str, ...], ...]
    scope: str
    target: tuple[str, ...]
    not_target: tuple[str, ...]
    max_deadline_days: float | None
    exc_overlap: tuple[str, ...]
    exc_clause: tuple[str, ...]
    exc_sentence: tuple[str, ...]
    severity_base: str
    bumps: tuple[dict[str, Any], ...]
    message: dict[str, str]
    suggestion: dict[str, str]
    provision: str | None
    examples: dict[str, list[Any]]
    source: str  # file it came from
    yield_categories: tuple[str, ...] = ()  # drop this finding when one of these fires in the same sentence…
    yield_terms: tuple[str, ...] = ()  # …and the flagged words contain one of these (会议记录 → meeting_overload)
    order: int = 0  # position in load order (ties: first rule wins)
    cells: tuple[str, ...] = ()  # score-table columns whose cells trigger the rule (detect/scoretable.py)
    # exceptions.clause_regex / sentence_regex: the clause (sentence) is an exception when one of these matches
    # it (发现…及时上报: an event-triggered report, not a periodic one) — for exceptions a word list cannot say
    exc_clause_rx: tuple[re.Pattern[str], ...] = field(default=(), repr=False)
    exc_sentence_rx: tuple[re.Pattern[str], ...] = field(default=(), repr=False)
    compiled: tuple[re.Pattern[str], ...] = field(default=(), repr=False)


@dataclass(slots=True)
class RuleSet:
    rules: list[Rule]
    severity: dict[str, Any]
    provisions: dict[str, dict[str, Any]]
    digest: str


def _err(src: str, rid: str | None, fieldname: str, problem: str) -> DocscanError:
    where = f"{src}: rule {rid}" if rid else src
    return DocscanError("bad_rules", f"{where}: field '{fieldname}': {problem}")


def _load_yaml(path: Path) -> Any:
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise DocscanError("bad_rules", f"{path}: file not found") from e
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise DocscanError("bad_rules", f"{path}: {str(e).splitlines()[0] if str(e) else type(e).__name__}") from e


def _strs(v: Any, src: str, rid: str, name: str) -> tuple[str, ...]:
    if v is None:
        return ()
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not all(isinstance(x, str | int | float) and str(x) for x in v):
        raise _err(src, rid, name, "expected a list of non-empty strings")
    return tuple(str(x) for x in v)


def _bilingual(v: Any, src: str, rid: str, name: str) -> dict[str, str]:
    if isinstance(v, str):
        return {"zh": v, "en": v}
    if not isinstance(v, dict) or not isinstance(v.get("zh"), str) or not v.get("zh"):
        raise _err(src, rid, name, "expected {zh: …, en: …}")
    return {"zh": v["zh"], "en": str(v.get("en") or v["zh"])}


def parse_rule(raw: Any, src: str, provisions: dict[str, Any], order: int) -> Rule:
    if not isinstance(raw, dict):
        raise _err(src, None, "rules", f"rule #{order} is not a mapping")
    rid = raw.get("id")
    if not isinstance(rid, str) or not ID_RX.match(rid):
        raise _err(src, str(rid), "id", "must be dotted lower-case, e.g. ledger.periodic_submission")
    unknown = set(raw) - RULE_KEYS
    if unknown:
        raise _err(src, rid, sorted(unknown)[0], "unknown field")
    cat = raw.get("category")
    if cat not in CATEGORIES:
        raise _err(src, rid, "category", f"{cat!r} is not one of {', '.join(CATEGORIES)}")
    subkind = raw.get("subkind") or cat
    conf = raw.get("confidence", 0.85)
    if not isinstance(conf, int | float) or not 0 < float(conf) <= 1:
        raise _err(src, rid, "confidence", "must be a number in (0, 1]")
    action = raw.get("action_type")
    if action is not None and action not in ACTION_TYPES:
        raise _err(src, rid, "action_type", f"{action!r} is not one of {', '.join(ACTION_TYPES)}")
    trig = raw.get("triggers")
    if not isinstance(trig, dict):
        raise _err(src, rid, "triggers", "expected {lexicons, terms, regex}")
    lex = _strs(trig.get("lexicons"), src, rid, "triggers.lexicons")
    known = lexicons()
    for name in lex:
        if name not in known:
            raise _err(src, rid, "triggers.lexicons", f"unknown lexicon {name!r}")
    terms = _strs(trig.get("terms"), src, rid, "triggers.terms")
    rx = _strs(trig.get("regex"), src, rid, "triggers.regex")
    compiled = _compile_all(rx, src, rid, "triggers.regex")
    cells = _strs(trig.get("cells"), src, rid, "triggers.cells")
    from .scoretable import ROLES

    for name in cells:
        if name not in ROLES:
            raise _err(src, rid, "triggers.cells", f"unknown score-table column {name!r} (have {', '.join(ROLES)})")
    if set(trig) - TRIGGER_KEYS:
        raise _err(src, rid, "triggers", f"unknown key(s) {sorted(set(trig) - TRIGGER_KEYS)}")
    if not (lex or terms or rx or cells):
        raise _err(src, rid, "triggers", "needs at least one of lexicons, terms, regex, cells")
    ctx = raw.get("context") or {}
    if not isinstance(ctx, dict):
        raise _err(src, rid, "context", "expected a mapping")
    bad = set(ctx) - CONTEXT_KEYS
    if bad:
        raise _err(src, rid, "context." + sorted(bad)[0], "unknown condition")
    pol = _strs(ctx.get("polarity", ["demand"]), src, rid, "context.polarity")
    if any(p not in POLARITIES for p in pol):
        raise _err(src, rid, "context.polarity", f"values must be in {POLARITIES}")
    actor = _strs(ctx.get("actor", ["grassroots", "unknown"]), src, rid, "context.actor")
    target = _strs(ctx.get("target"), src, rid, "context.target")
    not_target = _strs(ctx.get("not_target"), src, rid, "context.not_target")
    for name, vals in (("actor", actor), ("target", target), ("not_target", not_target)):
        if any(a not in ACTOR_LEVELS for a in vals):
            raise _err(src, rid, "context." + name, f"values must be in {ACTOR_LEVELS}")
    needs_raw = ctx.get("needs") or []
    if not isinstance(needs_raw, list):
        raise _err(src, rid, "context.needs", "expected a list of lists")
    needs = []
    for group in needs_raw:
        g = _strs(group if isinstance(group, list) else [group], src, rid, "context.needs")
        for alt in g:
            if alt in ("frequency", "deadline"):
                continue
            kind, _, val = alt.partition(":")
            if kind not in ("lex", "term") or not val:
                raise _err(src, rid, "context.needs", f"{alt!r}: use frequency, deadline, lex:NAME or term:TEXT")
            if kind == "lex" and val not in known:
                raise _err(src, rid, "context.needs", f"unknown lexicon {val!r}")
        needs.append(g)
    scope = ctx.get("scope", "clause")
    if scope not in ("clause", "sentence"):
        raise _err(src, rid, "context.scope", "clause or sentence")
    mdd = ctx.get("max_deadline_days")
    if mdd is not None and not isinstance(mdd, int | float):
        raise _err(src, rid, "context.max_deadline_days", "must be a number")
    exc = raw.get("exceptions") or {}
    if not isinstance(exc, dict) or set(exc) - {"overlap", "clause", "sentence", "clause_regex", "sentence_regex"}:
        raise _err(src, rid, "exceptions", "expected {overlap, clause, sentence} term lists, {clause,sentence}_regex")
    sev = raw.get("severity") or {}
    if not isinstance(sev, dict) or sev.get("base", "medium") not in LEVELS:
        raise _err(src, rid, "severity.base", f"must be one of {LEVELS}")
    bumps = sev.get("bumps") or []
    if not isinstance(bumps, list) or not all(isinstance(b, dict) and b.get("terms") for b in bumps):
        raise _err(src, rid, "severity.bumps", "expected a list of {terms: [...], add: N, flag: name}")
    for b in bumps:
        _strs(b.get("terms"), src, rid, "severity.bumps.terms")
        if not isinstance(b.get("add", 1), int):
            raise _err(src, rid, "severity.bumps.add", "must be an integer")
    if "message" not in raw:
        raise _err(src, rid, "message", "missing")
    message = _bilingual(raw["message"], src, rid, "message")
    suggestion = _bilingual(raw.get("suggestion") or {"zh": "", "en": ""}, src, rid, "suggestion") \
        if raw.get("suggestion") else {"zh": "", "en": ""}
    prov = raw.get("provision")
    if prov is not None and prov not in provisions:
        raise _err(src, rid, "provision", f"unknown provision id {prov!r} (see data/provisions.yaml)")
    ex = raw.get("examples") or {}
    if not isinstance(ex, dict) or set(ex) - {"should_flag", "should_not_flag"}:
        raise _err(src, rid, "examples", "expected {should_flag: [...], should_not_flag: [...]}")
    flag_ex = []
    for item in ex.get("should_flag") or []:
        if isinstance(item, str):
            item = {"text": item}
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise _err(src, rid, "examples.should_flag", "items are text or {text, span}")
        if item.get("span") and item["span"] not in item["text"]:
            raise _err(src, rid, "examples.should_flag", f"span {item['span']!r} is not in its text")
        flag_ex.append(item)
    noflag_ex = [str(t) for t in (ex.get("should_not_flag") or [])]
    yt = raw.get("yield_to") or {}
    if not isinstance(yt, dict) or set(yt) - {"categories", "terms"}:
        raise _err(src, rid, "yield_to", "expected {categories: [...], terms: [...]}")
    ycats = _strs(yt.get("categories"), src, rid, "yield_to.categories")
    if any(c not in CATEGORIES for c in ycats):
        raise _err(src, rid, "yield_to.categories", "unknown category")
    return Rule(
        id=rid, category=cat, subkind=str(subkind), confidence=float(conf), action_type=action,
        lexicons=lex, terms=terms, regex=rx, polarity=pol, actor=actor, needs=tuple(needs), scope=scope,
        target=target, not_target=not_target, max_deadline_days=float(mdd) if mdd is not None else None,
        exc_overlap=_strs(exc.get("overlap"), src, rid, "exceptions.overlap"),
        exc_clause=_strs(exc.get("clause"), src, rid, "exceptions.clause"),
        exc_sentence=_strs(exc.get("sentence"), src, rid, "exceptions.sentence"),
        exc_clause_rx=_exc_regexes(exc, "clause_regex", src, rid),
        exc_sentence_rx=_exc_regexes(exc, "sentence_regex", src, rid),
        severity_base=sev.get("base", "medium"), bumps=tuple(bumps), message=message, suggestion=suggestion,
        provision=prov, examples={"should_flag": flag_ex, "should_not_flag": noflag_ex}, source=src, order=order,
        compiled=tuple(compiled), cells=cells, yield_categories=ycats, yield_terms=_strs(yt.get("terms"), src, rid, "yield_to.terms"),
    )


def _compile_all(patterns: tuple[str, ...], src: str, rid: str, fieldname: str) -> list[re.Pattern[str]]:
    out = []
    for r in patterns:
        if "\\b" in r:
            raise _err(src, rid, fieldname, "\\b does not work between CJK characters; use lookarounds")
        try:
            out.append(re.compile(r))
        except re.error as e:
            raise _err(src, rid, fieldname, f"{r!r}: {e}") from e
    return out


def _exc_regexes(exc: dict[str, Any], key: str, src: str, rid: str) -> tuple[re.Pattern[str], ...]:
    name = f"exceptions.{key}"
    return tuple(_compile_all(_strs(exc.get(key), src, rid, name), src, rid, name))


def _pack_rules(data: Any, src: str) -> list[Any]:
    if data is None:
        return []
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and isinstance(data.get("rules"), list):
        return data["rules"]
    raise _err(src, None, "rules", "a pack is a list of rules or a mapping with a 'rules' list")


@functools.cache
def provisions() -> dict[str, dict[str, Any]]:
    data = _load_yaml(DATA / "provisions.yaml") or {}
    items = data.get("provisions", data) if isinstance(data, dict) else None
    if not isinstance(items, dict):
        raise _err("provisions.yaml", None, "provisions", "expected a mapping id -> provision")
    for pid, p in items.items():
        if not isinstance(p, dict) or not p.get("doc") or p.get("confidence") not in ("H", "M", "M-H", "L"):
            raise _err("provisions.yaml", None, str(pid), "needs doc, part, paraphrase, confidence H/M/L, source")
    return items


def is_disabled(rule: Rule, disable: tuple[str, ...]) -> bool:
    for d in disable:
        d = d.strip()
        if not d:
            continue
        if d == rule.id or d == rule.category or rule.id.startswith(d if d.endswith(".") else d + "."):
            return True
    return False


@functools.lru_cache(maxsize=16)
def load_rules(rules_files: tuple[str, ...] = (), disable: tuple[str, ...] = ()) -> RuleSet:
    """Built-in packs, then user packs (same id → override), minus disabled rules. Cached per arguments."""
    provs = provisions()
    by_id: dict[str, Rule] = {}
    h = hashlib.sha256()
    order = 0
    builtin = sorted(p for p in RULES_DIR.glob("*.yaml") if not p.name.startswith("_"))
    seen_builtin: dict[str, str] = {}
    for path in builtin + [Path(f) for f in rules_files]:
        is_user = path not in builtin
        src = str(path) if is_user else path.name
        if is_user and not path.is_file():
            raise DocscanError("bad_rules", f"{path}: file not found")
        text = path.read_bytes()
        h.update(path.name.encode())
        h.update(text)
        for raw in _pack_rules(_load_yaml(path), src):
            rule = parse_rule(raw, src, provs, order)
            order += 1
            if not is_user:
                if rule.id in seen_builtin:
                    raise _err(src, rule.id, "id", f"duplicate id (also in {seen_builtin[rule.id]})")
                seen_builtin[rule.id] = src
            if rule.id in by_id:
                rule.order = by_id[rule.id].order  # an override keeps the place of the rule it replaces
            by_id[rule.id] = rule
    sev_path = RULES_DIR / "_severity.yaml"
    severity = _load_yaml(sev_path) or {}
    h.update(sev_path.read_bytes())
    rules = sorted((r for r in by_id.values() if not is_disabled(r, disable)), key=lambda r: r.order)
    h.update(repr(sorted(disable)).encode())
    return RuleSet(rules=rules, severity=severity, provisions=provs, digest=h.hexdigest())
