#!/usr/bin/env python
"""Profile one page of the benchmark with cProfile: where a request's Python time goes.

    .venv/bin/python bench/profile_page.py "/kunder/?q=Umeå" [--runs 30] [--sort tottime] [--top 40]

Same set-up as ``bench/run.py`` (``DATABASE_URL``, the seeded scale data, the Edit-level
account manager, ``django.test.Client``); a few warm-up requests, then ``--runs`` requests
under one profiler. Prints the functions with the most time (per request), and the time spent
in database calls, so what is left is the app's own CPU.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402 - the benchmark's set-up


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--superuser", action="store_true")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL") or run.DEFAULT_URL
    run.setup_django(url)
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(run.bench_user(args.superuser))
    for _ in range(5):
        response = client.get(args.url)
    print(f"{args.url}: HTTP {response.status_code}, {len(response.content)} bytes")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.runs):
        client.get(args.url)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    total = stats.total_tt / args.runs * 1000
    print(f"{total:.1f} ms per request under the profiler ({args.runs} requests)")
    stats.sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
