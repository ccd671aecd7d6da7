"""Admin of billing lookups and grouping categories: values in use are deactivated, not deleted."""

import pytest
from django.urls import reverse

from customers.models import (
    Currency,
    Customer,
    EInvoiceOperator,
    GroupingCategory,
    GroupingOption,
    InvoiceLanguage,
    InvoiceTemplate,
    PaymentTerm,
    PriceList,
)
from customers.services.groupings import customer_set_grouping_options
from tests.factories import (
    CustomerFactory,
    GroupingCategoryFactory,
    GroupingOptionFactory,
    PaymentTermFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.mark.parametrize(
    "model", [PaymentTerm, InvoiceTemplate, PriceList, Currency, InvoiceLanguage, EInvoiceOperator]
)
def test_lookup_changelist_opens_with_active_filter(admin_client, model):
    meta = model._meta
    response = admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    assert response.status_code == 200
    assert "is_active" in response.context["cl"].list_editable


def test_payment_term_in_use_cannot_be_deleted(admin_client):
    term = PaymentTermFactory(name="30 days")
    CustomerFactory(payment_term=term)
    response = admin_client.get(reverse("admin:customers_paymentterm_delete", args=[term.pk]))
    assert response.status_code == 403
    response = admin_client.post(reverse("admin:customers_paymentterm_delete", args=[term.pk]))
    assert PaymentTerm.objects.filter(pk=term.pk).exists()


def test_change_page_of_a_value_in_use_says_to_deactivate_it(admin_client):
    term = PaymentTermFactory(name="30 days")
    CustomerFactory(payment_term=term)
    response = admin_client.get(
        reverse("admin:customers_paymentterm_change", args=[term.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    content = response.content.decode()
    assert "is in use, so it cannot be deleted" in content
    assert reverse("admin:customers_paymentterm_delete", args=[term.pk]) not in content


def test_unused_payment_term_can_be_deleted(admin_client):
    term = PaymentTermFactory(name="Unused")
    response = admin_client.post(
        reverse("admin:customers_paymentterm_delete", args=[term.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not PaymentTerm.objects.filter(pk=term.pk).exists()


def test_bulk_delete_of_values_in_use_is_refused_with_a_message(admin_client):
    term = PaymentTermFactory(name="30 days")
    CustomerFactory(payment_term=term)
    response = admin_client.post(
        reverse("admin:customers_paymentterm_changelist"),
        {"action": "delete_selected", "_selected_action": [term.pk], "post": "yes"},
    )
    assert response.status_code == 200
    assert response.context["protected"]
    assert PaymentTerm.objects.filter(pk=term.pk).exists()


def test_category_is_created_with_options_inline(admin_client):
    response = admin_client.post(
        reverse("admin:customers_groupingcategory_add"),
        {
            "name": "Region",
            "description": "",
            "selection": GroupingCategory.SINGLE,
            "is_active": "on",
            "order": "0",
            "options-TOTAL_FORMS": "2",
            "options-INITIAL_FORMS": "0",
            "options-MIN_NUM_FORMS": "0",
            "options-MAX_NUM_FORMS": "1000",
            "options-0-name": "North",
            "options-0-is_active": "on",
            "options-0-order": "1",
            "options-1-name": "South",
            "options-1-is_active": "on",
            "options-1-order": "2",
        },
    )
    assert response.status_code == 302
    category = GroupingCategory.objects.get(name="Region")
    assert list(category.options.values_list("name", flat=True)) == ["North", "South"]


def test_category_with_options_cannot_be_deleted(admin_client):
    option = GroupingOptionFactory()
    url = reverse("admin:customers_groupingcategory_delete", args=[option.category_id])
    assert admin_client.get(url).status_code == 403


def test_category_cannot_become_single_choice_while_customers_hold_two_options(admin_client):
    category = GroupingCategoryFactory(name="Interests", selection=GroupingCategory.MULTIPLE)
    golf = GroupingOptionFactory(category=category, name="Golf")
    wine = GroupingOptionFactory(category=category, name="Wine")
    customer_set_grouping_options(customer=CustomerFactory(), user=None, options=[golf, wine])
    response = admin_client.post(
        reverse("admin:customers_groupingcategory_change", args=[category.pk]),
        {
            "name": "Interests",
            "description": "",
            "selection": GroupingCategory.SINGLE,
            "is_active": "on",
            "order": "0",
            "options-TOTAL_FORMS": "2",
            "options-INITIAL_FORMS": "2",
            "options-MIN_NUM_FORMS": "0",
            "options-MAX_NUM_FORMS": "1000",
            "options-0-id": golf.pk,
            "options-0-category": category.pk,
            "options-0-name": "Golf",
            "options-0-is_active": "on",
            "options-0-order": "0",
            "options-1-id": wine.pk,
            "options-1-category": category.pk,
            "options-1-name": "Wine",
            "options-1-is_active": "on",
            "options-1-order": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["selection"]
    category.refresh_from_db()
    assert category.selection == GroupingCategory.MULTIPLE


def test_option_held_by_a_customer_cannot_be_deleted_from_the_inline(admin_client):
    category = GroupingCategoryFactory(name="Interests")
    golf = GroupingOptionFactory(category=category, name="Golf")
    customer_set_grouping_options(customer=CustomerFactory(), user=None, options=[golf])
    response = admin_client.post(
        reverse("admin:customers_groupingcategory_change", args=[category.pk]),
        {
            "name": "Interests",
            "description": "",
            "selection": GroupingCategory.MULTIPLE,
            "is_active": "on",
            "order": "0",
            "options-TOTAL_FORMS": "1",
            "options-INITIAL_FORMS": "1",
            "options-MIN_NUM_FORMS": "0",
            "options-MAX_NUM_FORMS": "1000",
            "options-0-id": golf.pk,
            "options-0-category": category.pk,
            "options-0-name": "Golf",
            "options-0-is_active": "on",
            "options-0-order": "0",
            "options-0-DELETE": "on",
        },
    )
    assert response.status_code == 200
    assert GroupingOption.objects.filter(pk=golf.pk).exists()
    assert Customer.objects.filter(grouping_options=golf).exists()
