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


def interleaved_medians(
    funcs: dict[str, Callable[[], object]], repeat: int = 30, warmup: int = 3
) -> dict[str, float]:
    """Median wall time in milliseconds of each of `funcs`, measured in turns (a, b, c, a, b, c, …).

    A ratio of two figures measured this way does not drift with the machine: whatever else runs
    slows both sides of it alike, where two figures measured one after the other can catch the
    machine in different moods.
    """
    for _ in range(warmup):
        for func in funcs.values():
            func()
    samples: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(repeat):
        for name, func in funcs.items():
            start = time.perf_counter()
            func()
            samples[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(values) for name, values in samples.items()}


def get_ok(client: Client, url: str, **kwargs) -> Callable[[], object]:
    """A callable that GETs `url` and fails loudly unless the answer is 200."""

    def call():
        response = client.get(url, **kwargs)
        if response.status_code != 200:
            raise AssertionError(f"{url} answered {response.status_code}")
        return response

    return call
