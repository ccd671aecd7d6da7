"""Running a tracked job: claim its row, report progress and heartbeat, record how it ended.

``run_tracked(model, pk, work)`` is what every job function calls. It claims the row (queued →
running, only once: a job enqueued twice, or a retry racing a worker, runs once), gives
``work(job, reporter)`` a ``Reporter`` to call with ``(phase, done, total)``, and marks the row
failed with a message for the user and the traceback in the log when ``work`` raises.

Progress is written through the ``jobs`` database alias when settings give one (a second
connection: PostgreSQL shows a confirm's progress while its transaction is open), otherwise
through the job's own connection. On the job's own connection a report that comes while that
connection streams a ``COPY`` (``customers.bulk.in_copy``) is kept, not written: a query
there would wait for the ``COPY``, which waits for the job, for ever. The next report after
the ``COPY`` (``bulk.insert`` makes one as each ``COPY`` ends) writes it. A heartbeat thread
writes ``heartbeat_at`` meanwhile, so a worker on another machine that died is noticed
(``TrackedJob.is_stale``).
"""

import logging
import threading
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone, translation

from ..bulk import in_copy
from .models import TrackedJob, worker_identity

logger = logging.getLogger("kundkort.jobs")


class JobCancelled(Exception):
    """The user cancelled the job while it ran; it stops at its next progress report."""


def progress_alias():
    if settings.JOBS_PROGRESS_OWN_CONNECTION and "jobs" in settings.DATABASES:
        return "jobs"
    return DEFAULT_DB_ALIAS


class Reporter:
    """The ``progress(phase, done, total)`` callable a job passes to the work it does."""

    def __init__(self, model, pk, *, cancellable=False):
        self.model = model
        self.pk = pk
        self.cancellable = cancellable
        self.alias = progress_alias()
        self.phase = None
        self.phase_started = {}  # phase -> when it first began (a phase may come back)
        self.last = 0.0
        self.pending = None  # fields kept while the connection was busy with a COPY
        self.closed = False
        self._stop = threading.Event()
        self._thread = None

    def _rows(self):
        rows = self.model.objects.using(self.alias).filter(pk=self.pk)
        return rows.filter(cancel_requested=False) if self.cancellable else rows

    def __call__(self, phase, done, total):
        if self.closed:
            return
        now = time.monotonic()
        new_phase = phase != self.phase
        busy = in_copy(connections[self.alias])
        if (
            not new_phase
            and now - self.last < settings.KUNDKORT_JOB_PROGRESS_SECONDS
            and done < total
            and (self.pending is None or busy)
        ):
            return
        self.last = now
        fields = {"phase": phase, "done": done, "total": total, "heartbeat_at": timezone.now()}
        if new_phase:
            self.phase = phase
            started = self.phase_started.setdefault(phase, fields["heartbeat_at"])
            fields["phase_started_at"] = started
        if self.pending is not None:
            fields = {**self.pending, **fields}
        if busy:
            self.pending = fields
            return
        self.pending = None
        if not self._rows().update(**fields) and self.cancellable:
            raise JobCancelled

    def _beat(self):
        alias = self.alias
        try:
            while not self._stop.wait(settings.KUNDKORT_JOB_HEARTBEAT_SECONDS):
                self.model.objects.using(alias).filter(pk=self.pk).update(
                    heartbeat_at=timezone.now()
                )
        except Exception:  # the heartbeat must never take the job down with it
            logger.exception("Heartbeat of %s %s stopped", self.model.__name__, self.pk)
        finally:
            connections[alias].close()

    def start(self):
        # Only with a connection of its own: on the job's connection a heartbeat would wait for
        # the job's transaction (SQLite: a single-machine set-up, where the pid check suffices).
        if self.alias != DEFAULT_DB_ALIAS:
            self._thread = threading.Thread(target=self._beat, daemon=True, name="heartbeat")
            self._thread.start()

    def close(self):
        """Stop writing (before the job's transaction touches its own row, which would make
        a write through the second connection wait for that transaction: a deadlock)."""
        self.closed = True
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self.alias != DEFAULT_DB_ALIAS:
            connections[self.alias].close()


def claim(model, pk):
    """Queued → running for this worker; None when the job is not queued (cancelled, done,
    or claimed already by another worker)."""
    now = timezone.now()
    claimed = model.objects.filter(pk=pk, status=TrackedJob.QUEUED).update(
        status=TrackedJob.RUNNING,
        started_at=now,
        heartbeat_at=now,
        worker=worker_identity(),
        phase="",
        done=0,
        total=0,
        phase_started_at=None,
        failure="",
        finished_at=None,
    )
    return model.objects.get(pk=pk) if claimed else None


def run_tracked(model, pk, work, *, cancellable=False):
    """Run ``work(job, reporter)`` for the queued job ``pk`` of ``model``; see the module."""
    job = claim(model, pk)
    if job is None:
        logger.info("%s %s is not queued; nothing to do", model.__name__, pk)
        return None
    reporter = Reporter(model, pk, cancellable=cancellable)
    reporter.start()
    language = getattr(job, "language", "") or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            return work(job, reporter)
    except JobCancelled:
        reporter.close()
        model.objects.filter(pk=pk).update(status=TrackedJob.CANCELLED, finished_at=timezone.now())
        return None
    except Exception:
        reporter.close()
        logger.exception("%s %s failed", model.__name__, pk)
        model.objects.filter(pk=pk, status=TrackedJob.RUNNING).update(
            status=TrackedJob.FAILED, failure="error", finished_at=timezone.now()
        )
        raise
    finally:
        reporter.close()
