"""The SQLite results store of batch scans (WAL mode; only the parent process writes).

One row per document *content* and pipeline version: ``UNIQUE(sha256, pipeline_version)``, written in one
transaction with its findings and error, so a batch killed at any moment leaves every stored document complete
and a rerun skips it. Rescanning a document with a newer pipeline replaces its older rows, so the database
always holds the latest analysis once. The same file content found at several paths is one document; every path
is kept in ``document_paths``.

Tables: ``documents`` (one row each, with the report JSON), ``findings`` (one row per finding), ``errors``
(unreadable documents), ``document_paths``; view ``reports(path, sha256, status, report)`` (the contract).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import DocscanError

SCHEMA_VERSION = "1"
# error codes that depend on the machine rather than the file: rescanned on the next run
TRANSIENT_CODES = frozenset({"timeout", "memory_limit", "worker_crashed"})

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    sha256 TEXT,
    format TEXT,
    pages INTEGER,
    chars INTEGER,
    size INTEGER,
    status TEXT NOT NULL,
    score REAL,
    n_findings INTEGER,
    max_severity TEXT,
    title TEXT,
    doc_number TEXT,
    issuer TEXT,
    date TEXT,
    year INTEGER,
    genre TEXT,
    carrier TEXT,
    reports_per_year REAL,
    inspections_per_year REAL,
    pipeline_version TEXT NOT NULL,
    scanned_at TEXT NOT NULL,
    seconds REAL,
    report TEXT NOT NULL,
    UNIQUE (sha256, pipeline_version)
);
CREATE INDEX IF NOT EXISTS documents_path ON documents (path);
CREATE TABLE IF NOT EXISTS findings (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    severity TEXT,
    confidence REAL,
    "start" INTEGER,
    "end" INTEGER,
    page INTEGER,
    rule TEXT,
    text TEXT,
    sentence TEXT
);
CREATE INDEX IF NOT EXISTS findings_document ON findings (document_id);
CREATE INDEX IF NOT EXISTS findings_category ON findings (category);
CREATE TABLE IF NOT EXISTS errors (
    document_id INTEGER PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    message TEXT
);
CREATE TABLE IF NOT EXISTS document_paths (
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    UNIQUE (document_id, path)
);
CREATE VIEW IF NOT EXISTS reports AS
    SELECT path, sha256, status, report, pipeline_version, scanned_at FROM documents;
"""


def connect(path: str | Path, *, create: bool = False) -> sqlite3.Connection:
    """Open a docscan database (``create``: make it if missing); a wrong file raises ``bad_db``/``not_found``."""
    p = Path(path)
    if not create and not p.is_file():
        raise DocscanError("not_found", str(p))
    try:
        con = sqlite3.connect(str(p), timeout=30, isolation_level=None)  # explicit transactions below
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA foreign_keys = ON")
        if create:
            con.execute("PRAGMA journal_mode = WAL")
            # WAL + NORMAL survives a killed process (not a power cut) and keeps commits cheap
            con.execute("PRAGMA synchronous = NORMAL")
            con.executescript(SCHEMA)
            con.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
        else:
            con.execute("SELECT id, report FROM documents LIMIT 1").fetchall()
    except sqlite3.DatabaseError as e:
        raise DocscanError("bad_db", f"{p}: {e}") from e
    return con


def _year(date: Any) -> int | None:
    if isinstance(date, str) and len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    return None


class Store:
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.con = connect(path, create=True)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- resume -----------------------------------------------------------------------------------------
    def known(self, pipeline_version: str) -> dict[str, int]:
        """sha256 → document id of documents already stored for this pipeline version, minus transient errors."""
        rows = self.con.execute(
            "SELECT d.id, d.sha256, e.code FROM documents d LEFT JOIN errors e ON e.document_id = d.id "
            "WHERE d.pipeline_version = ? AND d.sha256 IS NOT NULL",
            (pipeline_version,),
        )
        return {r["sha256"]: r["id"] for r in rows if r["code"] not in TRANSIENT_CODES}

    def load(self, document_id: int) -> dict[str, Any]:
        row = self.con.execute("SELECT report FROM documents WHERE id = ?", (document_id,)).fetchone()
        return json.loads(row["report"])

    # -- writing ----------------------------------------------------------------------------------------
    def put(self, report: dict[str, Any], *, sha256: str | None, pipeline_version: str, path: str,
            seconds: float | None = None) -> int:
        """Store one report with its findings or error in one transaction; returns the document id."""
        src = report.get("source") or {}
        meta = report.get("metadata") or {}
        summary = report.get("summary") or {}
        burden = summary.get("burden") or {}
        findings = report.get("findings") or []
        severities = [f.get("severity") for f in findings]
        max_sev = max(severities, key=("low", "medium", "high").index, default=None) if all(
            s in ("low", "medium", "high") for s in severities) else None
        sha = sha256 or src.get("sha256") or None
        row = (
            path, sha, src.get("format"), src.get("pages"), src.get("chars"), src.get("size"),
            report.get("status", "error"), summary.get("score"), len(findings), max_sev,
            meta.get("title"), meta.get("doc_number"), meta.get("issuer"), meta.get("date"), _year(meta.get("date")),
            meta.get("genre"), meta.get("carrier"),
            _num(burden.get("reports_per_year")), _num(burden.get("inspections_per_year")),
            pipeline_version, datetime.now(UTC).isoformat(timespec="seconds"), seconds,
            json.dumps(report, ensure_ascii=False),
        )
        con = self.con
        con.execute("BEGIN IMMEDIATE")
        try:
            if sha is not None:
                # this content, any pipeline version: the new analysis replaces the old
                con.execute("DELETE FROM documents WHERE sha256 = ?", (sha,))
            else:
                con.execute("DELETE FROM documents WHERE sha256 IS NULL AND path = ?", (path,))
            cur = con.execute(
                "INSERT INTO documents (path, sha256, format, pages, chars, size, status, score, n_findings, "
                "max_severity, title, doc_number, issuer, date, year, genre, carrier, reports_per_year, "
                "inspections_per_year, pipeline_version, scanned_at, seconds, report) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            doc_id = int(cur.lastrowid)
            con.executemany(
                'INSERT INTO findings (document_id, category, severity, confidence, "start", "end", page, rule, '
                "text, sentence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (doc_id, f.get("category"), f.get("severity"), f.get("confidence"), f.get("start"),
                     f.get("end"), f.get("page"), f.get("rule"), f.get("text"), f.get("sentence"))
                    for f in findings
                ],
            )
            err = report.get("error")
            if err:
                con.execute("INSERT INTO errors VALUES (?, ?, ?)", (doc_id, err.get("code"), err.get("message")))
            con.execute("INSERT OR IGNORE INTO document_paths VALUES (?, ?)", (doc_id, path))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return doc_id

    def add_path(self, document_id: int, path: str) -> None:
        self.con.execute("INSERT OR IGNORE INTO document_paths VALUES (?, ?)", (document_id, path))

    def count(self) -> int:
        return int(self.con.execute("SELECT count(*) FROM documents").fetchone()[0])


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def iter_rows(con: sqlite3.Connection, sql: str, params: tuple = (), batch: int = 5000) -> Iterator[sqlite3.Row]:
    cur = con.execute(sql, params)
    while rows := cur.fetchmany(batch):
        yield from rows
