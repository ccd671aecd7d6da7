"""``manage.py bench_import --rows 100000``: time the customer import's review and confirm.

Generates a realistic file (Swedish Excel: Windows-1252, semicolons, CRLF; Nordic names with
å, ä, ö; 60 % of the rows new customers, 40 % rows adding an address and a contact to customers
already in the database; groupings on every row), then runs the review and the confirm through
``run_import``, the function the admin's Review and Confirm buttons call (the confirm gets the
review's validated cells, as the admin keeps them with the upload), and prints rows per
second, the peak resident memory of the process that ran each step (a forked child per step,
so the review's freed memory does not count for the confirm) and the CPU time of Python and of
the PostgreSQL backend.

Run it on a scratch database (it adds customers and keeps them): e.g.
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/kk_import manage.py bench_import``.
"""

import csv
import io
import multiprocessing
import os
import platform
import random
import resource
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, connections, transaction

from customers.importing.engine import ImportOptions, run_import
from customers.models import Address, Customer, GroupingCategory, GroupingOption, Industry

FIRST = [
    "Åsa",
    "Björn",
    "Göran",
    "Märta",
    "Örjan",
    "Linnéa",
    "Ängla",
    "Sören",
    "Anders",
    "Karin",
    "Håkan",
    "Jörgen",
    "Maja",
    "Elsa",
    "Tövå",
    "Ingrid",
    "Pär",
    "Gunnar",
    "Lärke",
    "Oskar",
]
LAST = [
    "Åkerlund",
    "Lindström",
    "Öberg",
    "Bäckström",
    "Sjögren",
    "Ström",
    "Nyström",
    "Ågren",
    "Hällström",
    "Söderberg",
    "Johansson",
    "Karlsson",
    "Lövgren",
    "Wästberg",
    "Dahl",
    "Björk",
]
PARTS = [
    "Åker",
    "Björk",
    "Sjö",
    "Fjäll",
    "Älv",
    "Öster",
    "Väster",
    "Norr",
    "Söder",
    "Mälar",
    "Vätter",
    "Ljung",
    "Hav",
    "Berg",
    "Dal",
    "Skog",
    "Strand",
    "Ö",
    "Gran",
    "Ek",
]
KINDS = [
    "Bygg AB",
    "Konsult AB",
    "Data AB",
    "Teknik HB",
    "Handel AB",
    "Måleri AB",
    "Café HB",
    "Fastigheter AB",
    "Transport AB",
    "Revision AB",
]
STREETS = [
    "Storgatan",
    "Drottninggatan",
    "Götgatan",
    "Industrivägen",
    "Åsgatan",
    "Östra vägen",
    "Skolgatan",
    "Kyrkogatan",
    "Sjövägen",
    "Björkvägen",
]
CITIES = [
    ("Stockholm", "111"),
    ("Göteborg", "411"),
    ("Malmö", "211"),
    ("Västerås", "721"),
    ("Örebro", "702"),
    ("Umeå", "903"),
    ("Jönköping", "553"),
    ("Linköping", "582"),
    ("Norrköping", "602"),
    ("Gävle", "802"),
]
INDUSTRIES = ["Bygg", "Konsult", "IT", "Handel", "Restaurang", "Transport", "Fastighet"]
REGIONS = ["Stockholm", "Västra Götaland", "Skåne", "Norrland", "Mälardalen", "Småland"]
SIZES = ["Liten", "Medel", "Stor"]
HEADERS = [
    "Kundnummer",
    "Kundnamn",
    "Organisationsnummer",
    "Land",
    "Webbplats",
    "E-post",
    "Bransch",
    "Adressrad 1",
    "Postnummer",
    "Ort",
    "Adresstyper",
    "Huvudkontor",
    "Kontakt förnamn",
    "Kontakt efternamn",
    "Kontakt titel",
    "Kontakt e-post",
    "Kontakt telefon",
    "Kundgrupperingar",
]


def org_number(rng):
    """A valid Swedish organisation number (Luhn check digit, third digit at least 2)."""
    digits = [5, 5, rng.randint(6, 9)] + [rng.randint(0, 9) for _ in range(6)]
    total = 0
    for i, d in enumerate(digits):
        d = d * 2 if i % 2 == 0 else d
        total += d - 9 if d > 9 else d
    digits.append((10 - total % 10) % 10)
    text = "".join(map(str, digits))
    return f"{text[:6]}-{text[6:]}"


def peak_rss_mb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def backend_cpu_seconds():
    """CPU seconds the PostgreSQL backend of this connection has used (local server only)."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def reset_peak():
    """Reset the peak-RSS counter (Linux), so each step reports its own peak."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


def _step(content, file_name, options, user, commit, validated):
    reset_peak()
    db_cpu = backend_cpu_seconds()
    started = time.perf_counter()
    result = run_import(
        content,
        file_name=file_name,
        options=options,
        user=user,
        commit=commit,
        validated=validated,
    )
    seconds = time.perf_counter() - started
    report = {
        "seconds": seconds,
        "peak": peak_rss_mb(),
        "db_cpu": backend_cpu_seconds() - db_cpu,
        "cpu": result.timings.get("cpu", 0.0),
        "timings": result.timings,
        "errors": (result.file_error or [str(e) for e in result.errors[:5]])
        if result.has_errors
        else None,
        "counts": f"new {result.new_customers}, updated {result.updated_customers}, "
        f"addresses {result.addresses_added}, contacts {result.contacts_added}, "
        f"groupings {result.groupings_added}, committed {result.committed}",
        # What the admin keeps with the upload between its review and confirm.
        "validated": result.validated,
    }
    connections.close_all()
    return report


