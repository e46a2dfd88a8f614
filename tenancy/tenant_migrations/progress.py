"""What a migration over many tenants shows while it runs.

On a terminal, one line redrawn in place: a bar, tenants done out of the total, the rate, the
time left and the failures so far. Elsewhere (a log, CI), a plain line every few seconds and one
per failed tenant. Both are safe to call from the threads of ``migrate --jobs``.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta


class Progress:
    def __init__(self, stream, *, bar: bool | None = None, interval: float = 5.0, width: int = 30):
        self.stream = stream
        self.bar = stream.isatty() if bar is None else bar
        self.interval, self.width = interval, width
        self.lock = threading.Lock()
        self.total = self.done = self.failed = 0
        self.started = self.last_line = 0.0

    def start(self, total: int, up_to_date: int = 0) -> None:
        with self.lock:
            self.total, self.done = total, up_to_date
            self.started = self.last_line = time.monotonic()
            if up_to_date:
                self._write(f"{up_to_date} of {total} tenants are up to date.\n")

    def advance(self, outcome) -> None:
        with self.lock:
            self.done += 1
            if outcome.error is not None:
                self.failed += 1
                self._clear()
                self._write(f"  FAILED {outcome.schema}: {type(outcome.error).__name__}: {outcome.error}\n")
            now = time.monotonic()
            if self.bar:
                self._write("\r" + self.line(now))
            elif now - self.last_line >= self.interval or self.done == self.total:
                self.last_line = now
                self._write(self.line(now) + "\n")

    def finish(self) -> None:
        with self.lock:
            if self.bar and self.total:
                self._write("\n")

    def line(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else 0
        text = f"{self.done}/{self.total} tenants  {rate:.1f}/s  ETA {timedelta(seconds=round(left))}"
        if self.failed:
            text += f"  {self.failed} failed"
        if self.bar:
            filled = self.width * self.done // max(self.total, 1)
            text = f"[{'#' * filled}{'.' * (self.width - filled)}] {text}"
        return text

    def _clear(self) -> None:
        if self.bar:
            self._write("\r\033[K")

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()
