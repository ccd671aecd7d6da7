"""A person clicks Save three times in a row: one customer is created and they land on it."""

import re

import pytest
from playwright.sync_api import expect

from customers import roles
from customers.models import Customer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_triple_click_on_save_creates_one_customer(page, login):
    editor = UserFactory(username="snabbklickare", roles=[roles.EDIT])
    login(editor)
    page.goto("/customers/new/")
    page.fill("input[name=name]", "Trippelklick AB")
    page.get_by_test_id("save-customer").click(click_count=3)
    customer = Customer.objects.get(name="Trippelklick AB")
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/$"))
    expect(page.locator("#customer-name")).to_contain_text("Trippelklick AB")
    assert Customer.objects.filter(name="Trippelklick AB").count() == 1
