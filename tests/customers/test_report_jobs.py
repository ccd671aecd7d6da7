"""The report's long work as jobs: bulk grouping changes and exports above their thresholds.

The thresholds are lowered so a handful of customers makes a "large" case; the jobs run through
the configured task backend (``tests/job_helpers.py``).
"""

import pytest
from django.test import Client
from django.urls import reverse

from customers.background.models import FAILURE_MESSAGES
from customers.models import CustomerGroupingOption, GroupingCategory, ReportJob
from customers.services import groupings as groupings_services
from customers.views import report as report_views
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


# -- progress, cancel, retry ---------------------------------------------------------------


@pytest.fixture
def reports(monkeypatch, settings):
    """Every progress report a job makes, (phase, done, total), written as it comes."""
    from customers.background import progress

    settings.KUNDKORT_JOB_PROGRESS_SECONDS = 0
    made = []
    original = progress.Reporter.__call__

    def call(self, phase, done, total):
        made.append((phase, done, total))
        return original(self, phase, done, total)

    monkeypatch.setattr(progress.Reporter, "__call__", call)
    return made


def _export_job(client, count=5, file_format="csv"):
    for n in range(count):
        CustomerFactory(name=f"Kund {n} AB")
    with enqueued():
        response = client.get(EXPORT, {"format": file_format})
    return ReportJob.objects.get(), response["Location"]


def job_url(name, job):
    return reverse(f"reports:{name}", args=[job.pk])


def test_export_job_reports_its_rows_as_it_writes_them(editor_client, monkeypatch, reports):
    monkeypatch.setattr("customers.views.report.EXPORT_PROGRESS_ROWS", 2)
    job, _page = _export_job(editor_client, count=5)
    run_jobs()
    assert reports == [("rows", 0, 5), ("rows", 2, 5), ("rows", 4, 5), ("rows", 5, 5)]
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (ReportJob.DONE, 5, 5)


def test_running_job_page_polls_a_progress_box_with_htmx(editor_client):
    job, page_url = _export_job(editor_client, count=3)
    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportJob.RUNNING, phase="rows", done=1000, total=4000, worker="elsewhere:1"
    )
    page = editor_client.get(page_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'hx-trigger="every 1s"' in page and 'hx-swap="outerHTML"' in page
    assert "htmx-2.min.js" in page  # the page loads htmx (a file: the CSP allows no inline code)
    box = editor_client.get(page_url, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")
    text = box.content.decode()
    assert box.status_code == 200 and "<h1" not in text  # the box only
    assert 'value="25"' in text and "of" in text and 'data-testid="job-cancel"' in text
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.DONE)
    ended = editor_client.get(page_url, HTTP_HX_REQUEST="true")
    assert ended.status_code == 204 and ended["HX-Refresh"] == "true"


def test_bulk_job_reports_each_batch_of_customers(editor_client, golf, monkeypatch, reports):
    monkeypatch.setattr("customers.services.groupings.BATCH_SIZE", 1)
    for n in range(3):
        CustomerFactory(name=f"Kund {n}")
    data = {"action": "add", "option": golf.pk, "scope": "all", "query": "", "confirmed": "1"}
    with enqueued():
        editor_client.post(BULK, data)
    run_jobs()
    assert [done for _phase, done, _total in reports] == [0, 1, 2, 3, 3]
    assert ReportJob.objects.get().status == ReportJob.DONE


def test_a_queued_job_cancelled_never_runs(editor_client):
    job, page_url = _export_job(editor_client, count=3)
    response = editor_client.post(job_url("job_cancel", job))
    assert response["Location"] == page_url
    run_jobs()
    job.refresh_from_db()
    assert job.status == ReportJob.CANCELLED and job.content is None
    page = editor_client.get(page_url)
    assert b'data-testid="job-cancelled"' in page.content
    assert b'data-testid="job-retry"' in page.content


def test_a_running_export_stops_at_its_next_progress_report(editor_client, monkeypatch, reports):
    monkeypatch.setattr("customers.views.report.EXPORT_PROGRESS_ROWS", 1)
    job, _page = _export_job(editor_client, count=4)
    original = report_views.export_rows

    def cancelled_after_the_first_row(rows_qs, columns):
        for n, row in enumerate(original(rows_qs, columns)):
            if n == 1:
                editor_client.post(job_url("job_cancel", job))  # the user presses Cancel
            yield row

    monkeypatch.setattr(report_views, "export_rows", cancelled_after_the_first_row)
    run_jobs()
    job.refresh_from_db()
    assert job.status == ReportJob.CANCELLED
    assert job.content is None
    assert max(done for _phase, done, _total in reports) < 4


def test_a_cancelled_bulk_change_changes_no_customer(editor_client, golf, monkeypatch):
    monkeypatch.setattr("customers.services.groupings.BATCH_SIZE", 1)
    for n in range(3):
        CustomerFactory(name=f"Kund {n}")
    data = {"action": "add", "option": golf.pk, "scope": "all", "query": "", "confirmed": "1"}
    with enqueued():
        editor_client.post(BULK, data)
    job = ReportJob.objects.get()
    original = groupings_services._touch

    def touch_then_cancel(customer_ids, *, user):
        original(customer_ids, user=user)
        editor_client.post(job_url("job_cancel", job))  # after the first customer's batch

    monkeypatch.setattr(groupings_services, "_touch", touch_then_cancel)
    run_jobs()
    job.refresh_from_db()
    assert job.status == ReportJob.CANCELLED
    assert not CustomerGroupingOption.objects.exists()  # the batch written was rolled back
    page = editor_client.get(job_url("job_detail", job))
    assert b'data-testid="job-cancelled"' in page.content


def test_retry_runs_a_failed_export_again(editor_client, monkeypatch):
    job, page_url = _export_job(editor_client, count=3)
    monkeypatch.setattr(report_views, "export_file", lambda *a, **k: 1 / 0)
    run_jobs()
    monkeypatch.undo()
    job.refresh_from_db()
    assert job.status == ReportJob.FAILED
    assert b'data-testid="job-retry"' in editor_client.get(page_url).content
    with enqueued():
        response = editor_client.post(job_url("job_retry", job))
    assert response["Location"] == page_url
    assert run_jobs() == 1
    job.refresh_from_db()
    assert (job.status, job.failure) == (ReportJob.DONE, "")
    download = editor_client.get(job_url("job_download", job))
    assert len(download.content.decode("utf-8-sig").splitlines()) == 4


def test_a_finished_job_is_neither_cancelled_nor_retried(editor_client):
    job, page_url = _export_job(editor_client, count=3)
    run_jobs()
    editor_client.post(job_url("job_cancel", job))
    with enqueued():
        editor_client.post(job_url("job_retry", job))
    assert run_jobs() == 0
    job.refresh_from_db()
    assert job.status == ReportJob.DONE


def test_another_user_can_neither_cancel_nor_retry_a_job(editor_client, client, all_user):
    job, _page = _export_job(editor_client, count=3)
    client.force_login(all_user)
    assert client.post(job_url("job_cancel", job)).status_code == 404
    assert client.post(job_url("job_retry", job)).status_code == 404
    job.refresh_from_db()
    assert job.status == ReportJob.QUEUED and not job.cancel_requested


def test_anonymous_is_sent_to_log_in(editor_client):
    job, page_url = _export_job(editor_client, count=3)
    client = Client()
    for url in (page_url, job_url("job_download", job)):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(job_url("job_cancel", job))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
