#!/usr/bin/env python
"""Page benchmark on PostgreSQL with scale data (``make bench``).

    .venv/bin/python bench/run.py [--customers 100000] [--runs 40] [--warmup 5] [--only list]

Uses ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/kundkort_bench``; it must
be PostgreSQL) and creates that database when it is missing, migrates it and seeds the scale
data with ``seed_scale`` unless it is there. Then it requests every page in-process through
the real URLs and middleware (``django.test.Client``, logged in as an Edit-level user), a few
warm-up requests and then ``--runs`` timed ones per page, timing each with
``time.perf_counter`` and counting its queries with ``CaptureQueriesContext``.

Before every page it also times the reference page (``bench/reference.py``: a bare logged-in
Django view, the same middleware, a ten-row template) with the same method, and reports every
page's median and 95th percentile also as a multiple of the reference's median: the targets are
those multiples, so they hold on any machine and however busy it is.

It prints a table (median and 95th percentile server time, both as multiples of the reference,
queries, response size, the target and whether it is met) and writes the figures to
``bench/results/<timestamp>.json`` (not committed), so two runs can be compared with
``bench/compare.py``. A page whose URL does not exist yet, or that answers 404, is reported as
missing; the run goes on.
"""

import argparse
import datetime
import json
import logging
import os
import platform
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kundkort_bench"
BENCH_USERNAME = "bench-editor"

# Targets as multiples of the reference page's median: (median, 95th percentile). "page":
# the list, search and card tabs of a customer with few rows; "big": the card tabs of the
# biggest account, the report, the project and activity lists.
TARGETS = {"page": (3.0, 5.0), "search": (3.0, 5.0), "big": (5.0, 8.0)}
REFERENCE = "reference: bare Django page"
API_CREATE = "api: create customer"
CREATED_PREFIX = "Bänkmätning"  # the names of the customers the create row adds


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=100_000, help="scale to seed (100000)")
    parser.add_argument("--runs", type=int, default=40, help="timed requests per page (40)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests first (5)")
    parser.add_argument("--only", default="", help="measure only pages whose name contains this")
    parser.add_argument("--no-seed", action="store_true", help="do not seed, use the data there")
    parser.add_argument("--superuser", action="store_true", help="log in as a superuser instead")
    parser.add_argument("--json", help="write the results here instead of bench/results/")
    return parser.parse_args(argv)


def ensure_database(url):
    """Create the database named in ``url`` when the server does not have it yet."""
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    name = urllib.parse.unquote(parts.path.lstrip("/"))
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created database {name}.")


def setup_django(url):
    os.environ["DATABASE_URL"] = url
    # Test settings: DEBUG off, no login throttling, any host; otherwise the production stack.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.test")
    sys.path.insert(0, str(BASE_DIR))
    sys.path.insert(0, str(BASE_DIR / "bench"))
    import django

    django.setup()
    from django.conf import settings

    # The reference page lives in the benchmark's URLconf, in front of the product's URLs.
    settings.ROOT_URLCONF = "reference"


def prepare(args):
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)
    if not args.no_seed:
        call_command("seed_scale", customers=args.customers)


def read_only_user():
    """A user in the Read-only customer role (the HTTP benchmark's session)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from customers import roles

    user, _created = get_user_model().objects.get_or_create(
        username=BENCH_USERNAME + "-readonly",
        defaults={"first_name": "Bänk", "last_name": "Läsare"},
    )
    _no_password(user)
    user.groups.set(Group.objects.filter(name=roles.READ_ONLY))
    return user


def _no_password(user):
    """No password to log in with; set once, as a new password hash would log out the sessions
    of another benchmark running at the same time (the session keeps the hash)."""
    if user.has_usable_password() or not user.password:
        user.set_unusable_password()
    user.save()


def bench_user(superuser):
    """An Edit-level account manager of the scale data (``saljare001``: some 500 customers and
    5,000 activities of their own), or a superuser with ``--superuser``."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from customers import roles

    user_model = get_user_model()
    if superuser:
        user, _created = user_model.objects.get_or_create(
            username=BENCH_USERNAME + "-admin", defaults={"first_name": "Bänk"}
        )
        user.is_superuser = user.is_staff = True
    else:
        user = user_model.objects.filter(username="saljare001").first()
        if user is None:
            user, _created = user_model.objects.get_or_create(
                username=BENCH_USERNAME, defaults={"first_name": "Bänk", "last_name": "Mätare"}
            )
    _no_password(user)
    if not superuser:
        user.groups.set(Group.objects.filter(name=roles.EDIT))
    return user


