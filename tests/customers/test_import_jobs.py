"""The import's background jobs: enqueue, progress, cancel, failure, retry, undo, permissions.

The jobs run through the configured task backend (the database queue, or RQ with
``KUNDKORT_TASKS_BACKEND=rq``: ``tests/job_helpers.py``), in the test's process.
"""

import datetime
import logging
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from core.history import SOURCE_FORM, change_source
from customers.background.models import FAILURE_MESSAGES
from customers.importing import jobs
from customers.importing import undo as undo_module
from customers.importing.models import ImportRun
from customers.models import Address, Customer, CustomerGroupingOption, ImportUpload
from tests.customers.import_helpers import csv_bytes, one_row, sv_file
from tests.factories import AddressFactory, CustomerFactory, UserFactory
from tests.job_helpers import clear_queue, enqueued, post_and_run, queued_count, run_jobs

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:customers_customer_import")
HISTORY_URL = reverse("admin:customers_customer_import_history")
IMPORTER_PERMISSIONS = (
    "import_customer",
    "view_customer",
    "add_customer",
    "change_customer",
    "add_industry",
    "add_contactrole",
    "add_groupingcategory",
    "add_groupingoption",
    "add_paymentterm",
    "add_invoicetemplate",
    "add_pricelist",
)


@pytest.fixture(autouse=True)
def _empty_queue():
    clear_queue()
    yield
    clear_queue()


def _staff(*perms, username):
    user = UserFactory(username=username, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=perms))
    return user


@pytest.fixture
def importer(db):
    return _staff(*IMPORTER_PERMISSIONS, "delete_customer", username="importer")


@pytest.fixture
def importer_client(client, importer):
    client.force_login(importer)
    return client


def url(name, run):
    return reverse(f"admin:customers_customer_{name}", args=[run.pk])


def upload(client, content, name="kunder.csv", **switches):
    """POST the upload form; the review job is enqueued, not run. Returns the new run."""
    data = {"format": "0", "resource": "0", "import_file": SimpleUploadedFile(name, content)}
    data.update({key: "on" for key, on in switches.items() if on})
    with enqueued():
        response = client.post(IMPORT_URL, data)
    assert response.status_code == 302
    return ImportRun.objects.latest("pk")


def reviewed(client, content=None, **switches):
    run = upload(client, sv_file() if content is None else content, **switches)
    run_jobs()
    run.refresh_from_db()
    return run


def imported(client, content=None, **switches):
    run = reviewed(client, content, create_missing=True, **switches)
    assert run.can_confirm, run.get_report()["errors"]
    post_and_run(client, url("import_confirm", run))
    run.refresh_from_db()
    assert run.status == ImportRun.DONE
    return run


# -- enqueue and progress ------------------------------------------------------------------


def test_upload_queues_the_review_and_the_page_shows_it_waiting(importer_client):
    run = upload(importer_client, sv_file(), create_missing=True)
    assert queued_count() == 1
    assert run.status == ImportRun.QUEUED
    page = importer_client.get(url("import_run", run))
    assert b'data-testid="import-progress"' in page.content
    assert b"hx-get" in page.content
    assert not Customer.objects.exists()


def test_review_job_reports_its_rows_and_shows_the_review(importer_client):
    run = reviewed(importer_client, create_missing=True)
    assert run.status == ImportRun.REVIEWED
    assert (run.phase, run.done, run.total) == ("checking", 3, 3)
    assert (run.new_customers, run.addresses_added, run.contacts_added) == (2, 3, 2)
    page = importer_client.get(url("import_run", run))
    assert b'data-testid="confirm-import"' in page.content
    assert "Åkerlunds Bygg AB" in page.content.decode()
    assert not Customer.objects.exists()


