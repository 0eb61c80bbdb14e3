"""A morning rush against gunicorn on 127.0.0.1: tablets checking in and assigning, payroll paying out,
an evaluator exporting, all at once.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dagsverket manage.py load_test --duration 60

It builds its own database beside the one in DATABASE_URL (`<name>_load`, dropped afterwards),
migrates it and loads demo data, prepares the day (tasks with places, draft payslips), starts
gunicorn as production would run it (DEBUG off, collected static files, kept database connections
unless CONN_MAX_AGE says otherwise, behind a TLS proxy as far as Django can tell), then plays each
user in a process of its own over a keep-alive HTTP connection (threads in one process would wait
for each other's turn at the interpreter lock, and that wait would be inside every latency
recorded). The people arrive once each, in an order the tablets share; one tap in ten taps again
someone already checked in (`checkin_repeat`, counted apart from the new arrivals' `checkin_post`).
It reports the requests, errors and latency per action, and checks afterwards that nothing happened
twice.

An error is a server error, a failed connection or an answer the action never gives (a check-in
that answers 404, say); a refusal the action is designed to give (a place already taken, a payslip
already paid by the other payroll user) is counted apart as "refused".
"""

import contextlib
import http.client
import multiprocessing
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.db.models import Count, F, Q
from django.utils import timezone

DEMO_PASSWORD = "demo"  # noqa: S105 - the demo data's published password
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)
    # Requests and errors so far, shared with the process that prints the progress lines.
    progress: object = None

    def record(self, action: str, seconds: float, outcome: str, detail: str = "") -> None:
        self.latencies.setdefault(action, []).append(seconds * 1000)
        if outcome == "error":
            self.errors[action] = self.errors.get(action, 0) + 1
            if len(self.samples) < 10:
                self.samples.append(f"{action}: {detail}")
        elif outcome == "refused":
            self.refused[action] = self.refused.get(action, 0) + 1
        if self.progress is not None:
            with self.progress.get_lock():
                self.progress[0] += 1
                self.progress[1] += outcome == "error"

    def as_dict(self) -> dict:
        """What a user's process sends back (plain data: it crosses a pipe)."""
        return {
            "latencies": self.latencies,
            "errors": self.errors,
            "refused": self.refused,
            "samples": self.samples,
        }

    def add(self, other: dict) -> None:
        for action, values in other["latencies"].items():
            self.latencies.setdefault(action, []).extend(values)
        for counts, more in ((self.errors, other["errors"]), (self.refused, other["refused"])):
            for action, n in more.items():
                counts[action] = counts.get(action, 0) + n
        self.samples.extend(other["samples"][: max(10 - len(self.samples), 0)])


class Rounds:
    """Stands in for the stop event: lets one user's loop run `rounds` times, then stops it."""

    def __init__(self, rounds: int):
        self.left = rounds

    def is_set(self) -> bool:
        self.left -= 1
        return self.left < 0


# The share of a tablet's taps that tap again someone it checked in (`Command._next_tap`).
REPEATS = 0.1


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


