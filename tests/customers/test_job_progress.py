"""How often the jobs report progress: every thousand rows while reading, checking, matching and
writing, also while PostgreSQL's ``COPY`` streams the rows, and never a query on a connection
that is in the middle of a ``COPY``.

The in-process tests run with progress on the job's own connection (settings.test), the case
where a progress write inside a ``COPY`` would wait for ever: a report that comes then must be
kept and written after the ``COPY``. The worker test runs a real worker with the second
connection (production's set-up on PostgreSQL) and watches the progress move from outside.
"""

import os
import signal
import time
from collections import defaultdict

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from customers import bulk
from customers.background import progress as progress_module
from customers.importing.models import ImportRun
from customers.models import Address, Contact, Customer, CustomerGroupingOption
from tests.customers.import_helpers import csv_bytes
from tests.customers.test_import_jobs import IMPORTER_PERMISSIONS
from tests.factories import UserFactory
from tests.job_helpers import clear_queue, enqueued, post_and_run, run_jobs, start_worker

ROWS = 4_500
HEADER = [
    "Customer name",
    "Address line 1",
    "Postal code",
    "City",
    "Contact first name",
    "Contact last name",
    "Contact email",
    "Groupings",
]
POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]


def big_file(rows=ROWS):
    return csv_bytes(
        HEADER,
        [
            [
                f"Kund {n} AB",
                f"Gatan {n}",
                "111 22",
                "Stockholm",
                "Anna",
                f"Svensson {n}",
                f"anna.{n}@kund{n}.se",
                "Region\\Norr",
            ]
            for n in range(rows)
        ],
    )


def _importer(client):
    user = UserFactory(username="importer", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=IMPORTER_PERMISSIONS))
    client.force_login(user)
    return user


def _upload(client, content):
    data = {
        "format": "0",
        "resource": "0",
        "import_file": SimpleUploadedFile("stor.csv", content),
        "create_missing": "on",
    }
    with enqueued():
        client.post(reverse("admin:customers_customer_import"), data)
    return ImportRun.objects.latest("pk")


class Recorder:
    """Every report a job makes, and every progress write that reaches the database, with
    whether the job's connection was streaming a COPY at that moment."""

    def __init__(self, monkeypatch):
        self.reports = []
        self.writes = []
        reporter = progress_module.Reporter
        original_call, original_rows = reporter.__call__, reporter._rows
        recorder = self

        def call(self, phase, done, total):
            busy = bulk.in_copy(connection)
            recorder.reports.append({"phase": phase, "done": done, "in_copy": busy})
            return original_call(self, phase, done, total)

        def rows(self):
            queryset = original_rows(self)

            class Spy:
                def update(self, **fields):
                    recorder.writes.append({**fields, "in_copy": bulk.in_copy(connection)})
                    return queryset.update(**fields)

            return Spy()

        monkeypatch.setattr(reporter, "__call__", call)
        monkeypatch.setattr(reporter, "_rows", rows)


def done(entries, phase):
    return sorted({entry["done"] for entry in entries if entry["phase"] == phase})


def largest_step(entries, phase, total=ROWS):
    """The most rows between two reports of ``phase`` (from 0 to ``total``)."""
    values = sorted({0, total, *done(entries, phase)})
    return max(b - a for a, b in zip(values, values[1:], strict=False))


@pytest.fixture
def watchdog():
    """A hang (a query waiting on its own connection's COPY) fails the test instead."""

    def hung(signum, frame):
        raise AssertionError("the job hung")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(600)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def every_report(settings):
    settings.KUNDKORT_JOB_PROGRESS_SECONDS = 0  # write every report, not two a second


