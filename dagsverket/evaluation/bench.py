"""Speed of the evaluation area (`make bench`): the visit-level export and the dashboard.

Builds its own data: two sites, a few thousand people and 1 000 000 visits (20 000 with --small),
inserted with COPY on PostgreSQL.
"""

import datetime
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.utils import timezone

from dagsverket.bench import get_ok, median_ms
from dagsverket.evaluation.exporters import AttendanceExporter
from dagsverket.evaluation.models import EvaluationProject
from dagsverket.models import Participant, Site, Visit
from dagsverket.progress import Progress

FIRST_DAY = datetime.date(2024, 1, 1)
DAYS = 3 * 365


def _build(total_visits: int, stream) -> tuple[list[Site], EvaluationProject]:
    rng = random.Random(7)
    sites = [Site.objects.create(name=f"Bench {name}") for name in ("Trondheim", "Drammen")]
    people_per_site = max(50, total_visits // 400)
    participants = Participant.objects.bulk_create(
        [
            Participant(
                site=site,
                name=f"Bench person {index}",
                search_name=f"bench person {index}",
                birth_year=1960 + index % 40,
                sex="fmx"[index % 3],
            )
            for site in sites
            for index in range(people_per_site)
        ],
        batch_size=5000,
    )
    by_site = {site.pk: [p.pk for p in participants if p.site_id == site.pk] for site in sites}
    per_day = max(1, total_visits // (DAYS * len(sites)))
    progress = Progress("bench visits", stream=stream)
    readiness = ["ready"] * 8 + ["light", "not_today"]
    arrived = timezone.make_aware(datetime.datetime(2024, 1, 1, 8, 15))

    def rows():
        done = 0
        for day_index in range(DAYS):
            day = FIRST_DAY + datetime.timedelta(days=day_index)
            for site in sites:
                for pid in rng.sample(by_site[site.pk], min(per_day, len(by_site[site.pk]))):
                    if done >= total_visits:
                        return
                    yield (
                        pid,
                        site.pk,
                        day,
                        arrived + datetime.timedelta(days=day_index),
                        rng.choice(readiness),
                    )
                    done += 1
                    if done % 20000 == 0:
                        progress(done, total_visits)
        progress(total_visits, total_visits)

    if connection.vendor == "postgresql":
        mine = ["participant_id", "site_id", "date", "arrived_at", "readiness"]
        # Other NOT NULL columns (added by other parts of the app) get their model defaults.
        others = {
            field.column: field.get_default()
            for field in Visit._meta.concrete_fields
            if not field.null and not field.primary_key and field.column not in mine
        }
        columns = ", ".join(mine + list(others))
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY dagsverket_visit ({columns}) FROM STDIN") as copy:
                for row in rows():
                    copy.write_row((*row, *others.values()))
            # As a table that has lived for years: visibility map and hint bits set, so autovacuum
            # does not run during the measurement and index-only scans need no heap (as the
            # check-in bench does).
            cursor.execute("VACUUM ANALYZE dagsverket_visit")
    else:
        batch = []
        for pid, site_id, day, at, ready in rows():
            batch.append(Visit(participant_id=pid, site_id=site_id, date=day, arrived_at=at, readiness=ready))
            if len(batch) == 5000:
                Visit.objects.bulk_create(batch)
                batch = []
        Visit.objects.bulk_create(batch)
    project = EvaluationProject.objects.create(
        name="Bench project",
        purpose="bench",
        approval_reference="bench",
        starts_on=FIRST_DAY,
        # The last whole block of the release grid (12 blocks of 13 ISO weeks from Monday 1 January
        # 2024), so the whole project is an allowed period: the 4 days after it are left out.
        ends_on=FIRST_DAY + datetime.timedelta(days=12 * 91 - 1),
        requires_research_consent=False,
        date_coarsening="week",
    )
    return sites, project


def _export_seconds(project: EvaluationProject) -> tuple[float, int]:
    start = time.perf_counter()
    exporter = AttendanceExporter(project=project, start=project.starts_on, end=project.ends_on).prepare()
    size = 0
    with open(os.devnull, "wb") as sink:
        for chunk in exporter.iter_csv():
            sink.write(chunk)
            size += len(chunk)
    return time.perf_counter() - start, size


def _bare_copy_seconds(project: EvaluationProject) -> float:
    """`COPY (SELECT the same columns) TO STDOUT`: same joins and filters, no formatting, no sort."""
    exporter = AttendanceExporter(project=project, start=project.starts_on, end=project.ends_on)
    exporter.consented = None
    sql, params = exporter.sql(postgres=True, bare=True)
    start = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY ({connection.ops.compose_sql(sql, params)}) TO STDOUT WITH (FORMAT csv)"
        ) as copy,
    ):
        for _data in copy:
            pass
    return time.perf_counter() - start