def pick_customers():
    """A customer with many related rows (the most contacts) and an ordinary one with few."""
    from django.db.models import Count

    from customers.models import Contact, Customer

    top = (
        Contact.objects.values("customer")
        .annotate(n=Count("id"))
        .order_by("-n", "customer")
        .first()
    )
    if top is None:
        raise SystemExit("No contacts in the database: seed it first (manage.py seed_scale).")
    many = Customer.objects.get(pk=top["customer"])
    few = (
        Customer.objects.filter(pk__gt=many.pk, is_active=True)
        .annotate(n=Count("contacts"))
        .filter(n__gte=1, n__lte=3)
        .order_by("pk")
        .first()
    ) or many
    return few, many


def related_counts(customer):
    """How many rows hang off the customer, for the table's legend."""
    counts = {}
    for relation in type(customer)._meta.related_objects:
        if relation.one_to_many and relation.related_model.__module__.split(".")[0] in {
            "customers",
            "projects",
            "activities",
        }:
            if "Historical" in relation.related_model.__name__:
                continue
            accessor = relation.get_accessor_name()
            counts[accessor] = getattr(customer, accessor).count()
    return counts


def search_samples():
    """Fragments to search for, taken from the data so they match something."""
    from customers.models import Address, Customer

    customer = Customer.objects.exclude(organisation_number="").order_by("pk")[5000:5001].first()
    org = customer.organisation_number.replace("-", "").replace(" ", "") if customer else ""
    city = Address.objects.filter(city__startswith="Ume").values_list("city", flat=True).first()
    from customers.models import Contact

    contact = Contact.objects.filter(mobile__startswith="+467").order_by("pk")[20000:20001].first()
    # A mobile number as a person types it: national form with spaces (+46701234567 ->
    # "070 123 45 67").
    mobile = contact.mobile if contact else "+46701234567"
    digits = mobile[3:] if mobile.startswith("+46") else mobile.lstrip("+")
    typed_phone = f"0{digits[:2]} {digits[2:5]} {digits[5:7]} {digits[7:]}".strip()
    # A switchboard number (an address's, +468 and seven digits) as typed: "08-123 45 67".
    switchboard = (
        Address.objects.filter(phone__startswith="+468").order_by("pk")[30000:30001].first()
    )
    office = switchboard.phone[4:] if switchboard else "1234567"
    typed_office = f"08-{office[:3]} {office[3:5]} {office[5:]}"
    return {
        "last_name": contact.last_name if contact else "Bäckström",
        "phone": typed_phone,
        "office_phone": typed_office,
        "name": "öbe",  # Öberg, Söderberg, Sjöberg ...: a fragment inside names
        "rare": "qzx",  # matches nothing: the planner must not scan for it
        "city": city or "Umeå",
        "org": org[2:7] if org else "36079",
    }


