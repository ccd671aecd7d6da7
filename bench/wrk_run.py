#!/usr/bin/env python
"""HTTP throughput with wrk: the reference page and the main pages, same server, same run.

    make bench-http [WRK_ARGS="--duration 10 --connections 16"]
    DATABASE_URL=postgres://... .venv/bin/python bench/wrk_run.py [--duration 10] [--connections 16]

Starts gunicorn with the production settings (``bench/wrk_settings.py`` adds the reference
page; persistent database connections as in production) on a loopback port, logs a Read-only
user in (a session made directly in the database, its cookie given to wrk), then runs ``wrk``
against each URL in turn and prints requests per second and latency, each also as a share of
the reference page's (measured right before every page, as in ``bench/run.py``). The target:
the list, search and card tabs each serve at least 40 % of the reference page's requests per
second. Needs the ``wrk`` binary (``make bench-http`` installs Debian's) and seeded data.
"""

import argparse
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR / "bench"))

import run  # noqa: E402 - the benchmark's pages and user

# List, search and card tabs must serve at least this share of the reference's requests/s.
TARGET_SHARE = 0.40


def parse_wrk(output):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = re.search(r"Latency\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[latency.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": rps,
        "latency_ms": float(latency.group(1)) * scale,
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--only", default="")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL") or run.DEFAULT_URL
    run.setup_django(url)
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    secret = secrets.token_urlsafe(64)
    user = run.read_only_user()
    few, many = run.pick_customers()
    # The session is signed with the server's SECRET_KEY: make it under the same key.
    settings.SECRET_KEY = secret
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="wrk_settings",
        PYTHONPATH=os.pathsep.join([str(BASE_DIR / "bench"), str(BASE_DIR)]),
        DATABASE_URL=url,
        SECRET_KEY=secret,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        GUNICORN_ACCESS_LOG="/dev/null",  # gunicorn.conf.py logs every request otherwise
    )
    if not env.get("REDIS_URL"):
        # One machine: the API's throttle counters may stay in each process (prod asks).
        env.setdefault("KUNDKORT_API_THROTTLE_CACHE_URL", "local")
    # The production settings serve hashed static files: their manifest must be there.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        env=env,
        cwd=BASE_DIR,
        check=True,
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "settings.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
            "--forwarded-allow-ips",
            "127.0.0.1",
        ],
        env=env,
        cwd=BASE_DIR,
    )
    base = f"http://127.0.0.1:{args.port}"
    headers = [
        "-H",
        f"Cookie: {settings.SESSION_COOKIE_NAME}={session.session_key}",
        "-H",
        "X-Forwarded-Proto: https",
        "-H",
        "Accept-Language: sv",
    ]
    try:
        probe = urllib.request.Request(
            base + "/bench/reference/", headers={"X-Forwarded-Proto": "https"}
        )
        for _ in range(120):
            try:
                urllib.request.urlopen(probe, timeout=2)
                break
            except urllib.error.HTTPError:  # it answers
                break
            except OSError:
                time.sleep(0.5)
        pages = [(n, u) for n, g, u in run.pages(few, many) if u and args.only in n]
        pages = [p for p in pages if not p[0].startswith(("report", "projects", "activities"))]
        pages = [p for p in pages if p[0] != run.API_CREATE]
        print(
            f"load average {os.getloadavg()[0]:.1f}; {args.connections} connections, "
            f"{args.duration} s per URL, gunicorn {args.workers} workers",
            flush=True,
        )
        print(
            f"{'page':<36} {'req/s':>7} {'ref req/s':>9} {'% ref':>6} {'latency':>9} "
            f"{'x ref':>6}  non-2xx  target (>= {TARGET_SHARE:.0%} of the reference)"
        )
        for name, path in pages:
            results = []
            for target in ("/bench/reference/", path):
                out = subprocess.run(
                    [
                        "wrk",
                        "-t2",
                        f"-c{args.connections}",
                        f"-d{args.duration}s",
                        "--latency",
                        *headers,
                        base + target,
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                results.append(parse_wrk(out))
            ref, page = results
            share = page["rps"] / ref["rps"]
            verdict = "ok" if share >= TARGET_SHARE and not page["non_2xx"] else "SLOW"
            print(
                f"{name[:36]:<36} {page['rps']:>7.1f} {ref['rps']:>9.1f} "
                f"{share:>6.0%} {page['latency_ms']:>7.1f}ms "
                f"{page['latency_ms'] / ref['latency_ms']:>5.1f}x  {page['non_2xx']:>7}  {verdict}",
                flush=True,
            )
        print(f"load average {os.getloadavg()[0]:.1f} at the end")
    finally:
        server.terminate()
        server.wait()
        session.delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
