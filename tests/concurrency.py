"""Run callables at the same moment in threads, each on its own database connection."""

import threading
from collections.abc import Callable

from django.db import connection


def run_at_once(workers: list[Callable[[], object]]) -> None:
    """Start every worker behind one barrier, close each thread's connection, wait for all."""
    barrier = threading.Barrier(len(workers))

    def run(work):
        try:
            barrier.wait()
            work()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
