"""Detection: rule packs (data) + clause polarity + actors + frequency, fused with the model.

``detect(doc, config) -> Detection``: findings (contract ``Finding`` s) and a :class:`ClauseInfo` for every
clause with a trigger hit or an actor with a demand — what quantify/ (burden per year, duty matrix) works from.
``fingerprint(config)``: short hash of the loaded rule packs, lexicons and model id (stale-report check).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from ..config import Config
from ..document import Document
from ..report import Finding


@dataclass(slots=True)
class ClauseInfo:
    """What one clause imposes on whom: the unit quantify/ and the duty matrix work from."""

    start: int
    end: int
    sentence: int  # index of the (windowed) sentence the engine evaluated
    polarity: str  # demand | prohibition | critique | neutral
    actor: str | None = None  # obligated party as written (各村, 县财政局, 企业)
    actor_level: str | None = None  # upper | grassroots | other | None
    requester: str | None = None
    verb: str | None = None
    obj: str | None = None
    concrete: bool | None = None  # duty has quantity/deadline/money/staff/deliverable
    vague: bool = False  # soft upper-level verb (加强指导, 给予支持)
    frequency: dict[str, Any] | None = None
    deadline: dict[str, Any] | None = None
    categories: list[str] = field(default_factory=list)
    action_types: list[str] = field(default_factory=list)  # report|ledger|trace|meeting|inspection_received|...
    flags: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Detection:
    findings: list[Finding] = field(default_factory=list)
    clauses: list[ClauseInfo] = field(default_factory=list)
    # how the rules read the whole document: "commentary" (no model-only findings there), "critique", "demand"
    doc_prior: str | None = None
    # which findings the document can carry at all: "all" | "grassroots_sentences" | "none" (engine._scope)
    scope: str = "all"
    # parse_frequency/parse_deadline over doc.text, as the engine found them (quantify/facts.py reuses them
    # instead of parsing the whole text again); None when detection did not run the engine
    frequencies: list[dict[str, Any]] | None = None
    deadlines: list[dict[str, Any]] | None = None
    # actor mentions the engine found per evaluated clause window, from the automaton's actor terms alone:
    # {window start: (window text, mentions)}; quantify/facts.py reuses them for a clause with the same span
    mentions: dict[int, tuple[str, list[Any]]] | None = None


def _engine(config: Config):
    from .engine import get_engine

    return get_engine(tuple(config.rules_files), tuple(config.disable))


def detect(doc: Document, config: Config) -> Detection:
    findings, clauses, reading = _engine(config).run(doc, config)
    detection = Detection(findings=findings, clauses=clauses, doc_prior=reading["prior"], scope=reading["scope"],
                          frequencies=reading.get("frequencies"), deadlines=reading.get("deadlines"),
                          mentions=reading.get("mentions"))
    if any(f.category == "vague_duty" for f in findings):
        # the duty matrix (quantify/duties.py) confirms or weakens a push-down: is the upper level vague here, or
        # does the document make its duty concrete elsewhere (an attachment's responsibility table)?
        from ..quantify.duties import apply_vague_duty_evidence

        apply_vague_duty_evidence(doc, detection)
    _fuse_model(doc, detection, config)
    return detection


def _fuse_model(doc: Document, detection: Detection, config: Config) -> None:
    """Hook for the learned model (``docscan.learn.fuse.fuse(doc, detection, config)``): a no-op when the model
    is switched off or the module is absent. Imported lazily so the default path never loads scikit-learn."""
    if not config.use_model or (config.model or "").lower() == "none":
        return
    try:
        from ..learn import fuse as fuse_mod  # type: ignore[attr-defined]
    except ImportError:
        return
    fn = getattr(fuse_mod, "fuse", None)
    if callable(fn):
        fn(doc, detection, config)


def fingerprint(config: Config) -> str:
    """Short hash of the loaded rule packs (after overrides/disable), the lexicons and the model id."""
    from .lexicon import data_digest
    from .rules import load_rules

    rs = load_rules(tuple(config.rules_files), tuple(config.disable))
    from ..learn.model import model_fingerprint

    # the model's own content hash, so a retrained model in the same directory marks stored reports stale
    model = model_fingerprint(config)
    h = hashlib.sha256(f"{rs.digest}|{data_digest()}|{model}".encode())
    return h.hexdigest()[:12]
