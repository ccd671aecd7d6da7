#!/usr/bin/env python
"""Load test: gunicorn with the production settings on PostgreSQL, driven by concurrent clients.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kk_loadtest .venv/bin/python bench/loadtest.py
    make loadtest DATABASE_URL=postgres://...  [LOADTEST_ARGS="--clients 32 --duration 60"]

The script migrates the database, collects static files, seeds customers when there are too few
(``seed_demo`` when the command exists, then plain customers up to ``--min-customers``), makes
one Edit user per client, starts gunicorn with ``settings.prod`` on a loopback port and runs
``--clients`` threads (standard library only: http.client with its own cookie handling). Each
client logs in through the login form and then loops: the customer list, a search, a customer's
card and its tabs, and an edit of the customer's details (GET the form, POST it back with its
CSRF token and version). Clients edit disjoint customers, so no edit meets a newer version.

It prints requests per second, latency percentiles (p50, p95, p99) overall and per step, and the
count of error responses (status >= 400, a refused edit, a connection failure), and exits with
status 1 when there was any error. Only loopback addresses are used; the production settings
redirect plain HTTP to HTTPS, so every request carries ``X-Forwarded-Proto: https`` as the
TLS-terminating proxy would.
"""

import argparse
import http.client
import json
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
PASSWORD = "loadtest-pass-" + "x" * 8
SEARCH_TERMS = ["ab", "bygg", "konsult", "stock", "1", "gr", "sv", "tek", "and", "ström"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (32)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (60)")
    parser.add_argument(
        "--max-requests", type=int, default=0, help="stop after this many requests (0: no cap)"
    )
    parser.add_argument("--port", type=int, default=8765, help="loopback port for gunicorn")
    parser.add_argument(
        "--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1, help="gunicorn workers"
    )
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument(
        "--min-customers", type=int, default=500, help="seed plain customers up to this number"
    )
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the clients' paths")
    return parser.parse_args()


def server_env(database_url):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="settings.prod",
        DATABASE_URL=database_url,
        SECRET_KEY=env.get("LOADTEST_SECRET_KEY") or secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        AXES_FAILURE_LIMIT="1000",
    )
    # Production settings want shared API throttle counters; the load test measures pages, so
    # per-process counters do unless Redis is named.
    if not env.get("REDIS_URL"):
        env.setdefault("KUNDKORT_API_THROTTLE_CACHE_URL", "local")
    return env


def check_database_url(database_url):
    if not database_url:
        sys.exit("Set DATABASE_URL to a PostgreSQL database on 127.0.0.1 (its own name).")
    parsed = urllib.parse.urlparse(database_url)
    if parsed.scheme not in {"postgres", "postgresql", "pgsql"}:
        sys.exit("The load test runs on PostgreSQL: DATABASE_URL must be postgres://...")
    if parsed.hostname not in LOOPBACK:
        sys.exit(f"Only loopback databases: {parsed.hostname} is not one.")


