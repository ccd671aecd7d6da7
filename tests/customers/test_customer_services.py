"""Customer services: the number sequence, create with head office, update, (in)activate, delete."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from customers.models import Address, Contact, Customer, NumberSequence
from customers.services.customers import (
    customer_create,
    customer_delete,
    customer_set_active,
    customer_update,
)
from customers.services.versioning import StaleObjectError
from tests.factories import (
    ActivityFactory,
    AddressFactory,
    ContactFactory,
    CustomerFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def user(db):
    return UserFactory(username="creator")


@pytest.fixture
def start_at_5000(settings):
    settings.KUNDKORT_CUSTOMER_NUMBER_START = 5000


def test_first_customer_gets_the_configured_start_number(user, start_at_5000):
    customer = customer_create(user=user, name="Alfa AB")
    assert customer.number == 5000


def test_customers_get_consecutive_numbers(user, start_at_5000):
    numbers = [customer_create(user=user, name=f"Kund {i}").number for i in range(3)]
    assert numbers == [5000, 5001, 5002]


def test_numbers_already_taken_are_skipped(user, start_at_5000):
    CustomerFactory(number=5000)
    CustomerFactory(number=5001)
    CustomerFactory(number=5003)
    first = customer_create(user=user, name="Beta AB")
    second = customer_create(user=user, name="Gamma AB")
    assert (first.number, second.number) == (5002, 5004)
    assert NumberSequence.objects.get(key="customer").next_value == 5005


def test_typed_free_number_is_kept(user, start_at_5000):
    customer = customer_create(user=user, name="Delta AB", number=7777)
    assert customer.number == 7777


def test_typed_taken_number_is_refused_naming_the_holder(user):
    CustomerFactory(number=4242, name="Upptagen AB")
    with pytest.raises(ValidationError) as exc_info:
        customer_create(user=user, name="Epsilon AB", number=4242)
    message = exc_info.value.message_dict["number"][0]
    assert "4242" in message and "Upptagen AB" in message
    assert not Customer.objects.filter(name="Epsilon AB").exists()


def test_invalid_input_saves_nothing_and_keeps_the_number_free(user, start_at_5000):
    with pytest.raises(ValidationError) as exc_info:
        customer_create(user=user, name="Zeta AB", organisation_number="556036-0794")
    assert "organisation_number" in exc_info.value.message_dict
    assert not Customer.objects.exists()
    assert customer_create(user=user, name="Eta AB").number == 5000


def test_create_stores_normalised_numbers_and_who_created(user):
    customer = customer_create(
        user=user, name="  Theta AB ", organisation_number="5560360793", vat_number="556036079301"
    )
    customer.refresh_from_db()
    assert customer.name == "Theta AB"
    assert customer.organisation_number == "556036-0793"
    assert customer.vat_number == "SE556036079301"
    assert customer.created_by == user and customer.updated_by == user


def test_create_with_address_makes_it_the_head_office(user):
    customer = customer_create(
        user=user,
        name="Iota AB",
        address={
            "line1": "Storgatan 1",
            "postal_code": "111 22",
            "city": "Stockholm",
            "country": "SE",
            "is_postal": True,
            "is_visiting": False,
            "is_billing": True,
        },
    )
    address = Address.objects.get(customer=customer)
    assert address.is_head_office
    assert (address.city, address.is_postal, address.is_billing) == ("Stockholm", True, True)


def test_invalid_address_saves_neither_customer_nor_address(user):
    with pytest.raises(ValidationError) as exc_info:
        customer_create(
            user=user, name="Kappa AB", address={"city": "Lund", "phone": "12", "country": "SE"}
        )
    assert "address_phone" in exc_info.value.message_dict
    assert not Customer.objects.filter(name="Kappa AB").exists()
    assert not Address.objects.exists()


def test_update_changes_fields_and_bumps_version(user):
    customer = CustomerFactory(name="Lambda AB")
    updated = customer_update(
        customer_pk=customer.pk, user=user, expected_version=customer.version, name="Lambda Nya AB"
    )
    assert updated.name == "Lambda Nya AB"
    assert updated.version == customer.version + 1
    assert updated.updated_by == user


def test_update_of_a_stale_version_is_refused(user):
    customer = CustomerFactory(name="My AB")
    customer_update(customer_pk=customer.pk, user=user, expected_version=1, name="My 2 AB")
    with pytest.raises(StaleObjectError):
        customer_update(customer_pk=customer.pk, user=user, expected_version=1, name="My 3 AB")
    customer.refresh_from_db()
    assert customer.name == "My 2 AB"


def test_update_to_a_taken_number_is_refused(user):
    CustomerFactory(number=8001, name="Holder AB")
    customer = CustomerFactory(number=8002)
    with pytest.raises(ValidationError) as exc_info:
        customer_update(customer_pk=customer.pk, user=user, expected_version=1, number=8001)
    assert "Holder AB" in exc_info.value.message_dict["number"][0]


def test_update_with_invalid_vat_number_saves_nothing(user):
    customer = CustomerFactory(vat_number="")
    with pytest.raises(ValidationError):
        customer_update(customer_pk=customer.pk, user=user, expected_version=1, vat_number="SE1")
    customer.refresh_from_db()
    assert customer.vat_number == "" and customer.version == 1


def test_inactivate_and_reactivate(user):
    customer = CustomerFactory()
    assert (
        customer_set_active(customer_pk=customer.pk, user=user, is_active=False).is_active is False
    )
    assert customer_set_active(customer_pk=customer.pk, user=user, is_active=True).is_active is True


def test_delete_removes_customer_with_addresses_and_contacts(user):
    customer = CustomerFactory()
    address = AddressFactory(customer=customer, is_head_office=True)
    ContactFactory(customer=customer, address=address)
    customer_delete(customer_pk=customer.pk, user=user)
    assert not Customer.objects.filter(pk=customer.pk).exists()
    assert not Address.objects.exists() and not Contact.objects.exists()


def test_delete_is_refused_while_a_project_refers_to_the_customer(user):
    customer = CustomerFactory(name="Projektkund AB")
    ProjectFactory(customer=customer)
    with pytest.raises(ValidationError) as exc_info:
        customer_delete(customer_pk=customer.pk, user=user)
    message = exc_info.value.messages[0]
    assert "Projektkund AB" in message and "1 project" in message and "Inactivate" in message
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_delete_is_refused_while_an_activity_refers_to_the_customer(user):
    customer = CustomerFactory()
    ActivityFactory(customer=customer)
    with pytest.raises(ValidationError) as exc_info:
        customer_delete(customer_pk=customer.pk, user=user)
    assert "1 activity" in exc_info.value.messages[0]
    assert Customer.objects.filter(pk=customer.pk).exists()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_creations_never_get_the_same_number(start_at_5000):
    user = UserFactory(username="racer")
    per_thread = 5
    barrier = threading.Barrier(2)
    numbers, errors = [], []

    def create_many(prefix):
        try:
            barrier.wait()
            for i in range(per_thread):
                numbers.append(customer_create(user=user, name=f"{prefix} {i}").number)
        except Exception as exc:  # reported below; a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create_many, args=(p,)) for p in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == list(range(5000, 5000 + 2 * per_thread))
