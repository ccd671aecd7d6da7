"""The customer report's long work as jobs: bulk grouping changes and exports (``ReportJob``).

Small cases stay in the request; above ``KUNDKORT_BULK_JOB_CUSTOMERS`` customers or
``KUNDKORT_EXPORT_JOB_ROWS`` rows the view starts one of these and shows the job's page. The job
calls the same services and export code as the request would, reporting progress every
batch of customers or thousand rows; the user may cancel it and try a failed or cancelled
one again.
"""

from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from .models import ReportJob
from .progress import run_tracked


@transaction.atomic
def report_job_start(*, user, kind, params):
    """Create a report job for ``user`` and queue it once the row is committed."""
    job = ReportJob.objects.create(
        kind=kind, params=params, created_by=user, language=translation.get_language() or ""
    )
    transaction.on_commit(lambda: report_job.enqueue(job.pk))
    return job


def report_job_cancel(*, job):
    """Cancel a job: a queued one at once, a running one at its next progress report (a bulk
    change is one transaction: it is rolled back, nothing changes). False when it has ended."""
    if ReportJob.objects.filter(pk=job.pk, status=ReportJob.QUEUED).update(
        status=ReportJob.CANCELLED, finished_at=timezone.now()
    ):
        return True
    return bool(
        ReportJob.objects.filter(pk=job.pk, status=ReportJob.RUNNING).update(cancel_requested=True)
    )


@transaction.atomic
def report_job_retry(*, job):
    """Queue a failed or cancelled job again, with the parameters it was started with."""
    moved = ReportJob.objects.filter(
        pk=job.pk, status__in=[ReportJob.FAILED, ReportJob.CANCELLED]
    ).update(
        status=ReportJob.QUEUED,
        failure="",
        cancel_requested=False,
        finished_at=None,
        phase="",
        done=0,
        total=0,
    )
    if moved:
        transaction.on_commit(lambda: report_job.enqueue(job.pk))
    return bool(moved)


def _bulk_grouping(job, progress):
    from ..models import GroupingOption
    from ..services.groupings import grouping_option_add, grouping_option_remove
    from ..views.report import ACTION_ADD, bulk_grouping_targets

    params = job.params
    option = GroupingOption.objects.select_related("category").get(pk=params["option"])
    customers = bulk_grouping_targets(job.created_by, params)
    total = customers.count()
    progress("customers", 0, total)
    if params["action"] == ACTION_ADD:
        changed = grouping_option_add(
            customers_qs=customers, option=option, user=job.created_by, progress=progress
        )
        message = translation.gettext("%(option)s was added to %(count)s customers.")
    else:
        changed = grouping_option_remove(
            customers_qs=customers, option=option, user=job.created_by, progress=progress
        )
        message = translation.gettext("%(option)s was removed from %(count)s customers.")
    progress("customers", total, total)
    progress.close()
    job.message = (message % {"option": option, "count": changed})[:255]
    return {}


def _export(job, progress):
    from ..views.report import export_file

    job.file_name, job.content_type, job.content = export_file(
        job.created_by, job.params, progress=progress
    )
    progress.close()
    return {}


def _work(job, progress):
    (_bulk_grouping if job.kind == ReportJob.BULK_GROUPING else _export)(job, progress)
    job.status = ReportJob.DONE
    job.finished_at = timezone.now()
    job.save(
        update_fields=["status", "finished_at", "message", "file_name", "content_type", "content"]
    )
    return job.status


@task()
def report_job(job_id):
    """Run a bulk grouping change or an export of the customer report."""
    return run_tracked(ReportJob, job_id, _work, cancellable=True)