def ensure_database_exists(database_url):
    parsed = urllib.parse.urlparse(database_url)
    name = parsed.path.lstrip("/")
    import psycopg

    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare(env, args):
    """Migrate, collect static files, seed and make the clients' users; return customer ids."""
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.management import call_command, get_commands

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from customers import roles
    from customers.models import Address, Contact, Customer

    # The demo data, unless the caller's own data would clash with it (import_e2e.py's file
    # uses a multiple-choice "Region" grouping; the demo's is single-choice).
    seed_demo = getattr(args, "demo", True) and "seed_demo" in get_commands()
    if Customer.objects.count() < args.min_customers and seed_demo:
        call_command("seed_demo", verbosity=0)
    missing = args.min_customers - Customer.objects.count()
    if missing > 0:
        rng = random.Random(args.seed)
        start = (Customer.objects.order_by("-number").values_list("number", flat=True).first()) or 0
        words = ["Bygg", "Konsult", "Data", "Teknik", "Service", "Handel", "Logistik", "Design"]
        towns = ["Stockholm", "Göteborg", "Malmö", "Uppsala", "Västerås", "Örebro", "Umeå"]
        customers = Customer.objects.bulk_create(
            Customer(
                number=start + i + 1,
                name=f"{rng.choice(words)} {rng.choice(words)} {start + i + 1} AB",
                country="SE",
            )
            for i in range(missing)
        )
        Address.objects.bulk_create(
            Address(
                customer=c,
                line1=f"Storgatan {i % 90 + 1}",
                postal_code=f"{11100 + i % 800}",
                city=rng.choice(towns),
                is_head_office=True,
                is_postal=True,
            )
            for i, c in enumerate(customers)
        )
        Contact.objects.bulk_create(
            Contact(customer=c, first_name="Anna", last_name=f"Andersson {i}")
            for i, c in enumerate(customers)
        )

    User = get_user_model()
    edit_group = Group.objects.get(name=roles.EDIT)
    usernames = []
    for i in range(args.clients):
        user, _created = User.objects.get_or_create(username=f"loadtest-{i + 1}")
        user.set_password(PASSWORD)
        user.is_active = True
        user.save()
        user.groups.add(edit_group)
        usernames.append(user.username)
    ids = list(Customer.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    from django.db import connections

    connections.close_all()
    return usernames, ids


class FormParser(HTMLParser):
    """The fields of the first form with method POST whose action matches ``action``."""

    def __init__(self, action=None):
        super().__init__()
        self.action = action
        self.in_form = False
        self.done = False
        self.fields = []
        self._select = None
        self._textarea = None
        self._select_first = None

    def feed_and_get(self, content):
        self.feed(content.decode("utf-8", "replace"))
        return self.fields

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.done and (a.get("method") or "").lower() == "post":
            form_action = a.get("action") or ""
            if self.action is None or form_action in ("", self.action):
                self.in_form = True
        if not self.in_form:
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            name = a.get("name")
            if not name or kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
                return
            self.fields.append((name, a.get("value", "")))
        elif tag == "select":
            self._select = a.get("name")
            self._select_first = None
            self._select_chosen = False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self.fields.append((self._select, value))
                self._select_chosen = True
        elif tag == "textarea":
            self._textarea = [a.get("name"), ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if not self.in_form:
            return
        if tag == "select" and self._select:
            if not self._select_chosen and self._select_first is not None:
                self.fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            if name:
                self.fields.append((name, text.removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self.in_form = False
            self.done = True


class Client:
    """One user's browser: cookies, CSRF, one connection reopened when the server closes it."""

    def __init__(self, port, stats):
        self.port = port
        self.host = f"127.0.0.1:{port}"
        self.cookies = {}
        self.stats = stats
        self.conn = None

    def _connection(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        return self.conn

    def request(self, step, method, path, fields=None, expect=(200,)):
        headers = {
            "Host": self.host,
            "X-Forwarded-Proto": "https",
            "Accept-Language": "sv",
            "User-Agent": "kundkort-loadtest",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            body = urllib.parse.urlencode(fields or []).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{self.host}"
            headers["Referer"] = f"https://{self.host}{path}"
        started = time.perf_counter()
        try:
            conn = self._connection()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                self.conn = None
        except (OSError, http.client.HTTPException) as exc:
            self.conn = None
            self.stats.record(step, time.perf_counter() - started, None, f"{path}: {exc!r}")
            return None, b""
        elapsed = time.perf_counter() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _sep, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        problem = None
        if response.status not in expect:
            problem = f"{method} {path}: {response.status} (expected {expect})"
        elif response.status == 302 and "/accounts/login/" in (
            response.getheader("Location") or ""
        ):
            problem = f"{method} {path}: sent to the login page"
        self.stats.record(step, elapsed, response.status, problem)
        return response, content

    def login(self, username):
        _response, content = self.request("login form", "GET", "/accounts/login/")
        fields = dict(FormParser().feed_and_get(content))
        fields.update(username=username, password=PASSWORD)
        response, _content = self.request(
            "login", "POST", "/accounts/login/", list(fields.items()), expect=(302,)
        )
        return response is not None and response.status == 302


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = defaultdict(list)
        self.statuses = defaultdict(int)
        self.errors = []

    def reset(self):
        """Forget the logins' timings (their errors stay counted)."""
        with self.lock:
            self.latencies.clear()
            self.statuses.clear()

    def record(self, step, elapsed, status, problem):
        with self.lock:
            self.latencies[step].append(elapsed)
            self.statuses[status] += 1
            if problem:
                self.errors.append(problem)

    def total(self):
        with self.lock:
            return sum(len(v) for v in self.latencies.values())


def percentile(values, fraction):
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


CARD_TABS = ["", "projects/", "collaboration/", "settings/", "history/"]


def client_loop(index, username, customer_ids, args, stats, run):
    rng = random.Random(args.seed * 1000 + index)
    client = Client(args.port, stats)
    logged_in = client.login(username)
    run.wait_for_start()  # every client logs in first: the figures measure the pages only
    if not logged_in:
        return
    # Each client edits only its own slice of customers: no two edits meet on one customer.
    own = customer_ids[index :: args.clients] or customer_ids
    while run.going():
        client.request("list", "GET", f"/customers/?page={rng.randint(1, 5)}")
        term = urllib.parse.quote(rng.choice(SEARCH_TERMS))
        client.request("search", "GET", f"/customers/?q={term}")
        pk = rng.choice(customer_ids)
        for tab in CARD_TABS:
            step = "card " + (tab.rstrip("/") or "contacts")
            client.request(step, "GET", f"/customers/{pk}/{tab}")
        mine = rng.choice(own)
        edit_path = f"/customers/{mine}/edit/"
        response, content = client.request("edit form", "GET", edit_path)
        if response is None or response.status != 200:
            continue
        fields = FormParser(action=edit_path).feed_and_get(content)
        client.request("edit save", "POST", edit_path, fields, expect=(302,))


class Run:
    """Starts the clock when every client has logged in; stops at the duration or the cap."""

    def __init__(self, clients, duration, max_requests, stats):
        self.barrier = threading.Barrier(clients, action=self._start)
        self.duration = duration
        self.max_requests = max_requests
        self.stats = stats
        self.started = None
        self.stop_at = None

    def _start(self):
        self.stats.reset()
        self.started = time.monotonic()
        self.stop_at = self.started + self.duration

    def wait_for_start(self):
        self.barrier.wait(timeout=600)

    def going(self):
        if time.monotonic() >= self.stop_at:
            return False
        return not (self.max_requests and self.stats.total() >= self.max_requests)


def wait_for_server(port, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited with status {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request(
                "GET",
                "/accounts/login/",
                headers={"Host": f"127.0.0.1:{port}", "X-Forwarded-Proto": "https"},
            )
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    sys.exit("gunicorn did not answer in time")


def report(stats, elapsed, args):
    all_latencies = [v for values in stats.latencies.values() for v in values]
    total = len(all_latencies)
    figures = {
        "clients": args.clients,
        "workers": args.workers,
        "threads": args.threads,
        "duration_s": round(elapsed, 1),
        "requests": total,
        "requests_per_second": round(total / elapsed, 1) if elapsed else 0,
        "p50_ms": round(percentile(all_latencies, 0.50) * 1000, 1),
        "p95_ms": round(percentile(all_latencies, 0.95) * 1000, 1),
        "p99_ms": round(percentile(all_latencies, 0.99) * 1000, 1),
        "errors": len(stats.errors),
        "statuses": {str(k): v for k, v in sorted(stats.statuses.items(), key=str)},
        "steps": {},
    }
    for step, values in sorted(stats.latencies.items()):
        figures["steps"][step] = {
            "requests": len(values),
            "p50_ms": round(percentile(values, 0.50) * 1000, 1),
            "p95_ms": round(percentile(values, 0.95) * 1000, 1),
            "p99_ms": round(percentile(values, 0.99) * 1000, 1),
            "mean_ms": round(statistics.fmean(values) * 1000, 1),
        }
    print(
        f"\n{figures['clients']} clients, gunicorn {figures['workers']} workers x "
        f"{figures['threads']} threads, {figures['duration_s']} s"
    )
    print(
        f"requests: {total}   requests/s: {figures['requests_per_second']}   "
        f"p50 {figures['p50_ms']} ms   p95 {figures['p95_ms']} ms   p99 {figures['p99_ms']} ms"
    )
    print(f"{'step':<20}{'requests':>10}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}")
    for step, f in figures["steps"].items():
        print(f"{step:<20}{f['requests']:>10}{f['p50_ms']:>10}{f['p95_ms']:>10}{f['p99_ms']:>10}")
    print(f"statuses: {figures['statuses']}")
    print(f"error responses: {figures['errors']}")
    for problem in stats.errors[:20]:
        print(f"  {problem}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return figures


def main():
    args = parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    check_database_url(database_url)
    ensure_database_exists(database_url)
    env = server_env(database_url)
    print("Preparing the database (migrate, collectstatic, seed, users)...", flush=True)
    usernames, customer_ids = prepare(env, args)
    if not customer_ids:
        sys.exit("No customers to load.")
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "settings.wsgi:application",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--log-level",
        "warning",
        "--timeout",
        "60",
        "--forwarded-allow-ips",
        "127.0.0.1",
    ]
    print(f"Starting gunicorn on 127.0.0.1:{args.port} ({args.workers} workers)...", flush=True)
    process = subprocess.Popen(gunicorn, cwd=BASE_DIR, env=env, start_new_session=True)
    try:
        wait_for_server(args.port, process)
        stats = Stats()
        run = Run(args.clients, args.duration, args.max_requests, stats)
        threads = [
            threading.Thread(
                target=client_loop,
                args=(i, usernames[i], customer_ids, args, stats, run),
                daemon=True,
            )
            for i in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.duration + 600)
        elapsed = time.monotonic() - (run.started or time.monotonic())
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    figures = report(stats, elapsed, args)
    return 1 if figures["errors"] or not figures["requests"] else 0


if __name__ == "__main__":
    sys.exit(main())