def pages(few, many):
    """``[(name, group, url or None, why missing)]`` in the order they are measured."""
    from django.urls import NoReverseMatch, reverse

    from core.registry import card_tabs
    from customers.models import CustomerGroupingOption, GroupingCategory

    def url(name, *args, query=None):
        try:
            path = reverse(name, args=args)
        except NoReverseMatch:
            return None
        return path + ("?" + urllib.parse.urlencode(query, doseq=True) if query else "")

    samples = search_samples()
    found = [
        ("list: first page", "page", url("customers:customer_list")),
        ("list: page 400 (deep)", "page", url("customers:customer_list", query={"page": 400})),
        ("list: sort by number", "page", url("customers:customer_list", query={"sort": "number"})),
        (
            "list: active and inactive",
            "page",
            url("customers:customer_list", query={"status": "all"}),
        ),
        (
            f"search: name '{samples['name']}'",
            "search",
            url("customers:customer_list", query={"q": samples["name"]}),
        ),
        (
            f"search: city '{samples['city']}'",
            "search",
            url("customers:customer_list", query={"q": samples["city"]}),
        ),
        (
            f"search: phone '{samples['office_phone']}'",
            "search",
            url("customers:customer_list", query={"q": samples["office_phone"]}),
        ),
        (
            f"search: org no '{samples['org']}'",
            "search",
            url("customers:customer_list", query={"q": samples["org"]}),
        ),
        (
            f"search: no match '{samples['rare']}'",
            "search",
            url("customers:customer_list", query={"q": samples["rare"]}),
        ),
    ]
    for label, customer in (("few", few), ("many", many)):
        for tab in card_tabs:
            try:
                tab_url = tab.url(customer)
            except NoReverseMatch:
                tab_url = None
            found.append((f"card {tab.key}: {label}", "page" if label == "few" else "big", tab_url))

    report_query = {}
    category = GroupingCategory.objects.filter(options__isnull=False).order_by("order").first()
    if category is not None:
        option = (
            CustomerGroupingOption.objects.filter(option__category=category)
            .values_list("option", flat=True)
            .first()
        )
        if option:
            report_query = {f"g{category.pk}": [option], f"g{category.pk}_match": "any"}
    found += [
        ("report: no filter", "big", url("reports:customer_report")),
        ("report: grouping filter", "big", url("reports:customer_report", query=report_query)),
        (
            "report: grouping + city",
            "big",
            url("reports:customer_report", query={**report_query, "city": samples["city"]}),
        ),
        ("projects: list", "big", url("projects:project_list")),
        (
            f"projects: search '{samples['name']}'",
            "big",
            url("projects:project_list", query={"q": samples["name"]}),
        ),
        # "ram" is in 1 of the 16 seeded project names: 12,000 matches, a worst case.
        ("projects: search 'ram'", "big", url("projects:project_list", query={"q": "ram"})),
        # The top bar's search (customers, contacts and projects in three queries): the page
        # and the live fragment the box fetches as one types.
        (
            f"search: contact '{samples['last_name']}'",
            "search",
            url("search:search", query={"q": samples["last_name"]}),
        ),
        (
            f"search live: '{samples['name']}'",
            "search",
            url("search:search_live", query={"q": samples["name"]}),
        ),
        (
            f"search live: phone '{samples['phone']}'",
            "search",
            url("search:search_live", query={"q": samples["phone"]}),
        ),
        (
            f"search live: '{samples['rare']}' (no match)",
            "search",
            url("search:search_live", query={"q": samples["rare"]}),
        ),
        ("activities: mine upcoming", "big", url("activities:activity_list")),
        (
            "activities: all overdue",
            "big",
            url("activities:activity_list", query={"scope": "all", "when": "overdue"}),
        ),
        # The REST API (session-authenticated like the pages; JSON, cursor pages of 50).
        ("api: customers first page", "page", url("api:customer_list")),
        (
            f"api: customers search '{samples['name']}'",
            "search",
            url("api:customer_list", query={"search": samples["name"]}),
        ),
        (
            "api: customers grouping filter",
            "other",
            url("api:customer_list", query=report_query),
        ),
        ("api: customer detail few", "page", url("api:customer_detail", few.pk)),
        ("api: customer detail many", "page", url("api:customer_detail", many.pk)),
        ("api: contacts many", "page", url("api:contact_list", many.pk)),
        # POST: a new customer with its head office per request (removed after the run).
        (API_CREATE, "page", url("api:customer_list")),
        ("api: projects first page", "other", url("api:project_list")),
        ("api: activities first page", "other", url("api:activity_list")),
    ]
    return found


def remove_created():
    """Delete the customers the create row added, with their history, so every run measures
    the same data."""
    from customers.models import Address, Customer

    created = Customer.objects.filter(name__startswith=CREATED_PREFIX + " ")
    ids = list(created.values_list("pk", flat=True))
    if ids:
        created.delete()
        Customer.history.model.objects.filter(id__in=ids).delete()
        Address.history.model.objects.filter(customer_id__in=ids).delete()


