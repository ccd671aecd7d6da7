"""``manage.py seed_demo``: realistic data, valid numbers, one user per level, idempotent."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, Q

from customers import permissions
from customers.models import Address, Contact, Customer, Industry
from customers.validators import normalise_organisation_number, normalise_vat_number

pytestmark = pytest.mark.django_db


def seed(settings, debug=False):
    settings.DEBUG = debug
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_adds_30_plus_customers_with_head_office_and_1_to_3_contacts(settings):
    seed(settings)
    customers = Customer.objects.annotate(
        head_offices=Count("addresses", filter=Q(addresses__is_head_office=True), distinct=True),
        contact_count=Count("contacts", distinct=True),
    )
    assert customers.count() >= 30
    assert {c.head_offices for c in customers} == {1}
    assert all(1 <= c.contact_count <= 3 for c in customers)
    assert Industry.objects.exists()
    assert set(Customer.objects.values_list("country", flat=True)) >= {"SE", "FI", "NO", "DK"}


def test_seeded_org_and_vat_numbers_are_valid(settings):
    seed(settings)
    for customer in Customer.objects.exclude(organisation_number=""):
        assert (
            normalise_organisation_number(customer.organisation_number, customer.country)
            == customer.organisation_number
        )
        assert normalise_vat_number(customer.vat_number, customer.country) == customer.vat_number


def test_running_twice_adds_nothing(settings):
    seed(settings)
    counts = (
        Customer.objects.count(),
        Address.objects.count(),
        Contact.objects.count(),
        get_user_model().objects.count(),
        Industry.objects.count(),
    )
    seed(settings)
    assert counts == (
        Customer.objects.count(),
        Address.objects.count(),
        Contact.objects.count(),
        get_user_model().objects.count(),
        Industry.objects.count(),
    )


def test_one_user_per_permission_level(settings):
    seed(settings)
    users = {u.username: u for u in get_user_model().objects.all()}
    assert users["admin"].is_superuser
    assert users["reader"].has_perm(permissions.VIEW)
    assert not users["reader"].has_perm(permissions.CHANGE)
    assert users["editor"].has_perm(permissions.CHANGE)
    assert not users["editor"].has_perm(permissions.DELETE)
    assert users["allan"].has_perm(permissions.FINANCIALS)
    assert users["deleter"].has_perm(permissions.DELETE)
    assert users["ownonly"].has_perm(permissions.OWN_ONLY)
    assert users["editor"].check_password("kundkort-demo")


def test_own_only_user_owns_some_customers(settings):
    seed(settings)
    assert Customer.objects.filter(owner__username="ownonly").exists()


def test_logins_are_printed_only_with_debug(settings):
    assert "kundkort-demo" not in seed(settings, debug=False)
    assert "kundkort-demo" in seed(settings, debug=True)
