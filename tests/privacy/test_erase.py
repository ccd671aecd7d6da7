"""Erasure: the person is gone from every text column of every table, the customer is whole."""

import json
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activities.models import Activity
from customers.models import Contact, ImportRun, ImportUpload, ReportJob
from privacy.models import PrivacyLogEntry
from privacy.services.erase import ErasureRefused, erase_person
from privacy.terms import ERASED
from tests.factories import UserFactory

from .conftest import EMAIL, IDENTIFIERS, NAME, PHONE_TYPED
from .scan import occurrences, text_columns

pytestmark = pytest.mark.django_db


def test_the_scan_reads_history_tables_and_djangos_own():
    tables = {table for table, _column in text_columns()}
    assert {"customers_historicalcontact", "activities_historicalactivity"} <= tables
    assert {"projects_historicalproject", "django_admin_log", "auth_user"} <= tables


def test_before_the_erasure_the_scan_finds_the_person_everywhere(world):
    found = {(table, needle) for table, _column, needle in occurrences(IDENTIFIERS)}
    for table in (
        "customers_contact",
        "customers_historicalcontact",
        "projects_project",
        "projects_historicalproject",
        "projects_projectnote",
        "activities_activity",
        "activities_historicalactivity",
        "customers_customer",
        "customers_historicalcustomer",
        "django_admin_log",
    ):
        assert any(t == table for t, _needle in found), table
    assert ("projects_project", PHONE_TYPED) in found


def test_after_the_erasure_the_person_appears_nowhere(world):
    counts = erase_person(query=EMAIL, user=world.admin, reference="Ärende 2026-07")
    assert occurrences(IDENTIFIERS) == []
    assert counts["contacts"] == 1
    assert counts["uploads"] == 1 and counts["export_files"] == 1


def test_the_files_holding_the_person_are_deleted_and_the_import_history_says_so(world):
    erase_person(query=EMAIL, user=world.admin, reference="Ärende 2026-07")
    assert not ImportUpload.objects.filter(pk=world.upload.pk).exists()
    assert ImportUpload.objects.filter(pk=world.other_upload.pk).exists()
    run = ImportRun.objects.get(pk=world.run.pk)
    assert run.upload_id is None
    report = json.loads(zlib.decompress(bytes(run.report)))
    assert report["meta"]["file_erased_at"]
    text = json.dumps(report, ensure_ascii=False)
    assert EMAIL not in text and NAME not in text and ERASED in text
    assert ReportJob.objects.get(pk=world.export_job.pk).content is None


def test_the_customer_stays_whole(world, client):
    contacts_before = world.customer.contacts.count()
    history_before = Contact.history.filter(id=world.greta.pk).count()
    erase_person(query=EMAIL, user=world.admin, reference="Ärende 2026-07")
    greta = Contact.objects.get(pk=world.greta.pk)
    assert greta.full_name == f"{ERASED} #{greta.pk}"
    assert (greta.email, greta.phone, greta.mobile, greta.title, greta.notes) == ("",) * 5
    assert not greta.is_active and not greta.email_allowed
    assert greta.address_id == world.head_office.pk
    assert world.customer.contacts.count() == contacts_before
    # Anonymised, not deleted; plus one row recording the erasure itself.
    assert Contact.history.filter(id=greta.pk).count() == history_before + 1
    activity = Activity.objects.get(pk=world.activity.pk)
    assert activity.starts_at == world.activity.starts_at
    assert activity.type_id == world.activity.type_id
    assert activity.notes == f"Möte med {ERASED} ({ERASED}) om avtalet."
    assert activity.participant_contacts.count() == 2
    world.head_office.refresh_from_db()
    assert world.head_office.is_head_office

    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    pk = world.customer.pk
    for url in (
        reverse("customers:customer_detail", args=[pk]),
        reverse("customers:customer_history", args=[pk]),
        reverse("activities_card:customer_collaboration", args=[pk]),
        reverse("projects:customer_projects", args=[pk]),
        reverse("projects:project_detail", args=[world.project.pk]),
        reverse("reports:customer_report"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert NAME not in response.content.decode()
    export = client.get(reverse("reports:customer_export"), {"format": "csv"})
    assert export.status_code == 200
    content = b"".join(export.streaming_content) if export.streaming else export.content
    assert b"Kund AB" in content and EMAIL.encode() not in content


def test_an_erasure_is_logged_without_the_erased_data(world):
    erase_person(query=EMAIL, user=world.admin, reference="Ärende 2026-07")
    entry = PrivacyLogEntry.objects.get(action=PrivacyLogEntry.ERASE)
    assert entry.user == world.admin and entry.reference == "Ärende 2026-07"
    assert entry.counts["contacts"] == 1
    assert EMAIL not in json.dumps(entry.counts) and NAME not in json.dumps(entry.counts)


def test_a_person_who_is_also_a_user_is_not_erased(world):
    UserFactory(username="greta", first_name="Greta", last_name="Thunström", email="g@firma.se")
    with pytest.raises(ErasureRefused) as refused:
        erase_person(query=EMAIL, user=world.admin, reference="Ärende 2026-08")
    assert "greta" in " ".join(refused.value.messages)
    assert Contact.objects.get(pk=world.greta.pk).email == EMAIL
    assert PrivacyLogEntry.objects.filter(action=PrivacyLogEntry.ERASE_REFUSED).count() == 1
    assert not PrivacyLogEntry.objects.filter(action=PrivacyLogEntry.ERASE).exists()


def test_erasing_by_name_or_phone_finds_the_same_person(world):
    erase_person(query="070-123 45 67", user=world.admin, reference="x")
    assert occurrences(IDENTIFIERS) == []


def test_nothing_found_is_not_an_erasure(world):
    with pytest.raises(ValidationError):
        erase_person(query="nobody@nowhere.se", user=world.admin, reference="x")
    assert not PrivacyLogEntry.objects.filter(action=PrivacyLogEntry.ERASE).exists()


def test_a_colleague_with_a_similar_address_is_left_alone(world):
    from tests.factories import ContactFactory

    other = ContactFactory(
        customer=world.customer,
        first_name="Anna",
        last_name="Berg",
        email="x" + EMAIL,
        notes=f"Skriv till x{EMAIL}",
    )
    erase_person(query=EMAIL, user=world.admin, reference="x")
    other.refresh_from_db()
    assert other.email == "x" + EMAIL and other.notes == f"Skriv till x{EMAIL}"


def test_one_word_is_too_wide_to_erase(world):
    with pytest.raises(ErasureRefused):
        erase_person(query="Greta", user=world.admin, reference="x")
    assert Contact.objects.get(pk=world.greta.pk).first_name == "Greta"


def test_the_import_history_says_the_file_was_erased(world, client):
    erase_person(query=EMAIL, user=world.admin, reference="x")
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    page = client.get(reverse("admin:customers_customer_import_run", args=[world.run.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="run-file-erased"' in text and EMAIL not in text