# Linux folds the peak of the memory a process leaves at exec into that process's ru_maxrss, and
# subprocess starts children with vfork (sharing this process's memory until exec): a child started
# from here would count this bench's own peak as its own. A launcher of about 10 MB starts the
# export instead and prints the export's ru_maxrss, read by os.wait4 (that child's own figure, not
# the largest of all children).
_LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_pid, status, usage = os.wait4(child.pid, 0)
print(usage.ru_maxrss)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def _command_peak_rss_mb(project: EvaluationProject, *, neighbours: int = 0) -> float:
    """Peak resident memory of `manage.py export_attendance` into a file, beside `neighbours`
    processes that keep a core busy each (the export's buffers must stay bounded when it gets
    less of the machine)."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url}
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(neighbours)]
    try:
        with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryFile() as errors:
            output = Path(folder) / "visits.csv"
            launched = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
                [
                    sys.executable,
                    "-c",
                    _LAUNCHER,
                    sys.executable,
                    str(Path(settings.BASE_DIR) / "manage.py"),
                    "export_attendance",
                    "--project",
                    str(project.pk),
                    "--start",
                    project.starts_on.isoformat(),
                    "--end",
                    project.ends_on.isoformat(),
                    "--format",
                    "csv",
                    "--output",
                    str(output),
                    "--no-progress",
                ],
                env=env,
                stdout=subprocess.PIPE,
                stderr=errors,
                check=False,
            )
            if launched.returncode != 0:
                errors.seek(0)
                raise RuntimeError(errors.read().decode(errors="replace"))
    finally:
        for process in busy:
            process.kill()
            process.wait()
    return int(launched.stdout.split()[-1]) / 1024  # kilobytes on Linux


def figures(context):
    # EVALUATION_BENCH_ROWS: a size in between, to try a change without the full run.
    total = int(os.environ.get("EVALUATION_BENCH_ROWS") or (20_000 if context.small else 1_000_000))
    sites, project = _build(total, sys.stderr)
    if connection.vendor == "postgresql":
        repeat = 3 if context.small else 2
        _export_seconds(project)  # warm the pseudonyms and the cache
        exports = sorted(_export_seconds(project)[0] for _ in range(repeat))
        copies = sorted(_bare_copy_seconds(project) for _ in range(repeat))
        yield "export_rows", total
        yield "export_csv_s", round(exports[0], 2)
        yield "export_bare_copy_s", round(copies[0], 2)
        yield "export_copy_ratio", round(exports[0] / copies[0], 2)
        yield "export_peak_rss_mb", round(_command_peak_rss_mb(project), 1)
        # Beside one busy process per core: the export gets a share of the machine, as on a loaded one.
        yield (
            "export_peak_rss_mb_busy",
            round(_command_peak_rss_mb(project, neighbours=os.cpu_count() or 2), 1),
        )
    manager = User.objects.create(username="bench-manager", is_superuser=False)
    manager.groups.add(Group.objects.get(name="manager"))
    client = Client()
    client.force_login(manager)
    year_end = FIRST_DAY + datetime.timedelta(days=DAYS - 1)
    year_start = year_end - datetime.timedelta(days=364)
    url = f"/evaluation/dashboard/?site={sites[0].pk}&start={year_start}&end={year_end}"
    yield (
        "dashboard_ms",
        round(median_ms(get_ok(client, url), repeat=10 if context.small else 15, warmup=2), 1),
    )