def test_progress_box_shows_rows_done_of_total_while_running(importer_client):
    run = upload(importer_client, sv_file())
    now = timezone.now()
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.RUNNING,
        phase="checking",
        done=1000,
        total=4000,
        phase_started_at=now - datetime.timedelta(seconds=10),
        started_at=now,
        heartbeat_at=now,
        worker="elsewhere:1",
    )
    with translation.override("en"):
        page = importer_client.get(url("import_progress", run), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert 'value="25"' in text
    figures = {
        key: re.sub(r"\D", "", re.search(rf'data-testid="rows-{key}">([^<]*)<', text).group(1))
        for key in ("read", "checked", "total")
    }
    assert figures == {"read": "4000", "checked": "1000", "total": "4000"}
    # 1,000 rows took 10 s (and the moment of the request): 3,000 more take about 30 s.
    left = re.search(r"about (\d+) s left", text)
    assert left and 30 <= int(left.group(1)) <= 40


def test_progress_of_a_finished_job_reloads_the_page(importer_client):
    run = reviewed(importer_client)
    response = importer_client.get(url("import_progress", run), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Refresh"] == "true"


# -- cancel --------------------------------------------------------------------------------


def test_cancelled_queued_review_never_runs(importer_client):
    run = upload(importer_client, sv_file())
    importer_client.post(url("import_cancel", run))
    run_jobs()
    run.refresh_from_db()
    assert run.status == ImportRun.CANCELLED
    assert run.row_count == 0  # the job found it cancelled and did nothing


def test_running_review_stops_at_its_next_progress_report(importer_client, monkeypatch):
    run = upload(importer_client, sv_file())

    def review_cancelled_midway(content, *, progress, **kwargs):
        progress("checking", 0, 2000)
        importer_client.post(url("import_cancel", run))  # the user presses Cancel meanwhile
        progress("checking", 2000, 2000)
        raise AssertionError("the review went on after the cancel")

    monkeypatch.setattr(jobs, "run_import", review_cancelled_midway)
    run_jobs()
    run.refresh_from_db()
    assert run.status == ImportRun.CANCELLED


def test_a_confirm_cannot_be_cancelled(importer_client):
    run = imported(importer_client)
    importer_client.post(url("import_cancel", run))
    run.refresh_from_db()
    assert run.status == ImportRun.DONE


# -- failure and retry ---------------------------------------------------------------------


def test_job_that_raises_is_failed_with_a_translated_message_and_logged(
    importer_client, monkeypatch, caplog
):
    run = upload(importer_client, sv_file(), create_missing=True)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(jobs, "run_import", broken)
    with caplog.at_level(logging.ERROR, logger="kundkort.jobs"):
        run_jobs()
    run.refresh_from_db()
    assert (run.status, run.failure) == (ImportRun.FAILED, "error")
    logged = [record for record in caplog.records if record.name == "kundkort.jobs"]
    assert logged and "disk on fire" in str(logged[0].exc_info[1])
    page = importer_client.get(url("import_run", run), HTTP_ACCEPT_LANGUAGE="sv")
    with translation.override("sv"):
        swedish = str(FAILURE_MESSAGES["error"])
    with translation.override("en"):
        english = str(FAILURE_MESSAGES["error"])
    assert swedish != english
    assert swedish in page.content.decode()
    assert b'data-testid="retry-run"' in page.content


def test_retry_runs_a_failed_review_again(importer_client, monkeypatch):
    run = upload(importer_client, sv_file(), create_missing=True)
    monkeypatch.setattr(jobs, "run_import", lambda *a, **k: 1 / 0)
    run_jobs()
    monkeypatch.undo()
    post_and_run(importer_client, url("import_retry", run))
    run.refresh_from_db()
    assert run.status == ImportRun.REVIEWED
    assert run.can_confirm


def test_a_confirm_that_fails_imports_nothing_and_its_retry_imports_the_file(
    importer_client, monkeypatch
):
    run = reviewed(importer_client, create_missing=True)
    monkeypatch.setattr("customers.importing.writer.Writer.write_contacts", lambda *a: 1 / 0)
    post_and_run(importer_client, url("import_confirm", run))
    run.refresh_from_db()
    assert (run.stage, run.status, run.failure) == ("confirm", ImportRun.FAILED, "error")
    assert not Customer.objects.exists()  # the customers written before it were rolled back
    page = importer_client.get(url("import_run", run))
    assert b'data-testid="retry-run"' in page.content
    monkeypatch.undo()
    post_and_run(importer_client, url("import_retry", run))
    run.refresh_from_db()
    assert run.status == ImportRun.DONE
    assert Customer.objects.count() == 2


def test_an_undo_that_fails_undoes_nothing_and_its_retry_undoes_the_import(
    importer_client, monkeypatch
):
    run = imported(importer_client)
    original = undo_module._undo_model

    def undo_then_fail(model, rows, **kwargs):
        original(model, rows, **kwargs)
        if model is Customer:
            raise RuntimeError("disk on fire")

    monkeypatch.setattr(undo_module, "_undo_model", undo_then_fail)
    post_and_run(importer_client, url("import_undo", run))
    run.refresh_from_db()
    assert (run.stage, run.status, run.failure) == ("undo", ImportRun.FAILED, "error")
    assert Customer.objects.count() == 2  # the customers deleted before it were restored
    assert b'data-testid="retry-run"' in importer_client.get(url("import_run", run)).content
    monkeypatch.undo()
    post_and_run(importer_client, url("import_retry", run))
    run.refresh_from_db()
    assert run.status == ImportRun.UNDONE
    assert not Customer.objects.exists()


def test_confirm_that_finds_the_data_changed_fails_and_imports_nothing(importer_client):
    run = reviewed(importer_client, create_missing=True)
    CustomerFactory(name="Café Söder HB")
    CustomerFactory(name="Café Söder HB")
    post_and_run(importer_client, url("import_confirm", run))
    run.refresh_from_db()
    assert (run.status, run.failure) == (ImportRun.FAILED, "changed")
    assert run.error_count
    assert Customer.objects.count() == 2


# -- confirm -------------------------------------------------------------------------------


def test_two_confirms_of_one_upload_import_once(importer_client):
    run = reviewed(importer_client, create_missing=True)
    with enqueued():
        importer_client.post(url("import_confirm", run))
        importer_client.post(url("import_confirm", run))  # a double click
    assert queued_count() == 1
    run_jobs()
    assert Customer.objects.count() == 2
    assert Address.objects.count() == 3


def test_confirm_tags_every_history_row_with_the_run(importer_client):
    run = imported(importer_client)
    assert run.confirmed_at is not None
    for model in (Customer, Address, CustomerGroupingOption):
        reasons = set(model.history.values_list("history_change_reason", flat=True))
        assert reasons == {run.history_reason}


# -- undo ----------------------------------------------------------------------------------


def test_undo_removes_what_the_import_created_and_restores_what_it_changed(importer_client):
    kept = CustomerFactory(name="Kund AB", website="https://old.se")
    head = AddressFactory(customer=kept, is_head_office=True)
    content = csv_bytes(
        ["Customer name", "Website", "Address line 1", "Postal code", "City", "Head office"],
        [
            ["Kund AB", "https://new.se", "Nya vägen 1", "111 22", "Stockholm", "yes"],
            ["Ny kund AB", "", "Gatan 2", "222 33", "Malmö", ""],
        ],
    )
    run = imported(importer_client, content, update_existing=True)
    kept.refresh_from_db()
    assert kept.website == "https://new.se"
    assert Customer.objects.count() == 2

    post_and_run(importer_client, url("import_undo", run))
    run.refresh_from_db()
    assert run.status == ImportRun.UNDONE
    assert list(Customer.objects.values_list("name", flat=True)) == ["Kund AB"]
    kept.refresh_from_db()
    assert kept.website == "https://old.se"
    assert list(kept.addresses.values_list("pk", "is_head_office")) == [(head.pk, True)]
    latest = kept.history.order_by("-history_id").first()
    assert latest.history_change_reason == "undo import: kunder.csv"


def test_undo_lists_customers_changed_since_and_undoes_nothing(importer_client, editor):
    run = imported(importer_client)
    changed = Customer.objects.get(name="Café Söder HB")
    with change_source(SOURCE_FORM):
        changed.description = "Ringt efter importen"
        changed._history_user = editor
        changed.save()
    post_and_run(importer_client, url("import_undo", run))
    run.refresh_from_db()
    assert run.status == ImportRun.DONE
    assert [(c["name"], c["by"]) for c in run.undo_blocked] == [("Café Söder HB", "editor")]
    assert Customer.objects.count() == 2
    page = importer_client.get(url("import_run", run))
    assert b'data-testid="undo-blocked"' in page.content
    assert b'data-testid="undo-untouched"' in page.content


def test_undo_of_the_untouched_customers_only_keeps_the_changed_one(importer_client):
    run = imported(importer_client)
    AddressFactory(customer=Customer.objects.get(name="Café Söder HB"), line1="Ny gata 9")
    post_and_run(importer_client, url("import_undo", run), {"only_untouched": "1"})
    run.refresh_from_db()
    assert run.status == ImportRun.UNDONE
    assert list(Customer.objects.values_list("name", flat=True)) == ["Café Söder HB"]
    assert [c["name"] for c in run.undo_blocked] == ["Café Söder HB"]


def test_an_import_is_undone_once(importer_client):
    run = imported(importer_client)
    with enqueued():
        importer_client.post(url("import_undo", run))
        importer_client.post(url("import_undo", run))
    assert queued_count() == 1


# -- permissions ---------------------------------------------------------------------------


def test_undo_needs_the_right_to_delete_customers(client):
    user = _staff(*IMPORTER_PERMISSIONS, username="no-delete")
    client.force_login(user)
    run = imported(client)
    response = post_and_run(client, url("import_undo", run))
    assert response.status_code == 403
    assert Customer.objects.count() == 2


def test_another_importers_run_is_out_of_reach(importer_client, client):
    run = reviewed(importer_client, create_missing=True)
    client.force_login(_staff(*IMPORTER_PERMISSIONS, "delete_customer", username="other"))
    for name in ("import_run", "import_progress", "import_errors", "import_file"):
        assert client.get(url(name, run)).status_code == 404
    for name in ("import_confirm", "import_cancel", "import_retry", "import_undo"):
        assert post_and_run(client, url(name, run)).status_code == 404
    assert list(client.get(HISTORY_URL).context["page"].object_list) == []
    run.refresh_from_db()
    assert run.status == ImportRun.REVIEWED


def test_staff_without_the_import_right_get_403(importer_client, client):
    run = reviewed(importer_client)
    client.force_login(_staff("view_customer", username="viewer"))
    assert client.get(HISTORY_URL).status_code == 403
    assert client.get(url("import_run", run)).status_code == 403
    assert client.post(url("import_confirm", run)).status_code == 403


def test_administrators_see_every_import(importer_client, client, superuser):
    reviewed(importer_client)
    client.force_login(superuser)
    page = client.get(HISTORY_URL)
    assert [run.created_by.username for run in page.context["page"].object_list] == ["importer"]


def test_anonymous_is_sent_to_log_in(client, importer):
    run = ImportRun.objects.create(file_name="x.csv", created_by=importer)
    response = client.get(url("import_run", run))
    assert response.status_code == 302
    assert "login" in response["Location"]


# -- history, files and faults -------------------------------------------------------------


def test_history_page_queries_do_not_grow_with_runs(
    importer_client, importer, django_assert_num_queries
):
    def make(count):
        ImportRun.objects.bulk_create(
            ImportRun(file_name=f"f{i}.csv", created_by=importer, status="done")
            for i in range(count)
        )

    make(1)
    with django_assert_num_queries(4) as one:
        importer_client.get(HISTORY_URL)
    make(49)
    with django_assert_num_queries(len(one.captured_queries)):
        importer_client.get(HISTORY_URL)


def test_errors_csv_lists_row_column_value_problem_with_formulas_escaped(importer_client):
    run = reviewed(importer_client, one_row(**{"Customer name": "A", "Country": "=HYPERLINK(1)"}))
    response = importer_client.get(url("import_errors", run))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.splitlines()
    assert len(lines) == 2
    assert "'=HYPERLINK(1)" in lines[1]
    assert lines[1].startswith("2;")


def test_uploaded_file_is_downloadable_then_purged_after_the_keep_days(importer_client, settings):
    run = reviewed(importer_client)
    response = importer_client.get(url("import_file", run))
    assert response.content == sv_file()
    settings.KUNDKORT_IMPORT_KEEP_DAYS = 30
    ImportUpload.objects.update(created_at=timezone.now() - datetime.timedelta(days=31))
    call_command("purge_import_files", verbosity=0)
    run.refresh_from_db()
    assert run.upload is None
    assert importer_client.get(url("import_file", run)).status_code == 404
    assert ImportRun.objects.filter(pk=run.pk).exists()


def test_running_run_whose_worker_died_on_this_machine_is_failed_with_retry(importer_client):
    import socket
    import subprocess

    dead = subprocess.Popen(["true"])
    dead.wait()
    run = upload(importer_client, sv_file())
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.RUNNING, worker=f"{socket.gethostname()}:{dead.pid}"
    )
    page = importer_client.get(url("import_run", run))
    run.refresh_from_db()
    assert (run.status, run.failure) == (ImportRun.FAILED, "crashed")
    assert b'data-testid="retry-run"' in page.content


def test_running_run_on_another_machine_fails_only_after_its_heartbeat_stops(
    importer_client, settings
):
    settings.KUNDKORT_JOB_STALE_SECONDS = 60
    run = upload(importer_client, sv_file())
    now = timezone.now()
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.RUNNING, worker="other-host:1", heartbeat_at=now
    )
    importer_client.get(url("import_run", run))
    run.refresh_from_db()
    assert run.status == ImportRun.RUNNING
    ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=now - datetime.timedelta(seconds=61))
    importer_client.get(HISTORY_URL)
    run.refresh_from_db()
    assert run.status == ImportRun.FAILED
