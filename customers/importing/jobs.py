"""The import's background jobs: review, confirm and undo of an ``ImportRun``.

Each task takes the run's id only (the same on the database queue and on RQ) and goes through
``run_tracked``, which claims the run, reports progress and records failures. The confirm marks
the run done inside the import's own transaction: a worker killed before the commit leaves
neither customers nor a run that says "done" (the stale check marks it failed).
"""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from core.history import SOURCE_IMPORT, change_source

from ..background.models import TrackedJob
from ..background.progress import run_tracked
from .engine import ImportOptions, run_import
from .models import CONFIRM, REVIEW, ImportRun
from .undo import import_undo

# The review page lists this many rows; the counts and errors always cover the whole file.
SHOW_ROWS = 1000


def _options(run):
    return ImportOptions(create_missing=run.create_missing, update_existing=run.update_existing)


def _report(result):
    return {
        "rows": [
            [row.row, row.action, row.customer, row.changes or []]
            for row in result.rows[:SHOW_ROWS]
        ],
        "errors": [[e.row, e.column, e.value, e.message] for e in result.errors],
        "values_created": [[str(label), list(names)] for label, names in result.values_created],
        "meta": {
            "file_error": result.file_error,
            "encoding": result.encoding,
            "delimiter": result.delimiter,
            "file_format": result.file_format,
            "row_total": len(result.rows),
        },
    }


def _counts(run, result):
    run.row_count = result.row_count
    run.new_customers = result.new_customers
    run.updated_customers = result.updated_customers
    run.unchanged_customers = result.unchanged_customers
    run.addresses_added = result.addresses_added
    run.contacts_added = result.contacts_added
    run.groupings_added = result.groupings_added
    run.values_created = result.values_created_count
    run.skipped_changes = result.skipped_changes
    run.error_count = len(result.errors) + (1 if result.file_error else 0)
    run.set_report(_report(result))


COUNT_FIELDS = [
    "row_count",
    "new_customers",
    "updated_customers",
    "unchanged_customers",
    "addresses_added",
    "contacts_added",
    "groupings_added",
    "values_created",
    "skipped_changes",
    "error_count",
    "report",
]


def _file(run):
    upload = run.upload
    if upload is None:
        return None, b""
    return bytes(upload.content), bytes(upload.validated or b"")


def _review(run, progress):
    content, _validated = _file(run)
    if content is None:
        return _fail(run, "file_gone")
    result = run_import(
        content,
        file_name=run.file_name,
        options=_options(run),
        user=run.created_by,
        commit=False,
        progress=progress,
    )
    progress.close()
    if not result.has_errors:
        type(run.upload).objects.filter(pk=run.upload_id).update(validated=result.validated)
    _counts(run, result)
    run.status = ImportRun.REVIEWED
    run.review_seconds = result.seconds
    run.finished_at = timezone.now()
    run.save(update_fields=[*COUNT_FIELDS, "status", "review_seconds", "finished_at"])
    return run.status


def _confirm(run, progress):
    content, validated = _file(run)
    if content is None:
        return _fail(run, "file_gone")
    with transaction.atomic():
        with change_source(SOURCE_IMPORT, run.history_reason.partition(": ")[2]):
            result = run_import(
                content,
                file_name=run.file_name,
                options=_options(run),
                user=run.created_by,
                commit=True,
                validated=validated,
                progress=progress,
            )
        # No progress write after this point: the run's row is about to be written inside this
        # transaction, and the second connection would wait for it.
        progress.close()
        _counts(run, result)
        now = timezone.now()
        run.finished_at = now
        run.confirm_seconds = result.seconds
        if result.committed:
            run.status, run.confirmed_at = ImportRun.DONE, now
        else:
            run.status, run.failure = ImportRun.FAILED, "changed"
        run.save(
            update_fields=[
                *COUNT_FIELDS,
                "status",
                "failure",
                "confirm_seconds",
                "confirmed_at",
                "finished_at",
            ]
        )
    return run.status


def _undo(run, progress):
    blocked = import_undo(
        run=run, user=run.undone_by, only_untouched=run.undo_untouched_only, progress=progress
    )
    progress.close()
    run.refresh_from_db()
    return run.status if blocked is not None else None


def _fail(run, failure):
    ImportRun.objects.filter(pk=run.pk).update(
        status=TrackedJob.FAILED, failure=failure, finished_at=timezone.now()
    )
    return TrackedJob.FAILED


@task()
def import_review_job(run_id):
    """Review an uploaded file (a dry run): counts, row report and errors on the run."""
    return run_tracked(ImportRun, run_id, _review, cancellable=True)


@task()
def import_confirm_job(run_id):
    """Import a reviewed file in one transaction, its history rows tagged with the run."""
    return run_tracked(ImportRun, run_id, _confirm)


@task()
def import_undo_job(run_id):
    """Undo a confirmed import (``import_undo``), or record the customers changed since."""
    return run_tracked(ImportRun, run_id, _undo)


JOBS = {REVIEW: import_review_job, CONFIRM: import_confirm_job}
