"""Fill an empty database with fake demo data and print the demo logins."""

import importlib
import importlib.util
import random
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from faker import Faker

from dagsverket import demo
from dagsverket.demo import FAKER_LOCALE
from dagsverket.models import Participant, Site
from dagsverket.progress import Progress

# Apps that add their own demo data, in order; each module has `seed(context)`.
APP_DEMO_MODULES = [
    "dagsverket.referrals.demo",
    "jobs.demo",
    "payroll.demo",
    "dagsverket.evaluation.demo",
    "dagsverket.ips.demo",
    "dagsverket.research.demo",
]


@dataclass
class DemoContext:
    sites: list[Site]
    participants: dict[int, list[Participant]]
    rng: random.Random
    fake: Faker
    days: int
    stdout: object
    # Days back with work on them (tasks, draws, assignments, pay): the jobs and pay services run for
    # each such day, which is most of the seeding time, so the work history is shorter than the visits.
    work_days: int = 21
    extra: dict = field(default_factory=dict)

    def progress(self, label: str) -> Progress:
        return Progress(label, stream=self.stdout)


class Command(BaseCommand):
    help = "Fill the database with fake demo data (Faker nb_NO) and create the demo users."

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, default=60, help="participants at the main site")
        parser.add_argument("--days", type=int, default=91, help="days of visit history")
        parser.add_argument(
            "--work-days", type=int, default=21, help="of those, the last days with tasks, draws and pay"
        )
        parser.add_argument("--seed", type=int, default=2021, help="random seed, for repeatable data")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when data exists")
        parser.add_argument("--allow-production", action="store_true", help="run even when DEBUG is off")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "DEBUG is off: this looks like production. Use --allow-production to seed anyway."
            )
        if options["if_empty"] and Participant.objects.exists():
            self.stdout.write("Data exists; no demo data added.")
            self.print_logins()
            return
        rng = random.Random(options["seed"])
        fake = Faker(FAKER_LOCALE)
        fake.seed_instance(options["seed"])
        with transaction.atomic():
            sites = demo.seed_sites()
            demo.seed_users(sites)
            sizes = [options["participants"], max(options["participants"] // 4, 1)]
            participants = {}
            for site, size in zip(sites, sizes, strict=True):
                participants[site.pk] = demo.seed_participants(site, size, fake, rng)
            context = DemoContext(
                sites,
                participants,
                rng,
                fake,
                options["days"],
                self.stdout,
                work_days=min(options["work_days"], options["days"]),
            )
            for site in sites:
                count = demo.seed_visits(
                    site,
                    participants[site.pk],
                    options["days"],
                    rng,
                    context.progress(f"Visits at {site.name}"),
                )
                self.stdout.write(f"{site.name}: {len(participants[site.pk])} participants, {count} visits")
            demo.seed_checkin(context)
            for module_name in APP_DEMO_MODULES:
                if importlib.util.find_spec(module_name) is None:
                    continue  # that app has no figures of its own yet
                module = importlib.import_module(module_name)
                module.seed(context)
        self.print_logins()

    def print_logins(self):
        self.stdout.write(self.style.SUCCESS("Demo logins (password for all: demo):"))
        self.stdout.write(f"  (tablet PIN for all: {demo.DEMO_PIN})")
        for username, role, *_ in demo.DEMO_USERS:
            self.stdout.write(f"  {username:<10} {role.label}")
