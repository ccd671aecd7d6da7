"""The import and export pages in the admin: permissions, review, confirm, template, export."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from customers.importing.admin import CREATE_MISSING_PERMISSIONS
from customers.models import Address, Contact, Customer, CustomerGroupingOption, ImportUpload
from tests.customers.import_helpers import confirm, one_row, review, sv_file
from tests.factories import UserFactory
from tests.job_helpers import post_and_run

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:customers_customer_import")
PROCESS_URL = reverse("admin:customers_customer_process_import")
EXPORT_URL = reverse("admin:customers_customer_export")
CHANGELIST_URL = reverse("admin:customers_customer_changelist")


def _staff(*perms, username="staff"):
    user = UserFactory(username=username, is_staff=True)
    for perm in perms:
        user.user_permissions.add(Permission.objects.get(codename=perm))
    return user


IMPORTER_PERMISSIONS = (
    "import_customer",
    "export_customer",
    "view_customer",
    "add_customer",
    "change_customer",
    *(perm.split(".")[1] for perm in CREATE_MISSING_PERMISSIONS),
)


@pytest.fixture
def importer(db):
    return _staff(*IMPORTER_PERMISSIONS, username="importer")


@pytest.fixture
def importer_client(client, importer):
    client.force_login(importer)
    return client


def _upload(client, content, name="kunder.csv", **switches):
    """Upload, let the review job run, and return the run's page (or the refused form)."""
    data = {"format": "0", "resource": "0", "import_file": SimpleUploadedFile(name, content)}
    data.update({key: "on" for key, on in switches.items() if on})
    response = post_and_run(client, IMPORT_URL, data)
    if response.status_code != 302:
        return response
    return client.get(response["Location"])


def _confirm_url(response):
    return reverse("admin:customers_customer_import_confirm", args=[response.context["run"].pk])


def _confirm(client, response):
    """Press Confirm on the run's page, let the confirm job run, return the run's page."""
    posted = post_and_run(client, _confirm_url(response))
    assert posted.status_code == 302
    return client.get(posted["Location"])


# -- permissions ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_admin_login(client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_user_who_is_not_staff_is_sent_to_the_admin_login(client):
    user = UserFactory(username="plain")
    user.user_permissions.add(Permission.objects.get(codename="import_customer"))
    client.force_login(user)
    response = client.get(IMPORT_URL)
    assert response.status_code == 302


def test_staff_without_the_import_permission_is_refused(client):
    client.force_login(_staff("view_customer", "change_customer"))
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(PROCESS_URL, {}).status_code == 403
    assert client.get(IMPORT_URL + "template.csv").status_code == 403


def test_staff_with_the_import_permission_sees_the_form(importer_client):
    response = importer_client.get(IMPORT_URL)
    assert response.status_code == 200
    assert b'name="create_missing"' in response.content
    assert b'name="update_existing"' in response.content


def test_export_needs_the_export_permission(client):
    client.force_login(_staff("import_customer", "view_customer"))
    assert client.get(EXPORT_URL).status_code == 403


def test_changelist_shows_import_and_export_buttons_to_the_importer(importer_client):
    content = importer_client.get(CHANGELIST_URL).content
    assert IMPORT_URL.encode() in content
    assert EXPORT_URL.encode() in content


# -- review and confirm --------------------------------------------------------------------


def test_review_shows_counts_rows_and_writes_nothing(importer_client):
    response = _upload(importer_client, sv_file(), create_missing=True)
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.new_customers, result.addresses_added, result.contacts_added) == (2, 3, 2)
    assert b'data-testid="confirm-import"' in response.content
    assert "Åkerlunds Bygg AB" in response.content.decode()
    assert not Customer.objects.exists()


def test_review_with_errors_lists_them_and_offers_no_confirm(importer_client):
    response = _upload(importer_client, sv_file())  # Bransch and groupings do not exist
    assert response.status_code == 200
    assert response.context["result"].errors
    assert b'data-testid="import-errors"' in response.content
    assert b'data-testid="confirm-import"' not in response.content
    assert not response.context["run"].can_confirm


def test_unknown_header_is_shown_before_any_row(importer_client):
    response = _upload(importer_client, one_row(**{"Kundnamn": "A", "Postnumer": "1"}))
    assert b'data-testid="file-error"' in response.content
    assert "Postnummer" in response.context["result"].file_error


def test_file_over_the_size_limit_is_refused_by_the_form(importer_client, settings):
    settings.KUNDKORT_IMPORT_MAX_FILE_SIZE = 50
    response = _upload(importer_client, sv_file())
    assert response.context["form"].errors["import_file"]
    assert "result" not in response.context


def test_confirm_imports_everything_and_keeps_the_file_for_the_history(importer_client, importer):
    review_response = _upload(importer_client, sv_file(), name="kunder.csv", create_missing=True)
    assert ImportUpload.objects.count() == 1
    response = _confirm(importer_client, review_response)
    assert response.status_code == 200
    assert b'data-testid="run-done"' in response.content
    assert Customer.objects.count() == 2
    assert Address.objects.count() == 3
    assert Contact.objects.count() == 2
    assert CustomerGroupingOption.objects.count() == 3
    assert ImportUpload.objects.count() == 1
    record = Customer.history.first()
    run = response.context["run"]
    assert record.history_change_reason == f"import: kunder.csv #{run.pk}"
    assert record.history_user == importer


