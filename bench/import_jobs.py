"""An import through its background jobs with one real job worker, timed end to end.

Generates a file like ``manage.py bench_import`` (60 % new customers, 40 % rows adding an
address and contact to existing ones), starts one ``manage.py db_worker``, queues the review
(``import_run_start``), waits for it, queues the confirm and waits again. Prints the wall time
of each step as the user sees it (queue pick-up included), the engine's own time, and the
worker's peak resident memory. PostgreSQL only, DEBUG off:

    export DJANGO_SETTINGS_MODULE=settings.test
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kk_import .venv/bin/python \\
        bench/import_jobs.py 100000
"""

import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402

from customers.importing.runs import import_run_confirm, import_run_start  # noqa: E402
from ops.management.commands.bench_import import Command  # noqa: E402


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM"):
                return int(line.split()[1]) // 1024
    return 0


def main(rows):
    rng = random.Random(1)
    tag = os.urandom(3).hex()
    user, _created = get_user_model().objects.get_or_create(
        username="bench-import", defaults={"is_staff": True, "is_superuser": True}
    )
    command = Command()
    existing = command.seed_existing(rng, tag, max(1, rows * 40 // 100 // 2))
    content = command.make_file(rng, tag, rows, existing)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.2"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    peak = 0

    def wait(run, until):
        nonlocal peak
        started = time.monotonic()
        while True:
            run.refresh_from_db()
            peak = max(peak, peak_rss_mb(worker.pid))
            if run.status in until:
                return time.monotonic() - started
            time.sleep(0.2)

    try:
        run = import_run_start(
            user=user,
            file_name=f"bench-{tag}.csv",
            content=content,
            create_missing=True,
            update_existing=False,
        )
        review = wait(run, {"reviewed", "failed"})
        if not run.can_confirm:
            sys.exit(f"review failed: {run.status} {run.get_report()['errors'][:2]}")
        import_run_confirm(run=run, user=user)
        confirm = wait(run, {"done", "failed"})
        print(
            f"{rows} rows: review {review:.1f} s (engine {run.review_seconds:.1f} s), "
            f"confirm {confirm:.1f} s (engine {run.confirm_seconds:.1f} s), {run.status}, "
            f"worker peak RSS {peak} MB, {run.new_customers} new customers"
        )
    finally:
        worker.terminate()
        worker.wait()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
