"""Two PostgreSQL connections held open, for the lock-order tests (docs/ARCHITECTURE.md).

`hold` takes the first row another service needs in a second connection, `run_until_it_waits` runs
the service in a thread until it waits, `free` checks from a third connection (NOWAIT) that the
waiting service holds nothing the holder might want next, and `finish` lets it through.
"""

import threading
import time

from django.db import OperationalError, connection, connections


def waiting_for_a_lock() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def hold(table: str, pk: int):
    other = connections.create_connection("default")
    other.set_autocommit(False)
    with other.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE", [pk])
    return other


def free(table: str, pk: int) -> bool:
    """Whether the row could be locked right now (by the holder, say) without waiting."""
    probe = connections.create_connection("default")
    probe.set_autocommit(False)
    try:
        with probe.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE NOWAIT", [pk])
        return True
    except OperationalError:
        return False
    finally:
        probe.rollback()
        probe.close()


def run_until_it_waits(work):
    outcome = {}

    def target():
        try:
            outcome["result"] = work()
        except Exception as error:  # the test reports whatever happened
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    deadline = time.monotonic() + 10
    while waiting_for_a_lock() == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    return thread, outcome


def finish(holder, thread, outcome):
    holder.commit()
    holder.close()
    thread.join(timeout=20)
    assert "error" not in outcome, outcome.get("error")
