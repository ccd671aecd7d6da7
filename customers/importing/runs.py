"""The import's services on the request side: start, confirm, cancel, retry and undo a run.

Each one changes the run's row with a conditional update (only from the state it expects), so
a double click, two tabs or two users racing change it once and enqueue one job; the job itself
claims the run again before it works (``run_tracked``). Jobs are enqueued after the row is
committed (the views run in autocommit), so a worker never looks for a run it cannot see.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from ..background.models import TrackedJob
from ..models import ImportUpload
from .jobs import JOBS, import_review_job, import_undo_job
from .models import CONFIRM, REVIEW, UNDO, ImportRun
from .storage import DatabaseUploadStorage


def _enqueue(job, run):
    def send():
        result = job.enqueue(run.pk)
        ImportRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])

    transaction.on_commit(send)


@transaction.atomic
def import_run_start(*, user, file_name, content, create_missing, update_existing):
    """Keep the uploaded file and queue its review; return the new ``ImportRun``."""
    storage = DatabaseUploadStorage(user=user, file_name=file_name)
    storage.save(content)
    run = ImportRun.objects.create(
        file_name=file_name[:255],
        upload=ImportUpload.objects.get(name=storage.name),
        created_by=user,
        create_missing=create_missing,
        update_existing=update_existing,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    _enqueue(import_review_job, run)
    return run


def _move(run, *, frm, **changes):
    """Move ``run`` from the states in ``frm`` (a dict of field -> allowed values) to
    ``changes`` in one conditional update; True when this call made the move."""
    filters = {f"{field}__in": values for field, values in frm.items()}
    moved = ImportRun.objects.filter(pk=run.pk, **filters).update(**changes)
    run.refresh_from_db()
    return bool(moved)


@transaction.atomic
def import_run_confirm(*, run, user):
    """Queue the confirm of a reviewed run without errors; False when it is not (any more)
    waiting for a confirm (confirmed already: a double click imports once)."""
    if not run.can_confirm:
        return False
    moved = _move(
        run,
        frm={"status": [ImportRun.REVIEWED], "stage": [REVIEW], "error_count": [0]},
        stage=CONFIRM,
        status=ImportRun.QUEUED,
        language=translation.get_language() or run.language,
    )
    if moved:
        _enqueue(JOBS[CONFIRM], run)
    return moved


def import_run_cancel(*, run, user):
    """Cancel a review: a queued one at once, a running one at its next progress report, a
    reviewed one (not imported) by dropping it. A confirm is one transaction: not cancelled."""
    if run.stage != REVIEW:
        return False
    if _move(
        run,
        frm={"status": [ImportRun.QUEUED, ImportRun.REVIEWED]},
        status=ImportRun.CANCELLED,
        finished_at=timezone.now(),
    ):
        return True
    return _move(run, frm={"status": [ImportRun.RUNNING]}, cancel_requested=True)


@transaction.atomic
def import_run_retry(*, run, user):
    """Queue a failed review, confirm or undo again (its file must still be there)."""
    if run.status != ImportRun.FAILED or (run.stage != UNDO and run.upload_id is None):
        return False
    moved = _move(
        run,
        frm={"status": [ImportRun.FAILED]},
        status=ImportRun.QUEUED,
        failure="",
        cancel_requested=False,
    )
    if moved:
        _enqueue(import_undo_job if run.stage == UNDO else JOBS[run.stage], run)
    return moved


@transaction.atomic
def import_run_undo(*, run, user, only_untouched=False):
    """Queue the undo of a confirmed import (``customers.importing.undo.import_undo``)."""
    if not run.can_undo:
        return False
    moved = _move(
        run,
        frm={"status": [ImportRun.DONE]},
        stage=UNDO,
        status=ImportRun.QUEUED,
        undo_untouched_only=only_untouched,
        undone_by=user,
        language=translation.get_language() or run.language,
    )
    if moved:
        _enqueue(import_undo_job, run)
    return moved


def import_runs_fail_stale(runs):
    """Mark the runs among ``runs`` whose worker died as failed (see ``TrackedJob``)."""
    for run in runs:
        if run.status == TrackedJob.RUNNING:
            run.fail_if_stale()


def import_files_purge(*, now=None):
    """Delete uploaded files older than ``KUNDKORT_IMPORT_KEEP_DAYS``; the runs stay in the
    history without them. Returns how many were deleted."""
    now = now or timezone.now()
    keep = datetime.timedelta(days=settings.KUNDKORT_IMPORT_KEEP_DAYS)
    old = ImportUpload.objects.filter(created_at__lt=now - keep).exclude(
        runs__status__in=TrackedJob.ACTIVE
    )
    deleted, _by_model = old.delete()
    return deleted
