"""Addresses: the head office and default billing invariants, delete, and the address pages."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from customers.models import Address, Contact
from customers.services.addresses import (
    address_create,
    address_delete,
    address_make_head_office,
    address_set_default_billing,
    address_update,
)
from customers.services.versioning import StaleObjectError
from tests.factories import ContactFactory, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return UserFactory()


@pytest.fixture
def customer():
    return CustomerFactory(country="SE")


def add(customer, user, **fields):
    fields.setdefault("line1", "Storgatan 1")
    fields.setdefault("postal_code", "111 22")
    fields.setdefault("city", "Stockholm")
    return address_create(customer=customer, user=user, **fields)


def head_offices(customer):
    return list(Address.objects.filter(customer=customer, is_head_office=True))


def default_billing(customer):
    return list(Address.objects.filter(customer=customer, is_default_billing=True))


# Head office --------------------------------------------------------------------------------


def test_first_address_becomes_head_office(customer, user):
    address = add(customer, user, is_head_office=False)
    assert address.is_head_office is True


def test_later_address_is_not_head_office_unless_asked(customer, user):
    first = add(customer, user)
    add(customer, user, line1="Sidogatan 2")
    assert head_offices(customer) == [first]


def test_new_address_marked_head_office_takes_it_over(customer, user):
    add(customer, user)
    second = add(customer, user, line1="Sidogatan 2", is_head_office=True)
    assert head_offices(customer) == [second]


def test_make_head_office_moves_it(customer, user):
    first = add(customer, user)
    second = add(customer, user, line1="Sidogatan 2")
    address_make_head_office(address=second, user=user)
    assert head_offices(customer) == [second]
    first.refresh_from_db()
    assert first.is_head_office is False


def test_database_refuses_a_second_head_office(customer, user):
    add(customer, user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Address.objects.create(customer=customer, line1="Bakvägen 3", is_head_office=True)


def test_update_refuses_to_unset_the_head_office(customer, user):
    first = add(customer, user)
    add(customer, user, line1="Sidogatan 2")
    with pytest.raises(ValidationError) as exc:
        address_update(
            address=first, user=user, expected_version=first.version, is_head_office=False
        )
    assert "is_head_office" in exc.value.error_dict
    assert head_offices(customer) == [first]


def test_update_with_head_office_moves_it(customer, user):
    add(customer, user)
    second = add(customer, user, line1="Sidogatan 2")
    address_update(address=second, user=user, expected_version=second.version, is_head_office=True)
    assert head_offices(customer) == [second]


# Default billing ----------------------------------------------------------------------------


def test_first_billing_address_becomes_default_billing(customer, user):
    add(customer, user)
    billing = add(customer, user, line1="Fakturavägen 1", is_billing=True)
    assert default_billing(customer) == [billing]


def test_second_billing_address_leaves_the_default_alone(customer, user):
    first = add(customer, user, is_billing=True)
    add(customer, user, line1="Fakturavägen 1", is_billing=True)
    assert default_billing(customer) == [first]


def test_set_default_billing_keeps_at_most_one(customer, user):
    add(customer, user, is_billing=True)
    second = add(customer, user, line1="Fakturavägen 1", is_billing=True)
    address_set_default_billing(address=second, user=user)
    assert default_billing(customer) == [second]


def test_set_default_billing_refuses_an_address_not_flagged_billing(customer, user):
    add(customer, user, is_billing=True)
    plain = add(customer, user, line1="Besöksvägen 1", is_visiting=True)
    with pytest.raises(ValidationError):
        address_set_default_billing(address=plain, user=user)
    plain.refresh_from_db()
    assert plain.is_default_billing is False


def test_unflagging_the_default_billing_address_promotes_the_next_billing(customer, user):
    first = add(customer, user, is_billing=True)
    second = add(customer, user, line1="Fakturavägen 1", is_billing=True)
    address_update(address=first, user=user, expected_version=first.version, is_billing=False)
    assert default_billing(customer) == [second]


def test_database_refuses_default_billing_without_billing_flag(customer, user):
    address = add(customer, user)
    address.is_default_billing = True
    with pytest.raises(IntegrityError), transaction.atomic():
        address.save()


# Delete -------------------------------------------------------------------------------------


def test_deleting_the_head_office_without_a_replacement_is_refused(customer, user):
    head = add(customer, user)
    add(customer, user, line1="Sidogatan 2")
    with pytest.raises(ValidationError) as exc:
        address_delete(address=head, user=user)
    assert "new_head_office" in exc.value.error_dict
    assert Address.objects.filter(pk=head.pk).exists()


def test_deleting_the_head_office_with_a_replacement_moves_it(customer, user):
    head = add(customer, user)
    second = add(customer, user, line1="Sidogatan 2")
    address_delete(address=head, user=user, new_head_office=second)
    assert head_offices(customer) == [second]
    assert not Address.objects.filter(pk=head.pk).exists()


def test_the_last_address_can_be_deleted(customer, user):
    head = add(customer, user)
    address_delete(address=head, user=user)
    assert not Address.objects.filter(customer=customer).exists()


def test_replacement_head_office_must_belong_to_the_customer(customer, user):
    head = add(customer, user)
    add(customer, user, line1="Sidogatan 2")
    foreign = add(CustomerFactory(), user)
    with pytest.raises(ValidationError):
        address_delete(address=head, user=user, new_head_office=foreign)
    assert head_offices(customer) == [head]


def test_contacts_of_a_deleted_address_move_to_the_head_office(customer, user):
    head = add(customer, user)
    branch = add(customer, user, line1="Sidogatan 2")
    contacts = ContactFactory.create_batch(2, customer=customer, address=branch)
    moved = address_delete(address=branch, user=user)
    assert moved == 2
    assert {c.address_id for c in type(contacts[0]).objects.filter(customer=customer)} == {head.pk}


def test_contacts_of_a_deleted_address_move_to_the_chosen_address(customer, user):
    add(customer, user)
    branch = add(customer, user, line1="Sidogatan 2")
    other = add(customer, user, line1="Tredje gatan 3")
    contact = ContactFactory(customer=customer, address=branch)
    address_delete(address=branch, user=user, move_contacts_to=other)
    contact.refresh_from_db()
    assert contact.address_id == other.pk


def test_contacts_of_a_deleted_head_office_move_to_the_new_head_office(customer, user):
    head = add(customer, user)
    second = add(customer, user, line1="Sidogatan 2")
    contact = ContactFactory(customer=customer, address=head)
    address_delete(address=head, user=user, new_head_office=second)
    contact.refresh_from_db()
    assert contact.address_id == second.pk


def test_deleting_the_default_billing_address_promotes_another_billing(customer, user):
    add(customer, user)
    first_billing = add(customer, user, line1="Fakturavägen 1", is_billing=True)
    second_billing = add(customer, user, line1="Fakturavägen 2", is_billing=True)
    address_delete(address=first_billing, user=user)
    assert default_billing(customer) == [second_billing]


# Values and history -------------------------------------------------------------------------


def test_phone_is_stored_in_e164_read_with_the_address_country(customer, user):
    address = add(customer, user, country="FI", phone="040 123 4567")
    assert address.phone == "+358401234567"


def test_an_unreadable_phone_is_refused_and_nothing_saved(customer, user):
    with pytest.raises(ValidationError) as exc:
        add(customer, user, phone="12")
    assert "phone" in exc.value.error_dict
    assert not Address.objects.filter(customer=customer).exists()


def test_update_with_a_stale_version_is_refused(customer, user):
    address = add(customer, user)
    address_update(address=address, user=user, expected_version=address.version, city="Uppsala")
    with pytest.raises(StaleObjectError):
        address_update(address=address, user=user, expected_version=1, city="Lund")
    address.refresh_from_db()
    assert address.city == "Uppsala"


def test_history_records_who_changed_an_address(customer, user):
    address = add(customer, user)
    address_update(address=address, user=user, expected_version=address.version, city="Uppsala")
    latest = address.history.order_by("-history_date").first()
    assert (latest.history_type, latest.history_user, latest.city) == ("~", user, "Uppsala")


def test_history_records_who_deleted_an_address(customer, user):
    address = add(customer, user)
    address_delete(address=address, user=user)
    latest = Address.history.filter(id=address.pk).order_by("-history_date").first()
    assert (latest.history_type, latest.history_user) == ("-", user)


# Concurrency (PostgreSQL) -------------------------------------------------------------------


def _make_head_office(address, user, barrier, errors):
    try:
        barrier.wait(timeout=10)  # both threads ask at the same moment
        address_make_head_office(address=address, user=user)
    except Exception as exc:  # reported by the test's assertion
        errors.append(exc)
    finally:
        connection.close()  # each thread has its own connection


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_make_head_office_calls_leave_exactly_one_head_office():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL; SQLite serialises writers anyway.")
    user = UserFactory()
    customer = CustomerFactory()
    add(customer, user)
    for _round in range(5):
        first = add(customer, user, line1="Östra vägen 1")
        second = add(customer, user, line1="Västra vägen 2")
        barrier = threading.Barrier(2)
        errors = []
        threads = [
            threading.Thread(target=_make_head_office, args=(a, user, barrier, errors))
            for a in (first, second)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert errors == []
        offices = head_offices(customer)
        assert len(offices) == 1
        assert offices[0].pk in {first.pk, second.pk}


# Pages --------------------------------------------------------------------------------------


def card_url(customer):
    return reverse("customers:customer_detail", args=[customer.pk])


def test_new_address_page_adds_the_address_and_returns_to_the_card(editor_client, customer):
    response = editor_client.post(
        reverse("customers:address_create", args=[customer.pk]),
        {
            "line1": "Kungsgatan 5",
            "postal_code": "111 43",
            "city": "Stockholm",
            "country": "SE",
            "phone": "08-123 456 78",
            "is_billing": "on",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0].startswith(card_url(customer))
    address = Address.objects.get(customer=customer)
    assert (address.is_head_office, address.is_default_billing, address.phone) == (
        True,
        True,
        "+46812345678",
    )
    assert [m.level_tag for m in response.context["messages"]] == ["success"]


def test_new_address_page_shows_a_bad_phone_and_writes_nothing(editor_client, customer):
    response = editor_client.post(
        reverse("customers:address_create", args=[customer.pk]),
        {"line1": "Kungsgatan 5", "country": "SE", "phone": "abc"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    assert not Address.objects.filter(customer=customer).exists()


def test_change_head_office_page_moves_it(editor_client, customer, user):
    add(customer, user)
    second = add(customer, user, line1="Sidogatan 2")
    response = editor_client.post(
        reverse("customers:address_make_head_office", args=[customer.pk]),
        {"address": second.pk},
    )
    assert response.status_code == 302
    assert head_offices(customer) == [second]


def test_change_head_office_page_refuses_another_customers_address(editor_client, customer, user):
    head = add(customer, user)
    foreign = add(CustomerFactory(), user)
    response = editor_client.post(
        reverse("customers:address_make_head_office", args=[customer.pk]),
        {"address": foreign.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["address"]
    assert head_offices(customer) == [head]
    foreign.refresh_from_db()
    assert foreign.is_head_office is True  # its own customer's head office, untouched


def test_delete_page_for_the_head_office_asks_for_a_replacement(editor_client, customer, user):
    head = add(customer, user)
    add(customer, user, line1="Sidogatan 2")
    response = editor_client.post(reverse("customers:address_delete", args=[customer.pk, head.pk]))
    assert response.status_code == 200
    assert response.context["form"].errors["new_head_office"]
    assert Address.objects.filter(pk=head.pk).exists()


def test_delete_page_moves_contacts_where_the_user_chose(editor_client, customer, user):
    add(customer, user)
    branch = add(customer, user, line1="Sidogatan 2")
    other = add(customer, user, line1="Tredje gatan 3")
    contact = ContactFactory(customer=customer, address=branch)
    response = editor_client.post(
        reverse("customers:address_delete", args=[customer.pk, branch.pk]),
        {"move_contacts_to": other.pk},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.address_id == other.pk


def test_edit_page_with_a_stale_version_shows_an_error(editor_client, customer, user):
    address = add(customer, user)
    address_update(address=address, user=user, expected_version=address.version, city="Uppsala")
    response = editor_client.post(
        reverse("customers:address_update", args=[customer.pk, address.pk]),
        {
            "line1": "Storgatan 1",
            "postal_code": "222 22",
            "city": "Lund",
            "country": "SE",
            "version": 1,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    address.refresh_from_db()
    assert address.city == "Uppsala"


def test_edit_page_keeps_the_head_office_even_if_the_box_is_posted_unticked(
    editor_client, customer, user
):
    head = add(customer, user)
    add(customer, user, line1="Sidogatan 2")
    response = editor_client.post(
        reverse("customers:address_update", args=[customer.pk, head.pk]),
        {
            "line1": "Storgatan 1",
            "postal_code": "222 22",
            "city": "Lund",
            "country": "SE",
            "version": head.version,
        },
    )
    assert response.status_code == 302
    head.refresh_from_db()
    assert (head.city, head.is_head_office) == ("Lund", True)


def test_new_address_form_says_the_first_address_becomes_head_office(editor_client, customer):
    response = editor_client.get(reverse("customers:address_create", args=[customer.pk]))
    field = response.context["form"].fields["is_head_office"]
    assert field.disabled and field.initial is True


def test_deleting_an_address_moves_a_contact_whose_old_email_no_longer_validates():
    editor = UserFactory()
    customer = CustomerFactory()
    head = address_create(
        customer=customer, user=editor, line1="Storgatan 1", city="Umeå", postal_code="111 22"
    )
    branch = address_create(
        customer=customer, user=editor, line1="Hamngatan 2", city="Luleå", postal_code="111 22"
    )
    contact = Contact.objects.create(
        customer=customer, address=branch, first_name="Åsa", last_name="Öberg", email="åsa@"
    )
    address_delete(address=branch, user=editor)
    contact.refresh_from_db()
    assert contact.address_id == head.pk
    assert contact.history.count() == 2
