"""`make bench`: figures measured as ratios against baselines taken in the same run.

Each app adds a module with `figures(context)`, a generator yielding `(name, value)`; the command
builds a fresh database (Django's test database beside the one in DATABASE_URL), runs them and prints
one `name: value` line per figure.
"""

import statistics
import time
from collections.abc import Callable

from django.test import Client


def median_ms(func: Callable[[], object], repeat: int = 30, warmup: int = 3) -> float:
    """Median wall time of `func` in milliseconds, after a few warm-up calls."""
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def get_ok(client: Client, url: str, **kwargs) -> Callable[[], object]:
    """A callable that GETs `url` and fails loudly unless the answer is 200."""

    def call():
        response = client.get(url, **kwargs)
        if response.status_code != 200:
            raise AssertionError(f"{url} answered {response.status_code}")
        return response

    return call
