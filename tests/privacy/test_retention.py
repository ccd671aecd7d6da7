"""Retention: the dry run counts what has passed its time and changes nothing; the run (the
command, the job) anonymises or deletes exactly that. Dates are moved, not waited for."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity
from customers.models import Contact, ImportUpload
from privacy.models import PrivacyLogEntry, RetentionRun
from privacy.services.retention import retention_apply, retention_report
from privacy.terms import ERASED
from tests.factories import ActivityFactory, ContactFactory, CustomerFactory, UserFactory
from tests.job_helpers import clear_queue, run_jobs

from .conftest import IDENTIFIERS
from .scan import occurrences

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def periods(settings):
    settings.KUNDKORT_RETENTION_INACTIVE_CONTACT_DAYS = 365
    settings.KUNDKORT_RETENTION_ACTIVITY_TEXT_DAYS = 730
    settings.KUNDKORT_RETENTION_IMPORT_UPLOAD_DAYS = 30


def age(queryset, days, field):
    queryset.update(**{field: timezone.now() - days * DAY})


@pytest.fixture
def aged(world):
    """Greta inactive for 400 days; a kept inactive contact (100 days); the activity done 800
    days ago and another done 100 days ago; the import file 40 days old, another 10."""
    Contact.objects.filter(pk=world.greta.pk).update(is_active=False)
    age(Contact.objects.filter(pk=world.greta.pk), 400, "updated_at")
    recent = ContactFactory(customer=world.customer, first_name="Nyss", last_name="Inaktiv")
    Contact.objects.filter(pk=recent.pk).update(is_active=False)
    age(Contact.objects.filter(pk=recent.pk), 100, "updated_at")
    Activity.objects.filter(pk=world.activity.pk).update(
        is_done=True, done_at=timezone.now() - 800 * DAY
    )
    young = ActivityFactory(customer=world.customer, notes="Nyligen", is_done=True)
    Activity.objects.filter(pk=young.pk).update(done_at=timezone.now() - 100 * DAY)
    age(ImportUpload.objects.filter(pk=world.upload.pk), 40, "created_at")
    age(ImportUpload.objects.filter(pk=world.other_upload.pk), 10, "created_at")
    world.recent, world.young = recent, young
    return world


def test_the_dry_run_counts_and_changes_nothing(aged):
    before = occurrences(IDENTIFIERS)
    report = retention_report()
    assert report["counts"]["contacts"] == 1
    assert report["counts"]["activities"] == 1
    assert report["counts"]["activity_history"] == 2  # created, then its notes changed
    assert report["counts"]["uploads"] == 1
    assert report["days"] == {"contacts": 365, "activities": 730, "uploads": 30}
    assert occurrences(IDENTIFIERS) == before
    assert ImportUpload.objects.count() == 2


def test_the_run_anonymises_and_deletes_what_the_dry_run_listed(aged):
    counts = retention_apply(user=aged.admin)
    assert counts["contacts"] == 1 and counts["activities"] == 1 and counts["uploads"] == 1
    greta = Contact.objects.get(pk=aged.greta.pk)
    assert greta.first_name == ERASED and greta.email == ""
    assert Contact.objects.get(pk=aged.recent.pk).last_name == "Inaktiv"
    activity = Activity.objects.get(pk=aged.activity.pk)
    assert activity.notes == "" and activity.type_id == aged.activity.type_id
    assert not Activity.history.filter(id=activity.pk).exclude(notes="").exists()
    assert Activity.objects.get(pk=aged.young.pk).notes == "Nyligen"
    assert list(ImportUpload.objects.values_list("pk", flat=True)) == [aged.other_upload.pk]
    # Greta was erased as an erasure would have: her mentions too.
    assert occurrences(IDENTIFIERS) == []
    assert PrivacyLogEntry.objects.filter(action=PrivacyLogEntry.RETENTION_RUN).count() == 1
    assert retention_report()["counts"] == dict.fromkeys(retention_report()["counts"], 0)


def test_a_period_of_zero_keeps_for_ever(aged, settings):
    settings.KUNDKORT_RETENTION_INACTIVE_CONTACT_DAYS = 0
    settings.KUNDKORT_RETENTION_ACTIVITY_TEXT_DAYS = 0
    settings.KUNDKORT_RETENTION_IMPORT_UPLOAD_DAYS = 0
    assert set(retention_report()["counts"].values()) == {0}
    retention_apply()
    assert Contact.objects.get(pk=aged.greta.pk).last_name == "Thunström"


def test_an_inactive_contact_who_is_a_user_is_kept(aged):
    UserFactory(username="greta", email=aged.greta.email)
    assert retention_report()["counts"]["contacts"] == 0
    retention_apply()
    assert Contact.objects.get(pk=aged.greta.pk).last_name == "Thunström"


def test_the_command_dry_runs_by_default_and_applies_when_told(aged, capsys):
    call_command("retention")
    assert "Dry run" in capsys.readouterr().out
    assert Contact.objects.get(pk=aged.greta.pk).last_name == "Thunström"
    call_command("retention", "--apply")
    assert "contacts 1" in capsys.readouterr().out
    assert Contact.objects.get(pk=aged.greta.pk).first_name == ERASED


def test_the_page_shows_the_dry_run_and_runs_the_job(
    aged, client, django_capture_on_commit_callbacks
):
    clear_queue()
    client.force_login(aged.admin)
    page = client.get(reverse("privacy:retention"))
    assert page.status_code == 200
    assert page.context["report"]["counts"]["contacts"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:retention"))
    run = RetentionRun.objects.get()
    assert response.url == reverse("privacy:retention_run", args=[run.pk])
    assert run_jobs() == 1
    run.refresh_from_db()
    assert run.status == RetentionRun.DONE and run.result["contacts"] == 1
    assert Contact.objects.get(pk=aged.greta.pk).first_name == ERASED
    result = client.get(reverse("privacy:retention_run", args=[run.pk]))
    assert result.status_code == 200 and b"retention-result" in result.content


def test_old_import_reports_lose_their_rows_and_keep_their_counts(aged):
    from customers.models import ImportRun

    ImportRun.objects.filter(pk=aged.run.pk).update(
        created_at=timezone.now() - 40 * DAY, new_customers=3
    )
    retention_apply()
    run = ImportRun.objects.get(pk=aged.run.pk)
    assert run.get_report()["rows"] == [] and run.new_customers == 3
    assert run.get_report()["meta"]["report_expired"] is True


def test_an_unrelated_customer_is_untouched(aged):
    other = CustomerFactory(name="Orörd AB", description="Inget att gallra")
    retention_apply()
    other.refresh_from_db()
    assert other.description == "Inget att gallra"
