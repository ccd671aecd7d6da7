"""The admin pages of the customer register: customers, industries, number sequences."""

import pytest
from django.urls import reverse

from customers.models import Customer
from tests.factories import CustomerFactory, IndustryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, superuser):
    client.force_login(superuser)
    return client


@pytest.mark.parametrize(
    "name",
    [
        "admin:customers_customer_changelist",
        "admin:customers_customer_add",
        "admin:customers_industry_changelist",
        "admin:customers_numbersequence_changelist",
    ],
)
def test_admin_pages_open(admin_client_, name):
    CustomerFactory()
    assert admin_client_.get(reverse(name)).status_code == 200


def test_admin_customer_search_by_name(admin_client_):
    CustomerFactory(name="Sökbar AB")
    CustomerFactory(name="Annan AB")
    response = admin_client_.get(reverse("admin:customers_customer_changelist"), {"q": "sökbar"})
    assert [c.name for c in response.context["cl"].result_list] == ["Sökbar AB"]


def test_admin_new_customer_without_number_gets_the_next_one(admin_client_, settings):
    settings.KUNDKORT_CUSTOMER_NUMBER_START = 3000
    response = admin_client_.post(
        reverse("admin:customers_customer_add"),
        {"name": "Admin AB", "country": "SE", "show_description": "", "is_active": "on"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Customer.objects.get(name="Admin AB").number == 3000


def test_industry_in_use_cannot_be_deleted(admin_client_):
    industry = IndustryFactory(name="Använd")
    CustomerFactory(industry=industry)
    response = admin_client_.get(reverse("admin:customers_industry_delete", args=[industry.pk]))
    assert response.status_code == 403
