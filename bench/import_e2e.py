#!/usr/bin/env python
"""An import of a generated file through the admin's pages, end to end, with the load test beside.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kk_jobs_e2e .venv/bin/python bench/import_e2e.py
    make bench-import-e2e [E2E_DATABASE_URL=...] [E2E_ARGS="--rows 100000 --quiet 30"]

What it does, on PostgreSQL on loopback:

1. migrates, collects static files, seeds customers for the load test's clients and makes their
   users (``loadtest.prepare``), an administrator, and the customers 40 % of the file's rows
   add to; generates the file as ``manage.py bench_import`` does (60 % new customers, Windows-1252,
   semicolons, groupings on every row);
2. starts gunicorn with the repository's ``gunicorn.conf.py`` (its workers, timeout and so on)
   and ``settings.prod`` (``bench/e2e_settings.py`` adds only the reference page's URL), and one
   job worker (``manage.py db_worker``);
3. logs the clients in, then runs the load test's page loop (the customer list, a search, a
   card and its tabs, an edit; the reference page right before each page) with ``--clients``
   clients for ``--quiet`` seconds while nothing else runs: the quiet figures;
4. logs an administrator in through the admin's login page, uploads the file on the admin's
   import page, polls the progress box as the page's htmx does until the review is done,
   presses Confirm, and polls again until the import is done, with the clients' page loop
   running for the whole confirm;
5. prints the wall time of the review and of the confirm as the administrator sees them (upload
   or Confirm press to the progress box's "done"), the engine's own times, how many different
   progress figures the box showed, the job worker's peak resident memory (VmHWM) and that of
   its review helper, and for both load phases p50/p95 per page in ms and as multiples of the
   reference page's p50 measured in the same phase, with the error counts and load averages.

Every client edits its own customers, none of which the file touches, so no edit meets a
newer version. The figures go to ``bench/results/import-e2e-<time>.json`` too. The script
exits with status 1 when a page answered an error or the import did not finish.
"""

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import loadtest  # noqa: E402
from loadtest import CARD_TABS, SEARCH_TERMS, Client, FormParser, Stats, percentile  # noqa: E402

REFERENCE_PATH = "/bench/reference/"  # reference.py's page (importing it needs Django set up)

ADMIN = "e2e-admin"
IMPORT_PATH = "/admin/customers/customer/import/"
REFERENCE = "reference"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the file (100000)")
    parser.add_argument("--clients", type=int, default=32, help="load-test clients (32)")
    parser.add_argument("--quiet", type=float, default=60, help="seconds of quiet load (60)")
    parser.add_argument("--port", type=int, default=8766, help="loopback port for gunicorn")
    parser.add_argument(
        "--min-customers", type=int, default=2000, help="customers for the clients' pages"
    )
    parser.add_argument("--poll", type=float, default=0.5, help="seconds between progress polls")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    args.demo = False  # loadtest.prepare: plain customers only (see there)
    return args


def load_averages():
    return "{:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg())