class Browser:
    """One staff member's browser: its own cookies and one keep-alive connection."""

    def __init__(self, port: int, stats: Stats):
        self.port = port
        self.stats = stats
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, action, method, path, *, data=None, htmx=False, ok=(200,), refused=()):
        headers = {
            # gunicorn sits behind a TLS proxy in production: Django sees HTTPS, as it would there.
            "X-Forwarded-Proto": "https",
            "Host": f"127.0.0.1:{self.port}",
            "Referer": f"https://127.0.0.1:{self.port}{path}",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if htmx:
            headers["HX-Request"] = "true"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.stats.record(action, time.perf_counter() - started, "error", repr(error))
            return None, b""
        elapsed = time.perf_counter() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        status = response.status
        if status in ok:
            self.stats.record(action, elapsed, "ok")
        elif status in refused:
            self.stats.record(action, elapsed, "refused")
        else:
            self.stats.record(action, elapsed, "error", f"{method} {path} answered {status}")
        return status, content

    def login(self, username: str) -> None:
        self.request("login", "GET", "/login/")
        status, _ = self.request(
            "login", "POST", "/login/", data={"username": username, "password": DEMO_PASSWORD}, ok=(302,)
        )
        if status != 302:
            raise CommandError(f"{username} could not log in ({status})")


class Command(BaseCommand):
    help = "Play a morning rush against gunicorn and report requests, errors and p95 latency."

    def add_arguments(self, parser):
        parser.add_argument("--duration", type=float, default=60, help="seconds of load (default 60)")
        parser.add_argument("--tablets", type=int, default=3)
        parser.add_argument("--payroll", type=int, default=2)
        parser.add_argument("--evaluators", type=int, default=1)
        parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
        parser.add_argument("--think", type=float, default=0.3, help="mean pause between a user's taps, s")
        parser.add_argument(
            "--participants",
            type=int,
            default=200,
            help="demo participants at the site: each arrives once, so enough for the rush (default 200)",
        )
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--alone-rounds",
            type=int,
            default=20,
            help="rounds of one tablet and then one payroll user alone, before the rush (the baseline)",
        )

    def handle(self, *args, **options):
        base = connections["default"].settings_dict
        if connections["default"].vendor != "postgresql":
            raise CommandError("The load test runs on PostgreSQL: set DATABASE_URL.")
        name = f"{base['NAME']}_load"
        url = f"postgres://{base['USER']}@{base['HOST'] or '127.0.0.1'}:{base['PORT'] or 5432}/{name}"
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DAGSVERKET_TESTING": "",
            "LOG_LEVEL": "ERROR",  # a refused form is logged as a warning: not news here
        }
        # Kept connections, as docs/DEPLOYMENT.md runs production: without them every request opened
        # a connection of its own and prepared its statements again.
        env.setdefault("CONN_MAX_AGE", "60")
        env.pop("DAGSVERKET_TESTING")
        # The server's static files in a directory of its own: collectstatic into the project's
        # staticfiles/ would rewrite files under a test run's or a developer's server's feet.
        static_root = tempfile.mkdtemp(prefix="dagsverket-load-static-")
        env["STATIC_ROOT"] = static_root
        self._recreate_database(name)
        server = None
        try:
            self._step("Migrating", [*self._manage(), "migrate", "--no-input", "-v", "0"], env)
            self._step(
                "Loading demo data",
                [
                    *self._manage(),
                    "seed_demo",
                    "--participants",
                    str(options["participants"]),
                    "--days",
                    "21",
                    "--allow-production",
                ],
                env,
            )
            self._step(
                "Collecting static files", [*self._manage(), "collectstatic", "--no-input", "-v", "0"], env
            )
            connections["default"].close()
            connections["default"].settings_dict["NAME"] = name
            plan = self._prepare_day(options)
            port = _free_port()
            server = self._start_gunicorn(port, options["workers"], env)
            alone = self._alone(port, plan, options)
            stats = self._run(port, plan, options)
            self._report(stats, options, alone)
            self._check_nothing_twice(plan)
            errors = sum(stats.errors.values()) + sum(alone.errors.values())
            if errors:
                raise CommandError(f"{errors} errors under load")
        finally:
            if server is not None:
                server.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    server.wait(timeout=10)
                if server.poll() is None:
                    server.kill()
            connections["default"].close()
            connections["default"].settings_dict["NAME"] = base["NAME"]
            self._drop_database(name)
            shutil.rmtree(static_root, ignore_errors=True)

    # --- setting up ---------------------------------------------------------------------------

    def _manage(self) -> list[str]:
        return [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]

    def _step(self, label: str, command: list[str], env: dict) -> None:
        self.stdout.write(f"{label}…")
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if done.returncode:
            raise CommandError(f"{label} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        self.stdout.write(f"{label}: done in {time.perf_counter() - started:.1f} s")

    def _admin(self):
        """A connection to the server's maintenance database, to create and drop the load database."""
        import psycopg

        db = connections["default"].settings_dict
        return psycopg.connect(
            dbname="postgres",
            user=db["USER"],
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            password=db["PASSWORD"] or None,
            autocommit=True,
        )

    def _recreate_database(self, name: str) -> None:
        self._drop_database(name)
        with self._admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')

    def _drop_database(self, name: str) -> None:
        with self._admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _prepare_day(self, options) -> dict:
        """Today's work at the main site: tasks with places for everyone, draft payslips to pay."""
        from dagsverket.evaluation.models import EvaluationProject
        from dagsverket.models import Participant, Site
        from jobs.models import Customer, Task
        from payroll.engine import hourly_line
        from payroll.services import PayrollError, payslip_prepare

        site = Site.objects.get(name="Trondheim")
        today = timezone.localdate()
        people = list(
            Participant.objects.filter(site=site, merged_into__isnull=True).values_list("pk", "name")
        )
        customer = Customer.objects.filter(site=site).first()
        tasks = [
            Task.objects.create(
                site=site, customer=customer, date=today, description=f"Rush job {number}", workers_max=10
            ).pk
            for number in range(3)
        ]
        rng = random.Random(options["seed"])  # noqa: S311 - a repeatable test plan, not a secret
        to_pay = rng.sample([pk for pk, _name in people], k=min(60, len(people)))
        payslips, shown = [], {}
        for participant in Participant.objects.in_bulk(to_pay).values():
            with contextlib.suppress(PayrollError):  # e.g. a person with no pay rule: not paid today
                slip = payslip_prepare(
                    site=site,
                    participant=participant,
                    day=today,
                    lines=[hourly_line("Rush", Decimal("4"), Decimal("150"))],
                )
                payslips.append(slip.pk)
                shown[slip.pk] = str(slip.amount_due)  # what the page shows; the payout carries it
        project = EvaluationProject.objects.order_by("pk").first()
        arrivals = list(people)
        random.Random(options["seed"] + 1).shuffle(arrivals)  # noqa: S311 - a repeatable plan
        return {
            "arrivals": arrivals,
            # Shared with the forked users: the next arrival's index in `arrivals`.
            "next_arrival": multiprocessing.get_context("fork").Value("i", 0),
            "site": site,
            "today": today,
            "people": people,
            "tasks": tasks,
            "payslips": payslips,
            "shown": shown,
            "project": project,
        }

    def _start_gunicorn(self, port: int, workers: int, env: dict) -> subprocess.Popen:
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        server = subprocess.Popen(  # noqa: S603
            [
                gunicorn,
                "dagsverket.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/login/", headers={"X-Forwarded-Proto": "https"})
                if connection.getresponse().status == 200:
                    self.stdout.write(f"gunicorn: {workers} workers on 127.0.0.1:{port}")
                    return server
            if server.poll() is not None:
                raise CommandError("gunicorn did not start")
            time.sleep(0.3)
        server.kill()
        raise CommandError("gunicorn did not answer within 30 s")

    # --- the rush -----------------------------------------------------------------------------

    def _alone(self, port: int, plan: dict, options) -> Stats:
        """Each action with nobody else on the server, in the same run: the rush is measured against it.

        One tablet plays its round (search, check-in, readiness, assignment, poll) and then one payroll
        user plays theirs, without pauses, a few times each. Milliseconds move with the machine; the
        rush's p95 divided by the median alone (`load_contention_<action>`) does much less.
        """
        alone = Stats()
        rng = random.Random(options["seed"] - 1)  # noqa: S311
        for play, username in [(self._tablet, "frontdesk"), (self._payroll, "payroll")]:
            browser = Browser(port, alone)
            browser.login(username)
            play(browser, plan, Rounds(options["alone_rounds"]), rng, 0)
        alone.latencies.pop("login", None)
        requests = sum(len(values) for values in alone.latencies.values())
        self.stdout.write(f"Alone: {requests} requests, one user at a time")
        return alone

    def _run(self, port: int, plan: dict, options) -> Stats:
        """The rush: each user a process of its own (forked, so it shares the plan), all logged in
        before the clock starts, all stopped together; their figures are added up here."""
        stats = Stats()
        think = options["think"]
        users = (
            [(self._tablet, "frontdesk", n) for n in range(options["tablets"])]
            + [(self._payroll, "payroll", n) for n in range(options["payroll"])]
            + [(self._evaluator, "manager", n) for n in range(options["evaluators"])]
        )
        processes = multiprocessing.get_context("fork")
        stop = processes.Event()
        logged_in = processes.Barrier(len(users) + 1)
        progress = processes.Array("q", [0, 0])
        results = processes.Queue()
        connections.close_all()  # a forked connection would be shared; each user opens its own
        players = [
            processes.Process(
                target=self._user,
                args=(play, username, port, plan, think, options["seed"] + n * 97 + i),
                kwargs={"stop": stop, "logged_in": logged_in, "progress": progress, "results": results},
                daemon=True,
            )
            for i, (play, username, n) in enumerate(users)
        ]
        for player in players:
            player.start()
        try:
            logged_in.wait(timeout=120)
        except threading.BrokenBarrierError:
            stop.set()
            for player in players:
                player.join(timeout=10)
            raise CommandError("A user could not log in before the rush.") from None
        self.stdout.write(
            f"Rush: {options['tablets']} tablets, {options['payroll']} payroll, "
            f"{options['evaluators']} evaluator for {options['duration']:.0f} s, one process each"
        )
        started = time.monotonic()
        while (left := options["duration"] - (time.monotonic() - started)) > 0:
            time.sleep(min(5.0, left))
            elapsed = time.monotonic() - started
            self.stdout.write(f"  {elapsed:5.0f} s: {progress[0]} requests, {progress[1]} errors")
        stop.set()
        for _player in players:
            stats.add(results.get(timeout=90))
        stats.seconds = time.monotonic() - started
        for player in players:
            player.join(timeout=30)
        return stats

    def _user(self, play, username, port, plan, think, seed, *, stop, logged_in, progress, results):
        """One user's process: log in, wait for the others, play until told to stop, send the figures."""
        stats = Stats(progress=progress)
        try:
            browser = Browser(port, stats)
            browser.login(username)
            stats.latencies.pop("login", None)  # logging in is not part of the rush
            logged_in.wait(timeout=120)
            play(browser, plan, stop, random.Random(seed), think)  # noqa: S311 - a repeatable plan
        except Exception as error:  # counted as an error; the parent shows it
            logged_in.abort()
            stats.errors["user"] = stats.errors.get("user", 0) + 1
            stats.samples.append(f"{username}: {error!r}")
        finally:
            connections.close_all()
            stats.progress = None
            results.put(stats.as_dict())

    @staticmethod
    def _pause(rng, think):
        time.sleep(rng.expovariate(1 / think) if think > 0 else 0)

    def _tablet(self, browser: Browser, plan, stop, rng, think):
        from dagsverket.models import Visit

        version = "0"
        mine = []  # (person, name, nonce) this tablet checked in
        try:
            while not stop.is_set():
                pk, name, nonce, action = self._next_tap(plan, rng, mine)
                browser.request(
                    "checkin_search", "GET", "/checkin/search/?q=" + urllib.parse.quote(name[:3]), htmx=True
                )
                self._pause(rng, think)
                browser.request(
                    action, "POST", "/checkin/in/", data={"participant": pk, "nonce": nonce}, htmx=True
                )
                if action == "checkin_post":
                    mine.append((pk, name, nonce))
                self._pause(rng, think)
                visit = (
                    Visit.objects.filter(participant_id=pk, date=plan["today"])
                    .values_list("pk", flat=True)
                    .first()
                )
                if visit is not None:
                    browser.request(
                        "readiness",
                        "POST",
                        f"/checkin/visit/{visit}/readiness/",
                        data={"choice": "ready", "safety_briefing": "on", "work_clothes_ok": "on"},
                        htmx=True,
                        refused=(400,),  # an excluded person cannot be marked ready for work
                    )
                    self._pause(rng, think)
                    # A full task, or a person already on a task at those hours, is refused (400).
                    browser.request(
                        "assign",
                        "POST",
                        "/jobs/assign/",
                        data={"visit": visit, "task": rng.choice(plan["tasks"])},
                        htmx=True,
                        ok=(200, 302),
                        refused=(400,),
                    )
                self._pause(rng, think)
                # The open board asks whether anything happened at the site (the other tablets
                # always have done something in a rush, so this is mostly the full board).
                _status, content = browser.request(
                    "board_poll", "GET", f"/checkin/?v={version}", htmx=True, ok=(200, 204)
                )
                if found := re.search(rb"\?v=(\d+)", content):
                    version = found.group(1).decode()
        finally:
            connections.close_all()

    @staticmethod
    def _next_tap(plan, rng, mine: list) -> tuple[int, str, str, str]:
        """Who a tablet taps next, with the nonce and the action it is counted as.

        Mostly `checkin_post`: the next person to arrive, each once, in an order all tablets share
        (a counter in shared memory), as a morning goes. One tap in ten is a `checkin_repeat`: this
        tablet taps again someone it checked in, half the time with the same nonce (a double tap, a
        retried request) and half with a new one (the person came back to the desk); so are all taps
        once everyone has arrived. A repeat answers with the whole board, a new arrival with its row:
        counted as one action (as until the thirteenth session, when a tap picked anyone at random and
        four in ten were repeats), the rush's p95 measured the board against the row alone.
        """
        if mine and rng.random() < REPEATS:
            pk, name, nonce = rng.choice(mine)
            return pk, name, nonce if rng.random() < 0.5 else uuid.uuid4().hex, "checkin_repeat"
        counter = plan["next_arrival"]
        with counter.get_lock():
            index = counter.value
            counter.value += 1
        if index < len(plan["arrivals"]):
            pk, name = plan["arrivals"][index]
            return pk, name, uuid.uuid4().hex, "checkin_post"
        pk, name, _nonce = rng.choice(mine) if mine else (*rng.choice(plan["arrivals"]), "")
        return pk, name, uuid.uuid4().hex, "checkin_repeat"

    def _payroll(self, browser: Browser, plan, stop, rng, think):
        day = plan["today"].isoformat()
        try:
            while not stop.is_set():
                browser.request("payroll_day", "GET", f"/payroll/{day}/")
                self._pause(rng, think)
                slip = rng.choice(plan["payslips"])
                # Both payroll users pick from the same list: the second one to confirm a payslip is
                # told it is paid already (400), and it must never be paid twice.
                browser.request(
                    "payout_confirm",
                    "POST",
                    f"/payroll/payslip/{slip}/confirm/",
                    data={"method": "cash", "nonce": uuid.uuid4().hex, "shown_amount": plan["shown"][slip]},
                    ok=(302,),
                    refused=(400,),
                )
                self._pause(rng, think)
        finally:
            connections.close_all()

    def _evaluator(self, browser: Browser, plan, stop, rng, think):
        from dagsverket.evaluation.grid import default_period

        project = plan["project"]
        # An evaluator asks for a period on the project's release grid: the latest whole block.
        start, end = default_period(project, plan["today"])
        query = urllib.parse.urlencode(
            {"project": project.pk, "start": start.isoformat(), "end": end.isoformat(), "format": "csv"}
        )
        while not stop.is_set():
            browser.request("export_csv", "GET", f"/exports/attendance/?{query}")
            self._pause(rng, think * 5)

    # --- what came out ------------------------------------------------------------------------

    def _report(self, stats: Stats, options, alone: Stats) -> None:
        everything = [ms for values in stats.latencies.values() for ms in values]
        total = len(everything)
        errors = sum(stats.errors.values())
        refused = sum(stats.refused.values())
        self.stdout.write("")
        self.stdout.write(
            f"{'action':<16}{'requests':>9}{'errors':>8}{'refused':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
            f"{'alone p50':>11}"
        )
        contention = {}
        for action in sorted(stats.latencies):
            values = stats.latencies[action]
            by_itself = statistics.median(alone.latencies[action]) if alone.latencies.get(action) else None
            if by_itself:
                contention[action] = p95(values) / by_itself
            self.stdout.write(
                f"{action:<16}{len(values):>9}{stats.errors.get(action, 0):>8}"
                f"{stats.refused.get(action, 0):>9}{statistics.median(values):>9.1f}"
                f"{p95(values):>9.1f}{max(values):>9.1f}"
                + (f"{by_itself:>11.1f}" if by_itself else f"{'—':>11}")
            )
        for action, ratio in contention.items():
            # p95 in the rush divided by the median of the same action alone, same run (target ≤ 3
            # for the search and the check-in).
            self.stdout.write(f"load_contention_{action}: {ratio:.2f}")
        self.stdout.write(f"load_requests: {total}")
        self.stdout.write(f"load_requests_per_s: {total / stats.seconds:.1f}")
        self.stdout.write(f"load_errors: {errors}")
        self.stdout.write(f"load_refused: {refused}")
        self.stdout.write(f"load_p95_ms: {p95(everything):.1f}")
        for sample in stats.samples:
            self.stdout.write(f"  error: {sample}")

    def _check_nothing_twice(self, plan: dict) -> None:
        from dagsverket.models import Visit
        from jobs.models import Assignment, Task
        from payroll.models import Payout

        twice_in = (
            Visit.objects.values("participant", "site", "date")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .count()
        )
        twice_paid = Payout.objects.values("payslip").annotate(n=Count("id")).filter(n__gt=1).count()
        active = Assignment.objects.active().filter(date=plan["today"])
        twice_assigned = active.values("task", "participant").annotate(n=Count("id")).filter(n__gt=1).count()
        over_capacity = (
            Task.objects.filter(pk__in=plan["tasks"])
            .annotate(n=Count("assignments", filter=Q(assignments__removed_at__isnull=True)))
            .filter(n__gt=F("workers_max"))
            .count()
        )
        checked_in = Visit.objects.filter(site=plan["site"], date=plan["today"]).count()
        paid = Payout.objects.filter(payslip_id__in=plan["payslips"]).count()
        self.stdout.write(f"load_checked_in: {checked_in}")
        self.stdout.write(f"load_paid: {paid} of {len(plan['payslips'])}")
        self.stdout.write(f"load_double_visits: {twice_in}")
        self.stdout.write(f"load_double_payouts: {twice_paid}")
        self.stdout.write(f"load_double_assignments: {twice_assigned}")
        self.stdout.write(f"load_tasks_over_capacity: {over_capacity}")
        self.stdout.write(f"load_assigned: {active.filter(task_id__in=plan['tasks']).count()}")
        if twice_in or twice_paid or twice_assigned or over_capacity:
            raise CommandError("Something happened twice under load.")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
