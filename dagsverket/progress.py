"""A small terminal progress bar for long work (seeding, exports, benchmarks)."""

import sys
import time
from typing import TextIO


class Progress:
    """Prints `label [#####.....] 50 % (5/10)` on one line, at most a few times a second."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30):
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < 0.2:
            return
        self._last = now
        share = done / total if total else 1.0
        filled = int(share * self.width)
        bar = "#" * filled + "." * (self.width - filled)
        end = "\n" if done >= total else ""
        self.stream.write(f"\r{self.label} [{bar}] {share:4.0%} ({done}/{total}){end}")
        self.stream.flush()
