"""``docscan export DB --format parquet|csv|jsonl [-o OUT] [--table findings|documents|errors|reports]``.

Tables stream in batches, so an archive-sized database exports in constant memory. ``findings`` rows carry
their document's path, sha256, issuer and date (ready for a pivot table); ``documents`` leaves out the report
JSON (use ``reports`` for that: its jsonl is exactly the contract's ``docscan scan --format jsonl``).
CSV is UTF-8 with a BOM so Excel opens Chinese text correctly.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..errors import DocscanError
from .store import connect

TABLES = ("findings", "documents", "errors", "reports")
FORMATS = ("parquet", "csv", "jsonl")
BATCH = 5000

QUERIES = {
    "findings": (
        'SELECT d.path, d.sha256, d.issuer, d.date, d.genre, f.category, f.severity, f.confidence, f."start", '
        'f."end", f.page, f.rule, f.text, f.sentence FROM findings f JOIN documents d ON d.id = f.document_id '
        "ORDER BY d.path, f.\"start\", f.id"
    ),
    "documents": (
        "SELECT id, path, sha256, format, pages, chars, size, status, score, n_findings, max_severity, title, "
        "doc_number, issuer, date, year, genre, carrier, reports_per_year, inspections_per_year, "
        "pipeline_version, scanned_at, seconds FROM documents ORDER BY path"
    ),
    "errors": (
        "SELECT d.path, d.sha256, e.code, e.message FROM errors e JOIN documents d ON d.id = e.document_id "
        "ORDER BY d.path"
    ),
    "reports": "SELECT path, sha256, status, report FROM reports ORDER BY path",
}


def _batches(db: str, table: str) -> tuple[list[str], Iterator[list[tuple]]]:
    con = connect(db)
    cur = con.execute(QUERIES[table])
    columns = [c[0] for c in cur.description]

    def gen() -> Iterator[list[tuple]]:
        try:
            while rows := cur.fetchmany(BATCH):
                yield [tuple(r) for r in rows]
        finally:
            con.close()

    return columns, gen()


def default_output(db: str, table: str, fmt: str) -> str:
    return str(Path(db).with_suffix("")) + f".{table}.{fmt}"


def export(db: str, fmt: str, table: str = "findings", out: str | None = None) -> int:
    """Write ``table`` of ``db`` as ``fmt`` to ``out`` (standard output for csv/jsonl when None); returns rows."""
    if table not in TABLES:
        raise ValueError(table)
    columns, batches = _batches(db, table)
    if fmt == "parquet":
        return _parquet(columns, batches, out or default_output(db, table, fmt))
    fh: IO[str]
    to_stdout = out is None or out == "-"
    try:
        fh = sys.stdout if to_stdout else open(out, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="")  # noqa: SIM115
    except OSError as e:
        raise DocscanError("output_failed", f"{out}: {e.strerror or e}") from e
    n = 0
    try:
        if fmt == "csv":
            w = csv.writer(fh)
            w.writerow(columns)
            for rows in batches:
                w.writerows(rows)
                n += len(rows)
        else:
            for rows in batches:
                for r in rows:
                    fh.write(json.dumps(_jsonl_row(table, columns, r), ensure_ascii=False) + "\n")
                n += len(rows)
    finally:
        if not to_stdout:
            fh.close()
    return n


def _jsonl_row(table: str, columns: list[str], row: tuple) -> dict[str, Any]:
    if table == "reports":  # one contract report per line
        return json.loads(row[columns.index("report")])
    return dict(zip(columns, row, strict=True))


INT_COLUMNS = {"id", "pages", "chars", "size", "n_findings", "year", "start", "end", "page"}
FLOAT_COLUMNS = {"score", "confidence", "reports_per_year", "inspections_per_year", "seconds"}


def _parquet(columns: list[str], batches: Iterator[list[tuple]], out: str) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as e:
        raise DocscanError("internal", "parquet export needs pyarrow: pip install 'docscan[batch]'") from e

    def kind(c: str) -> Any:
        return pa.int64() if c in INT_COLUMNS else pa.float64() if c in FLOAT_COLUMNS else pa.string()

    schema = pa.schema([(c, kind(c)) for c in columns])
    n = 0
    try:
        with pq.ParquetWriter(out, schema) as writer:
            for rows in batches:
                cols = list(zip(*rows, strict=True))
                writer.write_table(pa.table([pa.array(v, type=f.type) for v, f in zip(cols, schema, strict=True)],
                                            schema=schema))
                n += len(rows)
    except OSError as e:
        raise DocscanError("output_failed", f"{out}: {e.strerror or e}") from e
    return n
