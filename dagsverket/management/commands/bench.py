"""Run the benchmark figures on a fresh copy of the database named in DATABASE_URL."""

import importlib
import importlib.util
import types
import warnings

from django.core.management.base import BaseCommand
from django.template.base import Template
from django.test.utils import (
    override_settings,
    setup_databases,
    setup_test_environment,
    teardown_databases,
    teardown_test_environment,
)

# Modules with `figures(context)`, in order; the first measures the baselines.
BENCH_MODULES = [
    "dagsverket.bench.core",
    "dagsverket.bench.checkin",
    "dagsverket.bench.referrals",
    "jobs.bench",
    "payroll.bench",
    "dagsverket.evaluation.bench",
    "dagsverket.bench.retention",  # last: rolls back, but anonymises everyone it finds inactive
]


class Command(BaseCommand):
    help = "Measure the project's speed figures (medians, as ratios to baselines of the same run)."

    def add_arguments(self, parser):
        parser.add_argument("--only", help="run only figures from modules containing this text")
        parser.add_argument("--small", action="store_true", help="a small data set (quick check)")
        parser.add_argument(
            "--instrumented",
            action="store_true",
            help="render templates through the test environment's instrumentation, as tests do "
            "(by default the figures measure the production path)",
        )

    def handle(self, *args, **options):
        # WhiteNoise warns that collectstatic has not run; the figures do not touch static files.
        warnings.filterwarnings("ignore", message="No directory at")
        production_render = Template._render
        setup_test_environment()
        if not options["instrumented"]:
            # The test environment sends a signal for every template rendered, and the test client
            # copies each context it sees: about a fifth of a page's rendering (docs/PERFORMANCE.md).
            # A production worker does neither; the rest of the environment (the e-mail outbox, the
            # test client's host) stays.
            Template._render = production_render
        old_config = setup_databases(verbosity=0, interactive=False, keepdb=False)
        context = types.SimpleNamespace(small=options["small"], stdout=self.stdout, baseline_ms=None)
        try:
            with override_settings(ROOT_URLCONF="dagsverket.bench.urls", ALLOWED_HOSTS=["*"], DEBUG=False):
                for module_name in BENCH_MODULES:
                    if (
                        options["only"]
                        and options["only"] not in module_name
                        and module_name != BENCH_MODULES[0]
                    ):
                        continue
                    if importlib.util.find_spec(module_name) is None:
                        continue  # that app has no figures of its own yet
                    module = importlib.import_module(module_name)
                    for name, value in module.figures(context):
                        self.stdout.write(f"{name}: {value}")
        finally:
            teardown_databases(old_config, verbosity=0)
            teardown_test_environment()
