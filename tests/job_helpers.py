"""Running background jobs inside a test, on the backend the settings choose.

``KUNDKORT_TASKS_BACKEND=rq`` runs the same tests on RQ over Redis (CI runs them both ways).
The jobs run in the test's process and transaction: on the database backend through
django-tasks-db's own claim and ``Worker.run_task``; on RQ through a burst ``SimpleWorker``
(no fork). ``tests/customers/test_import_jobs.py`` kills a real worker process instead.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

ROOT = Path(__file__).resolve().parents[1]

WORKER_ID = "test-worker"


def rq_queue():
    import django_rq

    return django_rq.get_queue("default")


def clear_queue():
    """Drop jobs left in Redis by an earlier test (their rows were rolled back)."""
    if settings.KUNDKORT_TASKS_BACKEND == "rq":
        queue = rq_queue()
        queue.empty()


def queued_count():
    """Jobs waiting on the configured backend."""
    if settings.KUNDKORT_TASKS_BACKEND == "rq":
        return rq_queue().count
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().count()


def run_jobs():
    """Run every queued job to its end; returns how many ran."""
    if settings.KUNDKORT_TASKS_BACKEND == "rq":
        from django_tasks_rq.backend import Job
        from rq import SimpleWorker

        queue = rq_queue()
        ran = queue.count
        worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
        worker.work(burst=True, with_scheduler=False)
        return ran
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    # Worker.run() would call close_old_connections(), which closes the test's connection in
    # the middle of its transaction; the claim and run_task are the worker's own code.
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=WORKER_ID,
        excluded_queue_names=[],
    )
    ran = 0
    while True:
        with transaction.atomic():
            result = DBTaskResult.objects.ready().get_locked()
            if result is None:
                return ran
            result.claim(WORKER_ID)
        worker.run_task(result)
        ran += 1


def enqueued():
    """A context manager that sends the jobs a request enqueues on commit. Each test runs in
    one transaction that never commits, so the enqueue would otherwise never happen."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def post_and_run(client, url, data=None):
    """POST like a person clicking a button, then let the worker run what it enqueued."""
    with enqueued():
        response = client.post(url, data or {})
    run_jobs()
    return response


def start_worker(*, burst=False, **env):
    """A real job worker in its own process on the test database (PostgreSQL), the progress
    on a connection of its own; ``env`` adds settings, ``burst`` stops an RQ worker when its
    queue is empty. Its own process group, so that killing it kills RQ's work horse too."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    command = ["db_worker", "--no-startup-delay", "--interval", "0.1", "--queue-name", "default"]
    if settings.KUNDKORT_TASKS_BACKEND == "rq":
        command = ["rqworker", *(["--burst"] if burst else [])]
        command += ["--job-class", "django_tasks_rq.backend.Job", "default"]
    return subprocess.Popen(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "settings.test",
            "DATABASE_URL": url,
            "KUNDKORT_JOBS_PROGRESS_OWN_CONNECTION": "true",
            **env,
        },
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(predicate, seconds=120):
    """Poll ``predicate`` until it returns something true, and return that."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("gave up waiting")