class Command(BaseCommand):
    help = "Benchmark the customer import (review and confirm) on a generated file."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args, rows, seed, **options):
        rng = random.Random(seed)
        run = os.urandom(3).hex()
        User = get_user_model()
        user, _created = User.objects.get_or_create(
            username="bench-import", defaults={"is_staff": True, "is_superuser": True}
        )
        existing_rows = rows * 40 // 100
        existing = self.seed_existing(rng, run, max(1, existing_rows // 2))
        self.stdout.write(f"Seeded {len(existing)} existing customers (run {run}).")
        content = self.make_file(rng, run, rows, existing)
        self.stdout.write(f"File: {rows} rows, {len(content) / 1e6:.1f} MB, Windows-1252, ';'.")
        options = ImportOptions(create_missing=True, update_existing=False)
        file_name = f"bench-{run}.csv"

        validated = b""
        for step, commit in (("review", False), ("confirm", True)):
            report = self.run_step(content, file_name, options, user, commit, validated)
            validated = report["validated"]
            if report["errors"]:
                self.stderr.write(f"{step}: errors, e.g. {report['errors']}")
                return
            seconds, cpu = report["seconds"], report["cpu"] + report["db_cpu"]
            self.stdout.write(
                f"{step:8s} {rows / seconds:9,.0f} rows/s  {seconds:6.1f} s  "
                f"peak RSS {report['peak']:6.0f} MB  {report['counts']}; "
                + ", ".join(f"{k} {t:.1f} s" for k, t in report["timings"].items())
                + f"; PostgreSQL CPU {report['db_cpu']:.1f} s; rows per CPU second "
                f"(Python + PostgreSQL) {rows / cpu if cpu else 0:,.0f}"
            )
        self.stdout.write(
            f"Database {connection.vendor} ({settings.DATABASES['default'].get('NAME')}), "
            f"DEBUG {'on' if settings.DEBUG else 'off'}, "
            f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}."
        )

    def run_step(self, content, file_name, options, user, commit, validated):
        """Run one step in a forked child, so its peak memory is its own (Linux)."""
        connections.close_all()  # the child opens its own connection
        if not hasattr(os, "fork"):
            return _step(content, file_name, options, user, commit, validated)
        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        child = context.Process(
            target=lambda: queue.put(_step(content, file_name, options, user, commit, validated))
        )
        child.start()
        report = queue.get()
        child.join()
        return report

    @transaction.atomic
    def seed_existing(self, rng, run, count):
        industries = [Industry.objects.get_or_create(name=n)[0] for n in INDUSTRIES]
        for category, names in (("Region", REGIONS), ("Storlek", SIZES)):
            cat, _c = GroupingCategory.objects.get_or_create(
                name=category,
                defaults={
                    "selection": GroupingCategory.SINGLE
                    if category == "Storlek"
                    else GroupingCategory.MULTIPLE
                },
            )
            for name in names:
                GroupingOption.objects.get_or_create(category=cat, name=name)
        start = Customer.objects.order_by("-number").values_list("number", flat=True).first() or 0
        start = max(start + 1, 5_000_000)
        customers = Customer.objects.bulk_create(
            [
                Customer(
                    number=start + i,
                    name=f"{rng.choice(PARTS)}{rng.choice(PARTS).lower()} {rng.choice(KINDS)} "
                    f"{run}-{i}",
                    country="SE",
                    industry=rng.choice(industries),
                )
                for i in range(count)
            ],
            batch_size=5000,
        )
        Address.objects.bulk_create(
            [
                Address(
                    customer=c,
                    line1=f"{rng.choice(STREETS)} {rng.randint(1, 99)}",
                    postal_code="111 22",
                    city="Stockholm",
                    is_postal=True,
                    is_head_office=True,
                )
                for c in customers
            ],
            batch_size=5000,
        )
        return [c.number for c in customers]

    def make_file(self, rng, run, rows, existing):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADERS)
        new_rows = rows - rows * 40 // 100
        order = [True] * new_rows + [False] * (rows - new_rows)
        rng.shuffle(order)
        for i, is_new in enumerate(order):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            city, postal = rng.choice(CITIES)
            street = f"{rng.choice(STREETS)} {rng.randint(1, 199)}"
            groupings = f"Region\\{rng.choice(REGIONS)}|Storlek\\{rng.choice(SIZES)}"
            contact = [
                first,
                last,
                rng.choice(["VD", "Inköpare", "Ekonomichef", ""]),
                f"{first}.{last}.{i}@exempel.se".lower()
                .replace("å", "a")
                .replace("ä", "a")
                .replace("ö", "o")
                .replace("é", "e"),
                f"070-{rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            ]
            if is_new:
                name = (
                    f"{rng.choice(PARTS)}{rng.choice(PARTS).lower()} {rng.choice(KINDS)} {run}-n{i}"
                )
                writer.writerow(
                    [
                        "",
                        name,
                        org_number(rng),
                        "SE",
                        f"www.kund{i}.se",
                        f"info@kund{i}.se",
                        rng.choice(INDUSTRIES),
                        street,
                        f"{postal} {rng.randint(10, 99)}",
                        city,
                        "post,besök,faktura",
                        "ja",
                        *contact,
                        groupings,
                    ]
                )
            else:
                writer.writerow(
                    [
                        rng.choice(existing),
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        street,
                        f"{postal} {rng.randint(10, 99)}",
                        city,
                        "besök",
                        "nej",
                        *contact,
                        f"Region\\{rng.choice(REGIONS)}",
                    ]
                )
        return buffer.getvalue().encode("cp1252")
