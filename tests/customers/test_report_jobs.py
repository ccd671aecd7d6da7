"""The report's long work as jobs: bulk grouping changes and exports above their thresholds.

The thresholds are lowered so a handful of customers makes a "large" case; the jobs run through
the configured task backend (``tests/job_helpers.py``).
"""

import pytest
from django.urls import reverse

from customers.background.models import FAILURE_MESSAGES
from customers.models import CustomerGroupingOption, GroupingCategory, ReportJob
from tests.factories import CustomerFactory, GroupingCategoryFactory, GroupingOptionFactory
from tests.job_helpers import clear_queue, enqueued, queued_count, run_jobs

pytestmark = pytest.mark.django_db

EXPORT = reverse("reports:customer_export")
BULK = reverse("reports:customer_bulk")


@pytest.fixture(autouse=True)
def _small_thresholds(settings):
    settings.KUNDKORT_EXPORT_JOB_ROWS = 2
    settings.KUNDKORT_BULK_JOB_CUSTOMERS = 2
    clear_queue()
    yield
    clear_queue()


@pytest.fixture
def golf(db):
    category = GroupingCategoryFactory(name="Interests", selection=GroupingCategory.MULTIPLE)
    return GroupingOptionFactory(category=category, name="Golf")


def test_small_export_stays_immediate(editor_client):
    CustomerFactory(name="Ett AB")
    response = editor_client.get(EXPORT, {"format": "csv"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert queued_count() == 0


def test_large_export_runs_as_a_job_with_a_download_link(editor_client):
    for name in ("Ett AB", "Två AB", "=Tre AB"):
        CustomerFactory(name=name)
    with enqueued():
        response = editor_client.get(EXPORT, {"format": "csv"})
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert response["Location"] == reverse("reports:job_detail", args=[job.pk])
    assert editor_client.get(response["Location"]).context["job"].status == ReportJob.QUEUED
    assert run_jobs() == 1
    page = editor_client.get(response["Location"])
    assert b'data-testid="job-download"' in page.content
    download = editor_client.get(reverse("reports:job_download", args=[job.pk]))
    text = download.content.decode("utf-8-sig")
    assert len(text.splitlines()) == 4
    assert "'=Tre AB" in text  # formula escaped as in the immediate export


def test_large_bulk_grouping_change_runs_as_a_job(editor_client, golf):
    for n in range(3):
        CustomerFactory(name=f"Kund {n}")
    data = {"action": "add", "option": golf.pk, "scope": "all", "query": "", "confirmed": "1"}
    with enqueued():
        response = editor_client.post(BULK, data)
    assert response.status_code == 302
    assert not CustomerGroupingOption.objects.exists()
    run_jobs()
    job = ReportJob.objects.get()
    assert job.status == ReportJob.DONE
    assert CustomerGroupingOption.objects.filter(option=golf).count() == 3
    page = editor_client.get(reverse("reports:job_detail", args=[job.pk]))
    assert "3" in page.context["job"].message


def test_a_job_that_raises_shows_the_failure(editor_client, monkeypatch):
    for name in ("Ett AB", "Två AB", "Tre AB"):
        CustomerFactory(name=name)
    with enqueued():
        editor_client.get(EXPORT, {"format": "xlsx"})

    def broken(user, query, progress=None):
        raise RuntimeError("no space left")

    monkeypatch.setattr("customers.views.report.export_file", broken)
    run_jobs()
    job = ReportJob.objects.get()
    assert (job.status, job.failure) == (ReportJob.FAILED, "error")
    page = editor_client.get(reverse("reports:job_detail", args=[job.pk]))
    assert str(FAILURE_MESSAGES["error"]) in page.content.decode()


def test_another_users_job_is_out_of_reach(editor_client, client, all_user):
    for name in ("Ett AB", "Två AB", "Tre AB"):
        CustomerFactory(name=name)
    with enqueued():
        editor_client.get(EXPORT, {"format": "csv"})
    run_jobs()
    job = ReportJob.objects.get()
    client.force_login(all_user)
    assert client.get(reverse("reports:job_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:job_download", args=[job.pk])).status_code == 404
