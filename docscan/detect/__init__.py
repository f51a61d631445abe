"""Detection: rule packs (data) + clause polarity + actors + frequency, fused with the model.

``detect(doc, config) -> Detection``. (Placeholder until the engine lands.)
"""

from __future__ import annotations

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
    sentence: int  # index into Document.sentences
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


def detect(doc: Document, config: Config) -> Detection:
    return Detection()


def fingerprint(config: Config) -> str:
    return "norules"