def vm_hwm_mb(pid):
    """Peak resident memory (VmHWM) of a live process, in MB; 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as text:
            return [int(p) for p in text.read().split()]
    except OSError:
        return []


class MemoryWatch(threading.Thread):
    """Polls the worker's VmHWM and its children's (the review's forked validation helper)."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.worker = 0.0
        self.child = 0.0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.wait(0.2):
            self.worker = max(self.worker, vm_hwm_mb(self.pid))
            for child in children(self.pid):
                self.child = max(self.child, vm_hwm_mb(child))


def prepare(env, args):
    """loadtest.prepare (migrate, static files, seeds, clients' users), then the administrator,
    the customers the file adds to, and the file."""
    usernames, customer_ids = loadtest.prepare(env, args)
    from django.contrib.auth import get_user_model
    from django.db import connections

    from ops.management.commands.bench_import import Command

    admin, _created = get_user_model().objects.get_or_create(username=ADMIN)
    admin.is_staff = admin.is_superuser = admin.is_active = True
    admin.set_password(loadtest.PASSWORD)
    admin.save()
    rng = random.Random(args.seed)
    tag = os.urandom(3).hex()
    command = Command()
    existing = command.seed_existing(rng, tag, max(1, args.rows * 40 // 100 // 2))
    content = command.make_file(rng, tag, args.rows, existing)
    connections.close_all()
    return usernames, customer_ids, content, f"e2e-{tag}.csv"


class AdminClient(Client):
    """The administrator's browser: the admin's login form, a multipart upload, htmx polls."""

    def login_admin(self):
        path = "/admin/login/?next=/admin/"
        _response, content = self.request("admin login form", "GET", path)
        fields = dict(FormParser().feed_and_get(content))
        fields.update(username=ADMIN, password=loadtest.PASSWORD)
        response, _content = self.request(
            "admin login", "POST", path, list(fields.items()), expect=(302,)
        )
        return response is not None and response.status == 302

    def upload(self, file_name, content):
        _response, page = self.request("import page", "GET", IMPORT_PATH)
        fields = FormParser(action=IMPORT_PATH).feed_and_get(page)
        # The administrator picks CSV (the first format) and "Create missing values".
        fields = [(k, v) for k, v in fields if k not in {"format", "create_missing"}]
        fields += [("format", "0"), ("create_missing", "on")]
        boundary = "----kundkort-e2e-" + os.urandom(8).hex()
        parts = []
        for name, value in fields:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="import_file"; '
            f'filename="{file_name}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.raw(
            "upload",
            "POST",
            IMPORT_PATH,
            b"".join(parts),
            f"multipart/form-data; boundary={boundary}",
        )

    def raw(self, step, method, path, body, content_type, extra=None):
        headers = {
            "Host": self.host,
            "X-Forwarded-Proto": "https",
            "Accept-Language": "sv",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Content-Type": content_type,
            "Origin": f"https://{self.host}",
            "Referer": f"https://{self.host}{path}",
            **(extra or {}),
        }
        started = time.perf_counter()
        conn = self._connection()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        content = response.read()
        self.stats.record(step, time.perf_counter() - started, response.status, None)
        return response, content

    def poll(self, progress_path, interval, samples):
        """Poll the progress box as htmx does until the job has ended (204 + HX-Refresh)."""
        while True:
            response, content = self.raw(
                "progress", "GET", progress_path, None, "text/plain", {"HX-Request": "true"}
            )
            if response.status == 204:
                return time.monotonic()
            text = content.decode("utf-8", "replace")
            phase = re.search(r'data-phase="([^"]*)"', text)
            done = re.search(r'data-done="(\d+)"', text)
            samples.append((phase.group(1) if phase else "", int(done.group(1)) if done else 0))
            time.sleep(interval)


def page_loop(index, client, customer_ids, args, stop):
    """loadtest's client loop until ``stop`` is set (looked at before every request), with the
    reference page requested right before each page, so both see the same moment."""
    rng = random.Random(args.seed * 1000 + index)
    own = customer_ids[index :: args.clients] or customer_ids

    def get(step, path):
        if stop.is_set():
            return None, b""
        client.request(REFERENCE, "GET", REFERENCE_PATH)
        return client.request(step, "GET", path)

    while not stop.is_set():
        get("list", f"/customers/?page={rng.randint(1, 5)}")
        get("search", f"/customers/?q={urllib.parse.quote(rng.choice(SEARCH_TERMS))}")
        pk = rng.choice(customer_ids)
        for tab in CARD_TABS:
            get("card " + (tab.rstrip("/") or "contacts"), f"/customers/{pk}/{tab}")
        edit_path = f"/customers/{rng.choice(own)}/edit/"
        response, content = get("edit form", edit_path)
        if response is None or response.status != 200 or stop.is_set():
            continue
        fields = FormParser(action=edit_path).feed_and_get(content)
        client.request("edit save", "POST", edit_path, fields, expect=(302,))


class Load:
    """The clients' page loop in threads, started and stopped around one phase."""

    def __init__(self, clients, customer_ids, args):
        self.clients = clients
        self.customer_ids = customer_ids
        self.args = args

    def start(self):
        self.stats = Stats()
        self.stop = threading.Event()
        self.started = time.monotonic()
        self.load_before = load_averages()
        for client in self.clients:
            client.stats = self.stats
        self.threads = [
            threading.Thread(
                target=page_loop,
                args=(i, client, self.customer_ids, self.args, self.stop),
                daemon=True,
            )
            for i, client in enumerate(self.clients)
        ]
        for thread in self.threads:
            thread.start()

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=120)
        elapsed = time.monotonic() - self.started
        return summarise(self.stats, elapsed, self.load_before, load_averages())


def summarise(stats, elapsed, load_before, load_after):
    reference = percentile(stats.latencies.get(REFERENCE, []), 0.5)
    steps = {}
    for step, values in sorted(stats.latencies.items()):
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        steps[step] = {
            "requests": len(values),
            "p50_ms": round(p50 * 1000, 1),
            "p95_ms": round(p95 * 1000, 1),
            "p50_x": round(p50 / reference, 1) if reference else None,
            "p95_x": round(p95 / reference, 1) if reference else None,
        }
    total = sum(len(v) for v in stats.latencies.values())
    return {
        "seconds": round(elapsed, 1),
        "requests": total,
        "requests_per_second": round(total / elapsed, 1) if elapsed else 0,
        "errors": len(stats.errors),
        "error_examples": stats.errors[:10],
        "load_average_before": load_before,
        "load_average_after": load_after,
        "steps": steps,
    }


def print_load(title, figures):
    print(
        f"\n{title}: {figures['seconds']} s, {figures['requests']} requests "
        f"({figures['requests_per_second']}/s), errors {figures['errors']}, "
        f"load average {figures['load_average_before']} -> {figures['load_average_after']}"
    )
    print(
        f"{'page':<20}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p50 x ref':>11}{'p95 x ref':>11}"
    )
    for step, f in figures["steps"].items():
        print(
            f"{step:<20}{f['requests']:>9}{f['p50_ms']:>9}{f['p95_ms']:>9}"
            f"{f['p50_x'] or 0:>11}{f['p95_x'] or 0:>11}"
        )
    for problem in figures["error_examples"]:
        print(f"  {problem}")


def start_processes(env, args):
    server_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "e2e_settings",
        "PYTHONPATH": os.pathsep.join([str(BENCH), str(ROOT), env.get("PYTHONPATH", "")]),
        "GUNICORN_BIND": f"127.0.0.1:{args.port}",
        "KUNDKORT_TASKS_BACKEND": "database",
    }
    log = open(BENCH / "results" / "import-e2e-server.log", "ab")  # noqa: SIM115
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "settings.wsgi"],
        cwd=ROOT,
        env=server_env,
        stdout=subprocess.DEVNULL,  # the access log
        stderr=log,
        start_new_session=True,
    )
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--queue-name", "default"],
        cwd=ROOT,
        env=server_env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    return gunicorn, worker


