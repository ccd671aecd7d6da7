"""A real job worker killed with SIGKILL in the middle of a confirm.

The worker is a separate process (``manage.py db_worker``, or ``rqworker`` on RQ) on the test
database; the test waits until the worker reports a writing phase, kills the process that runs
the job (the worker itself, or RQ's work horse) and the worker, and checks that nothing of the
import was committed, that the run is shown failed with a retry button, and that the retry
imports the file. PostgreSQL only: the worker must reach the test
database from another process (pytest-django's SQLite test database lives in memory).
"""

import os
import signal

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from customers.importing.models import ImportRun
from customers.models import Address, Customer
from tests.customers.import_helpers import csv_bytes
from tests.factories import UserFactory
from tests.job_helpers import clear_queue, run_jobs, start_worker, wait_for

ROWS = 20_000
WRITING = {"customers", "addresses", "contacts", "groupings", "history"}

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="a worker process needs the test database on PostgreSQL",
    ),
]


def test_worker_killed_mid_confirm_leaves_nothing_and_the_run_can_be_retried(client):
    clear_queue()
    user = UserFactory(username="importer", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["import_customer", "view_customer", "add_customer", "change_customer"]
        )
    )
    client.force_login(user)
    content = csv_bytes(
        ["Customer name", "Address line 1", "Postal code", "City"],
        [[f"Kund {n} AB", f"Gatan {n}", "111 22", "Stockholm"] for n in range(ROWS)],
    )
    data = {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("stor.csv", content)}
    client.post(reverse("admin:customers_customer_import"), data)
    run = ImportRun.objects.get()
    run_jobs()  # the review, in this process
    run.refresh_from_db()
    assert run.can_confirm, run.get_report()["errors"][:3]

    client.post(reverse("admin:customers_customer_import_confirm", args=[run.pk]))
    worker = start_worker()
    try:
        phase, identity = wait_for(
            lambda: (
                ImportRun.objects.filter(pk=run.pk, phase__in=WRITING)
                .values_list("phase", "worker")
                .first()
            )
        )
        # The process that runs the job: the worker itself, or RQ's work horse (a child in a
        # session of its own).
        os.kill(int(identity.rpartition(":")[2]), signal.SIGKILL)
        os.killpg(worker.pid, signal.SIGKILL)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    assert phase in WRITING

    # Nothing half-written: the confirm's transaction died with the process.
    assert Customer.objects.count() == 0
    assert Address.objects.count() == 0
    page = client.get(reverse("admin:customers_customer_import_run", args=[run.pk]))
    run.refresh_from_db()
    assert (run.status, run.failure) == (ImportRun.FAILED, "crashed")
    assert b'data-testid="retry-run"' in page.content

    client.post(reverse("admin:customers_customer_import_retry", args=[run.pk]))
    run_jobs()
    run.refresh_from_db()
    assert run.status == ImportRun.DONE
    assert Customer.objects.count() == ROWS
    clear_queue()
