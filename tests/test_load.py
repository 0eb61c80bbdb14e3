"""The load test's short form, in CI on PostgreSQL: a rush against gunicorn with no errors.

The long form (60 s, numbers in docs/PERFORMANCE.md) is `make load`.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ACTIONS = [
    "assign",
    "board_poll",
    "checkin_post",
    "checkin_search",
    "export_csv",
    "payout_confirm",
    "payroll_day",
    "readiness",
]


def figure(output: str, name: str) -> str:
    match = re.search(rf"^{name}: (.+)$", output, re.MULTILINE)
    assert match, f"{name} missing from:\n{output}"
    return match.group(1)


def test_a_short_rush_against_gunicorn_has_no_errors_and_nothing_happens_twice(on_postgres):
    done = subprocess.run(
        [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "load_test",
            "--duration",
            "8",
            "--participants",
            "40",
            # 5 rounds alone (35 requests) give each action its baseline; `make load` plays 20.
            "--alone-rounds",
            "5",
        ],
        # As `make load` runs it: a development server's settings (DEBUG=1), not the test settings.
        env={key: value for key, value in os.environ.items() if key != "DAGSVERKET_TESTING"} | {"DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    for action in ACTIONS:
        assert re.search(rf"^{action}\s+\d+\s+0\s", output, re.MULTILINE), f"{action} not played:\n{output}"
    assert int(figure(output, "load_requests")) >= 20
    assert figure(output, "load_errors") == "0"
    assert int(figure(output, "load_checked_in")) > 0
    assert int(figure(output, "load_assigned")) > 0
    assert int(figure(output, "load_paid").split()[0]) > 0
    for twice in ("visits", "payouts", "assignments"):
        assert figure(output, f"load_double_{twice}") == "0"
    assert figure(output, "load_tasks_over_capacity") == "0"
