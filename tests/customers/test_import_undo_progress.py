"""An import's undo reports its progress, and its worker's heartbeat goes on while it runs.

The undo is one transaction. It must not lock the run's row for that long: the worker writes
its progress and heartbeat to that row through a second connection (production's set-up on
PostgreSQL), and such a write would wait for the undo's commit, so a long undo would show no
progress and be taken for a crashed one by the stale check of another machine.

The in-process test runs with progress on the job's own connection (settings.test). The worker
test runs a real worker with the second connection and holds the undo half-way by locking the
customers it is about to delete, from the test's connection; meanwhile it watches the progress
and the heartbeat from outside and runs the stale check as another machine would.
"""

import datetime
import os
import signal
import subprocess
import time

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import transaction
from django.urls import reverse

from customers.background import models as background_models
from customers.background import progress as progress_module
from customers.importing.models import ImportRun
from customers.models import Address, Contact, Customer, CustomerGroupingOption
from tests.customers.test_import_jobs import IMPORTER_PERMISSIONS
from tests.customers.test_job_progress import _upload, big_file
from tests.factories import UserFactory
from tests.job_helpers import clear_queue, enqueued, run_jobs, start_worker, wait_for

POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]
UNDO_PHASES = ("undo_groupings", "undo_contacts", "undo_addresses", "undo_customers")


def _importer(client):
    user = UserFactory(username="importer", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=[*IMPORTER_PERMISSIONS, "delete_customer"])
    )
    client.force_login(user)
    return user


def _imported(client, rows):
    run = _upload(client, big_file(rows))
    run_jobs()
    run.refresh_from_db()
    assert run.can_confirm, run.get_report()["errors"][:3]
    with enqueued():
        client.post(reverse("admin:customers_customer_import_confirm", args=[run.pk]))
    run_jobs()
    run.refresh_from_db()
    assert run.status == ImportRun.DONE
    return run


def _post_undo(client, run):
    with enqueued():
        client.post(reverse("admin:customers_customer_import_undo", args=[run.pk]))


@pytest.mark.django_db
def test_undo_reports_each_table_every_thousand_rows(client, monkeypatch, settings):
    settings.KUNDKORT_JOB_PROGRESS_SECONDS = 0  # write every report, not two a second
    clear_queue()
    _importer(client)
    rows = 1_200
    run = _imported(client, rows)
    assert CustomerGroupingOption.objects.count() == rows

    writes = []
    original_rows = progress_module.Reporter._rows

    def rows_spy(self):
        queryset = original_rows(self)

        class Spy:
            def update(self, **fields):
                writes.append(fields)
                return queryset.update(**fields)

        return Spy()

    monkeypatch.setattr(progress_module.Reporter, "_rows", rows_spy)
    _post_undo(client, run)
    run_jobs()
    run.refresh_from_db()
    assert run.status == ImportRun.UNDONE
    assert not Customer.objects.exists() and not Address.objects.exists()
    assert not Contact.objects.exists() and not CustomerGroupingOption.objects.exists()

    seen = [(write["phase"], write["done"], write["total"]) for write in writes]
    phases = [phase for phase, _done, _total in seen]
    assert "undo_checking" in phases
    # Children before parents, each table from 0 to all its rows, every 1,000 rows.
    assert [phase for phase in dict.fromkeys(phases) if phase in UNDO_PHASES] == list(UNDO_PHASES)
    for phase in UNDO_PHASES:
        assert {(phase, done, rows) for done in (0, 1000, rows)} <= set(seen), phase


@pytest.mark.django_db
def test_an_undo_that_finds_the_run_undone_already_does_nothing(client):
    from customers.importing.undo import import_undo

    clear_queue()
    user = _importer(client)
    run = _imported(client, 3)
    _post_undo(client, run)
    run_jobs()
    run.refresh_from_db()
    assert run.status == ImportRun.UNDONE
    # A second undo of the same run (a retry that raced the first) finds it undone and leaves it.
    assert import_undo(run=run, user=user) is None
    run.refresh_from_db()
    assert run.status == ImportRun.UNDONE and run.undo_blocked == []


def _state(run):
    return (
        ImportRun.objects.filter(pk=run.pk)
        .values("status", "phase", "done", "total", "heartbeat_at", "started_at")
        .get()
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not POSTGRES, reason="a worker process needs the test database on PostgreSQL")
def test_a_long_undo_shows_progress_keeps_its_heartbeat_and_is_not_taken_for_crashed(
    client, monkeypatch, settings
):
    clear_queue()
    _importer(client)
    rows = 300
    run = _imported(client, rows)
    # The stale check as a machine other than the worker's runs it, with a short limit.
    monkeypatch.setattr(background_models.socket, "gethostname", lambda: "another-machine")
    settings.KUNDKORT_JOB_STALE_SECONDS = 2
    stale = datetime.timedelta(seconds=settings.KUNDKORT_JOB_STALE_SECONDS)

    _post_undo(client, run)
    worker = start_worker(
        burst=True, KUNDKORT_JOB_PROGRESS_SECONDS="0", KUNDKORT_JOB_HEARTBEAT_SECONDS="0.2"
    )
    try:
        with transaction.atomic():
            # The undo deletes the customers last: holding them keeps it waiting half-way, its
            # transaction open, after it has removed the groupings, contacts and addresses.
            assert len(Customer.objects.select_for_update()) == rows
            # Each statement here sees what other transactions committed (read committed).
            progress = wait_for(
                lambda: (state := _state(run))["phase"] in UNDO_PHASES[1:] and state
            )
            assert progress["status"] == ImportRun.RUNNING
            assert progress["total"] > 0
            first_beat = progress["heartbeat_at"]
            # The heartbeat goes on while the undo's transaction is open, for longer than the
            # stale limit, and the stale check finds the undo alive each time it looks.
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                state = _state(run)
                job = ImportRun.objects.get(pk=run.pk)
                assert not job.fail_if_stale(), state
                assert job.status == ImportRun.RUNNING
                if state["heartbeat_at"] - first_beat > 2 * stale:
                    break
                assert worker.poll() is None, "the worker ended"
                time.sleep(0.2)
            else:
                raise AssertionError(f"the heartbeat did not go on: {state}")
            assert state["heartbeat_at"] > first_beat
            assert Customer.objects.count() == rows  # the undo is still waiting for them
            assert run.pk in ImportRun.objects.filter(status=ImportRun.RUNNING).values_list(
                "pk", flat=True
            )
        # The lock is gone: the undo goes on to its end.
        wait_for(lambda: _state(run)["status"] not in ImportRun.ACTIVE)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:  # a job stuck for ever (a write waiting on the undo)
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
    run.refresh_from_db()
    assert run.status == ImportRun.UNDONE, (run.status, run.failure)
    assert not Customer.objects.exists() and not CustomerGroupingOption.objects.exists()
    clear_queue()