@pytest.mark.django_db
def test_review_and_confirm_report_every_thousand_rows_and_never_write_inside_a_copy(
    client, monkeypatch, watchdog, every_report
):
    clear_queue()
    _importer(client)
    recorder = Recorder(monkeypatch)
    run = _upload(client, big_file())
    run_jobs()
    run.refresh_from_db()
    assert run.can_confirm, run.get_report()["errors"][:3]
    # The review: rows read (against the reader's estimate), then rows checked.
    assert {1000, 2000, 3000, 4000} <= set(done(recorder.writes, "reading"))
    assert {1000, 2000, 3000, 4000} <= set(done(recorder.writes, "checking"))

    recorder.reports.clear()
    recorder.writes.clear()
    post_and_run(client, reverse("admin:customers_customer_import_confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportRun.DONE
    assert Customer.objects.count() == Address.objects.count() == Contact.objects.count() == ROWS
    assert CustomerGroupingOption.objects.count() == ROWS

    # Every phase of the confirm reports at least every 2,000 rows (1,000 while a COPY
    # streams, each batch of bulk_create on SQLite).
    for phase in ("reading", "matching", "customers", "addresses", "contacts", "groupings"):
        assert largest_step(recorder.reports, phase) <= 2000, (phase, done(recorder.reports, phase))
    phases = [report["phase"] for report in recorder.reports]
    assert phases.index("matching") < phases.index("customers") < phases.index("addresses")
    assert phases.index("addresses") < phases.index("contacts") < phases.index("groupings")
    assert "history" in phases

    # Nothing reached the database while the job's connection streamed a COPY.
    assert recorder.writes
    assert not any(write["in_copy"] for write in recorder.writes)
    if POSTGRES:
        # The rows went in with COPY: reports came in the middle of it, every 1,000 rows (the
        # history records' too), were kept, and each COPY's figures were written after it.
        during = {report["phase"] for report in recorder.reports if report["in_copy"]}
        assert during >= {"customers", "addresses", "contacts", "groupings", "history"}
        for phase in ("customers", "history"):
            assert {1000, 2000, 3000, 4000} <= set(done(recorder.reports, phase))
        written = {(write["phase"], write["done"]) for write in recorder.writes}
        assert ("customers", ROWS) in written and ("contacts", ROWS) in written


@pytest.mark.django_db
def test_a_report_during_a_copy_is_kept_and_written_after_it(monkeypatch, every_report):
    run = ImportRun.objects.create(status=ImportRun.RUNNING, file_name="f.csv")
    reporter = progress_module.Reporter(ImportRun, run.pk)
    monkeypatch.setattr(progress_module, "in_copy", lambda conn: True)
    reporter("customers", 1000, 5000)
    reporter("customers", 2000, 5000)
    run.refresh_from_db()
    assert (run.phase, run.done) == ("", 0)  # nothing written while "in the COPY"
    monkeypatch.setattr(progress_module, "in_copy", lambda conn: False)
    reporter("customers", 2500, 5000)
    run.refresh_from_db()
    assert (run.phase, run.done, run.total) == ("customers", 2500, 5000)
    assert run.phase_started_at is not None  # the kept phase start went in with it


@pytest.mark.django_db
def test_a_phase_that_comes_back_keeps_its_start(every_report):
    run = ImportRun.objects.create(status=ImportRun.RUNNING, file_name="f.csv")
    reporter = progress_module.Reporter(ImportRun, run.pk)
    reporter("customers", 0, 100)
    run.refresh_from_db()
    started = run.phase_started_at
    reporter("history", 10, 100)
    reporter("customers", 50, 100)
    run.refresh_from_db()
    assert run.phase_started_at == started  # the time left counts from the phase's start


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not POSTGRES, reason="a worker process needs the test database on PostgreSQL")
def test_a_worker_with_a_second_connection_shows_the_copy_moving(client):
    """Production's set-up: the confirm's progress, written through the second connection, is
    seen from outside while its transaction is open, in steps inside each COPY."""
    clear_queue()
    _importer(client)
    rows = 20_000
    run = _upload(client, big_file(rows))
    run_jobs()  # the review, in this process
    run.refresh_from_db()
    assert run.can_confirm
    client.post(reverse("admin:customers_customer_import_confirm", args=[run.pk]))
    seen = defaultdict(set)
    worker = start_worker(burst=True, KUNDKORT_JOB_PROGRESS_SECONDS="0")
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            state = ImportRun.objects.filter(pk=run.pk).values("status", "phase", "done").get()
            if state["status"] not in ImportRun.ACTIVE:
                break
            seen[state["phase"]].add(state["done"])
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait()
    run.refresh_from_db()
    assert run.status == ImportRun.DONE
    assert Customer.objects.count() == rows
    # Figures between a COPY batch's first and last row were seen, in the writing phases.
    inside = {
        phase: {done for done in values if done % 1000 == 0 and 0 < done < rows}
        for phase, values in seen.items()
        if phase in {"customers", "addresses", "contacts", "groupings", "history"}
    }
    assert sum(len(values) for values in inside.values()) >= 3, seen
    clear_queue()
