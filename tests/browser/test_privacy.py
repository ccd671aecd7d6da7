"""An administrator answers a data subject's requests: finds a contact by e-mail address,
downloads the export, erases the contact and searches again to find nothing."""

import json
import zipfile

import pytest

from customers.models import Contact
from privacy.apps import ROLE
from privacy.terms import ERASED
from tests.factories import (
    ActivityFactory,
    AddressFactory,
    ContactFactory,
    CustomerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "greta.thunstrom@exempel.se"


def test_find_export_erase_and_find_nothing(page, login, screenshot):
    admin = UserFactory(username="dpo", roles=[ROLE])
    customer = CustomerFactory(name="Kund AB")
    office = AddressFactory(customer=customer, is_head_office=True)
    greta = ContactFactory(
        customer=customer, address=office, first_name="Greta", last_name="Thunström", email=EMAIL
    )
    ActivityFactory(customer=customer, notes=f"Möte med Greta Thunström ({EMAIL})")

    login(admin)
    page.get_by_role("link", name="Personuppgifter").click()
    page.fill("#privacy-q", EMAIL)
    page.get_by_test_id("privacy-find").click()
    assert page.get_by_test_id("found-contact").count() == 1
    assert page.get_by_test_id("found-mention").count() >= 1
    screenshot("privacy-find")

    page.fill("#id_reference", "Ärende 2026-11")
    with page.expect_download() as download_info:
        page.get_by_test_id("privacy-export").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(download.path()) as archive:
        data = json.loads(archive.read("person.json"))
        assert "Greta" in archive.read("person.html").decode()
    assert data["contacts"][0]["id"] == greta.pk

    page.get_by_test_id("privacy-erase-link").click()
    page.fill("input[name=reference]", "Ärende 2026-11")
    page.check("input[name=confirm]")
    page.get_by_test_id("privacy-erase").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("privacy-nothing").is_visible()
    assert Contact.objects.get(pk=greta.pk).first_name == ERASED

    page.fill("#privacy-q", EMAIL)
    page.get_by_test_id("privacy-find").click()
    assert page.get_by_test_id("privacy-nothing").is_visible()
    page.fill("#privacy-q", "Greta Thunström")
    page.get_by_test_id("privacy-find").click()
    assert page.get_by_test_id("privacy-nothing").is_visible()
    screenshot("privacy-erased")
