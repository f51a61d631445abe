"""Run scans over many documents: resumable, isolated, parallel; reports come back in input order.

``run(inputs, config, jobs=, db=, engine=, scheduler=, progress=)`` yields one :class:`Report` per input in
input order, as soon as the next one in order is ready. Around the engine that scans files (worker processes,
a Dask cluster, or in-process for a single file) it:

* skips files already in the ``--db`` store with the same sha256 and pipeline version (sha256 is computed in the
  parent, in background threads: hashing is I/O bound), and scans identical files only once per run;
* stores each finished report in its own transaction (parent process only), so a killed batch loses at most the
  files in hand;
* on Ctrl-C stops handing out files, lets the files in hand finish and be stored, then raises
  :class:`BatchInterrupted` (a ``KeyboardInterrupt``) carrying a one-line summary; a second Ctrl-C aborts.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ..config import Config
from ..report import Report
from .progress import Progress
from .worker import scan_task


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C: files in hand were finished and stored; ``summary`` is the one line to show."""

    def __init__(self, summary: str) -> None:
        super().__init__(summary)
        self.summary = summary


class InlineEngine:
    """Scan in this process (one file, ``--debug``, or ``jobs=0``): no time or memory limits."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.stopping = False
        self.worker_stats: dict[int, dict[str, Any]] = {}
        self.replaced = 0

    def stop(self) -> None:
        self.stopping = True

    def imap_unordered(self, tasks: Iterator[tuple[int, str]]) -> Iterator[tuple[int, dict, dict]]:
        for task_id, path in tasks:
            report, stats = scan_task(path, self.config)
            ws = self.worker_stats.setdefault(os.getpid(), {"files": 0})
            ws["files"] += 1
            ws["rss_peak_mb"] = stats["rss_peak_mb"]
            yield task_id, report, stats
            if self.stopping:
                return


def _sha256(path: str) -> str | None:
    from pathlib import Path

    from ..extract import file_sha256

    try:
        return file_sha256(Path(path))
    except OSError:  # missing or unreadable: the scan records the error
        return None


class Batch:
    """One batch run; ``reports()`` drives it. Attributes give figures afterwards (bench, summary line)."""

    def __init__(self, inputs: list[str], config: Config, *, jobs: int = 1, db: str | None = None,
                 engine: str = "local", scheduler: str | None = None, progress: bool = False) -> None:
        self.inputs = list(inputs)
        self.config = config
        self.jobs = jobs
        self.db = db
        self.engine_name = engine
        self.scheduler = scheduler
        self.progress = Progress(len(self.inputs), enabled=progress)
        self.interrupted = False
        self.engine: Any = None
        self.task_cpu_s = 0.0  # CPU the workers spent on the scanned files (bench)
        self.task_wall_s = 0.0  # wall time inside the workers for them

    def _make_engine(self, n_files: int) -> Any:
        if self.engine_name == "dask":
            from .dask_engine import DaskEngine

            return DaskEngine(self.config, self.jobs, self.scheduler)
        if self.config.debug or self.jobs <= 0 or (self.jobs == 1 and n_files <= 1):
            return InlineEngine(self.config)
        from .pool import WorkerPool

        return WorkerPool(self.config, self.jobs)

    def _on_sigint(self, signum: int, frame: Any) -> None:
        if self.interrupted:
            raise KeyboardInterrupt  # second Ctrl-C: abort now; files in hand are redone by the next run
        self.interrupted = True
        if self.engine is not None:
            self.engine.stop()
        print("docscan: 正在停止，等待处理中的文件完成（再按 Ctrl-C 立即退出）/ stopping after the files in hand "
              "(Ctrl-C again to abort)", file=sys.stderr, flush=True)

    def reports(self) -> Iterator[Report]:
        store = None
        pv = ""
        if self.db:
            from ..pipeline import pipeline_version
            from .store import Store

            pv = pipeline_version(self.config)
            store = Store(self.db)
        n_files = sum(1 for p in self.inputs if p != "-")
        self.engine = self._make_engine(n_files)
        old_handler = None
        if threading.current_thread() is threading.main_thread():
            old_handler = signal.signal(signal.SIGINT, self._on_sigint)
        hasher = ThreadPoolExecutor(max_workers=2, thread_name_prefix="docscan-sha") if store else None
        try:
            yield from self._drive(store, pv, hasher)
        finally:
            if hasher is not None:
                hasher.shutdown(wait=False, cancel_futures=True)
            if old_handler is not None:
                signal.signal(signal.SIGINT, old_handler)
            self.progress.close()
            if store is not None:
                store.close()
        if self.interrupted:
            raise BatchInterrupted(self.progress.summary(self.db, interrupted=True))
        if self.progress.enabled:
            print(self.progress.summary(self.db), file=sys.stderr, flush=True)

    def _drive(self, store: Any, pv: str, hasher: ThreadPoolExecutor | None) -> Iterator[Report]:
        inputs = self.inputs
        ready: dict[int, dict[str, Any]] = {}
        shas: dict[int, str | None] = {}
        first_of: dict[str, int] = {}  # sha256 -> index of the first input with that content in this run
        waiters: dict[int, list[int]] = {}  # that index -> later inputs with the same content
        finished: dict[int, tuple[int | None, dict[str, Any]]] = {}  # first index -> (document id, report)
        known = store.known(pv) if store else {}
        hashes = iter(hasher.map(_sha256, [p for p in inputs if p != "-"])) if hasher else None

        def tasks() -> Iterator[tuple[int, str]]:
            for idx, path in enumerate(inputs):
                if self.interrupted:
                    return
                if path == "-":
                    from ..pipeline import scan_safe

                    ready[idx] = scan_safe("-", self.config, text=sys.stdin.read()).to_dict()
                    self.progress.advance(ready[idx])
                    continue
                sha = next(hashes) if hashes is not None else None
                shas[idx] = sha
                if sha is not None and sha in known:
                    report = _with_path(store.load(known[sha]), path)
                    store.add_path(known[sha], path)
                    ready[idx] = report
                    self.progress.advance(report, skipped=True)
                    continue
                if sha is not None and sha in first_of:
                    first = first_of[sha]
                    if first in finished:  # already scanned in this run
                        doc_id, report = finished[first]
                        if doc_id is not None:
                            store.add_path(doc_id, path)
                        ready[idx] = _with_path(report, path)
                        self.progress.advance(ready[idx], skipped=True)
                    else:
                        waiters.setdefault(first, []).append(idx)
                    continue
                if sha is not None:
                    first_of[sha] = idx
                yield idx, os.path.abspath(path)  # workers may run elsewhere (cwd, Dask)

        next_idx = 0
        for idx, report, stats in self.engine.imap_unordered(tasks()):
            path = inputs[idx]
            report = _with_path(report, path)
            doc_id = None
            if store is not None:
                doc_id = store.put(report, sha256=shas.get(idx), pipeline_version=pv, path=path,
                                   seconds=stats.get("seconds"))
            ready[idx] = report
            self.task_cpu_s += float(stats.get("cpu_s") or 0.0)
            self.task_wall_s += float(stats.get("seconds") or 0.0)
            if shas.get(idx) is not None:
                finished[idx] = (doc_id, report)
            self.progress.advance(report)
            for w in waiters.pop(idx, []):
                ready[w] = _with_path(report, inputs[w])
                if store is not None and doc_id is not None:
                    store.add_path(doc_id, inputs[w])
                self.progress.advance(ready[w], skipped=True)
            while next_idx in ready:
                yield Report.from_dict(ready.pop(next_idx))
                next_idx += 1
        while next_idx < len(inputs) and next_idx in ready:
            yield Report.from_dict(ready.pop(next_idx))
            next_idx += 1

    @property
    def worker_stats(self) -> dict[int, dict[str, Any]]:
        return getattr(self.engine, "worker_stats", {}) if self.engine is not None else {}


def _with_path(report: dict[str, Any], path: str) -> dict[str, Any]:
    """The report as seen from ``path`` (the user's spelling; the same content may sit at several paths)."""
    src = dict(report.get("source") or {})
    if src.get("path") == path:
        return report
    src["path"] = path
    return {**report, "source": src}


def run(inputs: list[str], config: Config, *, jobs: int = 1, db: str | None = None, engine: str = "local",
        scheduler: str | None = None, progress: bool = False) -> Iterator[Report]:
    """Yield one report per input, in input order (see the module docstring)."""
    yield from Batch(inputs, config, jobs=jobs, db=db, engine=engine, scheduler=scheduler,
                     progress=progress).reports()
