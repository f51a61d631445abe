"""Batch progress on standard error: a rich bar on a terminal, plain log lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import Any


class Progress:
    """Counts files, pages, errors; draws them when ``enabled``."""

    def __init__(self, total: int, *, enabled: bool, stream: Any = None) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.done = self.scanned = self.skipped = self.errors = self.pages = 0
        self.t0 = time.monotonic()
        self._bar: Any = None
        self._task: Any = None
        self._every = max(1, min(100, total // 20 or 1))
        if enabled and getattr(self.stream, "isatty", lambda: False)():
            self._start_bar()

    def _start_bar(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichProgress

        self._bar = RichProgress(
            TextColumn("[bold]docscan"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[pages]} 页/pages"),
            TextColumn("{task.fields[rate]}"),
            TextColumn("[red]{task.fields[errors]} 错误/errors"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(file=self.stream),
            transient=False,
        )
        self._bar.start()
        self._task = self._bar.add_task("scan", total=self.total, pages=0, rate="", errors=0)

    def advance(self, report: dict[str, Any], *, skipped: bool = False) -> None:
        self.done += 1
        if skipped:
            self.skipped += 1
        else:
            self.scanned += 1
        if report.get("status") != "ok":
            self.errors += 1
        self.pages += int((report.get("source") or {}).get("pages") or 0)
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done, pages=self.pages, errors=self.errors,
                             rate=f"{self.rate():.1f} 份/s")
        elif self.done % self._every == 0 or self.done == self.total:
            print(f"docscan: {self.done}/{self.total} files, {self.pages} pages, {self.errors} errors, "
                  f"{self.rate():.1f} files/s", file=self.stream, flush=True)

    def rate(self) -> float:
        dt = time.monotonic() - self.t0
        return self.scanned / dt if dt > 0 else 0.0

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def summary(self, db: str | None = None, *, interrupted: bool = False) -> str:
        dt = time.monotonic() - self.t0
        head = "interrupted / 已中断" if interrupted else "done / 完成"
        s = (f"docscan: {head}: {self.done}/{self.total} files ({self.scanned} scanned, {self.skipped} reused "
             f"from the store or duplicates), {self.errors} errors, {self.pages} pages, {dt:.1f} s, {self.rate():.1f} files/s")
        if db:
            s += f" → {db}"
        return s