def test_confirm_keeps_the_switches_of_the_review(importer_client):
    from tests.factories import CustomerFactory

    customer = CustomerFactory(name="Kund AB", website="https://old.se")
    content = one_row(**{"Kundnamn": "Kund AB", "Webbplats": "https://new.se"})
    _confirm(importer_client, _upload(importer_client, content, update_existing=True))
    customer.refresh_from_db()
    assert customer.website == "https://new.se"


def test_another_user_cannot_confirm_someone_elses_upload(importer_client, client):
    review_response = _upload(importer_client, sv_file(), create_missing=True)
    other = _staff(*IMPORTER_PERMISSIONS, username="other")
    client.force_login(other)
    response = post_and_run(client, _confirm_url(review_response))
    assert response.status_code == 404
    assert not Customer.objects.exists()


def test_confirm_that_finds_new_errors_imports_nothing(importer_client):
    review_response = _upload(importer_client, sv_file(), create_missing=True)
    # Someone adds a second "Café Söder HB" between the review and the confirm.
    from tests.factories import CustomerFactory

    CustomerFactory(name="Café Söder HB")
    CustomerFactory(name="Café Söder HB")
    response = _confirm(importer_client, review_response)
    assert response.context["run"].status == "failed"
    assert b'data-testid="run-failure"' in response.content
    assert response.context["result"].errors
    assert Customer.objects.count() == 2  # only the two made above


# -- template and export -------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_template_downloads_and_imports_cleanly(importer_client, importer, kind):
    response = importer_client.get(IMPORT_URL + f"template.{kind}")
    assert response.status_code == 200
    assert f"customer-import-template.{kind}" in response["Content-Disposition"]
    result = review(response.content, importer, file_name=f"t.{kind}", create_missing=True)
    assert not result.has_errors, result.errors
    assert result.new_customers == 1
    assert result.contacts_added == 1


def _export(client, fmt):
    response = client.post(EXPORT_URL, {"format": fmt, "resource": "0"})
    assert response.status_code == 200, response.content[:500]
    return response.content


@pytest.mark.parametrize(("fmt", "name"), [("0", "export.csv"), ("1", "export.xlsx")])
def test_exported_file_imports_back_unchanged(importer_client, importer, fmt, name):
    assert confirm(sv_file(), importer, create_missing=True).committed
    phone_row = one_row(
        **{
            "Kundnamn": "Telefon AB",
            "Beskrivning": '=HYPERLINK("http://evil")',
            "Kontakt förnamn": "Åsa",
            "Kontakt efternamn": "Ek",
            "Kontakt telefon": "070-123 45 67",
        }
    )
    assert confirm(phone_row, importer).committed
    before = (
        list(Customer.objects.order_by("pk").values()),
        list(Address.objects.order_by("pk").values()),
        list(Contact.objects.order_by("pk").values()),
        list(CustomerGroupingOption.objects.order_by("pk").values("customer", "option")),
    )
    content = _export(importer_client, fmt)
    result = confirm(content, importer, file_name=name, update_existing=True)
    assert result.committed, result.errors
    assert {row.action for row in result.rows} == {"unchanged"}
    after = (
        list(Customer.objects.order_by("pk").values()),
        list(Address.objects.order_by("pk").values()),
        list(Contact.objects.order_by("pk").values()),
        list(CustomerGroupingOption.objects.order_by("pk").values("customer", "option")),
    )
    assert after == before


def test_export_escapes_formulas_and_has_one_row_per_address_and_contact(importer_client, importer):
    confirm(sv_file(), importer, create_missing=True)
    confirm(one_row(**{"Kundnamn": "Formel AB", "Beskrivning": "=1+2"}), importer)
    text = _export(importer_client, "0").decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 1 + 2 + 1 + 1  # header, Åkerlund's two addresses, Café, Formel
    assert lines[0].startswith("Kundnummer;Kundnamn;")  # semicolons, for Swedish Excel
    assert "'=1+2" in text
    assert "=1+2" not in text.replace("'=1+2", "")


def test_create_missing_needs_the_right_to_add_lookups(client):
    user = _staff("import_customer", "view_customer", "add_customer", "change_customer")
    client.force_login(user)
    content = one_row(**{"Kundnamn": "Ny AB", "Bransch": "Okänd bransch"})
    response = _upload(client, content, create_missing=True)
    assert response.context["form"].errors["create_missing"]
    assert "run" not in response.context
    assert not Customer.objects.filter(name="Ny AB").exists()


def test_importer_without_the_edit_right_cannot_change_existing_customers(client):
    from tests.factories import CustomerFactory

    customer = CustomerFactory(name="Kund AB")
    client.force_login(_staff("import_customer", "view_customer", "add_customer"))
    response = _upload(client, one_row(**{"Kundnamn": "Kund AB", "Adressrad 1": "Väg 1"}))
    assert [error.row for error in response.context["result"].errors] == [2]
    assert not response.context["run"].can_confirm
    assert not customer.addresses.exists()
