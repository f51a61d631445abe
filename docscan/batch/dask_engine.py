"""Scan on a Dask cluster: the same per-document function (``scan_safe`` → dict) on ``dask.distributed`` workers.

Without a scheduler address a ``LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True)`` is started
for the run. Files are read by the workers from the paths they are given (absolute paths, so the cluster must see
the same file system). Results come back through the client (``as_completed``) to the parent, which alone
writes the SQLite store. At most ``2 × workers`` files are in flight, so Ctrl-C stops promptly and resume
decisions stay lazy.

Limits: Dask cannot kill one running task, so ``timeout_s`` is not enforced per file here; a local cluster's
workers get ``memory_limit = memory_mb`` (the nanny restarts a worker that passes it) and a file whose worker
died is recorded as ``worker_crashed``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..config import Config
from ..errors import DocscanError
from ..report import error_report
from .pool import Completion
from .worker import scan_task, warm_up


class DaskEngine:
    def __init__(self, config: Config, jobs: int, scheduler: str | None = None) -> None:
        self.config = config
        self.jobs = max(1, jobs)
        self.scheduler = scheduler
        self.stopping = False
        self.client: Any = None
        self.cluster: Any = None
        self.worker_stats: dict[int, dict[str, Any]] = {}
        self.replaced = 0

    def _connect(self) -> None:
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError as e:
            raise DocscanError("internal", "--engine dask needs dask[distributed]: pip install 'docscan[batch]'") from e
        if self.scheduler:
            try:
                self.client = Client(self.scheduler, timeout="30s")
            except (OSError, TimeoutError) as e:
                raise DocscanError("internal", f"cannot reach the Dask scheduler {self.scheduler}: {e}") from e
        else:
            # a file that kills its worker should fail once, not be retried on every worker
            with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
                self.cluster = LocalCluster(
                    n_workers=self.jobs,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    memory_limit=f"{self.config.memory_mb}MB" if self.config.memory_mb else None,
                )
            self.client = Client(self.cluster)
        self.client.run(warm_up, self.config)

    def stop(self) -> None:
        self.stopping = True

    def close(self, *, kill: bool = False) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None

    def imap_unordered(self, tasks: Iterator[tuple[int, str]]) -> Iterator[Completion]:
        from distributed import as_completed

        first = next(tasks, None)
        if first is None:
            return
        try:
            self._connect()
            window = 2 * max(self.jobs, sum(self.client.nthreads().values()) if self.scheduler else self.jobs)
            ids: dict[str, tuple[int, str]] = {}
            ac = as_completed()

            def submit(task: tuple[int, str]) -> None:
                fut = self.client.submit(scan_task, task[1], self.config, pure=False)
                ids[fut.key] = task
                ac.add(fut)

            exhausted = False

            def refill() -> None:
                """Keep ``window`` tasks in flight (bounded memory on huge inputs) until the input runs out."""
                nonlocal exhausted
                while not exhausted and not self.stopping and ac.count() < window:
                    nxt = next(tasks, None)
                    if nxt is None:
                        exhausted = True
                    else:
                        submit(nxt)

            submit(first)
            refill()
            for fut in ac:
                task_id, path = ids.pop(fut.key)
                if fut.status == "finished":
                    report, stats = fut.result()
                    ws = self.worker_stats.setdefault(stats.get("pid", 0), {"files": 0, "rss_peak_mb": 0.0})
                    ws["files"] += 1
                    ws["rss_peak_mb"] = max(ws["rss_peak_mb"], float(stats.get("rss_peak_mb") or 0))
                else:
                    exc = fut.exception()
                    self.replaced += 1
                    err = DocscanError("worker_crashed", f"{path} ({type(exc).__name__}: {exc})")
                    report, stats = error_report(path, err, self.config.lang).to_dict(), {}
                fut.release()
                yield task_id, report, stats
                refill()
        finally:
            self.close()
