"""A customer's addresses, contacts, settings and groupings through the API: the services'
rules hold (head office, default billing, single-choice categories, validation), If-Match
guards every change, and history records the API and the token's user."""

import pytest
from django.urls import reverse

from customers.models import (
    Address,
    Contact,
    CustomerGroupingOption,
    EInvoiceOperator,
    GroupingCategory,
    PaymentTerm,
)
from tests.api.conftest import token_client
from tests.factories import (
    AddressFactory,
    ContactFactory,
    CustomerFactory,
    GroupingCategoryFactory,
    GroupingOptionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(editor):
    return token_client(editor, language="en")


@pytest.fixture
def customer(db):
    return CustomerFactory(name="Delar AB")


def url(name, customer, **kwargs):
    return reverse(f"api:{name}", kwargs={"customer_pk": customer.pk, **kwargs})


# -------------------------------------------------------------------------------- addresses


def test_the_first_address_becomes_head_office_and_default_billing(api, customer, editor):
    response = api.post(
        url("address_list", customer),
        {"line1": "Storgatan 1", "postal_code": "903 26", "city": "Umeå", "is_billing": True},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["is_head_office"] is True and body["is_default_billing"] is True
    assert response["ETag"] == '"1"'
    record = Address.objects.get().history.get()
    assert record.history_change_reason == "api" and record.history_user == editor


def test_making_another_address_head_office_moves_it(api, customer):
    first = AddressFactory(customer=customer, is_head_office=True)
    second = AddressFactory(customer=customer)
    response = api.patch(
        url("address_detail", customer, address_pk=second.pk),
        {"is_head_office": True},
        format="json",
        HTTP_IF_MATCH=f'"{second.version}"',
    )
    assert response.status_code == 200 and response.json()["is_head_office"] is True
    first.refresh_from_db()
    assert not first.is_head_office
    assert Address.objects.filter(customer=customer, is_head_office=True).count() == 1


def test_the_head_office_cannot_be_unset(api, customer):
    office = AddressFactory(customer=customer, is_head_office=True)
    response = api.patch(
        url("address_detail", customer, address_pk=office.pk),
        {"is_head_office": False},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 400 and "is_head_office" in response.json()
    office.refresh_from_db()
    assert office.is_head_office and office.version == 1


def test_address_change_needs_the_current_version(api, customer):
    address = AddressFactory(customer=customer, is_head_office=True, city="Umeå")
    target = url("address_detail", customer, address_pk=address.pk)
    assert api.patch(target, {"city": "Piteå"}, format="json").status_code == 428
    ok = api.patch(target, {"city": "Piteå"}, format="json", HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200 and ok["ETag"] == '"2"'
    stale = api.patch(target, {"city": "Luleå"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale.json()["current_version"] == 2
    address.refresh_from_db()
    assert address.city == "Piteå"


def test_an_invalid_phone_number_is_refused_in_swedish(editor, customer):
    response = token_client(editor, language="sv").post(
        url("address_list", customer), {"city": "Umeå", "phone": "12"}, format="json"
    )
    assert response.status_code == 400
    assert "phone" in response.json()
    assert not Address.objects.exists()


# --------------------------------------------------------------------------------- contacts


def test_a_new_contact_belongs_to_the_head_office(api, customer, editor):
    office = AddressFactory(customer=customer, is_head_office=True)
    response = api.post(
        url("contact_list", customer),
        {"first_name": " Anna ", "last_name": "Berg", "email": "Anna@Example.SE"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["address"] == office.pk and body["customer"] == customer.pk
    assert body["first_name"] == "Anna" and body["email"] == "Anna@example.se"
    record = Contact.objects.get().history.get()
    assert record.history_change_reason == "api" and record.history_user == editor


def test_a_contact_cannot_be_put_on_another_customers_address(api, customer):
    foreign = AddressFactory()
    response = api.post(
        url("contact_list", customer),
        {"first_name": "A", "last_name": "B", "address": foreign.pk},
        format="json",
    )
    assert response.status_code == 400 and "address" in response.json()
    assert not Contact.objects.exists()


def test_contact_list_filters_active(api, customer):
    ContactFactory(customer=customer, last_name="Aktiv")
    ContactFactory(customer=customer, last_name="Slutat", is_active=False)
    body = api.get(url("contact_list", customer), {"active": "false"}).json()
    assert [c["last_name"] for c in body["results"]] == ["Slutat"]
    assert len(api.get(url("contact_list", customer)).json()["results"]) == 2


def test_contact_change_with_if_match(api, customer):
    contact = ContactFactory(customer=customer, title="")
    target = url("contact_detail", customer, contact_pk=contact.pk)
    response = api.patch(target, {"title": "VD"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200 and response.json()["title"] == "VD"
    stale = api.patch(target, {"title": "CFO"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    contact.refresh_from_db()
    assert contact.title == "VD" and contact.version == 2


# --------------------------------------------------------------------------------- settings


def test_settings_change_through_the_settings_service(api, customer):
    term = PaymentTerm.objects.create(name="30 dagar", days=30)
    target = url("customer_settings", customer)
    response = api.patch(
        target,
        {"payment_term": term.pk, "overdue_interest": "8.50"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 200, response.content
    assert response.json()["payment_term"] == term.pk and response["ETag"] == '"2"'
    customer.refresh_from_db()
    assert customer.payment_term == term and str(customer.overdue_interest) == "8.50"
    assert customer.history.latest("history_date").history_change_reason == "api"


def test_settings_refuse_a_newly_chosen_inactive_term_and_a_bad_gln(api, customer):
    old = PaymentTerm.objects.create(name="Gammal", days=10, is_active=False)
    gln = EInvoiceOperator.objects.create(name="GLN", address_format=EInvoiceOperator.FORMAT_GLN)
    target = url("customer_settings", customer)
    response = api.patch(
        target,
        {"payment_term": old.pk, "einvoice_operator": gln.pk, "einvoice_address": "123"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 400
    assert "payment_term" in response.json()
    customer.refresh_from_db()
    assert customer.payment_term is None and customer.version == 1
    response = api.patch(
        target,
        {"einvoice_operator": gln.pk, "einvoice_address": "123"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 400 and "einvoice_address" in response.json()


# -------------------------------------------------------------------------------- groupings


def test_groupings_put_replaces_the_options_and_makes_the_customer_newer(api, customer, editor):
    region = GroupingCategoryFactory(name="Region")
    north, south = GroupingOptionFactory(category=region), GroupingOptionFactory(category=region)
    CustomerGroupingOption.objects.create(customer=customer, option=north)
    target = url("customer_groupings", customer)
    read = api.get(target)
    assert read["ETag"] == '"1"' and [o["id"] for o in read.json()["options"]] == [north.pk]
    response = api.put(target, {"options": [south.pk]}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.content
    assert [o["id"] for o in response.json()["options"]] == [south.pk]
    assert response["ETag"] == '"2"'
    changes = {
        (r.history_type, r.option_id, r.history_change_reason, r.history_user_id)
        for r in CustomerGroupingOption.history.exclude(history_change_reason="system")
    }
    assert changes == {("-", north.pk, "api", editor.pk), ("+", south.pk, "api", editor.pk)}
    stale = api.put(target, {"options": [north.pk]}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale.json()["current_version"] == 2
    assert list(CustomerGroupingOption.objects.values_list("option", flat=True)) == [south.pk]


def test_a_single_choice_category_takes_one_option(editor, customer):
    size = GroupingCategoryFactory(name="Storlek", selection=GroupingCategory.SINGLE)
    small, big = GroupingOptionFactory(category=size), GroupingOptionFactory(category=size)
    for language, words in [("en", "allows only one option"), ("sv", "bara ett alternativ")]:
        response = token_client(editor, language=language).put(
            url("customer_groupings", customer),
            {"options": [small.pk, big.pk]},
            format="json",
            HTTP_IF_MATCH='"1"',
        )
        assert response.status_code == 400
        assert words in response.json()["non_field_errors"][0]
    customer.refresh_from_db()
    assert customer.version == 1 and not CustomerGroupingOption.objects.exists()


def test_an_unknown_option_is_refused(api, customer):
    response = api.put(
        url("customer_groupings", customer),
        {"options": [10**9]},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 400 and "options" in response.json()
