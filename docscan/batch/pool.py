"""A process pool that survives bad files: per-file deadlines, an RSS watchdog, dead workers replaced.

``concurrent.futures.ProcessPoolExecutor`` turns the whole pool into ``BrokenProcessPool`` when one worker dies,
and cannot kill the one task that hangs; so each worker here is a plain ``multiprocessing.Process`` (forkserver
context: cheap to replace, no inherited state) with its own pipe, given one file at a time. The parent waits on
all pipes and process sentinels at once, and kills a worker whose file overruns ``timeout_s`` or whose RSS passes
``memory_mb``; that file becomes an error record (``timeout`` / ``memory_limit`` / ``worker_crashed``) and a fresh
worker takes the place of the dead one.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import sys
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Any

from ..config import Config
from ..errors import DocscanError
from ..report import error_report
from .worker import HOOK_VARS, MB, worker_main

# (task_id, report dict, stats) for every finished task; stats has seconds / rss_peak_mb when known
Completion = tuple[int, dict[str, Any], dict[str, Any]]

WARMUP_TIMEOUT_S = 300.0  # imports + rule packs + model on a loaded machine
RECYCLE_FRACTION = 0.8  # a worker above this share of memory_mb after a file is replaced before the next one
MAX_START_FAILURES = 3


def mp_context() -> Any:
    method = "forkserver" if sys.platform.startswith("linux") else "spawn"
    return mp.get_context(method)


@dataclass(slots=True)
class _Worker:
    proc: Any
    conn: Any
    started: float
    ready: bool = False
    retiring: bool = False  # told to exit after the files it holds
    tasks: deque[tuple[int, str]] = field(default_factory=deque)  # sent, not yet done; the first one is running
    deadline: float = 0.0  # of the running task
    info: dict[str, Any] = field(default_factory=dict)


class WorkerPool:
    """``imap_unordered(tasks)`` scans ``(task_id, path)`` pairs pulled lazily from ``tasks``.

    Each worker holds up to ``depth`` files: the one it scans and the next, already in its pipe, so it never
    waits for the parent to wake up between files (on a busy machine that wait was as long as a small file's
    scan). The deadline of a queued file starts when the parent learns the one before it is done.
    """

    def __init__(self, config: Config, jobs: int, *, poll_s: float = 0.2, depth: int = 2) -> None:
        self.config = config
        self.jobs = max(1, jobs)
        self.depth = max(1, depth)
        self.timeout_s = float(config.timeout_s) if config.timeout_s else 0.0
        self.memory_mb = int(config.memory_mb) if config.memory_mb else 0
        self.poll_s = poll_s
        self.ctx = mp_context()
        self.hooks = {k: os.environ[k] for k in HOOK_VARS if os.environ.get(k)}
        self.workers: list[_Worker] = []
        self.pending: deque[tuple[int, str]] = deque()
        self.stopping = False
        self.replaced = 0  # workers killed or crashed and replaced
        self.worker_stats: dict[int, dict[str, Any]] = {}  # pid -> warm-up and peak RSS figures
        self._start_failures = 0

    # -- lifecycle -------------------------------------------------------------------------------------
    def _spawn(self) -> None:
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(
            target=worker_main, args=(child, self.config, self.memory_mb, self.hooks), name="docscan-worker", daemon=True
        )
        proc.start()
        child.close()
        self.workers.append(_Worker(proc=proc, conn=parent, started=time.monotonic()))

    def _discard(self, w: _Worker, *, kill: bool) -> None:
        if kill and w.proc.is_alive():
            # helpers it started (LibreOffice runs in its own session) would outlive it: kill them too
            children = _children(w.proc.pid)
            w.proc.kill()
            for c in children:
                with contextlib.suppress(Exception):
                    c.kill()
        w.proc.join(timeout=5)
        if w.proc.is_alive():
            w.proc.kill()
            w.proc.join(timeout=5)
        w.conn.close()
        self.workers.remove(w)

    def _requeue(self, w: _Worker) -> None:
        """Files queued behind a dead worker's current one go back to the front of the line."""
        if not self.stopping:
            self.pending.extendleft(reversed(w.tasks))
        w.tasks.clear()

    def stop(self) -> None:
        """Stop handing out files; files in hand still finish (Ctrl-C)."""
        self.stopping = True
        self.pending.clear()

    def close(self, *, kill: bool = False) -> None:
        for w in list(self.workers):
            if not kill and w.proc.is_alive():
                with contextlib.suppress(OSError):
                    w.conn.send(None)
            self._discard(w, kill=kill)

    # -- the loop --------------------------------------------------------------------------------------
    def imap_unordered(self, tasks: Iterator[tuple[int, str]]) -> Iterator[Completion]:
        exhausted = False
        try:
            while True:
                held = sum(len(w.tasks) for w in self.workers)
                # pull only as many tasks as there are places: the caller decides lazily (resume, Ctrl-C)
                while not exhausted and not self.stopping and len(self.pending) + held < self.depth * self.jobs:
                    nxt = next(tasks, None)
                    if nxt is None:
                        exhausted = True
                    else:
                        self.pending.append(nxt)
                open_ = [w for w in self.workers if not w.retiring]
                idle = sum(1 for w in open_ if not w.tasks)
                for _ in range(min(self.jobs - len(open_), len(self.pending) - idle)):
                    self._spawn()
                for level in range(self.depth):  # first one file to every worker, then the second
                    for w in self.workers:
                        if self.pending and w.ready and not w.retiring and len(w.tasks) == level:
                            self._assign(w, self.pending.popleft())
                if not self.pending and not any(w.tasks for w in self.workers) and (exhausted or self.stopping):
                    return
                yield from self._step()
        finally:
            self.close(kill=True)

    def _assign(self, w: _Worker, task: tuple[int, str]) -> None:
        if not w.tasks:
            w.deadline = time.monotonic() + self.timeout_s if self.timeout_s else float("inf")
        w.tasks.append(task)
        w.conn.send(task)

    def _step(self) -> Iterator[Completion]:
        now = time.monotonic()
        deadlines = [w.deadline for w in self.workers if w.tasks]
        deadlines += [w.started + WARMUP_TIMEOUT_S for w in self.workers if not w.ready]
        timeout = self.poll_s
        if deadlines:
            timeout = max(0.0, min(timeout, min(deadlines) - now))
        handles: dict[Any, _Worker] = {}
        for w in self.workers:
            handles[w.conn] = w
            handles[w.proc.sentinel] = w
        ready = wait(list(handles), timeout=timeout) if handles else []
        if not handles:
            time.sleep(timeout)
        seen: set[int] = set()
        for h in ready:
            w = handles[h]
            if id(w) in seen or w not in self.workers:
                continue
            seen.add(id(w))
            yield from self._service(w)
        yield from self._watchdog()

    def _service(self, w: _Worker) -> Iterator[Completion]:
        """Read what a worker sent, or bury it if it died."""
        while w in self.workers and w.conn.poll():
            try:
                msg = w.conn.recv()
            except (EOFError, OSError):
                break
            kind = msg[0]
            if kind == "ready":
                w.ready = True
                w.info = dict(msg[2])
                self.worker_stats[msg[1]] = dict(w.info)
                self._start_failures = 0
            elif kind == "fatal":
                self.close(kill=True)
                err = msg[2]
                raise DocscanError(err.get("code", "internal"), err.get("detail", "worker start-up failed"))
            elif kind == "done":
                _, task_id, report, stats = msg
                if not w.tasks or w.tasks[0][0] != task_id:
                    continue  # cannot happen: one pipe, files done in the order sent
                w.tasks.popleft()
                if w.tasks:  # the next file has started
                    w.deadline = time.monotonic() + self.timeout_s if self.timeout_s else float("inf")
                ws = self.worker_stats.setdefault(w.proc.pid, {})
                ws["rss_peak_mb"] = max(ws.get("rss_peak_mb", 0.0), float(stats.get("rss_peak_mb") or 0))
                ws["files"] = ws.get("files", 0) + 1
                yield task_id, report, stats
                if (report.get("error") or {}).get("code") == "memory_limit":
                    w.retiring = True  # the worker exits by itself after a MemoryError
                elif not w.retiring and self.memory_mb and _rss_mb(w.proc.pid) > RECYCLE_FRACTION * self.memory_mb:
                    # grown too big: finish what it holds, then exit; a fresh worker takes new files
                    w.retiring = True
                    with contextlib.suppress(OSError):
                        w.conn.send(None)
        if w in self.workers and not w.proc.is_alive():
            yield from self._buried(w)

    def _buried(self, w: _Worker) -> Iterator[Completion]:
        code = w.proc.exitcode
        if w.retiring:  # exited as told (or after a MemoryError): what it still held goes to others
            self._requeue(w)
            self._discard(w, kill=True)
            return
        task = w.tasks.popleft() if w.tasks else None
        self._requeue(w)
        self._discard(w, kill=True)
        if task is None:
            if not w.ready:
                self._start_failures += 1
                if self._start_failures >= MAX_START_FAILURES:
                    raise DocscanError("worker_crashed", f"workers die while starting (exit code {code})")
            else:
                self.replaced += 1
            return
        self.replaced += 1
        how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        # SIGKILL we did not send: almost always the kernel's out-of-memory killer
        err = "memory_limit" if code == -9 else "worker_crashed"
        yield task[0], self._error(task[1], err, f"{task[1]} ({how})"), {}

    def _kill_running(self, w: _Worker, code: str, detail: str, stats: dict[str, Any]) -> Completion:
        task = w.tasks.popleft()
        self._requeue(w)
        self._discard(w, kill=True)
        self.replaced += 1
        return task[0], self._error(task[1], code, f"{task[1]} {detail}"), stats

    def _watchdog(self) -> Iterator[Completion]:
        now = time.monotonic()
        for w in list(self.workers):
            if w.tasks and now >= w.deadline:
                yield self._kill_running(w, "timeout", f"(> {self.timeout_s:g} s)", {})
            elif w.tasks and self.memory_mb:
                rss = _rss_mb(w.proc.pid)
                if rss > self.memory_mb:
                    yield self._kill_running(w, "memory_limit", f"({rss:.0f} MB > {self.memory_mb} MB)",
                                             {"rss_peak_mb": rss})
            elif not w.ready and now >= w.started + WARMUP_TIMEOUT_S:
                self._discard(w, kill=True)
                raise DocscanError("worker_crashed", f"worker start-up took longer than {WARMUP_TIMEOUT_S:g} s")

    def _error(self, path: str, code: str, detail: str) -> dict[str, Any]:
        return error_report(path, DocscanError(code, detail), self.config.lang).to_dict()


def _children(pid: int) -> list[Any]:
    import psutil

    try:
        return psutil.Process(pid).children(recursive=True)
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return []


def _rss_mb(pid: int) -> float:
    import psutil

    try:
        return psutil.Process(pid).memory_info().rss / MB
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return 0.0
