"""The state every background job keeps in its own row (``TrackedJob``) and the report jobs."""

import datetime
import os
import socket

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Why a job failed: the page shows the translated text, in the reader's language.
FAILURE_MESSAGES = {
    "crashed": _(
        "The job stopped without finishing (its worker process ended or stopped answering). "
        "Nothing it was writing was saved. Try again."
    ),
    "error": _(
        "The job failed with an unexpected error. Nothing it was writing was saved; the error "
        "was logged for the administrators. Try again, or ask an administrator."
    ),
    "changed": _("Nothing was imported: the data changed since the review. See the errors."),
    "file_gone": _("The uploaded file is no longer there (it expired). Upload it again."),
}


def worker_identity():
    """``host:pid`` of this process: tells the web side whether a job's worker still lives."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _process_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A killed child that its parent has not reaped yet is a zombie: gone for our purposes.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


class TrackedJob(models.Model):
    """A background job's state: status, progress through its phases, worker and heartbeat.

    The worker writes ``phase``, ``done`` and ``total`` as it goes and ``heartbeat_at`` every
    few seconds (``customers.background.progress``). A running job whose worker process is gone
    (same machine) or silent for ``KUNDKORT_JOB_STALE_SECONDS`` is marked failed
    (``fail_if_stale``): a worker killed mid-job leaves no job "running" for ever.
    """

    QUEUED = "queued"
    RUNNING = "running"
    REVIEWED = "reviewed"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNDONE = "undone"
    STATUS_CHOICES = [
        (QUEUED, _("queued")),
        (RUNNING, _("running")),
        (REVIEWED, _("reviewed, not imported")),
        (DONE, _("done")),
        (FAILED, _("failed")),
        (CANCELLED, _("cancelled")),
        (UNDONE, _("undone")),
    ]
    ACTIVE = (QUEUED, RUNNING)

    status = models.CharField(_("status"), max_length=16, choices=STATUS_CHOICES, default=QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    phase = models.CharField(_("phase"), max_length=32, blank=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    phase_started_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(_("worker"), max_length=255, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    cancel_requested = models.BooleanField(default=False)
    failure = models.CharField(max_length=16, blank=True)
    # The requester's language: the job's messages (row errors, results) are written in it.
    language = models.CharField(max_length=10, blank=True)

    class Meta:
        abstract = True

    @property
    def is_active(self):
        return self.status in self.ACTIVE

    @property
    def failure_message(self):
        return FAILURE_MESSAGES.get(self.failure, FAILURE_MESSAGES["error"])

    @property
    def percent(self):
        return min(100, int(self.done * 100 / self.total)) if self.total else 0

    @property
    def seconds_left(self):
        """Time left in the current phase, from its pace so far; None until it can tell."""
        if self.status != self.RUNNING or not self.total or not self.done:
            return None
        if self.phase_started_at is None:
            return None
        elapsed = (timezone.now() - self.phase_started_at).total_seconds()
        return max(0, round(elapsed * (self.total - self.done) / self.done))

    @property
    def duration(self):
        if self.started_at is None:
            return None
        end = self.finished_at or timezone.now()
        return end - self.started_at

    def is_stale(self, *, now=None):
        """Is this running job's worker dead (same machine) or silent for too long?"""
        if self.status != self.RUNNING:
            return False
        host, _sep, pid = self.worker.rpartition(":")
        if host == socket.gethostname() and pid.isdigit():
            return not _process_alive(int(pid))
        now = now or timezone.now()
        beat = self.heartbeat_at or self.started_at or self.created_at
        return now - beat > datetime.timedelta(seconds=settings.KUNDKORT_JOB_STALE_SECONDS)

    def fail_if_stale(self):
        """Mark this job failed ("crashed") when its worker is gone; True when it was."""
        if not self.is_stale():
            return False
        now = timezone.now()
        changed = (
            type(self)
            .objects.filter(pk=self.pk, status=self.RUNNING, heartbeat_at=self.heartbeat_at)
            .update(status=self.FAILED, failure="crashed", finished_at=now)
        )
        if changed:
            self.status, self.failure, self.finished_at = self.FAILED, "crashed", now
        else:
            self.refresh_from_db()
        return bool(changed)


class ReportJob(TrackedJob):
    """A bulk grouping change or an export of the customer report, run as a job when large.

    ``params`` holds what the request asked (filters, option, format); an export keeps its
    file in ``content`` until it is downloaded or purged with the import files.
    """

    BULK_GROUPING = "bulk_grouping"
    EXPORT = "export"
    KIND_CHOICES = [(BULK_GROUPING, _("bulk grouping change")), (EXPORT, _("export"))]

    kind = models.CharField(_("kind"), max_length=16, choices=KIND_CHOICES)
    params = models.JSONField(_("parameters"), default=dict)
    message = models.CharField(_("result"), max_length=255, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(_("file"), null=True, blank=True)

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"
