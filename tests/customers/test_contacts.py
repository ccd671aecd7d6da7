"""Contacts: their address belongs to the same customer, normal forms, activation, pages."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from customers.models import Contact
from customers.services.addresses import address_create
from customers.services.contacts import (
    contact_activate,
    contact_create,
    contact_deactivate,
    contact_delete,
    contact_update,
    normalise_email,
)
from customers.services.versioning import StaleObjectError
from tests.factories import ContactFactory, ContactRoleFactory, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return UserFactory()


@pytest.fixture
def customer():
    return CustomerFactory(country="SE")


@pytest.fixture
def head_office(customer, user):
    return address_create(
        customer=customer, user=user, line1="Storgatan 1", city="Stockholm", postal_code="111 22"
    )


@pytest.fixture
def branch(customer, user, head_office):
    return address_create(
        customer=customer,
        user=user,
        line1="Aleksanterinkatu 1",
        city="Helsinki",
        country="FI",
        postal_code="00100",
    )


def new_contact(customer, user, **fields):
    fields.setdefault("first_name", "Anna")
    fields.setdefault("last_name", "Berg")
    return contact_create(customer=customer, user=user, **fields)


# Services -----------------------------------------------------------------------------------


def test_a_new_contact_belongs_to_the_head_office_by_default(customer, user, head_office):
    contact = new_contact(customer, user)
    assert contact.address_id == head_office.pk


def test_a_contact_can_belong_to_another_address_of_the_customer(customer, user, branch):
    contact = new_contact(customer, user, address=branch)
    assert contact.address_id == branch.pk


def test_a_contact_at_another_customers_address_is_refused(customer, user, head_office):
    foreign = address_create(
        customer=CustomerFactory(),
        user=user,
        line1="Annan väg 1",
        postal_code="111 22",
        city="Stockholm",
    )
    with pytest.raises(ValidationError) as exc:
        new_contact(customer, user, address=foreign)
    assert "address" in exc.value.error_dict
    assert not Contact.objects.filter(customer=customer).exists()


def test_moving_a_contact_to_another_customers_address_is_refused(customer, user, head_office):
    contact = new_contact(customer, user)
    foreign = address_create(
        customer=CustomerFactory(),
        user=user,
        line1="Annan väg 1",
        postal_code="111 22",
        city="Stockholm",
    )
    with pytest.raises(ValidationError):
        contact_update(
            contact=contact, user=user, expected_version=contact.version, address=foreign
        )
    contact.refresh_from_db()
    assert contact.address_id == head_office.pk


def test_phone_and_mobile_are_stored_in_e164(customer, user, head_office):
    contact = new_contact(customer, user, phone="08-123 456 78", mobile="070 123 45 67")
    assert (contact.phone, contact.mobile) == ("+46812345678", "+46701234567")


def test_national_numbers_are_read_with_the_country_of_the_address(customer, user, branch):
    contact = new_contact(customer, user, address=branch, mobile="040 123 4567")
    assert contact.mobile == "+358401234567"


def test_an_unreadable_mobile_is_refused_and_nothing_saved(customer, user, head_office):
    with pytest.raises(ValidationError) as exc:
        new_contact(customer, user, mobile="070")
    assert "mobile" in exc.value.error_dict
    assert not Contact.objects.filter(customer=customer).exists()


def test_email_is_trimmed_with_its_domain_lower_cased(customer, user, head_office):
    contact = new_contact(customer, user, email="  Anna.Berg@Example.SE ")
    assert contact.email == "Anna.Berg@example.se"


def test_normalise_email_leaves_an_empty_value_empty():
    assert normalise_email("  ") == ""


def test_update_with_a_stale_version_is_refused(customer, user, head_office):
    contact = new_contact(customer, user)
    contact_update(contact=contact, user=user, expected_version=contact.version, title="VD")
    with pytest.raises(StaleObjectError):
        contact_update(contact=contact, user=user, expected_version=1, title="CFO")
    contact.refresh_from_db()
    assert contact.title == "VD"


def test_deactivate_and_activate(customer, user, head_office):
    contact = new_contact(customer, user)
    contact_deactivate(contact=contact, user=user)
    contact.refresh_from_db()
    assert contact.is_active is False
    contact_activate(contact=contact, user=user)
    contact.refresh_from_db()
    assert contact.is_active is True


def test_delete_is_recorded_in_history_with_the_user(customer, user, head_office):
    contact = new_contact(customer, user)
    contact_delete(contact=contact, user=user)
    assert not Contact.objects.filter(pk=contact.pk).exists()
    latest = Contact.history.filter(id=contact.pk).order_by("-history_date").first()
    assert (latest.history_type, latest.history_user) == ("-", user)


def test_history_records_who_changed_a_contact(customer, user, head_office):
    contact = new_contact(customer, user)
    other = UserFactory()
    contact_update(contact=contact, user=other, expected_version=contact.version, title="VD")
    latest = contact.history.order_by("-history_date").first()
    assert (latest.history_user, latest.title, latest.version) == (other, "VD", 2)


# Pages --------------------------------------------------------------------------------------


def form_data(**fields):
    data = {"first_name": "Anna", "last_name": "Berg", "language": "sv"}
    data.update(fields)
    return data


def test_new_contact_form_preselects_the_head_office(editor_client, customer, branch, head_office):
    response = editor_client.get(reverse("customers:contact_create", args=[customer.pk]))
    form = response.context["form"]
    assert form["address"].value() == head_office.pk


def test_new_contact_form_offers_only_this_customers_addresses(
    editor_client, customer, user, branch, head_office
):
    address_create(
        customer=CustomerFactory(),
        user=user,
        line1="Annan väg 1",
        postal_code="111 22",
        city="Stockholm",
    )
    response = editor_client.get(reverse("customers:contact_create", args=[customer.pk]))
    offered = set(response.context["form"].fields["address"].queryset)
    assert offered == {head_office, branch}


def test_new_contact_form_offers_only_active_roles(editor_client, customer, head_office):
    active = ContactRoleFactory(name="Beslutsfattare")
    ContactRoleFactory(name="Gammal roll", is_active=False)
    response = editor_client.get(reverse("customers:contact_create", args=[customer.pk]))
    assert list(response.context["form"].fields["role"].queryset) == [active]


def test_new_contact_page_adds_the_contact_and_returns_to_the_card(editor_client, customer, branch):
    role = ContactRoleFactory(name="Fakturamottagare")
    response = editor_client.post(
        reverse("customers:contact_create", args=[customer.pk]),
        form_data(address=branch.pk, role=role.pk, email="anna@Example.com"),
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("customers:customer_detail", args=[customer.pk]))
    contact = Contact.objects.get(customer=customer)
    assert (contact.address, contact.role, contact.email) == (branch, role, "anna@example.com")


def test_new_contact_page_refuses_a_forged_address_of_another_customer(
    editor_client, customer, user, head_office
):
    foreign = address_create(
        customer=CustomerFactory(),
        user=user,
        line1="Annan väg 1",
        postal_code="111 22",
        city="Stockholm",
    )
    response = editor_client.post(
        reverse("customers:contact_create", args=[customer.pk]), form_data(address=foreign.pk)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["address"]
    assert not Contact.objects.exists()


def test_new_contact_page_requires_first_and_last_name(editor_client, customer, head_office):
    response = editor_client.post(
        reverse("customers:contact_create", args=[customer.pk]),
        form_data(first_name="", last_name="", address=head_office.pk),
    )
    assert set(response.context["form"].errors) == {"first_name", "last_name"}
    assert not Contact.objects.exists()


def test_new_contact_page_shows_a_bad_phone_beside_the_field(editor_client, customer, head_office):
    response = editor_client.post(
        reverse("customers:contact_create", args=[customer.pk]),
        form_data(address=head_office.pk, phone="123"),
    )
    assert response.context["form"].errors["phone"]
    assert not Contact.objects.exists()


def test_edit_page_with_a_stale_version_shows_an_error(editor_client, customer, user, head_office):
    contact = new_contact(customer, user)
    contact_update(contact=contact, user=user, expected_version=contact.version, title="VD")
    response = editor_client.post(
        reverse("customers:contact_update", args=[customer.pk, contact.pk]),
        form_data(address=head_office.pk, title="CFO", version=1),
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    contact.refresh_from_db()
    assert contact.title == "VD"


def test_toggle_active_page_inactivates_then_activates(editor_client, customer, user, head_office):
    contact = new_contact(customer, user)
    url = reverse("customers:contact_toggle_active", args=[customer.pk, contact.pk])
    editor_client.post(url)
    contact.refresh_from_db()
    assert contact.is_active is False
    response = editor_client.post(url, {"show_inactive": "1"})
    contact.refresh_from_db()
    assert contact.is_active is True
    assert "show_inactive=1" in response["Location"]


def test_delete_page_deletes_on_post_only(editor_client, customer, user, head_office):
    contact = new_contact(customer, user)
    url = reverse("customers:contact_delete", args=[customer.pk, contact.pk])
    editor_client.get(url)
    assert Contact.objects.filter(pk=contact.pk).exists()
    response = editor_client.post(url)
    assert response.status_code == 302
    assert not Contact.objects.filter(pk=contact.pk).exists()


# Admin: contact roles -----------------------------------------------------------------------


def test_administrators_list_contact_roles_with_their_use(client, superuser, customer, user):
    role = ContactRoleFactory(name="Beslutsfattare")
    new_contact(customer, user, role=role)
    client.force_login(superuser)
    response = client.get(reverse("admin:customers_contactrole_changelist"))
    assert response.status_code == 200
    assert "Beslutsfattare" in response.content.decode()


def test_a_contact_role_in_use_cannot_be_deleted_in_the_admin(client, superuser, customer, user):
    role = ContactRoleFactory(name="Beslutsfattare")
    new_contact(customer, user, role=role)
    client.force_login(superuser)
    response = client.get(reverse("admin:customers_contactrole_delete", args=[role.pk]))
    assert response.status_code == 403


def test_a_customer_without_addresses_gets_contacts_without_address(editor_client, customer):
    response = editor_client.post(
        reverse("customers:contact_create", args=[customer.pk]), form_data()
    )
    assert response.status_code == 302
    assert Contact.objects.get(customer=customer).address is None


def test_inactivate_from_an_out_of_date_page_keeps_the_contact_inactive(editor_client):
    contact = ContactFactory(is_active=False)
    url = reverse(
        "customers:contact_toggle_active",
        kwargs={"pk": contact.customer_id, "contact_pk": contact.pk},
    )
    assert editor_client.post(url, {"active": "0"}).status_code == 302
    contact.refresh_from_db()
    assert contact.is_active is False