def percentile(values, share):
    ordered = sorted(values)
    if not ordered:
        return None
    k = (len(ordered) - 1) * share
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def create_body(serial):
    """A new customer for the API's create row: a unique name, a head office."""
    return {
        "name": f"{CREATED_PREFIX} {serial} AB",
        "address": {"line1": "Storgatan 1", "postal_code": "903 26", "city": "Umeå"},
    }


def measure(client, url, *, warmup, runs, post=None):
    """Time ``runs`` requests of ``url`` after ``warmup`` untimed ones: GETs, or with ``post``
    (``serial -> body``) POSTs of JSON, each with a body of its own, answered 201."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    serials = iter(range(10**9))

    def request():
        if post is None:
            return client.get(url)
        return client.post(url, post(next(serials)), content_type="application/json")

    ok = 200 if post is None else 201
    for _ in range(max(1, warmup)):
        response = request()
        if response.status_code != ok:
            return {"status": response.status_code}
    times, db_times, cpu_times, queries, sizes = [], [], [], [], []
    for _ in range(runs):
        db_time = [0.0]

        def timed(execute, sql, params, many, context, db_time=db_time):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                db_time[0] += time.perf_counter() - started

        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timed):
            started = time.perf_counter()
            cpu_started = time.thread_time()
            response = request()
            cpu = time.thread_time() - cpu_started
            elapsed = time.perf_counter() - started
        times.append(elapsed * 1000)
        cpu_times.append(cpu * 1000)
        db_times.append(db_time[0] * 1000)
        queries.append(len(captured.captured_queries))
        sizes.append(len(response.content))
    return {
        "status": response.status_code,
        "median_ms": statistics.median(times),
        "p95_ms": percentile(times, 0.95),
        "max_ms": max(times),
        "db_median_ms": statistics.median(db_times),
        # CPU the app itself used (not waiting): stable however busy the machine is.
        "cpu_median_ms": statistics.median(cpu_times),
        "times": times,
        "queries": queries[-1],
        "queries_min": min(queries),
        "queries_max": max(queries),
        "bytes": sizes[-1],
    }


def with_multiples(result, reference_median):
    """Add the page's median and p95 as multiples of the reference's median."""
    if "median_ms" in result and reference_median:
        result["median_x"] = result["median_ms"] / reference_median
        result["p95_x"] = result["p95_ms"] / reference_median
    return result


def verdict(group, result):
    if "median_ms" not in result:
        if result.get("status") in (None, 404):
            return "missing"
        return f"HTTP {result['status']} (page fails)"
    if group not in TARGETS or "median_x" not in result:
        return "-"
    median_target, p95_target = TARGETS[group]
    ok = result["median_x"] <= median_target and result["p95_x"] <= p95_target
    if result["queries_min"] != result["queries_max"]:
        ok = False
    return "ok" if ok else "SLOW"


def machine():
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GB"
    except (OSError, ValueError, IndexError):
        pass
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    import django

    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": pg,
        "platform": platform.platform(),
    }


def data_counts():
    from activities.models import Activity
    from customers.models import Address, Contact, Customer
    from projects.models import Project

    return {
        model.__name__.lower(): model._default_manager.count()
        for model in (Customer, Address, Contact, Project, Activity)
    }


def print_table(rows):
    header = (
        f"{'page':<34} {'median':>8} {'p95':>8} {'x ref':>6} {'p95 x':>6} {'db med':>8} "
        f"{'app cpu':>8} {'queries':>8} {'size':>9}  target"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        r = row["result"]
        if "median_ms" not in r:
            print(f"{row['name']:<34} {'':>67}  {row['verdict']}")
            continue
        multiples = (
            f"{r['median_x']:>5.1f}x {r['p95_x']:>5.1f}x" if "median_x" in r else f"{'':>13}"
        )
        queries = str(r["queries"])
        if r["queries_min"] != r["queries_max"]:
            queries = f"{r['queries_min']}-{r['queries_max']}"
        print(
            f"{row['name']:<34} {r['median_ms']:>6.1f}ms {r['p95_ms']:>6.1f}ms {multiples} "
            f"{r['db_median_ms']:>6.1f}ms {r['cpu_median_ms']:>6.1f}ms {queries:>8} "
            f"{r['bytes'] / 1024:>7.1f}kB  {row['verdict']}"
        )


def main(argv=None):
    args = parse_args(argv)
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"The benchmark needs PostgreSQL; DATABASE_URL is {url!r}.")
    ensure_database(url)
    setup_django(url)
    prepare(args)
    # A failing page is shown in the table; its traceback on every request would bury it.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)

    from django.test import Client

    user = bench_user(args.superuser)
    # A page that fails answers 500 and is reported as such; the run goes on.
    client = Client(HTTP_ACCEPT_LANGUAGE="sv", raise_request_exception=False)
    client.force_login(user)
    few, many = pick_customers()
    legend = {
        "few": {"pk": few.pk, "name": few.name, **related_counts(few)},
        "many": {"pk": many.pk, "name": many.name, **related_counts(many)},
    }
    load_before = os.getloadavg()
    reference_url = "/bench/reference/"
    reference_times = []
    reference_runs = max(5, args.runs // 4)
    rows = []
    for name, group, page_url in pages(few, many):
        if args.only and args.only not in name:
            continue
        # The reference is timed right before each page, so both see the same machine.
        reference = measure(client, reference_url, warmup=1, runs=reference_runs)
        reference_times.extend(reference.pop("times", []))
        if page_url is None:
            result = {"status": None}
        else:
            post = create_body if name == API_CREATE else None
            result = measure(client, page_url, warmup=args.warmup, runs=args.runs, post=post)
            result.pop("times", None)
        rows.append({"name": name, "group": group, "url": page_url, "result": result})
        print(f"  measured {name}", file=sys.stderr)
    remove_created()
    if not reference_times:
        raise SystemExit("No page measured (check --only).")
    reference_median = statistics.median(reference_times)
    reference_row = {
        "name": REFERENCE,
        "group": "reference",
        "url": reference_url,
        "result": {
            "status": 200,
            "median_ms": reference_median,
            "p95_ms": percentile(reference_times, 0.95),
            "max_ms": max(reference_times),
            "samples": len(reference_times),
            **{k: v for k, v in reference.items() if k.startswith(("db_", "cpu_", "quer", "byt"))},
        },
    }
    rows.insert(0, reference_row)
    for row in rows:
        with_multiples(row["result"], reference_median)
        row["verdict"] = verdict(row["group"], row["result"])

    info = machine()
    # Other work on the machine slows every query's round trip: say how busy it was.
    info["load_average"] = [round(x, 1) for x in (load_before[0], os.getloadavg()[0])]
    counts = data_counts()
    print()
    print(
        f"Kundkort page benchmark, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC: "
        f"{info['cpus']} CPUs ({info['cpu']}), {info['memory']}, PostgreSQL {info['postgresql']}"
    )
    print(
        f"Load average (1 min) at start and end: {info['load_average'][0]} and "
        f"{info['load_average'][1]} on {info['cpus']} CPUs"
    )
    print("Data: " + ", ".join(f"{n:,} {k}" for k, n in counts.items()))
    for label, data in legend.items():
        detail = ", ".join(f"{v} {k}" for k, v in data.items() if k not in {"pk", "name"})
        print(f"Card '{label}': {data['name']} (pk {data['pk']}): {detail}")
    print(
        f"{args.warmup} warm-up + {args.runs} timed requests per page, the reference "
        f"{reference_runs} times before each page ({len(reference_times)} in all, median "
        f"{reference_median:.1f} ms). Targets as multiples of the reference median: few rows, "
        f"list and search median <= {TARGETS['page'][0]:.0f}x, p95 <= {TARGETS['page'][1]:.0f}x; "
        f"big accounts, report, projects, activities median <= {TARGETS['big'][0]:.0f}x, "
        f"p95 <= {TARGETS['big'][1]:.0f}x; queries fixed"
    )
    print()
    print_table(rows)

    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = Path(args.json) if args.json else RESULTS_DIR / f"{stamp}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "when": stamp,
                "machine": info,
                "data": counts,
                "customers": legend,
                "runs": args.runs,
                "reference_median_ms": reference_median,
                "warmup": args.warmup,
                "user": user.username,
                "pages": rows,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    print(f"\nWritten to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
