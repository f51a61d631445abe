"""Findings and reports: what every renderer reads (contract: ``docscan.report/1``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

SCHEMA = "docscan.report/1"

CATEGORIES: dict[str, tuple[str, str]] = {
    # id: (中文, English)
    "ledger_demand": ("过度留痕 / 台账报表", "ledgers, forms and proof-of-work"),
    "repeated_inspection": ("督查检查考核过多过频", "repeated inspections and assessments"),
    "vague_duty": ("上级职责模糊 / 责任下压", "vague upper-level duty, responsibility pushed down"),
    "meeting_overload": ("文山会海", "meetings and documents overload"),
    "accountability_pressure": ("问责泛化 / 一票否决", "blanket accountability, one-vote veto"),
    "digital_formalism": ("指尖上的形式主义", "digital formalism (apps, check-ins, chat groups)"),
    "deadline_pressure": ("时限加码", "deadline pressure"),
}
CORE_CATEGORIES = ("ledger_demand", "repeated_inspection", "vague_duty")
SEVERITIES = ("low", "medium", "high")
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


@dataclass(slots=True)
class Finding:
    category: str
    severity: str
    confidence: float
    start: int
    end: int
    text: str
    sentence: str
    rule: str
    source: str = "rule"  # rule | model | rule+model
    message: str = ""
    suggestion: str = ""
    reference: str = ""
    page: int | None = None
    sentence_start: int | None = None
    sentence_end: int | None = None
    subkind: str | None = None
    rules: list[str] = field(default_factory=list)  # every rule merged into this finding
    actor: str | None = None  # who bears it: grassroots level text (各村, 乡镇…)
    requester: str | None = None  # who imposes it
    frequency: dict[str, Any] | None = None  # {"text": "每周", "per_year": 52, "unbounded": False}
    deadline: dict[str, Any] | None = None  # {"text": "3日内", "days": 3, "working_days": 2}
    polarity: str = "demand"
    flags: list[str] = field(default_factory=list)
    provision: dict[str, Any] | None = None  # {"id", "title", "part", "confidence", "source"}

    def to_dict(self) -> dict[str, Any]:
        d = {
            "category": self.category,
            "severity": self.severity,
            "confidence": round(float(self.confidence), 3),
            "start": self.start,
            "end": self.end,
            "page": self.page,
            "text": self.text,
            "sentence": self.sentence,
            "rule": self.rule,
            "source": self.source,
            "message": self.message,
            "suggestion": self.suggestion,
            "reference": self.reference,
        }
        extra = {
            "subkind": self.subkind,
            "rules": self.rules or None,
            "sentence_start": self.sentence_start,
            "sentence_end": self.sentence_end,
            "actor": self.actor,
            "requester": self.requester,
            "frequency": self.frequency,
            "deadline": self.deadline,
            "flags": self.flags or None,
            "provision": self.provision,
        }
        d.update({k: v for k, v in extra.items() if v is not None})
        return d


@dataclass(slots=True)
class Report:
    status: str  # ok | error
    source: dict[str, Any]
    metadata: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    score: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    burden: dict[str, Any] = field(
        default_factory=lambda: {"reports_per_year": None, "inspections_per_year": None}
    )
    # Richer analyses (issue 5/6): duty matrix, regulation checks, burden arithmetic, flags.
    analysis: dict[str, Any] = field(default_factory=dict)
    error: dict[str, Any] | None = None
    text: str | None = None  # the normalized text, kept for renderers (not serialised by default)
    pipeline_version: str = ""
    warnings: list[str] = field(default_factory=list)
    # The in-memory Document (offset map back to the source) for annotators; never serialised.
    document: Any = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def max_severity(self) -> str | None:
        if not self.findings:
            return None
        return max((f.severity for f in self.findings), key=SEVERITY_RANK.__getitem__)

    def to_dict(self, *, with_text: bool = False) -> dict[str, Any]:
        if self.status != "ok":
            d: dict[str, Any] = {"schema": SCHEMA, "status": self.status, "source": self.source, "error": self.error}
            return d
        d = {
            "schema": SCHEMA,
            "status": self.status,
            "source": self.source,
            "metadata": self.metadata,
            "summary": {"score": round(self.score, 1), "counts": self.counts, "burden": self.burden},
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.analysis:
            d["analysis"] = self.analysis
        if self.warnings:
            d["warnings"] = self.warnings
        if self.pipeline_version:
            d["pipeline_version"] = self.pipeline_version
        if with_text and self.text is not None:
            d["text"] = self.text
        return d

    def to_json(self, *, indent: int | None = 2, with_text: bool = False) -> str:
        return json.dumps(self.to_dict(with_text=with_text), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Report:
        """Rebuild a report from its JSON form (used by the batch store, diff and renderers of stored runs)."""
        if d.get("status") != "ok":
            return cls(status=d.get("status", "error"), source=d.get("source", {}), error=d.get("error"))
        fields = set(Finding.__dataclass_fields__)
        findings = [Finding(**{k: v for k, v in f.items() if k in fields}) for f in d.get("findings", [])]
        summary = d.get("summary", {})
        return cls(
            status="ok",
            source=d.get("source", {}),
            metadata=d.get("metadata", {}),
            findings=findings,
            score=summary.get("score", 0.0),
            counts=summary.get("counts", {}),
            burden=summary.get("burden", {}),
            analysis=d.get("analysis", {}),
            text=d.get("text"),
            pipeline_version=d.get("pipeline_version", ""),
            warnings=d.get("warnings", []),
        )


def error_report(path: str, err: Exception, lang: str = "zh") -> Report:
    """The contract's error record for a file that could not be read."""
    from .errors import DocscanError

    if isinstance(err, DocscanError):
        e = err.to_dict(lang)
    else:
        e = DocscanError("internal", f"{type(err).__name__}: {err}").to_dict(lang)
    return Report(status="error", source={"path": path}, error=e)