def stop(process):
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def engine_seconds(run_id):
    from customers.importing.models import ImportRun

    run = ImportRun.objects.get(pk=run_id)
    return run, run.review_seconds, run.confirm_seconds


def main():
    args = parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    loadtest.check_database_url(database_url)
    loadtest.ensure_database_exists(database_url)
    (BENCH / "results").mkdir(exist_ok=True)
    env = loadtest.server_env(database_url)
    env["DJANGO_SETTINGS_MODULE"] = "e2e_settings"
    print(f"Preparing (migrate, seed, a {args.rows:,}-row file)...", flush=True)
    usernames, customer_ids, content, file_name = prepare(env, args)
    print(f"File {file_name}: {len(content) / 1e6:.1f} MB. Starting gunicorn and one worker...")
    gunicorn, worker = start_processes(env, args)
    figures = {"rows": args.rows, "clients": args.clients, "cpus": os.cpu_count()}
    try:
        loadtest.wait_for_server(args.port, gunicorn)
        login_stats = Stats()
        clients = []
        for username in usernames:
            client = Client(args.port, login_stats)
            if not client.login(username):
                raise SystemExit(f"{username} could not log in")
            clients.append(client)
        load = Load(clients, customer_ids, args)

        print(f"Quiet load: {args.clients} clients for {args.quiet:.0f} s...", flush=True)
        load.start()
        time.sleep(args.quiet)
        figures["quiet"] = load.finish()

        admin = AdminClient(args.port, Stats())
        if not admin.login_admin():
            raise SystemExit("the administrator could not log in")
        memory = MemoryWatch(worker.pid)
        memory.start()
        print("Uploading through the admin's import page; the review runs...", flush=True)
        figures["load_average_at_upload"] = load_averages()
        started = time.monotonic()
        response, page = admin.upload(file_name, content)
        if response.status != 302:
            errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', page.decode(), re.S)
            raise SystemExit(f"upload answered {response.status}: {errors}")
        run_path = urllib.parse.urlparse(response.getheader("Location")).path
        run_id = int(re.search(r"/imports/(\d+)/", run_path).group(1))
        review_samples = []
        review_done = admin.poll(f"{run_path}progress/", args.poll, review_samples)
        figures["review_wall_s"] = round(review_done - started, 1)
        _response, page = admin.request("import run page", "GET", run_path)
        confirm_path = f"{run_path}confirm/"
        fields = FormParser(action=confirm_path).feed_and_get(page)
        if not fields:
            raise SystemExit("the review page has no Confirm button (errors in the file?)")

        print("Confirm pressed; the clients load the pages meanwhile...", flush=True)
        figures["load_average_at_confirm"] = load_averages()
        load.start()
        started = time.monotonic()
        admin.request("confirm", "POST", confirm_path, fields, expect=(302,))
        confirm_samples = []
        confirm_done = admin.poll(f"{run_path}progress/", args.poll, confirm_samples)
        figures["confirm_wall_s"] = round(confirm_done - started, 1)
        figures["during_confirm"] = load.finish()
        memory.stop.set()
        memory.join()
        figures["worker_peak_rss_mb"] = round(max(memory.worker, vm_hwm_mb(worker.pid)))
        figures["review_helper_peak_rss_mb"] = round(memory.child)
        run, review_engine, confirm_engine = engine_seconds(run_id)
        figures.update(
            status=run.status,
            new_customers=run.new_customers,
            review_engine_s=round(review_engine or 0, 1),
            confirm_engine_s=round(confirm_engine or 0, 1),
            review_progress_figures=len(set(review_samples)),
            confirm_progress_figures=len(set(confirm_samples)),
            confirm_phases=list(dict.fromkeys(phase for phase, _done in confirm_samples if phase)),
        )
    finally:
        stop(worker)
        stop(gunicorn)

    print(
        f"\n{args.rows:,} rows through the admin ({figures['cpus']} CPUs; load average at upload "
        f"{figures['load_average_at_upload']}, at confirm {figures['load_average_at_confirm']}):\n"
        f"review {figures['review_wall_s']} s as the administrator waits (engine "
        f"{figures['review_engine_s']} s), {figures['review_progress_figures']} progress figures\n"
        f"confirm {figures['confirm_wall_s']} s (engine {figures['confirm_engine_s']} s), "
        f"{figures['confirm_progress_figures']} progress figures, phases "
        f"{', '.join(figures['confirm_phases'])}\n"
        f"status {figures['status']}, {figures['new_customers']:,} new customers; job worker peak "
        f"RSS {figures['worker_peak_rss_mb']} MB "
        f"(its review helper {figures['review_helper_peak_rss_mb']} MB)"
    )
    print_load("Quiet", figures["quiet"])
    print_load("While the confirm runs", figures["during_confirm"])
    out = BENCH / "results" / f"import-e2e-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(figures, indent=2))
    print(f"\nWritten {out.relative_to(ROOT)}")
    errors = figures["quiet"]["errors"] + figures["during_confirm"]["errors"]
    return 1 if errors or figures["status"] != "done" else 0


if __name__ == "__main__":
    sys.exit(main())
