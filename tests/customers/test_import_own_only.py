"""The "Edit own customers only" restriction in the importer: the same owner rule as the
customer form and the API (``customers.permissions.owner_refusal``)."""

import pytest
from django.contrib.auth.models import Permission
from django.utils import translation

from customers import roles
from customers.models import Customer
from customers.permissions import may_edit_customer
from tests.customers.import_helpers import confirm, csv_bytes, review
from tests.factories import CustomerFactory, UserFactory
from tests.test_permission_matrix import history_row_count

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


HEADER = ["Customer name", "Customer owner", "Address line 1", "Postal code", "City"]


def _importer(username, *levels):
    """A staff user who may import (as the admin's Import page requires) at ``levels``."""
    user = UserFactory(username=username, is_staff=True, roles=list(levels))
    user.user_permissions.add(Permission.objects.get(codename="import_customer"))
    return user


@pytest.fixture
def own_only(db):
    return _importer("ownimporter", roles.EDIT, roles.OWN_ONLY)


@pytest.fixture
def colleague(db):
    return UserFactory(username="kollega", email="kollega@firma.se")


def _file(*rows):
    return csv_bytes(HEADER, [list(row) for row in rows], delimiter=",")


def test_own_only_importer_cannot_create_a_customer_owned_by_someone_else(own_only, colleague):
    before = history_row_count()
    result = confirm(_file(("Ny Kund AB", "kollega", "Storgatan 1", "111 22", "Sthlm")), own_only)
    assert result.has_errors
    [error] = result.errors
    assert (error.column, error.value) == ("Customer owner", "kollega")
    assert "you must be the owner of the customers you create" in error.message
    assert not result.committed
    assert history_row_count() == before
    assert not Customer.objects.filter(name="Ny Kund AB").exists()


def test_the_refusal_is_on_every_row_naming_another_owner_even_after_a_row_without_one(
    own_only, colleague
):
    """The owner may come on a later row of the same new customer."""
    result = review(
        _file(
            ("Ny Kund AB", "", "Storgatan 1", "111 22", "Sthlm"),
            ("Ny Kund AB", "kollega@firma.se", "Lillgatan 2", "111 23", "Sthlm"),
        ),
        own_only,
    )
    assert [(e.row, e.column) for e in result.errors] == [(3, "Customer owner")]


def test_own_only_importer_owns_the_customers_they_create_without_an_owner(own_only):
    result = confirm(_file(("Ny Kund AB", "", "Storgatan 1", "111 22", "Sthlm")), own_only)
    assert not result.has_errors, result.errors
    customer = Customer.objects.get(name="Ny Kund AB")
    assert customer.owner == own_only
    assert may_edit_customer(own_only, customer)


def test_own_only_importer_may_name_themselves_as_owner(own_only):
    result = confirm(
        _file(("Ny Kund AB", "ownimporter", "Storgatan 1", "111 22", "Sthlm")), own_only
    )
    assert not result.has_errors, result.errors
    assert Customer.objects.get(name="Ny Kund AB").owner == own_only


def test_own_only_importer_still_cannot_update_another_owners_customer(own_only, colleague):
    CustomerFactory(name="Kollegans AB", owner=colleague)
    before = history_row_count()
    result = confirm(_file(("Kollegans AB", "", "Storgatan 1", "111 22", "Sthlm")), own_only)
    assert "you edit only customers you own" in " ".join(e.message for e in result.errors)
    assert history_row_count() == before


def test_unrestricted_importer_creates_for_anyone_and_leaves_an_empty_owner_empty(colleague):
    editor = _importer("editor", roles.EDIT)
    result = confirm(
        _file(
            ("Kollegans AB", "kollega", "Storgatan 1", "111 22", "Sthlm"),
            ("Ingens AB", "", "Storgatan 2", "111 22", "Sthlm"),
        ),
        editor,
    )
    assert not result.has_errors, result.errors
    assert Customer.objects.get(name="Kollegans AB").owner == colleague
    assert Customer.objects.get(name="Ingens AB").owner is None
