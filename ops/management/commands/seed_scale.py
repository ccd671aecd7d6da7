"""``manage.py seed_scale --customers 100000``: the benchmark's data, loaded fast.

Per customer on average: 3 contacts, 1.5 addresses, 10 activities, 1 project (with one note),
2-3 grouping options. The first customer of every chunk of 1,000 is a big account with many
more rows than the rest, so pages can be measured with few and with many related rows.

The command lives in ``ops`` because it writes all three apps; ``ops`` sits above them, so no
domain app imports another to seed. Each app's part is a module of ``ops/scale_seed/``.

Then every seeded customer gets its history records (``ops/scale_seed/history.py``: about 10
per customer, some 500 for a big account), so the History tab is timed with a past to show.

Idempotent per scale: the ``seed_scale`` row of NumberSequence counts the customers seeded so
far; a run tops up to ``--customers`` and adds nothing when that many are there (and history
only for customers that have none). Each chunk is one transaction, so an interrupted run
resumes where it stopped.
"""

import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from customers.models import NumberSequence
from ops.scale_seed import activities as activity_seed
from ops.scale_seed import customers as customer_seed
from ops.scale_seed import history as history_seed
from ops.scale_seed import projects as project_seed


def seeded_count():
    """How many scale customers the database holds (0 when never seeded)."""
    marker = NumberSequence.objects.filter(key=customer_seed.MARKER_KEY).first()
    return marker.next_value if marker else 0


class Command(BaseCommand):
    help = "Load scale data for the benchmark (customers, contacts, addresses, projects, ...)."
    requires_system_checks = []  # a data loader; it must not depend on every page importing

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=2026, help="random seed")
        parser.add_argument(
            "--chunk", type=int, default=customer_seed.CHUNK_SIZE, help="customers per transaction"
        )

    def handle(self, *args, customers, seed, chunk, **options):
        target = customers
        done = seeded_count()
        started = time.perf_counter()
        if done >= target:
            self.stdout.write(f"Scale data present: {done} customers seeded; nothing to add.")
        else:
            self.seed(done, target, seed, chunk, started)
        records = history_seed.seed_all(self.stdout)
        if records:
            self.stdout.write(f"{records} history records written.")
        if connection.vendor == "postgresql" and (records or done < target):
            # Fresh statistics (or the planner plans for empty tables) and a visibility map, so
            # index-only scans work at once rather than after autovacuum comes round.
            with connection.cursor() as cursor:
                # VACUUM cannot run inside a transaction (a test's, or a caller's atomic block).
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        if records or done < target:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Seeded up to {target} customers in {time.perf_counter() - started:.1f} s."
                )
            )

    def seed(self, done, target, seed, chunk, started):
        with transaction.atomic():
            lookups = customer_seed.ensure_lookups(target)
            statuses = project_seed.ensure_lookups()
            types = activity_seed.ensure_lookups()
        writer = customer_seed.RowWriter()
        activities = 0
        while done < target:
            count = min(chunk, target - done)
            rng = customer_seed.new_rng(seed, done)
            with transaction.atomic():
                marker, _created = NumberSequence.objects.select_for_update().get_or_create(
                    key=customer_seed.MARKER_KEY, defaults={"next_value": 0}
                )
                if marker.next_value != done:  # another run got here first
                    done = marker.next_value
                    continue
                part = customer_seed.seed_customers(
                    writer, lookups, index=done, count=count, rng=rng
                )
                projects = project_seed.seed_projects(writer, lookups, statuses, part, rng=rng)
                activities += activity_seed.seed_activities(
                    writer, lookups, types, part, projects, rng=rng
                )
                marker.next_value = done + count
                marker.save(update_fields=["next_value"])
            done += count
            if done % 10_000 == 0 or done == target:
                elapsed = time.perf_counter() - started
                self.stdout.write(f"{done} customers ({activities} activities) in {elapsed:.0f} s")
