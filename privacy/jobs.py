"""The retention job on django-tasks: ``retention_apply`` with progress on a ``RetentionRun``."""

from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from customers.background.progress import run_tracked

from .models import RetentionRun
from .services.retention import retention_apply


@transaction.atomic
def retention_run_start(*, user):
    """Create a run for ``user`` and queue it once the row is committed."""
    run = RetentionRun.objects.create(created_by=user, language=translation.get_language() or "")
    transaction.on_commit(lambda: retention_job.enqueue(run.pk))
    return run


def _work(run, progress):
    counts = retention_apply(user=run.created_by, progress=progress)
    progress.close()
    run.result = counts
    run.status = RetentionRun.DONE
    run.finished_at = timezone.now()
    run.save(update_fields=["result", "status", "finished_at"])
    return run.status


@task()
def retention_job(run_id):
    """Anonymise or delete the personal data that has passed its retention time."""
    return run_tracked(RetentionRun, run_id, _work)
