"""New customer at /customers/new/: permissions, with and without the address section,
validation messages, and the duplicate warning that must be confirmed before saving."""

import pytest
from django.urls import reverse
from django.utils import translation

from customers.models import Address, Customer, PaymentTerm
from tests.factories import CustomerFactory, PaymentTermFactory, currency

pytestmark = pytest.mark.django_db

URL = reverse("customers:customer_create")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def post(client, **fields):
    data = {"name": "Nya Kunden AB", "country": "SE", "address_country": "SE"}
    data.update(fields)
    return client.post(URL, data, HTTP_ACCEPT_LANGUAGE="en")


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_reader_may_not_open_the_form(reader_client):
    assert reader_client.get(URL).status_code == 403


def test_reader_may_not_post_the_form(reader_client):
    assert post(reader_client).status_code == 403
    assert not Customer.objects.exists()


def test_editor_sees_the_form_with_a_closed_address_section(editor_client):
    response = editor_client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert '<details class="kk-form-section" id="address-section">' in content
    assert 'name="address_city"' in content and 'name="payment_term"' in content


def test_owner_defaults_to_the_user(editor_client, editor):
    form = editor_client.get(URL).context["form"]
    assert form.initial["owner"] == editor.pk


def test_save_without_address_creates_only_the_customer(editor_client, editor):
    response = post(editor_client, organisation_number="5560360793")
    customer = Customer.objects.get(name="Nya Kunden AB")
    assert response.status_code == 302
    assert response.url == reverse("customers:customer_detail", args=[customer.pk])
    assert customer.organisation_number == "556036-0793"
    assert customer.created_by == editor
    assert not Address.objects.filter(customer=customer).exists()


def test_save_with_address_creates_the_head_office_and_billing_defaults(editor_client):
    term = PaymentTermFactory(name="30 dagar")
    sek = currency("SEK")
    post(
        editor_client,
        address_line1="Storgatan 1",
        address_postal_code="111 22",
        address_city="Stockholm",
        address_phone="08-123 456 78",
        address_is_postal="on",
        address_is_billing="on",
        payment_term=term.pk,
        currency=sek.pk,
    )
    customer = Customer.objects.get(name="Nya Kunden AB")
    address = Address.objects.get(customer=customer)
    assert address.is_head_office
    assert (address.line1, address.city) == ("Storgatan 1", "Stockholm")
    assert (address.is_postal, address.is_visiting, address.is_billing) == (True, False, True)
    assert address.phone == "+46812345678"
    assert (customer.payment_term, customer.currency) == (term, sek)


def test_typed_number_is_kept(editor_client):
    post(editor_client, number="9090")
    assert Customer.objects.get(name="Nya Kunden AB").number == 9090


def test_taken_number_shows_an_error_and_saves_nothing(editor_client):
    CustomerFactory(number=9090, name="Har Numret AB")
    response = post(editor_client, number="9090")
    assert response.status_code == 200
    errors = response.context["form"].errors["number"]
    assert "Har Numret AB" in errors[0]
    assert not Customer.objects.filter(name="Nya Kunden AB").exists()


def test_invalid_org_number_shows_which_number_and_why(editor_client):
    response = post(editor_client, organisation_number="556036-0794")
    assert response.status_code == 200
    message = response.context["form"].errors["organisation_number"][0]
    assert "556036-0794" in message and "check digit" in message
    assert not Customer.objects.exists()


def test_invalid_vat_number_shows_which_number_and_why(editor_client):
    response = post(editor_client, vat_number="SE556036079302")
    message = response.context["form"].errors["vat_number"][0]
    assert "SE556036079302" in message and "01" in message
    assert not Customer.objects.exists()


def test_invalid_address_phone_keeps_section_open_and_saves_nothing(editor_client):
    response = post(editor_client, address_city="Lund", address_phone="12")
    assert response.status_code == 200
    form = response.context["form"]
    assert "address_phone" in form.errors
    assert form.address_section_open
    assert 'id="address-section" open' in response.content.decode()
    assert not Customer.objects.exists()


def test_missing_name_is_refused(editor_client):
    response = post(editor_client, name="  ")
    assert "name" in response.context["form"].errors
    assert not Customer.objects.exists()


def test_inactive_lookups_are_not_offered(editor_client):
    PaymentTermFactory(name="Gammal", is_active=False)
    PaymentTermFactory(name="Aktuell")
    form = editor_client.get(URL).context["form"]
    names = [term.name for term in form.fields["payment_term"].queryset]
    assert names == ["Aktuell"]


def test_inactive_lookup_cannot_be_forged(editor_client):
    old = PaymentTerm.objects.create(name="Gammal", is_active=False)
    response = post(editor_client, payment_term=old.pk)
    assert "payment_term" in response.context["form"].errors
    assert not Customer.objects.exists()


def test_same_org_number_shows_warning_with_link_and_saves_nothing(editor_client):
    existing = CustomerFactory(name="Gamla Bolaget AB", organisation_number="556036-0793")
    response = post(editor_client, organisation_number="5560360793")
    assert response.status_code == 200
    assert response.context["duplicates"] == [existing]
    content = response.content.decode()
    assert 'data-testid="duplicate-warning"' in content
    assert reverse("customers:customer_detail", args=[existing.pk]) in content
    assert 'name="confirm_duplicate"' in content
    assert Customer.objects.count() == 1


def test_same_name_in_other_case_shows_warning(editor_client):
    existing = CustomerFactory(name="Nya Kunden AB")
    response = post(editor_client, name="nya kunden ab")
    assert response.context["duplicates"] == [existing]
    assert Customer.objects.count() == 1


def test_save_anyway_creates_the_duplicate(editor_client):
    CustomerFactory(name="Nya Kunden AB")
    response = post(editor_client, confirm_duplicate="on")
    assert response.status_code == 302
    assert Customer.objects.filter(name="Nya Kunden AB").count() == 2


def test_no_warning_for_a_new_name_and_number(editor_client):
    CustomerFactory(name="Annat AB", organisation_number="556036-0793")
    response = post(editor_client, name="Helt Ny AB", organisation_number="2077474-0", country="FI")
    assert response.status_code == 302


def test_address_country_left_empty_takes_the_customers_country(editor_client):
    post(
        editor_client,
        country="FI",
        address_line1="Mannerheimintie 1",
        address_postal_code="00100",
        address_city="Helsinki",
        address_country="",
    )
    address = Address.objects.get(customer__name="Nya Kunden AB")
    assert address.country == "FI"
