"""The Personal data pages: who may use them, the menu entry, and every use logged."""

import io
import zipfile

import pytest
from django.urls import reverse

from customers import roles
from customers.models import Contact
from privacy.models import PrivacyLogEntry
from privacy.terms import ERASED
from tests.factories import ContactFactory, ProjectNoteFactory, UserFactory

from .conftest import EMAIL, NAME

pytestmark = pytest.mark.django_db

FIND = reverse("privacy:find")


def test_the_menu_shows_the_entry_only_to_holders_of_the_permission(client, privacy_admin):
    editor = UserFactory(username="ed", roles=[roles.EDIT, roles.ALL])
    client.force_login(editor)
    assert FIND not in client.get(reverse("customers:customer_list")).content.decode()
    assert client.get(FIND).status_code == 403
    client.force_login(privacy_admin)
    assert f'href="{FIND}"' in client.get(reverse("customers:customer_list")).content.decode()


def test_the_role_holds_the_permission_from_the_migration(privacy_admin):
    assert privacy_admin.has_perm("privacy.manage_personal_data")


def test_finding_lists_the_person_and_logs_the_search_without_it(world, client):
    client.force_login(world.admin)
    response = client.get(FIND, {"q": EMAIL})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('data-testid="found-contact"') == 1
    assert 'data-testid="privacy-erase-link"' in page
    entry = PrivacyLogEntry.objects.get(action=PrivacyLogEntry.FIND)
    assert entry.user == world.admin and entry.counts["contacts"] == 1
    assert EMAIL not in str(entry.counts)


def test_the_export_downloads_a_zip(world, client):
    client.force_login(world.admin)
    response = client.post(
        reverse("privacy:export"), {"q": EMAIL, "language": "en", "reference": "Ärende 3"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "personal-data-" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert NAME in archive.read("person.html").decode()


def test_the_erase_page_erases_after_confirmation(world, client):
    client.force_login(world.admin)
    url = reverse("privacy:erase")
    page = client.get(url, {"q": EMAIL}).content.decode()
    assert 'data-testid="privacy-erase-form"' in page
    refused = client.post(url, {"q": EMAIL, "reference": "Ärende 4"})
    assert refused.status_code == 200  # the confirmation box was not ticked
    assert Contact.objects.get(pk=world.greta.pk).email == EMAIL
    response = client.post(url, {"q": EMAIL, "reference": "Ärende 4", "confirm": "on"})
    assert response.status_code == 302
    assert Contact.objects.get(pk=world.greta.pk).first_name == ERASED
    after = client.get(response.url).content.decode()
    assert 'data-testid="privacy-nothing"' in after


def test_the_erase_page_says_why_a_user_is_not_erased(world, client):
    UserFactory(username="greta", email=EMAIL)
    client.force_login(world.admin)
    page = client.get(reverse("privacy:erase"), {"q": EMAIL}).content.decode()
    assert 'data-testid="privacy-refusal"' in page and "greta" in page
    assert 'data-testid="privacy-erase-form"' not in page
    response = client.post(
        reverse("privacy:erase"), {"q": EMAIL, "reference": "Ärende 5", "confirm": "on"}
    )
    assert response.status_code == 200 and b"privacy-erase-errors" in response.content
    assert Contact.objects.get(pk=world.greta.pk).email == EMAIL


def test_find_runs_as_many_queries_with_many_mentions_as_with_few(
    world, client, django_assert_num_queries
):
    """One query per table searched, whatever is found (no query per row found)."""
    client.force_login(world.admin)
    with django_assert_num_queries(24):
        client.get(FIND, {"q": EMAIL})
    for _ in range(5):
        ContactFactory(customer=world.customer, notes=f"Skriv till {EMAIL}")
        ProjectNoteFactory(project=world.project, text=f"Ring {EMAIL}")
    with django_assert_num_queries(24):
        client.get(FIND, {"q": EMAIL})


def test_the_log_is_read_only_in_the_admin(world, client):
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    client.get(FIND, {"q": EMAIL})
    page = client.get(reverse("admin:privacy_privacylogentry_changelist"))
    assert page.status_code == 200 and b"privacy/privacylogentry/add/" not in page.content
